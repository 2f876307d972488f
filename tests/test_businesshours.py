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


# ------------------------------------------------------------------ public holidays (NO)

def settings_with(tmp_path, holidays_yaml: str, days: str = "[mon, tue, wed, thu, fri]"):
    from smarketing_tui.workspace import load_settings

    path = tmp_path / "smarketing.yaml"
    path.write_text(f"business_hours:\n  days: {days}\n  holidays: {holidays_yaml}\n",
                    encoding="utf-8")
    return load_settings(path).business_hours


EASTER_2027 = ["2027-03-25", "2027-03-26", "2027-03-29"]   # Maundy Thu, Good Fri, Easter Mon
EASTER_2028 = ["2028-04-13", "2028-04-14", "2028-04-17"]
CHRISTMAS_2027 = ["2027-12-25", "2027-12-26"]               # a Saturday and a Sunday


def test_holidays_no_closes_easter_and_christmas_of_every_year(tmp_path):
    from smarketing_tui.businesshours import is_business_day

    # Unquoted NO is false in YAML 1.1; it still means Norway. A seven-day week, so that
    # Christmas 2027 (on a weekend) is closed because it is a holiday, not a weekend.
    every_day = "[mon, tue, wed, thu, fri, sat, sun]"
    norway = settings_with(tmp_path, "NO", every_day)
    assert norway.holiday_country == "NO"
    without = settings_with(tmp_path, "[]", every_day)
    for day in EASTER_2027 + EASTER_2028 + CHRISTMAS_2027 + ["2027-05-17", "2028-01-01"]:
        assert not is_business_day(date.fromisoformat(day), norway), day
        assert is_business_day(date.fromisoformat(day), without), day
    # The day before Easter and Christmas Eve 2027 stay working days.
    for day in ("2027-03-24", "2027-12-24"):
        assert is_business_day(date.fromisoformat(day), norway), day


def test_a_country_and_extra_dates_together(tmp_path):
    from smarketing_tui.businesshours import is_business_day

    hours = settings_with(tmp_path, "[NO, 2027-12-24, 2027-12-31]")
    assert (hours.holiday_country, hours.holidays) == ("NO", ("2027-12-24", "2027-12-31"))
    closed = [day for day in ("2027-12-23", "2027-12-24", "2027-12-27", "2027-12-31",
                              "2028-01-03") if not is_business_day(date.fromisoformat(day), hours)]
    assert closed == ["2027-12-24", "2027-12-31"]


def test_a_business_hours_duration_across_easter_2027(tmp_path):
    hours = settings_with(tmp_path, "NO")
    # Wed 24 Mar 2027 15:00 CET (14:00Z) to Tue 30 Mar 10:00 CEST (08:00Z; summer time starts
    # Sun 28 Mar). Wed 15-16 = 1 h; Thu 25 (Maundy Thursday), Fri 26 (Good Friday), the
    # weekend and Mon 29 (Easter Monday) are closed; Tue 08-10 = 2 h. 1 + 2 = 3 h.
    start, end = utc("2027-03-24T14:00:00Z"), utc("2027-03-30T08:00:00Z")
    assert business_hours_between(start, end, hours, TZ) == 3.0
    assert add_business_hours(start, 3, hours, TZ) == end
    # Without the holidays: 1 + Thu 8 + Fri 8 + Mon 8 + 2 = 27 h.
    assert business_hours_between(start, end, HOURS, TZ) == 27.0
    # The wall clock says 5 days 18 h = 138 h.
    assert (end - start).total_seconds() / 3600 == 138


def test_the_workspace_template_counts_easter_2027_as_closed(tmp_path):
    from smarketing_tui.businesshours import is_business_day
    from smarketing_tui.workspace import init_workspace

    hours = init_workspace(tmp_path / "ws").settings().business_hours
    assert hours.holiday_country == "NO"
    assert [d for d in EASTER_2027 + EASTER_2028
            if is_business_day(date.fromisoformat(d), hours)] == []


@pytest.mark.parametrize("value, message", [
    ("Norway", "smarketing.yaml:3:13: business_hours.holidays: 'Norway' is not a country the "
               "holidays package knows (did you mean 'NO'?); expected a country code such as "
               "NO, SE or DK"),
    ("[NO, SE]", "smarketing.yaml:3:18: holidays name two countries (NO and SE); keep one, and "
                 "list other closed days as dates"),
    ("[NO, 24.12.2027]", "smarketing.yaml:3:18: holiday '24.12.2027' is neither an ISO date "
                         "such as 2026-12-24 nor a country code such as NO (its public "
                         "holidays)"),
    ("12", "smarketing.yaml:3:13: holiday 12 is neither an ISO date such as 2026-12-24 nor a "
           "country code such as NO (its public holidays)"),
])
def test_bad_holidays_settings(tmp_path, monkeypatch, value, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as caught:
        settings_with(__import__("pathlib").Path("."), value)
    assert str(caught.value) == message


def test_an_unknown_country_code_is_reported_where_it_was_written(tmp_path, monkeypatch):
    from smarketing_tui.businesshours import check_holiday_country, is_business_day

    monkeypatch.chdir(tmp_path)
    # A code is checked when the clock first needs it (loading settings does not import the
    # holidays package), with a did-you-mean among the codes it knows.
    hours = settings_with(__import__("pathlib").Path("."), "NOO")
    expected = ("smarketing.yaml:3:13: business_hours.holidays: 'NOO' is not a country the "
                "holidays package knows (did you mean 'NO'?); expected a country code such as "
                "NO, SE or DK")
    with pytest.raises(UserError) as caught:
        check_holiday_country(hours)
    assert str(caught.value) == expected
    with pytest.raises(UserError) as caught:
        is_business_day(date(2027, 3, 26), hours)
    assert str(caught.value) == expected


def test_check_reports_an_unknown_country_code(workspace):
    from click.testing import CliRunner

    from smarketing_tui.cli import cli

    text = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(text.replace('  end: "16:00"\n',
                                                    '  end: "16:00"\n  holidays: [XQ]\n'),
                                       encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "check"])
    assert result.exit_code == 2
    # Line 8 of the settings (name, timezone, currency, business_hours, days, start, end).
    assert (f"{workspace.settings_path}:8:14: business_hours.holidays: 'XQ' is not a country "
            "the holidays package knows; expected a country code such as NO, SE or DK"
            in result.output)


def test_reading_the_settings_does_not_load_the_holidays_package(tmp_path):
    import subprocess
    import sys

    # The meeting's start-up reads the settings; the package costs ~60 ms to import.
    (tmp_path / "smarketing.yaml").write_text("business_hours:\n  holidays: [NO, 2026-12-24]\n",
                                              encoding="utf-8")
    code = ("import sys; from pathlib import Path; "
            "from smarketing_tui.workspace import load_settings; "
            f"hours = load_settings(Path({str(tmp_path / 'smarketing.yaml')!r})).business_hours; "
            "assert hours.holiday_country == 'NO'; print('holidays' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"SMARKETING_CACHE_DIR": "", "PATH": ""}, check=True)
    assert result.stdout.strip() == "False"
