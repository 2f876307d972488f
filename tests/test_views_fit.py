"""Every section view fits its screen: in the real meeting app on the demo, at 80x24 and
120x40, no table is wider than the room its widget gets, and a detail panel follows right
below its table instead of sitting at the bottom of the view behind an empty band.
"""

from __future__ import annotations

import re

import pytest
from rich.console import Console
from rich.segment import Segment
from textual.widgets import DataTable, Static

from meeting_fixtures import WEEKLY, demo_app, run_async, settle

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


async def _walk(pilot, sections: int) -> None:
    await settle(pilot)
    for _ in range(sections):
        await pilot.press("right_square_bracket")
        await settle(pilot)


def _line_widths(renderable, width: int) -> list[int]:
    """The cell width of each line ``renderable`` draws at ``width``, nothing cropped."""
    console = Console(width=width, color_system=None, legacy_windows=False)
    lines = Segment.split_lines(console.render(renderable, console.options.update_width(width)))
    return [Segment.get_line_length(line) for line in lines]


def _plain(renderable, width: int) -> str:
    console = Console(width=width, color_system=None, record=True, legacy_windows=False)
    console.print(renderable)
    return console.export_text()


def _content_right(widget) -> int:
    """The first column right of the room a widget's content may use (scrollbar excluded)."""
    region = widget.content_region
    return region.x + region.width


@SIZES
@pytest.mark.parametrize("team", ["marketing", "sales"])
def test_activity_tables_fit_the_width_their_static_gets(demo_workspace, size, team):
    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=size) as pilot:
            await _walk(pilot, WEEKLY[team])
            report = app.screen.current_view.query_one("#activity-report", Static)
            width = report.content_region.width
            # The Static sits inside the view (host and scroll both pad 1 on each side).
            assert _content_right(report) <= _content_right(app.screen.query_one(
                "#section-host"))
            widths = _line_widths(report.content, width)
            assert max(widths) <= width, (max(widths), width)
            text = _plain(report.content, width)
            # Dates and numbers are never cut (no digit right before a '…' in the demo's
            # data), nor the headings of the number columns.
            assert not re.search(r"[\d.]…", text), text
            if team == "marketing":
                assert "Spend NOK" in text and "NOK/MQL" in text and "MQLs" in text
            else:
                assert "Won" in text and "Lost" in text and "Qty" in text
    run()


def test_fit_widths_by_hand():
    from smarketing_tui.tui.tablefit import fit_widths

    # Text 20 (min 8), number 5, text 10 (min 6), number 8; each column adds 3.
    # Natural: 43 + 12 = 55 > 50: the widest text column gives 5 -> 15.
    assert fit_widths(50, [20, 5, 10, 8], [8, None, 6, None], gap=3) == [15, 5, 10, 8]
    # At 30 the minimums need 8+5+6+8 + 12 = 39: the droppable third column goes
    # (8+5+8 + 9 = 30), then the first text column shrinks to its minimum 8.
    assert fit_widths(30, [20, 5, 10, 8], [8, None, 6, None], gap=3,
                      drop_order=[2]) == [8, 5, None, 8]
    # Room enough: nothing changes, nothing is dropped.
    assert fit_widths(100, [20, 5, 10, 8], [8, None, 6, None], gap=3,
                      drop_order=[2]) == [20, 5, 10, 8]
    # Nothing to drop at 25: text goes below its minimum (8 -> 3: 3+5+8 + 9 = 25).
    assert fit_widths(25, [20, 5, 8], [8, None, None], gap=3) == [3, 5, 8]
    # Above the minimums the one with more room over its minimum gives: 70-30 = 40 against
    # 15-12 = 3, so at 50 the first goes to 35 and the second keeps its 15.
    assert fit_widths(50, [70, 15], [30, 12], gap=0) == [35, 15]
    # Below the minimums (30 + 12 = 42) both give in proportion: at 21, half each: 15 and 6.
    assert fit_widths(21, [40, 15], [30, 12], gap=0) == [15, 6]
    # squeeze=False stops at the minimums: the table stays wider than asked.
    assert fit_widths(21, [40, 15], [30, 12], gap=0, squeeze=False) == [30, 12]


def _table_fits(table: DataTable) -> None:
    """All of the table's columns are in view: no horizontal scrolling needed."""
    room = table.scrollable_content_region.width
    assert table.virtual_size.width <= room, (table.virtual_size.width, room)
    assert not table.show_horizontal_scrollbar


