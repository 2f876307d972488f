"""No meeting write is lost to a busy store: while another connection holds the write lock
(a long import), a record waits in the screen's save queue, "saving…" is shown, and it is
stored once the lock is released."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from rich.console import Console

from smarketing_tui import records
from smarketing_tui.errors import UserError
from smarketing_tui.savequeue import SaveQueue, is_busy
from smarketing_tui.store import open_connection
from smarketing_tui.tui.meeting_screen import MeetingScreen, TopBar

from meeting_fixtures import demo_app, run_async, settle

WAIT_SECONDS = 60  # generous: the test waits for the store's state, never for a time


def _hold_write_lock(db_path) -> sqlite3.Connection:
    """Another connection in the middle of a write transaction, as an import is."""
    holder = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def _meeting(conn) -> int:
    return conn.execute(
        "INSERT INTO meetings (agenda_path, title, cadence, period_label, period_start, "
        "period_end, planned_minutes, created_at) VALUES ('agendas/weekly.yaml', 'Weekly', "
        "'weekly', '2026-W47', '2026-11-16', '2026-11-22', 45, '2026-11-23T08:00:00Z')"
    ).lastrowid


def test_a_write_that_finds_the_store_busy_waits_in_order_then_is_stored(workspace):
    conn = open_connection(workspace.db_path)
    with conn:
        meeting_id = _meeting(conn)
    queue = SaveQueue(conn, wait_ms=50)
    stored = []

    def decision(text):
        return lambda: records.add_decision(conn, meeting_id, text, section_position=0,
                                            section_title="Check-in")

    holder = _hold_write_lock(workspace.db_path)
    assert queue.submit(decision("First"), stored.append) is False
    # Not tried before the first: kept behind it, so the two are stored in the order made.
    assert queue.submit(decision("Second"), stored.append) is False
    assert (len(queue), stored) == (2, [])
    assert holder.execute("SELECT COUNT(*) FROM decisions").fetchone() == (0,)
    assert queue.flush() is False  # still held
    holder.execute("COMMIT")
    assert queue.flush() is True and len(queue) == 0
    texts = conn.execute("SELECT id, text FROM decisions ORDER BY id").fetchall()
    assert [t for _, t in texts] == ["First", "Second"]
    assert stored == [i for i, _ in texts]  # done() had each one's id, in order
    # The connection's own busy timeout is back to the store's.
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    holder.close()
    conn.close()


def test_a_write_refused_for_its_content_is_dropped_with_its_error(workspace):
    conn = open_connection(workspace.db_path)
    with conn:
        meeting_id = _meeting(conn)
    queue = SaveQueue(conn)
    with pytest.raises(UserError):
        queue.submit(lambda: records.add_decision(conn, meeting_id, "   ", section_position=0,
                                                  section_title="Check-in"), print)
    assert len(queue) == 0
    assert is_busy(sqlite3.OperationalError("database is locked"))
    assert not is_busy(sqlite3.OperationalError("no such table: decisions"))
    conn.close()


def _top_bar_text(screen) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(screen.query_one(TopBar).content)
    return console.export_text()


async def _until(pilot, what: str, condition) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause()
        await asyncio.sleep(0.1)


@run_async
async def test_a_decision_recorded_while_the_store_is_locked_is_stored_after(demo_workspace):
    app = demo_app(demo_workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        store = sqlite3.connect(demo_workspace.db_path)
        (before,), = store.execute("SELECT COUNT(*) FROM decisions").fetchall()  # the demo's
        holder = _hold_write_lock(demo_workspace.db_path)
        try:
            await pilot.press("d")
            await settle(pilot)
            await pilot.press(*"Keep the webinar budget", "enter")
            await settle(pilot)
            assert app.screen is screen and app.is_running  # no traceback, no lost screen
            assert "saving 1 record…" in _top_bar_text(screen)
            assert holder.execute("SELECT COUNT(*) FROM decisions").fetchone() == (before,)
        finally:
            holder.execute("COMMIT")  # the import ends
            holder.close()
        await _until(pilot, "the decision in the store", lambda: store.execute(
            "SELECT COUNT(*) FROM decisions").fetchone() == (before + 1,))
        await settle(pilot)
        assert store.execute("SELECT meeting_id, section_position, text FROM decisions "
                             "ORDER BY id DESC LIMIT 1").fetchall() == [
            (screen.session.meeting_id, 0, "Keep the webinar budget")]
        assert "saving" not in _top_bar_text(screen)
        store.close()
