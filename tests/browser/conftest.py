"""Browser fixtures: the app served on 127.0.0.1 in a thread, and Chromium driven by Playwright.

Every page is watched: a JavaScript dialog (alert, confirm, prompt), an uncaught script error, a
CSP violation or a request to any host but 127.0.0.1 fails the test.
"""

import os
import shutil
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from annotator.database import reading

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Debian's: Playwright's download does not work)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed")
        pytest.skip("chromium is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """Serve the test app (and its database) on a free port of 127.0.0.1."""
    # The test thread only reads between requests: on SQLite it must not take the write lock
    # that BEGIN IMMEDIATE would hold until its next commit, or the server's saves would wait.
    with reading():
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        thread.join(timeout=10)


class Watch:
    """What a page did that a test must never see."""

    def __init__(self):
        self.problems: list[str] = []
        self.requests: list[str] = []

    def page(self, page):
        def on_dialog(dialog):
            self.problems.append(f"dialog {dialog.type}: {dialog.message}")
            dialog.dismiss()

        def on_console(message):
            if message.type == "error" and "Content Security Policy" in message.text:
                self.problems.append(f"CSP violation: {message.text}")

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("console", on_console)


@pytest.fixture
def watch():
    return Watch()


@pytest.fixture
def new_page(browser, live_server, watch):
    """Open pages in fresh browser contexts (separate cookies and storage), all watched."""
    contexts = []

    def guard(route):
        url = route.request.url
        watch.requests.append(url)
        if urlsplit(url).hostname != "127.0.0.1":
            watch.problems.append(f"request to another host: {url}")
            route.abort()
        else:
            route.continue_()

    def open_page(context=None):
        if context is None:
            context = browser.new_context(
                base_url=live_server, viewport={"width": 1400, "height": 900})
            context.route("**/*", guard)
            context.on("page", watch.page)
            contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert not watch.problems, watch.problems


@pytest.fixture
def page(new_page):
    return new_page()
