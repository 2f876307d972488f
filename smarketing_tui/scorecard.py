"""The SLA scorecard: every commitment judged for a period, with pace, trend and freshness.

``build_scorecard`` is what both the ``smarketing scorecard`` command and the
meeting screen call; ``Scorecard.to_json`` is the documented, stable schema
``smarketing.scorecard/1`` (see README, "Scorecard JSON").

Which period a commitment is judged over: its own kind (week or month), picked
from the reviewed period by :func:`smarketing_tui.periods.judged_period` -- the
reviewed period itself when the kinds match, else the last complete period of
the commitment's kind inside it, else the one holding its last moment (a
monthly commitment in a weekly meeting: the month holding most of the week).

A monthly commitment in a weekly meeting is judged on the month *to the end of the
reviewed week* (as of that moment, or of ``as_of`` when earlier), so the Monday
after the week does not count; beside it the line carries the reviewed week's own
value (:class:`WeekValue`), computed as of ``as_of`` like any weekly line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from smarketing_tui.metrics import DrillResult, MetricResult, MetricsEngine
from smarketing_tui.periods import Period, elapsed_business_days, judged_period
from smarketing_tui.sla import Commitment, Sla
from smarketing_tui.timeutil import format_number, now_utc, parse_utc, utc_iso

SCHEMA = "smarketing.scorecard/1"
TREND_LENGTH = 8
PACE_UNITS = ("count", "money")


@dataclass
class Pace:
    """Where a running period's count stands against its target pro rata."""

    elapsed_share: float
    expected_so_far: float
    projected: float | None
    text: str

    def to_json(self) -> dict:
        return {"elapsed_share": round(self.elapsed_share, 4),
                "expected_so_far": round(self.expected_so_far, 2),
                "projected": None if self.projected is None else round(self.projected, 2),
                "text": self.text}


@dataclass
class TrendPoint:
    label: str
    actual: float | None
    status: str

    def to_json(self) -> dict:
        return {"label": self.label, "actual": _number(self.actual), "status": self.status}


@dataclass
class WeekValue:
    """The reviewed week's own value of a line judged over a longer period (its month)."""

    period: Period
    running: bool
    actual: float | None
    counts: dict[str, Any]
    excluded: dict[str, int]

    def to_json(self) -> dict:
        return {**self.period.to_json(), "running": self.running, "actual": _number(self.actual),
                "counts": {k: _number(v) for k, v in self.counts.items()},
                "excluded": dict(self.excluded)}


@dataclass
class CommitmentResult:
    """One commitment's line on the scorecard."""

    commitment: Commitment
    period: Period            # the period it is judged over
    running: bool
    actual: float | None
    status: str
    counts: dict[str, Any]
    pace: Pace | None
    trend: list[TrendPoint]
    red_streak: int
    result: MetricResult
    #: The reviewed week's own value, on a weekly meeting's monthly line (else None).
    week: WeekValue | None = None

    @property
    def excluded(self) -> dict[str, int]:
        """Leads the SLA's exclude rules left out of the judged value, by reason."""
        return dict(self.result.excluded)

    def to_json(self) -> dict:
        c = self.commitment
        return {"id": c.id, "team": c.team, "description": c.description, "metric": c.metric,
                "params": dict(c.params), "period_kind": c.period_kind,
                "judged_period": {**self.period.to_json(), "running": self.running,
                                  "as_of": utc_iso(self.result.as_of)},
                "comparison": c.comparison, "target": _number(c.target),
                "amber": _number(c.amber), "unit": c.unit, "actual": _number(self.actual),
                "status": self.status,
                "counts": {k: _number(v) for k, v in self.counts.items()},
                "pace": self.pace.to_json() if self.pace else None,
                "trend": [point.to_json() for point in self.trend],
                "red_streak": self.red_streak,
                "week": self.week.to_json() if self.week else None,
                "excluded": self.excluded}


