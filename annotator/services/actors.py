"""The actor registry: type-ahead over names and aliases, and coders' proposals (never commits)."""

from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from annotator.errors import Conflict
from annotator.extensions import db
from annotator.models import Actor, ActorAlias, AuditEntry, Project, User
from annotator.services.annotating import InvalidRequest

ENTITY_TYPES = ("PER", "ORG", "GPE", "LOC", "FAC")
MAX_ALIASES = 50
MAX_NAME = 300  # the length of the name, alias and folded columns
SCAN_LIMIT = 200  # candidates ranked in Python; type-ahead shows far fewer


class DuplicateActor(Conflict):
    """An actor of that name is already in the registry."""

    code = "duplicate_actor"

    def __init__(self, actor: Actor):
        super().__init__(f"The registry already has {actor.name!r}.")
        self.actor = actor


def escape_like(text: str) -> str:
    """Escape LIKE's wildcards so that "%" and "_" match only themselves (escape char "\\")."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def actor_json(actor: Actor) -> dict:
    """Return an actor as the API shows it."""
    return {"id": actor.id, "name": actor.name, "entity_type": actor.entity_type,
            "country": actor.country, "sector": actor.sector, "proposed": actor.proposed,
            "aliases": sorted(a.alias for a in actor.aliases)}


def search_actors(project: Project, q: str, limit: int) -> list[Actor]:
    """Return actors whose name or an alias starts with `q`, or has a word starting with it."""
    query = db.select(Actor).where(Actor.project_id == project.id).options(
        selectinload(Actor.aliases))
    folded = q.strip().casefold()
    if folded:
        def matches(column, value):
            escaped = escape_like(value)
            return or_(column.like(f"{escaped}%", escape="\\"),
                       column.like(f"% {escaped}%", escape="\\"))

        aliased = db.select(ActorAlias.actor_id).where(
            ActorAlias.project_id == project.id, matches(ActorAlias.folded, folded))
        query = query.where(or_(Actor.id.in_(aliased),
                                matches(func.lower(Actor.name), q.strip().lower())))
    found = db.session.execute(query.order_by(Actor.name).limit(SCAN_LIMIT)).scalars().all()

    def rank(actor: Actor) -> tuple:
        names = [actor.name.casefold()] + [a.folded for a in actor.aliases]
        return (not any(n.startswith(folded) for n in names), actor.name.casefold())

    return sorted(found, key=rank)[:limit]


def _allowed(book: dict, field: str) -> list[str]:
    actor = next((x for x in book["span_labels"] if x["name"] == "ACTOR"), None)
    spec = next((f for f in (actor or {}).get("attributes", []) if f["name"] == field), None)
    return spec["values"] if spec and spec["type"] == "choice" else []


def _code(payload: dict, field: str, allowed: list[str]) -> str | None:
    value = payload.get(field)
    if value in (None, ""):
        return None
    ok = value in allowed if allowed else (
        isinstance(value, str) and len(value) == 3 and value.isascii() and value.isupper())
    if not ok:
        raise InvalidRequest(field, f"{value!r} is not an allowed value")
    return value


def _fits(name: object) -> bool:
    """Tell whether a name fits its columns, and its case-folded alias fits `folded`."""
    # Folding may lengthen a name ("ß" -> "ss"): PostgreSQL would refuse the alias row.
    return (isinstance(name, str) and bool(name.strip()) and len(name.strip()) <= MAX_NAME
            and len(name.strip().casefold()) <= MAX_NAME)


def propose_actor(project: Project, user: User, payload: object, confirmed: bool) -> Actor:
    """Add an actor to the registry, marked proposed unless a manager adds it.

    :raise: InvalidRequest naming the bad field, DuplicateActor for a name already there.
    """
    if not isinstance(payload, dict):
        raise InvalidRequest("body", "must be a JSON object")
    name = payload.get("name")
    if not _fits(name):
        raise InvalidRequest("name", f"must be text of 1-{MAX_NAME} characters, also once "
                             "case-folded (\"ß\" folds to \"ss\")")
    name = name.strip()
    entity_type = payload.get("entity_type")
    if entity_type not in (_allowed(project.codebook.content, "entity_type") or ENTITY_TYPES):
        raise InvalidRequest("entity_type", f"{entity_type!r} is not an entity type")
    country = _code(payload, "country", [])
    sector = _code(payload, "sector", _allowed(project.codebook.content, "sector"))
    aliases = payload.get("aliases") or []
    if not isinstance(aliases, list) or len(aliases) > MAX_ALIASES or not all(
            _fits(a) for a in aliases):
        raise InvalidRequest("aliases", f"must be a list of up to {MAX_ALIASES} names of "
                             f"1-{MAX_NAME} characters, also once case-folded")
    existing = db.session.execute(
        db.select(Actor).where(Actor.project_id == project.id,
                               func.lower(Actor.name) == name.lower())
    ).scalars().first()
    if existing is not None:
        raise DuplicateActor(existing)
    unique = {a.strip().casefold(): a.strip() for a in [name, *aliases]}
    actor = Actor(project_id=project.id, name=name, entity_type=entity_type, country=country,
                  sector=sector, proposed=not confirmed, proposed_by_id=user.id)
    actor.aliases = [ActorAlias(project_id=project.id, alias=alias, folded=folded)
                     for folded, alias in unique.items()]
    db.session.add(actor)
    db.session.flush()
    db.session.add(AuditEntry(user_id=user.id, project_id=project.id, action="propose_actor",
                              target_type="actor", target_uid=str(actor.id),
                              after=actor_json(actor)))
    return actor
