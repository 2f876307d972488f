"""Snapshots of the section views in the real app, on the demo data, at 80x24 and 120x40.

The demo is built for a fixed day and the clock is frozen (SMARKETING_NOW and the app's
clock), so the numbers, dates and timers are the same on every run. Each test walks to its
section with ``]`` and waits for the view's workers before the picture is taken.
Update after an intended change: pytest tests/test_snapshots.py --snapshot-update
(then look at the SVGs in tests/__snapshots__/test_snapshots/ before committing them).
"""

from __future__ import annotations

import pytest

from meeting_fixtures import WEEKLY, demo_app, settle

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


async def _settle(pilot) -> None:
    """The view settled (meeting_fixtures.settle), and no toast left over the picture."""
    await settle(pilot)
    for toast in list(pilot.app._notifications):
        pilot.app._unnotify(toast)
    await pilot.pause()


def _go(position: int, *keys: str):
    """run_before: walk ``position`` sections ahead, settle, then press ``keys``."""
    async def run(pilot):
        await _settle(pilot)
        for _ in range(position):
            await pilot.press("right_square_bracket")
            await _settle(pilot)
        if keys:
            await pilot.press(*keys)
            await _settle(pilot)
    return run


@SIZES
def test_checkin(snap_compare, demo_workspace, size):
    # Everyone here, then the second person away with a check-in line.
    walk = _go(WEEKLY["checkin"], "A", "down", "p", "enter", *"At the fair", "enter")
    assert snap_compare(demo_app(demo_workspace), terminal_size=size, run_before=walk)


@SIZES
def test_action_review(snap_compare, demo_workspace, size):
    walk = _go(WEEKLY["action_review"], "x", "down", "down", "D")
    assert snap_compare(demo_app(demo_workspace), terminal_size=size, run_before=walk)


@SIZES
def test_marketing_activity(snap_compare, demo_workspace, size):
    assert snap_compare(demo_app(demo_workspace), terminal_size=size,
                        run_before=_go(WEEKLY["marketing"]))


@SIZES
def test_sales_activity(snap_compare, demo_workspace, size):
    assert snap_compare(demo_app(demo_workspace), terminal_size=size,
                        run_before=_go(WEEKLY["sales"]))


@SIZES
def test_scorecard(snap_compare, demo_workspace, size):
    assert snap_compare(demo_app(demo_workspace), terminal_size=size,
                        run_before=_go(WEEKLY["scorecard"]))


def test_scorecard_drill_down(snap_compare, demo_workspace):
    assert snap_compare(demo_app(demo_workspace), terminal_size=(120, 40),
                        run_before=_go(WEEKLY["scorecard"], "enter"))


@SIZES
def test_issues(snap_compare, demo_workspace, size):
    # The second issue becomes number 3 (after the two the demo ranked): the top three picked.
    walk = _go(WEEKLY["issues"], "down", "down", "3")
    assert snap_compare(demo_app(demo_workspace), terminal_size=size, run_before=walk)


@SIZES
def test_solve_dialog(snap_compare, demo_workspace, size):
    walk = _go(WEEKLY["issues"], "s", *"SDRs take every webinar lead", "enter")
    assert snap_compare(demo_app(demo_workspace), terminal_size=size, run_before=walk)


@SIZES
def test_wrapup(snap_compare, demo_workspace, size):
    async def walk(pilot):
        await _go(0, "A")(pilot)
        await pilot.press("d", *"Webinar leads go to the SDR queue", "enter")
        await pilot.press("a", *"Set up the routing rule", "enter", *"Amir", "enter", "enter")
        await _settle(pilot)
        await _go(WEEKLY["wrapup"], "8", "9", "0", "7")(pilot)
    assert snap_compare(demo_app(demo_workspace), terminal_size=size, run_before=walk)


@SIZES
def test_funnel_monthly(snap_compare, demo_workspace, size):
    # The monthly agenda's third section: campaign results with cost per MQL and per won deal.
    assert snap_compare(demo_app(demo_workspace, "monthly.yaml"), terminal_size=size,
                        run_before=_go(2))


def _resized(position: int, size: tuple[int, int], *keys: str):
    """run_before: at 120x40, walk to ``position`` (and press ``keys``), then resize the
    terminal as a projector does: to 80x24 and, for a 120x40 picture, back to 120x40."""
    async def run(pilot):
        await _go(position, *keys)(pilot)
        await pilot.resize_terminal(80, 24)
        await _settle(pilot)
        if size == (120, 40):
            await pilot.resize_terminal(120, 40)
            await _settle(pilot)
    return run


@pytest.fixture
def painted_before_idle(monkeypatch):
    """Tables painted before DataTable measures their cells, as in a terminal after a
    resize (see test_resize.py): a table drawn at its headings' widths shows here."""
    from test_resize import _paint_before_idle

    _paint_before_idle(monkeypatch)


@SIZES
def test_scorecard_after_a_resize(snap_compare, demo_workspace, painted_before_idle, size):
    assert snap_compare(demo_app(demo_workspace), terminal_size=(120, 40),
                        run_before=_resized(WEEKLY["scorecard"], size))


@SIZES
def test_wrapup_after_a_resize(snap_compare, demo_workspace, painted_before_idle, size):
    assert snap_compare(demo_app(demo_workspace), terminal_size=(120, 40),
                        run_before=_resized(WEEKLY["wrapup"], size))


@SIZES
def test_drill_down_after_a_resize(snap_compare, demo_workspace, painted_before_idle, size):
    assert snap_compare(demo_app(demo_workspace), terminal_size=(120, 40),
                        run_before=_resized(WEEKLY["scorecard"], size, "enter"))
