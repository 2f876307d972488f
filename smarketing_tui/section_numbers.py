"""The store's numbers behind a meeting's sections, computed once and kept for the meeting.

The scorecard, each team's activity and the funnel are read from imported data, and a
meeting's numbers do not change while it runs. So the meeting screen computes them in the
background as the meeting opens and keeps them here; a section visited later shows its
numbers at once. What the meeting records itself (decisions, action items, issues, ratings,
attendance) is never kept here: the sections that list it read it each time they draw.

Kept numbers are forgotten, all of them:

* when the store changed under the meeting, i.e. another connection committed (an import,
  a prep session, another app): SQLite's ``PRAGMA data_version`` on the meeting's own
  connection says so, and the meeting's own writes on that connection leave it as it is;
* on ``r`` (:meth:`SectionNumbers.clear`): a reload of one section is a reload of every
  section, as they all come from the same store.

One entry per :attr:`NumbersJob.key` (the section type and what its numbers depend on:
period, team, SLA file, breakdown), so two sections asking the same question share it.
A failed computation is kept too (as its one-line error), so that a custom SQL metric that
fails shows its error in its section at once, and ``r`` tries again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smarketing_tui.agenda import Agenda, SectionSpec
    from smarketing_tui.periods import Period
    from smarketing_tui.workspace import Settings

# The section types whose numbers come from the store (and are kept here).
KEPT_TYPES = ("scorecard", "activity", "funnel")


@dataclass(frozen=True)
class NumbersJob:
    """What one section shows from the store: its key, and how to compute it from a
    read-only connection (in a worker thread)."""

    key: tuple[Hashable, ...]
    compute: Callable[[sqlite3.Connection], Any]


@dataclass(frozen=True)
class Numbers:
    """A section's numbers (``value``), or the one line saying why there are none."""

    value: Any = None
    error: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A computation under way: its answer is kept only if nothing was forgotten since."""

    key: tuple[Hashable, ...]
    state: object
    generation: int


def store_state(conn: sqlite3.Connection) -> int:
    """A number that changes when another connection commits to the store (and only then).

    Read on the meeting's own connection, so the meeting's own writes do not change it.
    """
    return conn.execute("PRAGMA data_version").fetchone()[0]


def compute(job: NumbersJob, conn: sqlite3.Connection) -> Numbers:
    """Run one job; any failure (a custom SQL error, a broken SLA file) becomes its error."""
    try:
        return Numbers(value=job.compute(conn))
    except Exception as error:  # noqa: BLE001 - one section's failure must not end the meeting
        return Numbers(error=str(error) or type(error).__name__)


def compute_alone(job: NumbersJob, db_path: Path | str) -> Numbers:
    """Run one job on a read-only connection of its own (opened and closed in this thread)."""
    from smarketing_tui.store import open_readonly

    try:
        conn = open_readonly(db_path)
    except Exception as error:  # noqa: BLE001 - as in compute()
        return Numbers(error=str(error) or type(error).__name__)
    try:
        return compute(job, conn)
    finally:
        conn.close()


class SectionNumbers:
    """The kept numbers of one meeting: filled by worker threads, read on the UI thread.

    ``read_state`` gives the store's state (:func:`store_state` on the meeting's connection)
    and is called only from :meth:`check`, on the thread that owns that connection; every
    other method may be called from any thread.
    """

    def __init__(self, read_state: Callable[[], object]) -> None:
        self._read_state = read_state
        self._lock = threading.Lock()
        self._entries: dict[tuple, Numbers] = {}
        self._pending: dict[tuple, int] = {}  # key -> generation of the computation under way
        self._generation = 0
        self._state = self._read()
        self.hits = 0  # numbers served without computing them (for tests and the bench)
        self.computed = 0  # computations whose answer was kept

    def _read(self) -> object:
        try:
            return self._read_state()
        except sqlite3.Error:  # unknown: a new state each time, so nothing kept is trusted
            return object()

    def check(self) -> bool:
        """Read the store's state; if it changed (or cannot be read), forget every kept
        number. True then."""
        state = self._read()
        with self._lock:
            if state == self._state:
                return False
            self._state = state
            self._forget()
            return True

    def clear(self) -> None:
        """Forget every kept number (``r``); computations under way are no longer kept."""
        with self._lock:
            self._forget()

    def _forget(self) -> None:
        self._entries.clear()
        self._pending.clear()
        self._generation += 1

    def get(self, key: tuple) -> Numbers | None:
        """The kept numbers of ``key``, or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self.hits += 1
            return found

    def is_pending(self, key: tuple) -> bool:
        """Whether ``key`` is being computed (its answer will be kept)."""
        with self._lock:
            return key in self._pending

    def begin(self, key: tuple) -> Ticket | None:
        """Claim the computation of ``key``: None when it is kept or under way already."""
        with self._lock:
            if key in self._entries or key in self._pending:
                return None
            self._pending[key] = self._generation
            return Ticket(key, self._state, self._generation)

    def finish(self, ticket: Ticket, numbers: Numbers) -> bool:
        """Keep a computation's answer, unless everything was forgotten since it began."""
        with self._lock:
            if ticket.generation != self._generation:
                return False
            self._pending.pop(ticket.key, None)
            self._entries[ticket.key] = numbers
            self.computed += 1
            return True

    def preload(self, jobs: Iterable[NumbersJob], db_path: Path | str, *,
                cancelled: Callable[[], bool] = lambda: False,
                ready: Callable[[tuple], None] = lambda key: None) -> int:
        """Compute every job not kept or under way, one after the other, on one read-only
        connection opened here (call it from a worker thread); ``ready(key)`` after each.
        Stops between jobs once ``cancelled()``. Returns how many it computed."""
        from smarketing_tui.store import open_readonly

        try:
            conn = open_readonly(db_path)
        except Exception:  # noqa: BLE001 - each section then loads (and fails) on its own
            return 0
        done = 0
        try:
            for job in jobs:
                if cancelled():
                    break
                ticket = self.begin(job.key)
                if ticket is None:
                    continue
                numbers = Numbers(error="not computed")
                try:
                    numbers = compute(job, conn)
                finally:  # never left pending: a view waiting for it would wait for ever
                    self.finish(ticket, numbers)
                done += 1
                ready(job.key)
        finally:
            conn.close()
        return done


