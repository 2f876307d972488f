"""Individual prep before a meeting: my numbers, my action items, my talking points.

No UI code here: :mod:`smarketing_tui.tui.prep_screen` shows it, tests drive it
directly. Reads use the metrics engine and the scorecard (the same code the
meeting shows); writes go through :mod:`smarketing_tui.records`, one short
transaction each, so a meeting running on the same store sees them on its next
refresh.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from smarketing_tui import records
from smarketing_tui.agenda import Agenda, SectionSpec
from smarketing_tui.errors import UserError
from smarketing_tui.timeutil import now_utc
from smarketing_tui.workspace import Person, Settings, Workspace

DEFAULT_MIN_TOUCHES = 3
LIST_LIMIT = 25


@dataclass(frozen=True)
class LateLead:
    """One of my MQLs first contacted after the SLA deadline (or not yet, past it)."""

    lead: str
    name: str | None
    mql_at: str | None
    deadline: str | None
    first_contact: str | None
    hours_late: float | None


@dataclass(frozen=True)
class CampaignNumbers:
    """One of my campaigns in the period: MQLs, spend and cost per MQL."""

    name: str
    source: str | None
    mqls: int
    spend: float | None
    cost_per_mql: float | None


@dataclass(frozen=True)
class ThinLead:
    """One of my open MQLs with fewer touches than the SLA asks for."""

    lead: str
    name: str | None
    mql_at: str
    touches: int


@dataclass(frozen=True)
class OpenLead:
    """One of my open MQLs, with what marketing knows of it (engagement_lines)."""

    lead: str
    lead_id: int
    name: str | None
    mql_at: str
    touches: int
    warmth: int
    engagements: str   # the short line of its last few engagements ('' for none)


@dataclass
class MyNumbers:
    """What one person brings to the meeting, for the period it reviews."""

    person: Person
    period_label: str
    team_lines: list[dict] = field(default_factory=list)  # scorecard/1 commitments of my team
    late_leads: list[LateLead] = field(default_factory=list)
    late_total: int = 0
    late_rule: str | None = None  # e.g. "24 business hours"
    campaigns: list[CampaignNumbers] = field(default_factory=list)
    thin_leads: list[ThinLead] = field(default_factory=list)
    thin_total: int = 0
    min_touches: int = DEFAULT_MIN_TOUCHES
    open_leads: list[OpenLead] = field(default_factory=list)  # warmest first
    open_total: int = 0
    problems: list[str] = field(default_factory=list)  # what could not be computed, and why


def person_or_error(settings: Settings, name: str) -> Person:
    """The person of smarketing.yaml ``name`` means (:func:`people.lookup`: exact, unique
    prefix), or a UserError saying why not ('did you mean')."""
    from smarketing_tui.people import lookup

    return lookup(name, settings.people)


def load_my_numbers(conn: sqlite3.Connection, workspace: Workspace, settings: Settings,
                    agenda: Agenda, person: Person, as_of: datetime | None = None) -> MyNumbers:
    """My team's scorecard lines and my own slice of them for the agenda's period."""
    from smarketing_tui.periods import parse_period

    as_of = (as_of or now_utc()).replace(microsecond=0)
    period = parse_period(agenda.period_spec, settings.timezone, as_of)
    numbers = MyNumbers(person=person, period_label=period.label)
    sla = None
    try:
        from smarketing_tui.scorecard import build_scorecard
        from smarketing_tui.sla import load_sla

        sla = load_sla(agenda.sla_path, settings)
        card = build_scorecard(conn, sla, settings, period, as_of).to_json()
        numbers.team_lines = [line for line in card["commitments"] if line["team"] == person.team]
    except UserError as error:
        numbers.problems.append(f"scorecard: {error}")
    engine = sla.engine(conn, settings) if sla is not None else None
    if engine is None:
        from smarketing_tui.metrics import MetricsEngine

        engine = MetricsEngine(conn, settings)
    person_id = _person_id(conn, person)
    _late_leads(numbers, engine, sla, period, as_of)
    _campaigns(numbers, conn, engine, period, as_of, person_id)
    _thin_leads(numbers, conn, sla, as_of, person_id)
    _open_leads(numbers, conn, as_of, person_id)
    return numbers


def _person_id(conn: sqlite3.Connection, person: Person) -> int | None:
    row = conn.execute("SELECT id FROM people WHERE name = ?", (person.name,)).fetchone()
    return row[0] if row else None


def _late_leads(numbers: MyNumbers, engine, sla, period, as_of: datetime) -> None:
    """My MQLs of the period contacted later than the SLA's speed-to-lead window."""
    commitment = None
    if sla is not None:
        commitment = next((c for c in sla.commitments if c.metric == "first_contact_within"), None)
    params = dict(commitment.params) if commitment else {}
    try:
        from smarketing_tui.periods import judged_period

        judged = judged_period(commitment.period_kind, period, as_of) if commitment else period
        result = engine.drill("first_contact_within", judged, as_of, params, limit=None,
                              exclude=commitment.exclude if commitment else None)
    except UserError as error:
        numbers.problems.append(f"late first contacts: {error}")
        return
    hours = params.get("hours", 24)
    clock = params.get("clock", "business")
    numbers.late_rule = f"{hours:g} {clock} hours" if isinstance(hours, (int, float)) else None
    from smarketing_tui.workspace import name_key

    mine = [row for row in result.rows
            if name_key(row.get("owner") or "") == name_key(numbers.person.name)]
    numbers.late_total = len(mine)
    numbers.late_leads = [LateLead(str(row.get("lead")), row.get("name"), row.get("mql_at"),
                                   row.get("deadline"), row.get("first_contact"),
                                   row.get("hours_late"))
                          for row in mine[:LIST_LIMIT]]


