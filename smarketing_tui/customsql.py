"""Read-only execution of user SQL (custom metrics): an authorizer that allows reading only."""

from __future__ import annotations

import re
import sqlite3

from smarketing_tui.errors import UserError

_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                    getattr(sqlite3, "SQLITE_RECURSIVE", 33)}
_SCHEMA_BOOKKEEPING = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE}
_SCHEMA_TABLES = ("sqlite_master", "sqlite_temp_master", "sqlite_schema", "sqlite_temp_schema")
_ACTION_NAMES = {value: name[len("SQLITE_"):].lower().replace("_", " ")
                 for name, value in vars(sqlite3).items()
                 if name.startswith("SQLITE_") and isinstance(value, int) and name not in (
                     "SQLITE_OK", "SQLITE_DENY", "SQLITE_IGNORE")
                 and not name.startswith(("SQLITE_LIMIT", "SQLITE_DBCONFIG"))}


_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def sql_parameters(sql: str) -> list[str]:
    """Named ``:parameters`` used in ``sql`` (outside quoted strings)."""
    unquoted = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", sql)
    unquoted = re.sub(r"--[^\n]*", "", unquoted)
    return sorted(set(_PARAM.findall(unquoted)))


def run_readonly(conn: sqlite3.Connection, sql: str, params: dict, what: str
                 ) -> tuple[tuple | None, list[str]]:
    """Run user SQL under an authorizer that allows reading only; first row and column names.

    A statement that would write (or attach, pragma, create...) fails with a
    :class:`UserError` naming what it tried.
    """
    denied: list[str] = []

    def authorizer(action, arg1, arg2, dbname, source):
        if action in _ALLOWED_ACTIONS:
            return sqlite3.SQLITE_OK
        if action in _SCHEMA_BOOKKEEPING and str(arg1).startswith(_SCHEMA_TABLES):
            # CREATE/DROP first check their write to the schema table; let that pass so the
            # CREATE/DROP itself is what gets denied (and named). SQLite refuses direct
            # writes to the schema table on its own, and PRAGMA writable_schema is denied.
            return sqlite3.SQLITE_OK
        detail = " ".join(str(a) for a in (arg1,) if a)
        denied.append(f"{_ACTION_NAMES.get(action, 'change the store')}"
                      + (f" {detail}" if detail else ""))
        return sqlite3.SQLITE_DENY

    used = {name: params[name] for name in sql_parameters(sql) if name in params}
    conn.set_authorizer(authorizer)
    try:
        cursor = conn.execute(sql, used)
        row = cursor.fetchone()
        columns = [d[0] for d in cursor.description or ()]
    except sqlite3.DatabaseError as exc:
        if denied:
            raise UserError(f"{what}: its SQL may only read the store, but it tries to "
                            f"{denied[0]}") from None
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise UserError(f"{what}: its SQL may only read the store ({exc})") from None
        raise UserError(f"{what}: SQL error: {exc}") from None
    except (sqlite3.ProgrammingError, sqlite3.Warning) as exc:
        raise UserError(f"{what}: {exc}") from None
    finally:
        conn.set_authorizer(None)
    return row, columns
