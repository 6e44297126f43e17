"""Take docs/screenshot.png: the annotation page with spans, an event and a nested attribution.

Run from the repository: `python scripts/screenshot.py [--out docs/screenshot.png]`. It builds a
throw-away SQLite database with the worked example of the default codebook, serves it on
127.0.0.1 and photographs the page with Debian's Chromium through Playwright.
"""

import argparse
import shutil
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from annotator import create_app
from annotator.codebook import default_codebook
from annotator.extensions import db
from annotator.models import Codebook, Document, Membership, Paragraph, Project, User
from annotator.services import annotating

PARAGRAPHS = [
    "Ukraine and Russia exchanged prisoners of war, Zelensky said on social media.",
    "Russia's Defense Ministry said in a statement that 90 Ukrainian soldiers were returned.",
    "According to Kyiv, Moscow claimed the remains were those of Ukrainian citizens.",
    "Support independent journalism: donate now.",
]
# (id, paragraph, text, label, attrs); the text's first occurrence in the paragraph is meant.
SPANS = [
    ("ukraine", 0, "Ukraine", "ACTOR", {"entity_type": "GPE", "country": "UKR", "sector": "GOV"}),
    ("russia", 0, "Russia", "ACTOR", {"entity_type": "GPE", "country": "RUS", "sector": "GOV"}),
    ("exchanged", 0, "exchanged", "EVENT", {}),
    ("pows", 0, "prisoners of war", "ACTOR", {"entity_type": "PER"}),
    ("content1", 0, "Ukraine and Russia exchanged prisoners of war", "CONTENT", {}),
    ("zelensky", 0, "Zelensky", "SOURCE", {}),
    ("said", 0, "said", "CUE", {}),
    ("ministry", 1, "Russia's Defense Ministry", "SOURCE", {}),
    ("statement", 1, "said in a statement", "CUE", {}),
    ("according", 2, "According to", "CUE", {}),
    ("kyiv", 2, "Kyiv", "SOURCE", {}),
    ("content3", 2, "Moscow claimed the remains were those of Ukrainian citizens", "CONTENT", {}),
    ("moscow", 2, "Moscow", "SOURCE", {}),
    ("claimed", 2, "claimed", "CUE", {}),
    ("content4", 2, "the remains were those of Ukrainian citizens", "CONTENT", {}),
]
EVENT = {"id": "e1", "trigger": "exchanged", "type": "RETREAT", "attrs": {"mode": "release"},
         "arguments": [{"role": "actor", "span": "ukraine"}, {"role": "actor", "span": "russia"},
                       {"role": "theme", "span": "pows"}]}
ATTRIBUTIONS = [
    {"id": "a1", "source": ["zelensky"], "cue": ["said"], "content": ["content1"], "parent": None,
     "attrs": {"channel": "SOCIAL_MEDIA"}},
    {"id": "a2", "source": ["kyiv"], "cue": ["according"], "content": ["content3"],
     "parent": None, "attrs": {}},
    {"id": "a3", "source": ["moscow"], "cue": ["claimed"], "content": ["content4"],
     "parent": "a2", "attrs": {}},
]


def seed() -> int:
    """Create the demo user, project and annotated document; return the document id."""
    user = User(username="coder")
    user.set_password("coder-password")
    project = Project(name="Example")
    project.codebooks.append(Codebook(version=1, content=default_codebook()))
    db.session.add_all([user, project])
    db.session.flush()
    db.session.add(Membership(project=project, user=user, role="coder"))
    document = Document(project_id=project.id, external_id="example-1", meta={},
                        title="Ukraine and Russia exchange prisoners of war")
    document.paragraphs = [Paragraph(position=i, text=t, boilerplate=i == 3)
                           for i, t in enumerate(PARAGRAPHS)]
    db.session.add(document)
    db.session.flush()
    layer = annotating.create_layer(document, "coder", user)
    changes = []
    for uid, index, text, label, attrs in SPANS:
        start = PARAGRAPHS[index].index(text)
        changes.append({"op": "add_span", "span": {
            "id": uid, "paragraph": index, "start": start, "end": start + len(text),
            "label": label, "attrs": attrs}})
    changes.append({"op": "add_event", "event": EVENT})
    changes += [{"op": "add_attribution", "attribution": a} for a in ATTRIBUTIONS]
    annotating.apply_changes(layer, user, {"change_id": "seed", "base_version": 0,
                                           "changes": changes})
    db.session.commit()
    return document.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshot.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/example.sqlite",
                          "SECRET_KEY": "screenshot-" + "x" * 32, "RATELIMIT_ENABLED": False})
        app.instance_path = tmp
        with app.app_context():
            db.create_all()
            document_id = seed()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            shoot(f"http://127.0.0.1:{server.server_port}", document_id, Path(args.out))
        finally:
            server.shutdown()
    print(f"wrote {args.out}")


def shoot(base: str, document_id: int, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(base_url=base, viewport={"width": 1440, "height": 1500})
        page.goto("/auth/login")
        page.fill("input[name=username]", "coder")
        page.fill("input[name=password]", "coder-password")
        page.locator("form [type=submit]").click()
        page.wait_for_url(lambda url: "/auth/login" not in url)
        page.goto(f"/documents/{document_id}/annotate")
        page.locator("#save-status").filter(has_text="All changes saved").wait_for()
        # Open the event and the nested attribution, and focus an actor, as a coder would.
        page.locator("#events-panel .item").first.click()
        page.locator("#attributions-panel .item").nth(2).click()
        page.locator('.sp-start[data-span-id="ukraine"]').focus()
        page.evaluate("() => { scrollTo(0, 0); document.querySelector('.side').scrollTop = 0; }")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


if __name__ == "__main__":
    main()
