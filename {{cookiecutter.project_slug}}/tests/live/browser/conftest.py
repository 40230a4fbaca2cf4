"""The browser layer: the system's headless Chromium, driven by Playwright, against gunicorn.

Playwright never downloads a browser here: it drives the Chromium at CHROMIUM_PATH
(default /usr/bin/chromium). Each test gets a context of its own (no cookies, no
storage) and one page; a failing test leaves a screenshot in its tmp_path and names it
in the report.
"""

import os
import threading
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Milliseconds any action or expectation may wait: a broken page fails, it never hangs.
TIMEOUT = 10_000


# autouse: without a Chromium, the tests skip (or fail) before any server starts for them.
@pytest.fixture(scope="session", autouse=True)
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM_PATH.is_file():
        reason = (
            f"no Chromium at {CHROMIUM_PATH}: install it (apt-get install chromium) "
            "or point CHROMIUM_PATH at one"
        )
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # Loopback only: no GPU to probe and no QUIC to try on the way.
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM_PATH, headless=True, args=["--disable-gpu", "--disable-quic"]
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, tmp_path: Path) -> Page:
    # Closed with its context. tmp_path is set up here so the hook below can use it.
    return context.new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Here, not in the page fixture's teardown: the report is written before fixtures
    # are torn down, and the screenshot must be taken while the page still shows it.
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page") if report.when == "call" and report.failed else None
    if page is None:
        return
    path = item.funcargs["tmp_path"] / "failure.png"
    try:
        page.screenshot(path=path, full_page=True)
    except PlaywrightError as error:
        report.sections.append(("browser", f"no screenshot: {error}"))
    else:
        report.sections.append(("browser", f"{page.url}\nscreenshot: {path}"))


class SecondOrigin(ThreadingHTTPServer):
    """Another site on another loopback port, serving the pages a test gives it."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ServePage)
        self.pages: dict[str, bytes] = {}
        self.url = f"http://127.0.0.1:{self.server_port}"

    def serve(self, path: str, html: str) -> str:
        """Serve `html` at `path`; return its address."""
        self.pages[path] = html.encode()
        return f"{self.url}{path}"

    def forged_form(self, action: str, **fields: str) -> str:
        """Serve a page that POSTs `fields` to `action` as soon as it opens; its address."""
        inputs = "".join(
            f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
            for name, value in fields.items()
        )
        html = (
            f'<form method="post" action="{escape(action)}">{inputs}</form>'
            "<script>document.forms[0].submit()</script>"
        )
        return self.serve(f"/forged-{len(self.pages)}", html)


class _ServePage(BaseHTTPRequestHandler):
    server: SecondOrigin
    timeout = 5  # seconds: an idle keep-alive connection does not hold a thread for long

    def do_GET(self) -> None:
        body = self.server.pages.get(urlsplit(self.path).path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # a failure's output is for the app's logs


@pytest.fixture
def second_origin() -> Iterator[SecondOrigin]:
    """Another origin of the same site: 127.0.0.1, another port (cookies ignore ports)."""
    origin = SecondOrigin()
    thread = threading.Thread(target=origin.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield origin
    finally:
        origin.shutdown()
        origin.server_close()
        thread.join(timeout=5)
