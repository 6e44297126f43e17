"""References from annotations to the actor registry: attributes of type `actor` (`actor_id`).

A value must be the id of an actor in the annotation's own project (proposed actors count);
saves, imports and `annotator check` all ask here.
"""

from collections.abc import Iterable

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Actor

ID_CHUNK = 10_000  # ids per IN list


def actor_values(fields: list[dict], attrs: object) -> list[tuple[str, int]]:
    """Return (field, actor id) for each id `attrs` gives to fields of type actor."""
    if not isinstance(attrs, dict) or not attrs:
        return []
    found = []
    for field in fields:
        if field.get("type") != "actor" or field["name"] not in attrs:
            continue
        value = attrs[field["name"]]
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int) and not isinstance(item, bool):
                found.append((field["name"], item))
    return found


def registry_ids(project_id: int, ids: Iterable[int]) -> set[int]:
    """Return those of `ids` that are actors of the project."""
    wanted = sorted(set(ids))
    known: set[int] = set()
    for start in range(0, len(wanted), ID_CHUNK):
        known.update(db.session.execute(select(Actor.id).where(
            Actor.project_id == project_id, Actor.id.in_(wanted[start:start + ID_CHUNK]))
        ).scalars())
    return known


def actor_problems(project_id: int, fields: list[dict], attrs: object, where: str) -> list[str]:
    """Say which actor ids in `attrs` are not actors of the project's registry."""
    values = actor_values(fields, attrs)
    if not values:
        return []
    known = registry_ids(project_id, (value for _, value in values))
    return [f"{where}.{name}: {value} is not an actor of this project's registry"
            for name, value in dict.fromkeys(values) if value not in known]
