"""Every value the domain, storage and channels share, each vocabulary written down once.

Modelled on GOV.UK Notify's `app/constants.py`: a StrEnum compares equal to its string, so
stored rows, JSON and old records keep working, while a typo is a NameError, not a silent miss.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """The pre-screen's result (the record's `screening.outcome`)."""

    MEETS_THRESHOLD = "meets_threshold"
    NEEDS_STAFF_CHECK = "needs_staff_check"
    BELOW_THRESHOLD = "below_threshold"


class Channel(StrEnum):
    """Where a conversation happens (the record's `channel`)."""

    WEB = "web"
    SMS = "sms"
    TERMINAL = "terminal"


class Kind(StrEnum):
    """What kind of answer a question wants (the API's `expects.kind`)."""

    YES_NO = "yes_no"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    TEXT = "text"
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    DATE = "date"
    NUMBER = "number"
    CONFIRM = "confirm"


CHOICE_KINDS = frozenset({Kind.YES_NO, Kind.CHOICE, Kind.MULTI_CHOICE})


class EndReason(StrEnum):
    """Why a conversation ended."""

    SUBMITTED = "submitted"
    NO_CONSENT = "no_consent"
    NO_VICTIM_CONSENT = "no_victim_consent"
    STOPPED = "stopped"
    EXPIRED = "expired"


class Stage(StrEnum):
    """Where a conversation is in its life (the lifecycle chart's states)."""

    ASKING = "asking"
    REVIEWING = "reviewing"
    PAUSED = "paused"
    SUBMITTED = "submitted"
    DECLINED = "declined"
    STOPPED = "stopped"
    EXPIRED = "expired"


class ConversationStatus(StrEnum):
    """A stored conversation's status column."""

    ACTIVE = "active"
    SUBMITTED = "submitted"
    ENDED = "ended"
    STOPPED = "stopped"
    EXPIRED = "expired"


class OutboxStatus(StrEnum):
    """A queued message's status column."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Pending(StrEnum):
    """A yes/no the dialog asked in passing, answered by the next message."""

    RESTART = "restart"
    RESUME = "resume"
    EMAIL = "email"
    """Did you mean (a likely typo in the email address's domain)?"""
    REMOVE = "remove"
    """Remove incident n: are you sure?"""
