"""Helpers for browser tests: signing in, reading what the server committed, finding text."""

from types import SimpleNamespace

from annotator.extensions import db
from annotator.models import Layer, User

# The target words come after an emoji, a ZWJ sequence, a flag and e + combining acute, so UTF-16
# and code-point offsets differ by 5 by the time the words start.
P0 = ("😀 Cafe\u0301 👩\u200d❤\ufe0f\u200d👩 🇫🇷 Ukraine and Russia exchanged prisoners of war, "
      "Zelensky said on social media.")
P1 = "According to Kyiv, Moscow claimed the remains were those of Ukrainian citizens."
P2 = "Support our journalism: donate now."
CLAIM = "Moscow claimed the remains were those of Ukrainian citizens"


def sign_in(page, username: str, password: str = "pw") -> None:
    """Sign in through the page's form."""
    page.goto("/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form [type=submit]").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def fresh() -> None:
    """End the test thread's transaction so the next query sees what the server committed."""
    db.session.rollback()
    db.session.expire_all()


def wait_saved(page, timeout: float = 15000) -> None:
    """Wait until the page says every change is saved."""
    page.locator("#save-status").filter(has_text="All changes saved").wait_for(timeout=timeout)


def open_annotate(page, document_id: int) -> None:
    """Open the annotation page and wait until the layer is loaded."""
    page.goto(f"/documents/{document_id}/annotate")
    wait_saved(page)


# UTF-16 box of the nth occurrence of `word` in paragraph `index`, however spans split its text.
_WORD_BOX = """([index, word, nth]) => {
  const root = document.querySelector(`.ptext[data-paragraph="${index}"]`);
  let at = -1;
  for (let i = 0; i <= nth; i++) at = root.textContent.indexOf(word, at + 1);
  if (at < 0) throw new Error(`${word} is not in paragraph ${index}`);
  // The start point is in the text node that holds the first letter (not at the end of the
  // one before, where the range would take in the frame marks drawn between them).
  const point = (u, start) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (seen + node.length > u || (!start && seen + node.length === u)) return [node, u - seen];
      seen += node.length;
    }
  };
  const range = document.createRange();
  range.setStart(...point(at, true));
  range.setEnd(...point(at + word.length, false));
  const rects = range.getClientRects();
  const first = rects[0];
  const last = rects[rects.length - 1];
  const middle = (rect) => rect.top + rect.height / 2;
  return {x0: first.left, y0: middle(first), x1: last.right, y1: middle(last)};
}"""


def drag_select(page, index: int, word: str, nth: int = 0) -> None:
    """Select a word with the mouse, dragging from its first letter's edge to its last's."""
    box = page.evaluate(_WORD_BOX, [index, word, nth])
    page.mouse.move(box["x0"] + 1, box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, box["y1"], steps=3)
    page.mouse.move(box["x1"] - 1, box["y1"], steps=3)
    page.mouse.up()


def double_click_word(page, index: int, word: str, nth: int = 0) -> None:
    box = page.evaluate(_WORD_BOX, [index, word, nth])
    page.mouse.dblclick((box["x0"] + box["x1"]) / 2, box["y0"])


def selected_text(page) -> str:
    return page.evaluate("() => window.getSelection().toString()")


def stored(document_id: int, username: str = "coder1") -> SimpleNamespace:
    """What the database holds in the user's layer of the document, by span text."""
    fresh()
    layer = db.session.execute(
        db.select(Layer).join(User, Layer.user_id == User.id)
        .where(Layer.document_id == document_id, User.username == username)
    ).scalar_one()
    spans = {s.uid: s for s in layer.spans}
    result = SimpleNamespace(
        version=layer.version,
        spans=sorted((s.paragraph.position, s.start, s.end, s.label, s.text) for s in layer.spans),
        events=[(e.event_type, e.attrs, spans[e.trigger.uid].text,
                 sorted((a.role, a.span.text) for a in e.arguments)) for e in layer.events],
        attributions={
            a.uid: SimpleNamespace(
                parent=a.parent.uid if a.parent else None,
                parts=sorted((p.role, p.span.text) for p in a.parts),
            )
            for a in layer.attributions
        },
    )
    fresh()
    return result


def span_of(paragraph: int, text: str, label: str, source: str) -> tuple:
    """The stored form of a span over `text`, with Python (code point) offsets."""
    start = source.index(text)
    return (paragraph, start, start + len(text), label, text)


def press(page, *keys: str) -> None:
    for key in keys:
        page.keyboard.press(key)


def focused_label(page) -> str | None:
    return page.evaluate("() => document.activeElement.getAttribute('aria-label')")


def span_id(page, aria_label: str) -> str:
    return page.locator(f'.sp-start[aria-label="{aria_label}"]').get_attribute("data-span-id")


class Actions:
    """Drive a page the way a coder does and count it: each key press, click or selection
    gesture (a mouse drag or a double click) is one action."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def select(self, index: int, text: str, nth: int = 0, kept: bool = True) -> None:
        """Drag over `text`; `kept`: the selection stays (no role was waiting to take it)."""
        drag_select(self.page, index, text, nth)
        if kept:
            assert selected_text(self.page) == text, selected_text(self.page)
        self.count += 1

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.count += 1

    def click(self, locator) -> None:
        locator.click()
        self.count += 1


def layer_json(page, document_id: int) -> dict:
    """The coder's layer as the API gives it (GET /api/documents/<id>/layer), as the page's user."""
    answer = page.request.get(f"/api/documents/{document_id}/layer")
    assert answer.status == 200, answer.text()
    return answer.json()


def frames_by_text(layer: dict) -> dict:
    """Events and attributions of a layer JSON with span ids replaced by span texts."""
    text = {s["id"]: s["text"] for s in layer["spans"]}
    names = {a["id"]: "+".join(text[i] for i in a["cue"]) for a in layer["attributions"]}
    return {
        "events": sorted((text[e["trigger"]], e["type"], sorted((a["role"], text[a["span"]])
                                                             for a in e["arguments"]))
                         for e in layer["events"]),
        "attributions": sorted(
            (*(tuple(text[i] for i in a[r]) for r in ("source", "cue", "content")),
             names.get(a["parent"])) for a in layer["attributions"]),
    }
