"""What residents are told: suicide words get Samaritans, the threshold is a "may", the windows
and the routes after a review come from the policy, in every channel."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from bot.emails import resident_email
from dialogs import appeal
from dialogs import texts
from dialogs.calendar import Period
from dialogs.parsing import Invalid
from dialogs.partnership import CANDIDATES
from dialogs.policy import Policy
from dialogs.policy import load_policy
from dialogs.questionnaire import QUESTIONS
from dialogs.questionnaire import Facts
from dialogs.questionnaire import Question
from dialogs.sms import SEGMENT_BUDGET
from dialogs.sms import is_gsm7
from dialogs.sms import segments
from dialogs.vocabulary import EndReason
from dialogs.vocabulary import Kind
from dialogs.vocabulary import Outcome
from tests.factories import TODAY
from tests.factories import Resident
from tests.factories import submitted_record
from tests.helpers import REPRESENTATIVE_DETAILS
from tests.helpers import conversation
from tests.helpers import incident


def _confirmation(
    policy: Policy, outcome: Outcome, routes: tuple[str, ...] = (), sms: bool = False
) -> str:
    """Everything the resident is told once a request is sent, as one string."""
    sent = texts.confirmation("CR-ACDE-FGHJ", outcome, routes, dt.date(2026, 12, 1), policy,
                              "email", sms=sms)  # fmt: skip
    return " ".join(sent)


@pytest.mark.parametrize("channel", ["web", "sms", "terminal"])
@pytest.mark.parametrize(
    "words", ["I feel suicidal", "i want to kill myself", "I have been self-harming"]
)
def test_words_of_suicide_or_self_harm_get_samaritans_and_999(
    default_policy: Policy, channel: str, words: str
) -> None:
    resident = Resident(default_policy, channel)
    resident.say("yes", "1")
    reply = resident.say(words)
    said = "\n".join(reply.messages)
    assert "Samaritans" in said and "116 123" in said and "999" in said
    assert resident.field == "name", "the question is asked again, nothing is stored"
    if channel == "sms":
        assert is_gsm7(said) and segments(said) <= SEGMENT_BUDGET


def test_suicide_words_in_the_story_are_kept_and_get_samaritans(default_policy: Policy) -> None:
    resident = Resident(default_policy)
    answers = conversation([incident("2 weeks ago", "12 days ago")])
    resident.say(*answers[: answers.index("It stops me sleeping")])
    assert resident.field == "impact"
    reply = resident.say("It makes me want to end my life")
    assert "116 123" in "\n".join(reply.messages)
    assert resident.model.answers["impact"] == "It makes me want to end my life"


def _at_free_text(policy: Policy, field: str) -> Resident:
    """A resident at a free-text question: an incident's story, or the impact on them."""
    resident = Resident(policy)
    answers = conversation([incident("2 weeks ago", "12 days ago")])
    until = (
        "Loud music and shouting at night"
        if field == "incident_description"
        else ("It stops me sleeping")
    )
    resident.say(*answers[: answers.index(until)])
    assert resident.field == field
    return resident


@pytest.mark.parametrize("field", ["incident_description", "impact"])
@pytest.mark.parametrize(
    "words",
    [
        "some nights I think about ending it all",
        "I don't want to be here anymore",
        "i cant go on",
        "It makes me want to end my life",
    ],
)
def test_everyday_words_of_suicide_in_free_text_get_samaritans(
    default_policy: Policy, field: str, words: str
) -> None:
    resident = _at_free_text(default_policy, field)
    said = "\n".join(resident.say(words).messages)
    assert "Samaritans" in said and "116 123" in said and "999" in said
    stored = (
        resident.model.incidents[0] if field == "incident_description" else (resident.model.answers)
    )
    assert stored[field] == words, "the answer is kept, and the conversation goes on"
    assert resident.field != field


@pytest.mark.parametrize("field", ["incident_description", "impact"])
@pytest.mark.parametrize(
    "words",
    [
        "he said hes gonna kill me",
        "hes got a knife",
        "i am not safe",
        "He said he'd kill me if I called the police again",
        "I don't feel safe in my own home",
    ],
)
def test_everyday_words_of_danger_in_free_text_get_999(
    default_policy: Policy, field: str, words: str
) -> None:
    resident = _at_free_text(default_policy, field)
    said = "\n".join(resident.say(words).messages)
    assert "call 999" in said and "Samaritans" not in said
    assert resident.field != field, "the answer is kept, and the conversation goes on"


@pytest.mark.parametrize(
    "words",
    [
        "they kill the music at midnight",
        "knife crime in the area was on the news",
        "The noise is killing me, I dont want to live here anymore",
        "Banging with a hammer all night",
        "The landlord is threatening us with eviction",
    ],
)
def test_ordinary_reports_get_no_safety_notice(default_policy: Policy, words: str) -> None:
    resident = _at_free_text(default_policy, "incident_description")
    said = "\n".join(resident.say(words).messages)
    assert "999" not in said and "Samaritans" not in said


