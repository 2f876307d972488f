"""`smarketing backup`, the copy before each migration, and `smarketing check --store`.

A backup is made with SQLite's backup API: taken while another connection holds an open
write transaction, or while rows are written meanwhile, the copy opens, passes
``PRAGMA integrity_check`` and holds exactly what was committed. It never goes over the
store or a file of the workspace. A store of an older schema is copied to
``backups/<name>-v<old>-<timestamp>.db`` before it is migrated.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from smarketing_tui import store
from smarketing_tui.backup import backup_store
from smarketing_tui.errors import BrokenEnvironment

WAIT_SECONDS = 60


def smarketing(workspace, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARKETING_")}
    env.update(SMARKETING_WORKSPACE=str(workspace.root),
               SMARKETING_CACHE_DIR=os.environ.get("SMARKETING_CACHE_DIR", ""))
    return subprocess.run([sys.executable, "-m", "smarketing_tui", *args], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=WAIT_SECONDS)


def add_issues(path: Path, *titles: str) -> None:
    conn = store.connect(path)
    try:
        with conn:
            conn.executemany("INSERT INTO issues (title, raised_at) "
                             "VALUES (?, '2026-11-23T08:00:00Z')", [(t,) for t in titles])
    finally:
        conn.close()


def issues_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return [row[0] for row in conn.execute("SELECT title FROM issues ORDER BY id")]
    finally:
        conn.close()


def backups(workspace) -> list[Path]:
    folder = workspace.root / "backups"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_backup_taken_during_an_open_write_holds_what_was_committed(workspace):
    add_issues(workspace.db_path, "Committed one", "Committed two")
    writer = store.connect(workspace.db_path)
    try:
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock through the backup
        writer.execute("INSERT INTO issues (title, raised_at) VALUES ('Not yet', '2026-11-23')")
        result = smarketing(workspace, "backup")
        assert (result.returncode, result.stderr) == (0, "")
        (copy,) = backups(workspace)
        assert result.stdout == f"Backed up {workspace.db_path} to {copy}\n"
        assert copy.name.startswith("smarketing-") and copy.suffix == ".db"
        assert issues_in(copy) == ["Committed one", "Committed two"]
        writer.execute("COMMIT")
    finally:
        writer.close()
    second = tmp = workspace.root / "second.db"
    assert smarketing(workspace, "backup", str(tmp)).returncode == 0
    assert issues_in(second) == ["Committed one", "Committed two", "Not yet"]
    # The copy stands alone: no -wal beside it, and it is not in WAL mode.
    assert not Path(f"{second}-wal").exists()
    conn = sqlite3.connect(second)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()


def test_backups_taken_while_rows_are_written_are_each_consistent(workspace, tmp_path):
    stop = threading.Event()
    written = [0]

    def write() -> None:
        conn = store.connect(workspace.db_path)
        try:
            while not stop.is_set():
                with conn:
                    conn.execute("INSERT INTO issues (title, raised_at) VALUES (?, '2026-11-23')",
                                 (f"Issue {written[0] + 1}",))
                written[0] += 1
        finally:
            conn.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        copies = []
        for number in range(5):
            before = written[0]
            target = backup_store(workspace.db_path, tmp_path / f"copy{number}.db")
            after = written[0]
            copies.append((before, issues_in(target), after))
    finally:
        stop.set()
        thread.join(WAIT_SECONDS)
    for before, titles, after in copies:
        # Every committed row up to the copy, in order, none torn: Issue 1 .. Issue n.
        assert titles == [f"Issue {n}" for n in range(1, len(titles) + 1)]
        assert before <= len(titles) <= after + 1


@pytest.mark.parametrize("target, says", [
    ("data/smarketing.db", "{path} is the store itself; a backup goes to another file"),
    ("data/smarketing.db-wal", "{path} is the store itself"),
    ("smarketing.yaml", "{path} is a file of the workspace; refusing to write a backup over it"),
    ("agendas/weekly.yaml", "{path} is a file of the workspace; refusing to write a backup "
                            "over it"),
    ("missing/copy.db", "folder {path.parent} does not exist; create it first"),
])
def test_a_backup_never_goes_over_an_input(workspace, target, says):
    path = workspace.root / target
    if target.endswith("-wal"):
        path.write_bytes(b"")
    before = {p: p.read_bytes() for p in workspace.root.rglob("*") if p.is_file()}
    result = smarketing(workspace, "backup", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: " + says.format(path=path))
    assert result.stderr.count("\n") == 1
    after = {p: p.read_bytes() for p in workspace.root.rglob("*") if p.is_file()}
    assert after == before


def test_a_file_outside_that_is_not_a_backup_is_not_overwritten(workspace, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text("Dear team", encoding="utf-8")
    result = smarketing(workspace, "backup", str(letter))
    assert result.returncode == 2
    assert "exists and is not an earlier backup" in result.stderr
    assert letter.read_text(encoding="utf-8") == "Dear team"
    # An earlier backup may be replaced by a newer one.
    earlier = tmp_path / "earlier.db"
    assert smarketing(workspace, "backup", str(earlier)).returncode == 0
    add_issues(workspace.db_path, "Newer")
    assert smarketing(workspace, "backup", str(earlier)).returncode == 0
    assert issues_in(earlier) == ["Newer"]


def test_a_folder_target_gets_a_timestamped_file(workspace, tmp_path):
    result = smarketing(workspace, "backup", f"{tmp_path}/")
    assert result.returncode == 0
    (copy,) = [p for p in tmp_path.iterdir() if p.suffix == ".db"]
    assert copy.name.startswith("smarketing-")
    assert issues_in(copy) == []


# -- before a migration ---------------------------------------------------------------------


def schema_2_store(path: Path) -> None:
    """A store as smarketing-tui wrote it at schema 2, with an issue in it."""
    conn = sqlite3.connect(path)
    try:
        for script in store.MIGRATIONS[:2]:
            conn.executescript(script)
        conn.execute("INSERT INTO issues (title, raised_at) VALUES ('Old issue', '2026-01-05')")
        conn.execute("PRAGMA user_version = 2")
        conn.commit()
    finally:
        conn.close()


def schema_of(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def test_an_old_store_is_backed_up_before_it_is_migrated(workspace):
    workspace.db_path.unlink()
    schema_2_store(workspace.db_path)
    original = schema_of(workspace.db_path)

    result = smarketing(workspace, "actions")  # any command that opens the store
    assert result.returncode == 0, result.stderr

    (copy,) = backups(workspace)
    assert copy.name.startswith("smarketing-v2-") and copy.suffix == ".db"
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA user_version").fetchone() == (2,)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'deals'").fetchall() == []
    conn.close()
    assert issues_in(copy) == ["Old issue"]
    assert schema_of(copy) == original  # the schema-2 store as it was, table for table
    conn = sqlite3.connect(workspace.db_path)
    assert conn.execute("PRAGMA user_version").fetchone() == (store.SCHEMA_VERSION,)
    conn.close()
    # Once migrated, opening it again makes no further copy.
    assert smarketing(workspace, "actions").returncode == 0
    assert len(backups(workspace)) == 1


def test_a_new_store_is_not_backed_up(tmp_path):
    store.open_store(tmp_path / "fresh.db").close()
    assert not (tmp_path / "backups").exists()


def test_no_migration_when_the_backup_cannot_be_made(workspace):
    workspace.db_path.unlink()
    schema_2_store(workspace.db_path)
    (workspace.root / "backups").write_text("a file where the folder goes", encoding="utf-8")
    with pytest.raises(BrokenEnvironment, match="needs migrating to a newer schema, but it could "
                                                "not be backed up first"):
        store.open_store(workspace.db_path)
    conn = sqlite3.connect(workspace.db_path)
    assert conn.execute("PRAGMA user_version").fetchone() == (2,)  # untouched
    conn.close()


# -- check --store ----------------------------------------------------------------------------


def test_check_store_on_a_sound_store(workspace):
    result = smarketing(workspace, "check", "--store")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (f"{workspace.root}: all files are valid\n{workspace.db_path}: the "
                             f"store is sound (integrity check ok, no broken references, schema "
                             f"{store.SCHEMA_VERSION})\n")


def test_check_store_finds_a_damaged_page(workspace):
    add_issues(workspace.db_path, *(f"Issue {n} " + "x" * 300 for n in range(200)))
    conn = sqlite3.connect(workspace.db_path)
    root_page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='issues_status'"
                             ).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(workspace.db_path, "r+b") as handle:  # scribble over the index's root page
        handle.seek((root_page - 1) * page_size + 8)
        handle.write(b"\xff" * 64)
    result = smarketing(workspace, "check", "--store")
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {workspace.db_path} fails SQLite's integrity check: ")
    assert result.stderr.count("\n") == 1
    # Without --store the damage inside a page is not looked for: the header and tables are fine.
    assert smarketing(workspace, "check").returncode == 0


def test_check_store_finds_a_broken_reference(workspace):
    conn = sqlite3.connect(workspace.db_path)  # foreign keys off, as a careless tool would
    conn.execute("INSERT INTO decisions (meeting_id, text, created_at) "
                 "VALUES (42, 'From nowhere', '2026-11-23')")
    conn.commit()
    conn.close()
    result = smarketing(workspace, "check", "--store")
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {workspace.db_path} has 1 broken reference, first: row 1 of decisions "
        f"points to a missing meetings row; restore it from a copy in {workspace.root}/backups\n")
