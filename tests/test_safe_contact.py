"""Safe contact is honoured: the service never texts or emails a resident where they said that
way is not safe, and the team sees how to reach them safely before anything else."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.tables import outbox
from dialogs import summary
from dialogs.policy import Policy
from dialogs.questionnaire import ways_said_unsafe
from dialogs.record import SAFE_WAY
from dialogs.record import contact_way
from dialogs.vocabulary import Stage
from tests.clients import say
from tests.clients import start
from tests.factories import Resident
from tests.factories import model_at_review
from tests.factories import submitted_record
from tests.helpers import VICTIM_DETAILS
from tests.helpers import conversation
from tests.helpers import incident

THREE = [incident("1/10/2026", "2/10/2026"), incident("8/10/2026", "9/10/2026"),
         incident("15/10/2026", "16/10/2026")]  # fmt: skip


def _details(preference: str, safe: str, note: str = "no") -> list[str]:
    details = list(VICTIM_DETAILS)
    details[7], details[8], details[9] = preference, safe, note
    return details


def _queued(app: Flask) -> list[tuple[str, str]]:
    with app.extensions["casereview.engine"].connect() as conn:
        return sorted(conn.execute(select(outbox.c.purpose, outbox.c.recipient)).all())  # type: ignore[arg-type]


def _apply(client: FlaskClient, details: list[str]) -> dict[str, object]:
    sid = start(client)["session_id"]
    for answer in conversation(THREE, details=details):
        turn = say(client, sid, answer)
    assert turn["expects"]["field"] == "confirm", turn
    return say(client, sid, "yes")


@pytest.mark.parametrize(
    ("preference", "safe", "expected"),
    [
        ("email", "phone calls, email", {"resident_email", "team_email"}),
        ("phone", "phone calls", {"team_email"}),  # email given, but not safe: no email
        ("letter", "letters", {"team_email"}),
        # "he checks my phone" in the note: no text, whatever the list said (nor a call).
        ("text", "texts, email", {"resident_email", "team_email"}),
        ("phone", "phone calls, texts", {"team_email"}),  # texts safe but not asked for
    ],
)
def test_acknowledgements_go_only_by_ways_the_resident_said_are_safe(
    client: FlaskClient, app: Flask, preference: str, safe: str, expected: set[str]
) -> None:
    turn = _apply(client, _details(preference, safe, "dont ring after 6pm, he checks my phone"))
    assert turn["done"] is True
    assert {purpose for purpose, _ in _queued(app)} == expected


def test_choosing_a_way_that_is_not_safe_is_questioned(client: FlaskClient) -> None:
    sid = start(client)["session_id"]
    details = _details("text", "phone calls")
    for answer in details[:9]:
        turn = say(client, sid, answer)
    assert turn["expects"]["field"] == "contact_safety", "asked again, not accepted"
    assert "did not choose it as safe" in " ".join(m["text"] for m in turn["messages"])


def _said(turn: dict[str, object]) -> str:
    return " ".join(m["text"] for m in turn["messages"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("safe", "note", "told"),
    [
        ("none", "no", "take care to get in touch safely"),
        ("texts, email", "please dont text", "in a way you told us is safe"),
        ("texts, phone calls", "texts are not safe, he reads them", "in a way you told us is safe"),
        ("texts, email", "hes my ex and he checks my phone", "in a way you told us is safe"),
        ("texts, email", "my partner reads my texts", "in a way you told us is safe"),
    ],
)
def test_the_confirmation_never_names_a_way_the_resident_said_is_not_safe(
    client: FlaskClient, app: Flask, safe: str, note: str, told: str
) -> None:
    turn = _apply(client, _details("text", safe, note))
    assert turn["done"] is True
    said = _said(turn)
    assert "text message" not in said
    assert told in said
    assert "resident_sms" not in {purpose for purpose, _ in _queued(app)}


@pytest.mark.parametrize(
    "reply",
    [
        "texts are not safe",
        "please dont text",
        "not texts",
        "only text, he opens my post sometimes because we share a front door",
        "text only please, he reads my letters",
    ],
)
def test_saying_a_way_is_not_safe_never_chooses_it(client: FlaskClient, reply: str) -> None:
    sid = start(client)["session_id"]
    for answer in _details("email", reply)[:9]:
        turn = say(client, sid, answer)
    assert turn["expects"]["field"] == "contact_safety", "asked again, not taken as texts"
    assert "choose only the ways that are safe" in _said(turn)


def test_texts_are_never_chosen_for_a_landline(default_policy: Policy) -> None:
    resident = Resident(default_policy)
    resident.say(*VICTIM_DETAILS[:5])
    assert resident.field == "phone"
    resident.say("0113 496 0000", "skip", "Text message")
    assert resident.field == "contact_preference", "asked again, not accepted"
    assert "We cannot send texts to 0113 496 0000, because it is not a mobile" in resident.text
    resident.say("phone call")
    assert resident.model.answers["contact_preference"] == "phone"


def test_a_landline_given_after_choosing_texts_is_questioned(default_policy: Policy) -> None:
    resident = Resident(default_policy, model=model_at_review(contact_preference="sms",
                                                              contact_safety=["sms"]))  # fmt: skip
    resident.say("change phone", "0113 496 0000")
    assert resident.field == "phone"
    assert "not a mobile" in resident.text
    resident.say("07123 456780")
    assert resident.field == "confirm"


def test_a_landline_stored_for_texts_gets_no_text_and_no_promise_of_one() -> None:
    applicant = {"phone": "+441134960000", "contact_preference": "sms", "contact_safety": ["sms"]}
    assert contact_way(applicant) == SAFE_WAY
    assert contact_way({**applicant, "phone": "+447123456789"}) == "sms"


@pytest.mark.parametrize(
    ("said", "note"),
    [
        ("texts are fine or phone but not after 9pm", "no"),
        ("texts, letters but not in my name", "Use my maiden name"),
    ],
)
def test_when_and_how_said_with_the_safe_ways_reaches_staff(
    default_policy: Policy, said: str, note: str
) -> None:
    # "not after 9pm" was lost: only the ways were kept, and the next question got "no".
    model = model_at_review(contact_preference="sms")
    model.stage, model.step = Stage.ASKING, ["contact_safety", None]
    resident = Resident(default_policy, model=model)
    resident.say(said, note)
    record = submitted_record(default_policy, resident.model)
    kept = record["applicant"]["safe_contact"]
    assert f"At the safe ways question they said: “{said}”" in kept
    assert note in kept or note == "no"
    assert said in summary.safe_contact(record["applicant"])


def test_ways_alone_add_nothing_to_the_note(default_policy: Policy) -> None:
    model = model_at_review(contact_preference="sms")
    model.stage, model.step = Stage.ASKING, ["contact_safety", None]
    resident = Resident(default_policy, model=model)
    resident.say("phone calls and texts", "no")
    assert submitted_record(default_policy, resident.model)["applicant"]["safe_contact"] is None


@pytest.mark.parametrize(
    ("note", "unsafe"),
    [
        ("he knows my email password", {"email"}),
        ("we share an email address", {"email"}),
        ("he reads everything on my phone", {"sms", "voicemail", "phone_call"}),
        ("he answers my phone", {"sms", "voicemail", "phone_call"}),
        ("he tracks my phone", {"sms", "voicemail", "phone_call"}),
        ("he steals my post", {"letter"}),
        ("he gets the post before me", {"letter"}),
        # Someone helping is not someone watching.
        ("my carer opens my post for me, please write", set()),
        ("my daughter reads my emails to me", set()),
        ("my son checks my phone for me, texts are fine", set()),
        ("my husband takes all the calls, he is lovely", set()),
        ("he takes the phone off the hook", set()),
        # Found by comparing with this morning's answers: saying it does not happen
        ("he doesnt read my texts", set()),
        ("he doesnt open my post", set()),
        ("he used to check my phone but not now", set()),
        ("my husband answers the phone, thats fine", set()),
        ("i changed my password", set()),
        ("he reads my texts and he never lets me alone", {"sms"}),
    ],
)
def test_who_else_reads_a_way_decides_if_it_is_safe(note: str, unsafe: set[str]) -> None:
    assert ways_said_unsafe(note) == unsafe