# -- the jobs of each section type -----------------------------------------------------------


def scorecard_job(sla_path: Path, settings: Settings, period: Period,
                  as_of: Callable[[], datetime]) -> NumbersJob:
    """The scorecard (as JSON) of the SLA at ``sla_path`` for ``period``."""

    def run(conn: sqlite3.Connection) -> dict:
        from smarketing_tui.scorecard import build_scorecard
        from smarketing_tui.sla import load_sla

        sla = load_sla(sla_path, settings)
        return build_scorecard(conn, sla, settings, period, as_of()).to_json()

    return NumbersJob(("scorecard", str(sla_path), period), run)


def activity_job(team: str, settings: Settings, period: Period,
                 as_of: Callable[[], datetime]) -> NumbersJob:
    """One team's week (``MarketingWeek`` or ``SalesWeek``) for ``period``."""

    def run(conn: sqlite3.Connection):
        from smarketing_tui.activity import marketing_week, sales_week

        week = marketing_week if team == "marketing" else sales_week
        return week(conn, settings, period, as_of())

    return NumbersJob(("activity", team, period), run)


def funnel_job(settings: Settings, cohort: Period, as_of: Callable[[], datetime], *,
               by: str, cost: bool) -> NumbersJob:
    """The funnel of ``cohort``'s MQLs by ``by``, with the spend when ``cost``."""

    def run(conn: sqlite3.Connection):
        from smarketing_tui.funnel import build_funnel

        return build_funnel(conn, settings, cohort, as_of(), by=by, cost=cost)

    return NumbersJob(("funnel", cohort, by, cost), run)


def activity_team(section: SectionSpec) -> str:
    """The team an activity section shows (marketing unless it says sales)."""
    return section.team or "marketing"


def funnel_options(section: SectionSpec) -> tuple[str, bool]:
    """A funnel section's breakdown (one of :data:`funnel.DIMENSIONS`: source, campaign or a
    first- or last-touch asset, keyword, platform or campaign) and whether it shows spend."""
    from smarketing_tui.funnel import DIMENSIONS

    options = section.options or {}
    by = str(options.get("by", "source"))
    by = by if by in DIMENSIONS else "source"
    return by, bool(options.get("cost", False))


def section_job(section: SectionSpec, agenda: Agenda, settings: Settings, period: Period,
                as_of: Callable[[], datetime]) -> NumbersJob | None:
    """The job of a section as the meeting opens it, or None for a section whose view reads
    only the meeting's own records."""
    if section.type == "scorecard":
        return scorecard_job(agenda.sla_path, settings, period, as_of)
    if section.type == "activity":
        return activity_job(activity_team(section), settings, period, as_of)
    if section.type == "funnel":
        by, cost = funnel_options(section)
        return funnel_job(settings, period, as_of, by=by, cost=cost)
    return None


def preload_order(agenda: Agenda, current: int, settings: Settings, period: Period,
                  as_of: Callable[[], datetime]) -> list[NumbersJob]:
    """The jobs of every section, the ones after ``current`` first (the room goes forward),
    then those before it; each key once."""
    sections = list(agenda.sections)
    order = sections[current + 1:] + sections[:current + 1]
    jobs: dict[tuple, NumbersJob] = {}
    for section in order:
        job = section_job(section, agenda, settings, period, as_of)
        if job is not None:
            jobs.setdefault(job.key, job)
    return list(jobs.values())
