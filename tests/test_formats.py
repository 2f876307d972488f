"""Norwegian number, money, percent and date formats, and metric values for people."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest

from smarketing_tui.minutes import context_pairs
from smarketing_tui.reportformat import counts_text, format_count, format_value
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


N = NBSP  # number and unit are joined by a no-break space, and so are thousands


@pytest.mark.parametrize("value, unit, expected", [
    # share: percent with at most one decimal; a decimal that rounds to 0 is left out.
    (0.9449, "share", f"94,5{N}%"),      # 94,49 % -> one decimal: 94,5 (the 9 rounds the 4 up)
    (0.95, "share", f"95{N}%"),          # 95,0 % -> the ,0 is left out
    (0.9401, "share", f"94{N}%"),        # 94,01 % -> 94,0 -> 94 (the old CLI printed 94,0 %)
    (0.9996, "share", f"100{N}%"),       # 99,96 % -> 100,0 -> 100
    (0.1225, "share", f"12,3{N}%"),      # 12,25 % -> half up: 12,3
    (0.1055, "share", f"10,6{N}%"),      # 10,55 % as written (10,5499... in floats) -> 10,6
    (0.955, "share", f"95,5{N}%"),       # 95,5 %
    (1, "share", f"100{N}%"),            # an int share (a 100 % target in JSON) must not crash
    (0, "share", f"0{N}%"),
    # hours and days: at most one decimal, then the unit.
    (12.25, "hours", f"12,3{N}h"),       # 12,25 -> half up: 12,3 (not 12,2)
    (4.0, "hours", f"4{N}h"),            # 4,0 -> 4
    (4.04, "hours", f"4{N}h"),           # 4,04 -> 4,0 -> 4
    (0.96, "hours", f"1{N}h"),           # 0,96 -> 1,0 -> 1
    (2.5, "days", f"2,5{N}d"),
    (1234.5, "hours", f"1{N}234,5{N}h"),
    # count: whole numbers as they are, averages with at most one decimal.
    (3.0, "count", "3"),                 # a float that is whole: no decimal
    (2.5, "count", "2,5"),
    (2.35, "count", "2,4"),              # 2,35 -> half up: 2,4
    (104, "count", "104"),
    (1234567, "count", f"1{N}234{N}567"),
    (5, None, "5"),                      # no unit known: a count
    # money: whole currency units, grouped, the code after.
    (1234567, "money", f"1{N}234{N}567{N}NOK"),
    (812.5, "money", f"813{N}NOK"),      # 812,5 -> half up: 813 (half to even would give 812)
    # no value: one dash in every unit.
    (None, "count", "–"),
    (None, "share", "–"),
    (None, "hours", "–"),
    (None, "days", "–"),
    (None, "money", "–"),
    (None, None, "–"),
])
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected


def test_format_value_in_another_currency_and_for_text():
    assert format_value(1234567, "money", "EUR") == f"1{N}234{N}567{N}EUR"
    assert format_value("n/a", "count") == "n/a"  # a hand-edited snapshot: shown as it is


def test_counts_by_the_same_rule_in_their_own_units():
    # hours_to_first_contact shows p90, contacted, uncontacted, routing and response medians
    # (mqls and median stay in JSON): p90 12,25 h -> 12,3 h; response median 3,0 h -> 3 h;
    # routing median unknown -> –.
    counts = {"mqls": 10, "contacted": 8, "uncontacted": 2, "median": 3.25, "p90": 12.25,
              "routing_median": None, "response_median": 3.0}
    assert counts_text("hours_to_first_contact", counts) == (
        f"p90 12,3{N}h · contacted 8 · uncontacted 2 · routing median – · "
        f"response median 3{N}h")
    # median_days_mql_to_won: its p90 is in days (45,55 -> 45,6 d).
    assert counts_text("median_days_mql_to_won", {"p90": 45.55, "won": 4}) == (
        f"p90 45,6{N}d · won 4")
    # won: the amount in money, 1 234,5 -> half up: 1 235 NOK.
    assert counts_text("won", {"won": 3, "amount": 1234.5}) == f"amount 1{N}235{N}NOK"
    # a reason's share of the rejections: 2 of 3 = 66,67 % -> 66,7 %.
    assert format_count("share", 2 / 3, "rejection_reasons") == f"66,7{N}%"
    # mqls shows no counts by default; every=True shows them all, in their order.
    assert counts_text("mqls", {"mqls": 40}) == ""
    assert counts_text("mqls", {"mqls": 40, "x_y": 2.5}, every=True, separator=", ") == \
        "mqls 40, x y 2,5"


def test_decision_context_numbers_read_as_on_screen():
    # A scorecard line: actual/target/amber in the line's unit (share), counts in theirs.
    line = {"commitment": "speed", "actual": 0.9449, "target": 0.95, "amber": None,
            "unit": "share", "metric": "hours_to_first_contact", "comparison": ">=",
            "counts": {"p90": 12.25, "contacted": 8}, "running": True}
    # 0.9449 -> 94,49 % -> "94,5 %"; 0.95 -> "95 %"; p90 12.25 h -> "12,3 h"; running -> yes.
    assert context_pairs(line) == [
        ("Status", f"94,5{N}% against a target of ≥ 95{N}%"),
        ("Counts", f"p90 12,3{N}h · contacted 8"),
        ("Measured", "hours to first contact; SLA line speed"),
        ("running", "yes")]
    # A funnel row: rates are shares and amounts money by their names; a number of unknown
    # unit is a count (0,72 -> 0,7); keys in alphabetical order, whatever order they came in.
    funnel = {"total": {"accept_rate": 2 / 3, "won_amount": 1234567, "mqls": 12},
              "other": 0.72}
    assert context_pairs(funnel, currency="EUR") == [
        ("other", "0,7"),
        ("total", f"accept rate 66,7{N}%, won amount 1{N}234{N}567{N}EUR, mqls 12")]


def test_decision_context_of_the_minutes_reads_as_sentences_not_keys():
    """Defect 4: "Numbers on screen: evidence.counts.closed: 99; evidence.comparison: >=".
    An issue's decision context reads as the issue's own evidence does."""
    from smarketing_tui.minutes import context_lines

    context = {"section": "issues", "issue": 6, "title": "Too few touches",
               "evidence": {"comparison": ">=", "counts": {"closed": 99}, "target": 1,
                            "unit": "share", "actual": 0.5, "status": "red",
                            "period": "2026-11", "commitment": "min_touches"}}
    # 0.5 -> "50 %", 1 -> "100 %"; the closed count of an unknown metric is a count.
    assert context_lines(context) == [
        "Issue #6: Too few touches",
        f"2026-11: ○ off track, 50{N}% against a target of ≥ 100{N}%",
        "Counts: closed 99",
        "SLA line min_touches"]
    text = " ".join(context_lines(context))
    assert "evidence." not in text and ">=" not in text and "comparison" not in text


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


def test_cli_counts_wrap_between_counts_never_inside_one():
    from rich.console import Console

    from smarketing_tui.commands.report_cmds import Packed

    console = Console(width=14, record=True, file=io.StringIO())
    # "met 40 · missed 3" is 17 cells > 14: a new line; "missed 3 · p90 12,3 h" is 21 > 14:
    # another; "p90 12,3 h" (10) fits whole although Rich would break at its no-break space.
    console.print(Packed(["met 40", "missed 3", f"p90 12,3{N}h"]))
    assert console.export_text().replace(N, " ").splitlines() == ["met 40", "missed 3",
                                                                   "p90 12,3 h"]
    console = Console(width=30, record=True, file=io.StringIO())
    # 6 + 3 + 8 = 17 fits in 30; + 3 + 10 = 30 fits exactly.
    console.print(Packed(["met 40", "missed 3", f"p90 12,3{N}h"]))
    assert console.export_text().replace(N, " ").splitlines() == [
        "met 40 · missed 3 · p90 12,3 h"]


def test_the_one_sparkline_by_hand():
    from smarketing_tui.reportformat import sparkline

    # 0..10 over 8 levels (0-7): 5 -> 3.5, half up -> 4 ('▅'); 10 -> 7 ('█'); None -> '·'.
    assert sparkline([0, 5, 10, None]) == "▁▅█·"
    # 1.5 of 7 rounds half up to 2 ('▃') where round() would give 2 too; 2.5 -> 3 ('▄'),
    # where round() (half to even) would give 2: values 0, 3, 5 of 14 -> 0, 1.5, 2.5.
    assert sparkline([0, 3, 5, 14]) == "▁▃▄█"
    assert sparkline([4, 4, None]) == "▄▄·"  # flat: the middle block
    assert sparkline([None, None]) == "··" and sparkline([]) == ""
    assert sparkline([True, "x", 2, 3]) == "··▁█"  # only numbers count


def test_counted_puts_the_noun_in_the_form_that_goes_with_the_count():
    from smarketing_tui.timeutil import counted

    assert [counted(n, "decision") for n in (0, 1, 2)] == [
        "0 decisions", "1 decision", "2 decisions"]
    assert counted(1, "action item") == "1 action item"
    assert counted(1234, "lead") == "1\u00a0234 leads"  # Norwegian grouping
    assert counted(2, "person", "people") == "2 people"


@pytest.mark.parametrize("value, unit, expected", [
    # From 10^15 on, three significant digits (Decimal's default 28-digit context used to
    # raise InvalidOperation on 1e308 when it was rounded to one decimal).
    (1e308, None, "1e+308"),
    (1e308, "money", "1e+308\u00a0NOK"),
    (-1.5e20, "hours", "-1,5e+20\u00a0h"),
    (10**15, "count", "1e+15"),
    (1.2345e17, "days", "1,23e+17\u00a0d"),
    (1e308, "share", "1e+310\u00a0%"),
    # One below the limit is still written out in full.
    (999_999_999_999_999, "count", "999\u00a0999\u00a0999\u00a0999\u00a0999"),
])
def test_huge_numbers_are_written_short_not_as_a_traceback(value, unit, expected):
    assert format_value(value, unit) == expected


def test_json_text_refuses_infinity_and_nan_naming_where():
    from smarketing_tui.errors import UserError
    from smarketing_tui.reportformat import json_text

    assert json_text({"a": [1, 2.5, None]}) == '{"a": [1, 2.5, null]}'
    with pytest.raises(UserError) as error:
        json_text({"lines": [{"value": 1}, {"value": float("inf")}]}, indent=2)
    assert str(error.value) == ("cannot write JSON: lines[1].value is not a finite number "
                                "(infinity or NaN in the store?); JSON has no such number")
    with pytest.raises(UserError, match="^cannot write JSON: the value is not a finite number"):
        json_text(float("nan"))


def test_metrics_json_with_an_infinite_amount_in_the_store_is_one_line_exit_2(workspace):
    from click.testing import CliRunner
    from scorecard_data import lead

    from smarketing_tui.cli import cli
    from smarketing_tui.store import open_store

    db = open_store(workspace.db_path, workspace.settings())
    # An amount stored as infinity (an old import of a 400-digit number) on a lead won in Nov.
    lead(db.conn, created_at="2026-11-02T09:00:00Z", won_at="2026-11-10T09:00:00Z",
         amount=float("inf"))
    db.close()
    result = CliRunner().invoke(cli, ["-w", str(workspace.root), "metrics", "won_amount",
                                      "--period", "2026-11", "--format", "json"],
                                env={"SMARKETING_NOW": "2026-12-01T12:00:00Z"})
    assert (result.exit_code, result.output) == (2, (
        "Error: cannot write JSON: metrics[0].value is not a finite number (infinity or NaN in "
        "the store?); JSON has no such number\n"))
