"""Dates, times and numbers as real exports write them."""

from __future__ import annotations

import pytest

from smarketing_tui.importing.values import (BadValue, date_family, date_parser, number_parser,
                                             timestamp_parser)

OSLO = "Europe/Oslo"


@pytest.mark.parametrize("text, expected", [
    # Oslo is UTC+1 in winter (CET) and UTC+2 in summer (CEST).
    ("29.11.2026", "2026-11-28T23:00:00Z"),            # a bare date is local midnight
    ("29.11.2026 14:05", "2026-11-29T13:05:00Z"),
    ("29.11.2026 14:05:09", "2026-11-29T13:05:09Z"),
    ("01.07.2026 14:05", "2026-07-01T12:05:00Z"),      # summer: two hours
    ("1.7.2026 9:05", "2026-07-01T07:05:00Z"),         # no zero padding
    ("29.11.2026 kl. 14.05", "2026-11-29T13:05:00Z"),
    ("2/26/2018 19:58", "2018-02-26T18:58:00Z"),        # US month/day, 24-hour
    ("2/26/2018 7:58 PM", "2018-02-26T18:58:00Z"),      # HubSpot/Salesforce US with AM/PM
    ("2/26/2018 12:05 AM", "2018-02-25T23:05:00Z"),     # 12 AM is just after midnight
    ("2/26/2018 12:30 PM", "2018-02-26T11:30:00Z"),     # 12 PM is noon
    ("2/26/2018", "2018-02-25T23:00:00Z"),
    ("2026-11-29", "2026-11-28T23:00:00Z"),
    ("2026-11-29 14:05", "2026-11-29T13:05:00Z"),       # HubSpot's export form
    ("2026-11-29T14:05:00", "2026-11-29T13:05:00Z"),
    ("2026-11-29T14:05:00+01:00", "2026-11-29T13:05:00Z"),  # an offset wins over the zone
    ("2026-11-29T14:05:00.250-05:00", "2026-11-29T19:05:00Z"),
    ("2026-11-29T14:05:00Z", "2026-11-29T14:05:00Z"),
    ("  29.11.2026 14:05 ", "2026-11-29T13:05:00Z"),
    ("", None),
    ("   ", None),
])
def test_timestamps_in_auto_mode(text, expected):
    assert timestamp_parser("auto", OSLO)(text) == expected


def test_the_hour_cache_gives_the_same_answers_as_a_full_parse():
    parse = timestamp_parser("auto", OSLO)
    # The first value fills the cache for "29.11.2026 14"; the others hit it.
    assert parse("29.11.2026 14:05") == "2026-11-29T13:05:00Z"
    assert parse("29.11.2026 14:59") == "2026-11-29T13:59:00Z"
    assert parse("29.11.2026 14:05") == "2026-11-29T13:05:00Z"
    # A cached hour prefix with a bad tail still goes through validation.
    with pytest.raises(BadValue):
        parse("29.11.2026 14:61")


def test_daylight_saving_switch_in_oslo():
    parse = timestamp_parser("day-first", OSLO)
    # Summer time starts 29.03.2026 at 02:00 local: before it +1, after it +2.
    assert parse("29.03.2026 01:30") == "2026-03-29T00:30:00Z"
    assert parse("29.03.2026 03:30") == "2026-03-29T01:30:00Z"


def test_source_time_zone():
    parse = timestamp_parser("month-first", "America/New_York")
    # 2:05 PM EST (UTC-5) is 19:05 UTC.
    assert parse("11/29/2026 2:05 PM") == "2026-11-29T19:05:00Z"


def test_day_first_reads_slashes_as_day_month():
    assert timestamp_parser("day-first", OSLO)("29/11/2026") == "2026-11-28T23:00:00Z"


