"""Layer items: spans, events and attributions, and the one place that checks, writes and
describes them.

- rules.py: pure checks of one native item against its paragraph, the codebook and the layer
  (record_check.py applies them to a whole record);
- editor.py: the writer's item-at-a-time mode, for the changes API (with cascades, audit
  entries and the version bump; cascade.py says what a removal takes with it);
- gold.py: the writer's gold mode, for review decisions (items found by alignment, provenance);
- bulk.py: the writer's bulk mode, for imports, restores and suggestions;
- native.py: stored items in the native shape (whole layers and single-item snapshots).

Nothing outside this package inserts, updates or deletes rows of the item tables
(tests/test_layer_owner.py holds that).
"""

from annotator.layers.bulk import (
    LayerItems,
    delete_items,
    insert_items,
    insert_with_ids,
)
from annotator.layers.editor import InvalidChange, VersionMoved, apply_batch, bump_version
from annotator.layers.gold import GoldWriter, InvalidDecision, gold_items
from annotator.layers.native import (
    SNAPSHOTS,
    layer_items,
    load_layer_items,
    serialise_items,
)
from annotator.layers.record_check import record_problems
from annotator.layers.rules import ITEM_ID

__all__ = [
    "ITEM_ID",
    "SNAPSHOTS",
    "GoldWriter",
    "InvalidChange",
    "InvalidDecision",
    "LayerItems",
    "VersionMoved",
    "apply_batch",
    "bump_version",
    "delete_items",
    "gold_items",
    "insert_items",
    "insert_with_ids",
    "layer_items",
    "load_layer_items",
    "record_problems",
    "serialise_items",
]
