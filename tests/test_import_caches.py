"""Parsers of one import share and remember what they parsed: same answers, same warnings."""

from __future__ import annotations

from smarketing_tui.importing import choose_mapping, run_import
from smarketing_tui.importing.values import number_parser, timestamp_parser

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


def test_a_number_memo_holds_read_amounts_but_never_a_noted_negative_one():
    noted: list[str] = []
    memo: dict = {}
    parse = number_parser(".", note=lambda kind, text: noted.append(text), memo=memo)
    assert parse("$22,700.00") == 22700.0
    assert parse("5000") == 5000.0
    assert parse("(1,200.00)") == -1200.0
    assert parse("(1,200.00)") == -1200.0
    assert memo == {"$22,700.00": 22700.0, "5000": 5000.0}
    assert noted == ["(1,200.00)", "(1,200.00)"]  # each negative cell is noted


def test_an_import_warns_of_every_row_with_a_repeated_negative_amount(tmp_path, db):
    deals = tmp_path / "deals.csv"
    deals.write_text("external_id,amount\nD1,-500\nD2,700\nD3,-500\nD4,700\n", encoding="utf-8")
    report = run_import(db.conn, choose_mapping("deals", deals)[0], deals, workspace_tz=OSLO)
    # D1 and D3 (lines 2 and 4) are negative; the repeated 700 is read from the memo.
    assert [(s.kind, s.rows, s.lines) for s in report.suspicious] == [("negative", 2, [2, 4])]
    assert db.conn.execute("SELECT external_id, amount FROM deals ORDER BY external_id"
                           ).fetchall() == [("D1", -500.0), ("D2", 700.0), ("D3", -500.0),
                                            ("D4", 700.0)]


def test_one_cell_caches_its_whole_day_and_each_hour_reads_as_parsed_alone():
    caches: dict = {}
    parse = timestamp_parser("iso", OSLO, caches=caches)
    # 29 Nov 2026 is CET (UTC+1) all day: 14:05 local is 13:05Z.
    assert parse("2026-11-29 14:05") == "2026-11-29T13:05:00Z"
    (hours, _days), = caches.values()
    # The other 23 hours came with it, "9" and "09" alike; local 00 is 23Z the day before.
    assert hours["2026-11-29 00"] == "2026-11-28T23"
    assert hours["2026-11-29 9"] == hours["2026-11-29 09"] == "2026-11-29T08"
    assert hours["2026-11-29 23"] == "2026-11-29T22"
    assert parse("2026-11-29 00:30") == "2026-11-28T23:30:00Z"
    assert parse("2026-11-29 9:15") == "2026-11-29T08:15:00Z"
    fresh = timestamp_parser("iso", OSLO)   # no cache to start from: the same answers
    assert [fresh(t) for t in ("2026-11-29 00:30", "2026-11-29 9:15")] == [
        "2026-11-28T23:30:00Z", "2026-11-29T08:15:00Z"]


def test_a_daylight_saving_day_is_cached_hour_by_hour():
    caches: dict = {}
    parse = timestamp_parser("iso", OSLO, caches=caches)
    # 29 Mar 2026: clocks go from 02:00 CET (UTC+1) to 03:00 CEST (UTC+2).
    assert parse("2026-03-29 01:30") == "2026-03-29T00:30:00Z"
    (hours, _days), = caches.values()
    assert list(hours) == ["2026-03-29 01"]   # only the hour parsed
    assert parse("2026-03-29 04:30") == "2026-03-29T02:30:00Z"
    # The day after is CEST all day: local 00:10 is 22:10Z on the 29th.
    assert parse("2026-03-30 08:00") == "2026-03-30T06:00:00Z"
    assert parse("2026-03-30 00:10") == "2026-03-29T22:10:00Z"


def test_a_cached_day_leaves_out_the_hours_past_the_future_limit(monkeypatch):
    # Now 2026-11-30T08:30Z: the limit is 2026-12-01T08:30:00Z, 09:30 local (CET).
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-30T08:30:00Z")
    noted: list[str] = []
    parse = timestamp_parser("iso", OSLO, note=lambda kind, text: noted.append(text))
    assert parse("2026-12-01 07:10") == "2026-12-01T06:10:00Z"
    assert parse("2026-12-01 09:10") == "2026-12-01T08:10:00Z"   # before the limit
    assert parse("2026-12-01 09:50") == "2026-12-01T08:50:00Z"   # after it: noted
    assert parse("2026-12-01 15:00") == "2026-12-01T14:00:00Z"   # after it: noted
    assert noted == ["2026-12-01 09:50", "2026-12-01 15:00"]


def test_a_pattern_with_a_month_name_caches_its_day_too():
    caches: dict = {}
    parse = timestamp_parser("%d %b, %Y %H:%M:%S", OSLO, caches=caches)
    # 15 Apr 2021 is CEST (UTC+2): 00:03 local is 22:03Z on the 14th.
    assert parse("15 Apr, 2021 00:03:00") == "2021-04-14T22:03:00Z"
    assert parse("15 Apr, 2021 17:45:10") == "2021-04-15T15:45:10Z"
    (hours, _days), = caches.values()
    assert hours["15 Apr, 2021 17"] == "2021-04-15T15"
