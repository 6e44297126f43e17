"""static/js/lib/model.js, run in Chromium, against the server's change API.

The annotation page shows `applyOps(confirmed, pending)` and undoes with `inverseOps`, so what
the coder sees before a save is answered, and what an undo brings back, are only right if the
model applies every operation, with every cascade, as the server does. Each batch below goes
through both; after each, the model's state and the layer read back through the API must hold
the same items. An undo is the model's inverse of the batch before it, sent as a new batch, and
must bring both back to the state before that batch.
"""
# ruff: noqa: F811  (the doc fixture imported from test_annotate is redefined as an argument)

from tests.browser.support import CLAIM, P0, P1, layer_json, sign_in
from tests.browser.test_annotate import doc  # noqa: F401  (fixture: coder1's document d1)

PARAGRAPHS = [P0, P1]

# The fields model.js keeps, per kind, in the shape of GET /api/documents/<id>/layer.
FIELDS = {
    "spans": ("id", "paragraph", "start", "end", "label", "attrs", "text"),
    "events": ("id", "trigger", "type", "attrs", "arguments"),
    "attributions": ("id", "source", "cue", "content", "parent", "attrs"),
}


def span(span_id: str, paragraph: int, text: str, label: str, attrs: dict | None = None) -> dict:
    """An add_span change over the only occurrence of `text`, with code-point offsets."""
    source = PARAGRAPHS[paragraph]
    assert source.count(text) == 1, text
    start = source.index(text)
    return {"op": "add_span", "span": {"id": span_id, "paragraph": paragraph, "start": start,
                                       "end": start + len(text), "label": label,
                                       "attrs": attrs or {}, "text": text}}


def arguments(*pairs: tuple[str, str]) -> list[dict]:
    return [{"role": role, "span": span_id} for role, span_id in pairs]


UNDO = "undo"  # in place of a batch's changes: the model's inverse of the last batch not undone

# (what the batch does, its changes, then (spans, events, attributions) in the layer after it).
BATCHES = [
    ("add spans, some after an emoji, a ZWJ sequence, a flag and a combining mark", [
        # Paragraph 0 starts "😀 Cafe\u0301 👩\u200d❤\ufe0f\u200d👩 🇫🇷 ": code points and
        # UTF-16 units differ by then, and the spans below include those characters.
        span("s-cafe", 0, "Cafe\u0301", "LOCATION"),
        span("s-couple", 0, "👩\u200d❤\ufe0f\u200d👩", "ACTOR", {"entity_type": "PER"}),
        span("s-flag", 0, "🇫🇷", "ACTOR", {"entity_type": "GPE", "country": "FRA"}),
        span("s-ukraine", 0, "Ukraine", "ACTOR", {"entity_type": "GPE"}),
        span("s-russia", 0, "Russia", "ACTOR", {"entity_type": "GPE"}),
        span("s-exchanged", 0, "exchanged", "EVENT"),
        span("s-prisoners", 0, "prisoners of war", "TIME"),
        span("s-exchange", 0, "Ukraine and Russia exchanged prisoners of war", "CONTENT"),
        span("s-zelensky", 0, "Zelensky", "SOURCE"),
        span("s-said", 0, "said", "CUE"),
        span("s-according", 1, "According to", "CUE"),
        span("s-kyiv", 1, "Kyiv", "SOURCE"),
        span("s-claim", 1, CLAIM, "CONTENT"),
        span("s-moscow", 1, "Moscow", "SOURCE"),
        span("s-claimed", 1, "claimed", "CUE"),
        span("s-remains", 1, "the remains were those of Ukrainian citizens", "CONTENT"),
    ], (16, 0, 0)),
    ("update span labels and attributes, each key alone and both", [
        {"op": "update_span", "id": "s-prisoners", "label": "ACTOR"},
        {"op": "update_span", "id": "s-russia",
         "attrs": {"entity_type": "GPE", "gpe_role": "GOV", "country": "RUS"}},
        {"op": "update_span", "id": "s-cafe", "label": "ACTOR",
         "attrs": {"entity_type": "FAC", "mention_level": "NAM"}},
    ], (16, 0, 0)),
    ("add events with triggers and arguments", [
        {"op": "add_event", "event": {
            "id": "e-exchange", "trigger": "s-exchanged", "type": "RETREAT",
            "attrs": {"mode": "release", "polarity": "POSITIVE"},
            "arguments": arguments(("actor", "s-ukraine"), ("actor", "s-russia"),
                                   ("theme", "s-prisoners"))}},
        {"op": "add_event", "event": {
            "id": "e-claim", "trigger": "s-claimed", "type": "ACCUSE",
            "attrs": {"mode": "allege", "tense": "PAST"},
            "arguments": arguments(("actor", "s-moscow"), ("theme", "s-remains"))}},
        {"op": "add_event", "event": {
            "id": "e-report", "trigger": "s-according", "type": "OTHER", "attrs": {},
            "arguments": arguments(("theme", "s-claimed"), ("actor", "s-kyiv"),
                                   ("theme", "s-claim"))}},
    ], (16, 3, 0)),
    ("update events, replacing their arguments", [
        {"op": "update_event", "id": "e-exchange", "type": "RETREAT",
         "attrs": {"mode": "release", "tense": "PAST"},
         "arguments": arguments(("actor", "s-russia"), ("actor", "s-ukraine"),
                                ("theme", "s-prisoners"), ("location", "s-cafe"))},
        # Only the arguments: type and attrs stay.
        {"op": "update_event", "id": "e-report",
         "arguments": arguments(("actor", "s-kyiv"), ("theme", "s-claimed"))},
    ], (16, 3, 0)),
    ("undo the event updates", UNDO, (16, 3, 0)),
    ("add attributions with source, cue and content", [
        {"op": "add_attribution", "attribution": {
            "id": "a-outer", "source": ["s-kyiv"], "cue": ["s-according"], "content": ["s-claim"],
            "parent": None, "attrs": {"quote_type": "INDIRECT", "cue_type": "PREP"}}},
        {"op": "add_attribution", "attribution": {
            "id": "a-zelensky", "source": ["s-zelensky"], "cue": ["s-said"],
            "content": ["s-exchanged", "s-prisoners"], "parent": None,
            "attrs": {"channel": "SOCIAL_MEDIA"}}},
    ], (16, 3, 2)),
    ("add an attribution nested in another", [
        {"op": "add_attribution", "attribution": {
            "id": "a-inner", "source": ["s-moscow"], "cue": ["s-claimed"],
            "content": ["s-remains"], "parent": "a-outer", "attrs": {}}},
    ], (16, 3, 3)),
    ("update attributions: attributes alone, parts and attributes", [
        {"op": "update_attribution", "id": "a-inner",
         "attrs": {"quote_type": "INDIRECT", "attribution_type": "BELIEF"}},
        {"op": "update_attribution", "id": "a-zelensky", "content": ["s-exchange"],
         "attrs": {"channel": "SOCIAL_MEDIA", "source_type": "NAMED"}},
    ], (16, 3, 3)),
    # "claimed" triggers e-claim, is an argument of e-report and the cue of a-inner.
    ("delete a span: its event goes, an argument and an attribution part are dropped", [
        {"op": "delete_span", "id": "s-claimed"},
    ], (15, 2, 3)),
    ("undo the span deletion", UNDO, (16, 3, 3)),
    ("delete the parent attribution: its child becomes top level", [
        {"op": "delete_attribution", "id": "a-outer"},
    ], (16, 3, 2)),
    ("undo the parent's deletion", UNDO, (16, 3, 3)),
    ("delete an event", [{"op": "delete_event", "id": "e-exchange"}], (16, 2, 3)),
    ("undo the event's deletion", UNDO, (16, 3, 3)),
    ("one batch: update a span then delete it, delete a span and add its id again", [
        {"op": "update_span", "id": "s-remains", "label": "ACTOR",
         "attrs": {"entity_type": "PER"}},
        {"op": "delete_span", "id": "s-remains"},
        {"op": "delete_span", "id": "s-flag"},
        span("s-flag", 0, "🇫🇷", "LOCATION"),
        {"op": "update_attribution", "id": "a-inner", "parent": None},
    ], (15, 3, 3)),
    ("undo that batch", UNDO, (16, 3, 3)),
    ("null means none: a span's attributes, an event's trigger; a trigger moved", [
        {"op": "update_span", "id": "s-russia", "attrs": None},
        {"op": "update_event", "id": "e-report", "trigger": None},
        {"op": "update_event", "id": "e-claim", "trigger": "s-said", "attrs": None},
    ], (16, 3, 3)),
    ("undo the nulls", UNDO, (16, 3, 3)),
]

