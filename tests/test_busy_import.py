"""A meeting write made while a large import runs is stored, and the import stays
all-or-nothing: reading and staging the file take no write lock on the store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from test_import_kill import holds_write_lock, snapshot

from smarketing_tui import records, store
from smarketing_tui.errors import UserError
from smarketing_tui.importing import ImportRejected, choose_mapping, engine, run_import
from smarketing_tui.store import connect

ROWS = 200_000
DEADLINE = 120  # seconds: generous, for a loaded 2-core machine


def write_leads(path, rows=ROWS, *, bad_last=False, prefix="big"):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("external_id,name,created_at\n")
        for number in range(rows):
            handle.write(f"{prefix}-{number},Kari Nordmann {number},"
                         f"2026-11-{number % 28 + 1:02d} 09:{number % 60:02d}\n")
        if bad_last:
            handle.write(f"{prefix}-bad,Ola Hansen,not a date\n")


def new_meeting(conn) -> int:
    cursor = conn.execute(
        "INSERT INTO meetings (agenda_path, title, cadence, period_label, period_start, "
        "period_end, planned_minutes, created_at, started_at) VALUES ('weekly.yaml', 'Weekly', "
        "'weekly', '2026-W47', '2026-11-15T23:00:00Z', '2026-11-22T23:00:00Z', 45, "
        "'2026-11-23T08:00:00Z', '2026-11-23T08:00:00Z')")
    conn.commit()
    return cursor.lastrowid


def count(db_path, sql):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


class ImportInThread:
    """An import on its own connection and thread that, at its first progress report,
    waits (up to DEADLINE) until the test says go: whatever the test writes meanwhile
    is written while the import is halfway through reading the file."""

    def __init__(self, workspace, path, kind="leads"):
        self.started = threading.Event()
        self.go = threading.Event()
        self.result = None
        self.error = None
        mapping, _ = choose_mapping(kind, path)

        def progress(done, total):
            if not self.started.is_set():
                self.started.set()
                self.go.wait(DEADLINE)

        def work():
            conn = connect(workspace.db_path)
            try:
                self.result = run_import(conn, mapping, path, workspace_tz="Europe/Oslo",
                                         progress=progress)
            except BaseException as exc:  # handed to the test
                self.error = exc
            finally:
                conn.close()
                self.started.set()

        self.thread = threading.Thread(target=work)

    def __enter__(self):
        self.thread.start()
        assert self.started.wait(DEADLINE), "the import never reported progress"
        return self

    def __exit__(self, *exc):
        self.go.set()
        self.thread.join(DEADLINE)
        assert not self.thread.is_alive()


def test_a_decision_recorded_during_an_import_is_stored_and_the_import_completes(
        workspace, tmp_path, db):
    meeting = new_meeting(db.conn)
    big = tmp_path / "big.csv"
    write_leads(big)
    with ImportInThread(workspace, big) as running:
        assert running.error is None and running.result is None  # still reading the file
        assert not holds_write_lock(workspace.db_path)
        meeting_conn = connect(workspace.db_path)
        try:
            # The import waits for this write: with the lock held since its start,
            # this would wait out the busy timeout and fail with "database is locked".
            decision = records.add_decision(meeting_conn, meeting, "Pause the webinar ads")
        finally:
            meeting_conn.close()
    assert running.error is None, running.error
    assert running.result.inserted == ROWS
    assert [d.text for d in records.list_decisions(db.conn, meeting)] == [
        "Pause the webinar ads"]
    assert records.list_decisions(db.conn, meeting)[0].id == decision
    assert count(workspace.db_path, "SELECT count(*) FROM leads") == ROWS
    assert count(workspace.db_path, "SELECT count(*) FROM imports") == 1


def test_a_bad_last_row_writes_nothing_and_the_decision_is_kept(workspace, tmp_path, db):
    meeting = new_meeting(db.conn)
    big = tmp_path / "big.csv"
    write_leads(big, bad_last=True)
    with ImportInThread(workspace, big) as running:
        meeting_conn = connect(workspace.db_path)
        try:
            records.add_decision(meeting_conn, meeting, "Hire a second SDR")
        finally:
            meeting_conn.close()
    assert isinstance(running.error, ImportRejected)
    # The header is line 1 and the ROWS good rows lines 2..ROWS+1: the bad one is next.
    assert [p.line for p in running.error.report.problems] == [ROWS + 2]
    assert count(workspace.db_path, "SELECT count(*) FROM leads") == 0
    assert count(workspace.db_path, "SELECT count(*) FROM imports") == 0
    assert [d.text for d in records.list_decisions(db.conn, meeting)] == ["Hire a second SDR"]


def test_a_lead_deleted_between_the_checks_and_the_merge_fails_the_whole_import(
        workspace, tmp_path, db, monkeypatch):
    leads = tmp_path / "leads.csv"
    leads.write_text("external_id,name\nL1,Åse\nL2,Bjørn\n", encoding="utf-8")
    run_import(db.conn, choose_mapping("leads", leads)[0], leads, workspace_tz="Europe/Oslo")
    events = tmp_path / "events.csv"
    events.write_text("lead,type,outcome,at\n"
                      "L1,call,attempted,2026-11-02 09:30\n"
                      "L2,call,connected,2026-11-02 09:40\n", encoding="utf-8")
    take_lock = engine._begin_merge

    def delete_then_take_lock(conn):
        # Another session deletes L2 after the file was checked (L2 was there then),
        # just before the import takes the write lock for its merge.
        other = connect(workspace.db_path)
        try:
            with other:
                other.execute("DELETE FROM leads WHERE external_id = 'L2'")
        finally:
            other.close()
        take_lock(conn)

    monkeypatch.setattr(engine, "_begin_merge", delete_then_take_lock)
    with pytest.raises(UserError) as caught:
        run_import(db.conn, choose_mapping("events", events)[0], events,
                   workspace_tz="Europe/Oslo")
    # L2's event is the second data row: line 3 (the header is line 1).
    assert str(caught.value) == (
        "line 3: the lead 'L2' was deleted from the store while this file was being read; "
        "nothing imported (run the import again)")
    assert count(workspace.db_path, "SELECT count(*) FROM lead_events") == 0
    assert count(workspace.db_path, "SELECT count(*) FROM imports") == 1  # the leads import


def test_a_lead_imported_between_the_checks_and_the_merge_gets_its_deal(
        workspace, tmp_path, db, monkeypatch):
    leads = tmp_path / "leads.csv"
    leads.write_text("external_id,name\nL1,Åse\n", encoding="utf-8")
    run_import(db.conn, choose_mapping("leads", leads)[0], leads, workspace_tz="Europe/Oslo")
    deals = tmp_path / "deals.csv"
    deals.write_text("external_id,lead,status,closed_at\n"
                     "D1,L1,won,2026-11-02 09:30\n"
                     "D2,L2,won,2026-11-03 10:00\n", encoding="utf-8")
    take_lock = engine._begin_merge

    def add_lead_then_take_lock(conn):
        # Another session adds L2 after the file was checked (D2's lead was unknown then),
        # just before the import takes the write lock: the merge looks the leads up again.
        other = connect(workspace.db_path)
        try:
            with other:
                other.execute("INSERT INTO leads (external_id, name) VALUES ('L2', 'Bjørn')")
        finally:
            other.close()
        take_lock(conn)

    monkeypatch.setattr(engine, "_begin_merge", add_lead_then_take_lock)
    report = run_import(db.conn, choose_mapping("deals", deals)[0], deals,
                        workspace_tz="Europe/Oslo")
    assert report.deals_without_lead == 0
    linked = db.conn.execute("SELECT d.external_id, l.external_id, l.won_at FROM deals d "
                             "JOIN leads l ON l.id = d.lead_id ORDER BY d.external_id").fetchall()
    # 2026-11-03 10:00 in Oslo (UTC+1 in November) is 09:00 UTC.
    assert linked == [("D1", "L1", "2026-11-02T08:30:00Z"), ("D2", "L2", "2026-11-03T09:00:00Z")]


def test_a_person_deleted_between_the_checks_and_the_merge_fails_the_whole_import(
        workspace, tmp_path, db, monkeypatch):
    leads = tmp_path / "leads.csv"
    leads.write_text("external_id,name,owner\nL1,Åse,Kari Nordmann\nL2,Bjørn,Ola Hansen\n",
                     encoding="utf-8")
    take_lock = engine._begin_merge

    def delete_then_take_lock(conn):
        # Another session deletes Ola after the file was read (his id was looked up then),
        # just before the import takes the write lock for its merge.
        other = connect(workspace.db_path)
        try:
            with other:
                other.execute("DELETE FROM person_aliases WHERE person_id = "
                              "(SELECT id FROM people WHERE name = 'Ola Hansen')")
                other.execute("DELETE FROM people WHERE name = 'Ola Hansen'")
        finally:
            other.close()
        take_lock(conn)

    monkeypatch.setattr(engine, "_begin_merge", delete_then_take_lock)
    with pytest.raises(UserError) as caught:
        run_import(db.conn, choose_mapping("leads", leads)[0], leads, workspace_tz="Europe/Oslo")
    assert str(caught.value) == (
        "a person this file names was deleted from the store while the file was being read; "
        "nothing imported (run the import again)")
    assert count(workspace.db_path, "SELECT count(*) FROM leads") == 0
    assert count(workspace.db_path, "SELECT count(*) FROM imports") == 0
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # on again after


IMPORT_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from smarketing_tui.importing import choose_mapping, run_import
    from smarketing_tui.store import connect

    db, csv_path, marker = sys.argv[1:]
    def progress(done, total):
        Path(marker).touch()
    conn = connect(db)
    run_import(conn, choose_mapping("leads", csv_path)[0], csv_path,
               workspace_tz="Europe/Oslo", progress=progress)
""")


