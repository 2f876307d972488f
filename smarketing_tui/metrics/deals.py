"""Metrics on deals: win rate, deals and pipeline created, deals won and their amount, sales cycle.

A deal is *closed in the period* when its status is ``won`` or ``lost`` and its
``closed_at`` falls in the period (before the as-of moment while it runs);
*won in the period* likewise with status ``won``; *created in the period* by
``created_at``. The store keeps a deal's current status only, so a deal closed
after the as-of moment is not counted as closed.

Breakdowns: ``owner`` and ``team`` are the deal's owner (not the lead's);
``source`` and ``campaign`` are the deal's own when set, else its lead's.
Amounts are summed as stored (one currency per workspace).
"""

from __future__ import annotations

from smarketing_tui.metrics.engine import Window
from smarketing_tui.metrics.model import Metric, register
from smarketing_tui.metrics.sql import collect, median_rows, share

DEAL_DIMENSIONS = {
    "source": ("coalesce(nullif(d.source, ''), "
               "(SELECT x.source FROM leads x WHERE x.id = d.lead_id))"),
    "campaign": ("coalesce(nullif(d.campaign, ''), "
                 "(SELECT x.campaign FROM leads x WHERE x.id = d.lead_id))"),
    "owner": "d.owner",
    "team": "(SELECT p.team FROM people p WHERE p.id = d.owner_id)",
}

CLOSED = "d.status IN ('won', 'lost') AND d.closed_at >= :start AND d.closed_at < :cut"
WON = "d.status = 'won' AND d.closed_at >= :start AND d.closed_at < :cut"
CREATED = "d.created_at >= :start AND d.created_at < :cut"

DEAL_COLUMNS = [("deal", "Deal"), ("name", "Name"), ("owner", "Owner"), ("source", "Source")]
DEAL_SELECT = (f"d.external_id AS deal, d.name AS name, d.owner AS owner, "
               f"{DEAL_DIMENSIONS['source']} AS source, "
               "(SELECT x.external_id FROM leads x WHERE x.id = d.lead_id) AS lead, "
               "d.stage AS stage, d.status AS status, d.created_at AS created_at, "
               "d.closed_at AS closed_at, d.amount AS amount, d.lost_reason AS reason")


def _rows(engine, sql: str, w: Window, by: str | None) -> list[tuple]:
    return engine.rows(sql, w.params(), by, DEAL_DIMENSIONS)


def _win_rate(engine, w: Window, p: dict, by: str | None):
    sql = (f"SELECT {{g}}, COUNT(*), TOTAL(d.status = 'won'), TOTAL(d.status = 'lost') "
           f"FROM deals d WHERE {CLOSED} GROUP BY 1")
    return collect(_rows(engine, sql, w, by), by, ("closed", "won", "lost"),
                   lambda c: share(c["won"], c["closed"]))


def _drill_closed(engine, p, w):
    sql = f"SELECT {DEAL_SELECT} FROM deals d WHERE {CLOSED}"
    columns = [*DEAL_COLUMNS, ("lead", "Lead"), ("status", "Status"), ("closed_at", "Closed at"),
               ("amount", "Amount"), ("reason", "Lost reason")]
    return sql, columns, "status = 'won', closed_at, deal"


def _amounts(where: str, first: str):
    def compute(engine, w: Window, p: dict, by: str | None):
        sql = (f"SELECT {{g}}, COUNT(*), TOTAL(d.amount), TOTAL(d.amount IS NULL) FROM deals d "
               f"WHERE {where} GROUP BY 1")
        return collect(_rows(engine, sql, w, by), by, (first, "amount", "without_amount"),
                       lambda c: c[first])
    return compute


def _value_amount(compute):
    def amount(engine, w: Window, p: dict, by: str | None):
        return {key: (counts["amount"], counts)
                for key, (_v, counts) in compute(engine, w, p, by).items()}
    return amount


_deals_created = _amounts(CREATED, "created")
_deals_won = _amounts(WON, "won")


def _average_won_deal(engine, w: Window, p: dict, by: str | None):
    return {key: (share(counts["amount"], counts["won"] - counts["without_amount"]), counts)
            for key, (_v, counts) in _deals_won(engine, w, p, by).items()}


def _drill_created(engine, p, w):
    sql = f"SELECT {DEAL_SELECT} FROM deals d WHERE {CREATED}"
    columns = [*DEAL_COLUMNS, ("lead", "Lead"), ("created_at", "Created"), ("status", "Status"),
               ("amount", "Amount")]
    return sql, columns, "created_at DESC, deal"