# The model's state after `ops` (Maps as lists), and the inverse operations of `ops`.
MODEL = """async ({state, ops}) => {
  const m = await import('/static/js/lib/model.js');
  const before = m.fromLayer(state);
  const after = m.applyOps(before, ops);
  const lists = (s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, [...v.values()]]));
  return {after: lists(after), inverse: m.inverseOps(before, ops)};
}"""

# Send a change batch as the page does: its Api, with the CSRF token from the page.
SEND = """async ({url, body}) => {
  const {Api} = await import('/static/js/lib/api.js');
  const token = document.querySelector('meta[name="csrf-token"]').content;
  return new Api(token, location.href).request('POST', url, body);
}"""


def items(layer: dict, kind: str) -> list[dict]:
    """A layer's items of one kind, sorted by id, with the fields model.js keeps."""
    ordered = sorted(layer[kind], key=lambda item: item["id"])
    return [{field: item.get(field) for field in FIELDS[kind]} for item in ordered]


def assert_same(what: str, model: dict, server: dict) -> None:
    """Compare two layers item by item on the fields model.js keeps."""
    for kind in FIELDS:
        ours, theirs = items(model, kind), items(server, kind)
        assert [i["id"] for i in ours] == [i["id"] for i in theirs], f"{what}: {kind}"
        for mine, stored in zip(ours, theirs, strict=True):
            assert mine == stored, f"{what}: {kind} {mine['id']}"


def test_model_and_server_apply_every_change_and_undo_alike(page, doc):
    sign_in(page, "coder1")
    layer = layer_json(page, doc.document)
    url = f"/api/layers/{layer['layer']['id']}/changes"
    version = layer["layer"]["version"]
    state = {kind: layer[kind] for kind in FIELDS}
    undoable = []  # (state before, inverse operations) of each batch not yet undone

    for number, (what, changes, counts) in enumerate(BATCHES):
        if changes == UNDO:
            restored, ops = undoable.pop()
        else:
            ops = changes
        model = page.evaluate(MODEL, {"state": state, "ops": ops})
        body = {"change_id": f"c-parity-{number}", "base_version": version, "changes": ops}
        answer = page.evaluate(SEND, {"url": url, "body": body})
        assert answer["status"] == 200, (what, answer)
        assert answer["data"]["version"] == version + 1, what
        version += 1

        server = layer_json(page, doc.document)
        assert server["layer"]["version"] == version, what
        assert_same(what, model["after"], server)
        assert tuple(len(server[kind]) for kind in FIELDS) == counts, what
        if changes == UNDO:
            assert_same(f"{what} (back to before)", model["after"], restored)
        else:
            undoable.append((state, model["inverse"]))
        state = model["after"]
