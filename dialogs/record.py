"""Build the intake record (schema/intake-record.schema.json) from a finished dialog."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dialogs.calendar import Period
from dialogs.model import DialogModel
from dialogs.parsing import can_text
from dialogs.policy import Policy
from dialogs.questionnaire import ways_said_unsafe
from dialogs.screening import screen

SCHEMA_VERSION = "2"
READABLE_ALPHABET = "ACDEFGHJKMNPQRTVWXY346789"
"""Reference characters: no 0/O, 1/I/L, 2/Z, 5/S, 8/B or U to mix up on the phone."""


SAFE_WAY_FOR = {"phone": "phone_call", "sms": "sms", "email": "email", "letter": "letter"}
"""The `contact_safety` value that makes each way of contacting safe to use."""


SAFE_WAY = "safe_way"
"""How the team will contact someone whose preferred way is not safe: a way they said is."""
CAREFULLY = "carefully"
"""How the team will contact someone who said no way is safe."""


def safe_to_use(applicant: dict[str, Any], way: str) -> bool:
    """True when the applicant said `way` (sms, email) is safe, or was never asked (version 1),
    and their note on contacting them safely does not say otherwise ("please dont text")."""
    safety = applicant.get("contact_safety")
    safe_way = SAFE_WAY_FOR.get(way, way)
    if safe_way in ways_said_unsafe(applicant.get("safe_contact")):
        return False
    return safety is None or safe_way in safety


def contact_way(applicant: dict[str, Any]) -> str:
    """How the resident is told the team will contact them: their preferred way (phone, sms,
    email, letter) when it is safe, else `SAFE_WAY`, or `CAREFULLY` when no way is safe. Never a
    way they said is not safe."""
    preference = str(applicant.get("contact_preference") or "")
    if (
        preference in SAFE_WAY_FOR
        and safe_to_use(applicant, preference)
        and (preference != "sms" or can_text(str(applicant.get("phone") or "")))
    ):
        return preference
    safety = applicant.get("contact_safety")
    unsafe = ways_said_unsafe(applicant.get("safe_contact"))
    if safety is None or any(way not in {"none", *unsafe} for way in safety):
        return SAFE_WAY
    return CAREFULLY


def _exact(value: Any) -> str | None:
    """A stored date when it is one day (ISO), else None."""
    return value if isinstance(value, str) else None


def answers_to_record(
    model: DialogModel, *, channel: str, policy: Policy, council: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The resident's answers in the record's shape (version 2), without reference or
    screening yet; `council` is the block of the partnership council it was routed to."""
    a = model.answers
    representative = a.get("applicant_role") == "representative"
    hate_asked = a.get("hate_motivated") is True
    incidents = [
        {
            "occurred_on": _exact(i.get("incident_date")),
            "description": i.get("incident_description"),
            "reported_to": list(i.get("reported_to") or []),
            "reported_on": _exact(i.get("report_date")),
            "reference": i.get("report_reference"),
            "hate_motivated": hate_asked and i.get("incident_hate") is True,
        }
        for i in model.incidents
    ]
    for incident, given in zip(incidents, model.incidents, strict=True):
        # Not one date (a month, "since 2024"): what they said, with its precision. The date
        # itself stays null, so screening treats it as one it does not know.
        for key, name in (("occurred_approximately", "incident_date"),
                          ("reported_approximately", "report_date")):  # fmt: skip
            if isinstance(given.get(name), dict):
                incident[key] = given[name]
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "channel": channel,
        "policy": policy.name,
        "council": council or {"name": policy.area, "code": None, "routed_by": "single"},
        "applicant": {
            "role": a.get("applicant_role"),
            "name": a.get("name"),
            "address": a.get("address"),
            "postcode": a.get("postcode"),
            "phone": a.get("phone"),
            "email": a.get("email"),
            "contact_preference": a.get("contact_preference"),
            "contact_safety": list(a["contact_safety"]) if "contact_safety" in a else None,
            "safe_contact": _safe_contact(a.get("safe_contact"), model.contact_words),
        },
        "victim": _victim(a) if representative else None,
        "hate_motivated": any(i["hate_motivated"] for i in incidents),
        "hate_categories": list(a.get("hate_categories") or []) if hate_asked else [],
        "incidents": incidents,
        "location": a.get("location"),
        "perpetrators": a.get("perpetrators"),
        "housing_provider": a.get("housing_provider"),
        "agency_response": a.get("agency_response"),
        "support_needs": a.get("support_needs"),
        "other_reporters": a.get("other_reporters") if policy.has_community_route else None,
        "impact": a.get("impact"),
        "perpetrator_under_18": a.get("perpetrator_under_18"),
        "desired_outcome": a.get("desired_outcome"),
    }
    if model.remarks:  # only when there are some: every other record keeps the contract's shape
        record["safety_remarks"] = [{"field": f, "text": text} for f, text in model.remarks]
    if record["applicant"]["contact_safety"] is None:  # a conversation begun before version 2
        del record["applicant"]["contact_safety"]
    return record


def _safe_contact(note: str | None, said_with_ways: str | None) -> str | None:
    """Their note on contacting them safely, with what they said beside the safe ways."""
    if not said_with_ways:
        return note
    also = f"At the safe ways question they said: “{said_with_ways}”"
    return f"{note} {also}" if note else also


def _victim(a: dict[str, Any]) -> dict[str, Any]:
    consent = a.get("victim_consent")
    given = consent in {"yes", True}
    return {
        "name": a.get("victim_name"),
        "relationship": a.get("relationship"),
        "contact": a.get("victim_contact"),
        "consent": "given" if given else "cannot_consent",
        "consent_confirmed": given,
    }


def complete_record(
    record: dict[str, Any],
    *,
    reference: str,
    submitted_at: dt.datetime,
    as_of: dt.date,
    policy: Policy,
) -> dict[str, Any]:
    """Add the reference, submission time, screening and deadlines to a record."""
    done = dict(record)
    done["reference"] = reference
    done["submitted_at"] = submitted_at.isoformat(timespec="seconds")
    done["screening"] = screen(record, policy, as_of)
    done["deadlines"] = deadlines(policy, as_of)
    return done


def deadlines(policy: Policy, as_of: dt.date) -> dict[str, str]:
    """Service-level dates from the policy's timescales."""
    return {"acknowledge_by": acknowledge_by(policy.acknowledge, as_of).isoformat()}


def acknowledge_by(period: Period, as_of: dt.date) -> dt.date:
    """The last day to acknowledge a request made on `as_of`."""
    return period.after(as_of)
