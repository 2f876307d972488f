"""Each team's week in numbers, for the meeting's activity sections (no UI here).

Marketing: MQLs by source against the period before, the campaigns running with
their spend, and the activities logged. Sales: touches and first contacts by
person, meetings booked, deals won and lost with amounts.

Where the metrics engine has the number (MQLs, spend, meetings booked, won,
lost) it is used with a breakdown, so these figures always agree with the
scorecard and ``smarketing metrics``. The rest are small queries of their own:

* A *touch* is a lead event of any type except ``note`` and ``stage`` (as in
  the engine), counted here by when it happened (its ``at`` in the period),
  whatever the lead's MQL date: this is the team's activity, not a cohort.
* A *first contact* is the first touch of a lead at or after its ``mql_at``,
  credited to the person who made it, counted when it falls in the period.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from smarketing_tui.metrics import MetricsEngine
from smarketing_tui.metrics.leads import LOST as LEAD_LOST, WON as LEAD_WON
from smarketing_tui.periods import Period

_TOUCH = "e.type NOT IN ('note', 'stage')"
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class SourceRow:
    """MQLs of one source in the period and in the one before."""

    source: str | None
    mqls: int
    previous: int

    @property
    def change(self) -> int:
        return self.mqls - self.previous


@dataclass(frozen=True)
class CampaignRow:
    """A campaign running (some of its days) in the period."""

    name: str
    channel: str | None
    source: str | None
    starts: str | None
    ends: str | None
    spend_in_period: float     # pro rata by days, as the engine's ``spend``
    total_spend: float
    mqls: int                  # MQLs of the period carrying this campaign

    @property
    def cost_per_mql(self) -> float | None:
        return self.spend_in_period / self.mqls if self.mqls else None


@dataclass(frozen=True)
class LoggedActivity:
    date: str
    kind: str
    title: str | None
    person: str | None
    quantity: float


@dataclass(frozen=True)
class ActivitySummary:
    """Logged activities of one kind and title taken together (e.g. five days of call blitz)."""

    kind: str
    title: str | None
    entries: int
    quantity: float
    people: tuple[str, ...]
    first: str
    last: str


def summarize_activities(activities: list[LoggedActivity]) -> list[ActivitySummary]:
    """Group logged activities by kind and title; the biggest quantity first."""
    groups: dict[tuple[str, str | None], list[LoggedActivity]] = {}
    for activity in activities:
        groups.setdefault((activity.kind, activity.title), []).append(activity)
    result = [ActivitySummary(kind, title, len(items), sum(a.quantity for a in items),
                              tuple(sorted({a.person for a in items if a.person})),
                              min(a.date for a in items), max(a.date for a in items))
              for (kind, title), items in groups.items()]
    result.sort(key=lambda s: (-s.quantity, -s.entries, s.kind, s.title or ""))
    return result


@dataclass
class MarketingWeek:
    period: Period
    previous: Period
    mqls: int | None               # None: no data for the period
    mqls_previous: int | None
    sources: list[SourceRow]
    campaigns: list[CampaignRow]
    spend: float | None
    activities: list[LoggedActivity]


@dataclass
class PersonRow:
    """One person's sales week."""

    person: str
    touches: int = 0
    calls: int = 0
    emails: int = 0
    connected: int = 0
    first_contacts: int = 0
    meetings_booked: int = 0
    won: int = 0
    won_amount: float = 0.0
    lost: int = 0


@dataclass(frozen=True)
class Deal:
    outcome: str                  # won | lost
    at: str
    lead: str
    name: str | None
    owner: str | None
    amount: float | None
    reason: str | None


@dataclass
class SalesWeek:
    period: Period
    people: list[PersonRow]
    deals: list[Deal]
    activities: list[LoggedActivity]
    totals: PersonRow = field(default_factory=lambda: PersonRow("Total"))

    @property
    def won_amount(self) -> float:
        return sum(d.amount or 0 for d in self.deals if d.outcome == "won")

    @property
    def lost_amount(self) -> float:
        return sum(d.amount or 0 for d in self.deals if d.outcome == "lost")


def _params(period: Period, as_of: datetime, engine: MetricsEngine) -> dict:
    window = engine.window(period, as_of)
    return {**window.params(), "first_day": window.first_day, "last_day": window.last_day}


def logged_activities(conn: sqlite3.Connection, team: str, period: Period, as_of: datetime,
                      engine: MetricsEngine | None = None) -> list[LoggedActivity]:
    """Activities a team logged on the period's days (up to as_of), oldest first."""
    engine = engine or MetricsEngine(conn, None)
    p = _params(period, as_of, engine)
    rows = conn.execute(
        "SELECT a.date, a.kind, a.title, coalesce(pe.name, a.person), a.quantity "
        "FROM activities a LEFT JOIN people pe ON pe.id = a.person_id "
        "WHERE a.team = ? AND a.date >= ? AND a.date <= ? ORDER BY a.date, a.id",
        (team, p["first_day"], p["last_day"])).fetchall()
    return [LoggedActivity(*row) for row in rows]


