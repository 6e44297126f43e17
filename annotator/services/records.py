"""Native records: a project's documents and layers streamed out of the database as SPEC's records.

A native record is one (document, layer) pair: the document's paragraphs plus that layer's spans,
events and attributions, with items pointing at spans by id. Every export format is built from
these records and every annotated import produces them; their items are read and shaped by
annotator/layers/native.py.
"""

from collections import defaultdict, namedtuple
from collections.abc import Iterable, Iterator

from sqlalchemy import select

from annotator.extensions import db
from annotator.layers.native import among, load_layer_items, serialise_items
from annotator.models import Document, Layer, Paragraph, Project, User

CHUNK = 200  # documents loaded per round of queries: bounded memory, few round trips

# Paragraph and layer rows are copied into plain named tuples: reading a field of SQLAlchemy's
# Row by name costs about ten times more. Item rows (one per span, event, ...) are many more:
# they are the driver's plain tuples, unpacked by position (see load_layer_items).
ParagraphRow = namedtuple("ParagraphRow", "id document_id position text boilerplate")
LayerRow = namedtuple("LayerRow", "id document_id kind username")
DocumentRow = namedtuple("DocumentRow", "id external_id title url published meta")


def iter_records(
    project: Project, layer: str | None = None, include_boilerplate: bool = True
) -> Iterator[dict]:
    """Yield the project's native records, document by document, streaming from the database.

    `layer` is None (every layer, and documents without any), "gold", "coders" (every coder
    layer) or a user name.
    """
    last_id = 0
    while True:
        # Plain rows, not ORM objects: loading these took a tenth of an export's time, and the
        # session's identity map does not grow with the project.
        documents = list(map(DocumentRow._make, db.session.execute(
            select(Document.id, Document.external_id, Document.title, Document.url,
                   Document.published, Document.meta)
            .where(Document.project_id == project.id, Document.id > last_id)
            .order_by(Document.id)
            .limit(CHUNK)
        )))
        if not documents:
            return
        last_id = documents[-1].id
        yield from _records_for(documents, layer, include_boilerplate)


def _records_for(documents: list[DocumentRow], layer: str | None, include_boilerplate: bool):
    ids = [d.id for d in documents]
    paragraphs = defaultdict(list)
    for row in map(ParagraphRow._make, db.session.execute(
        select(Paragraph.id, Paragraph.document_id, Paragraph.position, Paragraph.text,
               Paragraph.boilerplate)
        .where(among(Paragraph.document_id, ids))
        .order_by(Paragraph.document_id, Paragraph.position)
    )):
        paragraphs[row.document_id].append(row)

    layer_query = (
        select(Layer.id, Layer.document_id, Layer.kind, User.username)
        .outerjoin(User, Layer.user_id == User.id)
        .where(among(Layer.document_id, ids), Layer.kind != "suggestion")
        .order_by(Layer.document_id, Layer.kind.desc(), User.username)
    )
    if layer == "gold":
        layer_query = layer_query.where(Layer.kind == "gold")
    elif layer == "coders":
        layer_query = layer_query.where(Layer.kind == "coder")
    elif layer is not None:
        layer_query = layer_query.where(User.username == layer)
    layers = defaultdict(list)
    layer_rows = list(map(LayerRow._make, db.session.execute(layer_query)))
    for row in layer_rows:
        layers[row.document_id].append(row)
    items = load_layer_items([row.id for row in layer_rows])

    for document in documents:
        base = {
            "id": document.external_id,
            "title": document.title,
            "url": document.url,
            "published": document.published,
            "meta": document.meta or {},
        }
        paras = paragraphs[document.id]
        index_of = {p.id: p.position for p in paras}
        skipped = set() if include_boilerplate else {p.id for p in paras if p.boilerplate}
        para_list = [
            {"index": p.position, "text": p.text, "boilerplate": p.boilerplate}
            for p in paras
            if p.id not in skipped
        ]
        doc_layers = layers[document.id]
        if not doc_layers and layer is None:
            yield base | {"layer": None, "paragraphs": para_list, "spans": [], "events": [],
                          "attributions": []}
        for row in doc_layers:
            name = "gold" if row.kind == "gold" else row.username
            content = serialise_items(items[row.id], index_of, skipped)
            yield base | {"layer": name, "paragraphs": para_list} | content


def count_items(records: Iterable[dict]) -> dict:
    """Count documents, layers and items in records (for reports)."""
    counts = {"records": 0, "spans": 0, "events": 0, "attributions": 0}
    for record in records:
        counts["records"] += 1
        for key in ("spans", "events", "attributions"):
            counts[key] += len(record.get(key, []))
    return counts
