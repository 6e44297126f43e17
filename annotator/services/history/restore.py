"""Restore a layer to its items right after an earlier audit entry; never commits.

The layer's items are replaced by the rebuilt ones (services/history) in one transaction, the
layer's version goes up, so that a page still showing the old version gets 409 on its next save
instead of overwriting the restore, and one audit entry keeps the whole layer before and after.
That entry is what lets a later restore step back over this one.
"""

from annotator.extensions import db
from annotator.layers import LayerItems, bump_version, delete_items, insert_items, record_problems
from annotator.models import AuditEntry, Layer, Project, User
from annotator.services.annotating import StaleVersion
from annotator.services.history import KINDS, CannotRestore, current_items, listed, state_at

__all__ = ["CannotRestore", "StaleVersion", "restore_layer"]


def restore_layer(layer: Layer, entry_id: int, user: User, base_version: int) -> int:
    """Give the layer back its items as they were right after the entry; return its new version.

    :raise: StaleVersion when the layer changed since `base_version`; CannotRestore when the
        state cannot be rebuilt or no longer fits the project's codebook (the caller rolls back).
    """
    if layer.kind not in ("coder", "gold"):
        raise CannotRestore("only coder and gold layers can be restored")
    # Lock the row so a save and a restore queue up (PostgreSQL; SQLite's IMMEDIATE begin
    # already holds the write lock).
    db.session.refresh(layer, with_for_update=True)
    if base_version != layer.version:
        raise StaleVersion(layer)
    document = layer.document
    project = db.session.get(Project, document.project_id)
    target = state_at(layer, entry_id)
    record = {"id": document.external_id,
              "paragraphs": [{"index": p.position, "text": p.text} for p in document.paragraphs],
              **{key: [_bare(i) for i in items] for key, items in listed(target).items()}}
    problems = record_problems(record, project.codebook.content)
    if problems:
        # A changed codebook, or a log that misses a change (say, a database edited by hand).
        raise CannotRestore("the layer as it was then would not be valid now "
                            f"({'; '.join(problems[:5])}); nothing was restored")
    before = current_items(layer)
    _replace_items(layer, target, {p.position: p.id for p in document.paragraphs})
    old_version = layer.version
    # A retried old batch must meet the new version and get 409.
    bump_version(layer, lambda: StaleVersion(layer), last_change_id=None,
                 codebook_version=project.codebook.version)
    db.session.add(AuditEntry(
        user_id=user.id, project_id=project.id, document_id=document.id, layer_id=layer.id,
        action="restore", target_type="layer", target_uid=str(layer.id),
        before={"version": old_version, "items": listed(before)},
        after={"version": layer.version, "restored_to": entry_id, "items": listed(target)},
    ))
    return layer.version


def _bare(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "provenance"}


def _replace_items(layer: Layer, target: dict, paragraph_ids: dict[int, int]) -> None:
    """Delete the layer's items and insert the target's, keeping ids, order and provenance."""
    delete_items([layer.id])
    insert_items([LayerItems(layer.id, layer.document_id, paragraph_ids, {}, listed(target))])
    db.session.expire(layer, [f"{kind}s" for kind in KINDS])
