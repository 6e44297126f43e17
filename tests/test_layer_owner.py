# ruff: noqa: F811
"""Only annotator/layers writes spans, events, arguments, attributions and parts.

The guard in tests/layer_owner.py watches every statement of the whole test run; these tests
show that it catches a module that writes items itself, and that no module even spells such a
write outside the package that owns them.
"""

import re

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Span
from tests.layer_owner import PACKAGE, ROOT, ItemWriteOutsideLayers
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

OFFENDER = """
from sqlalchemy import insert, select
from annotator.extensions import db
from annotator.models import Span

def write(row):
    db.session.execute(insert(Span), row)

def read():
    return db.session.execute(select(Span.uid)).scalars().all()
"""


def _module_at(path: str) -> dict:
    """Run OFFENDER as if it were the module at `path` (its frames carry that file name)."""
    namespace: dict = {}
    exec(compile(OFFENDER, path, "exec"), namespace)
    return namespace


def _span_row(world) -> dict:
    from annotator.models import Layer, Paragraph
    layer = db.session.execute(select(Layer).limit(1)).scalar_one_or_none()
    paragraph = db.session.execute(select(Paragraph).where(
        Paragraph.document_id == world.doc1)).scalars().first()
    if layer is None:
        layer = Layer(document_id=world.doc1, kind="gold", user_id=None, version=0)
        db.session.add(layer)
        db.session.flush()
    return {"uid": "x", "layer_id": layer.id, "paragraph_id": paragraph.id, "start": 0,
            "end": 1, "label": "ACTOR", "text": paragraph.text[:1], "attrs": {}}


def test_a_module_of_the_package_writing_spans_itself_fails_the_test(app, world):
    write = _module_at(PACKAGE + "services/offender.py")["write"]
    with pytest.raises(ItemWriteOutsideLayers, match="services/offender.py writes layer items"):
        write(_span_row(world))
    db.session.rollback()


def test_the_same_write_from_annotator_layers_passes(app, world):
    write = _module_at(PACKAGE + "layers/offender.py")["write"]
    write(_span_row(world))
    assert db.session.execute(select(Span.uid)).scalars().all() == ["x"]
    db.session.rollback()


ITEM_MODELS = r"(Span|Event|EventArgument|Attribution|AttributionPart)"
SPELLED_WRITES = [
    re.compile(rf"\b(insert|update|delete)\(\s*{ITEM_MODELS}\b"),
    re.compile(rf"(?<![\w.]){ITEM_MODELS}\((uid|layer|role|span|paragraph|event_type)"),
]


def test_no_module_outside_layers_spells_an_item_write():
    found = []
    for path in sorted((ROOT / "annotator").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("annotator/layers/", "annotator/models/",
                                "annotator/migrations/")):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(pattern.search(line) for pattern in SPELLED_WRITES):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


def test_reading_items_from_any_module_passes(app, world):
    assert _module_at(PACKAGE + "services/reader.py")["read"]() == []
