"""The resident's pages in real Chromium: keyboard only, embedded on another origin, without
JavaScript, with axe-core's WCAG 2.2 A and AA rules on every step, plus resume and time-outs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from selenium.common.exceptions import TimeoutException
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from bot.conversation import utcnow
from tests.browser import CouncilSite
from tests.browser import LiveServer
from tests.browser import accessibility_of_focus
from tests.browser import active
from tests.browser import chromium
from tests.browser import council_site  # noqa: F401 (fixture)
from tests.browser import require_browser
from tests.browser import run_axe
from tests.browser import screenshot
from tests.browser import serve_app
from tests.browser import text_of
from tests.browser import wait_for
from tests.browser import watch_busy
from tests.conftest import Clock
from tests.conftest import make_app

# (answer, kind): kind is how the chat asks it: buttons, boxes, a line or a box of text.
SCRIPT: list[tuple[str | list[str], str]] = [
    ("Yes", "choice"),
    ("I am the victim", "choice"),
    ("Jane Smith", "line"),
    ("1 High Street, Exampletown", "box"),
    ("SW1A 1AA", "line"),
    ("07123 456789", "line"),
    ("jane@example.com", "line"),
    ("Email", "choice"),
    (["Phone calls", "Email"], "boxes"),
    ("no", "box"),
    ("no", "box"),
    ("Outside 1 High Street", "box"),
    ("no", "box"),
    ("No", "choice"),
    ("2 weeks ago", "line"),
    ("Loud music and shouting at night", "box"),
    (["The council", "The police"], "boxes"),
    ("12 days ago", "line"),
    ("CAD 1234", "line"),
    ("No", "choice"),
    ("The police came once, but it goes on", "box"),
    ("I cannot sleep", "box"),
    ("Not sure", "choice"),
    ("I want it to stop", "box"),
]
INCIDENT_QUESTION = 14  # index in SCRIPT of the first incident question


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory,
    migrated_template: Path,
    council_site: CouncilSite,  # noqa: F811
) -> Iterator[LiveServer]:
    require_browser()
    folder = tmp_path_factory.mktemp("browser")
    database = folder / "casereview.sqlite3"
    database.write_bytes(migrated_template.read_bytes())
    app: Flask = make_app(folder, f"sqlite:///{database}", Clock(),
                          EMBED_ORIGINS=[council_site.url], THEME_COLOUR="#6f2c91")  # fmt: skip
    app.extensions["casereview.conversations"].clock = utcnow
    yield from serve_app(lambda: app)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    require_browser()
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


class ChatResident:
    """Answers the chat with the keyboard alone: typing, Tab, Space and Enter."""

    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver
        self.violations: list[dict[str, object]] = []

    def bot_messages(self) -> int:
        """Turns the chat has shown (it counts them on #chat)."""
        return int(self.driver.find_element(By.ID, "chat").get_attribute("data-turns") or 0)

    def ready(self, before: int) -> None:
        try:
            wait_for(self.driver, lambda d: self.bot_messages() > before)
        except TimeoutException:
            tail = text_of(self.driver, "#transcript")[-300:]
            raise AssertionError(f"no reply; the chat ends with: {tail!r}") from None

    def tab_to(self, text: str, limit: int = 80) -> None:
        """Tab forwards until the control named `text` has focus."""
        for _ in range(limit):
            if active(self.driver).text == text:
                return
            self.press(Keys.TAB)
        raise AssertionError(f"{text!r} cannot be reached with Tab")

    def press(self, *keys: str) -> None:
        for key in keys:
            active(self.driver).send_keys(key)

    def tab_to_first_option(self) -> None:
        """From the top of the page, Tab (past the skip link and the transcript) to the question."""
        first = self.driver.find_elements(By.CSS_SELECTOR, ".button-choice")[0]
        self.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        for _ in range(20):
            if active(self.driver) == first:
                return
            self.press(Keys.TAB)
        raise AssertionError("the first option cannot be reached with Tab")

    def answer(self, value: str | list[str], kind: str) -> None:
        before = self.bot_messages()
        focused = active(self.driver)
        if kind == "choice":
            labels = [b.text for b in self.driver.find_elements(By.CSS_SELECTOR, ".button-choice")]
            assert focused.text == labels[0], "focus should be on the first option"
            self.press(*([Keys.TAB] * labels.index(str(value))), Keys.ENTER)
        elif kind == "boxes":
            boxes = self.driver.find_elements(By.CSS_SELECTOR, "#question input[type=checkbox]")
            labels = [b.get_attribute("data-label") for b in boxes]
            for label in labels:
                if label in value:
                    self.press(Keys.SPACE)
                self.press(Keys.TAB)
            assert active(self.driver).text == "Send"
            self.press(Keys.ENTER)
        else:
            assert focused.get_attribute("id") == "answer", "focus should be in the answer box"
            focused.send_keys(str(value))
            if kind == "box":  # Enter makes a new line in a text box: Tab to Send instead
                self.press(Keys.TAB)
                assert active(self.driver).text == "Send"
            self.press(Keys.ENTER)
        self.ready(before)

    def check(self, where: str) -> None:
        self.violations += run_axe(self.driver, where)

    def question_is_read_on_focus(self, where: str) -> None:
        """The focused control's name, description or group holds the current question."""
        asked = text_of(self.driver, "#question-text")
        focus = accessibility_of_focus(self.driver)
        heard = " ".join([focus["name"], focus["description"], *focus["groups"]])
        assert asked and asked in heard, f"{where}: focus on {focus} does not say {asked!r}"


def _start_chat(driver: WebDriver, url: str) -> ChatResident:
    driver.get(url)
    driver.execute_script("localStorage.clear()")
    driver.get(url)
    resident = ChatResident(driver)
    wait_for(
        driver,
        lambda d: (
            resident.bot_messages() >= 1 and d.find_elements(By.CSS_SELECTOR, ".button-choice")
        ),
    )
    return resident


def test_a_whole_application_by_keyboard_in_the_chat_page_passes_axe_at_every_step(
    browser: WebDriver, live: LiveServer
) -> None:
    watch_busy(browser)
    titles: list[str] = []
    resident = _start_chat(browser, f"{live.url}/chat")
    resident.tab_to_first_option()
    resident.check("first question")
    resident.question_is_read_on_focus("first question")
    for width in (320, 1280):
        screenshot(browser, "chat-1-first-question", width)
    for number, (value, kind) in enumerate(SCRIPT):
        resident.answer(value, kind)
        resident.check(f"after answer {number + 1}")
        resident.question_is_read_on_focus(f"after answer {number + 1}")
        titles.append(browser.title)
        assert browser.execute_script("return window.__busy") == [], "nothing is ever busy"
        # The one live region carries feedback only: never the question.
        assert text_of(browser, "#question-text") not in text_of(browser, "#feedback")
        if number == INCIDENT_QUESTION - 1:
            for width in (320, 1280):
                screenshot(browser, "chat-2-incident-question", width)
    # The page title names the question being asked, then the service.
    assert len(set(titles)) > len(SCRIPT) // 2
    assert all(t.endswith(" - Ask for an anti-social behaviour case review") for t in titles)
    assert titles[1].startswith("What is your full name?")
    assert text_of(browser, "#question-text").startswith("Check your answers")
    assert "Jane Smith" in text_of(browser, "#question .govuk-summary-list")
    for width in (320, 1280):
        screenshot(browser, "chat-3-check-your-answers", width)
    before = resident.bot_messages()
    resident.tab_to("Send my request")
    resident.press(Keys.ENTER)
    resident.ready(before)
    # The confirmation is a panel that takes focus and holds the reference.
    panel = active(browser)
    assert panel.get_attribute("id") == "confirmation"
    assert re.search(r"Your reference number\s+CR-[A-Z0-9]{4}-[A-Z0-9]{4}", panel.text)
    # Sent: the page forgets the conversation, so a reload starts afresh (forget() once called
    # itself, and these tests cleared storage themselves, which hid it).
    assert browser.execute_script("return localStorage.getItem('casereview.session')") is None
    resident.check("confirmation")
    for width in (320, 1280):
        screenshot(browser, "chat-4-confirmation", width)
    assert resident.violations == []


def test_the_widget_on_a_council_page_works_by_keyboard_and_gives_focus_back(
    browser: WebDriver,
    live: LiveServer,
    council_site: CouncilSite,  # noqa: F811
) -> None:
    _widget_by_keyboard(browser, live, council_site)


def test_the_widget_on_a_phone_works_by_keyboard_and_gives_focus_back(
    live: LiveServer,
    council_site: CouncilSite,  # noqa: F811
) -> None:
    driver = chromium(width=390, height=844)
    try:
        _widget_by_keyboard(driver, live, council_site)
    finally:
        driver.quit()


def _widget_by_keyboard(browser: WebDriver, live: LiveServer, council_site: CouncilSite) -> None:  # noqa: F811
    """Open the widget from the council's page, apply by keyboard, close it with Escape."""
    council_site.script_src = f"{live.url}/widget.js"
    browser.get(council_site.url)
    launcher = wait_for(
        browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".casereview-launcher")
    )[0]
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(5):  # Tab through the council's page until the launcher has focus
        if active(browser) == launcher:
            break
        active(browser).send_keys(Keys.TAB)
    assert active(browser) == launcher
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.send_keys(Keys.ENTER)
    assert launcher.get_attribute("aria-expanded") == "true"
    frame = browser.find_element(By.CSS_SELECTOR, ".casereview-frame")
    assert frame.get_attribute("title")
    browser.switch_to.frame(frame)
    browser.execute_script("localStorage.clear()")
    resident = ChatResident(browser)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".button-choice"))
    wait_for(browser, lambda d: active(d).text == "Yes")  # focus moved into the chat
    resident.check("widget first question")
    for value, kind in SCRIPT:
        resident.answer(value, kind)
    resident.check("widget check your answers")
    before = resident.bot_messages()
    resident.tab_to("Send my request")
    resident.press(Keys.ENTER)
    resident.ready(before)
    assert "CR-" in text_of(browser, "#confirmation .reference")
    resident.press(Keys.ESCAPE)  # closes the panel and gives focus back to the launcher
    browser.switch_to.default_content()
    wait_for(browser, lambda d: launcher.get_attribute("aria-expanded") == "false")
    assert active(browser) == launcher
    assert resident.violations == []


