"""Consistent copies of the store: ``smarketing backup`` and the copy before each migration.

Copies are made with SQLite's online backup API (``sqlite3.Connection.backup``), so a
copy taken while a meeting or an import writes holds exactly the transactions committed
when it started. A copy is written beside its target and renamed into place: a target
never holds half a copy.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from smarketing_tui.errors import BrokenEnvironment, UserError

BACKUPS_FOLDER = "backups"
SETTINGS_FILE = "smarketing.yaml"  # as workspace.SETTINGS_FILE (not imported: keeps store light)


def backups_dir(store_path: Path | str) -> Path:
    """Where backups of ``store_path`` go: ``backups/`` of its workspace (the folder above
    ``data/`` holding smarketing.yaml), else a ``backups/`` folder beside the store."""
    store_path = Path(os.path.abspath(store_path))  # a symlinked store: its workspace's folder
    root = store_path.parent.parent
    if (root / SETTINGS_FILE).is_file():
        return root / BACKUPS_FOLDER
    return store_path.parent / BACKUPS_FOLDER


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")


def default_target(store_path: Path | str, now: datetime | None = None,
                   tag: str = "") -> Path:
    """``backups/<name>[-<tag>]-<UTC timestamp>.db``, with ``-2``, ``-3`` ... when taken."""
    folder = backups_dir(store_path)
    base = Path(store_path).stem + (f"-{tag}" if tag else "") + f"-{_stamp(now)}"
    candidate, number = folder / f"{base}.db", 2
    while candidate.exists():
        candidate, number = folder / f"{base}-{number}.db", number + 1
    return candidate


def check_target(target: Path, store_path: Path | str) -> None:
    """Refuse a target that would destroy an input: the store or its journal files, a file
    of the workspace outside ``backups/``, or any existing file that is not an SQLite
    database (an earlier backup). Raises :class:`UserError` (exit 2)."""
    resolved = target.resolve()
    protected = {Path(f"{where}{suffix}")
                 for where in (Path(store_path).resolve(), Path(os.path.abspath(store_path)))
                 for suffix in ("", "-wal", "-shm", "-journal")}
    store_path = Path(os.path.abspath(store_path))
    if resolved in protected:
        raise UserError(f"{target} is the store itself; a backup goes to another file "
                        f"(default: a new file in {backups_dir(store_path)})")
    if not resolved.exists():
        return
    if resolved.is_dir():
        raise UserError(f"{target} is a folder; name a file, or end it with / to put the "
                        "backup inside")
    root = store_path.parent.parent
    in_workspace = (root / SETTINGS_FILE).is_file() and root.resolve() in resolved.parents
    in_backups = backups_dir(store_path).resolve() in resolved.parents
    if in_workspace and not in_backups:
        raise UserError(f"{target} is a file of the workspace; refusing to write a backup over "
                        f"it (backups go in {backups_dir(store_path)})")
    with open(resolved, "rb") as handle:
        is_database = handle.read(16) == b"SQLite format 3\x00"
    if not is_database:
        raise UserError(f"{target} exists and is not an earlier backup (not an SQLite file); "
                        "refusing to write over it: pick another name")


def copy_store(source: sqlite3.Connection, target: Path) -> None:
    """Copy the database of ``source`` to ``target`` with the backup API, atomically.

    The copy is checked (``PRAGMA quick_check``) before it takes the target's name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        destination = sqlite3.connect(str(partial))
        try:
            source.backup(destination)
            # A self-contained file: no -wal beside it to lose in a copy.
            destination.execute("PRAGMA journal_mode = DELETE")
            verdict = destination.execute("PRAGMA quick_check").fetchall()
        finally:
            destination.close()
        if [tuple(row) for row in verdict] != [("ok",)]:
            raise BrokenEnvironment(f"the copy of the store fails its check ({verdict[0][0]}); "
                                    "the store itself may be damaged: run 'smarketing check "
                                    "--store'")
        os.replace(partial, target)
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            try:
                leftover.unlink()
            except FileNotFoundError:
                pass


def backup_store(store_path: Path | str, target: Path | str | None = None) -> Path:
    """Copy the store to ``target`` (default: a new timestamped file in ``backups/``);
    returns where it went. The store is only read, and may be in use meanwhile."""
    store_path = Path(store_path)
    if target is None:
        destination = default_target(store_path)
    else:
        destination = Path(target)
        if str(target).endswith(("/", os.sep)) or destination.is_dir():
            if not destination.is_dir():
                raise UserError(f"folder {destination} does not exist")
            destination = destination / default_target(store_path).name
        elif not destination.parent.is_dir():
            raise UserError(f"folder {destination.parent} does not exist; create it first")
    check_target(destination, store_path)
    uri = store_path.resolve().as_uri() + "?mode=ro"
    source = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        copy_store(source, destination)
    finally:
        source.close()
    return destination


def backup_before_migration(conn: sqlite3.Connection, version: int) -> Path | None:
    """Copy the store of ``conn`` (at schema ``version``) to ``backups/<name>-v<version>-
    <timestamp>.db`` before it is migrated. None for an in-memory store."""
    row = conn.execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    if not path:
        return None
    target = default_target(path, tag=f"v{version}")
    try:
        copy_store(conn, target)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise BrokenEnvironment(f"{path} needs migrating to a newer schema, but it could not be "
                                f"backed up first to {target.parent} ({reason}); nothing was "
                                "changed: make that folder writable") from None
    return target
