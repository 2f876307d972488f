"""Turn a store of today's schema back into an older one, to test its migration."""

from __future__ import annotations

import re
import sqlite3

from smarketing_tui import store


def downgrade(conn: sqlite3.Connection, version: int) -> None:
    """Drop every table, index and column that the migrations after ``version`` added, and
    set the store's version to ``version`` (the caller commits)."""
    for later in reversed(store.MIGRATIONS[version:]):
        for table, column in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", later):
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        for table in reversed(re.findall(r"^CREATE TABLE (\w+)", later, re.MULTILINE)):
            conn.execute(f"DROP TABLE {table}")
    conn.execute(f"PRAGMA user_version = {version}")
