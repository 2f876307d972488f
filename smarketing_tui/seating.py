"""Mixed seating: marketer–seller groups that rotate from meeting to meeting.

The smaller team's members each anchor a group; the larger team's members move one group
along every week. Over a cycle as long as the smaller team (``cycle_weeks``), every marketer
sits beside every seller exactly once. When the teams are uneven, some groups hold more than
one of the larger team (a three, or more when one team is much larger), but no group is ever
all one team. People who are away are left out, and a group that loses its whole
other-team side is folded into the smallest remaining groups.

The rotation depends only on the ISO week, not on stored state, so the plan for a coming
week is the same on every machine and in every run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from smarketing_tui.workspace import Person, name_key

# Week 0 of the rotation: a Monday (the first Monday of 2024). Any fixed Monday would do.
_FIRST_MONDAY = date(2024, 1, 1)


@dataclass(frozen=True)
class WeekSeating:
    """Who sits together at the meeting of one ISO week."""

    monday: date
    groups: tuple[tuple[Person, ...], ...]  # each group marketers first, then sellers
    away: tuple[Person, ...] = ()
    problem: str | None = None  # why nobody could be seated (one team has nobody here)


@dataclass(frozen=True)
class PairCount:
    """How often a marketer and a seller have sat together at recorded meetings."""

    marketer: str
    seller: str
    times: int
    last: date | None  # the local day of the last meeting they sat together


@dataclass
class SeatingHistory:
    """Every marketer × seller pair of the workspace's people with its recorded count."""

    pairs: list[PairCount] = field(default_factory=list)
    meetings: int = 0

    def never(self) -> list[PairCount]:
        """The pairs that have not sat together yet."""
        return [pair for pair in self.pairs if pair.times == 0]


