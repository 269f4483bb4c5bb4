"""The dialog on its own: no web app, restored from storage before every turn."""

from __future__ import annotations

import itertools

import pytest

from dialogs import journey
from dialogs.engine import Dialog
from dialogs.model import DialogModel
from dialogs.policy import Policy
from dialogs.questionnaire import BY_FIELD
from dialogs.questionnaire import MAX_INCIDENTS
from dialogs.record import answers_to_record
from dialogs.turn import Inbound
from dialogs.vocabulary import Kind
from tests.factories import TODAY
from tests.factories import Resident
from tests.factories import model_at_review
from tests.helpers import VICTIM_DETAILS
from tests.helpers import conversation
from tests.helpers import incident


@pytest.fixture
def resident(default_policy: Policy) -> Resident:
    return Resident(default_policy)


def test_first_turn_welcomes_mentions_999_and_asks_consent(resident: Resident) -> None:
    text = "\n".join(resident.first.messages)
    assert "999" in text
    assert "0300 123 4567" in text
    expects = resident.first.expects
    assert expects is not None
    assert "Do you agree?" in expects["question"]
    assert {k: expects[k] for k in ("field", "kind", "optional", "choices", "incident")} == {
        "field": "consent",
        "kind": "yes_no",
        "optional": False,
        "choices": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
        "incident": None,
    }


def test_victim_path_asks_every_field_in_order_and_submits(resident: Resident) -> None:
    seen = []
    for answer in conversation([incident("3 weeks ago", "2 weeks ago")]):
        seen.append(resident.field)
        resident.say(answer)
    assert seen == [
        "consent", "applicant_role", "name", "address", "postcode", "phone", "email",
        "contact_preference", "contact_safety", "safe_contact", "support_needs", "location",
        "perpetrators", "hate_motivated", "incident_date", "incident_description", "reported_to",
        "report_date", "report_reference", "another_incident", "agency_response", "impact",
        "perpetrator_under_18", "desired_outcome",
    ]  # fmt: skip
    assert resident.field == "confirm"
    assert "Jane Smith" in resident.text and "SW1A 1AA" in resident.text
    assert "Phone: 07123 456789" in resident.text
    reply = resident.say("yes")
    assert reply.submitted and reply.done and reply.expects is None
    record = answers_to_record(resident.dialog.model, channel="web", policy=resident.policy)
    assert record["applicant"]["phone"] == "+447123456789"
    assert record["applicant"]["postcode"] == "SW1A 1AA"
    assert record["incidents"] == [
        {
            "occurred_on": "2026-11-01",
            "description": "Loud music and shouting at night",
            "reported_to": ["police"],
            "reported_on": "2026-11-08",
            "reference": None,
            "hate_motivated": False,
        }
    ]
    assert record["victim"] is None
    assert record["schema_version"] == "2"
    assert record["applicant"]["contact_safety"] == ["phone_call", "email"]
    assert record["location"] == "Outside 1 High Street"


def test_representative_path_asks_victim_name_and_consent(resident: Resident) -> None:
    resident.say("yes", "someone else")
    assert resident.field == "victim_name"
    resident.say("Sam Patel")
    assert resident.field == "relationship"
    assert "Sam Patel" in resident.text
    resident.say("my mum")
    assert resident.field == "victim_consent"
    resident.say("yes")
    assert resident.field == "victim_contact"
    resident.say("skip")
    assert resident.field == "name"
    answers = conversation([incident("yesterday", "today")], hate=True)[2:]
    resident.say(*answers[:11])
    assert resident.field == "hate_motivated"
    assert "because of who they are" in resident.text  # about the victim, not the applicant
    resident.say(*answers[11:], "yes")
    record = answers_to_record(resident.dialog.model, channel="web", policy=resident.policy)
    assert record["applicant"]["role"] == "representative"
    assert record["victim"] == {"name": "Sam Patel", "relationship": "family", "contact": None,
                                "consent": "given", "consent_confirmed": True}  # fmt: skip


def test_a_victim_who_cannot_consent_goes_on_and_is_flagged(resident: Resident) -> None:
    resident.say("yes", "2", "Sam Patel", "carer", "They cannot agree")
    assert resident.field == "victim_contact"
    resident.say("Through their care home", *VICTIM_DETAILS[2:])
    assert resident.model.answers["victim_consent"] == "cannot_consent"
    record = answers_to_record(resident.dialog.model, channel="web", policy=resident.policy)
    assert record["victim"]["consent"] == "cannot_consent"
    assert record["victim"]["contact"] == "Through their care home"


