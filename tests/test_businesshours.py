"""Business hours (Mon-Fri 08:00-16:00 Europe/Oslo): elapsed hours and deadlines."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from smarketing_tui.businesshours import (add_business_hours, business_hours_between,
                                          calendar_rows)
from smarketing_tui.errors import UserError
from smarketing_tui.workspace import BusinessHours

TZ = "Europe/Oslo"
HOURS = BusinessHours()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def test_deadline_within_the_week():
    # Mon 2 Nov 10:00 local (09:00Z) + 24 h: Mon 10-16 = 6, Tue 8 (14), Wed 8 (22),
    # Thu 08-10 = 2 (24) -> Thu 5 Nov 10:00 local = 09:00Z.
    assert (add_business_hours(utc("2026-11-02T09:00:00Z"), 24, HOURS, TZ)
            == utc("2026-11-05T09:00:00Z"))


def test_deadline_across_a_weekend():
    # Fri 27 Nov 15:00 local (14:00Z) + 2 h: 1 h on Friday, 1 h on Monday -> Mon 30 Nov 09:00 local.
    start = utc("2026-11-27T14:00:00Z")
    assert add_business_hours(start, 2, HOURS, TZ) == utc("2026-11-30T08:00:00Z")
    assert business_hours_between(start, utc("2026-11-30T08:00:00Z"), HOURS, TZ) == 2.0


def test_deadline_across_spring_dst_change():
    # Fri 27 Mar 15:00 CET = 14:00Z; clocks jump on Sunday 29 March.
    # + 2 h -> Mon 30 Mar 09:00 CEST = 07:00Z (not 08:00Z as a fixed +1 offset would give).
    start = utc("2026-03-27T14:00:00Z")
    assert add_business_hours(start, 2, HOURS, TZ) == utc("2026-03-30T07:00:00Z")
    assert business_hours_between(start, utc("2026-03-30T07:00:00Z"), HOURS, TZ) == 2.0
    # Wall-clock hours over the same span: 14:00Z Fri .. 07:00Z Mon = 65 h (one hour lost).
    assert (utc("2026-03-30T07:00:00Z") - start).total_seconds() / 3600 == 65


def test_deadline_across_autumn_dst_change():
    # Fri 23 Oct 15:00 CEST = 13:00Z; clocks fall back on Sunday 25 October.
    # + 2 h -> Mon 26 Oct 09:00 CET = 08:00Z.
    start = utc("2026-10-23T13:00:00Z")
    assert add_business_hours(start, 2, HOURS, TZ) == utc("2026-10-26T08:00:00Z")
    # Mon 26 Oct 08:00 CET (07:00Z) .. 16:00 CET (15:00Z) is a whole 8 h day after the change.
    assert business_hours_between(utc("2026-10-26T07:00:00Z"), utc("2026-10-26T15:00:00Z"),
                                  HOURS, TZ) == 8.0


def test_holidays_stop_the_clock():
    # Wed 23 Dec 15:00 local (14:00Z) + 2 h with 24 and 25 Dec off: 1 h Wednesday, the
    # weekend, 1 h on Monday 28 Dec -> 09:00 local = 08:00Z.
    hours = BusinessHours(holidays=("2026-12-24", "2026-12-25"))
    assert (add_business_hours(utc("2026-12-23T14:00:00Z"), 2, hours, TZ)
            == utc("2026-12-28T08:00:00Z"))


def test_a_deadline_that_fills_a_day_falls_at_closing_time():
    # Mon 08:00 local + 8 h = Mon 16:00 local (15:00Z), not Tuesday 08:00.
    assert (add_business_hours(utc("2026-11-02T07:00:00Z"), 8, HOURS, TZ)
            == utc("2026-11-02T15:00:00Z"))


def test_clock_starts_at_the_next_opening():
    # Saturday 28 Nov 12:00 local + 1 h -> Mon 30 Nov 09:00 local (08:00Z).
    assert (add_business_hours(utc("2026-11-28T11:00:00Z"), 1, HOURS, TZ)
            == utc("2026-11-30T08:00:00Z"))
    # Mon 06:00 local (before opening) + 1 h -> Mon 09:00 local.
    assert (add_business_hours(utc("2026-11-30T05:00:00Z"), 1, HOURS, TZ)
            == utc("2026-11-30T08:00:00Z"))
    # A whole weekend holds no business time.
    assert business_hours_between(utc("2026-11-27T15:00:00Z"), utc("2026-11-30T07:00:00Z"),
                                  HOURS, TZ) == 0.0


def test_elapsed_is_negative_backwards():
    a, b = utc("2026-11-02T09:00:00Z"), utc("2026-11-02T12:30:00Z")
    assert business_hours_between(a, b, HOURS, TZ) == 3.5
    assert business_hours_between(b, a, HOURS, TZ) == -3.5


def test_no_business_days_is_a_clear_error():
    with pytest.raises(UserError, match="business_hours in smarketing.yaml leave no working time"):
        add_business_hours(utc("2026-11-02T09:00:00Z"), 1, BusinessHours(days=()), TZ)


def test_calendar_rows_accumulate_business_seconds():
    # Fri 27 Nov and Mon 30 Nov 2026 (the weekend has no rows); 8 h = 28800 s per day.
    rows = calendar_rows(date(2026, 11, 27), date(2026, 11, 30), HOURS, TZ)
    assert [(day, cumulative) for day, _o, _c, cumulative in rows] == [
        ("2026-11-27", 0), ("2026-11-30", 28800)]
    opening, closing = rows[0][1], rows[0][2]
    assert (opening, closing) == (int(utc("2026-11-27T07:00:00Z").timestamp()),
                                  int(utc("2026-11-27T15:00:00Z").timestamp()))


def test_custom_hours():
    # 09:30-15:00 on Mon-Thu: Thu 14:00 local + 2 h -> 1 h Thu, Fri off, weekend, Mon 10:30.
    hours = BusinessHours(days=(0, 1, 2, 3), start=time(9, 30), end=time(15, 0))
    assert (add_business_hours(utc("2026-11-26T13:00:00Z"), 2, hours, TZ)
            == utc("2026-11-30T09:30:00Z"))
