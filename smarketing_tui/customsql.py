"""Read-only, bounded execution of user SQL (custom metrics).

An authorizer allows reading only; a progress handler stops a query that runs past its time
limit (a ``WITH RECURSIVE`` that never ends would otherwise run forever); no text or blob may
grow past :data:`MAX_VALUE_BYTES` (``randomblob(900000000)`` would take 900 MB); a result that
is not a finite number within :data:`MAX_MAGNITUDE` is refused, so no infinity reaches a report.
"""

from __future__ import annotations

import math
import re
import sqlite3
import time

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


DEFAULT_TIME_LIMIT = 10.0  # seconds; a metric's own ``time_limit`` overrides it
TIME_LIMIT_BOUNDS = (1, 300)  # what an SLA may set a metric's ``time_limit`` to, in seconds
MAX_MAGNITUDE = 1e15  # no count, amount, share or duration of a company comes near it; beyond
                      # 2**53 (about 9e15) a float no longer holds every whole number
_PROGRESS_STEPS = 10_000  # SQLite virtual-machine steps between two looks at the clock
MAX_VALUE_BYTES = 10_000_000  # the largest text or blob a query may build (SQLite allows 1 GB)

_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def sql_parameters(sql: str) -> list[str]:
    """Named ``:parameters`` used in ``sql`` (outside quoted strings)."""
    unquoted = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", sql)
    unquoted = re.sub(r"--[^\n]*", "", unquoted)
    return sorted(set(_PARAM.findall(unquoted)))


def run_readonly(conn: sqlite3.Connection, sql: str, params: dict, what: str,
                 time_limit: float = DEFAULT_TIME_LIMIT) -> tuple[tuple | None, list[str]]:
    """Run user SQL under an authorizer that allows reading only; first row and column names.

    A statement that would write (or attach, pragma, create...) fails with a
    :class:`UserError` naming what it tried; one still running after ``time_limit`` seconds
    is interrupted (``what: stopped after N s``); a number in the row that is not finite or
    is beyond :data:`MAX_MAGNITUDE` is refused.
    """
    denied: list[str] = []
    deadline = time.monotonic() + time_limit

    def past_deadline() -> int:
        return 1 if time.monotonic() > deadline else 0  # non-zero interrupts the query

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
    conn.set_progress_handler(past_deadline, _PROGRESS_STEPS)
    length_limit = conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    try:
        cursor = conn.execute(sql, used)
        row = cursor.fetchone()
        columns = [d[0] for d in cursor.description or ()]
    except sqlite3.DatabaseError as exc:
        if time.monotonic() > deadline and "interrupted" in str(exc):
            raise UserError(f"{what}: stopped after {_seconds(time_limit)} s, its time limit; "
                            "make the query cheaper or raise its time_limit") from None
        if denied:
            raise UserError(f"{what}: its SQL may only read the store, but it tries to "
                            f"{denied[0]}") from None
        if "too big" in str(exc):
            raise UserError(f"{what}: SQL error: {exc} (a value it builds may be at most "
                            f"{MAX_VALUE_BYTES // 1_000_000} MB)") from None
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise UserError(f"{what}: its SQL may only read the store ({exc})") from None
        raise UserError(f"{what}: SQL error: {exc}") from None
    except (sqlite3.ProgrammingError, sqlite3.Warning) as exc:
        raise UserError(f"{what}: {exc}") from None
    finally:
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, length_limit)
        conn.set_progress_handler(None, 0)
        conn.set_authorizer(None)
    if row is not None:
        for name, value in zip(columns, row):
            _check_number(value, name, what)
    return row, columns


def _check_number(value: object, column: str, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    if isinstance(value, float) and not math.isfinite(value):
        sign = "-" if value < 0 else ""
        raise UserError(f"{what}: its SQL returned {sign}infinity in column {column!r}; "
                        "expected a finite number (or NULL for no data)")
    if abs(value) >= MAX_MAGNITUDE:
        raise UserError(f"{what}: its SQL returned {value:g} in column {column!r}, out of range; "
                        "expected a number with at most 15 digits before the decimal point")


def _seconds(limit: float) -> str:
    return f"{limit:g}"
