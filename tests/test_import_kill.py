"""An import killed with SIGKILL halfway leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from smarketing_tui.cli import cli

ROWS = 200_000
FILLER = "x" * 200  # wide rows, so the write spills pages to the WAL before COMMIT


def write_big_csv(path):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("external_id,name,company,created_at\n")
        for number in range(ROWS):
            handle.write(f"big-{number},Kari Nordmann {number},{FILLER},"
                         f"2026-11-{number % 28 + 1:02d} 09:{number % 60:02d}\n")


def holds_write_lock(db_path) -> bool:
    probe = sqlite3.connect(db_path, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def snapshot(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return (conn.execute("SELECT external_id, name, created_at FROM leads ORDER BY id")
                .fetchall(), conn.execute("SELECT count(*) FROM imports").fetchone()[0],
                conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("existing", [False, True], ids=["empty store", "store with leads"])
def test_sigkill_mid_import_leaves_the_store_untouched(workspace, tmp_path, existing):
    if existing:  # with leads in the store the import stages rows and upserts
        small = tmp_path / "small.csv"
        small.write_text("external_id,name\nold-1,Åse\nold-2,Bjørn\n", encoding="utf-8")
        result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "import", "leads",
                                          str(small)])
        assert result.exit_code == 0, result.output
    before = snapshot(workspace.db_path)
    big = tmp_path / "big.csv"
    write_big_csv(big)
    wal = workspace.db_path.with_name(workspace.db_path.name + "-wal")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "smarketing_tui", "--workspace", str(workspace.root), "import",
         "leads", str(big)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        # Wait until the import holds the store's write lock, then until it has written
        # store pages to the WAL (or a little longer), and kill it before its COMMIT.
        give_up = time.monotonic() + 60
        while not holds_write_lock(workspace.db_path) and process.poll() is None \
                and time.monotonic() < give_up:
            time.sleep(0.01)
        wal_at_start = wal.stat().st_size if wal.exists() else 0
        kill_at = time.monotonic() + 5
        while process.poll() is None and time.monotonic() < kill_at:
            if wal.exists() and wal.stat().st_size > wal_at_start + 4_000_000:
                break
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL  # it was stopped, not finished
    after = snapshot(workspace.db_path)
    assert after == before
    assert after[2] == "ok"
    # And the store takes the next import as usual.
    again = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "import", "leads",
                                     str(big), "--dry-run"])
    assert again.exit_code == 0, again.output
