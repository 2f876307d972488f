"""Tables refit on every resize (issue 9, defect 1): after the terminal goes 120 → 80 → 120
columns, as when a projector is plugged in, every cell of the scorecard and wrap-up tables
is drawn whole or cut with '…', never clipped by a column left at its heading's width.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from meeting_fixtures import WEEKLY, demo_app, run_async, settle


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
            for _ in range(WEEKLY[section]):
                await pilot.press("right_square_bracket")
                await settle(pilot)
            table = app.screen.current_view.query_one(DataTable)
            _cells_drawn_whole(table)
            for width in (80, 120):
                await pilot.resize_terminal(width, 40)
                await settle(pilot)
                table = app.screen.current_view.query_one(DataTable)
                _cells_drawn_whole(table)
    run()