@pytest.mark.parametrize("phase", ["staging", "merge"])
def test_sigkill_while_staging_or_merging_leaves_the_store_as_before_or_complete(
        workspace, tmp_path, phase):
    small = tmp_path / "small.csv"
    small.write_text("external_id,name\nold-1,Åse\nold-2,Bjørn\n", encoding="utf-8")
    conn = connect(workspace.db_path)
    run_import(conn, choose_mapping("leads", small)[0], small, workspace_tz="Europe/Oslo")
    conn.close()
    before = snapshot(workspace.db_path)
    big = tmp_path / "big.csv"
    write_leads(big)
    marker = tmp_path / "staging-started"
    process = subprocess.Popen(
        [sys.executable, "-c", IMPORT_SCRIPT, str(workspace.db_path), str(big), str(marker)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        give_up = time.monotonic() + DEADLINE
        if phase == "staging":  # its first progress report: rows are being staged
            while not marker.exists() and process.poll() is None \
                    and time.monotonic() < give_up:
                time.sleep(0.01)
            assert marker.exists()
        else:  # the write lock is taken only for the merge
            while not holds_write_lock(workspace.db_path) and process.poll() is None \
                    and time.monotonic() < give_up:
                time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    after = snapshot(workspace.db_path)
    assert after[2] == "ok"
    if phase == "staging":
        assert process.returncode == -signal.SIGKILL
        assert after == before
    else:  # killed inside the merge, or (on a race) just after its COMMIT
        assert after == before or (len(after[0]) == 2 + ROWS and after[1] == 2)


def test_a_decision_waits_out_a_lock_held_past_the_busy_timeout_and_is_stored(
        workspace, db, monkeypatch):
    meeting = new_meeting(db.conn)
    noticed = threading.Event()
    monkeypatch.setattr(store, "_busy_notices", [])
    store.on_busy_wait(noticed.set)
    holder = sqlite3.connect(workspace.db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a long import's merge, say
    meeting_conn = connect(workspace.db_path)
    meeting_conn.execute("PRAGMA busy_timeout = 50")  # time out at once, and retry
    outcome = {}

    def record():
        try:
            outcome["id"] = records.add_decision(meeting_conn, meeting, "Move the launch")
        except BaseException as exc:
            outcome["error"] = exc

    writer = threading.Thread(target=record)
    writer.start()
    try:
        assert noticed.wait(DEADLINE)  # "saving…" is shown while the store is locked
        assert records.list_decisions(db.conn, meeting) == []
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    writer.join(DEADLINE)
    meeting_conn.close()
    assert "error" not in outcome, outcome.get("error")
    assert [(d.id, d.text) for d in records.list_decisions(db.conn, meeting)] == [
        (outcome["id"], "Move the launch")]
