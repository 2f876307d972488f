"""Norwegian number, money, percent and date formats, and metric values for people."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from smarketing_tui.reportformat import format_value
from smarketing_tui.timeutil import (describe_age, format_date, format_datetime, format_money,
                                     format_number, format_percent, iso_week_label, utc_iso)

NBSP = "\u00a0"


@pytest.mark.parametrize("value, decimals, expected", [
    (1234.5, 2, f"1{NBSP}234,50"),
    (1234567, 0, f"1{NBSP}234{NBSP}567"),
    (-0.5, 1, "-0,5"),
    (None, 0, "–"),
    # Half away from zero on the number as written, as by hand: 12,25 -> 12,3 (float formatting
    # rounds the binary value half to even and would print 12,2); 2,5 -> 3 and -2,5 -> -3.
    (12.25, 1, "12,3"),
    (2.5, 0, "3"),
    (-2.5, 0, "-3"),
    # 45,55 is stored as 45,549999...; as written it is 45,55, which rounds up to 45,6.
    (45.55, 1, "45,6"),
    # -0,04 rounds to zero: no minus sign in front of it.
    (-0.04, 1, "0,0"),
])
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_money_percent_and_dates():
    assert format_money(12500, "NOK") == f"12{NBSP}500{NBSP}NOK"
    assert format_percent(0.425, 1) == f"42,5{NBSP}%"
    # Rounded half up like the rest: 1 of 8 is 12,5 % -> 13 %; 1 234,50 NOK -> 1 235 NOK; and a
    # share scaled as written: 0,1055 is 10,55 % exactly -> 10,6 % (0.1055 * 100 in floats is
    # 10,549999..., which would round down to 10,5).
    assert format_percent(1 / 8) == f"13{NBSP}%"
    assert format_money(1234.5) == f"1{NBSP}235{NBSP}NOK"
    assert format_percent(0.1055, 1) == f"10,6{NBSP}%"
    assert format_date(date(2026, 11, 29)) == "29.11.2026"
    # 13:05 UTC is 14:05 in Oslo in November (CET, UTC+1) ...
    assert format_datetime("2026-11-29T13:05:00Z", "Europe/Oslo") == "29.11.2026 14:05"
    # ... and 15:05 in June (CEST, UTC+2).
    assert format_datetime("2026-06-29T13:05:00Z", "Europe/Oslo") == "29.06.2026 15:05"
    assert iso_week_label(date(2026, 11, 29)) == "2026-W48"
    assert iso_week_label(date(2027, 1, 1)) == "2026-W53"  # 2026 has 53 ISO weeks


def test_stored_timestamps_are_fixed_width_utc():
    assert utc_iso(datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)) == "2026-03-29T01:30:00Z"
    with pytest.raises(ValueError):
        utc_iso(datetime(2026, 3, 29, 1, 30))


def test_describe_age():
    now = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
    assert describe_age(datetime(2026, 11, 30, 7, 59, tzinfo=timezone.utc), now) == "just now"
    assert describe_age(datetime(2026, 11, 30, 5, 0, tzinfo=timezone.utc), now) == "3 hours old"
    assert describe_age(datetime(2026, 11, 28, 8, 0, tzinfo=timezone.utc), now) == "2 days old"


@pytest.mark.parametrize("value, unit, expected", [
    (1, "share", f"100{NBSP}%"),          # an int share (a 100 % target in JSON) must not crash
    (0.955, "share", f"95,5{NBSP}%"),
    (104, "count", "104"),
    (2.5, "count", "2,50"),
    (None, "count", "no data"),
])
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected


@pytest.mark.parametrize("typed, expected", [
    ("14.12.2026", date(2026, 12, 14)),
    ("1.2.27", date(2027, 2, 1)),          # two-digit year: 2000s
    ("2026-12-14", date(2026, 12, 14)),
    ("+7", date(2026, 12, 7)),              # today is Monday 30.11.2026
    ("+2w", date(2026, 12, 14)),
    ("+2u", date(2026, 12, 14)),            # "uker"
    (" +3d ", date(2026, 12, 3)),
])
def test_due_dates_as_people_type_them(typed, expected):
    from smarketing_tui.timeutil import parse_due_date

    assert parse_due_date(typed, date(2026, 11, 30)) == expected


@pytest.mark.parametrize("typed, message", [
    ("", "a due date is needed"),
    ("31.02.2026", "31.02.2026 is not a real date"),
    ("next friday", "due date 'next friday' not understood; expected dd.mm.yyyy"),
])
def test_due_date_mistakes_say_what_was_expected(typed, message):
    from smarketing_tui.timeutil import parse_due_date

    with pytest.raises(ValueError, match=message):
        parse_due_date(typed, date(2026, 11, 30))