def test_representative_without_victim_agreement_ends_kindly(resident: Resident) -> None:
    reply = resident.say("yes", "2", "Sam Patel", "friend", "no")
    assert reply.done and reply.expects is None and not reply.submitted
    assert "agree" in resident.text and "0300 123 4567" in resident.text


def test_no_consent_explains_and_gives_phone_route(resident: Resident) -> None:
    reply = resident.say("no")
    assert reply.done and reply.expects is None
    assert "anonymous" in resident.text and "0300 123 4567" in resident.text
    assert resident.say("yes").done  # a late message gets an answer, not an error


@pytest.mark.parametrize("channel", ["web", "sms"])
def test_after_a_no_the_resident_is_told_how_to_start_again(
    default_policy: Policy, channel: str
) -> None:
    resident = Resident(default_policy, channel)
    how = "text NEW" if channel == "sms" else "choose Start a new request"
    assert resident.say("no").done
    assert how in resident.text
    assert resident.say("start again").done
    assert f"To start again, {how}." in resident.text


def test_a_representative_told_no_is_told_how_to_start_again(resident: Resident) -> None:
    assert resident.say("yes", "2", "Sam Patel", "friend", "no").done
    assert "Once they agree, you can start again. To start again, choose Start a new" in (
        resident.text
    )


def test_hate_path_asks_categories_and_records_them(resident: Resident) -> None:
    resident.say(*VICTIM_DETAILS, "yes")
    assert resident.field == "hate_categories"
    assert resident.last.expects and resident.last.expects["kind"] == "multi_choice"
    resident.say("racist and religion, 5")
    assert resident.field == "incident_date"
    assert resident.dialog.model.answers["hate_categories"] == [
        "race", "religion", "transgender_identity"
    ]  # fmt: skip


def test_four_incidents_are_numbered_and_kept(resident: Resident) -> None:
    dates = [("1/10/2026", "2/10/2026"), ("8/10/2026", "9/10/2026"),
             ("15/10/2026", "16/10/2026"), ("22/10/2026", "23/10/2026")]  # fmt: skip
    answers = conversation([incident(d, r) for d, r in dates])
    numbers = []
    for answer in answers:
        if resident.field == "incident_date":
            numbers.append(resident.last.expects["incident"] if resident.last.expects else None)
        resident.say(answer)
    assert numbers == [1, 2, 3, 4]
    assert [i["incident_date"] for i in resident.dialog.model.incidents] == [
        "2026-10-01", "2026-10-08", "2026-10-15", "2026-10-22"
    ]  # fmt: skip
    assert "Incident 4" in resident.text


def test_incident_loop_takes_at_least_twenty_incidents(resident: Resident) -> None:
    answers = [*VICTIM_DETAILS, "no", *incident("1 November 2026", "2 November 2026")]
    answers += ["yes", *incident("1 November 2026", "2 November 2026")] * (MAX_INCIDENTS - 1)
    resident.say(*answers)
    assert len(resident.dialog.model.incidents) == MAX_INCIDENTS >= 20
    assert resident.field == "agency_response"  # no offer of a 31st incident


def test_change_an_incident_date_from_check_your_answers(resident: Resident) -> None:
    resident.say(*conversation([incident("1/10/2026", "20/10/2026"),
                                incident("5/10/2026", "6/10/2026")]))  # fmt: skip
    assert resident.field == "confirm"
    resident.say("change incident 2 date")
    assert resident.field == "incident_date"
    assert resident.last.expects and resident.last.expects["incident"] == 2
    resident.say("4/10/2026")
    assert resident.field == "confirm"
    assert "4 October 2026" in resident.text
    assert resident.dialog.model.incidents[1]["incident_date"] == "2026-10-04"
    assert resident.dialog.model.incidents[0]["incident_date"] == "2026-10-01"


def test_changed_incident_date_cannot_be_after_its_report(resident: Resident) -> None:
    resident.say(*conversation([incident("1/10/2026", "2/10/2026")]))
    resident.say("change incident 1 date", "5/10/2026")
    assert resident.field == "incident_date"
    assert "2 October 2026" in resident.text
    assert resident.dialog.model.incidents[0]["incident_date"] == "2026-10-01"


