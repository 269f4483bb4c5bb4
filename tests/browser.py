"""Browser test harness: the app on a real HTTP port, a "council page" on another origin, and
Debian's Chromium driven by Selenium through Debian's chromedriver (nothing is downloaded).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

import bot.store
from tests.helpers import QuietHandler
from tests.helpers import http_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
ROOT = Path(__file__).resolve().parent.parent
# Tests keep their screenshots in build/ (ignored). `make docs` sets CASEREVIEW_DOCS to write the
# committed ones in docs/screenshots/, with the date and references fixed so a re-run of it
# changes no pixel.
DOCS = bool(os.environ.get("CASEREVIEW_DOCS"))
SCREENSHOTS = ROOT / ("docs" if DOCS else "build") / "screenshots"
DOCS_NOW = dt.datetime(2026, 11, 24, 10, 0)  # naive UTC, as the services' clocks are
DOCS_REFERENCES = [f"CR-7KXT-9MH{letter}" for letter in "ACDEFGHJKMNPQRTVWXY346789"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def require_browser() -> None:
    """Skip (or, under CI, fail) when Chromium, chromedriver or axe-core are missing."""
    missing = [str(p) for p in (Path(CHROMIUM), Path(CHROMEDRIVER), AXE) if not p.exists()]
    if missing:
        message = f"browser tests need {', '.join(missing)} (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


# Date and Date.now() start from EPOCH_MS when the page loads and run on from there.
SHIFT_CLOCK = """(() => {
  const Real = Date, shift = EPOCH_MS - Real.now();
  class Shifted extends Real {
    constructor(...a) { if (a.length) { super(...a); } else { super(Real.now() + shift); } }
    static now() { return Real.now() + shift; }
  }
  window.Date = Shifted;
})();"""


def chromium(javascript: bool = True, width: int = 1280, height: int = 900) -> WebDriver:
    """A headless Chromium from Debian's package."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--no-first-run", "--disable-background-networking", "--disable-extensions",
                 "--disable-sync", "--disable-component-update", "--mute-audio",
                 f"--window-size={width},{height}", "--force-device-scale-factor=1"):  # fmt: skip
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    # Headless Chromium starts no narrower than 500px whatever --window-size says: a phone's
    # 390px needs setting once it runs.
    driver.set_window_size(width, height)
    if DOCS:  # the page's clock agrees with the server's fixed one, or the chat would time out
        epoch_ms = int(DOCS_NOW.replace(tzinfo=dt.UTC).timestamp() * 1000)
        source = SHIFT_CLOCK.replace("EPOCH_MS", str(epoch_ms))
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
    return driver


class LiveServer:
    """A WSGI app served on a free loopback port in a thread."""

    def __init__(self, app: Any) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


@dataclass
class CouncilSite:
    """Another origin: a council web page that embeds the widget with one script tag."""

    url: str
    script_src: str = ""

    def page(self) -> bytes:
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>Example Council - Anti-social behaviour</title></head><body>"
            "<main><h1>Anti-social behaviour</h1><p>Report it, or ask for a case review.</p>"
            "<p><a href='#contact'>Contact us</a></p></main>"
            f"<script src='{self.script_src}'></script></body></html>"
        ).encode()


@pytest.fixture(scope="module")
def council_site() -> Iterator[CouncilSite]:
    site = CouncilSite("")

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            self.reply(200, site.page(), "text/html; charset=utf-8")

    with http_server(Handler) as url:
        site.url = url
        yield site


def serve_app(make: Callable[[], Flask]) -> Iterator[LiveServer]:
    """Serve an app for a module's tests (under `make docs`, at a fixed time and references)."""
    app = make()
    new_reference = bot.store.new_reference
    if DOCS:
        app.extensions["casereview.conversations"].clock = lambda: DOCS_NOW
        references = iter(DOCS_REFERENCES)
        bot.store.new_reference = lambda: next(references)
    live = LiveServer(app)
    try:
        yield live
    finally:
        live.stop()
        bot.store.new_reference = new_reference


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], Any], seconds: float = 10) -> Any:
    """Wait until `condition(driver)` is truthy and return it."""
    return WebDriverWait(driver, seconds, poll_frequency=0.02).until(condition)


def run_axe(driver: WebDriver, where: str) -> list[dict[str, Any]]:
    """axe-core in the page, WCAG 2.2 A and AA rules; returns the violations."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},"
        " resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        WCAG_TAGS,
    )
    violations: list[dict[str, Any]] = result
    for violation in violations:
        violation["where"] = where
    return violations


def screenshot(driver: WebDriver, name: str, width: int) -> Path:
    """Save the whole page at `width` CSS pixels to <SCREENSHOTS>/<name>-<width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = driver.get_window_size()
    driver.set_window_size(width, 900)
    time.sleep(0.1)
    height = driver.execute_script(
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"
    )
    driver.set_window_size(width, min(max(int(height) + 20, 600), 4000))
    driver.execute_script("window.scrollTo(0, 0)")
    # A blinking caret would make the same page differ from one run to the next.
    driver.execute_script(HIDE_CARETS, "transparent")
    time.sleep(0.1)
    path = SCREENSHOTS / f"{name}-{width}.png"
    driver.save_screenshot(str(path))
    driver.execute_script(HIDE_CARETS, "")
    driver.set_window_size(original["width"], original["height"])
    return path


HIDE_CARETS = (
    "document.querySelectorAll('input, textarea')"
    ".forEach(e => { e.style.caretColor = arguments[0]; })"
)


def active(driver: WebDriver) -> WebElement:
    """The focused element."""
    element: WebElement = driver.switch_to.active_element
    return element


def text_of(driver: WebDriver, css: str) -> str:
    return "\n".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, css))


def accessibility_of_focus(driver: WebDriver) -> dict[str, Any]:
    """What Chromium's accessibility tree says of the focused element: its name, description,
    and the names of the groups (fieldsets) around it, which screen readers read on entry."""
    driver.execute_script(
        "document.querySelectorAll('[data-probe]').forEach(e => e.removeAttribute('data-probe'));"
        "document.activeElement.setAttribute('data-probe', '1');"
    )
    document = driver.execute_cdp_cmd("DOM.getDocument", {"depth": 0})
    node = driver.execute_cdp_cmd(
        "DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": "[data-probe]"}
    )
    tree = driver.execute_cdp_cmd(
        "Accessibility.getPartialAXTree", {"nodeId": node["nodeId"], "fetchRelatives": True}
    )["nodes"]

    def value(ax: dict[str, Any], key: str) -> str:
        return str((ax.get(key) or {}).get("value") or "")

    focused = next(n for n in tree if n.get("backendDOMNodeId") and not n.get("ignored") and
                   any(p.get("name") == "focused" for p in n.get("properties", [])))  # fmt: skip
    groups = [value(n, "name") for n in tree if value(n, "role") in {"group", "radiogroup"}]
    return {
        "role": value(focused, "role"),
        "name": value(focused, "name"),
        "description": value(focused, "description"),
        "groups": groups,
    }


def watch_busy(driver: WebDriver) -> None:
    """From the next page load on, record every element that is ever set aria-busy."""
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.__busy = [];"
            "new MutationObserver(records => records.forEach(r => {"
            " if (r.target.getAttribute && r.target.getAttribute('aria-busy') === 'true')"
            "  window.__busy.push(r.target.id || r.target.tagName); }))"
            ".observe(document, {attributes: true, subtree: true, attributeFilter: ['aria-busy']});"
        },
    )
