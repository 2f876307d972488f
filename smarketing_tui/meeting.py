"""A meeting in progress: its sections' clocks, attendance and what it records.

No Textual here: the meeting screen is a thin layer over :class:`MeetingSession`,
and tests drive it directly. Every change is written to the store at once.

Clocks. Each ``meeting_sections`` row banks ``used_seconds``; while a section's
clock runs, ``running_since`` holds the moment up to which time was last banked.
Every state change (switch, pause, leave, end) and every :meth:`MeetingSession.tick`
(the screen calls it every few seconds) banks the running time and moves
``running_since`` forward, so ``running_since`` doubles as a heartbeat: after a
crash (even ``kill -9``), :meth:`MeetingSession.resume` counts time only up to
it, never the wall-clock gap while nothing ran.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from smarketing_tui import records
from smarketing_tui.agenda import Agenda, load_agenda
from smarketing_tui.errors import UserError
from smarketing_tui.periods import Period, parse_period
from smarketing_tui.store import BUSY_TIMEOUT_MS, open_connection
from smarketing_tui.timeutil import counted, describe_age, now_utc, parse_utc, to_local, utc_iso
from smarketing_tui.workspace import Settings, Workspace

Clock = Callable[[], datetime]
UNFINISHED = ("running", "paused")
TICK_SECONDS = 5  # how often the screen banks the running clock
TICK_BUSY_TIMEOUT_MS = 200  # a heartbeat never makes the screen wait long for the store


@dataclass
class SectionState:
    """One section's clock as stored."""

    position: int
    title: str
    type: str
    timebox_seconds: int
    used_seconds: float
    running_since: str | None


@dataclass(frozen=True)
class AttendanceRow:
    person_id: int
    name: str
    team: str
    present: bool | None  # None: not marked yet
    rating: int | None
    checkin: str | None


@dataclass(frozen=True)
class Freshness:
    """How old the newest import of one source is (e.g. 'HubSpot export, 2 days old')."""

    source_label: str
    finished_at: str
    age: str
    stale: bool  # finished before the period under review ended

    def describe(self) -> str:
        return f"{self.source_label}, {self.age}"


def find_unfinished(conn: sqlite3.Connection, agenda_name: str) -> int | None:
    """The newest running or paused meeting of an agenda (by file name), if any."""
    row = conn.execute(
        "SELECT id FROM meetings WHERE status IN ('running', 'paused') AND "
        "(agenda_path = ? OR agenda_path LIKE ?) ORDER BY created_at DESC, id DESC LIMIT 1",
        (agenda_name, f"%/{agenda_name}")).fetchone()
    return row[0] if row else None


def describe_meeting(conn: sqlite3.Connection, meeting_id: int, tz: str) -> str:
    """One line about a meeting for the resume question: title, period, when, where it was."""
    row = conn.execute(
        "SELECT m.title, m.period_label, COALESCE(m.started_at, m.created_at), m.status, "
        "s.title, (SELECT COUNT(*) FROM decisions d WHERE d.meeting_id = m.id "
        "AND d.deleted_at IS NULL), (SELECT COUNT(*) FROM action_items a WHERE "
        "a.meeting_id = m.id AND a.deleted_at IS NULL) "
        "FROM meetings m LEFT JOIN meeting_sections s ON s.meeting_id = m.id "
        "AND s.position = m.current_section WHERE m.id = ?", (meeting_id,)).fetchone()
    if row is None:
        raise UserError(f"no meeting #{meeting_id}")
    title, period, started, status, section, decisions, actions = row
    return (f"{title} ({period}), started {to_local(started, tz).strftime('%d.%m.%Y %H:%M')}, "
            f"{status}, at '{section}': {counted(decisions, 'decision')}, "
            f"{counted(actions, 'action item')}")


STALE_GRACE = timedelta(days=1)  # as the scorecard's freshness: a day short of the end is fine


