"""Browser fixtures: the test app served for real on a loopback port, one Debian Chromium for the whole run.

Without /usr/bin/chromium (or without the axe-core npm package for the accessibility test) the browser tests are
skipped so that `make test` works anywhere; CI sets REQUIRE_BROWSER=1 so that they fail instead.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: A phone (the smallest common Android width) and a laptop.
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


def missing(reason: str) -> None:
    """Skip, or fail when the run must prove the browser tests (CI sets REQUIRE_BROWSER=1)."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


class SlowNetwork:
    """WSGI middleware that makes POSTs take a while, like a phone on one bar of signal."""

    def __init__(self, app) -> None:
        self.app = app
        self.post_delay = 0.0

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and self.post_delay:
            time.sleep(self.post_delay)
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def network(app) -> SlowNetwork:
    return SlowNetwork(app)


@pytest.fixture
def slow_posts(network) -> Iterator[SlowNetwork]:
    """Let a test slow the sends down (network.post_delay = seconds); back to full speed afterwards."""
    yield network
    network.post_delay = 0.0


@pytest.fixture(scope="session")
def live_server(network) -> Iterator[str]:
    """The test app behind a real threaded HTTP server; the test database is a file (or PostgreSQL) shared by
    the server's threads and the test."""
    server = make_server("127.0.0.1", 0, network, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole run; each test opens its own context (cookies, storage, viewport)."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed (pip install -e '.[dev]')")
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        # Phones keep the pages left behind in the back-forward cache: the form must work when shown from it.
        ignore_default_args=["--disable-back-forward-cache"],
        headless=True,
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        missing(f"the axe-core npm package is missing ({AXE_SCRIPT}): run `make browser-deps`")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def new_page(browser, viewport) -> Iterator:
    """Open a page in a fresh context at the test's viewport: new_page(java_script_enabled=False, ...).

    Any script error or Content-Security-Policy refusal on the participant's pages fails the test.
    """
    contexts, errors = [], []

    def note_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(message.text)

    def open_page(**options):
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="fr-FR", **options)
        context.set_default_timeout(10_000)
        context.on("weberror", lambda error: errors.append(str(error.error)))
        context.on("console", note_console)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert errors == [], "errors in the browser's console"


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot(request, viewport):
    """Save the page as it looks under artifacts/screenshots/ (kept by CI, never committed)."""

    def take(page, state: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{state}-{viewport}.png"), full_page=True)

    return take