def test_change_top_level_answer_and_hate_follow_up(resident: Resident) -> None:
    resident.say(*conversation([incident("1/10/2026", "2/10/2026")]))
    resident.say("change phone number", "07987 654321")
    assert resident.field == "confirm"
    assert resident.dialog.model.answers["phone"] == "+447987654321"
    resident.say("change hate", "yes")
    assert resident.field == "hate_categories"  # a new question follows before returning
    resident.say("disability")
    assert resident.field == "incident_hate"  # and then whether each incident was
    resident.say("yes")
    assert resident.field == "confirm"
    resident.say("change the weather")
    assert resident.field == "confirm"
    assert "did not understand" in resident.text


def test_add_and_remove_incidents_from_check_your_answers(resident: Resident) -> None:
    resident.say(*conversation([incident("1/10/2026", "2/10/2026")]))
    resident.say("add incident", *incident("3/10/2026", "4/10/2026"))
    assert resident.field == "confirm"
    assert len(resident.dialog.model.incidents) == 2
    resident.say("remove incident 1", "yes")  # after "are you sure?"
    assert [i["incident_date"] for i in resident.dialog.model.incidents] == ["2026-10-03"]


def test_back_across_the_incident_loop(resident: Resident) -> None:
    resident.say(*VICTIM_DETAILS, "no", *incident("1/10/2026", "2/10/2026"), "yes")
    assert resident.field == "incident_date"
    assert resident.last.expects and resident.last.expects["incident"] == 2
    resident.say("back")
    assert resident.field == "another_incident"
    assert resident.last.expects and resident.last.expects["incident"] == 1
    resident.say("back", "back")
    assert resident.field == "report_date"
    assert resident.last.expects and resident.last.expects["incident"] == 1
    resident.say("3/10/2026", "CAD 42", "no")
    assert resident.field == "agency_response"
    assert resident.dialog.model.incidents == [
        {
            "incident_date": "2026-10-01",
            "incident_description": "Loud music and shouting at night",
            "reported_to": ["police"],
            "report_date": "2026-10-03",
            "report_reference": "CAD 42",
            "another_incident": False,
        }
    ]


def test_back_at_the_first_question_stays_put(resident: Resident) -> None:
    resident.say("back")
    assert resident.field == "consent"
    assert "first question" in resident.text


def test_start_again_asks_first_then_clears_everything(resident: Resident) -> None:
    resident.say("yes", "1", "Jane Smith", "start again")
    assert "Are you sure" in resident.text
    resident.say("no")
    assert resident.field == "address"
    assert resident.dialog.model.answers["name"] == "Jane Smith"
    resident.say("start again", "yes")
    assert resident.field == "consent"
    assert resident.dialog.model.answers == {}
    assert resident.dialog.model.incidents == []


def test_help_is_available_anywhere_and_keeps_the_question(resident: Resident) -> None:
    resident.say("yes", "1", "Jane Smith")
    resident.say("help")
    assert resident.field == "address"
    assert "999" in resident.text and "back" in resident.text


@pytest.mark.parametrize(
    "reply",
    ["what does that mean", "What does this mean?", "i dont understand", "I don't understand",
     # a question asked back
     "is this anonymous?", "why do you need to share it", "will he find out it was me", "?",
     "Who sees it?"],
)  # fmt: skip
@pytest.mark.parametrize("channel", ["web", "sms"])
def test_what_does_that_mean_gets_the_questions_explanation_then_the_question(
    default_policy: Policy, channel: str, reply: str
) -> None:
    """It got only "Please answer yes or no"."""
    resident = Resident(default_policy, channel)
    resident.say(reply)
    assert resident.field == "consent"
    assert resident.last and not resident.last.problem
    explanation, question = resident.last.messages
    assert explanation == BY_FIELD["consent"].help
    # By text, the question in fewer words when both will not fit two segments.
    assert question.startswith(("We will share what you tell us", "We share your answers"))


@pytest.mark.parametrize(
    ("before", "field"),
    [
        ([*VICTIM_DETAILS], "hate_motivated"),
        ([*VICTIM_DETAILS, "yes", "race", "1/11/2026", "Shouting"], "incident_hate"),
        ([*VICTIM_DETAILS, "no", *incident("1/10/2026", "2/10/2026")], "another_incident"),
    ],
)
def test_every_yes_or_no_question_explains_itself(
    resident: Resident, before: list[str], field: str
) -> None:
    resident.say(*before)
    assert resident.field == field
    resident.say("what does that mean")
    assert resident.field == field
    assert resident.last and resident.last.messages[0] == BY_FIELD[field].help.format(
        max=MAX_INCIDENTS
    )


