"""Fixed words the bot says: welcome, help, endings and what happens after a request is sent.

Plain English in GOV.UK style, straight quotes only, so every message stays GSM-7 for SMS.
Tables are keyed on the domain's vocabularies (`dialogs.vocabulary`, `dialogs.turn.Said`), and a
test checks that every key is a value the domain produces and every value has its words.
"""

from __future__ import annotations

import datetime as dt

from dialogs.parsing import format_date
from dialogs.policy import Policy
from dialogs.record import CAREFULLY
from dialogs.record import SAFE_WAY
from dialogs.turn import Said
from dialogs.vocabulary import EndReason
from dialogs.vocabulary import Outcome

SAFETY = "If you are in danger now, call 999. For non-emergencies, call 101."
SELF_HARM = (
    "If you are thinking about suicide or harming yourself, call Samaritans free on 116 123, "
    "day or night. If you are in danger now, call 999."
)
NOT_A_COMPLAINT = (
    "A case review is not a complaints procedure. To complain about how an agency treated you, "
    "use that agency's own complaints process."
)
SMS_COMMANDS = "Thanks. Text BACK to change your last answer, or HELP at any time."
STOPPED = (
    "You will not get any more texts from us, and your unfinished request has been stopped. "
    "To start again, text START."
)

# What each note says. Typed channels (SMS, the terminal) use TYPED where it differs.
SAID: dict[Said, str] = {
    Said.WELCOME_BACK: "Welcome back. Here is where you left off.",
    Said.CARRY_ON: "OK, here is where you left off.",
    Said.SAFETY: SAFETY,
    Said.SELF_HARM: SELF_HARM,
    Said.FIRST_QUESTION: "This is the first question.",
    Said.CHANGE_LATER: "You can change any answer when we check your answers at the end. "
    "To go back one question, choose Back.",
    Said.CONFIRM_RESTART: "This will delete your answers and start again. Are you sure?",
    Said.CHECK_EMAIL: "Check your email address. Did you mean {text}?",
    Said.CONFIRM_REMOVE: "Are you sure you want to remove incident {number}?",
    Said.INCIDENT_KEPT: "OK, incident {number} is kept.",
    Said.KEPT: "OK, your answers are kept.",
    Said.RESTARTED: "Your answers have been deleted. Let's start again.",
    Said.OFFER_RESUME: "Welcome back. You have a request for a case review that is not finished. "
    "Do you want to carry on where you left off, or start again?",
    Said.OFFER_RESUME_AGAIN: "Do you want to carry on where you left off, or start again?",
    Said.DATE_UNKNOWN: "Thanks. I have noted that you are not sure of the date.",
    Said.AT_CONFIRM: "To send your request, type yes or choose Send my request. To change "
    "something, type change and what it is, for example change phone or change incident 1 date.",
}
TYPED: dict[Said, str] = {
    Said.CHANGE_LATER: "You can change any answer when we check your answers at the end. "
    "To go back one question, type back.",
    Said.CONFIRM_RESTART: "This will delete your answers and start again. Are you sure? "
    "Type yes or no.",
    Said.OFFER_RESUME: "Welcome back. You have a request for a case review that is not finished. "
    "Reply 1 to carry on where you left off, or 2 to start again.",
    Said.OFFER_RESUME_AGAIN: "Reply 1 to carry on where you left off, or 2 to start again.",
    Said.CHECK_EMAIL: "Check your email address. Did you mean {text}? Type yes to use it, or no "
    "to keep the one you typed.",
    Said.CONFIRM_REMOVE: "Are you sure you want to remove incident {number}? Type yes or no.",
    Said.AT_CONFIRM: "Type yes to send your request. To change something, type change and what "
    "it is, for example change phone or change incident 1 date.",
}
SMS_AT_CONFIRM = "Reply YES to send your request, MORE to see your answers, or CHANGE and what."
REVIEW_END = {
    False: "If this is right, choose Send my request. To change something, say change and what "
    "it is, for example change phone or change incident 1 date. You can also say add incident "
    "or remove incident 2.",
    True: "If this is right, type yes to send your request. To change something, type change "
    "and what it is, for example change phone or change incident 1 date. You can also type add "
    "incident or remove incident 2.",
}