@dataclass
class Freshness:
    """How current the store is: the newest import and the newest timestamp in the data."""

    newest_import: dict | None
    newest_at: str | None
    age_days: float | None
    stale: bool

    def to_json(self) -> dict:
        return {"newest_import": self.newest_import,
                "age_days": None if self.age_days is None else round(self.age_days, 2),
                "stale": self.stale}


@dataclass
class Scorecard:
    generated_at: datetime
    as_of: datetime
    period: Period
    lead_definition: str | None
    freshness: Freshness
    commitments: list[CommitmentResult] = field(default_factory=list)
    sla_name: str | None = None

    def to_json(self) -> dict:
        """The stable ``smarketing.scorecard/1`` document."""
        return {"schema": SCHEMA, "generated_at": utc_iso(self.generated_at),
                "as_of": utc_iso(self.as_of),
                "period": {**self.period.to_json(), "running": self.period.is_running(self.as_of)},
                "lead_definition": self.lead_definition,
                "freshness": self.freshness.to_json(),
                "commitments": [c.to_json() for c in self.commitments]}


def _number(value: Any) -> Any:
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2 ** 53:
            return int(value)
        return round(value, 6)
    return value


def build_scorecard(conn_or_db: Any, sla: Sla, settings, period: Period,
                    as_of: datetime | None = None, *, trend_length: int = TREND_LENGTH,
                    engine: MetricsEngine | None = None) -> Scorecard:
    """Judge every commitment of ``sla`` for the reviewed ``period`` as of ``as_of`` (default now).

    Only reads the store. Trend points are the ``trend_length`` periods of the
    commitment's kind ending with the judged one, all seen as of ``as_of``.
    """
    as_of = (as_of or now_utc()).replace(microsecond=0)
    engine = engine or sla.engine(conn_or_db, settings)
    card = Scorecard(generated_at=now_utc(), as_of=as_of, period=period,
                     lead_definition=sla.lead_definition,
                     freshness=freshness(engine.conn, period, as_of), sla_name=sla.name)
    for commitment in sla.commitments:
        card.commitments.append(judge(engine, commitment, period, as_of, settings, trend_length))
    return card


def judge(engine: MetricsEngine, commitment: Commitment, reviewed: Period, as_of: datetime,
          settings, trend_length: int = TREND_LENGTH) -> CommitmentResult:
    """One commitment: actual, status, pace, trend and red streak (and the week beside it)."""
    judged = judged_period(commitment.period_kind, reviewed, as_of)
    seen_as_of = judged_as_of(judged, reviewed, as_of)
    trend: list[TrendPoint] = []
    current: MetricResult | None = None
    pace: Pace | None = None
    status = "no_data"
    for point in judged.history(trend_length):
        result = engine.compute(commitment.metric, point, seen_as_of, commitment.params,
                                exclude=commitment.exclude)
        if point == judged:
            current = result
            pace = _pace(commitment, point, seen_as_of, result.value, settings, engine)
            if pace is not None:
                # A running count is judged against its target pro rata.
                share = pace.elapsed_share
                status = commitment.status(
                    result.value, commitment.target * share,
                    None if commitment.amber is None else commitment.amber * share)
            else:
                status = commitment.status(result.value)
            trend.append(TrendPoint(point.label, result.value, status))
        else:
            trend.append(TrendPoint(point.label, result.value, commitment.status(result.value)))
    red_streak = 0
    for point in reversed(trend):
        if point.status != "red":
            break
        red_streak += 1
    assert current is not None
    week = None
    if shows_week(judged, reviewed):
        own = engine.compute(commitment.metric, reviewed, as_of, commitment.params,
                             exclude=commitment.exclude)
        week = WeekValue(reviewed, reviewed.is_running(as_of), own.value, dict(own.counts),
                         dict(own.excluded))
    return CommitmentResult(commitment, judged, judged.is_running(seen_as_of), current.value,
                            status, dict(current.counts), pace, trend, red_streak, current,
                            week)


