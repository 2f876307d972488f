"""The drill-down lists the leads the SLA's exclude rules left out, in a section of their own
after the leads that count: in `smarketing drill` (table, md, csv) and in the meeting's modal.

The shipped sla.yaml excludes rejected reasons duplicate, student, competitor and existing
customer. Hand-made W46 (9-15 Nov 2026, Europe/Oslo) MQLs for speed_to_lead (first contact
within 24 business hours, weekdays 08-16):

    lead  MQL           what happened                               line
    Q1    Mon 9 09:00Z  called 10:00Z                               met
    S1    Mon 9 09:00Z  rejected "Bad fit" Wed 11, never contacted  missed (listed)
    D1    Tue 10 09:00Z rejected "Duplicate" 10:00Z, no touch       excluded as duplicate
"""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from meeting_fixtures import demo_app, run_async, settle, walk_to
from scorecard_data import event, lead
from textual.widgets import DataTable

from smarketing_tui.cli import cli
from smarketing_tui.store import open_store

NOW = "2026-11-18T11:00:00Z"  # Wed 18 Nov 2026 12:00 in Oslo


def _workspace(workspace):
    db = open_store(workspace.db_path, workspace.settings())
    conn = db.conn
    quick = lead(conn, "Q1", name="Quick AS", mql_at="2026-11-09T09:00:00Z", owner="Ola Hansen",
                 source="web", accepted_at="2026-11-10T09:00:00Z")
    event(conn, quick, "call", "2026-11-09T10:00:00Z", "connected")
    lead(conn, "S1", name="Silent AS", mql_at="2026-11-09T09:00:00Z", owner="Pål Sørensen",
         source="ads", rejected_at="2026-11-11T09:00:00Z", rejected_reason="Bad fit")
    lead(conn, "D1", name="[bold]Twice[/bold] AS", mql_at="2026-11-10T09:00:00Z",
         owner="Ola Hansen", source="web", rejected_at="2026-11-10T10:00:00Z",
         rejected_reason="Duplicate")
    db.close()
    return workspace


def _drill(workspace, *args):
    return CliRunner().invoke(cli, ["-w", str(workspace.root), "drill", "speed_to_lead", "-p",
                                    "2026-W46", *args],
                              env={"SMARKETING_NOW": NOW, "COLUMNS": "160"})


def test_the_table_lists_the_excluded_leads_after_the_missed(workspace):
    result = _drill(_workspace(workspace))
    assert result.exit_code == 0, result.output
    text = result.output
    # S1 is the one miss; D1 would have been a second without the rule.
    assert "1 rows" in text
    section = text.index("Left out by the SLA's exclude rules: 1 lead")
    assert text.index("S1") < section < text.index("D1")
    assert "D1" not in text[:section] and "Silent AS" not in text[section:]
    excluded = text[section:]
    assert "duplicate" in excluded and "[bold]Twice[/bold] AS" in excluded  # shown as text


def test_markdown_gives_the_excluded_a_section_of_their_own(workspace):
    result = _drill(_workspace(workspace), "-f", "md")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    heading = lines.index("### Left out by the SLA's exclude rules: 1 lead")
    assert [line for line in lines[:heading] if line.startswith("| S1 ")]
    rows = [line for line in lines[heading:] if line.startswith("| D1 ")]
    assert len(rows) == 1 and rows[0].endswith("| duplicate |")
    assert "\\[bold\\]Twice\\[/bold\\] AS" in rows[0]  # Markdown specials escaped
    assert lines[heading + 2].startswith("| Lead | Name |") and "Excluded as" in lines[heading + 2]


def test_csv_marks_the_excluded_rows_with_their_reason(workspace):
    result = _drill(_workspace(workspace), "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0])[-1] == "excluded"
    assert [(row["lead"], row["excluded"]) for row in rows] == [("S1", ""), ("D1", "duplicate")]
    assert rows[0]["status"] == "not contacted" and rows[1]["status"] == ""


def test_without_exclusions_the_csv_keeps_its_columns(workspace):
    (workspace.root / "agendas" / "sla.yaml").write_text(
        (workspace.root / "agendas" / "sla.yaml").read_text(encoding="utf-8").replace(
            "exclude:\n  - rejected_reason: [duplicate, student, competitor, existing customer]\n",
            ""), encoding="utf-8")
    result = _drill(_workspace(workspace), "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    # Without the rule D1 is a miss too (never contacted), and there is no `excluded` column.
    assert "excluded" not in rows[0]
    assert sorted(row["lead"] for row in rows) == ["D1", "S1"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_modal_lists_the_excluded_leads_below_and_both_fit(demo_workspace, size):
    from smarketing_tui.scorecard import drill
    from smarketing_tui.sla import load_sla
    from smarketing_tui.store import open_readonly
    from smarketing_tui.tui.sections.dialogs import TableModal

    seen = {}

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await walk_to(pilot, "scorecard")
            view = app.screen.query_one("ScorecardView")
            seen["line"] = view._current()
            await pilot.press("enter")  # the leads behind the first (red) line
            await settle(pilot)
            modal = app.screen
            assert isinstance(modal, TableModal)
            counted, excluded = modal.query_one("#rows", DataTable), modal.query_one(
                "#more-rows", DataTable)
            box = modal.query_one("Vertical")
            hint = modal.query(".hint").last()
            seen["reasons"] = [excluded.get_row_at(r)[-1].plain
                               for r in range(excluded.row_count)]
            seen["more"] = len(modal.more.rows)
            # The excluded table comes after the counted one, both and the hint in the box.
            assert counted.region.bottom <= excluded.region.y
            assert hint.region.height == 1 and hint.region.y >= excluded.region.bottom
            assert hint.region.bottom <= box.content_region.bottom
            assert counted.region.height >= 3 and excluded.region.height >= 3
            assert excluded.region.right <= box.content_region.right
            # The excluded leads need no sideways scrolling: on 80 columns the source
            # gives way, the reason is never cut (checked against the engine below).
            assert excluded.virtual_size.width <= excluded.scrollable_content_region.width
    run()

    # The modal lists what the engine's drill-down gives for that line, reasons last.
    workspace = demo_workspace
    settings = workspace.settings()
    conn = open_readonly(workspace.db_path)
    try:
        from meeting_fixtures import DEMO_NOW

        from smarketing_tui.periods import parse_period
        from smarketing_tui.timeutil import parse_utc

        as_of = parse_utc(DEMO_NOW)
        _c, _p, result = drill(conn, load_sla(workspace.sla_path, settings), settings,
                               seen["line"]["id"], parse_period("last-week", settings.timezone,
                                                                as_of), as_of, 200)
    finally:
        conn.close()
    assert result.excluded_total > 0
    assert seen["more"] == len(result.excluded)
    assert seen["reasons"] == [row["excluded"] for row in result.excluded]
    assert set(seen["reasons"]) <= {"duplicate", "student", "competitor", "existing customer"}