def data_freshness(conn: sqlite3.Connection, period_end: datetime | None,
                   now: datetime) -> list[Freshness]:
    """The newest finished import of each source label, newest first.

    An import is stale when it finished more than a day before the end of the
    period under review (or before now, while the period still runs): its
    numbers miss part of what the meeting looks at.
    """
    rows = conn.execute(
        "SELECT source_label, MAX(COALESCE(finished_at, started_at)) FROM imports "
        "GROUP BY source_label ORDER BY 2 DESC").fetchall()
    result = []
    for label, finished in rows:
        if not finished:
            continue
        moment = parse_utc(finished)
        horizon = None if period_end is None else min(period_end, now)
        stale = horizon is not None and moment < horizon - STALE_GRACE
        result.append(Freshness(label, finished, describe_age(moment, now), stale))
    return result


class MeetingSession:
    """The state of one meeting; every method writes through to the store."""

    def __init__(self, workspace: Workspace, agenda: Agenda, meeting_id: int, *,
                 settings: Settings, conn: sqlite3.Connection, period: Period,
                 clock: Clock = now_utc) -> None:
        self.workspace = workspace
        self.agenda = agenda
        self.meeting_id = meeting_id
        self.settings = settings
        self.conn = conn
        self.period = period
        self.db_path: Path = workspace.db_path
        self.clock = clock
        self.scorecard_shown: dict | None = None  # set by the scorecard view when it shows one
        self.amending = False  # an ended meeting reopened for corrections (see amend)
        self.status = "running"
        self.current = 0
        self.sections: list[SectionState] = []
        self._load()

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def start(cls, workspace: Workspace, agenda: Agenda, *, period_spec: str | None = None,
              clock: Clock = now_utc, facilitator: str | None = None,
              settings: Settings | None = None) -> MeetingSession:
        """Start a new meeting of ``agenda``: its rows, the first section's clock running,
        and the agenda's pending talking points claimed."""
        settings = settings or workspace.settings()
        conn = open_connection(workspace.db_path, settings)
        now = clock()
        period = parse_period(period_spec or agenda.period_spec, settings.timezone, now)
        stamp = utc_iso(now)
        with conn:
            cursor = conn.execute(
                "INSERT INTO meetings (agenda_path, title, cadence, period_label, period_start, "
                "period_end, planned_minutes, status, current_section, created_at, started_at, "
                "facilitator, agenda_snapshot) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'running', 0, ?, ?, ?, ?)",
                (agenda_ref(workspace, agenda), agenda.title, agenda.cadence, period.label,
                 period.start_iso, period.end_iso, agenda.planned_minutes, stamp, stamp,
                 facilitator, agenda.snapshot()))
            meeting_id = cursor.lastrowid
            for spec in agenda.sections:
                conn.execute(
                    "INSERT INTO meeting_sections (meeting_id, position, title, type, "
                    "timebox_seconds, used_seconds, running_since) VALUES (?, ?, ?, ?, ?, 0, ?)",
                    (meeting_id, spec.position, spec.title, spec.type, spec.timebox_seconds,
                     stamp if spec.position == 0 else None))
        records.claim_talking_points(conn, agenda.name, meeting_id)
        session = cls(workspace, agenda, meeting_id, settings=settings, conn=conn, period=period,
                      clock=clock)
        session.reseat()  # the week's seating, recorded as the meeting starts
        return session

    @classmethod
    def resume(cls, workspace: Workspace, meeting_id: int, *, clock: Clock = now_utc,
               start_clock: bool = True, settings: Settings | None = None) -> MeetingSession:
        """Reopen an unfinished meeting where it was.

        A clock that was running when the process died counts up to its last
        banked moment only; then the current section's clock starts again.
        """
        settings = settings or workspace.settings()
        conn = open_connection(workspace.db_path, settings)
        row = conn.execute("SELECT agenda_path, period_label, status FROM meetings WHERE id = ?",
                           (meeting_id,)).fetchone()
        if row is None:
            raise UserError(f"no meeting #{meeting_id}")
        agenda_path, period_label, status = row
        if status == "ended":
            raise UserError(f"meeting #{meeting_id} has ended; it cannot be resumed")
        agenda = _agenda_of_meeting(workspace, conn, meeting_id, agenda_path, settings)
        period = parse_period(period_label, settings.timezone)
        with conn:  # a crash left a clock "running": it ran until its last heartbeat only
            conn.execute("UPDATE meeting_sections SET running_since = NULL WHERE meeting_id = ?",
                         (meeting_id,))
            conn.execute("UPDATE meetings SET status = 'paused' WHERE id = ?", (meeting_id,))
        session = cls(workspace, agenda, meeting_id, settings=settings, conn=conn, period=period,
                      clock=clock)
        if start_clock:
            session.resume_clock()
        return session

    @classmethod
    def amend(cls, workspace: Workspace, meeting_id: int, *, clock: Clock = now_utc,
              settings: Settings | None = None) -> MeetingSession:
        """Reopen an ended meeting for corrections: its records can be edited, deleted and
        restored (each change a revision), and nothing else. It stays ended: no clock runs,
        so its time is what the meeting used, and its frozen scorecard and end stay as they
        were; :meth:`finish_amending` closes it again."""
        settings = settings or workspace.settings()
        conn = open_connection(workspace.db_path, settings)
        row = conn.execute("SELECT agenda_path, period_label, status FROM meetings WHERE id = ?",
                           (meeting_id,)).fetchone()
        if row is None:
            conn.close()
            raise UserError(f"no meeting #{meeting_id}")
        agenda_path, period_label, status = row
        if status != "ended":
            conn.close()
            raise UserError(f"meeting #{meeting_id} has not ended; resume it with "
                            f"'smarketing run --resume {meeting_id}' to correct it")
        agenda = _agenda_of_meeting(workspace, conn, meeting_id, agenda_path, settings)
        period = parse_period(period_label, settings.timezone)
        session = cls(workspace, agenda, meeting_id, settings=settings, conn=conn, period=period,
                      clock=clock)
        session.amending = True
        return session

    def finish_amending(self) -> None:
        """Close an amend: only where the screen stood is written (the meeting's times,
        end and scorecard are untouched)."""
        if self.amending:
            with self.conn:
                self.conn.execute("UPDATE meetings SET current_section = ? WHERE id = ?",
                                  (self.current, self.meeting_id))

    def _load(self) -> None:
        row = self.conn.execute("SELECT status, current_section FROM meetings WHERE id = ?",
                                (self.meeting_id,)).fetchone()
        self.status, self.current = row
        self.sections = [SectionState(*r) for r in self.conn.execute(
            "SELECT position, title, type, timebox_seconds, used_seconds, running_since "
            "FROM meeting_sections WHERE meeting_id = ? ORDER BY position", (self.meeting_id,))]

    def close(self) -> None:
        """Close the store connection (the meeting stays as it is)."""
        self.conn.close()

    # -- clocks -------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock().replace(microsecond=0)

    def elapsed(self, position: int | None = None) -> float:
        """Seconds spent in a section (default: the current one), including the running part."""
        state = self.sections[self.current if position is None else position]
        if state.running_since is None:
            return state.used_seconds
        running = (self._now() - parse_utc(state.running_since)).total_seconds()
        return state.used_seconds + max(0.0, running)

    def total_elapsed(self) -> float:
        return sum(self.elapsed(s.position) for s in self.sections)

    def time_left(self) -> float:
        """Seconds left against the planned length (negative when over)."""
        return self.agenda.planned_minutes * 60 - self.total_elapsed()

    @property
    def is_paused(self) -> bool:
        return all(s.running_since is None for s in self.sections)

    @property
    def is_ended(self) -> bool:
        return self.status == "ended"

    def is_overrun(self, position: int | None = None) -> bool:
        position = self.current if position is None else position
        return self.elapsed(position) > self.sections[position].timebox_seconds

    @property
    def current_section(self) -> SectionState:
        return self.sections[self.current]

    def _bank(self, now: datetime, *, keep_running: bool) -> None:
        """Add running time to ``used_seconds``; write every section's clock."""
        stamp = utc_iso(now)
        for state in self.sections:
            if state.running_since is None:
                continue
            state.used_seconds += max(0.0, (now - parse_utc(state.running_since)).total_seconds())
            state.running_since = stamp if keep_running else None

    def _write(self, now: datetime) -> None:
        with self.conn:
            for state in self.sections:
                self.conn.execute(
                    "UPDATE meeting_sections SET used_seconds = ?, running_since = ? "
                    "WHERE meeting_id = ? AND position = ?",
                    (state.used_seconds, state.running_since, self.meeting_id, state.position))
            self.conn.execute("UPDATE meetings SET status = ?, current_section = ? WHERE id = ?",
                              (self.status, self.current, self.meeting_id))

    def tick(self) -> bool:
        """Bank the running clock (the heartbeat: a crash loses at most one tick).

        Waits only briefly for the store: while another process holds the write
        lock (a long import), the tick is skipped, the time stays banked in memory
        and the next successful write stores all of it. Returns whether it was saved.
        """
        if self.is_paused or self.is_ended:
            return True
        now = self._now()
        self._bank(now, keep_running=True)
        self.conn.execute(f"PRAGMA busy_timeout = {TICK_BUSY_TIMEOUT_MS}")
        try:
            self._write(now)
        except sqlite3.OperationalError:
            return False
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return True

    def go_to(self, position: int) -> None:
        """Move to a section; its clock takes over from the current one unless paused (an
        amend moves without any clock)."""
        if not self.amending:
            self._require_open()
        if not 0 <= position < len(self.sections):
            raise UserError(f"no section {position + 1}; the agenda has {len(self.sections)}")
        if position == self.current:
            return
        if self.amending:
            self.current = position
            return
        now = self._now()
        was_running = not self.is_paused
        self._bank(now, keep_running=False)
        self.current = position
        if was_running:
            self.sections[position].running_since = utc_iso(now)
        self._write(now)
        # Points people add in prep while the meeting runs join it here, so the
        # section about to be shown lists them and the next meeting won't take them again.
        records.claim_talking_points(self.conn, self.agenda.name, self.meeting_id)

    def next_section(self) -> bool:
        """Go to the next section; False when already at the last one."""
        if self.current + 1 >= len(self.sections):
            return False
        self.go_to(self.current + 1)
        return True

    def previous_section(self) -> bool:
        if self.current == 0:
            return False
        self.go_to(self.current - 1)
        return True

    def pause(self) -> None:
        """Stop the clock (status 'paused'); nothing else changes."""
        if self.is_ended:
            return
        now = self._now()
        self._bank(now, keep_running=False)
        self.status = "paused"
        self._write(now)

    def resume_clock(self) -> None:
        """Start the current section's clock again (status 'running')."""
        self._require_open()
        now = self._now()
        self._bank(now, keep_running=False)
        self.sections[self.current].running_since = utc_iso(now)
        self.status = "running"
        self._write(now)

    def toggle_pause(self) -> bool:
        """Pause or resume; returns True when the clock is now paused."""
        if self.is_paused:
            self.resume_clock()
        else:
            self.pause()
        return self.is_paused

    def leave(self) -> None:
        """Leave the meeting for now: the clock stops, the meeting waits to be resumed."""
        self.pause()

    def end(self, scorecard_snapshot: dict | None = None) -> None:
        """End the meeting, freezing the scorecard as shown (JSON) for the minutes."""
        self._require_open()
        now = self._now()
        self._bank(now, keep_running=False)
        self.status = "ended"
        snapshot = scorecard_snapshot if scorecard_snapshot is not None else self.scorecard_shown
        self._write(now)
        records.claim_talking_points(self.conn, self.agenda.name, self.meeting_id)
        with self.conn:
            self.conn.execute(
                "UPDATE meetings SET ended_at = ?, scorecard_snapshot = ? WHERE id = ?",
                (utc_iso(now), None if snapshot is None else
                 json.dumps(snapshot, ensure_ascii=False, sort_keys=True, default=str),
                 self.meeting_id))

    def _require_open(self) -> None:
        if self.is_ended:
            raise UserError("the meeting has ended")

    # -- attendance ---------------------------------------------------------------------

    def attendance(self) -> list[AttendanceRow]:
        """Everyone active in smarketing.yaml (marketing first), with what is marked so far."""
        rows = self.conn.execute(
            "SELECT p.id, p.name, p.team, a.present, a.rating, a.checkin FROM people p "
            "LEFT JOIN attendance a ON a.person_id = p.id AND a.meeting_id = ? "
            "WHERE p.active = 1 OR a.person_id IS NOT NULL ORDER BY p.team, p.name",
            (self.meeting_id,)).fetchall()
        return [AttendanceRow(pid, name, team, None if present is None else bool(present),
                              rating, checkin)
                for pid, name, team, present, rating, checkin in rows]

    def _person(self, name: str) -> int:
        person_id = records._person_id(self.conn, name)
        if person_id is None:
            raise UserError("a person's name is needed")
        return person_id

    def _upsert_attendance(self, name: str, column: str, value: object,
                           present: bool | None = None) -> None:
        person_id = self._person(name)
        stamp = utc_iso(self._now())
        mark_present = 1 if present is None else int(present)
        with self.conn:
            self.conn.execute(
                f"INSERT INTO attendance (meeting_id, person_id, present, {column}, updated_at) "
                f"VALUES (?, ?, ?, ?, ?) ON CONFLICT (meeting_id, person_id) DO UPDATE SET "
                f"{column} = excluded.{column}, updated_at = excluded.updated_at",
                (self.meeting_id, person_id, mark_present, value, stamp))

    def set_present(self, name: str, present: bool) -> None:
        self._upsert_attendance(name, "present", int(present), present)
        self.reseat()

    # -- mixed seating ------------------------------------------------------------------

    def seating(self) -> list[list[tuple[str, str]]]:
        """This meeting's marketer–seller groups as (name, team) lists: as recorded (at the
        start and whenever someone is marked away), else as they would be seated now (a
        meeting started before seating was recorded; nothing is written here)."""
        from smarketing_tui import seating

        groups = seating.recorded_groups(self.conn, self.meeting_id)
        if groups or self.is_ended:
            return groups
        return [[(person.name, person.team) for person in group]
                for group in self._seat_now().groups]

    def reseat(self) -> None:
        """Seat the meeting's week again, leaving out everyone marked away, and record it."""
        from smarketing_tui import seating

        if not self.is_ended:
            seating.record(self.conn, self.meeting_id, self._seat_now())

    def _seat_now(self):
        from smarketing_tui import seating

        away_names = {row[0] for row in self.conn.execute(
            "SELECT p.name FROM attendance a JOIN people p ON p.id = a.person_id "
            "WHERE a.meeting_id = ? AND a.present = 0", (self.meeting_id,))}
        away = [person for person in self.settings.people if person.name in away_names]
        return seating.seat_week(self.settings.people, self.held_on(), away)

    def held_on(self) -> date:
        """The local day the meeting started (today for one not started yet)."""
        row = self.conn.execute("SELECT started_at FROM meetings WHERE id = ?",
                                (self.meeting_id,)).fetchone()
        if row is None or not row[0]:
            return self.today()
        return to_local(row[0], self.settings.timezone).date()

    def set_rating(self, name: str, rating: int | None) -> None:
        """The person's 1–10 rating of the meeting (None clears it); marks them present."""
        if rating is not None and (isinstance(rating, bool) or not 1 <= int(rating) <= 10):
            raise UserError(f"a rating is a whole number from 1 to 10, not {rating!r}")
        self._upsert_attendance(name, "rating", None if rating is None else int(rating))

    def set_checkin(self, name: str, text: str | None) -> None:
        """The person's check-in words; marks them present. Changing words already said is
        a correction: the old words are kept as a revision."""
        person_id = self._person(name)
        row = self.conn.execute("SELECT checkin FROM attendance WHERE meeting_id = ? AND "
                                "person_id = ?", (self.meeting_id, person_id)).fetchone()
        if row is not None and row[0]:
            records.set_checkin(self.conn, self.meeting_id, person_id, text, by=self.editor,
                                during=self.meeting_id)
            return
        self._upsert_attendance(name, "checkin", (text or "").strip() or None)

    # -- records ------------------------------------------------------------------------

    def _where(self, position: int | None) -> tuple[int, str]:
        state = self.sections[self.current if position is None else position]
        return state.position, state.title

    def record_decision(self, text: str, *, context: dict | None = None,
                        issue_id: int | None = None, position: int | None = None) -> int:
        position, title = self._where(position)
        return records.add_decision(self.conn, self.meeting_id, text, section_position=position,
                                    section_title=title, issue_id=issue_id, context=context)

    def add_action_item(self, text: str, owner: str | None, due: date | None, *,
                        issue_id: int | None = None, decision_id: int | None = None,
                        position: int | None = None) -> int:
        position, title = self._where(position)
        return records.add_action_item(self.conn, text, owner=owner, due=due,
                                       meeting_id=self.meeting_id, section_position=position,
                                       section_title=title, issue_id=issue_id,
                                       decision_id=decision_id)

    def add_note(self, text: str, *, position: int | None = None) -> int:
        position, title = self._where(position)
        return records.add_note(self.conn, self.meeting_id, text, section_position=position,
                                section_title=title)

    def raise_issue(self, title: str, *, detail: str | None = None, team: str | None = None,
                    origin: str = "meeting", evidence: dict | None = None,
                    raised_by: str | None = None) -> int:
        return records.raise_issue(self.conn, title, detail=detail, team=team,
                                   raised_by=raised_by, meeting_id=self.meeting_id,
                                   origin=origin, evidence=evidence)

    # -- corrections ----------------------------------------------------------------------

    @property
    def editor(self) -> str:
        """Who a correction made on the meeting screen is by: the meeting's facilitator when
        one is named, else 'facilitator'."""
        row = self.conn.execute("SELECT facilitator FROM meetings WHERE id = ?",
                                (self.meeting_id,)).fetchone()
        return (row[0] if row and row[0] else None) or "facilitator"

    def edit(self, kind: str, record_id: int, **changes: object) -> list[str]:
        """Correct a record (see :func:`records.edit_record`); returns the fields changed."""
        if kind == "checkin":
            changed = records.set_checkin(self.conn, self.meeting_id, record_id,
                                          changes.get("text"), by=self.editor,
                                          during=self.meeting_id)
            return ["text"] if changed else []
        return records.edit_record(self.conn, kind, record_id, by=self.editor,
                                   during=self.meeting_id, **changes)

    def delete(self, kind: str, record_id: int) -> str | None:
        """Delete a record softly; returns what an undo needs (a check-in line's words)."""
        if kind == "checkin":
            old = self.conn.execute("SELECT checkin FROM attendance WHERE meeting_id = ? AND "
                                    "person_id = ?", (self.meeting_id, record_id)).fetchone()
            records.set_checkin(self.conn, self.meeting_id, record_id, None, by=self.editor,
                                during=self.meeting_id)
            return old[0] if old else None
        records.delete_record(self.conn, kind, record_id, by=self.editor, during=self.meeting_id)
        return None

    def restore(self, kind: str, record_id: int, words: str | None = None) -> None:
        """Undo a delete (``words``: what :meth:`delete` returned for a check-in line)."""
        if kind == "checkin":
            records.set_checkin(self.conn, self.meeting_id, record_id, words, by=self.editor,
                                during=self.meeting_id)
            return
        records.restore_record(self.conn, kind, record_id, by=self.editor,
                               during=self.meeting_id)

    def section_records(self, position: int | None = None) -> dict[str, list]:
        """Decisions, action items and notes recorded in a section, oldest first."""
        position, _ = self._where(position)

        def ids(table: str) -> set[int]:
            return {row[0] for row in self.conn.execute(
                f"SELECT id FROM {table} WHERE meeting_id = ? AND section_position = ? "
                "AND deleted_at IS NULL",
                (self.meeting_id, position))}

        decision_ids, action_ids = ids("decisions"), ids("action_items")
        actions = records.list_action_items(self.conn, status=None, meeting_id=self.meeting_id)
        return {
            "decisions": [d for d in records.list_decisions(self.conn, self.meeting_id)
                          if d.id in decision_ids],
            "actions": sorted((a for a in actions if a.id in action_ids), key=lambda a: a.id),
            "notes": [n for n in records.list_notes(self.conn, self.meeting_id)
                      if n["section_position"] == position],
        }

    def counts(self) -> dict[str, int]:
        """How many decisions, action items, notes and issues this meeting has recorded."""
        one = lambda sql: self.conn.execute(sql, (self.meeting_id,)).fetchone()[0]  # noqa: E731
        return {
            "decisions": one("SELECT COUNT(*) FROM decisions WHERE meeting_id = ? "
                             "AND deleted_at IS NULL"),
            "actions": one("SELECT COUNT(*) FROM action_items WHERE meeting_id = ? "
                           "AND deleted_at IS NULL"),
            "notes": one("SELECT COUNT(*) FROM notes WHERE meeting_id = ? AND deleted_at IS NULL"),
            "issues": one("SELECT COUNT(*) FROM issues WHERE raised_in_meeting = ? "
                          "AND deleted_at IS NULL"),
        }

    def previous_meeting_started_at(self) -> str | None:
        """When the meeting before this one started (any agenda), for the action review."""
        row = self.conn.execute(
            "SELECT MAX(COALESCE(m.started_at, m.created_at)) FROM meetings m, meetings me "
            "WHERE me.id = ? AND m.id != me.id AND COALESCE(m.started_at, m.created_at) <= "
            "COALESCE(me.started_at, me.created_at)", (self.meeting_id,)).fetchone()
        return row[0] if row else None

    def people_names(self) -> list[str]:
        """Names of the active people, for owner completion."""
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM people WHERE active = 1 ORDER BY name")]

    def today(self) -> date:
        """Today in the workspace time zone."""
        return to_local(self._now(), self.settings.timezone).date()

    def freshness(self) -> list[Freshness]:
        return data_freshness(self.conn, self.period.end_utc, self._now())


