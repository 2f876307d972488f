"""Tables refit on every resize (issue 9, defect 1): after the terminal goes 120 → 80 → 120
columns, as when a projector is plugged in, every cell of the scorecard and wrap-up tables
is drawn whole or cut with '…', never clipped by a column left at its heading's width.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from meeting_fixtures import demo_app, run_async, settle, walk_to


def _paint_before_idle(monkeypatch) -> None:
    """Paint each table before its idle handler runs, as a real terminal does.

    In a terminal, the screen is drawn between a view refilling its table (on the view's
    resize) and the table's own idle handler, where DataTable measures the new cells. A
    column added without a width is drawn at its heading's width in that paint, and the
    drawn lines stay in the table's line cache after the measure. The headless test driver
    seldom paints in that gap, so this test makes it paint there every time.
    """
    original = DataTable._on_idle

    async def paint_first(self, event):
        for y in range(self.size.height):
            self.render_line(y)
        await original(self, event)

    monkeypatch.setattr(DataTable, "_on_idle", paint_first)


def _drawn_rows(table: DataTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def _cells_drawn_whole(table: DataTable) -> None:
    """Every cell's text is on its row's drawn line (cells cut on purpose end in '…')."""
    lines = _drawn_rows(table)
    assert table.row_count and len(lines) > table.row_count
    for row in range(table.row_count):
        line = lines[row + 1]  # below the heading
        for cell in table.get_row_at(row):
            text = cell.plain.strip()
            assert text in line, (text, line)
    headings = lines[0]
    for column in table.columns.values():
        assert column.label.plain.strip() in headings, (column.label.plain, headings)


@pytest.mark.parametrize("section", ["scorecard", "wrapup"])
def test_tables_refit_after_a_resize_120_80_120(demo_workspace, monkeypatch, section):
    _paint_before_idle(monkeypatch)

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await walk_to(pilot, section)
            table = app.screen.current_view.query_one(DataTable)
            _cells_drawn_whole(table)
            for width in (80, 120):
                await pilot.resize_terminal(width, 40)
                await settle(pilot)
                table = app.screen.current_view.query_one(DataTable)
                _cells_drawn_whole(table)
    run()


async def _drill_into(pilot, metric: str) -> None:
    """On the scorecard, open the leads behind the first line judged by ``metric``."""
    view = pilot.app.screen.current_view
    line = next(line for line in view._lines.values() if line.get("metric") == metric)
    table = view.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(line["id"]))
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


def _drill_fits(app) -> list[str]:
    """The drill-down's table needs no sideways scrolling, and no name is cut; its headings."""
    table = app.screen.query_one("#rows", DataTable)
    assert table.virtual_size.width <= table.scrollable_content_region.width, (
        table.virtual_size.width, table.scrollable_content_region.width)
    labels = [column.label.plain for column in table.columns.values()]
    names = labels.index("Name")
    assert not any(table.get_row_at(r)[names].plain.endswith("…")
                   for r in range(table.row_count))
    return labels


def test_drill_down_shows_what_matters_first_and_refits_on_a_resize(demo_workspace):
    from smarketing_tui.tui.sections.dialogs import TableModal

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await walk_to(pilot, "scorecard")
            await _drill_into(pilot, "first_contact_within")
            assert isinstance(app.screen, TableModal)
            # The lead, then how late and why: the numbers the line is judged by come
            # before the name, owner and dates; the source and the MQL stamp give way.
            wide = _drill_fits(app)
            assert wide[:3] == ["Lead", "Hours late", "Status"], wide
            assert "Name" in wide and "Owner" in wide and "Source" not in wide
            await pilot.resize_terminal(80, 24)
            await settle(pilot)
            narrow = _drill_fits(app)
            assert narrow[:3] == ["Lead", "Hours late", "Status"] and len(narrow) < len(wide)
            await pilot.resize_terminal(120, 40)
            await settle(pilot)
            assert _drill_fits(app) == wide
    run()


def test_drill_layout_by_hand():
    from smarketing_tui.tui.sections.scorecard import drill_layout

    keys = ["lead", "name", "owner", "source", "mql_at", "deadline", "first_contact", "status",
            "hours_late"]
    order, drop = drill_layout(keys, "hours_late")
    # The id, the measure (8), the status (7), name and owner, then the rest in order.
    assert order == [0, 8, 7, 1, 2, 3, 4, 5, 6]
    # Source and MQL stamp first, then the rest from the left, the owner last; the id,
    # measure, status and name never.
    assert drop == [3, 4, 5, 6, 2]
    # No measure given: the last column; a table of one column keeps it.
    assert drill_layout(["lead", "name", "touches"]) == ([0, 2, 1], [])
    assert drill_layout(["campaign"]) == ([0], [])


def test_a_drill_names_the_column_it_ranks_by():
    from smarketing_tui.metrics.engine import _sort_column

    columns = [("lead", "Lead"), ("first_contact", "First"), ("hours", "Hours")]
    assert _sort_column("hours DESC, lead", columns) == "hours"
    # A test on a column groups the rows; the first plain column ranks them.
    assert _sort_column("first_contact IS NOT NULL, hours DESC, lead", columns) == "hours"
    assert _sort_column("amount DESC", columns) is None  # not a column shown