def test_the_consent_explanation_says_what_happens_about_the_person_causing_it() -> None:
    explanation = BY_FIELD["consent"].help
    assert "person causing it" in explanation
    # What the team does next is theirs to say (domain.md is silent): no promise here.
    assert "Only people working on the review see your details" in explanation
    assert "Tell the team" in explanation


def test_what_is_a_case_review_at_a_yes_or_no_says_what_one_is(resident: Resident) -> None:
    resident.say("whats a case review")
    assert resident.field == "consent"
    assert resident.last and not resident.last.problem
    assert "look at your case together" in resident.last.messages[0]


def test_a_question_asked_back_at_the_hate_question_explains_it(resident: Resident) -> None:
    resident.say(*VICTIM_DETAILS, "what counts as hate?")
    assert resident.field == "hate_motivated"
    assert resident.last and resident.last.messages[0] == BY_FIELD["hate_motivated"].help


@pytest.mark.parametrize("reply", ["ok fine yes", "oh go on then yes", "fine yes"])
def test_a_grudging_yes_is_a_yes(resident: Resident, reply: str) -> None:
    resident.say(reply)
    assert resident.model.answers["consent"] is True


def test_a_question_with_a_no_in_it_is_not_explained_as_if_asked_back(
    resident: Resident,
) -> None:
    resident.say("no, why do you need it?")
    assert resident.field == "consent"
    assert resident.last and resident.last.problem


def test_every_yes_or_no_question_has_an_explanation() -> None:
    assert all(q.help for q in BY_FIELD.values() if q.kind == Kind.YES_NO)


def test_change_before_check_your_answers_explains(resident: Resident) -> None:
    resident.say("yes", "change name")
    assert resident.field == "applicant_role"
    assert "at the end" in resident.text


@pytest.mark.parametrize(
    ("before", "bad", "wanted"),
    [
        ([], "perhaps", "yes or no"),
        (["yes"], "the cat", "Type its number"),
        (["yes", "1"], "   ", "Please type"),
        (["yes", "1", "Jane", "1 High St"], "SW1A", "postcode"),
        (["yes", "1", "Jane", "1 High St", "SW1A 1AA"], "0712", "too short"),
        (["yes", "1", "Jane", "1 High St", "SW1A 1AA"], "call me", "digits"),
        (["yes", "1", "Jane", "1 High St", "SW1A 1AA", "skip"], "jane at home", "email"),
        (["yes", "1", "Jane", "1 High St", "SW1A 1AA", "skip"], "skip", "phone number or an"),
        (["yes", "1", "Jane", "1 High St", "SW1A 1AA", "skip", "j@example.com"], "sms",
         "did not give a phone number"),
        ([*VICTIM_DETAILS, "yes"], "aliens", "I did not understand"),
        ([*VICTIM_DETAILS, "no"], "tomorrow", "past"),
        ([*VICTIM_DETAILS, "no"], "31/04/2026", "could not read"),
        ([*VICTIM_DETAILS, "no"], "every day", "when it started"),
        ([*VICTIM_DETAILS, "no", "10/10/2026", "noise"], "the vicar", "I did not understand"),
        ([*VICTIM_DETAILS, "no", "10/10/2026", "noise", "police"], "9/10/2026",
         "before it happened"),
        ([*VICTIM_DETAILS, "no", *incident("1/10/2026", "2/10/2026"), "no"], "x" * 3001,
         "under 3,000"),
    ],
)  # fmt: skip
def test_bad_answers_reprompt_and_keep_everything(
    resident: Resident, before: list[str], bad: str, wanted: str
) -> None:
    resident.say(*before)
    field = resident.field
    saved = resident.dialog.model.to_dict()
    resident.say(bad)
    assert resident.field == field
    assert wanted in resident.text
    after = resident.dialog.model.to_dict()
    assert after["answers"] == saved["answers"]
    assert after["incidents"] == saved["incidents"]


def test_unknown_dates_are_recorded_not_forced(resident: Resident) -> None:
    resident.say(*VICTIM_DETAILS, "no", "I don't know", "noise", "council", "not sure")
    assert resident.field == "report_reference"
    assert resident.dialog.model.incidents[0]["incident_date"] is None
    assert resident.dialog.model.incidents[0]["report_date"] is None


