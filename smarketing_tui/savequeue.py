"""Meeting writes that found the store busy, kept in order and retried until they succeed.

A long import holds the store's write lock for its whole run (seconds on a large file). A
decision recorded meanwhile must neither be lost nor freeze the screen for the store's
full busy timeout: each try waits only briefly for the lock, and a write that still finds
it taken is kept, with every write after it (so they are stored in the order they were
made), until a later :meth:`SaveQueue.flush` gets through.

Each write is one transaction (the ``records`` functions commit or roll back as a whole),
so a try that failed on the lock left nothing behind and trying again cannot store it twice.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from smarketing_tui.store import BUSY_TIMEOUT_MS, single_try

BRIEF_WAIT_MS = 200  # how long one try waits for the write lock (the screen stays live)


def is_busy(error: BaseException) -> bool:
    """Whether a write failed only because another connection holds the write lock."""
    message = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and (
        "database is locked" in message or "database is busy" in message)


class SaveQueue:
    """Writes on one connection, in order; those the store refused while busy wait here."""

    def __init__(self, conn: sqlite3.Connection, *, wait_ms: int = BRIEF_WAIT_MS) -> None:
        self.conn = conn
        self.wait_ms = wait_ms
        self._pending: deque[tuple[Callable[[], Any], Callable[[Any], None]]] = deque()

    def __len__(self) -> int:
        """How many writes are waiting for the store."""
        return len(self._pending)

    def submit(self, write: Callable[[], Any], done: Callable[[Any], None]) -> bool:
        """Run ``write()`` (after any writes still waiting) and then ``done(result)``.

        Returns True when everything is stored, False when the store is busy and the
        write waits for :meth:`flush`. Any other error (a ``UserError``, a broken store)
        is raised, and that write is dropped.
        """
        self._pending.append((write, done))
        return self.flush()

    def flush(self) -> bool:
        """Try the waiting writes in order; True once none is left."""
        while self._pending:
            write, done = self._pending[0]
            try:
                with self._brief_wait():
                    result = write()
            except sqlite3.OperationalError as error:
                if is_busy(error):
                    return False
                self._pending.popleft()
                raise
            except BaseException:
                self._pending.popleft()
                raise
            self._pending.popleft()
            done(result)
        return True

    @contextmanager
    def _brief_wait(self):
        self.conn.execute(f"PRAGMA busy_timeout = {self.wait_ms}")
        try:
            with single_try():  # the queue keeps a write the store refused; no long retries
                yield
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