def marketing_week(conn: sqlite3.Connection, settings, period: Period, as_of: datetime,
                   engine: MetricsEngine | None = None) -> MarketingWeek:
    """Marketing's numbers for ``period`` as of ``as_of``, with the period before for MQLs."""
    engine = engine or MetricsEngine(conn, settings)
    previous = period.previous()
    now = engine.compute("mqls", period, as_of, by="source")
    before = engine.compute("mqls", previous, as_of, by="source")
    counts_now = {g.key: int(g.value or 0) for g in now.groups}
    counts_before = {g.key: int(g.value or 0) for g in before.groups}
    sources = [SourceRow(key, counts_now.get(key, 0), counts_before.get(key, 0))
               for key in {*counts_now, *counts_before}]
    sources.sort(key=lambda r: (-r.mqls, -r.previous, r.source is None, str(r.source)))

    spend = engine.compute("spend", period, as_of, by="campaign")
    spend_by_campaign = {g.key: float(g.value or 0) for g in spend.groups}
    mqls_by_campaign = {g.key: int(g.value or 0)
                        for g in engine.compute("mqls", period, as_of, by="campaign").groups}
    p = _params(period, as_of, engine)
    campaigns = [
        CampaignRow(name, channel, source, starts, ends, spend_by_campaign.get(name, 0.0),
                    float(total or 0), mqls_by_campaign.get(name, 0))
        for name, channel, source, starts, ends, total in conn.execute(
            "SELECT name, channel, source, starts, ends, spend FROM campaigns "
            "WHERE starts <= :last_day AND ends >= :first_day ORDER BY name", p)]
    campaigns.sort(key=lambda c: (-c.spend_in_period, c.name))
    return MarketingWeek(period, previous, _int(now.value), _int(before.value), sources,
                         campaigns, spend.value,
                         logged_activities(conn, "marketing", period, as_of, engine))


def sales_week(conn: sqlite3.Connection, settings, period: Period, as_of: datetime,
               engine: MetricsEngine | None = None) -> SalesWeek:
    """Sales' numbers for ``period`` as of ``as_of``: by person, and the deals closed."""
    engine = engine or MetricsEngine(conn, settings)
    p = _params(period, as_of, engine)
    people: dict[str, PersonRow] = {}

    def row(name: str | None) -> PersonRow:
        key = name or UNKNOWN
        return people.setdefault(key, PersonRow(key))

    who = f"coalesce(pe.name, e.person, '{UNKNOWN}')"
    # One pass over the period's touches; a touch is a first contact when no earlier touch
    # of the same lead since its mql_at exists (ties broken by id).
    for name, touches, calls, emails, connected, firsts in conn.execute(
            f"SELECT {who}, COUNT(*), TOTAL(e.type = 'call'), TOTAL(e.type = 'email'), "
            "TOTAL(e.outcome = 'connected'), "
            "TOTAL(CASE WHEN e.at >= l.mql_at THEN NOT EXISTS (SELECT 1 FROM lead_events x "
            "WHERE x.lead_id = e.lead_id AND x.type NOT IN ('note', 'stage') "
            "AND x.at >= l.mql_at AND (x.at < e.at OR (x.at = e.at AND x.id < e.id))) END) "
            "FROM lead_events e JOIN leads l ON l.id = e.lead_id "
            "LEFT JOIN people pe ON pe.id = e.person_id "
            f"WHERE e.at >= :start AND e.at < :cut AND {_TOUCH} GROUP BY 1", p):
        entry = row(name)
        entry.touches, entry.calls, entry.emails, entry.connected, entry.first_contacts = (
            int(touches), int(calls), int(emails), int(connected), int(firsts))
    for group in engine.compute("meetings_booked", period, as_of, by="owner").groups:
        row(group.key).meetings_booked = int(group.value or 0)
    for group in engine.compute("won", period, as_of, by="owner").groups:
        entry = row(group.key)
        entry.won = int(group.value or 0)
        entry.won_amount = float(group.counts.get("amount") or 0)
    for group in engine.compute("lost", period, as_of, by="owner").groups:
        row(group.key).lost = int(group.value or 0)

    deals = [Deal("won", at, lead, name, owner, amount, None) for at, lead, name, owner, amount in
             conn.execute("SELECT l.won_at, l.external_id, coalesce(l.name, l.company), l.owner, "
                          f"l.amount FROM leads l WHERE {LEAD_WON}", p)]
    deals += [Deal("lost", at, lead, name, owner, amount, reason)
              for at, lead, name, owner, amount, reason in conn.execute(
                  "SELECT l.lost_at, l.external_id, coalesce(l.name, l.company), l.owner, "
                  f"l.amount, l.lost_reason FROM leads l WHERE {LEAD_LOST}", p)]
    deals.sort(key=lambda d: (d.outcome != "won", -(d.amount or 0), d.at))

    team = {person.name: person.team for person in getattr(settings, "people", ())}
    ordered = sorted(people.values(), key=lambda r: (team.get(r.person) != "sales",
                                                     r.person == UNKNOWN, -r.touches, r.person))
    totals = PersonRow("Total")
    for entry in ordered:
        for name in ("touches", "calls", "emails", "connected", "first_contacts",
                     "meetings_booked", "won", "won_amount", "lost"):
            setattr(totals, name, getattr(totals, name) + getattr(entry, name))
    activities = logged_activities(conn, "sales", period, as_of, engine)
    return SalesWeek(period, ordered, deals, activities, totals)


def _int(value) -> int | None:
    return None if value is None else int(value)