def _campaigns(numbers: MyNumbers, conn: sqlite3.Connection, engine, period, as_of: datetime,
               person_id: int | None) -> None:
    """Campaigns I own: the period's MQLs, spend and cost per MQL."""
    if person_id is None:
        return
    mine = conn.execute("SELECT name, source FROM campaigns WHERE owner_id = ? ORDER BY name",
                        (person_id,)).fetchall()
    if not mine:
        return
    try:
        result = engine.compute("cost_per_mql", period, as_of, None, by="campaign")
    except UserError as error:
        numbers.problems.append(f"campaigns: {error}")
        return
    groups = {group.key: group for group in result.groups}
    for name, source in mine:
        group = groups.get(name)
        counts = group.counts if group else {}
        numbers.campaigns.append(CampaignNumbers(
            name, source, int(counts.get("mqls") or 0), counts.get("spend"),
            group.value if group else None))
    numbers.campaigns.sort(key=lambda c: (-(c.spend or 0), c.name))


def _thin_leads(numbers: MyNumbers, conn: sqlite3.Connection, sla, as_of: datetime,
                person_id: int | None) -> None:
    """My open MQLs (not accepted-and-closed, rejected, won or lost) with too few touches."""
    if person_id is None:
        return
    k = DEFAULT_MIN_TOUCHES
    if sla is not None:
        for commitment in sla.commitments:
            if commitment.metric == "min_touches_met":
                k = int(commitment.params.get("k", k))
    numbers.min_touches = k
    from smarketing_tui.timeutil import utc_iso

    stamp = utc_iso(as_of)
    rows = conn.execute(
        """
        SELECT l.external_id, coalesce(l.name, l.company), l.mql_at,
               (SELECT COUNT(*) FROM lead_events e WHERE e.lead_id = l.id
                  AND e.type NOT IN ('note', 'stage') AND e.at >= l.mql_at AND e.at <= :now) AS n
        FROM leads l
        WHERE l.owner_id = :person AND l.mql_at IS NOT NULL AND l.mql_at <= :now
          AND l.won_at IS NULL AND l.lost_at IS NULL
          AND (l.rejected_at IS NULL OR l.accepted_at > l.rejected_at)
          AND n < :k
        ORDER BY n, l.mql_at, l.external_id
        """, {"person": person_id, "now": stamp, "k": k}).fetchall()
    numbers.thin_total = len(rows)
    numbers.thin_leads = [ThinLead(str(lead), name, mql_at, touches)
                          for lead, name, mql_at, touches in rows[:LIST_LIMIT]]


