"""Following a meeting from another process: read-only, refreshed when the store changes.

``smarketing follow`` (and the browser view of ``smarketing serve``) watch the
meeting the facilitator runs on the same store. They never write:
:class:`FollowedMeeting` reads through a connection opened read-only
(``mode=ro``), and every method of :class:`MeetingSession` that writes refuses.

Polling is cheap: :class:`StoreWatch` asks SQLite's ``PRAGMA data_version`` on
the one long-lived connection, which changes only when another connection has
committed, without reading a table. Only then is :func:`records_fingerprint`
read (a handful of counts) to tell a recorded decision from the clock's
heartbeat, which writes every few seconds.
"""

from __future__ import annotations

import sqlite3

from smarketing_tui.errors import UserError
from smarketing_tui.meeting import MeetingSession, _agenda_of_meeting
from smarketing_tui.periods import parse_period
from smarketing_tui.workspace import Settings, Workspace

READ_ONLY = "the follow view is read-only: the facilitator records in 'smarketing run'"


class StoreWatch:
    """Tells whether another connection committed to the store since the last look."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._seen = self._version()

    def _version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        """True once after each commit by another connection (or process)."""
        version = self._version()
        if version == self._seen:
            return False
        self._seen = version
        return True


def running_meeting(conn: sqlite3.Connection) -> int | None:
    """The meeting a follower opens: the newest one whose clock runs (status 'running').

    A paused meeting is not looked for (an unfinished meeting of weeks ago is paused
    too), but a follower already following one keeps it while it is paused."""
    row = conn.execute("SELECT id FROM meetings WHERE status = 'running' "
                       "ORDER BY COALESCE(started_at, created_at) DESC, id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def records_fingerprint(conn: sqlite3.Connection, meeting_id: int) -> tuple:
    """What a follower shows, other than the clock, in a few numbers: changes when the
    facilitator moves, pauses or ends, or anything is recorded, marked or ranked."""
    return conn.execute(
        "SELECT m.status, m.current_section, "
        "(SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM decisions), "
        "(SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM action_items), "
        "(SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM action_item_updates), "
        "(SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM notes), "
        "(SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) || ':' || "
        "  COALESCE(SUM(status = 'open'), 0) || ':' || COALESCE(GROUP_CONCAT(rank), '') "
        "  FROM issues WHERE status = 'open' OR solved_in_meeting = m.id), "
        "(SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) || ':' || COUNT(meeting_id) "
        "  FROM talking_points), "
        "(SELECT COUNT(*) || ':' || COALESCE(MAX(updated_at), '') FROM attendance "
        "  WHERE meeting_id = m.id) "
        "FROM meetings m WHERE m.id = ?", (meeting_id,)).fetchone()


_WRITES = ("tick", "go_to", "next_section", "previous_section", "pause", "resume_clock",
           "toggle_pause", "leave", "end", "set_present", "set_rating", "set_checkin",
           "record_decision", "add_action_item", "add_note", "raise_issue", "reseat", "edit",
           "delete", "restore", "finish_amending")


class FollowedMeeting(MeetingSession):
    """A meeting as another process runs it, seen through a read-only connection.

    The section views read it as they read the facilitator's session; every method that
    would write raises :class:`UserError` instead (and the connection could not write
    anyway). :meth:`refresh` reads the facilitator's section and clocks again."""

    @classmethod
    def open(cls, workspace: Workspace, conn: sqlite3.Connection, meeting_id: int, *,
             settings: Settings) -> FollowedMeeting:
        row = conn.execute("SELECT agenda_path, period_label FROM meetings WHERE id = ?",
                           (meeting_id,)).fetchone()
        if row is None:
            raise UserError(f"no meeting #{meeting_id}")
        agenda_path, period_label = row
        agenda = _agenda_of_meeting(workspace, conn, meeting_id, agenda_path, settings)
        period = parse_period(period_label, settings.timezone)
        return cls(workspace, agenda, meeting_id, settings=settings, conn=conn, period=period)

    def refresh(self) -> None:
        """Read the meeting's status, the facilitator's section and the clocks again."""
        self._load()

    def close(self) -> None:
        """The connection belongs to whoever opened it (the follow app keeps one)."""


def _refuse(name: str):
    def refuse(self, *args, **kwargs):
        raise UserError(READ_ONLY)

    refuse.__name__ = name
    refuse.__doc__ = f"Refused: {READ_ONLY}."
    return refuse


for _name in _WRITES:
    setattr(FollowedMeeting, _name, _refuse(_name))