def _drill_won(order: str):
    def drill(engine, p, w):
        sql = f"SELECT {DEAL_SELECT} FROM deals d WHERE {WON}"
        columns = [*DEAL_COLUMNS, ("lead", "Lead"), ("closed_at", "Won at"), ("amount", "Amount")]
        return sql, columns, order
    return drill


def _sales_cycle_days(engine, w: Window, p: dict, by: str | None):
    sql = (f"SELECT {{g}} AS g, max(julianday(d.closed_at) - julianday(d.created_at), 0) AS days "
           f"FROM deals d WHERE {WON} AND d.created_at IS NOT NULL")
    return median_rows(engine, sql, w, by, DEAL_DIMENSIONS)


def _drill_sales_cycle_days(engine, p, w):
    sql = (f"SELECT {DEAL_SELECT}, round(max(julianday(d.closed_at) - julianday(d.created_at), "
           f"0), 1) AS days FROM deals d WHERE {WON} AND d.created_at IS NOT NULL")
    columns = [*DEAL_COLUMNS, ("created_at", "Created"), ("closed_at", "Won at"),
               ("days", "Days")]
    return sql, columns, "days DESC, deal"


_VIA_LEAD = f"{WON} AND l.mql_at IS NOT NULL AND l.mql_at <= :as_of"


def _median_days_mql_to_deal_won(engine, w: Window, p: dict, by: str | None):
    sql = (f"SELECT {{g}} AS g, max(julianday(d.closed_at) - julianday(l.mql_at), 0) AS days "
           f"FROM deals d JOIN leads l ON l.id = d.lead_id WHERE {_VIA_LEAD}")
    return median_rows(engine, sql, w, by, DEAL_DIMENSIONS)


def _drill_median_days_mql_to_deal_won(engine, p, w):
    sql = (f"SELECT {DEAL_SELECT}, l.mql_at AS mql_at, round(max(julianday(d.closed_at) - "
           f"julianday(l.mql_at), 0), 1) AS days FROM deals d JOIN leads l ON l.id = d.lead_id "
           f"WHERE {_VIA_LEAD}")
    columns = [*DEAL_COLUMNS, ("lead", "Lead"), ("mql_at", "MQL at"), ("closed_at", "Won at"),
               ("days", "Days")]
    return sql, columns, "days DESC, deal"


register(
    Metric("win_rate", "share",
           "Of the deals closed in the period (status won or lost, closed_at in it), the "
           "share won: won / (won + lost). Open deals are left out.",
           _win_rate, _drill_closed, "Deals closed in the period, lost first", "closed",
           ("won", "lost")),
    Metric("deals_created", "count", "Deals whose created_at falls in the period.",
           _deals_created, _drill_created, "Deals created in the period, newest first",
           "created", ("amount",), additive=True, data_check="deals"),
    Metric("pipeline_created", "money",
           "The amount of the deals created in the period (deals without an amount are counted "
           "in without_amount).",
           _value_amount(_deals_created), _drill_created,
           "Deals created in the period, newest first", "amount", ("created", "without_amount"),
           additive=True, data_check="deals"),
    Metric("deals_won", "count", "Deals won in the period: status won, closed_at in it.",
           _deals_won, _drill_won("closed_at, deal"), "Deals won", "won", ("amount",),
           additive=True, data_check="deals"),
    Metric("deals_won_amount", "money",
           "The amount of the deals won in the period (deals without an amount are counted "
           "in without_amount).",
           _value_amount(_deals_won), _drill_won("amount IS NULL, amount DESC, deal"),
           "Deals won, largest first", "amount", ("won", "without_amount"), additive=True,
           data_check="deals"),
    Metric("average_won_deal", "money",
           "The amount of the deals won in the period divided by the number of them that "
           "have an amount (deals without one are left out and counted).",
           _average_won_deal, _drill_won("amount IS NULL, amount DESC, deal"),
           "Deals won, largest first", "won", ("won", "without_amount")),
    Metric("sales_cycle_days", "days",
           "Median days from a deal's created_at to its closed_at over the deals won in the "
           "period that have a created_at (a deal closed before it was created counts 0).",
           _sales_cycle_days, _drill_sales_cycle_days, "Deals won, slowest first", "won",
           ("p90", "won")),
    Metric("median_days_mql_to_deal_won", "days",
           "Median days from the mql_at of a deal's lead to the deal's closed_at over the deals "
           "won in the period whose lead became an MQL (by the as-of moment); a deal won "
           "before its lead's mql_at counts 0.",
           _median_days_mql_to_deal_won, _drill_median_days_mql_to_deal_won,
           "Deals won, slowest from MQL first", "won", ("p90", "won")),
)
