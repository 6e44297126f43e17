"""Audit history: read the log page by page, and rebuild a layer as it was after an entry.

A layer's earlier state is rebuilt backwards: start from its items as they are now and undo the
log's entries for that layer that came after the chosen one, newest first. Every path that
changes a layer's items writes an entry saying what it did (docs/security.md, "History"):
- the changes API: one entry per item, with the item before and after (annotator/layers/editor.py);
- a review decision: one entry with every gold item it touched, before and after;
- an annotated import: one entry; imports only fill empty layers, so undoing one empties it;
- a restore: one entry holding the whole layer before and after (services/history/restore.py).
While undoing, each entry's "after" must match what the layer holds at that point. If it does
not, the log is incomplete (say, a database edited by hand) and the rebuild refuses to guess.
Never commits.
"""

from dataclasses import dataclass
from math import ceil

from sqlalchemy import func, select

from annotator.errors import AnnotatorError
from annotator.extensions import db
from annotator.layers import SNAPSHOTS
from annotator.models import AuditEntry, Layer, User

KINDS = ("span", "event", "attribution")
PER_PAGE = 50
# The changes API's actions; review decisions name their target's kind too, so the action
# (not the target type) tells an item change apart.
ITEM_ACTIONS = {f"{verb}_{kind}" for verb in ("add", "update", "delete") for kind in KINDS}
_UNKNOWN = object()  # provenance not known yet while a state is rebuilt


class CannotRestore(AnnotatorError):
    """The layer cannot be rebuilt as it was at the entry asked for."""

    code = "cannot_restore"
    status = 422


@dataclass
class Page:
    rows: list  # (AuditEntry, user name or None), newest first
    page: int
    pages: int
    total: int