def shows_week(judged: Period, reviewed: Period) -> bool:
    """Does a line judged over ``judged`` show the reviewed week's own value beside it?
    Yes for a weekly meeting's monthly line; the drill-down then opens on the week."""
    return reviewed.kind == "week" and judged != reviewed


def judged_as_of(judged: Period, reviewed: Period, as_of: datetime) -> datetime:
    """The moment ``judged`` is seen as of: ``as_of``, but no later than the reviewed period's
    last second when ``judged`` runs on past it (a weekly meeting's month: to Sunday 23:59:59
    of the reviewed week)."""
    if judged.end_utc > reviewed.end_utc:
        return min(as_of, reviewed.end_utc - timedelta(seconds=1))
    return as_of


def _pace(commitment: Commitment, period: Period, as_of: datetime, actual: float | None,
          settings, engine: MetricsEngine) -> Pace | None:
    if not period.is_running(as_of) or actual is None:
        return None
    if commitment.unit not in PACE_UNITS or not engine.is_additive(commitment.metric):
        return None
    elapsed, total = elapsed_business_days(period, as_of, settings.business_hours)
    share = elapsed / total if total else 0.0
    expected = commitment.target * share
    target_text = _plain(commitment.target)
    if share <= 0:
        return Pace(0.0, 0.0, None, f"no business days elapsed yet; target {target_text}")
    projected = actual / share
    return Pace(share, expected, projected,
                f"on pace for {_plain(projected)} of {target_text}")


def _plain(value: float) -> str:
    return format_number(round(value))


def freshness(conn: Any, period: Period, as_of: datetime) -> Freshness:
    """The newest import (by finish time) and how old the newest data in the store is.

    ``stale`` is true when the newest data timestamp does not reach within a
    day of the end of the reviewed period (or of ``as_of`` while it runs), or
    when the store holds no data at all.
    """
    conn = getattr(conn, "conn", conn)
    row = conn.execute(
        "SELECT source_label, file, finished_at, newest_at FROM imports "
        "WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT 1").fetchone()
    newest_import = None
    if row is not None:
        newest_import = dict(zip(("source_label", "file", "finished_at", "newest_at"), row))
    newest = conn.execute(
        "SELECT max(coalesce((SELECT max(coalesce(newest_at, finished_at)) FROM imports "
        "WHERE finished_at IS NOT NULL AND coalesce(newest_at, finished_at) <= :as_of), ''), "
        "coalesce((SELECT max(at) FROM lead_events WHERE at <= :as_of), ''), "
        "coalesce((SELECT max(mql_at) FROM leads WHERE mql_at <= :as_of), ''))",
        {"as_of": utc_iso(as_of)}).fetchone()[0] or None
    if newest is None:
        return Freshness(newest_import, None, None, True)
    newest_moment = parse_utc(newest)
    age = (as_of - newest_moment).total_seconds() / 86400
    horizon = min(period.end_utc, as_of)
    stale = newest_moment < horizon - timedelta(days=1)
    return Freshness(newest_import, newest, max(age, 0.0), stale)


def drill(conn_or_db: Any, sla: Sla, settings, commitment_id: str, period: Period,
          as_of: datetime | None = None, limit: int | None = 50
          ) -> tuple[Commitment, Period, DrillResult]:
    """The leads behind a commitment's line: over the period it is judged over, or over the
    reviewed week when the line shows the week beside its month (:func:`shows_week`)."""
    as_of = (as_of or now_utc()).replace(microsecond=0)
    commitment = sla.commitment(commitment_id)
    judged = judged_period(commitment.period_kind, period, as_of)
    engine = sla.engine(conn_or_db, settings)
    if shows_week(judged, period):
        return commitment, period, engine.drill(commitment.metric, period, as_of,
                                                commitment.params, limit,
                                                exclude=commitment.exclude)
    return commitment, judged, engine.drill(commitment.metric, judged,
                                            judged_as_of(judged, period, as_of),
                                            commitment.params, limit,
                                            exclude=commitment.exclude)
