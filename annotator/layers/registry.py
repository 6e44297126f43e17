"""Attributes of type `actor` must name an actor of the item's own project (a database check,
beside the pure rules of rules.py)."""

from annotator.layers.rules import Problem
from annotator.services.actor_refs import actor_values, registry_ids


def registry_problems(project_id: int, fields: list[dict], attrs: object) -> list[Problem]:
    """Say which actor ids in `attrs` are not actors of the project's registry."""
    values = actor_values(fields, attrs)
    if not values:
        return []
    known = registry_ids(project_id, (value for _, value in values))
    return [(f"attrs.{name}", f"{value} is not an actor of this project's registry")
            for name, value in dict.fromkeys(values) if value not in known]
