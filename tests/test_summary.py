"""The team's summary: an at-a-glance block first, safety in bold, every answer in words."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest

from bot.emails import team_email
from dialogs import summary
from dialogs.engine import MAX_REMARK_CHARS
from dialogs.engine import MAX_REMARKS
from dialogs.policy import Policy
from dialogs.vocabulary import Stage
from tests.factories import Resident
from tests.factories import an_incident
from tests.factories import model_at_review
from tests.factories import submitted_record


def _email(record: dict[str, object], policy: Policy) -> tuple[str, str]:
    sender, recipient = "casereview@council.example", "team@council.example"
    message = team_email(record, sender=sender, recipient=recipient, message_id="<1@x>",
                         policy=policy)  # fmt: skip
    assert isinstance(message, EmailMessage)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_the_summary_opens_with_the_six_things_staff_decide_on(default_policy: Policy) -> None:
    record = submitted_record(default_policy)
    first = summary.sections(record)[0]
    assert first.heading == "At a glance"
    assert [label for label, _ in first.rows] == [
        "Who and where",
        "Outcome and route",
        "Acknowledge by",
        "How to contact safely",
        "Hate",
        "Anyone responsible under 18",
    ]
    glance = dict(first.rows)
    assert glance["Who and where"] == "Jane Smith, SW1A 1AA; it happens at: Outside 1 High Street"
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ 2026", glance["Acknowledge by"])


def test_words_of_suicide_or_danger_put_a_bold_risk_line_first(default_policy: Policy) -> None:
    model = model_at_review(incidents=2, impact="Some nights I think about ending it all")
    model.incidents[1]["incident_description"] = "He said hes gonna kill me. Hes got a knife"
    record = submitted_record(default_policy, model)
    first = summary.sections(record)[0]
    assert [label for label, _ in first.rows[:3]] == ["Safety risk", "Safety risk", "Who and where"]
    self_harm, danger = (value for _, value in first.rows[:2])
    assert self_harm.startswith("SUICIDE OR SELF-HARM") and "in impact" in self_harm
    assert "116 123" in self_harm
    assert danger.startswith("DANGER") and "in incident 2" in danger
    assert "Safety risk" in first.strong
    text, html = _email(record, default_policy)
    assert f"** Safety risk: {self_harm} **" in text
    assert text.index("Safety risk") < text.index("Who and where")
    assert "<strong>SUICIDE OR SELF-HARM" in html and "<strong>DANGER" in html


@pytest.mark.parametrize(
    ("field", "incident", "words", "label"),
    [
        ("hate_motivated", None, "yes and he's got a knife", "Hate crime or hate incident"),
        ("another_incident", 0, "He said he's going to kill me", "Another incident"),
        ("perpetrator_under_18", None, "no, but I can't go on like this", "Anyone responsible"),
    ],
)
def test_words_of_danger_typed_at_a_yes_or_no_question_reach_staff_as_typed(
    default_policy: Policy, field: str, incident: int | None, words: str, label: str
) -> None:
    # A yes or no keeps no words: without a remark, staff would never see what was said.
    model = model_at_review()
    model.stage, model.step = Stage.ASKING, [field, incident]
    resident = Resident(default_policy, model=model)
    resident.say(words)
    assert "999" in resident.text
    if resident.field == field:  # words alone are not an answer: the question comes again
        resident.say("no")
    record = submitted_record(default_policy, resident.model)
    assert record["safety_remarks"] == [{"field": field, "text": words}]
    first = summary.sections(record)[0]
    risk, typed = (value for _, value in first.rows[:2])
    assert [label for label, _ in first.rows[:2]] == ["Safety risk", "Their words"]
    assert f"in what they typed at “{label}" in risk
    assert typed.startswith(f"“{words}” (typed at “{label}")
    assert "Their words" in first.strong
    assert f"** Their words: “{words}”" in _email(record, default_policy)[0]


def test_words_kept_in_a_free_text_answer_are_no_remark(default_policy: Policy) -> None:
    model = model_at_review()
    model.stage, model.step = Stage.ASKING, ["impact", None]
    resident = Resident(default_policy, model=model)
    resident.say("He said he's going to kill me")
    assert resident.model.remarks == []
    record = submitted_record(default_policy, resident.model)
    assert "safety_remarks" not in record, "the record keeps the contract's shape"
    assert [label for label, _ in summary.sections(record)[0].rows[:2]] == [
        "Safety risk",
        "Who and where",
    ]


def test_remarks_are_bounded(default_policy: Policy) -> None:
    model = model_at_review()
    model.stage, model.step = Stage.ASKING, ["another_incident", 0]
    resident = Resident(default_policy, model=model)
    for _ in range(MAX_REMARKS + 2):
        resident.say("hes got a knife " + "x" * 1000)
    assert len(resident.model.remarks) == MAX_REMARKS
    assert all(len(text) == MAX_REMARK_CHARS for _, text in resident.model.remarks)


def test_ordinary_words_put_no_risk_line(default_policy: Policy) -> None:
    model = model_at_review(impact="They kill the music at midnight, so I cannot sleep")
    model.incidents[0]["incident_description"] = "Knife crime in the area was on the news"
    record = submitted_record(default_policy, model, location="By the emergency exit of the Co-op")
    assert summary.risk_lines(record) == []
    assert "Safety risk" not in dict(summary.sections(record)[0].rows)


def test_unsafe_ways_of_contact_are_named_and_bold_in_text_and_html(
    default_policy: Policy,
) -> None:
    record = submitted_record(
        default_policy,
        contact_preference="sms",
        contact_safety=["phone_call", "letter"],
        safe_contact="dont ring after 6pm, he checks my phone",
    )
    line = summary.safe_contact(record["applicant"])
    assert line.startswith("Safe: Phone calls and Letters. NOT safe: Voicemail, Texts and Email.")
    assert "Prefers: Text message" in line and "he checks my phone" in line
    text, html = _email(record, default_policy)
    assert f"** How to contact safely: {line} **" in text
    assert text.index("How to contact safely") < text.index("APPLICANT")
    assert "<strong>Safe: Phone calls and Letters. NOT safe:" in html
    assert "he checks my phone" in html


def test_no_safe_way_says_so_before_anything_else(default_policy: Policy) -> None:
    record = submitted_record(default_policy, contact_safety=["none"])
    assert summary.safe_contact(record["applicant"]).startswith("NO WAY IS SAFE")


def test_hate_names_the_motivation_and_the_incidents(default_policy: Policy) -> None:
    model = model_at_review(incidents=2, hate_motivated=True, hate_categories=["race"])
    model.incidents[0]["incident_hate"] = True
    model.incidents[1]["incident_hate"] = False
    record = submitted_record(default_policy, model)
    assert summary.hate_line(record) == "Yes: Race (incident 1)"
    titles = {s.heading: dict(s.rows) for s in summary.sections(record)}
    assert titles["Incident 1"]["Hate"].startswith("Yes")
    assert "Hate" not in titles["Incident 2"]


def test_dates_are_in_words_and_phones_in_uk_format(default_policy: Policy) -> None:
    model = model_at_review()
    model.incidents[0] = an_incident("2026-03-14", "2026-03-15")
    record = submitted_record(default_policy, model)
    text, _ = _email(record, default_policy)
    assert "Received: 22 November 2026 at 2:05pm" in text
    assert "Happened on: 14 March 2026" in text
    assert "Phone: 07123 456789" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "no ISO dates in the summary"


@pytest.mark.parametrize(
    ("incidents", "expected"),
    [
        (1, "Yes: they describe the impact on them. Consider their vulnerability"),
        (3, "Not needed to meet the threshold. Read the impact and support needs below"),
    ],
)
def test_the_vulnerability_line_never_says_no_beside_a_described_impact(
    default_policy: Policy, incidents: int, expected: str
) -> None:
    record = submitted_record(default_policy, model_at_review(incidents=incidents))
    assert record["impact"]
    line = summary.vulnerability_line(record)
    assert line.startswith(expected)
    assert line != "No"


def test_a_representative_request_shows_the_victim_and_their_consent(
    default_policy: Policy,
) -> None:
    record = submitted_record(
        default_policy,
        applicant_role="representative",
        victim_name="Sam Jones",
        relationship="carer",
        victim_consent="cannot_consent",
        victim_contact="Through me",
    )
    sections = {s.heading: dict(s.rows) for s in summary.sections(record)}
    assert sections["At a glance"]["Who and where"].startswith(
        "Sam Jones (asked for by Jane Smith)"
    )
    victim = sections["Victim"]
    assert victim["Relationship"] == "Carer"
    assert victim["How to reach them"] == "Through me"
    assert victim["Agreed to this request"].startswith("No: they cannot agree")


def test_every_version_2_answer_reaches_the_summary(default_policy: Policy) -> None:
    record = submitted_record(
        default_policy,
        perpetrators="The people at number 3",
        support_needs="I need an interpreter",
        housing_provider="Example Homes",
    )
    text, html = _email(record, default_policy)
    for value in ("The people at number 3", "I need an interpreter", "Example Homes",
                  "The police came once, but it goes on", "Outside 1 High Street"):  # fmt: skip
        assert value in text and value in html


def test_html_in_answers_is_escaped(default_policy: Policy) -> None:
    record = submitted_record(default_policy, safe_contact="<b>call</b> & <script>x</script>")
    _, html = _email(record, default_policy)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_words_that_may_describe_hate_on_a_request_not_marked_as_hate_are_flagged_for_staff(
    default_policy: Policy,
) -> None:
    # Answered no to hate, then: "shouted go back to pakistan you p*** at my dad".
    model = model_at_review(incidents=2, hate_motivated=False)
    model.incidents[1]["incident_description"] = "shouted go back to pakistan you p*** at my dad"
    record = submitted_record(default_policy, model)
    glance = summary.sections(record)[0]
    hate = dict(glance.rows)["Hate"]
    assert hate.startswith("Not said, but their words may describe a hate incident")
    assert "incident 2" in hate and "Ask them" in hate
    assert "Hate" in glance.strong
    assert record["hate_motivated"] is False, "the resident's answer stays theirs"


@pytest.mark.parametrize(
    "words",
    [
        "they shout at us because my son is autistic",
        "he called him a paki",
        "its because im black",
        "racist abuse every time I go out",
        "they pulled at her hijab and laughed",
        "Told me to go back to my own country and kicked my bins over",
        "said she should go back where she came from",
        "they make monkey noises at me",
        "he said the n word",
        "called my son a retard",
        "drew a swastika on my door",
        "told us to speak english",
        "they pulled my wifes hijab",
    ],
)
def test_hate_hints_are_found_in_everyday_words(default_policy: Policy, words: str) -> None:
    record = submitted_record(default_policy, model_at_review(hate_motivated=False, impact=words))
    assert summary.hate_hints(record) == ["impact"]


@pytest.mark.parametrize(
    "words",
    [
        "he shouted you f***ing idiot at me",
        "told them to go back to their house",
        "the kids went back to school and it got quieter",
        "loud music as im trying to sleep",
        "we go to pakistan every summer",
        # Who the resident is, said about the impact, not about hostility (found in review)
        "because im disabled the noise affects me more",
        "because my son is autistic the noise distresses him",
        "over my wheelchair ramp",
        "they go back to poland every summer",
    ],
)
def test_ordinary_words_give_no_hate_hint(default_policy: Policy, words: str) -> None:
    record = submitted_record(default_policy, model_at_review(hate_motivated=False, impact=words))
    assert summary.hate_hints(record) == []
    assert dict(summary.sections(record)[0].rows)["Hate"] == "No"
