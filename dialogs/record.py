"""Build the intake record (schema/intake-record.schema.json) from a finished dialog."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dialogs.calendar import Period
from dialogs.model import DialogModel
from dialogs.policy import Policy
from dialogs.screening import screen

SCHEMA_VERSION = "1"
READABLE_ALPHABET = "ACDEFGHJKMNPQRTVWXY346789"
"""Reference characters: no 0/O, 1/I/L, 2/Z, 5/S, 8/B or U to mix up on the phone."""


def answers_to_record(model: DialogModel, *, channel: str, policy: Policy) -> dict[str, Any]:
    """The resident's answers in the record's shape, without reference or screening yet."""
    a = model.answers
    representative = a.get("applicant_role") == "representative"
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "channel": channel,
        "policy": policy.name,
        "applicant": {
            "role": a.get("applicant_role"),
            "name": a.get("name"),
            "address": a.get("address"),
            "postcode": a.get("postcode"),
            "phone": a.get("phone"),
            "email": a.get("email"),
            "contact_preference": a.get("contact_preference"),
            "safe_contact": a.get("safe_contact"),
        },
        "victim": (
            {"name": a.get("victim_name"), "consent_confirmed": a.get("victim_consent") is True}
            if representative
            else None
        ),
        "hate_motivated": a.get("hate_motivated") is True,
        "hate_categories": list(a.get("hate_categories") or []) if a.get("hate_motivated") else [],
        "incidents": [
            {
                "occurred_on": i.get("incident_date"),
                "description": i.get("incident_description"),
                "reported_to": list(i.get("reported_to") or []),
                "reported_on": i.get("report_date"),
                "reference": i.get("report_reference"),
            }
            for i in model.incidents
        ],
        "other_reporters": a.get("other_reporters") if policy.has_community_route else None,
        "impact": a.get("impact"),
        "perpetrator_under_18": a.get("perpetrator_under_18"),
        "desired_outcome": a.get("desired_outcome"),
    }
    return record


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