def test_danger_alone_gets_999_not_samaritans(default_policy: Policy) -> None:
    resident = Resident(default_policy)
    resident.say("yes", "1")
    said = "\n".join(resident.say("I am being attacked").messages)
    assert "999" in said and "Samaritans" not in said


@pytest.mark.parametrize("sms", [False, True])
def test_meeting_the_threshold_is_a_may_and_the_team_decides(
    default_policy: Policy, sms: bool
) -> None:
    said = _confirmation(default_policy, Outcome.MEETS_THRESHOLD, ("hate",), sms=sms)
    assert "may meet the threshold" in said
    assert "decide" in said
    assert "meets the threshold" not in said


@pytest.mark.parametrize(("name", "window"), [("merseyside", "6 months")])
def test_the_other_complainants_question_takes_its_window_from_the_policy(
    name: str, window: str
) -> None:
    policy = load_policy(name)
    resident = Resident(policy)
    resident.say(*conversation([incident("1/10/2026", "2/10/2026")])[:-4])
    while resident.field != "other_reporters":
        resident.say("no")
    assert f"in the last {policy.lookback}" in resident.text
    assert str(policy.lookback) == window


def test_a_window_in_the_policy_changes_the_question(merseyside_policy: Policy) -> None:
    policy = dataclasses.replace(merseyside_policy, lookback=Period(3, "months"))
    resident = Resident(policy)
    resident.say(*conversation([incident("1/10/2026", "2/10/2026")])[:-4])
    while resident.field != "other_reporters":
        resident.say("no")
    assert "in the last 3 months" in resident.text


def test_the_default_policy_explains_the_appeal_in_the_confirmation_and_email(
    default_policy: Policy,
) -> None:
    said = _confirmation(default_policy, Outcome.BELOW_THRESHOLD)
    assert "appeal in writing within 21 days" in said
    assert "within 10 working days of the meeting" in said
    assert "not a complaints procedure" in said
    record = submitted_record(default_policy)
    email = resident_email(record, sender="a@council.example", recipient="jane@example.com",
                           message_id="<1@x>", policy=default_policy)  # fmt: skip
    body = email.get_content()
    assert "appeal in writing within 21 days" in body and "not a complaints procedure" in body


def test_the_merseyside_policy_explains_escalation_to_the_commissioner(
    merseyside_policy: Policy,
) -> None:
    said = _confirmation(merseyside_policy, Outcome.BELOW_THRESHOLD)
    assert "Police and Crime Commissioner" in said
    assert "21 working days" in said
    assert "appeal in writing" not in said, "Merseyside's policy sets no appeal"


@pytest.mark.parametrize("channel", ["web", "sms", "terminal"])
@pytest.mark.parametrize("before", [["yes", "1", "Jane Smith"], ["yes", "2"]])
def test_help_partway_through_a_request_is_about_the_question_not_appeals(
    default_policy: Policy, channel: str, before: list[str]
) -> None:
    """Help mentioned appeals, which only come after a decision."""
    resident = Resident(default_policy, channel)
    resident.say(*before)
    field = resident.field
    said = "\n".join(resident.say("help").messages)
    assert "appeal" not in said.lower() and "unhappy with the outcome" not in said.lower()
    assert resident.field == field
    question = resident.dialog.asking()
    assert question is not None and question.question is not None
    if question.question.help:
        assert question.question.help in said


@pytest.mark.parametrize("name", ["default", "merseyside"])
def test_texts_after_sending_name_the_route_after_a_review(name: str) -> None:
    policy = load_policy(name)
    for text in (
        texts.resident_sms("CR-ACDE-FGHJ", dt.date(2026, 9, 30), policy),
        texts.ended(EndReason.SUBMITTED, "CR-ACDE-FGHJ", policy, sms=True),
    ):
        assert "Unhappy with" in text
        assert is_gsm7(text) and segments(text) <= SEGMENT_BUDGET, text


def test_a_community_route_with_its_own_window_asks_about_that_window(
    merseyside_policy: Policy,
) -> None:
    assert merseyside_policy.community is not None
    route = dataclasses.replace(merseyside_policy.community, lookback=Period(3, "months"))
    policy = dataclasses.replace(merseyside_policy, community=route)
    resident = Resident(policy)
    resident.say(*conversation([incident("1/10/2026", "2/10/2026")])[:-4])
    while resident.field != "other_reporters":
        resident.say("no")
    assert "in the last 3 months" in resident.text