def test_the_widget_refuses_origins_that_are_not_configured(
    browser: WebDriver,
    live: LiveServer,
    council_site: CouncilSite,  # noqa: F811
) -> None:
    council_site.script_src = f"{live.url}/widget.js"
    other_origin = council_site.url.replace("127.0.0.1", "localhost")  # same page, other origin
    browser.get(other_origin)
    time.sleep(0.5)
    assert browser.find_elements(By.CSS_SELECTOR, ".casereview-launcher") == []
    # The chat page itself may only be framed by the configured origins.
    with urllib.request.urlopen(f"{live.url}/chat?embed=1") as response:
        policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {council_site.url}" in policy


def submit_and_wait(driver: WebDriver, button: str) -> None:
    """Press a form's button and wait for the next page (post, redirect, get)."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.XPATH, f"//button[normalize-space()='{button}']").click()

    def left(_: WebDriver) -> bool:
        try:
            page.is_enabled()
        except WebDriverException:  # stale, or mid-navigation: the old page is going
            return True
        return False

    wait_for(driver, left)
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")


@pytest.mark.parametrize("javascript", [False, True], ids=["no-javascript", "javascript"])
def test_a_whole_application_as_html_forms(live: LiveServer, javascript: bool) -> None:
    """Without JavaScript the form version asks the same questions; with it, axe checks pages."""
    driver = chromium(javascript=javascript)
    violations: list[dict[str, object]] = []
    try:
        driver.get(f"{live.url}/chat")
        if not javascript:
            link = driver.find_element(By.LINK_TEXT, "Use the form version")  # in <noscript>
            assert link.is_displayed()
            link.click()
        else:
            driver.get(f"{live.url}/apply")
        submit_and_wait(driver, "Start now")
        for value, kind in SCRIPT:
            if javascript:
                violations += run_axe(driver, driver.title)
            heading = driver.find_element(By.CSS_SELECTOR, "h1.question").text
            assert heading, "each page asks one question"
            assert len(driver.title) < 120, "the title is the question or its short name"
            if kind in {"choice", "boxes"}:
                for label in value if isinstance(value, list) else [value]:
                    driver.find_element(By.XPATH, f"//label[normalize-space()='{label}']").click()
            else:
                driver.find_element(By.ID, "answer").send_keys(str(value))
            submit_and_wait(driver, "Continue")
        assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Check your answers")
        if javascript:
            violations += run_axe(driver, "check your answers")
            for width in (320, 1280):
                screenshot(driver, "form-3-check-your-answers", width)
        assert "Jane Smith" in driver.page_source and "CAD 1234" in driver.page_source
        submit_and_wait(driver, "Send request")
        reference = driver.find_element(By.CSS_SELECTOR, ".reference").text
        assert re.fullmatch(r"CR-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
        if javascript:
            violations += run_axe(driver, "confirmation")
            for width in (320, 1280):
                screenshot(driver, "form-4-confirmation", width)
    finally:
        driver.quit()
    assert violations == []


def test_a_wrong_answer_in_the_form_is_named_and_linked(live: LiveServer) -> None:
    driver = chromium(javascript=False)
    try:
        driver.get(f"{live.url}/apply")
        submit_and_wait(driver, "Start now")
        submit_and_wait(driver, "Continue")
        assert driver.title.startswith("Error: ")
        summary = driver.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
        assert "yes or no" in summary.text
        assert summary.find_element(By.TAG_NAME, "a").get_attribute("href").endswith("#answer")
        assert driver.find_element(By.ID, "error").is_displayed()
    finally:
        driver.quit()


def test_reloading_the_chat_page_carries_on_where_the_resident_was(
    browser: WebDriver, live: LiveServer
) -> None:
    resident = _start_chat(browser, f"{live.url}/chat")
    resident.tab_to_first_option()
    for value, kind in SCRIPT[:4]:
        resident.answer(value, kind)
    browser.refresh()
    wait_for(browser, lambda d: "Jane Smith" in text_of(d, "#transcript"))
    wait_for(browser, lambda d: d.find_elements(By.ID, "answer"))
    assert "What is your postcode?" in text_of(browser, "label[for=answer]")
    browser.find_element(By.ID, "answer").send_keys("SW1A 1AA", Keys.ENTER)
    # Read in the page: the label is replaced when the next question is built.
    wait_for(browser, lambda d: "What is your phone number?" in d.execute_script(
        "const label = document.querySelector('label[for=answer]');"
        "return label ? label.textContent : '';"))  # fmt: skip


@pytest.fixture(scope="module")
def short_lived(
    tmp_path_factory: pytest.TempPathFactory, migrated_template: Path
) -> Iterator[LiveServer]:
    """A server whose conversations expire after 3 minutes, warning 2m58s before."""
    require_browser()
    folder = tmp_path_factory.mktemp("short")
    database = folder / "casereview.sqlite3"
    database.write_bytes(migrated_template.read_bytes())
    app = make_app(folder, f"sqlite:///{database}", Clock(),
                   SESSION_TTL_HOURS=0.05, SESSION_WARNING_SECONDS=178)  # fmt: skip
    app.extensions["casereview.conversations"].clock = utcnow
    yield from serve_app(lambda: app)


def test_the_resident_is_warned_before_expiry_and_can_extend(
    browser: WebDriver, short_lived: LiveServer
) -> None:
    resident = _start_chat(browser, f"{short_lived.url}/chat")
    resident.tab_to_first_option()
    resident.answer("Yes", "choice")
    session = browser.execute_script("return localStorage.getItem('casereview.session')")
    with urllib.request.urlopen(f"{short_lived.url}/api/chat/sessions/{session}") as response:
        first_expiry = dt.datetime.fromisoformat(json.load(response)["expires_at"])
    dialog = wait_for(browser, lambda d: [e for e in d.find_elements(By.ID, "timeout")
                                          if e.is_displayed()], seconds=15)[0]  # fmt: skip
    assert dialog.get_attribute("role") == "alertdialog"
    assert "delete your answers" in dialog.text
    assert active(browser).text == "Keep my answers"
    resident.check("time-out warning")
    time.sleep(1.1)
    active(browser).send_keys(Keys.ENTER)
    wait_for(browser, lambda d: not d.find_element(By.ID, "timeout").is_displayed())
    assert "You have more time" in text_of(browser, "#feedback")
    with urllib.request.urlopen(f"{short_lived.url}/api/chat/sessions/{session}") as response:
        extended = dt.datetime.fromisoformat(json.load(response)["expires_at"])
    assert extended > first_expiry
    assert active(browser).text == "I am the victim"  # focus back on the question
    assert resident.violations == []


def test_the_axe_check_does_find_a_planted_violation(browser: WebDriver, live: LiveServer) -> None:
    """The accessibility check can fail: an unlabelled input and an image without alt text."""
    browser.get(f"{live.url}/apply")
    browser.execute_script(
        "const main = document.querySelector('main');"
        "main.appendChild(document.createElement('input'));"
        "const img = document.createElement('img'); img.src = 'data:,'; main.appendChild(img);"
    )
    found = {v["id"] for v in run_axe(browser, "planted")}
    assert {"label", "image-alt"} <= found


def _chat_at(browser: WebDriver, url: str, answers: int) -> ChatResident:
    """A fresh chat, answered by keyboard up to SCRIPT[answers]."""
    resident = _start_chat(browser, url)
    resident.tab_to_first_option()
    for value, kind in SCRIPT[:answers]:
        resident.answer(value, kind)
    return resident


def test_a_wrong_answer_in_the_chat_is_linked_to_its_field_and_announced_once(
    browser: WebDriver, live: LiveServer
) -> None:
    resident = _chat_at(browser, f"{live.url}/chat", 4)
    before = resident.bot_messages()
    active(browser).send_keys("not a postcode", Keys.ENTER)
    resident.ready(before)
    box = active(browser)
    assert box.get_attribute("id") == "answer" and box.get_attribute("aria-invalid") == "true"
    assert box.get_attribute("value") == "not a postcode"  # kept, to correct
    focus = accessibility_of_focus(browser)
    assert "What is your postcode?" in focus["name"]
    assert "enter a full UK postcode" in focus["description"]
    assert "enter a full UK postcode" in text_of(browser, "#feedback")
    # The question is not in the live region, so it is read once, by focus.
    assert "What is your postcode?" not in text_of(browser, "#feedback")


def test_reloading_the_chat_replays_nothing_to_a_screen_reader(
    browser: WebDriver, live: LiveServer
) -> None:
    _chat_at(browser, f"{live.url}/chat", 4)
    browser.refresh()
    wait_for(browser, lambda d: d.find_elements(By.ID, "answer"))
    assert "Jane Smith" in text_of(browser, "#transcript")  # shown again
    live_regions = browser.execute_script(
        "return [...document.querySelectorAll("
        "'[aria-live], [role=log], [role=status], [role=alert]')]"
        ".filter(e => e.offsetParent !== null || e.id === 'feedback').map(e => e.id)"
    )
    assert live_regions == ["feedback"]
    assert text_of(browser, "#feedback") == ""  # nothing announced


def test_start_again_in_the_chat_offers_yes_and_no(browser: WebDriver, live: LiveServer) -> None:
    resident = _chat_at(browser, f"{live.url}/chat", 3)
    before = resident.bot_messages()
    resident.tab_to("Start again")
    resident.press(Keys.ENTER)
    resident.ready(before)
    labels = [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".button-choice")]
    assert labels == ["Yes, start again", "No, keep my answers"]
    assert "Are you sure?" in text_of(browser, "#question-text")
    assert active(browser).text == "Yes, start again"
    resident.press(Keys.TAB, Keys.ENTER)  # No: the answers are kept
    resident.ready(before + 1)
    assert "What is your address?" in text_of(browser, "#question-text")


def test_an_over_long_answer_shows_the_limit_and_survives_refusal(
    browser: WebDriver, live: LiveServer
) -> None:
    resident = _chat_at(browser, f"{live.url}/chat", 3)  # at the address (a text box)
    count = browser.find_element(By.ID, "answer-count")
    assert "up to 3,000 characters" in count.text
    long = "A very long address. " * 150  # 3,150 characters
    for text, refused in ((long, "keep it under 3,000"), (long * 4, "up to 10,000")):
        browser.execute_script(
            "const box = document.getElementById('answer'); box.value = arguments[0];"
            "box.dispatchEvent(new Event('input'));",
            text,
        )
        assert "too many" in count.text
        resident.tab_to("Send")
        resident.press(Keys.ENTER)
        wait_for(browser, lambda d, said=refused: said in text_of(d, "#feedback"))
        assert browser.find_element(By.ID, "answer").get_attribute("value") == text


def test_the_chat_page_is_as_tall_as_its_content_on_a_phone(live: LiveServer) -> None:
    """No blank area below the footer at 390px, late in a long conversation (once, hidden
    "The service said:" spans in the scroller grew the page by thousands of pixels)."""
    driver = chromium(width=390, height=844)

    def gap() -> float:
        found: float = driver.execute_script(  # with the conversation scrolled to its start
            "document.getElementById('transcript').scrollTop = 0;"
            "const footer = document.querySelector('footer').getBoundingClientRect();"
            "return document.documentElement.scrollHeight - (footer.bottom + window.scrollY);"
        )
        return found

    try:
        resident = _chat_at(driver, f"{live.url}/chat", len(SCRIPT) - 4)
        assert gap() <= 1
        for value, kind in SCRIPT[len(SCRIPT) - 4 :]:
            resident.answer(value, kind)
        assert text_of(driver, "#question-text").startswith("Check your answers")
        assert gap() <= 1
    finally:
        driver.quit()


def test_focus_is_visible_on_link_styled_controls_in_forced_colours(
    browser: WebDriver, live: LiveServer
) -> None:
    _start_chat(browser, f"{live.url}/chat")
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "forced-colors", "value": "active"}]}
    )
    try:
        assert browser.execute_script("return matchMedia('(forced-colors: active)').matches")
        for selector in ("[data-command=back]", "a.govuk-link"):
            browser.find_element(By.CSS_SELECTOR, selector).send_keys("")  # focus it
            browser.execute_script(f"document.querySelector('{selector}').focus()")
            style = browser.execute_script(
                "const s = getComputedStyle(document.activeElement);"
                "return [s.outlineStyle, parseFloat(s.outlineWidth)];"
            )
            assert style[0] != "none" and style[1] >= 2, f"{selector}: {style}"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_the_browsers_back_button_works_on_the_form_version(live: LiveServer) -> None:
    driver = chromium(javascript=False)
    try:
        driver.get(f"{live.url}/apply")
        submit_and_wait(driver, "Start now")
        for value, _ in SCRIPT[:2]:
            driver.find_element(By.XPATH, f"//label[normalize-space()='{value}']").click()
            submit_and_wait(driver, "Continue")
        driver.find_element(By.ID, "answer").send_keys("Jane Smith")
        submit_and_wait(driver, "Continue")
        assert "What is your address?" in driver.find_element(By.CSS_SELECTOR, "h1").text
        driver.back()
        wait_for(driver, lambda d: "full name" in d.find_element(By.CSS_SELECTOR, "h1").text)
        box = driver.find_element(By.ID, "answer")
        assert box.get_attribute("value") == "Jane Smith"  # pre-filled with the answer given
        box.clear()
        box.send_keys("Jane Smyth")
        submit_and_wait(driver, "Continue")
        assert "What is your address?" in driver.find_element(By.CSS_SELECTOR, "h1").text
        driver.back()
        driver.back()
        wait_for(driver, lambda d: "victim" in d.find_element(By.CSS_SELECTOR, "h1").text)
        assert driver.find_element(By.ID, "answer").is_selected()  # "I am the victim", kept
    finally:
        driver.quit()


def test_the_widget_on_a_phone_is_modal_and_fits_above_the_browser_bar(
    live: LiveServer,
    council_site: CouncilSite,  # noqa: F811
) -> None:
    council_site.script_src = f"{live.url}/widget.js"
    driver = chromium(width=390, height=844)
    try:
        driver.get(council_site.url)
        launcher = wait_for(
            driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".casereview-launcher")
        )[0]
        launcher.send_keys(Keys.ENTER)
        panel = driver.find_element(By.ID, "casereview-panel")
        assert panel.get_attribute("aria-modal") == "true"
        # The council's page behind is out of reach: Tab goes round Close and the chat only.
        reachable = driver.execute_script(
            "return [...document.querySelectorAll('a, button, iframe')]"
            ".filter(e => !e.closest('[inert]')).map(e => e.className || e.tagName)"
        )
        assert reachable == ["casereview-close", "casereview-frame"]
        assert driver.execute_script("return arguments[0].style.height", panel) == "100dvh"
        driver.find_element(By.CSS_SELECTOR, ".casereview-close").send_keys(Keys.ENTER)
        assert active(driver) == launcher
        assert driver.execute_script("return document.querySelectorAll('[inert]').length") == 0
    finally:
        driver.quit()


def test_at_400_percent_zoom_nothing_scrolls_inside_the_page(live: LiveServer) -> None:
    """1280 by 1024 at 400% is 320 by 256 CSS pixels: the conversation flows with the page,
    and the question is in no box of its own that scrolls."""
    driver = chromium(width=320, height=256)
    try:
        resident = _chat_at(driver, f"{live.url}/chat", 6)
        del resident
        scrollers = driver.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => {"
            " const s = getComputedStyle(e).overflowY;"
            " return (s === 'auto' || s === 'scroll') && e.scrollHeight > e.clientHeight + 1;"
            "}).map(e => e.id || e.className)"
        )
        assert scrollers == []
        assert "What is your email address?" in text_of(driver, "label[for=answer]")
    finally:
        driver.quit()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_whole_application_by_keyboard_alone_on_the_form_version(
    live: LiveServer, width: int
) -> None:
    """Tab, Space, arrow keys and Enter only, on a phone and on a desktop."""
    driver = chromium(javascript=False, width=width, height=900)

    def tab_to(text: str) -> None:
        for _ in range(60):
            if active(driver).text == text or active(driver).get_attribute("value") == text:
                return
            active(driver).send_keys(Keys.TAB)
        raise AssertionError(f"{text!r} cannot be reached with Tab")

    def press_continue() -> None:
        page = driver.find_element(By.TAG_NAME, "html")
        tab_to("Continue")
        active(driver).send_keys(Keys.ENTER)
        wait_for(driver, lambda d: _gone(page))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")

    try:
        driver.get(f"{live.url}/apply")
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        tab_to("Start now")
        page = driver.find_element(By.TAG_NAME, "html")
        active(driver).send_keys(Keys.ENTER)
        wait_for(driver, lambda d: _gone(page))
        for value, kind in SCRIPT:
            driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
            if kind in {"choice", "boxes"}:
                wanted = value if isinstance(value, list) else [value]
                first = driver.find_element(By.ID, "answer")
                for _ in range(40):
                    if active(driver) == first:
                        break
                    active(driver).send_keys(Keys.TAB)
                options = driver.find_elements(By.CSS_SELECTOR, "input[name=choice]")
                labels = [
                    driver.find_element(By.CSS_SELECTOR, f"label[for={o.get_attribute('id')}]").text
                    for o in options
                ]
                if kind == "choice":  # radios: arrow keys move and pick
                    for _ in range(labels.index(str(value))):
                        active(driver).send_keys(Keys.ARROW_DOWN)
                    if not active(driver).is_selected():
                        active(driver).send_keys(Keys.SPACE)
                else:  # checkboxes: Tab between, Space ticks
                    for label in labels:
                        if label in wanted:
                            active(driver).send_keys(Keys.SPACE)
                        active(driver).send_keys(Keys.TAB)
            else:
                box = driver.find_element(By.ID, "answer")
                for _ in range(40):
                    if active(driver) == box:
                        break
                    active(driver).send_keys(Keys.TAB)
                active(driver).send_keys(str(value))
            press_continue()
        assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Check your answers")
        page = driver.find_element(By.TAG_NAME, "html")
        tab_to("Send request")
        active(driver).send_keys(Keys.ENTER)
        wait_for(driver, lambda d: _gone(page))
        assert driver.find_element(By.CSS_SELECTOR, ".reference").text.startswith("CR-")
    finally:
        driver.quit()


def _gone(page: object) -> bool:
    try:
        page.is_enabled()  # type: ignore[attr-defined]
    except WebDriverException:
        return True
    return False


def test_a_whole_application_by_keyboard_in_the_chat_on_a_phone(live: LiveServer) -> None:
    driver = chromium(width=390, height=844)
    try:
        resident = _chat_at(driver, f"{live.url}/chat", 0)
        resident.question_is_read_on_focus("first question")
        for number, (value, kind) in enumerate(SCRIPT):
            resident.answer(value, kind)
            resident.question_is_read_on_focus(f"after answer {number + 1}")
        before = resident.bot_messages()
        resident.tab_to("Send my request")
        resident.press(Keys.ENTER)
        resident.ready(before)
        assert active(driver).get_attribute("id") == "confirmation"
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
    finally:
        driver.quit()


def test_checkboxes_with_nothing_ticked_get_an_error_state_linked_to_them(
    browser: WebDriver, live: LiveServer
) -> None:
    resident = _chat_at(browser, f"{live.url}/chat", 8)  # at which ways are safe (checkboxes)
    before = resident.bot_messages()
    resident.tab_to("Send")
    resident.press(Keys.ENTER)
    resident.ready(before)
    error = browser.find_element(By.ID, "question-error")
    assert error.is_displayed() and "Choose" in error.text
    fieldset = browser.find_element(By.CSS_SELECTOR, "#question fieldset")
    assert "question-error" in (fieldset.get_attribute("aria-describedby") or "").split()
    boxes = browser.find_elements(By.CSS_SELECTOR, "#question input[type=checkbox]")
    assert boxes and all(b.get_attribute("aria-invalid") == "true" for b in boxes)
    group = browser.find_element(By.ID, "question-group")
    assert "govuk-form-group--error" in (group.get_attribute("class") or "")


def test_the_chat_offers_the_appeal_at_the_front_door(browser: WebDriver, live: LiveServer) -> None:
    resident = _start_chat(browser, f"{live.url}/chat")
    before = resident.bot_messages()
    browser.find_element(By.XPATH, "//button[text()='Appeal or escalate a review']").click()
    resident.ready(before)
    asked = text_of(browser, "#question-text")
    assert "What is the reference of your case review request?" in asked
    assert active(browser).get_attribute("id") == "answer"  # focus moves to the reference box
    resident.check("appeal reference")
    assert resident.violations == []
