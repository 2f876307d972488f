"""Mixed seating on hand-made teams: every cross-team pair in a cycle, no one-team group,
absentees left out, and the seating a meeting had kept in the store."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from smarketing_tui import seating
from smarketing_tui.cli import cli
from smarketing_tui.workspace import Person

MONDAY = date(2026, 12, 7)  # 2026-W50


def team(prefix: str, size: int, name: str) -> list[Person]:
    return [Person(f"{prefix}{n}", name) for n in range(1, size + 1)]


def cross_pairs(groups) -> set[tuple[str, str]]:
    pairs = set()
    for group in groups:
        for a, b in itertools.product(group, group):
            if a.team == "marketing" and b.team == "sales":
                pairs.add((a.name, b.name))
    return pairs


@pytest.mark.parametrize("marketers, sellers", [(4, 5), (3, 3), (2, 6), (5, 4), (1, 3)])
def test_a_cycle_seats_every_marketer_beside_every_seller(marketers, sellers):
    people = team("M", marketers, "marketing") + team("S", sellers, "sales")
    cycle = seating.cycle_weeks(people)
    assert cycle == min(marketers, sellers)
    weeks = seating.plan(people, MONDAY, cycle)
    seen = [cross_pairs(week.groups) for week in weeks]
    everyone = {(m.name, s.name) for m in people if m.team == "marketing"
                for s in people if s.team == "sales"}
    assert set().union(*seen) == everyone
    # Each pair once in the cycle: the weeks' pair sets are disjoint and add up.
    assert sum(len(pairs) for pairs in seen) == len(everyone)
    for week in weeks:
        seated = [p.name for group in week.groups for p in group]
        assert sorted(seated) == sorted(p.name for p in people)  # everyone once
        for group in week.groups:
            assert {p.team for p in group} == {"marketing", "sales"}
            assert group[0].team == "marketing"  # marketers first


def test_uneven_teams_make_threes_and_even_teams_pairs():
    people = team("M", 4, "marketing") + team("S", 5, "sales")
    sizes = sorted(len(g) for g in seating.seat_week(people, MONDAY).groups)
    assert sizes == [2, 2, 2, 3]  # 4 marketers anchor 4 groups; the 5th seller makes a three
    even = team("M", 3, "marketing") + team("S", 3, "sales")
    assert [len(g) for g in seating.seat_week(even, MONDAY).groups] == [2, 2, 2]
    lopsided = team("M", 2, "marketing") + team("S", 6, "sales")
    assert [len(g) for g in seating.seat_week(lopsided, MONDAY).groups] == [4, 4]


def test_the_groups_move_on_each_week_and_repeat_after_a_cycle():
    people = team("M", 3, "marketing") + team("S", 3, "sales")
    first, second, _, fourth = seating.plan(people, MONDAY, 4)
    assert cross_pairs(first.groups) != cross_pairs(second.groups)
    assert cross_pairs(first.groups) == cross_pairs(fourth.groups)
    # Any day of the week gives that week's groups.
    assert seating.seat_week(people, MONDAY + timedelta(days=3)) == first


@pytest.mark.parametrize("marketers, sellers, away", [
    (4, 5, ["S2"]), (4, 5, ["M1"]), (3, 3, ["S1", "S2"]), (2, 6, ["M2"]), (3, 3, ["M1", "S3"]),
])
def test_absentees_are_left_out_and_no_group_is_one_team(marketers, sellers, away):
    people = team("M", marketers, "marketing") + team("S", sellers, "sales")
    gone = [p for p in people if p.name in away]
    for week in seating.plan(people, MONDAY, 6, gone):
        seated = sorted(p.name for group in week.groups for p in group)
        assert seated == sorted(p.name for p in people if p.name not in away)
        assert [p.name for p in week.away] == away
        for group in week.groups:
            assert {p.team for p in group} == {"marketing", "sales"}


def test_a_whole_team_away_or_missing_seats_nobody_and_says_why():
    people = team("M", 2, "marketing") + team("S", 2, "sales")
    week = seating.seat_week(people, MONDAY, people[:2])
    assert week.groups == () and week.problem == "everyone in marketing is away"
    only_sales = team("S", 3, "sales")
    assert seating.cycle_weeks(only_sales) == 0
    assert seating.seat_week(only_sales, MONDAY).problem == "nobody in marketing in smarketing.yaml"


def test_recorded_seating_counts_in_the_history(tmp_path):
    from smarketing_tui.store import open_store
    from smarketing_tui.workspace import Settings

    people = (Person("Mari", "marketing"), Person("Kari", "sales"), Person("Ola", "sales"))
    settings = Settings(people=people)
    db = open_store(tmp_path / "s.db", settings)
    conn = db.conn
    # Started 23:30 UTC on Sunday the 6th and 13th: already Monday the 7th and 14th in Oslo.
    for number, started in ((1, "2026-12-06T23:30:00Z"), (2, "2026-12-13T23:30:00Z")):
        conn.execute(
            "INSERT INTO meetings (id, agenda_path, title, cadence, period_label, period_start, "
            "period_end, planned_minutes, created_at, started_at) VALUES (?, 'weekly.yaml', "
            "'Weekly', 'weekly', '2026-W49', '2026-11-30', '2026-12-06', 45, ?, ?)",
            (number, started, started))
    conn.commit()
    mari, kari, ola = people
    seating.record(conn, 1, seating.WeekSeating(MONDAY, ((mari, kari, ola),)))
    seating.record(conn, 2, seating.WeekSeating(MONDAY, ((mari, kari),)))
    # Recording again replaces: the second meeting now sat Mari with Ola only.
    seating.record(conn, 2, seating.WeekSeating(MONDAY, ((mari, ola),)))
    assert seating.recorded_groups(conn, 2) == [[("Mari", "marketing"), ("Ola", "sales")]]
    past = seating.history(conn, people, "Europe/Oslo")
    by_pair = {(p.marketer, p.seller): (p.times, p.last) for p in past.pairs}
    # Meeting 1 (7 Dec): Mari·Kari and Mari·Ola; meeting 2 (14 Dec): Mari·Ola. So Kari once,
    # Ola twice.
    assert by_pair == {("Mari", "Kari"): (1, date(2026, 12, 7)),
                       ("Mari", "Ola"): (2, date(2026, 12, 14))}
    assert past.meetings == 2 and past.never() == []
    db.close()


def _workspace(tmp_path, people_yaml: str):
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "ws")]).exit_code == 0
    settings = tmp_path / "ws" / "smarketing.yaml"
    text = settings.read_text(encoding="utf-8")
    head = text.split("people:")[0]
    settings.write_text(head + "people:\n" + people_yaml, encoding="utf-8")
    return runner, tmp_path / "ws"


PEOPLE = """\
  - {name: Mari, team: marketing}
  - {name: Siv, team: marketing}
  - {name: Kari, team: sales}
  - {name: Ola, team: sales}
  - {name: Per, team: sales}