def monday_of(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def cycle_weeks(people: Sequence[Person]) -> int:
    """Weeks until the groups repeat: the size of the smaller team (0 when a team is empty)."""
    marketers, sellers = _teams(people)
    return min(len(marketers), len(sellers))


def seat_week(people: Sequence[Person], monday: date,
              away: Iterable[Person] = ()) -> WeekSeating:
    """The groups for the meeting in ``monday``'s week, leaving out ``away``."""
    monday = monday_of(monday)
    away_keys = {name_key(person.name) for person in away}
    left_out = tuple(person for person in people if name_key(person.name) in away_keys)
    marketers, sellers = _teams(people)
    if not marketers or not sellers:
        missing = "marketing" if not marketers else "sales"
        return WeekSeating(monday, (), left_out, f"nobody in {missing} in smarketing.yaml")
    small, large = (marketers, sellers) if len(marketers) <= len(sellers) else (sellers, marketers)
    week = (monday - _FIRST_MONDAY).days // 7
    # Member j of the larger team sits with member (j + week) mod a of the smaller one: for a
    # given pair exactly one week in every a has it.
    members: list[list[Person]] = [[anchor] for anchor in small]
    for j, person in enumerate(large):
        members[(j + week) % len(small)].append(person)
    groups = [[p for p in group if name_key(p.name) not in away_keys] for group in members]
    groups = _regroup(groups)
    if not groups:
        return WeekSeating(monday, (), left_out, _nobody_reason(marketers, sellers, away_keys))
    ordered = tuple(tuple(sorted(group, key=lambda p: (p.team != "marketing",)))
                    for group in groups)
    return WeekSeating(monday, ordered, left_out)


def plan(people: Sequence[Person], first_monday: date, weeks: int,
         away: Iterable[Person] = ()) -> list[WeekSeating]:
    """``weeks`` weeks of seating from ``first_monday``'s week on."""
    away = tuple(away)
    start = monday_of(first_monday)
    return [seat_week(people, start + timedelta(weeks=n), away) for n in range(weeks)]


def _teams(people: Sequence[Person]) -> tuple[list[Person], list[Person]]:
    return ([p for p in people if p.team == "marketing"],
            [p for p in people if p.team == "sales"])


def _mixed(group: Sequence[Person]) -> bool:
    return len({person.team for person in group}) == 2


def _regroup(groups: list[list[Person]]) -> list[list[Person]]:
    """Fold every group left one-sided by absences into the smallest mixed groups."""
    mixed = [group for group in groups if _mixed(group)]
    lonely = [person for group in groups if not _mixed(group) for person in group]
    if not mixed:
        # Nobody kept a partner: pair what is left from scratch, one of each team per group.
        marketers = [p for p in lonely if p.team == "marketing"]
        sellers = [p for p in lonely if p.team == "sales"]
        if not marketers or not sellers:
            return []
        small, large = ((marketers, sellers) if len(marketers) <= len(sellers)
                        else (sellers, marketers))
        mixed = [[anchor] for anchor in small]
        for j, person in enumerate(large):
            mixed[j % len(small)].append(person)
        return mixed
    for person in lonely:
        min(mixed, key=len).append(person)
    return mixed


def _nobody_reason(marketers: list[Person], sellers: list[Person], away_keys: set[str]) -> str:
    if all(name_key(p.name) in away_keys for p in marketers):
        return "everyone in marketing is away"
    return "everyone in sales is away"


# -- the seating a meeting had ---------------------------------------------------------------

def record(conn: sqlite3.Connection, meeting_id: int, seating: WeekSeating) -> None:
    """Store ``seating`` as the meeting's seating, replacing what it had (one transaction)."""
    with conn:
        write_groups(conn, meeting_id, seating)


def write_groups(conn: sqlite3.Connection, meeting_id: int, seating: WeekSeating) -> None:
    """:func:`record` inside the caller's transaction (the demo builds in one)."""
    conn.execute("DELETE FROM seating WHERE meeting_id = ?", (meeting_id,))
    for number, group in enumerate(seating.groups, start=1):
        for person in group:
            row = conn.execute("SELECT id FROM people WHERE name = ?", (person.name,)).fetchone()
            if row is not None:
                conn.execute("INSERT INTO seating (meeting_id, person_id, grp) VALUES (?, ?, ?)",
                             (meeting_id, row[0], number))


def recorded_groups(conn: sqlite3.Connection, meeting_id: int) -> list[list[tuple[str, str]]]:
    """The groups stored for a meeting, as (name, team) lists, marketers first."""
    rows = conn.execute(
        "SELECT s.grp, p.name, p.team FROM seating s JOIN people p ON p.id = s.person_id "
        "WHERE s.meeting_id = ? ORDER BY s.grp, p.team = 'sales', p.name",
        (meeting_id,)).fetchall()
    groups: dict[int, list[tuple[str, str]]] = {}
    for number, name, team in rows:
        groups.setdefault(number, []).append((name, team))
    return [groups[number] for number in sorted(groups)]


def history(conn: sqlite3.Connection, people: Sequence[Person], tz: str) -> SeatingHistory:
    """How often each marketer × seller pair of ``people`` sat together at recorded meetings."""
    from smarketing_tui.timeutil import to_local

    rows = conn.execute(
        "SELECT a.meeting_id, COALESCE(m.started_at, m.created_at), pa.name, pb.name "
        "FROM seating a JOIN seating b ON a.meeting_id = b.meeting_id AND a.grp = b.grp "
        "JOIN people pa ON pa.id = a.person_id JOIN people pb ON pb.id = b.person_id "
        "JOIN meetings m ON m.id = a.meeting_id "
        "WHERE pa.team = 'marketing' AND pb.team = 'sales' "
        "ORDER BY COALESCE(m.started_at, m.created_at), a.meeting_id").fetchall()
    seen: dict[tuple[str, str], list] = {}
    for _meeting, held, marketer, seller in rows:
        entry = seen.setdefault((name_key(marketer), name_key(seller)), [0, None])
        entry[0] += 1
        entry[1] = to_local(held, tz).date()
    meetings = conn.execute("SELECT COUNT(DISTINCT meeting_id) FROM seating").fetchone()[0]
    marketers, sellers = _teams(people)
    pairs = []
    for marketer in marketers:
        for seller in sellers:
            times, last = seen.get((name_key(marketer.name), name_key(seller.name)), (0, None))
            pairs.append(PairCount(marketer.name, seller.name, times, last))
    return SeatingHistory(pairs, meetings)
