"""The team email gives the time a request was received in words, like every other date."""

from __future__ import annotations

import datetime as dt

import pytest

from dialogs import summary
from dialogs.policy import Policy
from dialogs.record import answers_to_record
from dialogs.record import complete_record
from tests.factories import model_at_review

LONDON = dt.timezone(dt.timedelta(hours=1))  # British Summer Time


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [
        (0, 30, "2 July 2026 at 12:30am"),
        (0, 0, "2 July 2026 at midnight"),
        (12, 0, "2 July 2026 at midday"),
        (17, 0, "2 July 2026 at 5pm"),
        (9, 5, "2 July 2026 at 9:05am"),
    ],
)
def test_received_is_written_in_words(
    default_policy: Policy, hour: int, minute: int, words: str
) -> None:
    record = complete_record(
        answers_to_record(model_at_review(), channel="web", policy=default_policy),
        reference="CR-7KXT-9MHA",
        submitted_at=dt.datetime(2026, 7, 2, hour, minute, tzinfo=LONDON),
        as_of=dt.date(2026, 7, 2),
        policy=default_policy,
    )
    assert f"Received: {words}" in summary.plain_text(record)
    rows = {label: value for s in summary.sections(record) for label, value in s.rows}
    assert rows["Received"] == words
