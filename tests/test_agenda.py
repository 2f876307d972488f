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
    assert types == ["checkin", "action_review", "funnel", "funnel", "funnel", "scorecard",
                     "lead_definition", "issues", "wrapup"]
    assert agenda.sections[2].options == {"by": "campaign", "cost": True}
    assert agenda.sections[3].options == {"by": "source"}
    assert agenda.sections[4].options == {"by": "first_asset"}  # content that brings customers
    # 3 + 4 + 10 + 7 + 8 + 12 + 6 + 7 + 3 = 60
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


@pytest.mark.parametrize(("change", "where", "message"), [
    # Section timeboxes: finite, from 0.5 to 600 minutes. GOOD's first timebox is at 7:14.
    (("minutes: 5", "minutes: .nan"), (7, 14),
     "minutes is .nan, not a finite number; expected the section's timebox in minutes: a number "
     "from 0.5 to 600"),
    (("minutes: 5", "minutes: .inf"), (7, 14), "minutes is .inf, not a finite number"),
    (("minutes: 5", "minutes: -.inf"), (7, 14), "minutes is -.inf, not a finite number"),
    (("minutes: 5", "minutes: 100000000000000000000000"), (7, 14),
     "minutes 1e+23 is out of range; expected the section's timebox in minutes"),
    (("minutes: 5", "minutes: 0.25"), (7, 14), "minutes 0.25 is out of range"),
    (("minutes: 5", "minutes: 601"), (7, 14), "minutes 601 is out of range"),
    (("minutes: 5", "minutes: true"), (7, 14), "minutes is not a number (got True)"),
    # The meeting: a whole number from 1 to 600 (line 3, col 10).
    (("minutes: 30", "minutes: 30.5"), (3, 10),
     "minutes 30.5 is not a whole number; expected the planned length of the meeting in minutes: "
     "a whole number from 1 to 600"),
    (("minutes: 30", "minutes: 6000"), (3, 10), "minutes 6000 is out of range"),
    (("minutes: 30", "minutes: .inf"), (3, 10), "minutes is .inf, not a finite number"),
    # Titles: one line of at most 200 characters.
    (("title: Sales", "title: \"Sales\\u0007\\u001b[2J\""), (8, 12),
     "title must be one line of text, without control characters"),
    (("title: Sales", "title: " + "x" * 201), (8, 12),
     "title has 201 characters; at most 200 fit a screen"),
    (("title: Sales", "title: [a, b]"), (8, 12), "title must be some text"),
    # Options: only what the section type reads, within bounds.
    (("    minutes: 10\n", "    minutes: 10\n    options: {top: 3}\n"), (12, 15),
     "a section of type activity takes no options"),
])
def test_numbers_and_texts_in_an_agenda_are_bounded(tmp_path, change, where, message):
    old, new = change
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InputError) as caught:
        load_agenda(path)
    assert str(caught.value).startswith(f"{path}:{where[0]}:{where[1]}: {message}"), \
        str(caught.value)


ISSUES = GOOD.replace("minutes: 30", "minutes: 40") + (
    "  - title: Issues\n    type: issues\n    minutes: 10\n    options: {top: TOP}\n")


@pytest.mark.parametrize(("top", "message"), [
    (".inf", "top is .inf, not a finite number; expected options.top: a whole number from 1 to 10"),
    ("0", "top 0 is out of range; expected options.top: a whole number from 1 to 10"),
    ("2.5", "top 2.5 is not a whole number; expected options.top: a whole number from 1 to 10"),
    ("many", "top is not a number (got 'many'); expected options.top: a whole number from 1 to "
             "10"),
])
def test_issue_section_options_are_bounded(tmp_path, top, message):
    path = _write(tmp_path, ISSUES.replace("TOP", top))
    with pytest.raises(InputError) as caught:
        load_agenda(path)
    # options: {top: ...} on line 15, the value at column 20
    assert str(caught.value) == f"{path}:15:20: {message}"