def test_optional_fields_accept_skip(resident: Resident) -> None:
    resident.say(*conversation([incident("1/10/2026", "2/10/2026")],
                               tail=("skip", "skip", "skip")))  # fmt: skip
    answers = resident.dialog.model.answers
    assert answers["impact"] is None
    assert answers["perpetrator_under_18"] is None
    assert answers["desired_outcome"] is None
    assert answers["safe_contact"] is None


def test_choice_answers_by_label_value_number_and_synonym(resident: Resident) -> None:
    resident.say("yes", "I am asking for someone else")
    assert resident.dialog.model.answers["applicant_role"] == "representative"
    for answer, expected in [("text message", "sms"), ("4", "letter"), ("e-mail", "email")]:
        resident.dialog.model.answers.update(phone="+447123456789", email="a@example.com")
        resident.dialog.model.step = ["contact_preference", None]
        resident.say(answer)
        assert resident.dialog.model.answers["contact_preference"] == expected


def test_danger_words_get_the_999_message(resident: Resident) -> None:
    resident.say("yes", "1")
    reply = resident.say("I am in danger")
    assert "999" in "\n".join(reply.messages)
    assert resident.field == "name"
    assert "name" not in resident.dialog.model.answers


def test_community_question_only_where_the_policy_has_that_route(
    merseyside_policy: Policy,
) -> None:
    resident = Resident(merseyside_policy)
    resident.say(*conversation([incident("1/10/2026", "2/10/2026")], community="4"))
    assert resident.field == "confirm"
    assert resident.dialog.model.answers["other_reporters"] == 4
    record = answers_to_record(resident.dialog.model, channel="web", policy=merseyside_policy)
    assert record["other_reporters"] == 4


def test_a_dialog_restored_every_turn_follows_the_same_path_as_one_kept(
    default_policy: Policy,
) -> None:
    """The journey reads only the saved answers, so a restore between turns changes nothing."""
    script = [*conversation([incident("2 weeks ago", "1 week ago")] * 2, hate=True), "change phone",
              "07123 456780", "yes"]  # fmt: skip

    def run(restore: bool) -> list[dict[str, object]]:
        models = []
        dialog = Dialog.new(default_policy.has_community_route)
        dialog.start()
        for text in script:
            if restore:
                dialog = Dialog(DialogModel.from_dict(dialog.model.to_dict()))
            dialog.handle(text, TODAY)
            models.append(dialog.model.to_dict())
        return models

    expected = run(restore=True)
    assert expected[-1]["stage"] == "submitted"
    assert run(restore=False) == expected


def test_every_answer_row_changes_its_own_answer(resident: Resident) -> None:
    resident.say(*conversation([incident("2 weeks ago", "1 week ago")] * 2, hate=True))
    assert resident.field == "confirm"
    rows = journey.rows(resident.dialog.model.given)
    after = "What has been done, and the impact"
    assert {r.section for r in rows} == {"Your details", "About the problem", "Incident 1",
                                         "Incident 2", after}  # fmt: skip
    labels = {(r.section, r.label) for r in rows}
    assert ("About the problem", "Type of hate") in labels
    assert ("Incident 2", "Reported to") in labels
    for row in rows:
        target = journey.change_target(row.change.removeprefix("change "), resident.model.given)
        assert isinstance(target, tuple), (row, target)
        name, number = target
        assert BY_FIELD[name].label == row.label
        if row.section.startswith("Incident"):
            assert number == int(row.section.split()[1]) - 1


@pytest.mark.parametrize("odd", ["²", "1²", "⅔", "１"])
def test_unicode_digits_that_are_not_decimal_are_a_reprompt_not_a_crash(
    resident: Resident, odd: str
) -> None:
    """Found by `make fuzz`: "²".isdigit() is true but int("²") fails."""
    resident.say("yes")
    resident.say(odd)
    assert resident.field in {"applicant_role", "name"}


def test_start_again_at_a_choice_question_offers_yes_and_no_not_the_old_choices(
    resident: Resident,
) -> None:
    """The bot asked "Are you sure?" but offered the role buttons, so either button kept."""
    resident.say("yes")
    assert resident.field == "applicant_role"
    resident.say("start again")
    assert resident.last and resident.last.expects
    labels = [c["label"] for c in resident.last.expects["choices"]]
    assert labels == ["Yes, start again", "No, keep my answers"]
    resident.say(labels[0])  # what the chat's button sends
    assert resident.field == "consent" and resident.model.answers == {}