def _follows(table: DataTable, detail) -> None:
    """The detail starts on the line right below the table's last line."""
    assert detail.region.y == table.region.y + table.region.height, (table.region, detail.region)


@SIZES
def test_action_review_table_fits_and_its_detail_follows_it(demo_workspace, size):
    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=size) as pilot:
            await _walk(pilot, WEEKLY["action_review"])
            table = app.screen.current_view.query_one("#action-table", DataTable)
            assert table.row_count == 6  # the demo's six items due for review
            _table_fits(table)
            # Heading + 6 rows, all in view; the detail right below them.
            assert table.region.height == 7
            detail = app.screen.current_view.query_one("#action-detail")
            _follows(table, detail)
            # The detail gets the rest of the view, down to its bottom.
            assert detail.region.bottom == app.screen.current_view.region.bottom
            labels = [column.label.plain for column in table.columns.values()]
            assert labels[0] == "Status" and "Due" in labels  # the dates are never dropped
    run()


@SIZES
def test_issues_table_fits_and_its_detail_follows_it(demo_workspace, size):
    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=size) as pilot:
            await _walk(pilot, WEEKLY["issues"])
            table = app.screen.current_view.query_one("#issues-table", DataTable)
            assert table.row_count == 4  # the demo's four open issues
            _table_fits(table)
            assert table.region.height == 5  # heading + 4 rows
            detail = app.screen.current_view.query_one("#issue-detail")
            _follows(table, detail)
            # The detail gets the rest of the view, down to its bottom.
            view = app.screen.current_view
            assert detail.region.bottom == view.region.bottom
            # The scorecard issue keeps its ▲ when its title is cut.
            assert table.get_row_at(0)[1].plain.endswith(" ▲")
    run()


@SIZES
@pytest.mark.parametrize("section", [2, 3], ids=["by_campaign_with_cost", "by_source"])
def test_funnel_table_fits_the_view(demo_workspace, size, section):
    @run_async
    async def run():
        app = demo_app(demo_workspace, "monthly.yaml")
        async with app.run_test(size=size) as pilot:
            await _walk(pilot, section)
            table = app.screen.current_view.query_one("#funnel-table", DataTable)
            _table_fits(table)
            labels = [column.label.plain for column in table.columns.values()]
            assert "MQLs" in labels and "Won" in labels
            if section == 2:  # campaign results are about cost: those columns stay
                assert "NOK/MQL" in labels and "NOK/won" in labels
    run()


def _with_talking_points_section(workspace) -> None:
    """The demo's weekly agenda with a talking points section first (10 more minutes)."""
    path = workspace.agendas_dir / "weekly.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("minutes: 45\n", "minutes: 55\n", 1).replace(
        "sections:\n", "sections:\n  - title: Talking points\n    type: talking_points\n"
        "    minutes: 10\n", 1)
    path.write_text(text, encoding="utf-8")


@SIZES
def test_talking_points_table_fits_and_its_detail_follows_it(demo_workspace, size):
    _with_talking_points_section(demo_workspace)

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=size) as pilot:
            await _walk(pilot, 0)
            table = app.screen.current_view.query_one("#points-table", DataTable)
            assert table.row_count == 3  # the demo's three prep points
            _table_fits(table)
            assert table.region.height == 4
            detail = app.screen.current_view.query_one("#point-detail")
            _follows(table, detail)
            assert detail.region.bottom == app.screen.current_view.region.bottom
    run()


@SIZES
def test_drill_down_fits_its_box_and_keeps_the_hint_in_view(demo_workspace, size):
    from smarketing_tui.tui.sections.dialogs import TableModal

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=size) as pilot:
            await _walk(pilot, WEEKLY["scorecard"])
            await pilot.press("enter")  # the leads behind the first (red) line
            await settle(pilot)
            assert isinstance(app.screen, TableModal)
            table = app.screen.query_one(DataTable)
            box = app.screen.query_one("Vertical")
            hint = app.screen.query(".hint").last()
            # The hint is drawn inside the box, below the table.
            assert hint.region.height == 1 and hint.region.y >= table.region.bottom
            assert hint.region.bottom <= box.content_region.bottom
            # Columns give way rather than names: the table fits at both sizes.
            _table_fits(table)
            labels = [column.label.plain for column in table.columns.values()]
            # The lead id first, never cut; the touches (what the line counts) beside it.
            assert labels[:3] == ["Lead", "Touches", "Name"], labels
            assert table.get_row_at(0)[0].plain.isdigit()
    run()