@pytest.mark.parametrize("family, text, message", [
    ("auto", "31.02.2026",
     "'31.02.2026' is not a day of the calendar, expected a date such as 29.11.2026 14:05, "
     "2026-11-29T14:05 or 11/29/2026 2:05 PM"),
    ("auto", "29/11/2026",  # slashes are month-first unless the mapping says day-first
     "'29/11/2026' has no month 29, expected a date such as 29.11.2026 14:05, "
     "2026-11-29T14:05 or 11/29/2026 2:05 PM"),
    ("auto", "i går", "'i går' is not a date, expected a date such as 29.11.2026 14:05, "
     "2026-11-29T14:05 or 11/29/2026 2:05 PM"),
    ("iso", "29.11.2026", "'29.11.2026' is not a date, expected an ISO date such as 2026-11-29 "
     "or 2026-11-29T14:05:00+01:00"),
    ("day-first", "11/29/2026 2:05 PM", "'11/29/2026 2:05 PM' has no month 29, expected a "
     "day-first date such as 29.11.2026 or 29.11.2026 14:05"),
    ("auto", "29.11.2026 25:00", "'29.11.2026 25:00' has an impossible time of day, expected a "
     "date such as 29.11.2026 14:05, 2026-11-29T14:05 or 11/29/2026 2:05 PM"),
])
def test_bad_dates_say_what_and_what_was_expected(family, text, message):
    with pytest.raises(BadValue) as caught:
        timestamp_parser(family, OSLO)(text)
    assert str(caught.value) == message


def test_date_fields_become_local_iso_dates():
    parse = date_parser("auto", OSLO, OSLO)
    assert parse("29.11.2026") == "2026-11-29"
    assert parse("11/29/2026") == "2026-11-29"
    assert parse("") is None
    # 23:30 UTC on the 29th is 00:30 on the 30th in Oslo.
    assert parse("2026-11-29T23:30:00Z") == "2026-11-30"


@pytest.mark.parametrize("pattern, family", [
    ("%d.%m.%Y %H:%M", "day-first"), ("%m/%d/%Y %I:%M %p", "month-first"),
    ("%Y-%m-%d", "iso"), ("Norwegian", "day-first"), ("US", "month-first"), ("auto", "auto"),
    ("%H:%M", None), ("whenever", None),
])
def test_date_format_names_and_patterns(pattern, family):
    assert date_family(pattern) == family


@pytest.mark.parametrize("text, expected", [
    ("1 234,50", 1234.5),            # Norwegian, space between thousands
    ("1\u00a0234,50", 1234.5),       # ... with a no-break space, as Excel writes it
    ("1\u202f234,50", 1234.5),       # ... with a narrow no-break space
    ("1,234.50", 1234.5),            # US
    ("1.234,50", 1234.5),            # German-style
    ("1234.5", 1234.5),
    ("12,5", 12.5),                  # a lone comma with 1 decimal is a decimal comma
    ("-3", -3.0),
    ("\u22123,5", -3.5),             # a typographic minus
    ("kr 1 234,50", 1234.5),
    ("12 500 NOK", 12500.0),
    ("1 234,-", 1234.0),
    ("1.234.567", 1234567.0),        # two dot groups can only be thousands
    ("1,234,567", 1234567.0),
    ("", None),
    ("  ", None),
])
def test_numbers_in_auto_mode(text, expected):
    assert number_parser()(text) == expected


def test_decimal_setting_decides_the_ambiguous_cases():
    assert number_parser(",")("1,234") == 1.234
    assert number_parser(".")("1,234") == 1234.0
    assert number_parser(",")("1.234") == 1234.0
    assert number_parser(",")("17,5") == 17.5


@pytest.mark.parametrize("text, message", [
    ("1,234", "'1,234' is ambiguous (thousands or decimals?), expected a number such as "
              "1 234,50 or 1234.50; set decimal: \",\" or \".\" in the mapping"),
    ("12 apples", "'12 apples' is not a number, expected a number such as 1 234,50 or 1234.50"),
    ("1_000", "'1_000' is not a number, expected a number such as 1 234,50 or 1234.50"),
    ("nan", "'nan' is not a number, expected a number such as 1 234,50 or 1234.50"),
    ("1,23.4", "'1,23.4' is not a number, expected a number such as 1 234,50 or 1234.50"),
])
def test_bad_numbers(text, message):
    with pytest.raises(BadValue) as caught:
        number_parser()(text)
    assert str(caught.value) == message