def test_no_keep_my_answers_keeps_them(resident: Resident) -> None:
    resident.say("yes", "start again", "No, keep my answers")
    assert resident.field == "applicant_role" and resident.model.answers == {"consent": True}
    assert "kept" in resident.text


@pytest.mark.parametrize("words", ["yes please send it", "Yes, send it", "yes thats right"])
def test_a_yes_in_the_residents_own_words_sends_the_request(
    default_policy: Policy, words: str
) -> None:
    """ "yes please send it" re-prompted with the whole summary again."""
    resident = Resident(default_policy, model=model_at_review())
    assert resident.say(words).submitted


def test_the_web_chat_shows_no_text_message_instructions(resident: Resident) -> None:
    """Buttons carry the choices on the web: no "Type yes or no", no numbered options."""
    for answer in conversation([incident("3 weeks ago", "2 weeks ago")]):
        assert "Type yes or no" not in resident.text and "\n1. " not in resident.text
        resident.say(answer)


def test_the_terminal_and_sms_still_say_what_to_type(default_policy: Policy) -> None:
    for channel in ("terminal", "sms"):
        resident = Resident(default_policy, channel)
        assert "Type yes or no" in resident.text
        resident.say("yes")
        assert "1. I am the victim" in resident.text


def test_forms_post_choice_values_not_text(resident: Resident) -> None:
    resident.say(*VICTIM_DETAILS, "no", "1/10/2026", "noise")
    assert resident.field == "reported_to"
    resident.say(Inbound(values=("police", "council")))
    assert resident.model.incidents[0]["reported_to"] == ["council", "police"]
    resident.say("back")
    reply = resident.say(Inbound(values=("made_up",)))
    assert reply.problem and resident.field == "reported_to"


def test_back_from_a_changed_answer_returns_to_check_your_answers(default_policy: Policy) -> None:
    resident = Resident(default_policy, model=model_at_review())
    resident.say("change phone")
    assert resident.field == "phone"
    resident.say("back")
    assert resident.field == "confirm"


def test_changing_to_a_representative_asks_the_new_questions_then_returns(
    default_policy: Policy,
) -> None:
    resident = Resident(default_policy, model=model_at_review())
    resident.say("change role", "2")
    assert resident.field == "victim_name"
    resident.say("Sam Jones", "friend", "yes", "skip")
    assert resident.field == "confirm"


def test_a_conversation_saved_by_the_old_state_chart_carries_on(default_policy: Policy) -> None:
    old = {"state": "report_date", "answers": {"consent": True}, "incidents": [{"incident_date":
           "2026-11-01"}], "incident": 0, "history": [], "reviewing": False}  # fmt: skip
    resident = Resident(default_policy, model=DialogModel.from_dict(old))
    resident.say("2/11/2026")
    assert resident.model.incidents[0]["report_date"] == "2026-11-02"
    assert resident.field == "report_reference"


@pytest.mark.parametrize("hate", [False, True])
def test_check_your_answers_shows_each_section_heading_once(
    default_policy: Policy, hate: bool
) -> None:
    resident = Resident(default_policy)
    resident.say(*conversation([incident("2 weeks ago", "12 days ago", "housing")], hate=hate))
    assert resident.field == "confirm"
    sections = [
        name for name, _ in itertools.groupby(r.section for r in journey.rows(resident.model.given))
    ]
    assert len(sections) == len(set(sections)), sections


@pytest.mark.parametrize("asked", ["all good?", "looks ok?", "that right?", "yes?"])
def test_a_question_at_check_your_answers_never_sends_the_request(
    default_policy: Policy, asked: str
) -> None:
    resident = Resident(default_policy, model=model_at_review())
    resident.say(asked)
    assert resident.last is not None and not resident.last.done
    assert "type yes" in resident.text


@pytest.mark.parametrize(
    "asked", ["will he find out about the review?", "is the review anonymous?"]
)
def test_a_question_about_the_review_at_consent_gets_the_consent_explanation(
    resident: Resident, asked: str
) -> None:
    resident.say(asked)
    assert resident.field == "consent"
    assert "Worried the person causing it will find out" in resident.text