def test_reflow_joins_the_lines_of_a_paragraph_by_hand():
    from smarketing_tui.tui.sections.common import reflow

    # Two paragraphs; the second holds a list whose items keep their own lines (an item's
    # continuation line joins the item).
    text = "An MQL is\na person.\n\nNot MQLs:\n- students\n  and pupils\n- competitors\n"
    assert reflow(text) == ("An MQL is a person.\n\nNot MQLs:\n- students and pupils\n"
                            "- competitors")


@SIZES
def test_lead_definition_fills_its_lines(demo_workspace, size):
    @run_async
    async def run():
        app = demo_app(demo_workspace, "monthly.yaml")
        async with app.run_test(size=size) as pilot:
            await _walk(pilot, 6)  # the monthly agenda's lead definition review
            static = app.screen.query_one("#definition", Static)
            width = static.content_region.width
            lines = _plain(static.content, width).splitlines()
            first = next(i for i, line in enumerate(lines) if line.startswith("A marketing"))
            last = next(i for i, line in enumerate(lines) if "agreed list." in line)
            assert last > first
            # A filled paragraph: no line breaks where the next word would still have fit.
            for line, following in zip(lines[first:last], lines[first + 1:last + 1]):
                next_word = following.split()[0]
                assert len(line.rstrip()) + 1 + len(next_word) > width, (line, following)
            # The view's text starts one column in, as in every other view.
            assert static.content_region.x == app.screen.query_one(
                "#section-host").content_region.x + 1
    run()


@SIZES
def test_wrapup_key_line_breaks_between_keys(demo_workspace, size):
    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=size) as pilot:
            await _walk(pilot, WEEKLY["wrapup"])
            keys = app.screen.query_one("#wrapup-keys", Static)
            width = keys.content_region.width
            lines = [line.strip() for line in _plain(keys.content, width).splitlines()]
            # Every key stays on the line of its words: the rating keys, "E end meeting",
            # "M minutes" (at 80x24 the line breaks before "M minutes").
            for hint in ("1-9 rate", "0 rate 10", "x clear", "E end meeting", "M minutes"):
                assert any(hint in line for line in lines), (hint, lines)
            assert len(lines) == (2 if size == (80, 24) else 1)
    run()


@SIZES
def test_checkin_table_fits_with_a_long_checkin_line(demo_workspace, size):
    long_line = "Back from the trade fair in Oslo with forty business cards and a cold " * 2

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=size) as pilot:
            await _walk(pilot, WEEKLY["checkin"])
            await pilot.press("enter", *long_line.strip(), "enter")
            await settle(pilot)
            table = app.screen.query_one("#checkin-table", DataTable)
            _table_fits(table)
            cell = table.get_row_at(0)[3].plain
            assert cell.startswith("Back from") and cell.endswith("…")
    run()


@SIZES
def test_a_view_fills_its_table_once_when_it_opens_and_again_when_the_width_changes(
        demo_workspace, size, monkeypatch):
    # The view fits its table to the width it expects before its first layout; its first
    # resize brings that same width, so it must not fill the table a second time. A real
    # change of width (the terminal resized) fills it again, fitted to the new width.
    from smarketing_tui.tui.sections import action_review, checkin

    fills = []
    for module in (checkin, action_review):
        original = module.fill_table
        monkeypatch.setattr(module, "fill_table", lambda table, *a, _o=original, **k: (
            fills.append(table.id), _o(table, *a, **k))[1])

    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert fills == ["checkin-table"]
            await pilot.press("right_square_bracket")
            await settle(pilot)
            assert fills == ["checkin-table", "action-table"]
            await pilot.resize_terminal(size[0] + 20, size[1])
            await settle(pilot)
            assert fills == ["checkin-table", "action-table", "action-table"]
            table = app.screen.current_view.query_one("#action-table", DataTable)
            assert table.virtual_size.width <= table.size.width

    import asyncio

    asyncio.run(run())


def test_the_help_screen_lists_what_enter_does_in_the_section(demo_workspace):
    from smarketing_tui.tui.modals import HelpScreen

    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            title, rows = app.screen.groups[1]
            assert title == "This section: Check-in"
            assert [(key, words) for key, words, _tip in rows] == [
                ("⏎", "Check-in line"), ("p", "Here/away"), ("A", "All here")]

    import asyncio

    asyncio.run(run())
