"""The closed loop: a period's MQLs followed to accepted, meeting and won, by source, campaign
or the lead's first- or last-touch engagement (the content that brings customers).

The cohort is the period's MQLs (``mql_at`` in it, as the engine's ``mqls``),
each followed up to ``as_of``. Stages count leads that *reached at least* that
stage, so every step's rate stays within 0–100 %:

* accepted: sales accepted it (the engine's decision rule: the later of
  accepted/rejected wins), or it went on to a meeting or a won deal;
* meeting: a meeting took place (``meeting_at``) or it was won;
* won: won and not lost afterwards (as the engine's ``mql_to_won_rate``).

Where there are deals, a lead that has deals is won when one of its deals is
won (closed by ``as_of``); its won amount is the sum of those deals and
``won_deals`` counts them. A lead without deals keeps its own ``won_at`` and
``amount`` (a contacts export with a won date and no deals file), and a store
with no deals gives the same numbers as before deals existed.

With ``cost`` the campaign spend in the period (the engine's ``spend``, pro
rata by days) gives the cost per MQL and per won deal of each row.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from smarketing_tui.metrics import MetricsEngine
from smarketing_tui.metrics.attribution import DIMENSIONS as TOUCH_SQL
from smarketing_tui.periods import Period

DIMENSIONS = {"source": "l.source", "campaign": "l.campaign", **TOUCH_SQL}
#: What each breakdown is called on screen and in the minutes.
BY_LABELS = {"source": "Source", "campaign": "Campaign", "first_asset": "First asset",
             "last_asset": "Last asset", "first_keyword": "First keyword",
             "last_keyword": "Last keyword", "first_platform": "First platform",
             "last_platform": "Last platform", "first_campaign": "First campaign",
             "last_campaign": "Last campaign"}
#: The spend breakdown that matches a funnel's rows (a touch campaign is a campaign's name);
#: the other breakdowns have no spend of their own.
_SPEND_BY = {"source": "source", "campaign": "campaign", "first_campaign": "campaign",
             "last_campaign": "campaign"}


def rate(part: float, whole: float) -> float | None:
    """part / whole, None when there is nothing to divide."""
    return part / whole if whole else None


@dataclass(frozen=True)
class FunnelRow:
    key: str | None               # the source or campaign (None: not set); "Total" row: None
    mqls: int
    accepted: int
    meetings: int
    won: int
    won_amount: float
    spend: float | None = None
    won_deals: int | None = None  # deals won by the row's MQLs; None: no deals, = won

    @property
    def deals_won(self) -> int:
        return self.won if self.won_deals is None else self.won_deals

    @property
    def accept_rate(self) -> float | None:
        return rate(self.accepted, self.mqls)

    @property
    def meeting_rate(self) -> float | None:
        return rate(self.meetings, self.accepted)

    @property
    def win_rate(self) -> float | None:
        return rate(self.won, self.meetings)

    @property
    def mql_to_won(self) -> float | None:
        return rate(self.won, self.mqls)

    @property
    def cost_per_mql(self) -> float | None:
        return None if self.spend is None or not self.mqls else self.spend / self.mqls

    @property
    def cost_per_won(self) -> float | None:
        return None if self.spend is None or not self.deals_won else self.spend / self.deals_won

    def to_json(self) -> dict:
        return {"key": self.key, "mqls": self.mqls, "accepted": self.accepted,
                "meetings": self.meetings, "won": self.won, "won_deals": self.deals_won,
                "won_amount": self.won_amount,
                "spend": self.spend, "accept_rate": self.accept_rate,
                "meeting_rate": self.meeting_rate, "win_rate": self.win_rate,
                "mql_to_won": self.mql_to_won, "cost_per_mql": self.cost_per_mql,
                "cost_per_won": self.cost_per_won}


@dataclass
class Funnel:
    period: Period
    by: str
    rows: list[FunnelRow]
    total: FunnelRow
    with_cost: bool = False
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"period": self.period.label, "by": self.by, "cost": self.with_cost,
                "rows": [r.to_json() for r in self.rows], "total": self.total.to_json()}


def build_funnel(conn: sqlite3.Connection, settings, period: Period, as_of: datetime, *,
                 by: str = "source", cost: bool = False,
                 engine: MetricsEngine | None = None) -> Funnel:
    """The funnel of ``period``'s MQLs by ``by`` (source, campaign, or a first- or
    last-touch asset, keyword, platform or campaign: metrics/attribution.py) as of
    ``as_of``. ``cost`` applies to source and the campaigns only."""
    if by not in DIMENSIONS:
        raise ValueError(f"funnel by {by!r}: expected one of {', '.join(DIMENSIONS)}")
    cost = cost and by in _SPEND_BY
    engine = engine or MetricsEngine(conn, settings)
    window = engine.window(period, as_of)
    with_deals = engine.has_deals()
    sql = _deals_sql(by) if with_deals else f"""
        SELECT g, COUNT(*), TOTAL(acc OR mtg OR won), TOTAL(mtg OR won), TOTAL(won),
               TOTAL(CASE WHEN won THEN amount END)
        FROM (SELECT {DIMENSIONS[by]} AS g,
                     (l.accepted_at <= :as_of AND (l.rejected_at IS NULL OR l.rejected_at > :as_of
                      OR l.accepted_at >= l.rejected_at)) AS acc,
                     (l.meeting_at <= :as_of) AS mtg,
                     (l.won_at <= :as_of AND NOT coalesce(l.lost_at > l.won_at
                      AND l.lost_at <= :as_of, 0)) AS won,
                     l.amount AS amount
              FROM leads l WHERE l.mql_at >= :start AND l.mql_at < :cut)
        GROUP BY g"""
    counted = {row[0]: (int(row[1]), int(row[2]), int(row[3]), int(row[4]), float(row[5]),
                        int(row[6]) if with_deals else None)
               for row in conn.execute(sql, window.params())}
    spend: dict = {}
    total_spend = None
    if cost:
        result = engine.compute("spend", period, as_of, by=_SPEND_BY[by])
        spend = {g.key: float(g.value or 0) for g in result.groups}
        total_spend = result.value
    keys = set(counted) | ({k for k, v in spend.items() if v} if cost else set())
    rows = []
    for key in keys:
        n, acc, mtg, won, amount, won_deals = counted.get(
            key, (0, 0, 0, 0, 0.0, 0 if with_deals else None))
        rows.append(FunnelRow(key, n, acc, mtg, won, amount,
                              spend.get(key, 0.0) if cost else None, won_deals))
    rows.sort(key=lambda r: (-r.mqls, -(r.spend or 0), r.key is None, str(r.key)))
    total = FunnelRow(None, sum(r.mqls for r in rows), sum(r.accepted for r in rows),
                      sum(r.meetings for r in rows), sum(r.won for r in rows),
                      sum(r.won_amount for r in rows),
                      (float(total_spend) if total_spend is not None else None) if cost else None,
                      sum(r.deals_won for r in rows) if with_deals else None)
    return Funnel(period, by, rows, total, cost)


def _deals_sql(by: str) -> str:
    """The funnel's query where the store holds deals: a lead with deals is won by its deals."""
    return f"""
        SELECT g, COUNT(*), TOTAL(acc OR mtg OR won), TOTAL(mtg OR won), TOTAL(won),
               TOTAL(CASE WHEN won THEN amount END), TOTAL(CASE WHEN won THEN won_deals END)
        FROM (SELECT g, acc, mtg,
                     CASE WHEN has_deals THEN won_deals > 0 ELSE lead_won END AS won,
                     CASE WHEN has_deals THEN deal_amount ELSE amount END AS amount,
                     CASE WHEN has_deals THEN won_deals ELSE 1 END AS won_deals
              FROM (SELECT {DIMENSIONS[by]} AS g,
                     (l.accepted_at <= :as_of AND (l.rejected_at IS NULL OR l.rejected_at > :as_of
                      OR l.accepted_at >= l.rejected_at)) AS acc,
                     (l.meeting_at <= :as_of) AS mtg,
                     (l.won_at <= :as_of AND NOT coalesce(l.lost_at > l.won_at
                      AND l.lost_at <= :as_of, 0)) AS lead_won,
                     l.amount AS amount,
                     EXISTS (SELECT 1 FROM deals d WHERE d.lead_id = l.id) AS has_deals,
                     (SELECT COUNT(*) FROM deals d WHERE d.lead_id = l.id AND d.status = 'won'
                      AND d.closed_at <= :as_of) AS won_deals,
                     (SELECT TOTAL(d.amount) FROM deals d WHERE d.lead_id = l.id
                      AND d.status = 'won' AND d.closed_at <= :as_of) AS deal_amount
                    FROM leads l WHERE l.mql_at >= :start AND l.mql_at < :cut))
        GROUP BY g"""
