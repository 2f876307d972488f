"""The minutes of a meeting: everything it recorded, gathered section by section.

:func:`load_minutes` reads one meeting from the store into a :class:`Minutes`
value; the renderers in :mod:`smarketing_tui.minutes_render` turn that into
Markdown, HTML, JSON or iCalendar. The scorecard shown is the snapshot the
meeting froze when it ended, never today's numbers. No UI code here: the CLI
(``smarketing minutes``) and the meeting screen's wrap-up share it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from smarketing_tui import records, seating, vocabulary
from smarketing_tui.errors import UserError
from smarketing_tui.reportformat import format_value
from smarketing_tui.scorecard_text import (evidence_lines, excluded_text, plain_value,
                                          week_beside_month)
from smarketing_tui.timeutil import now_utc, parse_utc, to_local, utc_iso
from smarketing_tui.vocabulary import (counted, duration_text, format_date, format_percent, status_text,
                                       target_text)

if TYPE_CHECKING:
    from smarketing_tui.workspace import Settings, Workspace

SCHEMA = "smarketing.minutes/1"
SCORECARD_SCHEMA = "smarketing.scorecard/1"
FORMATS = ("md", "html", "json", "ics")
EXTENSIONS = {"md": "md", "html": "html", "json": "json", "ics": "ics"}
OTHER_SECTION_TITLE = "Outside the agenda"


# -- the value ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    name: str
    team: str
    present: bool
    rating: int | None
    checkin: str | None
    revisions: list[records.Revision] = field(default_factory=list)  # of the check-in line

    @property
    def amended(self) -> bool:
        """Whether the check-in line was corrected after it was said."""
        return bool(self.revisions)


@dataclass(frozen=True)
class ReviewedAction:
    """An action item as the action review left it: what happened to it and when."""

    item: records.ActionItem
    outcome: str  # done | carried | dropped | reopened | comment
    new_due: str | None
    comment: str | None
    in_prep: bool  # marked before the meeting (prep or CLI), not in it


@dataclass
class SectionMinutes:
    position: int | None  # None: things recorded outside any agenda section
    title: str
    type: str
    timebox_seconds: int
    used_seconds: float
    decisions: list[records.Decision] = field(default_factory=list)
    action_items: list[records.ActionItem] = field(default_factory=list)
    reviewed_actions: list[ReviewedAction] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    talking_points: list[records.TalkingPoint] = field(default_factory=list)
    checkins: list[Attendee] = field(default_factory=list)  # the check-in round's lines

    @property
    def over_seconds(self) -> float:
        """Seconds beyond the timebox (0 when within it)."""
        return max(0.0, self.used_seconds - self.timebox_seconds)

    @property
    def is_empty(self) -> bool:
        return not (self.decisions or self.action_items or self.reviewed_actions or self.notes
                    or self.talking_points or self.checkins)


@dataclass
class Minutes:
    """Everything one meeting recorded, ready to render."""

    meeting_id: int
    title: str
    agenda: str  # agenda file name, e.g. weekly.yaml
    cadence: str
    status: str  # running | paused | ended
    date: date  # local date the meeting was held
    period_label: str
    period_start: date  # local, inclusive
    period_end: date  # local, inclusive
    planned_minutes: int
    started_at: str | None  # UTC store form
    ended_at: str | None
    facilitator: str | None
    attendees: list[Attendee]
    sections: list[SectionMinutes]
    issues_raised: list[records.Issue]
    issues_solved: list[records.Issue]  # solved or dropped in this meeting
    issues_open: list[records.Issue]  # still open when the meeting ended (ranked first)
    completion: records.CompletionRate
    scorecard: dict | None  # the frozen snapshot, as stored
    scorecard_problem: str | None  # why there is no snapshot to show
    timezone: str
    currency: str
    company: str
    generated_at: str
    emails: dict[str, str] = field(default_factory=dict)  # person name -> e-mail (iCalendar)
    # Mixed seating: each group as (name, team) pairs, marketers first (seating.py).
    seating: list[list[tuple[str, str]]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status == "ended"

    @property
    def present(self) -> list[Attendee]:
        return [a for a in self.attendees if a.present]

    @property
    def absent(self) -> list[Attendee]:
        return [a for a in self.attendees if not a.present]

    @property
    def average_rating(self) -> float | None:
        ratings = [a.rating for a in self.attendees if a.present and a.rating is not None]
        return sum(ratings) / len(ratings) if ratings else None

    @property
    def used_seconds(self) -> float:
        return sum(s.used_seconds for s in self.sections)

    @property
    def decisions(self) -> list[records.Decision]:
        return [d for s in self.sections for d in s.decisions]

    @property
    def action_items(self) -> list[records.ActionItem]:
        """Items created in this meeting, then items it carried over, without repeats."""
        seen: dict[int, records.ActionItem] = {}
        for section in self.sections:
            for item in section.action_items:
                seen.setdefault(item.id, item)
        for section in self.sections:
            for review in section.reviewed_actions:
                if review.outcome == "carried":
                    seen.setdefault(review.item.id, review.item)
        return list(seen.values())

    @property
    def open_action_items(self) -> list[records.ActionItem]:
        """The open items of these minutes (the iCalendar export holds exactly these)."""
        items = [item for item in self.action_items if item.is_open]
        return sorted(items, key=lambda i: (i.due is None, i.due or "", i.id))

    @property
    def listed_action_items(self) -> list[records.ActionItem]:
        """The action items the minutes open with: open ones first (by due date), then the
        rest in the order they were recorded."""
        still_open = self.open_action_items
        return still_open + [item for item in self.action_items if not item.is_open]

    @property
    def raised_ids(self) -> set[int]:
        """Ids of the issues raised in (or for) this meeting."""
        return {issue.id for issue in self.issues_raised}

    @property
    def file_stem(self) -> str:
        """Default file name without extension, e.g. ``2026-11-23-weekly``."""
        return f"{self.date.isoformat()}-{slug(Path(self.agenda).stem or self.cadence)}"

    def local(self, stamp: str | None) -> datetime | None:
        return to_local(stamp, self.timezone) if stamp else None


# -- loading --------------------------------------------------------------------------------


def resolve_meeting(conn: sqlite3.Connection, ref: str | int | None,
                    tz: str = "Europe/Oslo") -> int:
    """The meeting id that MEETING names: an id, a date (dd.mm.yyyy or yyyy-mm-dd, in
    the workspace time zone) or ``last`` (the most recent meeting, finished or not)."""
    text = "last" if ref is None else str(ref).strip()
    if text.lower() == "last":
        row = conn.execute("SELECT id FROM meetings ORDER BY COALESCE(started_at, created_at) "
                           "DESC, id DESC LIMIT 1").fetchone()
        if row is None:
            raise UserError("no meetings yet; run one with 'smarketing run'")
        return row[0]
    if text.lstrip("#").isdigit():
        meeting_id = int(text.lstrip("#"))
        if conn.execute("SELECT 1 FROM meetings WHERE id = ?", (meeting_id,)).fetchone() is None:
            raise UserError(f"no meeting #{meeting_id}")
        return meeting_id
    day = parse_day(text)
    if day is None:
        raise UserError(f"MEETING must be a meeting id, a date (dd.mm.yyyy or yyyy-mm-dd) or "
                        f"'last', not {text!r}")
    rows = conn.execute("SELECT id, title, COALESCE(started_at, created_at) FROM meetings "
                        "ORDER BY COALESCE(started_at, created_at), id").fetchall()
    matches = [(mid, title) for mid, title, stamp in rows if to_local(stamp, tz).date() == day]
    if not matches:
        return _no_meeting_on(day, [to_local(stamp, tz).date() for _, _, stamp in rows])
    if len(matches) > 1:
        listed = ", ".join(f"#{mid} {title}" for mid, title in matches)
        raise UserError(f"{len(matches)} meetings on {format_date(day)} ({listed}); "
                        "pass the meeting id instead")
    return matches[0][0]


def _no_meeting_on(day: date, held: list[date]) -> int:
    if not held:
        raise UserError(f"no meeting on {format_date(day)}; there are no meetings yet")
    recent = ", ".join(format_date(d) for d in sorted(set(held))[-5:])
    raise UserError(f"no meeting on {format_date(day)}; recent meetings: {recent}")


def parse_day(text: str) -> date | None:
    """A date typed by a user: ``23.11.2026``, ``23.11.26`` or ``2026-11-23``; else None."""
    text = text.strip()
    for pattern in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def load_minutes(conn: sqlite3.Connection, meeting_id: int, settings: Settings) -> Minutes:
    """Gather one meeting's record from the store (see :class:`Minutes`)."""
    row = conn.execute(
        "SELECT id, agenda_path, title, cadence, period_label, period_start, period_end, "
        "planned_minutes, status, created_at, started_at, ended_at, facilitator, "
        "scorecard_snapshot FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
    if row is None:
        raise UserError(f"no meeting #{meeting_id}")
    (_, agenda_path, title, cadence, period_label, period_start, period_end, planned, status,
     created_at, started_at, ended_at, facilitator, snapshot_text) = row
    tz = settings.timezone
    now = now_utc()
    held_from = started_at or created_at
    until = ended_at or utc_iso(now)

    sections = _sections(conn, meeting_id, ended_at, now)
    by_position = {s.position: s for s in sections}
    other = SectionMinutes(None, OTHER_SECTION_TITLE, "other", 0, 0.0)

    def section_for(position: int | None, title: str | None = None,
                    kind: str | None = None) -> SectionMinutes:
        if position is not None and position in by_position:
            return by_position[position]
        if title:
            for section in sections:
                if section.title.casefold() == title.casefold():
                    return section
        if kind:
            for section in sections:
                if section.type == kind:
                    return section
        return other

    for decision, position in _decisions_with_positions(conn, meeting_id):
        section_for(position, decision.section_title).decisions.append(decision)
    for item, position in _actions_with_positions(conn, meeting_id):
        section_for(position, item.section_title).action_items.append(item)
    for note in records.list_notes(conn, meeting_id):
        section_for(note["section_position"], note["section_title"]).notes.append(note)
    for point in _talking_points(conn, meeting_id, Path(agenda_path).name, held_from, ended_at):
        target = section_for(None, point.section_title, point.section_type)
        if target is other:
            target = section_for(None, None, "talking_points")
        target.talking_points.append(point)
    since = _previous_meeting_start(conn, meeting_id, held_from) or held_from
    review_section = section_for(None, None, "action_review")
    for review in _reviewed_actions(conn, meeting_id, since, until):
        review_section.reviewed_actions.append(review)
    attendees = _attendees(conn, meeting_id)
    section_for(None, None, "checkin").checkins.extend(a for a in attendees if a.checkin)
    if not other.is_empty:
        sections.append(other)

    issues = records.list_issues(conn, status=None)
    solved_ids = {r[0] for r in conn.execute(
        "SELECT id FROM issues WHERE solved_in_meeting = ?", (meeting_id,))}
    # Raised in the meeting, or raised for it (prep, CLI) since the previous meeting began.
    raised_ids = {r[0] for r in conn.execute(
        "SELECT id FROM issues WHERE raised_in_meeting = ? OR (raised_in_meeting IS NULL "
        "AND raised_at >= ? AND raised_at <= ?)", (meeting_id, since, until))}

    # Open when the meeting ended: raised by then, and not solved or dropped by then.
    still_open = [i for i in issues if i.id not in solved_ids and i.raised_at <= until
                  and (i.solved_at is None or i.solved_at > until)]

    scorecard, problem = _snapshot(snapshot_text, status)
    as_of = parse_utc(ended_at) if ended_at else now
    return Minutes(
        meeting_id=meeting_id,
        title=title,
        agenda=Path(agenda_path).name,
        cadence=cadence,
        status=status,
        date=to_local(held_from, tz).date(),
        period_label=period_label,
        period_start=_local_day(period_start, tz),
        period_end=_local_day(period_end, tz, end=True),
        planned_minutes=planned,
        started_at=started_at,
        ended_at=ended_at,
        facilitator=facilitator,
        attendees=attendees,
        sections=sections,
        issues_raised=sorted((i for i in issues if i.id in raised_ids), key=lambda i: i.id),
        issues_solved=sorted((i for i in issues if i.id in solved_ids), key=lambda i: i.id),
        issues_open=still_open,
        completion=records.action_completion_rate(conn, tz=tz, goal=settings.action_completion_goal,
                                                  as_of=as_of),
        scorecard=scorecard,
        scorecard_problem=problem,
        timezone=tz,
        currency=settings.currency,
        company=settings.name,
        generated_at=utc_iso(now),
        emails={p.name: p.email for p in settings.people if p.email},
        seating=seating.recorded_groups(conn, meeting_id),
    )


def _local_day(stamp: str, tz: str, end: bool = False) -> date:
    """A period bound as a local date; stored ends are exclusive, shown ends inclusive."""
    if len(stamp) == 10:  # already a local ISO date
        day = date.fromisoformat(stamp)
        return day
    moment = parse_utc(stamp)
    if end:
        moment -= timedelta(seconds=1)
    return to_local(moment, tz).date()


def _sections(conn: sqlite3.Connection, meeting_id: int, ended_at: str | None,
              now: datetime) -> list[SectionMinutes]:
    rows = conn.execute(
        "SELECT position, title, type, timebox_seconds, used_seconds, running_since "
        "FROM meeting_sections WHERE meeting_id = ? ORDER BY position", (meeting_id,)).fetchall()
    result = []
    stop = parse_utc(ended_at) if ended_at else now
    for position, title, kind, timebox, used, running_since in rows:
        if running_since:  # the clock was running (a crash, or an unfinished meeting)
            used += max(0.0, (stop - parse_utc(running_since)).total_seconds())
        result.append(SectionMinutes(position, title, kind, timebox, float(used)))
    return result


def _decisions_with_positions(conn: sqlite3.Connection, meeting_id: int):
    positions = dict(conn.execute("SELECT id, section_position FROM decisions WHERE meeting_id = ?",
                                  (meeting_id,)).fetchall())
    return [(d, positions.get(d.id)) for d in records.list_decisions(conn, meeting_id)]


def _actions_with_positions(conn: sqlite3.Connection, meeting_id: int):
    positions = dict(conn.execute("SELECT id, section_position FROM action_items "
                                  "WHERE meeting_id = ?", (meeting_id,)).fetchall())
    items = records.list_action_items(conn, status=None, meeting_id=meeting_id)
    items.sort(key=lambda i: (i.created_at, i.id))
    return [(i, positions.get(i.id)) for i in items]


def _talking_points(conn: sqlite3.Connection, meeting_id: int, agenda: str, held_from: str,
                    ended_at: str | None) -> list[records.TalkingPoint]:
    """Points the meeting took up, plus those added for its agenda while it ran (the meeting
    screen shows these too; the next meeting claims them)."""
    taken = records.list_talking_points(conn, meeting_id=meeting_id)
    during = [p for p in records.list_talking_points(conn, agenda=agenda, pending=True)
              if p.created_at >= held_from and (ended_at is None or p.created_at <= ended_at)]
    return taken + during


def _previous_meeting_start(conn: sqlite3.Connection, meeting_id: int,
                            held_from: str) -> str | None:
    row = conn.execute(
        "SELECT COALESCE(started_at, created_at) FROM meetings WHERE id != ? AND "
        "COALESCE(started_at, created_at) < ? "
        "ORDER BY COALESCE(started_at, created_at) DESC LIMIT 1",
        (meeting_id, held_from)).fetchone()
    return row[0] if row else None


def _reviewed_actions(conn: sqlite3.Connection, meeting_id: int, since: str,
                      until: str) -> list[ReviewedAction]:
    """Items the action review settled: updated in this meeting, or closed in prep since the
    previous meeting began (the review starts from what people marked before)."""
    rows = conn.execute(
        "SELECT u.action_item_id, u.kind, u.new_due, u.comment, u.meeting_id "
        "FROM action_item_updates u JOIN action_items a ON a.id = u.action_item_id "
        "WHERE (u.meeting_id = ? OR (u.meeting_id IS NULL AND u.kind IN ('done', 'dropped') "
        "AND u.at >= ? AND u.at <= ?)) AND (a.meeting_id IS NULL OR a.meeting_id != ?) "
        "ORDER BY u.at, u.id", (meeting_id, since, until, meeting_id)).fetchall()
    latest: dict[int, tuple] = {}
    for item_id, kind, new_due, comment, update_meeting in rows:
        if kind == "comment" and item_id in latest:
            continue  # a comment does not hide what the review decided
        latest[item_id] = (kind, new_due, comment, update_meeting is None)
    result = []
    for item_id, (kind, new_due, comment, in_prep) in latest.items():
        item = records.get_action_item(conn, item_id)
        result.append(ReviewedAction(item, kind, new_due, comment, in_prep))
    return result


def _attendees(conn: sqlite3.Connection, meeting_id: int) -> list[Attendee]:
    rows = conn.execute(
        "SELECT p.name, p.team, a.present, a.rating, a.checkin, p.id FROM attendance a "
        "JOIN people p ON p.id = a.person_id WHERE a.meeting_id = ? "
        "ORDER BY p.team, p.name COLLATE NOCASE", (meeting_id,)).fetchall()
    revised = records.revisions_of(conn, "checkin", (row[5] for row in rows),
                                   meeting_id=meeting_id)
    return [Attendee(name, team, bool(present), rating, checkin,
                     list(revised.get(person_id, ())))
            for name, team, present, rating, checkin, person_id in rows]


def _snapshot(text: str | None, status: str) -> tuple[dict | None, str | None]:
    if not text:
        if status != "ended":
            return None, "The meeting has not ended, so no scorecard snapshot was frozen yet."
        return None, "No scorecard snapshot was saved with this meeting."
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None, "The scorecard snapshot saved with this meeting is unreadable."
    if not isinstance(value, dict):
        return None, "The scorecard snapshot saved with this meeting is unreadable."
    return value, None


# -- shared formatting helpers (used by every renderer) -------------------------------------




def seating_text(groups: list[list[tuple[str, str]]]) -> str:
    """'Kari · Ola; Siv · Per, Pål': the groups in one line, marketers before the dot."""
    return "; ".join(vocabulary.seating_group_text(group) for group in groups)


def slug(text: str) -> str:
    """A file-name-safe form of a label: lower case letters, digits and dashes."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return cleaned or "meeting"


def format_duration(seconds: float | None) -> str:
    """A duration as the meeting clock shows it (:func:`vocabulary.duration_text`)."""
    return duration_text(seconds)


def format_target(line: dict, currency: str = "NOK") -> str:
    """``≥ 40`` / ``≤ 4 h`` for a scorecard commitment."""
    return target_text(line.get("comparison"), line.get("target"), line.get("unit"), currency)


def freshness_text(card: dict) -> str | None:
    """How fresh the data behind a scorecard snapshot was: ``HubSpot export, 2 days old``."""
    freshness = card.get("freshness")
    if isinstance(freshness, str):
        return freshness
    if not isinstance(freshness, dict):
        return None
    if freshness.get("text"):
        return str(freshness["text"])
    newest = freshness.get("newest_import") or {}
    label = newest.get("source_label") if isinstance(newest, dict) else None
    age = freshness.get("age_days")
    parts = []
    if label:
        parts.append(str(label))
    if isinstance(age, (int, float)):
        parts.append(vocabulary.days_old(age))
    text = ", ".join(parts)
    if freshness.get("stale"):
        text = f"{text} (stale: older than the period reviewed)" if text else "no data imported"
    return text or None


def commitment_text(line: dict, card: dict) -> str:
    """A commitment's description, with the period it is judged over when that is not the
    reviewed one (a monthly commitment in a monthly review's weekly line: ``… (2026-W46)``).
    A line with the week beside its month names the month in its actual instead."""
    text = str(line.get("description") or line.get("metric") or line.get("id") or "")
    judged = line.get("judged_period")
    reviewed = (card.get("period") or {}).get("label")
    if isinstance(line.get("week"), dict):
        return text
    if isinstance(judged, dict) and judged.get("label") and judged.get("label") != reviewed:
        text += f" ({judged['label']}{', running' if judged.get('running') else ''})"
    return text


def actual_text(line: dict, currency: str = "NOK") -> str:
    """A commitment's actual value as the meeting saw it: a weekly meeting's monthly line
    as the week beside the month (``W49 68,6 % · December so far 71 %``), another line with
    the pace of a running period when there is one; then the leads the SLA excluded
    (``; 4 excluded: duplicate 3, student 1``)."""
    text = week_beside_month(line, currency)
    if text is None:
        text = format_value(line.get("actual"), line.get("unit"), currency)
        pace = line.get("pace")
        if isinstance(pace, dict) and pace.get("text"):
            text += f" ({pace['text']})"
    excluded = excluded_text(line.get("excluded"))
    return f"{text}; {excluded}" if excluded else text


def status_label(status: str | None) -> str:
    """A status as it reads everywhere: ``○ off track`` (:func:`vocabulary.status_text`)."""
    return status_text(status)


#: The heading over :func:`streak_text` in a minutes table.
STREAK_HEADING = "Off track for"


def streak_text(line: dict) -> str:
    """How long a scorecard line has been off track, for the minutes' table: ``3 periods``;
    ``""`` for a line that is not off track, or only this period."""
    streak = line.get("red_streak")
    if line.get("status") != "red" or not isinstance(streak, int) or streak < 2:
        return ""
    return vocabulary.counted(streak, "period")


def period_text(minutes: Minutes) -> str:
    """The period reviewed, as everywhere: ``2026-W47 (16.11.–22.11.2026)``."""
    return vocabulary.period_text(minutes.period_label, minutes.period_start,
                                  minutes.period_end)


def clock_text(minutes: Minutes, stamp: str | None) -> str:
    """A meeting moment as local ``HH:MM``, with the date when it is another day."""
    moment = minutes.local(stamp)
    if moment is None:
        return "–"
    if moment.date() != minutes.date:
        return moment.strftime("%d.%m.%Y %H:%M")
    return moment.strftime("%H:%M")


def rating_text(value: float | None) -> str:
    """An average rating out of ten, by the format_value rule: ``7,5 / 10``, ``8 / 10``."""
    return "–" if value is None else f"{format_value(value, 'count')} / 10"


def completion_text(rate: records.CompletionRate) -> str:
    """``75 % (3 of 4) done by due date over the last 4 meetings — goal 90 %``."""
    if rate.total == 0:
        return (f"no action items were due in the last 4 meetings — goal "
                f"{format_percent(rate.goal)}")
    verdict = "meets the goal" if rate.meets_goal else "below the goal"
    return (f"{format_percent(rate.rate)} ({rate.done_on_time} of {rate.total}) done by the due "
            f"date over the last 4 meetings — goal {format_percent(rate.goal)}, {verdict}")


def context_lines(context: Any, currency: str = "NOK") -> list[str]:
    """A decision's context (the numbers on screen when it was made) as sentences, in a
    fixed order, numbers in their unit as they read on screen (:func:`format_value`):

    * a scorecard line: ``Leads contacted in 24 h, 2026-W49: ○ off track, 54,5 % against a
      target of ≥ 80 %`` and its counts, as an issue's evidence reads
      (:func:`~smarketing_tui.scorecard_text.evidence_lines`);
    * an issue: ``Issue #6: Too few touches`` and its evidence;
    * an action item, a talking point, the activity of a week, the funnel, ratings,
      attendance: one sentence each (``Sales 2026-W49: 30 touches, 3 meetings booked``);
    * anything else: ``name: value`` by name, rates as shares and amounts as money.

    Each sentence starts with what it is about and a colon, so :func:`context_pairs` can
    split it for a two-column layout.
    """
    if not isinstance(context, dict):
        return [plain_value(context)] if context not in (None, "", [], {}) else []
    section = context.get("section")
    rest = {k: v for k, v in context.items() if k != "section"}
    builder = _CONTEXT_BUILDERS.get(str(section))
    if builder is None and _looks_like_evidence(rest):
        builder = _evidence_context
    if builder is None:
        builder = _generic_context
    return [line for line in builder(rest, currency) if line]


def context_pairs(context: Any, currency: str = "NOK") -> list[tuple[str, str]]:
    """:func:`context_lines` split at the first colon: ``[("Issue #6", "Too few touches")]``."""
    pairs = []
    for line in context_lines(context, currency):
        subject, colon, rest = line.partition(": ")
        pairs.append((subject, rest) if colon else ("", line))
    return pairs


def _looks_like_evidence(value: dict) -> bool:
    return "commitment" in value or ("status" in value and "actual" in value)


def _evidence_context(value: dict, currency: str) -> list[str]:
    lines = evidence_lines(value, currency)
    description = value.get("description")
    if description and lines:
        lines[0] = f"{description}, {lines[0]}" if ": " in lines[0] else \
            f"{description}: {lines[0]}"
    return lines


def _issue_context(value: dict, currency: str) -> list[str]:
    head = vocabulary._("Issue {ref}: {title}").format(
        ref=vocabulary.issue_ref(value.get("issue")), title=value.get("title") or "")
    evidence = value.get("evidence")
    return [head, *(evidence_lines(evidence, currency) if isinstance(evidence, dict) else [])]


def _action_context(value: dict, currency: str) -> list[str]:
    _ = vocabulary._
    facts = []
    if value.get("owner"):
        facts.append(_("owner {name}").format(name=value["owner"]))
    if value.get("due"):
        facts.append(_("due {date}").format(date=_day_text(value["due"])))
    if value.get("carried_over"):
        facts.append(vocabulary.carried_text(int(value["carried_over"])))
    text = _("Action item {ref}: {text}").format(
        ref=vocabulary.issue_ref(value.get("action_item")), text=value.get("text") or "")
    return [f"{text} ({', '.join(facts)})" if facts else text]


def _talking_point_context(value: dict, currency: str) -> list[str]:
    _ = vocabulary._
    facts = []
    if value.get("author"):
        facts.append(_("by {name}").format(name=value["author"]))
    if value.get("metric"):
        facts.append(_("metric {name}").format(name=value["metric"]))
    text = _("Talking point: {text}").format(text=value.get("text") or "")
    return [f"{text} ({', '.join(facts)})" if facts else text]


def _activity_context(value: dict, currency: str) -> list[str]:
    _ = vocabulary._
    period = value.get("period") or ""
    if value.get("team") == "marketing":
        text = _("Marketing {period}: {mqls} MQLs (the week before {previous}), spend "
                 "{spend}").format(period=period, mqls=format_value(value.get("mqls"), "count"),
                                   previous=format_value(value.get("mqls_previous"), "count"),
                                   spend=format_value(value.get("spend"), "money", currency))
        lines = [text]
        sources = value.get("mqls_by_source")
        if isinstance(sources, dict) and sources:
            lines.append(_("MQLs by source: {sources}").format(sources=", ".join(
                f"{name} {format_value(count, 'count')}" for name, count in sources.items())))
        return lines
    if value.get("team") == "sales":
        return [_("Sales {period}: {touches} touches, {first} first contacts, {meetings} "
                  "meetings booked, {won} won ({won_amount}), {lost} lost ({lost_amount})").format(
            period=period, touches=format_value(value.get("touches"), "count"),
            first=format_value(value.get("first_contacts"), "count"),
            meetings=format_value(value.get("meetings_booked"), "count"),
            won=format_value(value.get("won"), "count"),
            won_amount=format_value(value.get("won_amount"), "money", currency),
            lost=format_value(value.get("lost"), "count"),
            lost_amount=format_value(value.get("lost_amount"), "money", currency))]
    return _generic_context(value, currency)


def _funnel_row(row: dict, currency: str) -> str:
    _ = vocabulary._
    return _("{mqls} MQLs → {accepted} accepted → {meetings} meetings → {won} won "
             "({won_amount}), MQL to won {rate}").format(
        mqls=format_value(row.get("mqls"), "count"),
        accepted=format_value(row.get("accepted"), "count"),
        meetings=format_value(row.get("meetings"), "count"),
        won=format_value(row.get("won"), "count"),
        won_amount=format_value(row.get("won_amount"), "money", currency),
        rate=format_value(row.get("mql_to_won"), "share"))


def _funnel_context(value: dict, currency: str) -> list[str]:
    _ = vocabulary._
    lines = []
    if isinstance(value.get("total"), dict):
        lines.append(_("Funnel {period}, all MQLs: {row}").format(
            period=value.get("period") or "", row=_funnel_row(value["total"], currency)))
    if isinstance(value.get("highlighted"), dict):
        row = value["highlighted"]
        lines.append(_("Funnel, {by} {key}: {row}").format(
            by=value.get("by") or "source", key=row.get("key") or "–",
            row=_funnel_row(row, currency)))
    return lines


def _ratings_context(value: dict, currency: str) -> list[str]:
    ratings = value.get("ratings")
    if not isinstance(ratings, dict) or not ratings:
        return []
    return [vocabulary._("Ratings: {ratings}").format(ratings=", ".join(
        f"{name} {format_value(rating, 'count')}" for name, rating in ratings.items()))]


def _checkin_context(value: dict, currency: str) -> list[str]:
    present = value.get("present")
    if not isinstance(present, list):
        return []
    return [vocabulary._("Present: {names}").format(
        names=", ".join(str(name) for name in present) or "–")]


def _generic_context(value: dict, currency: str) -> list[str]:
    """``name: value`` by name; numbers by their name's unit (rates, amounts) or as counts."""
    lines = []
    for key in sorted(value, key=str):
        item = value[key]
        label = str(key).replace("_", " ")
        if isinstance(item, dict):
            if _looks_like_evidence(item):
                lines += _evidence_context(item, currency)
                continue
            shown = ", ".join(f"{str(k).replace('_', ' ')} "
                              f"{_context_value(v, _unit_by_name(str(k), 'count'), currency)}"
                              for k, v in item.items() if not isinstance(v, (dict, list)))
        elif isinstance(item, list):
            shown = plain_value(item)
        else:
            shown = _context_value(item, _unit_by_name(str(key), "count"), currency)
        lines.append(f"{label}: {shown}")
    return lines


def _day_text(value: Any) -> str:
    try:
        return format_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


_CONTEXT_BUILDERS = {"scorecard": _evidence_context, "issues": _issue_context,
                     "action_review": _action_context, "talking_points": _talking_point_context,
                     "activity": _activity_context, "funnel": _funnel_context,
                     "wrapup": _ratings_context, "checkin": _checkin_context}


def _unit_by_name(key: str, inherited: str) -> str:
    """A context number's unit from its name (``accept_rate``, ``won_amount``), else the
    unit of what holds it, else count."""
    if key.endswith("_rate") or key in ("mql_to_won", "share"):
        return "share"
    if key.endswith(("amount", "spend")) or key in ("cost_per_mql", "cost_per_won"):
        return "money"
    return inherited


def _context_value(value: Any, unit: str, currency: str) -> str:
    if isinstance(value, bool):
        return vocabulary._("yes") if value else vocabulary._("no")
    return format_value(value, unit, currency)


REVISION_FIELDS = {"text": "text", "owner": "owner", "due": "due date", "title": "title",
                   "detail": "detail"}


def revision_text(revision: records.Revision, minutes: Minutes | None = None,
                  tz: str = "Europe/Oslo") -> str:
    """One change in words: ``text was 'Old words' (changed 01.12.2026 09:12 by Kari)``."""
    zone = minutes.timezone if minutes is not None else tz
    when = vocabulary.format_datetime(revision.at, zone)
    who = f" by {revision.by}" if revision.by else ""
    if revision.change == "delete":
        return f"deleted {when}{who}"
    if revision.change == "restore":
        return f"restored {when}{who}"
    name = REVISION_FIELDS.get(revision.field or "", revision.field or "value")
    old = revision.old
    if revision.field == "due" and old:
        old = format_date(date.fromisoformat(old))
    was = f"'{old}'" if old else "empty"
    return f"{name} was {was} (changed {when}{who})"


def outcome_text(review: ReviewedAction) -> str:
    """What the action review did with an item, in words."""
    if review.outcome == "done":
        return "done (before the meeting)" if review.in_prep else "done"
    if review.outcome == "dropped":
        return "dropped"
    if review.outcome == "carried":
        due = date.fromisoformat(review.new_due) if review.new_due else None
        return f"not done, carried over to {format_date(due)}" if due else "not done, carried over"
    if review.outcome == "reopened":
        return "reopened"
    return review.outcome


def listed_above_text(section: SectionMinutes) -> str:
    """``2 decisions and 1 action item, listed above`` for a section's details; '' if none."""
    parts = [counted(len(things), noun) for things, noun in
             ((section.decisions, "decision"), (section.action_items, "action item")) if things]
    return f"{' and '.join(parts)}, listed above" if parts else ""


def due_text(item: records.ActionItem) -> str:
    return format_date(date.fromisoformat(item.due)) if item.due else "no due date"


def carried_text(item: records.ActionItem) -> str:
    return vocabulary.carried_text(item.carried_over)


def minutes_file_name(conn: sqlite3.Connection, minutes: Minutes) -> str:
    """``2026-11-23-weekly``; meetings of one agenda on the same day get ``-<id>`` added."""
    same_day = sum(
        1 for agenda_path, stamp in conn.execute(
            "SELECT agenda_path, COALESCE(started_at, created_at) FROM meetings WHERE id != ?",
            (minutes.meeting_id,))
        if slug(Path(agenda_path).stem) == slug(Path(minutes.agenda).stem)
        and to_local(stamp, minutes.timezone).date() == minutes.date)
    return f"{minutes.file_stem}-{minutes.meeting_id}" if same_day else minutes.file_stem


def export_minutes(workspace: Workspace, meeting_id: int, fmt: str = "md") -> Path:
    """Write a meeting's minutes into the workspace's ``minutes/`` folder; returns the file
    (e.g. ``minutes/2026-11-23-weekly.md``)."""
    return next(export_minutes_formats(workspace, meeting_id, (fmt,)))


def export_minutes_formats(workspace: Workspace, meeting_id: int,
                           formats: Iterable[str]) -> Iterator[Path]:
    """Write the minutes in several formats, reading the meeting once; yields each file
    as it is written (the meeting screen writes Markdown and HTML when a meeting ends)."""
    from smarketing_tui.store import open_store

    formats = tuple(formats)
    for fmt in formats:
        if fmt not in FORMATS:
            raise UserError(f"unknown minutes format {fmt!r}; expected {', '.join(FORMATS)}")
    settings = workspace.settings()
    db = open_store(workspace.db_path, settings)
    try:
        minutes = load_minutes(db.conn, int(meeting_id), settings)
        stem = minutes_file_name(db.conn, minutes)
    finally:
        db.close()
    from smarketing_tui import outputs

    outputs.make_folder(workspace.minutes_dir)
    for fmt in formats:
        yield outputs.write_output(workspace.minutes_dir, render(minutes, fmt),
                                   f"{stem}.{EXTENSIONS[fmt]}", workspace)


def render(minutes: Minutes, fmt: str) -> str:
    """Render minutes in one of :data:`FORMATS`."""
    from smarketing_tui import minutes_render

    return minutes_render.render(minutes, fmt)
