"""Agenda files: the shipped templates load, and every mistake names file:line:col."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from smarketing_tui.agenda import SECTION_TYPES, load_agenda
from smarketing_tui.cli import cli
from smarketing_tui.errors import InputError
from smarketing_tui.workspace import template_dir

GOOD = """\
title: Weekly
cadence: weekly
minutes: 30
sections:
  - title: Check-in
    type: checkin
    minutes: 5
  - title: Sales
    type: activity
    team: sales
    minutes: 10
"""


def _write(tmp_path: Path, text: str, name: str = "agenda.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_weekly_agenda_is_45_minutes_of_the_seven_sections(workspace):
    agenda = load_agenda(workspace.agendas_dir / "weekly.yaml", workspace.settings())
    assert (agenda.title, agenda.cadence, agenda.planned_minutes, agenda.period_spec) == (
        "Weekly smarketing meeting", "weekly", 45, "last-week")
    assert [(s.type, s.team) for s in agenda.sections] == [
        ("checkin", None), ("action_review", None), ("activity", "marketing"),
        ("activity", "sales"), ("scorecard", None), ("issues", None), ("wrapup", None)]
    # 4 + 5 + 7 + 7 + 8 + 11 + 3 = 45
    assert sum(s.timebox_minutes for s in agenda.sections) == 45
    assert agenda.name == "weekly.yaml"
    assert agenda.sla_path == workspace.agendas_dir / "sla.yaml"


def test_shipped_monthly_agenda_is_a_60_minute_deep_dive(workspace):
    agenda = load_agenda(workspace.agendas_dir / "monthly.yaml", workspace.settings())
    assert (agenda.cadence, agenda.planned_minutes, agenda.period_spec) == (
        "monthly", 60, "last-month")
    types = [s.type for s in agenda.sections]
    assert types == ["checkin", "action_review", "funnel", "funnel", "scorecard",
                     "lead_definition", "issues", "wrapup"]
    assert agenda.sections[2].options == {"by": "campaign", "cost": True}
    assert agenda.sections[3].options == {"by": "source"}
    # 3 + 4 + 12 + 9 + 12 + 6 + 11 + 3 = 60
    assert sum(s.timebox_minutes for s in agenda.sections) == 60


def test_templates_in_the_package_are_the_ones_init_copies(workspace):
    for name in ("weekly.yaml", "monthly.yaml"):
        assert (workspace.agendas_dir / name).read_text(encoding="utf-8") == \
            (template_dir() / "agendas" / name).read_text(encoding="utf-8")


def test_a_good_agenda_loads_with_positions_and_seconds(tmp_path):
    agenda = load_agenda(_write(tmp_path, GOOD))
    assert [(s.position, s.title, s.timebox_seconds) for s in agenda.sections] == [
        (0, "Check-in", 300), (1, "Sales", 600)]


@pytest.mark.parametrize(("change", "where", "words"), [
    # an unknown type: line 9 col 11 is the value after "type: "
    (("type: activity", "type: activty"), (9, 11),
     ["unknown section type 'activty'", "did you mean 'activity'", "checkin, action_review"]),
    (("team: sales", "team: seals"), (10, 11), ["team 'seals'", "marketing, sales"]),
    (("    team: sales\n", ""), (8, 5), ["activity section needs team"]),
    (("cadence: weekly", "cadence: daily"), (2, 10), ["cadence 'daily'", "weekly, monthly"]),
    (("minutes: 5", "minutes: five"), (7, 14),
     ["minutes is not a number (got 'five')", "timebox in minutes: a number from 0.5 to 600"]),
    (("minutes: 30", "minutes: 12"), (3, 10), ["add up to 15 minutes", "12 minutes planned"]),
    (("    minutes: 5\n", "    minutes: 5\n    colour: red\n"), (8, 5),
     ["unknown key 'colour'", "expected one of: title, type, minutes"]),
    (("title: Weekly\n", "title: Weekly\nperiod: lastweek\n"), (2, 9),
     ["period 'lastweek' not understood", "last-week"]),
    (("    type: checkin\n", ""), (5, 5), ["missing required key 'type'"]),
])
def test_mistakes_are_reported_at_file_line_col(tmp_path, change, where, words):
    old, new = change
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InputError) as caught:
        load_agenda(path)
    error = caught.value
    assert (error.file, error.line, error.column) == (str(path), *where), str(error)
    for word in words:
        assert word in str(error)
    assert str(error).startswith(f"{path}:{where[0]}:{where[1]}: ")


def test_a_scorecard_section_needs_the_sla_file(tmp_path):
    text = GOOD.replace("title: Weekly\n", "title: Weekly\nsla: our-sla.yaml\n") + \
        "  - title: Scorecard\n    type: scorecard\n    minutes: 5\n"
    with pytest.raises(InputError, match=r"agenda.yaml:2:6: the SLA file 'our-sla.yaml' does not"):
        load_agenda(_write(tmp_path, text))
    (tmp_path / "our-sla.yaml").write_text("commitments: []\n", encoding="utf-8")
    assert load_agenda(tmp_path / "agenda.yaml").sla_path == tmp_path / "our-sla.yaml"


def test_empty_and_shapeless_files_say_what_an_agenda_needs(tmp_path):
    with pytest.raises(InputError, match="the agenda is empty"):
        load_agenda(_write(tmp_path, ""))
    with pytest.raises(InputError, match="sections must be a list"):
        load_agenda(_write(tmp_path, "title: X\nsections: many\n"))
    with pytest.raises(InputError, match=r":2:11: sections is empty"):
        load_agenda(_write(tmp_path, "title: X\nsections: []\n"))


def test_every_section_type_is_known_and_documented():
    assert set(SECTION_TYPES) == {"checkin", "action_review", "activity", "scorecard", "funnel",
                                  "issues", "talking_points", "wrapup", "discussion",
                                  "lead_definition"}


def test_check_command_reports_a_broken_agenda(workspace):
    (workspace.agendas_dir / "weekly.yaml").write_text(
        GOOD.replace("type: checkin", "type: chekin"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "check"])
    assert result.exit_code == 2
    assert f"{workspace.agendas_dir / 'weekly.yaml'}:6:11: unknown section type 'chekin' " \
           "(did you mean 'checkin'?)" in result.output


def test_run_refuses_a_broken_agenda_before_any_screen(workspace):
    (workspace.agendas_dir / "weekly.yaml").write_text(
        GOOD.replace("minutes: 30", "minutes: 0"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "run"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: {workspace.agendas_dir / 'weekly.yaml'}:3:10: minutes 0 is out of range; "
        "expected the planned length of the meeting in minutes: a whole number from 1 to 600")


def test_run_names_the_agendas_there_are_when_one_is_unknown(workspace):
    result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "run", "weekli"])
    assert result.exit_code == 2
    assert "no agenda 'weekli' (did you mean 'weekly'?)" in result.output


def test_a_control_character_in_an_agenda_is_placed_not_a_traceback(tmp_path):
    # Line 5 is "  - title: Check-in"; the ESC replaces the "C" at column 12.
    path = _write(tmp_path, GOOD.replace("title: Check-in", "title: \x1bheck-in"))
    with pytest.raises(InputError, match=r"agenda.yaml:5:12: invalid YAML: character U\+001B"):
        load_agenda(path)


def test_run_refuses_to_resume_what_cannot_be_resumed(workspace):
    base = ["--workspace", str(workspace.root), "run"]
    result = CliRunner().invoke(cli, [*base, "--resume", "999"])
    assert (result.exit_code, result.output.strip()) == (
        2, f"Error: no meeting #999 in {workspace.db_path}")
    result = CliRunner().invoke(cli, [*base, "--new", "--resume", "1"])
    assert (result.exit_code, result.output.strip()) == (
        2, "Error: --new and --resume exclude each other")
