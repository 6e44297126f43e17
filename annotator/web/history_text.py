"""One line of plain text per audit entry, for the history pages (templates escape it)."""

from annotator.extensions import db
from annotator.models import AuditEntry, Layer, User
from annotator.services.history import ITEM_ACTIONS

VERBS = {"add": "added", "update": "changed", "delete": "deleted"}
MAX_SHOWN = 80


def _short(text: object) -> str:
    text = str(text)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


def item_text(kind: str, item: dict | None) -> str:
    """Name one span, event or attribution as a person would read it."""
    if not item:
        return kind
    if kind == "span":
        return (f"{item.get('label')} “{_short(item.get('text', ''))}” (paragraph "
                f"{(item.get('paragraph') or 0) + 1}, {item.get('start')}–{item.get('end')})")
    if kind == "event":
        mode = (item.get("attrs") or {}).get("mode")
        return f"event {item.get('type')}{f' ({mode})' if mode else ''} [{item.get('id')}]"
    parts = ", ".join(f"{len(item.get(role) or [])} {role}" for role in ("source", "cue",
                                                                         "content"))
    return f"attribution [{item.get('id')}]: {parts}"


def _counts(items: dict) -> str:
    """Count items given as lists (a restore's layer) or as numbers (an import's report)."""
    counts = {key: items.get(key) or 0 for key in ("spans", "events", "attributions")}
    return ", ".join(f"{n if isinstance(n, int) else len(n)} {key}" for key, n in counts.items())


def describe(entry: AuditEntry) -> str:
    """Say what the entry did, in one line."""
    before, after = entry.before or {}, entry.after or {}
    verb, _, kind = entry.action.partition("_")
    if entry.action in ITEM_ACTIONS:
        if verb == "update":
            return (f"changed {item_text(kind, entry.before)} → "
                    f"{item_text(kind, entry.after)}")
        return f"{VERBS[verb]} {item_text(kind, entry.after or entry.before)}"
    if entry.action == "restore":
        return (f"restored the layer as it was after entry #{after.get('restored_to')} "
                f"({_counts(after.get('items', {}))})")
    if entry.action == "import":
        return f"imported the layer ({_counts(after)})"
    if entry.action.startswith("review_"):
        decision = after.get("decision") or {}
        what = f" {entry.target_type} {entry.target_uid}" if entry.target_uid else ""
        note = f": “{_short(decision['note'])}”" if decision.get("note") else ""
        return f"review decision {entry.action.removeprefix('review_')}{what}{note}"
    if "status" in before or "status" in after:
        return f"{entry.target_type} status {before.get('status')} → {after.get('status')}"
    if entry.target_type == "note":
        note = after or before
        return f"{VERBS.get(verb, verb)} {note.get('kind', 'note')}: “{_short(note.get('body'))}”"
    return entry.action.replace("_", " ")


def layer_names(layers: dict[int, Layer]) -> dict[int, str]:
    """Name each layer: "gold", "suggestions" or its coder's user name."""
    users = dict(db.session.execute(db.select(User.id, User.username).where(
        User.id.in_({layer.user_id for layer in layers.values() if layer.user_id}))).all())
    return {lid: users.get(layer.user_id, "?") if layer.kind == "coder" else
            ("gold" if layer.kind == "gold" else "suggestions") for lid, layer in layers.items()}