def welcome(policy: Policy, typed: bool) -> list[str]:
    """The first message of a conversation."""
    how = (
        "Type back to change your last answer, or help at any time."
        if typed
        else "You can go back to change your last answer, or ask for help at any time."
    )
    return [
        "Hello. I can help you ask for an anti-social behaviour (ASB) case review. "
        "In a review, the council, police, NHS and housing providers look at your case "
        "together. " + SAFETY,
        f"It takes about 10 minutes. {how} You can also apply by phone on {policy.team_phone}.",
        "Already had a review, and want to appeal the outcome or escalate it? "
        + ("Type appeal." if typed else "Choose Appeal or escalate a review."),
    ]


SMS_WELCOME = (
    "Hello. I can help you ask for an anti-social behaviour (ASB) case review. "
    "If you are in danger now, call 999. Had a review already? Reply APPEAL to appeal it."
)
SMS_DANGER = "In danger now? Call 999."


def commands_help(policy: Policy, typed: bool, sms: bool = False) -> str:
    """What the resident can do anywhere (appeals only come after a review: not here)."""
    if sms:
        return (
            f"Text BACK to change your last answer. In danger? Call 999. "
            f"To apply by phone, call {policy.team_phone}."
        )
    if typed:
        return (
            "Type back to change your last answer, or start again to begin again. "
            f"{SAFETY} To apply by phone, call {policy.team_phone}."
        )
    return (
        "You can go back to change your last answer, or start again. "
        f"{SAFETY} To apply by phone, call {policy.team_phone}."
    )


def other_routes(policy: Policy) -> str:
    """How to apply without a phone number or email address: by phone, or in writing."""
    writing = f", or in writing to {policy.team_address}" if policy.team_address else ""
    return f"If you have neither, you can apply by phone on {policy.team_phone}{writing}."


def start_again(sms: bool = False) -> str:
    """How to start a new request once a conversation has ended, in the channel's own terms."""
    return "To start again, text NEW." if sms else "To start again, choose Start a new request."


def ended(reason: EndReason, reference: str | None, policy: Policy, sms: bool = False) -> str:
    """Said to a message that arrives after the conversation has ended."""
    if reason == EndReason.SUBMITTED and reference:
        again = "To start a new request, text NEW." if sms else ""
        return (
            f"Your request has been sent. Your reference is {reference}. "
            f"To ask about it, call {policy.team_phone}. {after_review_sms(policy)} {again}"
        ).strip()
    return f"This conversation has ended. Nothing has been sent. {start_again(sms)} {SAFETY}"


def declined(reason: EndReason, policy: Policy, sms: bool = False) -> str:
    """Said when the conversation ends because someone did not agree."""
    if reason == EndReason.NO_VICTIM_CONSENT:
        return (
            "We can only review a case for someone else if they agree. Nothing has been sent. "
            f"Once they agree, you can start again. {start_again(sms)} They can also ask for a "
            f"review themselves, or call {policy.team_phone}."
        )
    if sms:
        return (
            "We cannot do a case review without sharing your details, because a review cannot "
            "be anonymous. Nothing has been sent. If you change your mind, text NEW. To talk it "
            f"through, call {policy.team_phone}. {SMS_DANGER}"
        )
    return (
        "We cannot do a case review without sharing your details with the agencies, "
        "because a review cannot be anonymous. Nothing has been sent. If you change your mind, "
        f"you can start again. {start_again()} To talk it through, call {policy.team_phone}"
        + (f", or write to {policy.team_address}. " if policy.team_address else ". ")
        + SAFETY
    )


def expired_sms(days: int) -> str:
    """Said before the welcome when an unfinished SMS conversation was too old to carry on."""
    return f"We deleted your unfinished answers after {days} days without a reply."


LOOKING_AT: dict[Outcome, str] = {
    Outcome.MEETS_THRESHOLD: "From what you told us, your request may meet the threshold for a "
    "review. The team will check with the agencies and decide.",
    Outcome.NEEDS_STAFF_CHECK: "The team will check some details with you and the agencies, "
    "such as dates or other people's reports, before deciding if there will be a review.",
    Outcome.BELOW_THRESHOLD: "The team will look at how long this has gone on, the harm it is "
    "causing you, and what the agencies have done so far, before deciding if there will be a "
    "review.",
}
HATE_ROUTE = (
    "From what you told us, your request may meet the threshold for a review, because you "
    "reported behaviour motivated by hate. The team will check with the agencies and decide."
)
LOOKING_AT_SMS: dict[Outcome, str] = {
    Outcome.MEETS_THRESHOLD: "It may meet the threshold for a review: the team will decide.",
    Outcome.NEEDS_STAFF_CHECK: "They will check some details before deciding if there will be "
    "a review.",
    Outcome.BELOW_THRESHOLD: "They will look at your case before deciding if there will be a "
    "review.",
}


