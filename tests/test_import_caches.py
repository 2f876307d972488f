"""Timestamp parsers of one import share what they parsed: same answers, same warnings."""

from __future__ import annotations

from smarketing_tui.importing.values import timestamp_parser

OSLO = "Europe/Oslo"


def test_parsers_sharing_caches_read_each_column_as_alone():
    caches: dict = {}
    created = timestamp_parser("iso", OSLO, caches=caches)
    won = timestamp_parser("iso", OSLO, caches=caches)
    # 29 Nov is CET (UTC+1): 14:05 local is 13:05Z; 30 Jun is CEST (UTC+2): 14:05 is 12:05Z.
    assert created("2026-11-29 14:05") == "2026-11-29T13:05:00Z"
    assert won("2026-11-29 14:40") == "2026-11-29T13:40:00Z"   # the hour the first one cached
    assert won("2026-06-30 14:05") == "2026-06-30T12:05:00Z"
    assert created("2026-06-30 14:59") == "2026-06-30T12:59:00Z"
    # Another zone shares nothing: 14:40 in New York (EST, UTC-5) is 19:40Z.
    assert timestamp_parser("iso", "America/New_York", caches=caches)(
        "2026-11-29 14:40") == "2026-11-29T19:40:00Z"


def test_a_cached_hour_does_not_hide_a_later_minute_past_the_future_limit(monkeypatch):
    # Now 2026-11-30T08:30Z; the limit is a day later, 2026-12-01T08:30:00Z, which is
    # 09:30 local (CET). 09:10 local (08:10Z) is before it, 09:50 (08:50Z) after it.
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-30T08:30:00Z")
    noted: list[tuple[str, str, str]] = []
    caches: dict = {}
    first = timestamp_parser("iso", OSLO, caches=caches,
                             note=lambda kind, text: noted.append(("first", kind, text)))
    second = timestamp_parser("iso", OSLO, caches=caches,
                              note=lambda kind, text: noted.append(("second", kind, text)))
    assert first("2026-12-01 09:10") == "2026-12-01T08:10:00Z"
    assert second("2026-12-01 09:50") == "2026-12-01T08:50:00Z"
    assert first("2026-12-01 09:55") == "2026-12-01T08:55:00Z"
    assert noted == [("second", "future", "2026-12-01 09:50"),
                     ("first", "future", "2026-12-01 09:55")]


def test_a_parser_without_checks_does_not_fill_a_checked_parsers_cache(monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-30T08:30:00Z")
    noted: list[str] = []
    caches: dict = {}
    unchecked = timestamp_parser("iso", OSLO, caches=caches)
    checked = timestamp_parser("iso", OSLO, caches=caches, note=lambda k, t: noted.append(t))
    # 2027-03-01 12:00 local is CET: 11:00Z, three months after the limit.
    assert unchecked("2027-03-01 12:00") == "2027-03-01T11:00:00Z"
    assert checked("2027-03-01 12:30") == "2027-03-01T11:30:00Z"
    assert noted == ["2027-03-01 12:30"]
