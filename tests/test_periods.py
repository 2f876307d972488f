"""Periods in Europe/Oslo: parsing, DST edges, ISO week 53, shifting, judged periods, pace days."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from smarketing_tui.errors import UserError
from smarketing_tui.periods import (elapsed_business_days, judged_period, parse_moment,
                                    parse_period)
from smarketing_tui.workspace import BusinessHours

TZ = "Europe/Oslo"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def test_iso_week_in_winter_time():
    # 2026-W48 is Mon 23 Nov .. Sun 29 Nov; local midnight is 23:00 UTC the day before.
    period = parse_period("2026-W48", TZ)
    assert (period.label, period.kind) == ("2026-W48", "week")
    assert (period.first_day, period.last_day) == (date(2026, 11, 23), date(2026, 11, 29))
    assert (period.start_iso, period.end_iso) == ("2026-11-22T23:00:00Z", "2026-11-29T23:00:00Z")


def test_week_ending_on_spring_dst_change_is_167_hours():
    # W13 2026: Mon 23 Mar .. Sun 29 Mar; clocks go 02:00 -> 03:00 on Sunday 29 March,
    # so the week starts 23:00Z (CET) and ends at Monday 00:00 CEST = 22:00Z: 7*24 - 1 hours.
    period = parse_period("2026-W13", TZ)
    assert (period.start_iso, period.end_iso) == ("2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z")
    assert (period.end_utc - period.start_utc).total_seconds() == 167 * 3600


def test_week_ending_on_autumn_dst_change_is_169_hours():
    # W43 2026: Mon 19 Oct .. Sun 25 Oct; clocks go 03:00 -> 02:00 on Sunday 25 October.
    # Start Monday 00:00 CEST = 22:00Z, end Monday 26 Oct 00:00 CET = 23:00Z: 7*24 + 1 hours.
    period = parse_period("2026-W43", TZ)
    assert (period.start_iso, period.end_iso) == ("2026-10-18T22:00:00Z", "2026-10-25T23:00:00Z")
    assert (period.end_utc - period.start_utc).total_seconds() == 169 * 3600


def test_months_across_dst():
    # March 2026: 1 Mar 00:00 CET = 28 Feb 23:00Z .. 1 Apr 00:00 CEST = 31 Mar 22:00Z (743 h).
    march = parse_period("2026-03", TZ)
    assert (march.start_iso, march.end_iso) == ("2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z")
    assert (march.end_utc - march.start_utc).total_seconds() == (31 * 24 - 1) * 3600
    # October 2026: 1 Oct 00:00 CEST = 30 Sep 22:00Z .. 1 Nov 00:00 CET = 31 Oct 23:00Z (745 h).
    october = parse_period("2026-10", TZ)
    assert (october.start_iso, october.end_iso) == ("2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z")
    assert (october.end_utc - october.start_utc).total_seconds() == (31 * 24 + 1) * 3600


def test_quarter_year_and_inclusive_range():
    q4 = parse_period("2026-Q4", TZ)
    assert (q4.first_day, q4.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert (q4.start_iso, q4.end_iso) == ("2026-09-30T22:00:00Z", "2026-12-31T23:00:00Z")
    year = parse_period("2026", TZ)
    assert (year.start_iso, year.end_iso) == ("2025-12-31T23:00:00Z", "2026-12-31T23:00:00Z")
    # The end date of a range is included: 3..16 November is 14 days, ending 17 Nov 00:00 local.
    span = parse_period("2026-11-03..2026-11-16", TZ)
    assert (span.kind, span.days, span.label) == ("range", 14, "2026-11-03..2026-11-16")
    assert span.end_iso == "2026-11-16T23:00:00Z"


def test_iso_week_53():
    # 2026 starts on a Thursday, so it has 53 ISO weeks: W53 is Mon 28 Dec 2026 .. Sun 3 Jan 2027.
    week = parse_period("2026-W53", TZ)
    assert (week.first_day, week.last_day) == (date(2026, 12, 28), date(2027, 1, 3))
    # ... and the week after it is 2027-W01; two weeks before 2027-W02 is 2026-W53.
    assert week.shift(1).label == "2027-W01"
    assert parse_period("2027-W02", TZ).previous(2).label == "2026-W53"
    with pytest.raises(UserError) as error:
        parse_period("2027-W53", TZ)
    assert str(error.value) == "period '2027-W53': 2027 has ISO weeks 1 to 52"


@pytest.mark.parametrize("now, this_week, last_week", [
    # Monday 30 Nov 00:30 UTC is 01:30 local: the new week has begun.
    ("2026-11-30T00:30:00Z", "2026-W49", "2026-W48"),
    # Sunday 29 Nov 23:30 UTC is already Monday 00:30 in Oslo.
    ("2026-11-29T23:30:00Z", "2026-W49", "2026-W48"),
    # Sunday 29 Nov 22:59 UTC is Sunday 23:59 local: still W48.
    ("2026-11-29T22:59:00Z", "2026-W48", "2026-W47"),
])
def test_relative_weeks_follow_local_time(now, this_week, last_week):
    assert parse_period("this-week", TZ, now=utc(now)).label == this_week
    assert parse_period("last-week", TZ, now=utc(now)).label == last_week


def test_relative_months_follow_local_time():
    # 31 Oct 23:30 UTC is 1 Nov 00:30 in Oslo (CET).
    now = utc("2026-10-31T23:30:00Z")
    assert parse_period("this-month", TZ, now=now).label == "2026-11"
    assert parse_period("last-month", TZ, now=now).label == "2026-10"
    # January's previous month is last year's December.
    assert parse_period("last-month", TZ, now=utc("2026-01-15T12:00:00Z")).label == "2025-12"


def test_history_and_shift():
    # 8 months ending with October 2026, oldest first: March .. October.
    labels = [p.label for p in parse_period("2026-10", TZ).history(8)]
    assert labels == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08",
                      "2026-09", "2026-10"]
    assert parse_period("2026-Q1", TZ).previous().label == "2025-Q4"
    # A 14-day range steps back 14 days: 20 Oct .. 2 Nov.
    assert parse_period("2026-11-03..2026-11-16", TZ).previous().label == "2026-10-20..2026-11-02"


@pytest.mark.parametrize("text, message", [
    ("2026-13", "period '2026-13': month must be 01 to 12"),
    ("2026-11-16..2026-11-03", "period '2026-11-16..2026-11-03': the end date is before the "
                               "start date"),
    ("next week", "period 'next week' not understood; expected e.g. 2026-W48, 2026-11, 2026-Q4, "
                  "2026, 2026-11-03..2026-11-16, this-week, last-week, this-month, last-month, "
                  "this-quarter, last-quarter, this-year or last-year"),
])
def test_bad_periods_say_what_was_expected(text, message):
    with pytest.raises(UserError) as error:
        parse_period(text, TZ)
    assert str(error.value) == message


def test_parse_moment():
    # A date means the end of that local day: 20 Nov 23:59:59 CET = 22:59:59Z.
    assert parse_moment("2026-11-20", TZ) == utc("2026-11-20T22:59:59Z")
    # A naive date-time is local time; one with Z or an offset is taken as written.
    assert parse_moment("2026-11-20T14:00", TZ) == utc("2026-11-20T13:00:00Z")
    assert parse_moment("2026-07-01T14:00", TZ) == utc("2026-07-01T12:00:00Z")
    assert parse_moment("2026-11-20T14:00:00Z", TZ) == utc("2026-11-20T14:00:00Z")
    with pytest.raises(UserError, match="moment 'soon' not understood"):
        parse_moment("soon", TZ)


def test_judged_period_rules():
    week48 = parse_period("2026-W48", TZ)
    november = parse_period("2026-11", TZ)
    # Same kind: the reviewed period itself.
    assert judged_period("week", week48, utc("2026-12-01T10:00:00Z")) == week48
    # A monthly commitment in a weekly review: the month the week ends in.
    assert judged_period("month", week48, utc("2026-11-30T10:00:00Z")).label == "2026-11"
    # A weekly commitment in a finished month: the last complete week inside it (W48, 23-29 Nov;
    # W49 starts 30 Nov and ends in December).
    assert judged_period("week", november, utc("2026-12-05T10:00:00Z")).label == "2026-W48"
    # ... while November runs (as of Wed 18 Nov): the last complete week so far, W46 (9-15 Nov).
    assert judged_period("week", november, utc("2026-11-18T11:00:00Z")).label == "2026-W46"
    # ... and on 3 November, before any week of November is complete: the running week W45.
    assert judged_period("week", november, utc("2026-11-03T11:00:00Z")).label == "2026-W45"


def test_elapsed_business_days_for_pace():
    hours = BusinessHours()  # Mon-Fri 08:00-16:00
    november = parse_period("2026-11", TZ)
    # November 2026 has 21 weekdays (2-6, 9-13, 16-20, 23-27 Nov and Mon 30 Nov).
    # As of Wed 18 Nov 12:00 local (11:00Z): 2-17 Nov are 12 full days, plus 08-12 of 8 h = 0.5.
    elapsed, total = elapsed_business_days(november, utc("2026-11-18T11:00:00Z"), hours)
    assert (elapsed, total) == (12.5, 21.0)
    # Holidays stop the clock: with 24 and 25 Dec off, December 2026 has 23 - 2 = 21 days.
    december = parse_period("2026-12", TZ)
    with_holidays = BusinessHours(holidays=("2026-12-24", "2026-12-25"))
    assert elapsed_business_days(december, utc("2027-01-05T00:00:00Z"), with_holidays) == (21, 21)