"""


def test_cli_plans_a_cycle_with_an_absentee(tmp_path):
    runner, ws = _workspace(tmp_path, PEOPLE)
    result = runner.invoke(cli, ["-w", str(ws), "seating", "--from", "2026-W50",
                                 "--absent", "per", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["cycle_weeks"] == 2 and [w["week"] for w in data["weeks"]] == ["2026-W50",
                                                                              "2026-W51"]
    pairs = set()
    for week in data["weeks"]:
        assert week["absent"] == ["Per"]
        for group in week["groups"]:
            names = {p["name"] for p in group}
            assert "Per" not in names
            assert {p["team"] for p in group} == {"marketing", "sales"}
            pairs |= {(a["name"], b["name"]) for a in group for b in group
                      if a["team"] == "marketing" and b["team"] == "sales"}
    assert pairs == {("Mari", "Kari"), ("Mari", "Ola"), ("Siv", "Kari"), ("Siv", "Ola")}
    table = runner.invoke(cli, ["-w", str(ws), "seating", "--from", "2026-W50", "--weeks", "1"])
    assert table.exit_code == 0
    assert "2026-W50" in table.output and "(marketing) · " in table.output
    assert "2026-W51" not in table.output


def test_cli_refuses_an_unknown_absentee_in_one_line(tmp_path):
    runner, ws = _workspace(tmp_path, PEOPLE)
    result = runner.invoke(cli, ["-w", str(ws), "seating", "--absent", "Maria"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "unknown person 'Maria'" in result.output
    assert "Mari" in result.output  # the suggestion
    both = runner.invoke(cli, ["-w", str(ws), "seating", "--history", "--weeks", "2"])
    assert both.exit_code == 2 and "--history" in both.output


def test_cli_history_lists_every_pair_not_yet_seated(tmp_path):
    runner, ws = _workspace(tmp_path, PEOPLE)
    result = runner.invoke(cli, ["-w", str(ws), "seating", "--history"])
    assert result.exit_code == 0, result.output
    # 2 marketers × 3 sellers = 6 pairs, no meeting recorded any.
    assert "6 pairs of 6 have not sat together yet." in result.output
    assert result.output.count("not yet") == 6