_OPEN = """
        FROM leads l
        WHERE l.owner_id = :person AND l.mql_at IS NOT NULL AND l.mql_at <= :now
          AND l.won_at IS NULL AND l.lost_at IS NULL
          AND (l.rejected_at IS NULL OR l.accepted_at > l.rejected_at)"""


def _open_leads(numbers: MyNumbers, conn: sqlite3.Connection, as_of: datetime,
                person_id: int | None) -> None:
    """My open MQLs, warmest first (then fewest touches, oldest MQL), each with the line
    of its last engagements (see engagement_lines for the warmth rule)."""
    if person_id is None:
        return
    from smarketing_tui import engagement_lines
    from smarketing_tui.timeutil import utc_iso

    rows = conn.execute(
        f"""SELECT l.id, l.external_id, coalesce(l.name, l.company), l.mql_at,
               (SELECT COUNT(*) FROM lead_events e WHERE e.lead_id = l.id
                  AND e.type NOT IN ('note', 'stage') AND e.at >= l.mql_at AND e.at <= :now)
        {_OPEN}""", {"person": person_id, "now": utc_iso(as_of)}).fetchall()
    scores = engagement_lines.warmth(conn, [row[0] for row in rows], as_of)
    rows.sort(key=lambda r: (-scores.get(r[0], 0), r[4], r[3], str(r[1])))
    numbers.open_total = len(rows)
    shown = rows[:LIST_LIMIT]
    recent = engagement_lines.recent(conn, [row[0] for row in shown], as_of)
    numbers.open_leads = [
        OpenLead(str(lead), lead_id, name, mql_at, touches, scores.get(lead_id, 0),
                 engagement_lines.short_line(recent.get(lead_id, []), as_of))
        for lead_id, lead, name, mql_at, touches in shown]


# -- what prep writes ---------------------------------------------------------------------


def my_action_items(conn: sqlite3.Connection, person: Person) -> list[records.ActionItem]:
    """My open action items, by due date."""
    return records.list_action_items(conn, status="open", owner=person.name)


def pending_talking_points(conn: sqlite3.Connection, agenda: Agenda) -> list[records.TalkingPoint]:
    """Talking points waiting for the next meeting of ``agenda`` (everyone's)."""
    return records.list_talking_points(conn, agenda=agenda.name, pending=True)


def add_talking_point(conn: sqlite3.Connection, agenda: Agenda, person: Person, text: str,
                      section: SectionSpec | None, *, metric: str | None = None,
                      issue_id: int | None = None) -> int:
    """A point for a section of the next meeting (None: no particular section)."""
    if issue_id is not None:
        records.get_issue(conn, issue_id)
    return records.add_talking_point(
        conn, agenda.name, text, section_type=section.type if section else None,
        section_title=section.title if section else None, author=person.name,
        metric=(metric or "").strip() or None, issue_id=issue_id)


def raise_issue(conn: sqlite3.Connection, person: Person, title: str,
                detail: str | None = None) -> int:
    """Put an issue on the list for the meeting, raised by me in prep."""
    return records.raise_issue(conn, title, detail=(detail or "").strip() or None, team=person.team,
                               raised_by=person.name, origin="prep")


def complete_item(conn: sqlite3.Connection, person: Person, item_id: int,
                  comment: str | None = None) -> records.ActionItem:
    """Mark one of my items done before the meeting (the action review starts from it)."""
    return records.complete_action_item(conn, item_id, by=person.name,
                                        comment=(comment or "").strip() or None)


def comment_item(conn: sqlite3.Connection, person: Person, item_id: int,
                 comment: str) -> records.ActionItem:
    """A progress comment on an item, without changing its status."""
    return records.comment_action_item(conn, item_id, comment, by=person.name)
