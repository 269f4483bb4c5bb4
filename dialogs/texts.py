"""Fixed words the bot says: welcome, help, endings and what happens after a request is sent.

Plain English in GOV.UK style, straight quotes only, so every message stays GSM-7 for SMS.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dialogs.parsing import format_date
from dialogs.policy import Policy

SAFETY = "If you are in danger now, call 999. For non-emergencies, call 101."


SMS_COMMANDS = "Thanks. Text BACK to change your last answer, or HELP at any time."
OFFER_RESUME = (
    "Welcome back. You have a request for a case review that is not finished. "
    "Reply 1 to carry on where you left off, or 2 to start again."
)
SMS_AT_CONFIRM = "Reply YES to send your request, MORE to see your answers, or CHANGE and what."
OFFER_RESUME_AGAIN = "Reply 1 to carry on where you left off, or 2 to start again."


def welcome(policy: Policy, sms: bool = False, note: str | None = None) -> list[str]:
    """The first message of a conversation (shorter by text, where the question must fit)."""
    if sms and note:
        return [note, "In danger now? Call 999."]
    if note:
        return [note, *welcome(policy)]
    if sms:
        return [
            "Hello. I can help you ask for an anti-social behaviour (ASB) case review. "
            "If you are in danger now, call 999."
        ]
    return [
        "Hello. I can help you ask for an anti-social behaviour (ASB) case review. "
        "In a review, the council, police, NHS and housing providers look at your case "
        "together. " + SAFETY,
        "It takes about 10 minutes. Type back to change your last answer, or help at any time. "
        f"You can also apply by phone on {policy.team_phone}.",
    ]


def commands_help(policy: Policy, sms: bool = False) -> str:
    """What the resident can type anywhere."""
    if sms:
        return (
            f"Text BACK to change your last answer. In danger? Call 999. "
            f"To apply by phone, call {policy.team_phone}."
        )
    return (
        "Type back to change your last answer, or start again to begin again. "
        f"{SAFETY} To apply by phone, call {policy.team_phone}."
    )


def no_consent(policy: Policy) -> str:
    """Said when the resident does not agree to share their details."""
    return (
        "We cannot do a case review without sharing your details with the agencies, "
        "because a review cannot be anonymous. Nothing has been sent. "
        f"If you want to talk it through, call {policy.team_phone}. {SAFETY}"
    )


def no_victim_consent(policy: Policy) -> str:
    """Said when a representative says the victim has not agreed."""
    return (
        "We can only review a case for someone else if they agree. Nothing has been sent. "
        "Ask them first, then start again. They can also ask for a review themselves, "
        f"or call {policy.team_phone}."
    )


def ended(state: str, reference: str | None, policy: Policy, sms: bool = False) -> str:
    """Said to a message that arrives after the conversation has ended."""
    again = "To start a new request, text NEW." if sms else ""
    if state == "submitted" and reference:
        return (
            f"Your request has been sent. Your reference is {reference}. "
            f"To ask about it, call {policy.team_phone}. {again}"
        ).strip()
    if sms:
        return f"This conversation has ended. {again} {SAFETY}"
    return f"This conversation has ended. To start a new request, start a new chat. {SAFETY}"


STOPPED = (
    "You will not get any more texts from us, and your unfinished request has been stopped. "
    "To start again, text START."
)


def expired_sms(days: int) -> str:
    """Said before the welcome when an unfinished SMS conversation was too old to carry on."""
    return f"We deleted your unfinished answers after {days} days without a reply."


def _looking_at(screening: dict[str, Any]) -> str:
    outcome = screening.get("outcome")
    routes = screening.get("routes_met", [])
    if outcome == "meets_threshold" and "hate" in routes:
        return (
            "From what you told us, your request meets the threshold for a review, because "
            "you reported behaviour motivated by hate."
        )
    if outcome == "meets_threshold":
        return "From what you told us, your request meets the threshold for a review."
    if outcome == "needs_staff_check":
        return (
            "The team will check some details with you and the agencies, such as dates or "
            "other people's reports, before deciding if there will be a review."
        )
    return (
        "The team will look at how long this has gone on, the harm it is causing you, and "
        "what the agencies have done so far, before deciding if there will be a review."
    )


_LOOKING_AT_SMS = {
    "meets_threshold": "From what you told us, your request meets the threshold for a review.",
    "needs_staff_check": "They will check some details before deciding if there will be a review.",
    "not_met": "They will look at your case before deciding if there will be a review.",
}


def confirmation(
    reference: str,
    screening: dict[str, Any],
    acknowledge_by: dt.date,
    policy: Policy,
    contact: str,
    sms: bool = False,
) -> list[str]:
    """What the resident hears once the request is sent: reference, what next, by when."""
    if sms:
        looking_at = _LOOKING_AT_SMS.get(str(screening.get("outcome")), "")
        return [
            f"Request sent. Your reference is {reference}. The {policy.team_name} will contact "
            f"you by {contact} by {format_date(acknowledge_by)}. {looking_at} To ask about it, "
            f"call {policy.team_phone}. In danger? Call 999."
        ]
    return [
        f"Request sent. Your reference is {reference}. Keep it safe.",
        f"The {policy.team_name} will contact you by {contact} by "
        f"{format_date(acknowledge_by)}. " + _looking_at(screening),
        "If there is a review, the agencies will meet and tell you what they will do. "
        f"To ask about your request, call {policy.team_phone}. {SAFETY}",
    ]


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
        f"To ask about it, call {policy.team_phone}."
    )


_OUTCOME_WORDS = {
    "meets_threshold": "meets threshold",
    "needs_staff_check": "needs a staff check",
    "not_met": "threshold not met",
}


def team_sms(reference: str, outcome: str, acknowledge_by: dt.date) -> str:
    """The duty phone's alert: no names, addresses or incident details, ever."""
    return (
        f"New ASB case review request {reference}. Screening: "
        f"{_OUTCOME_WORDS.get(outcome, outcome)}. Acknowledge by {format_date(acknowledge_by)}. "
        "The details are in the team inbox."
    )


def opted_out_help(policy: Policy) -> str:
    """HELP from a number that has texted STOP: how to start again, or apply by phone."""
    return (
        f"You asked us to stop texting you. To start again, text START. "
        f"To apply by phone, call {policy.team_phone}. {SAFETY}"
    )