def looking_at(outcome: Outcome, routes_met: tuple[str, ...] | list[str]) -> str:
    """What the team will look at, in words, from the screening outcome."""
    if outcome == Outcome.MEETS_THRESHOLD and "hate" in routes_met:
        return HATE_ROUTE
    return LOOKING_AT[outcome]


def confirmation(
    reference: str,
    outcome: Outcome,
    routes_met: tuple[str, ...],
    acknowledge_by: dt.date,
    policy: Policy,
    contact: str,
    sms: bool = False,
) -> list[str]:
    """What the resident hears once the request is sent: reference, what next, by when."""
    when = format_date(acknowledge_by)
    if sms:
        return [
            f"Request sent. Your reference is {reference}. "
            f"{will_contact(policy.team_name, contact, when, sms=True)} "
            f"{LOOKING_AT_SMS[outcome]} To ask about it, call {policy.team_phone}. "
            "In danger? Call 999."
        ]
    return [
        f"Request sent. Your reference is {reference}. Keep it safe.",
        f"{will_contact(policy.team_name, contact, when)} " + looking_at(outcome, routes_met),
        " ".join(after_review(policy)),
        f"To ask about your request, call {policy.team_phone}. {SAFETY}",
    ]


def will_contact(team: str, contact: str, when: str, sms: bool = False) -> str:
    """Who will contact the resident, how and by when: by the way they chose only when it is
    safe (`dialogs.record.contact_way`), never a way they said is not safe."""
    if contact == SAFE_WAY:
        return f"The {team} will contact you by {when}, in a way you told us is safe."
    if contact == CAREFULLY:
        if sms:
            return f"The {team} will take care to get in touch safely by {when}."
        return (
            f"You told us no way of contacting you is safe. The {team} will take care to get in "
            f"touch safely by {when}, using what you told us."
        )
    return f"The {team} will contact you by {CONTACT_WORDS.get(contact, contact)} by {when}."


def after_review(policy: Policy) -> list[str]:
    """What happens at a review and the routes after it, from the policy's timescales."""
    meeting = policy.timescales.get("outcome_after_meeting")
    lines = [
        "If there is a review, the agencies will meet and tell you what they will do"
        + (f" within {meeting} of the meeting." if meeting else ".")
    ]
    appeal = policy.timescales.get("appeal")
    if appeal:
        lines.append(
            f"If you are unhappy with the outcome, you can appeal in writing within {appeal} of "
            f"getting it. Write to {policy.team_address or 'the ' + policy.team_name} and give "
            "your reference."
        )
    if policy.escalation:
        lines.append(" ".join(policy.escalation.split()))
    lines.append(NOT_A_COMPLAINT)
    return lines


def after_review_sms(policy: Policy) -> str:
    """The routes after a review in one short text."""
    appeal = policy.timescales.get("appeal")
    if appeal:
        return f"Unhappy with the outcome? You can appeal in writing within {appeal} of getting it."
    if policy.escalation:
        return "Unhappy with how the review was done? Ask the council to escalate it."
    return f"Unhappy with the outcome? Call {policy.team_phone}."


CONTACT_WORDS = {
    "phone": "phone",
    "sms": "text message",
    "email": "email",
    "letter": "letter",
}


def resident_sms(reference: str, acknowledge_by: dt.date, policy: Policy) -> str:
    """The resident's acknowledgement by text: reference and what next, no case details."""
    return (
        f"We have your request for an ASB case review. Your reference is {reference}. "
        f"The {policy.team_name} will contact you by {format_date(acknowledge_by)}. "
        f"To ask about it, call {policy.team_phone}. {after_review_sms(policy)}"
    )


OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.MEETS_THRESHOLD: "meets threshold",
    Outcome.NEEDS_STAFF_CHECK: "needs a staff check",
    Outcome.BELOW_THRESHOLD: "below threshold",
}


def team_sms(reference: str, outcome: Outcome, acknowledge_by: dt.date) -> str:
    """The duty phone's alert: no names, addresses or incident details, ever."""
    return (
        f"New ASB case review request {reference}. Screening: {OUTCOME_WORDS[Outcome(outcome)]}. "
        f"Acknowledge by {format_date(acknowledge_by)}. The details are in the team inbox."
    )


def opted_out_help(policy: Policy) -> str:
    """HELP from a number that has texted STOP: how to start again, or apply by phone."""
    return (
        f"You asked us to stop texting you. To start again, text START. "
        f"To apply by phone, call {policy.team_phone}. {SAFETY}"
    )