@pytest.mark.parametrize("question", [*QUESTIONS, *appeal.QUESTIONS], ids=lambda q: q.field)
def test_an_empty_answer_gets_a_sentence_a_resident_understands(question: Question) -> None:
    """It said "Please type contacting you safely.": the row's label put into a sentence."""
    facts = Facts({CANDIDATES: [["wirral", "Wirral"], ["sefton", "Sefton"]]})
    bound = question.bind(facts)
    with pytest.raises(Invalid) as refused:
        bound.parse("  ", TODAY)
    said = str(refused.value)
    assert re.fullmatch(r"[A-Z][^{}\n]*\.", said), said  # sentences, nothing left to fill in
    assert not re.search(rf"\b(type|enter) {re.escape(question.label.lower())}\b", said), said
    assert is_gsm7(said) and len(said) <= 100, said
    if question.kind == Kind.TEXT:
        assert said != Question.empty, "every free-text question has its own words"
        if bound.is_optional(facts):  # and says how to skip it
            assert any(f"type {word}." in said for word in bound.skip_words), said


@pytest.mark.parametrize("channel", ["web", "sms", "terminal"])
def test_someone_with_no_phone_or_email_is_told_how_to_apply_by_phone_or_in_writing(
    default_policy: Policy, channel: str
) -> None:
    resident = Resident(default_policy, channel)
    resident.say("yes", "1", "Jane Smith", "1 High Street", "sw1a1aa", "no phone")
    assert resident.field == "email"
    resident.say("i dont do email, can you just write to me")
    assert resident.field == "email", "one of the two is needed to go on"
    assert default_policy.team_phone in resident.text
    assert f"in writing to {default_policy.team_address}" in resident.text


def test_words_of_no_phone_beside_a_number_keep_the_number(default_policy: Policy) -> None:
    resident = Resident(default_policy)
    resident.say("yes", "1", "Jane Smith", "1 High Street", "sw1a1aa")
    resident.say("no mobile, landline 0113 496 0000")
    assert resident.model.answers["phone"] == "+441134960000"
    resident.say("letters only please")
    assert resident.field == "contact_preference", "with a phone, the email can be left out"
    assert resident.model.answers["email"] is None


def test_saying_no_to_sharing_gives_the_phone_and_written_routes(default_policy: Policy) -> None:
    resident = Resident(default_policy)
    resident.say("no")
    assert resident.last is not None and resident.last.done
    assert default_policy.team_phone in resident.text
    assert f"write to {default_policy.team_address}" in resident.text


def test_the_appeal_route_says_where_to_write(default_policy: Policy) -> None:
    lines = " ".join(texts.after_review(default_policy))
    assert f"Write to {default_policy.team_address} and give your reference." in lines


@pytest.mark.parametrize("said", ["I don't have email", "I don’t do email", "no email at all"])
def test_no_email_said_with_an_apostrophe_is_understood(default_policy: Policy, said: str) -> None:
    resident = Resident(default_policy)
    resident.say("yes", "1", "Jane Smith", "1 High Street", "sw1a1aa", "no phone", said)
    assert f"in writing to {default_policy.team_address}" in resident.text


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("no email, use jane@example.com", "jane@example.com"),
        ("i dont use email much but its jane@example.com", "jane@example.com"),
    ],
)
def test_words_of_no_email_beside_an_address_keep_the_address(
    default_policy: Policy, said: str, kept: str
) -> None:
    resident = Resident(default_policy)
    resident.say("yes", "1", "Jane Smith", "1 High Street", "sw1a1aa", "07123 456789", said)
    assert resident.model.answers.get("email") == kept


def test_no_computer_at_the_phone_question_is_not_no_phone(default_policy: Policy) -> None:
    resident = Resident(default_policy)
    resident.say("yes", "1", "Jane Smith", "1 High Street", "sw1a1aa", "i dont have a computer")
    assert resident.field == "phone", "asked again for the phone number"


@pytest.mark.parametrize(
    ("said", "day"),
    [("i think the monday after", 5), ("probably the next day", 3), ("maybe the same day", 2)],
)
def test_a_hedged_report_date_still_counts_from_the_incident(
    default_policy: Policy, said: str, day: int
) -> None:
    # "i think the monday after" was read as the latest Monday, weeks later.
    resident = Resident(default_policy)
    resident.say(*conversation([])[:14], "2/10/2026", "Loud music", "police", said)
    assert resident.model.incidents[0]["report_date"] == f"2026-10-0{day}"


@pytest.mark.parametrize("channel", ["web", "sms"])
def test_someone_asking_for_the_victim_is_asked_how_it_affects_them(
    default_policy: Policy, channel: str
) -> None:
    resident = Resident(default_policy, channel)
    resident.say(*conversation([incident("2 weeks ago", "12 days ago")],
                               details=REPRESENTATIVE_DETAILS)[:-3])  # fmt: skip
    assert resident.field == "impact"
    assert "How is this affecting them" in resident.text
    assert "affecting you" not in resident.text
