"""Every message the bot can text is GSM-7 and fits two segments (answers to check in parts)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dialogs import texts
from dialogs.policy import Policy
from dialogs.policy import load_policy
from dialogs.questionnaire import MAX_INCIDENTS
from dialogs.record import CAREFULLY
from dialogs.record import SAFE_WAY
from dialogs.render import answer_pages
from dialogs.sms import SEGMENT_BUDGET
from dialogs.sms import is_gsm7
from dialogs.sms import render
from dialogs.sms import segments
from dialogs.sms import to_gsm7
from dialogs.turn import Said
from dialogs.vocabulary import EndReason
from dialogs.vocabulary import Outcome
from tests.factories import Resident
from tests.helpers import REPRESENTATIVE_DETAILS
from tests.helpers import conversation
from tests.helpers import incident

POLICIES = ("default", "merseyside")
REPRESENTATIVE = REPRESENTATIVE_DETAILS
# What residents might type at any question: every kind of re-prompt and command.
PROBES = (
    "help",
    "what does that mean",
    "zzz qqq",
    "back",
    "change phone",
    "start again",
    "",
    "I am in danger",
    "x" * 3001,
    "13/13/2026",
    "🙂 “quoted” answer — with a dash",
    "more",
)


def _copy(resident: Resident) -> Resident:
    """Another resident at the same point, so a probe does not change the walk."""
    other = Resident(resident.policy, "sms", model=resident.restore().model)
    other.dialog = other.restore()
    resident.restore()
    return other


def _walk(policy: Policy, answers: list[str]) -> Iterator[tuple[str, Resident, str]]:
    """Each question of a conversation in turn: (field, resident there, reply that led there)."""
    resident = Resident(policy, "sms")
    yield (
        resident.field or "start",
        resident,
        render(resident.first.messages if resident.first else []),
    )
    for answer in answers:
        said = render(resident.say(answer).messages)
        yield resident.field or ("submitted" if resident.last and resident.last.submitted
                                 else "ended"), resident, said  # fmt: skip


def _scripts() -> Iterator[tuple[str, list[str]]]:
    many = [incident("2 weeks ago", "1 week ago") for _ in range(3)]
    yield "victim", conversation([incident("2 weeks ago", "1 week ago")])
    yield "hate", conversation(many, hate=True)
    yield "community", conversation(many, community="4")
    yield "representative", conversation(many, details=REPRESENTATIVE)


def _assert_fits(text: str, where: str) -> None:
    assert text, f"empty reply at {where}"
    assert is_gsm7(text), f"not GSM-7 at {where}: {text!r}"
    assert segments(text) <= SEGMENT_BUDGET, f"{segments(text)} segments at {where}: {text!r}"


@pytest.mark.parametrize("policy_name", POLICIES)
def test_every_prompt_and_every_reprompt_fits_two_gsm7_segments(policy_name: str) -> None:
    policy = load_policy(policy_name)
    checked = 0
    for script_name, answers in _scripts():
        for state, resident, said in _walk(policy, [*answers, "yes"]):
            where = f"{policy_name}/{script_name}/{state}"
            if state == "submitted":
                continue  # the service adds the confirmation, checked below
            _assert_fits(said, where)
            checked += 1
            if resident.dialog.done:
                continue
            for probe in PROBES:
                reply = _copy(resident).say(probe)
                _assert_fits(render(reply.messages), f"{where} after {probe[:20]!r}")
                checked += 1
    assert checked > 500


@pytest.mark.parametrize("policy_name", POLICIES)
def test_check_your_answers_comes_in_numbered_parts_that_each_fit(policy_name: str) -> None:
    policy = load_policy(policy_name)
    long_story = "They play music and shout at my door every night. " * 60
    many = [
        [*incident("2 weeks ago", "1 week ago", to="council, police", ref="CRN 12345/26")[:1],
         long_story, "council, police, housing", "1 week ago", "CRN 12345/26"]
        for _ in range(MAX_INCIDENTS)
    ]  # fmt: skip
    resident = Resident(policy, "sms")
    community = "4" if policy.has_community_route else None
    resident.say(*conversation(many, hate=True, details=REPRESENTATIVE, community=community))
    assert resident.field == "confirm"
    review = resident.last.outcome.review if resident.last else None
    assert review is not None
    pages = answer_pages(review, resident.model)
    assert len(pages) > 10
    for number, page in enumerate(pages, start=1):
        _assert_fits(page, f"part {number}")
        assert f"part {number} of {len(pages)}" in page
    # MORE walks through every part in order and wraps round to the first.
    seen = []
    for _ in range(len(pages) + 1):
        seen.append(render(resident.say("more").messages))
    assert seen == [*pages[1:], pages[0], pages[1]]
    # Every answer is there, cut short where long: nothing silently dropped.
    joined = "\n".join(pages)
    assert len(re.findall(r"^Incident \d+: ", joined, re.MULTILINE)) == MAX_INCIDENTS
    assert "Jane Smith" in joined and "Sam Jones" in joined
    # YES on any part sends the request.
    assert resident.say("yes").submitted


@pytest.mark.parametrize("policy_name", POLICIES)
@pytest.mark.parametrize("outcome", list(Outcome))
def test_fixed_texts_fit_two_segments(policy_name: str, outcome: Outcome) -> None:
    policy = load_policy(policy_name)
    day = dt.date(2026, 11, 30)  # the longest month name in dates is September; use a long one
    long_day = dt.date(2026, 9, 30)
    for contact in [*texts.CONTACT_WORDS, SAFE_WAY, CAREFULLY]:
        for date in (day, long_day):
            sent = texts.confirmation("CR-ACDE-FGHJ", outcome, (), date, policy, contact, True)
            _assert_fits(render(sent), f"confirmation {contact}")
    for text in (
        texts.resident_sms("CR-ACDE-FGHJ", long_day, policy),
        texts.team_sms("CR-ACDE-FGHJ", outcome, long_day),
        texts.ended(EndReason.SUBMITTED, "CR-ACDE-FGHJ", policy, sms=True),
        texts.ended(EndReason.NO_CONSENT, None, policy, sms=True),
        texts.declined(EndReason.NO_CONSENT, policy, sms=True),
        texts.declined(EndReason.NO_VICTIM_CONSENT, policy, sms=True),
        texts.STOPPED,
        texts.TYPED[Said.OFFER_RESUME],
    ):
        _assert_fits(render([text]), text[:30])


def test_resume_offer_fits_at_every_state() -> None:
    policy = load_policy("default")
    for state, resident, _ in _walk(policy, conversation([incident("2 weeks ago", "1 week ago")])):
        offer = _copy(resident).pause()
        _assert_fits(render(offer.messages), f"offer at {state}")


def test_what_residents_type_is_made_gsm7_before_it_is_echoed() -> None:
    assert to_gsm7("“Zoë’s” flat — 3…") == '"Zoe\'s" flat - 3...'
    assert to_gsm7("café Ågot ñ") == "café Ågot ñ"  # already GSM-7: kept as typed
    assert to_gsm7("🙂 ok") == "? ok"
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2 and segments("a" * 307) == 3
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2  # extended characters cost two
    assert segments("ł" * 70) == 1 and segments("ł" * 71) == 2  # UCS-2


def test_the_terminal_chat_shows_staff_what_a_text_looks_like(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.setenv("CASEREVIEW_INSTANCE", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "chat-test")
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\nhelp\n"))
    assert main(["chat", "--sms"]) == 0
    out = capsys.readouterr().out
    shown = re.findall(r"bot \((\d+) characters, (\d) SMS\)> ", out)
    assert len(shown) == 3  # welcome, after consent, help
    assert all(int(segments_) <= SEGMENT_BUDGET for _, segments_ in shown)
    assert "Who is asking?" in out and "0300 123 4567" in out


@pytest.mark.parametrize("outcome", list(Outcome))
def test_the_sms_confirmation_says_what_happens_next_for_every_outcome(outcome: Outcome) -> None:
    """It dropped that sentence for below_threshold, keyed on a value never produced."""
    policy = load_policy("default")
    sent = texts.confirmation("CR-ACDE-FGHJ", outcome, (), dt.date(2026, 12, 1), policy, "email",
                              sms=True)  # fmt: skip
    assert texts.LOOKING_AT_SMS[outcome] in sent[0]


def test_the_duty_phone_alert_reads_the_outcome_in_words() -> None:
    """It read "Screening: below_threshold": the table was keyed on not_met."""
    alert = texts.team_sms("CR-ACDE-FGHJ", Outcome.BELOW_THRESHOLD, dt.date(2026, 12, 1))
    assert "below_threshold" not in alert and "Screening: below threshold." in alert


def test_every_text_table_is_keyed_on_values_the_domain_produces() -> None:
    tables = {
        "LOOKING_AT": (texts.LOOKING_AT, Outcome),
        "LOOKING_AT_SMS": (texts.LOOKING_AT_SMS, Outcome),
        "OUTCOME_WORDS": (texts.OUTCOME_WORDS, Outcome),
        "SAID": (texts.SAID, Said),
        "TYPED": (texts.TYPED, Said),
    }
    for name, (table, vocabulary) in tables.items():
        stray = [key for key in table if not isinstance(key, vocabulary)]
        assert not stray, f"{name} has keys the domain never produces: {stray}"
    for table in (texts.LOOKING_AT, texts.LOOKING_AT_SMS, texts.OUTCOME_WORDS):
        assert set(table) == set(Outcome)
    # Every note has its words: in the SAID table, or built by the renderer from its data.
    built = {Said.WELCOME, Said.NOTE, Said.HELP, Said.EXPLAIN, Said.DATE_NOTED,
             Said.INCIDENT_REMOVED, Said.ENDED, Said.OTHER_ROUTES}  # fmt: skip
    assert set(texts.SAID) | built == set(Said)