def page_of(conditions: list, page: int) -> Page:
    """Return one page of the audit entries that meet every condition."""
    total = db.session.execute(
        select(func.count(AuditEntry.id)).where(*conditions)).scalar_one()
    pages = max(1, ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(AuditEntry, User.username).outerjoin(User, AuditEntry.user_id == User.id)
        .where(*conditions).order_by(AuditEntry.id.desc())
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    return Page([tuple(row) for row in rows], page, pages, total)


def document_history(document_id: int, layer_ids: list[int] | None, page: int = 1) -> Page:
    """Return a page of a document's entries (only those of `layer_ids` when given)."""
    conditions = [AuditEntry.document_id == document_id]
    if layer_ids is not None:
        conditions.append(AuditEntry.layer_id.in_(layer_ids))
    return page_of(conditions, page)


def project_history(project_id: int, user_id: int | None = None, page: int = 1) -> Page:
    """Return a page of a project's entries (only one user's when `user_id` is given)."""
    conditions = [AuditEntry.project_id == project_id]
    if user_id is not None:
        conditions.append(AuditEntry.user_id == user_id)
    return page_of(conditions, page)


def changes_items(entry: AuditEntry) -> bool:
    """Tell whether the entry changed a layer's items (and so is a point one may restore to)."""
    return entry.layer_id is not None and _kind_of(entry) is not None


def _kind_of(entry: AuditEntry) -> str | None:
    """Say how an entry changed a layer's items: item, restore, import, decision, or None."""
    if entry.action in ITEM_ACTIONS:
        return "item"
    if entry.action in ("restore", "import"):
        return entry.action
    if entry.action.startswith("review_") and (
            "gold" in (entry.before or {}) or "gold" in (entry.after or {})):
        return "decision"
    return None


def current_items(layer: Layer) -> dict[str, dict[str, dict]]:
    """Return the layer's items by kind and id, in native form with their provenance."""
    position_of = {p.id: p.position for p in layer.document.paragraphs}
    return {kind: {obj.uid: SNAPSHOTS[kind](obj, position_of) | {"provenance": obj.provenance}
                   for obj in getattr(layer, f"{kind}s")} for kind in KINDS}


def state_at(layer: Layer, entry_id: int) -> dict[str, dict[str, dict]]:
    """Return the layer's items as they were right after entry `entry_id`.

    :raise CannotRestore: for an entry that is not a change of this layer, or a log that does
        not account for the layer's present items.
    """
    entry = db.session.get(AuditEntry, entry_id)
    if entry is None or entry.layer_id != layer.id or not changes_items(entry):
        raise CannotRestore(f"entry #{entry_id} is not a change of this layer")
    state = current_items(layer)
    later = db.session.execute(
        select(AuditEntry).where(AuditEntry.layer_id == layer.id, AuditEntry.id > entry_id)
        .order_by(AuditEntry.id.desc())
    ).scalars()
    for newer in later:
        if changes_items(newer):
            _undo(state, newer)
    _find_provenance(layer, entry_id, state)
    return state


def _find_provenance(layer: Layer, entry_id: int, state: dict) -> None:
    """Give items put back from a changes-API entry (which has none) their provenance then.

    It is what the latest earlier entry that made the item gave it: a review decision or a
    restore record it; the changes API and imports make items without any; updates keep it.
    """
    unknown = {(kind, uid) for kind in KINDS for uid, item in state[kind].items()
               if item["provenance"] is _UNKNOWN}
    older = db.session.execute(
        select(AuditEntry).where(AuditEntry.layer_id == layer.id, AuditEntry.id <= entry_id)
        .order_by(AuditEntry.id.desc())
    ).scalars() if unknown else ()
    for entry in older:
        made = _made_by(entry, unknown)
        for (kind, uid), provenance in made.items():
            state[kind][uid]["provenance"] = provenance
        unknown -= set(made)
        if not unknown:
            break
    for kind, uid in unknown:
        state[kind][uid]["provenance"] = None


def _made_by(entry: AuditEntry, keys: set) -> dict:
    """Return {key: provenance} for the keys among `keys` whose item this entry made."""
    kind = _kind_of(entry)
    if kind == "item":
        key = (entry.target_type, entry.target_uid)
        return {key: None} if key in keys and entry.action.startswith("add_") else {}
    if kind == "import":
        return dict.fromkeys(keys)  # the layer was empty before
    if kind == "restore":
        found = _keyed(entry.after["items"])
    else:  # a review decision
        found = {(i["kind"], i["id"]): i for i in (entry.after or {}).get("gold", [])}
    return {key: found[key].get("provenance") for key in keys if key in found}


def _undo(state: dict, entry: AuditEntry) -> None:
    before, after, kind = entry.before or {}, entry.after or {}, _kind_of(entry)
    if kind == "item":
        key = (entry.target_type, entry.target_uid)
        _swap(state, entry, {key: entry.before} if entry.before else {},
              {key: entry.after} if entry.after else {}, [key])
    elif kind == "restore":
        old, new = _keyed(before["items"]), _keyed(after["items"])
        _swap(state, entry, old, new, list(set(_all_keys(state)) | set(old) | set(new)))
    elif kind == "import":
        counts = {kind: len(state[kind]) for kind in KINDS}
        if counts != {kind: after.get(f"{kind}s", 0) for kind in KINDS}:
            _broken(entry)
        for kind in KINDS:  # imports only ever fill an empty layer
            state[kind].clear()
    else:  # a review decision: every gold item it touched, before and after
        old = {(i["kind"], i["id"]): i for i in before.get("gold", [])}
        new = {(i["kind"], i["id"]): i for i in after.get("gold", [])}
        _swap(state, entry, old, new, list(old | new))


def _swap(state: dict, entry: AuditEntry, old: dict, new: dict, keys: list) -> None:
    """Check that `keys` hold what the entry left (`new`), then put back what it found (`old`)."""
    for kind, uid in keys:
        if _plain(state[kind].get(uid)) != _plain(new.get((kind, uid))):
            _broken(entry)
    for kind, uid in keys:
        current = state[kind].pop(uid, None)
        item = old.get((kind, uid))
        if item is not None:
            # Entries of the changes API carry no provenance: edits keep the item's, and an item
            # they put back gets it from further back (_find_provenance).
            provenance = item["provenance"] if "provenance" in item else (
                current["provenance"] if current else _UNKNOWN)
            state[kind][uid] = _plain(item) | {"provenance": provenance}


def _plain(item: dict | None) -> dict | None:
    """Return the item without the bookkeeping keys that entries add or leave out."""
    if item is None:
        return None
    return {k: v for k, v in item.items() if k not in ("kind", "provenance")}


def _keyed(items: dict[str, list]) -> dict:
    return {(kind, item["id"]): item for kind in KINDS for item in items.get(f"{kind}s", [])}


def _all_keys(state: dict) -> list:
    return [(kind, uid) for kind in KINDS for uid in state[kind]]


def listed(state: dict) -> dict[str, list]:
    """Return a state as native lists (spans, events, attributions), as a restore entry keeps it."""
    return {f"{kind}s": list(state[kind].values()) for kind in KINDS}


def _broken(entry: AuditEntry):
    raise CannotRestore(
        f"the history does not account for the layer as it is now (entry #{entry.id}, "
        f"{entry.action}); nothing was restored")
