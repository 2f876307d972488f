"""What the meeting's clocks tell the facilitator: how the current section stands against its
timebox, and when the whole meeting will end at the pace it is going.

Pure functions of seconds and moments (a session's numbers in, plain values out), so they
are tested on a pinned clock; the meeting screen only shows what they say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smarketing_tui.meeting import MeetingSession

ENDING_SECONDS = 60  # the last minute of a timebox: a quiet notice (and the bell, if asked)

# The section clock's states, each with a word and a symbol, so it reads without colour.
RUNNING, ENDING, OVER = "running", "ending", "over"
SECTION_MARK = {RUNNING: "", ENDING: "⏳ 1 min left", OVER: "⚠ over"}


def section_state(used: float, timebox: float) -> str:
    """``over`` once ``used`` passed the timebox, ``ending`` in its last minute (from 60 s
    before its end, on the dot), else ``running``. A timebox of a minute or less is
    ``ending`` from its start."""
    if used > timebox:
        return OVER
    if used >= timebox - ENDING_SECONDS:
        return ENDING
    return RUNNING


@dataclass(frozen=True)
class Forecast:
    """When the meeting ends at the current pace: ``ends_at`` (UTC) and how far that is from
    the plan, in seconds (``over`` > 0: late; < 0: early)."""

    ends_at: datetime
    over: float

    @property
    def on_time(self) -> bool:
        return self.over <= 0


def projected_seconds(used: list[float], timeboxes: list[float], current: int) -> float:
    """The meeting's length at the current pace: the sections already visited as they went
    (``used`` > 0), the current one at least its timebox (longer if it is over), the ones
    still ahead at their timeboxes."""
    total = 0.0
    for position, (spent, box) in enumerate(zip(used, timeboxes)):
        if position == current:
            total += max(spent, box)
        elif spent > 0:
            total += spent
        else:
            total += box
    return total


def forecast(used: list[float], timeboxes: list[float], current: int, planned: float,
             now: datetime) -> Forecast:
    """:class:`Forecast` of a meeting whose sections have run ``used`` seconds (by position,
    against ``timeboxes``), at section ``current``, ``planned`` seconds long, seen at
    ``now`` (UTC): what is left of the projected length, from now."""
    projected = projected_seconds(used, timeboxes, current)
    left = projected - sum(used)
    return Forecast(ends_at=now + timedelta(seconds=left), over=projected - planned)


def session_forecast(session: MeetingSession) -> Forecast:
    """:func:`forecast` of a running meeting, on its own clock."""
    sections = session.sections
    return forecast([session.elapsed(s.position) for s in sections],
                    [s.timebox_seconds for s in sections], session.current,
                    session.agenda.planned_minutes * 60, session.clock())


def forecast_text(result: Forecast, tz: str, *, short: bool = False) -> str:
    """``ends ~10:47, 2 min over`` / ``ends ~10:40, on time`` / ``…, 3 min early``: the local
    time rounded to the minute, the difference in whole minutes (under one is on time).
    ``short``: ``~10:47 +2 min``, ``~10:40 on time``, ``~10:37 -3 min``."""
    from smarketing_tui.timeutil import to_local

    local = to_local(result.ends_at + timedelta(seconds=30), tz)  # to the nearest minute
    minutes = int(abs(result.over) // 60)
    if short:
        how = "on time" if minutes == 0 else f"{'+' if result.over > 0 else '-'}{minutes} min"
        return f"~{local:%H:%M} {how}"
    if minutes == 0:
        how = "on time"
    else:
        how = f"{minutes} min {'over' if result.over > 0 else 'early'}"
    return f"ends ~{local:%H:%M}, {how}"