def agenda_ref(workspace: Workspace, agenda: Agenda) -> str:
    """How a meeting names its agenda: the file name inside agendas/, else the full path."""
    try:
        inside = agenda.path.resolve().parent == workspace.agendas_dir.resolve()
    except OSError:
        inside = False
    return agenda.name if inside else str(agenda.path.resolve())


def _agenda_of_meeting(workspace: Workspace, conn: sqlite3.Connection, meeting_id: int,
                       agenda_path: str, settings: Settings) -> Agenda:
    """The agenda a meeting runs; the stored snapshot when the file changed or vanished."""
    snapshot = conn.execute("SELECT agenda_snapshot FROM meetings WHERE id = ?",
                            (meeting_id,)).fetchone()[0]
    candidate = Path(agenda_path)
    if not candidate.is_absolute():
        candidate = workspace.agendas_dir / agenda_path
    stored = conn.execute("SELECT position, title, type, timebox_seconds FROM meeting_sections "
                          "WHERE meeting_id = ? ORDER BY position", (meeting_id,)).fetchall()
    if candidate.is_file():
        try:
            agenda = load_agenda(candidate, settings)
        except UserError:
            agenda = None
        if agenda is not None and [(s.position, s.title, s.type, s.timebox_seconds)
                                   for s in agenda.sections] == [tuple(r) for r in stored]:
            return agenda
    if snapshot:
        return _agenda_from_snapshot(json.loads(snapshot), candidate)
    raise UserError(f"meeting #{meeting_id}: its agenda {agenda_path} is gone and no copy was kept")


def _agenda_from_snapshot(data: dict, path: Path) -> Agenda:
    from smarketing_tui.agenda import SectionSpec

    sections = tuple(SectionSpec(position=s["position"], title=s["title"], type=s["type"],
                                 timebox_minutes=s["timebox_minutes"], team=s.get("team"),
                                 options=s.get("options") or {}) for s in data["sections"])
    return Agenda(path=path, name=data["name"], title=data["title"], cadence=data["cadence"],
                  planned_minutes=data["planned_minutes"], sla_path=Path(data["sla"]),
                  period_spec=data["period"], sections=sections,
                  bell=bool(data.get("bell", False)))