def test_funnel_and_issue_options_within_bounds_are_kept(tmp_path):
    text = ISSUES.replace("TOP", "10").replace("minutes: 40", "minutes: 50") + (
        "  - title: Funnel\n    type: funnel\n    minutes: 10\n"
        "    options: {by: campaign, cost: true}\n")
    agenda = load_agenda(_write(tmp_path, text))
    assert [s.options for s in agenda.sections] == [{}, {}, {"top": 10},
                                                     {"by": "campaign", "cost": True}]
    with pytest.raises(InputError, match=r":19:19: options.by 'owner' is not one of: source, "
                                         r"campaign, first_asset, .*, last_campaign$"):
        load_agenda(_write(tmp_path, text.replace("by: campaign", "by: owner")))
    with pytest.raises(InputError, match=r":19:35: options.cost 'yes' is not one of: true, false$"):
        load_agenda(_write(tmp_path, text.replace("cost: true", "cost: 'yes'")))


def test_fifty_sections_at_most(tmp_path):
    section = "  - title: Talk\n    type: discussion\n    minutes: 1\n"
    head = "title: Long\nminutes: 600\nsections:\n"
    assert len(load_agenda(_write(tmp_path, head + section * 50)).sections) == 50
    path = _write(tmp_path, head + section * 51)
    with pytest.raises(InputError) as caught:
        load_agenda(path)
    # the error sits where the list starts: line 4, column 3
    assert str(caught.value) == (f"{path}:4:3: sections has 51 sections; an agenda may have at "
                                 "most 50")


@pytest.mark.parametrize(("text", "got", "where"), [
    ("- title: Weekly\n- sections: []\n", "a list", (1, 1)),
    ("just words\n", "the single value 'just words'", (1, 1)),
    ("\n\n[1, 2]\n", "a list", (3, 1)),
])
def test_an_agenda_that_is_not_a_mapping_is_an_error_where_it_starts(tmp_path, text, got, where):
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_agenda(path)
    assert str(caught.value) == (f"{path}:{where[0]}:{where[1]}: an agenda must be a mapping with "
                                 f"title, cadence, minutes and sections (got {got})")


def test_check_refuses_an_agenda_that_is_a_list_and_run_refuses_a_nan_timebox(workspace):
    weekly = workspace.agendas_dir / "weekly.yaml"
    weekly.write_text("- title: Weekly\n- sections: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "check"])
    assert (result.exit_code, result.output.splitlines()) == (2, [
        f"{weekly}:1:1: an agenda must be a mapping with title, cadence, minutes and sections "
        "(got a list)",
        "Error: 1 file with errors"])
    weekly.write_text(GOOD.replace("minutes: 5", "minutes: .nan"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "run"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: {weekly}:7:14: minutes is .nan, not a finite number; expected the section's "
        "timebox in minutes: a number from 0.5 to 600")


def test_a_period_at_the_end_of_the_calendar_is_a_mistake_in_place(tmp_path):
    path = _write(tmp_path, GOOD.replace("title: Weekly\n", "title: Weekly\nperiod: 9999-W52\n"))
    with pytest.raises(InputError) as caught:
        load_agenda(path)
    assert str(caught.value).startswith(f"{path}:2:9: period '9999-W52' not understood; ")


def test_the_sla_name_is_plain_text(tmp_path):
    for value in ('"a\\0b"', "[a, b]", "''"):
        path = _write(tmp_path, GOOD.replace("title: Weekly\n", f"title: Weekly\nsla: {value}\n"))
        with pytest.raises(InputError) as caught:
            load_agenda(path)
        assert str(caught.value) == f"{path}:2:6: sla must name the SLA file, such as sla.yaml"


def test_a_huge_value_makes_an_error_line_that_fits_a_screen(tmp_path):
    path = _write(tmp_path, "title: a\nsections:\n  - {title: a, type: " + "q" * 100_000
                  + ", minutes: 1}\n")
    with pytest.raises(InputError) as caught:
        load_agenda(path)
    # "'qqq…';" is cut to its first 60 characters (the quote and 59 q); the rest stays whole.
    assert str(caught.value) == (f"{path}:3:22: unknown section type '{'q' * 59}… known types: "
                                 f"{', '.join(SECTION_TYPES)}")
    path = _write(tmp_path, "title: a\ncadence: " + "w " * 50_000 + "\nsections: []\n")
    with pytest.raises(InputError) as caught:
        load_agenda(path)
    reason = caught.value.reason
    assert len(reason) == 600 and " … " in reason and reason.endswith("is not one of: weekly, "
                                                                      "monthly")
