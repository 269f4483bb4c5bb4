"""Fixed words the bot says: welcome, help, endings and what happens after a request is sent.

Plain English in GOV.UK style, straight quotes only, so every message stays GSM-7 for SMS.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dialogs.parsing import format_date
from dialogs.policy import Policy

SAFETY = "If you are in danger now, call 999. For non-emergencies, call 101."


def welcome(policy: Policy) -> list[str]:
    """The first message of a conversation."""
    return [
        "Hello. I can help you ask for an anti-social behaviour (ASB) case review. "
        "In a review, the council, police, NHS and housing providers look at your case "
        "together. " + SAFETY,
        "It takes about 10 minutes. Type back to change your last answer, or help at any time. "
        f"You can also apply by phone on {policy.team_phone}.",
    ]


def commands_help(policy: Policy) -> str:
    """What the resident can type anywhere."""
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


def ended(state: str, reference: str | None, policy: Policy) -> str:
    """Said to a message that arrives after the conversation has ended."""
    if state == "submitted" and reference:
        return (
            f"Your request has been sent. Your reference is {reference}. "
            f"To ask about it, call {policy.team_phone}."
        )
    return f"This conversation has ended. To start a new request, start a new chat. {SAFETY}"


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


def confirmation(
    reference: str,
    screening: dict[str, Any],
    acknowledge_by: dt.date,
    policy: Policy,
    contact: str,
) -> list[str]:
    """What the resident hears once the request is sent: reference, what next, by when."""
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
