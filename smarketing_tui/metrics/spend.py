"""Metrics on campaign spend: spend in the period, cost per MQL and cost per won deal."""

from __future__ import annotations

from smarketing_tui.metrics import leads
from smarketing_tui.metrics.engine import Window
from smarketing_tui.metrics.model import CATALOGUE, Metric, register
from smarketing_tui.metrics.sql import collect

CAMPAIGN_DIMENSIONS = {
    "source": "c.source",
    "campaign": "c.name",
    "owner": "c.owner",
    "team": "(SELECT p.team FROM people p WHERE p.id = c.owner_id)",
}


def _spend_rows(engine, w: Window, by: str | None) -> dict:
    sql = """
        SELECT {g}, COUNT(*), TOTAL(c.spend * (julianday(min(c.ends, :last_day))
               - julianday(max(c.starts, :first_day)) + 1)
               / (julianday(c.ends) - julianday(c.starts) + 1))
        FROM campaigns c
        WHERE c.starts <= :last_day AND c.ends >= :first_day AND c.ends >= c.starts
        GROUP BY 1"""
    params = {"first_day": w.first_day, "last_day": w.last_day}
    rows = engine.rows(sql, params, by, CAMPAIGN_DIMENSIONS)
    result = collect(rows, by, ("campaigns", "spend"), lambda c: c["spend"])
    if by is None:
        counts = result[None][1]
        stored, undated = engine.conn.execute(
            "SELECT COUNT(*), TOTAL(starts IS NULL OR ends IS NULL OR ends < starts) "
            "FROM campaigns").fetchone()
        counts["undated_campaigns"] = int(undated)
        if not stored or not w.started:
            result[None] = (None, counts)
    return result


def _spend(engine, w: Window, p: dict, by: str | None):
    return _spend_rows(engine, w, by)


def _cost_per(engine, w: Window, by: str | None, other: dict, key: str) -> dict:
    spend = _spend_rows(engine, w, by)
    result = {}
    for group in {*spend, *other}:
        spent = spend.get(group, (0.0, {}))[0]
        if group is None and by is None:
            spent = spend[None][0]
        amount = other.get(group, (0, {key: 0}))[1][key]
        value = None if spent is None or not amount else spent / amount
        result[group] = (value, {"spend": spent, key: amount})
    return result


def _cost_per_mql(engine, w: Window, p: dict, by: str | None):
    return _cost_per(engine, w, by, CATALOGUE["mqls"].compute(engine, w, p, by), "mqls")


def _cost_per_won(engine, w: Window, p: dict, by: str | None):
    if engine.has_deals():
        won = CATALOGUE["deals_won"].compute(engine, w, p, by)
    else:
        won = CATALOGUE["won"].compute(engine, w, p, by)
    return _cost_per(engine, w, by, won, "won")


def _drill_campaigns(engine, p, w):
    sql = """
        SELECT c.name AS campaign, c.source AS source, c.owner AS owner, c.starts AS starts,
               c.ends AS ends, c.spend AS total_spend,
               c.spend * (julianday(min(c.ends, :last_day)) - julianday(max(c.starts, :first_day))
               + 1) / (julianday(c.ends) - julianday(c.starts) + 1) AS spend
        FROM campaigns c
        WHERE c.starts <= :last_day AND c.ends >= :first_day AND c.ends >= c.starts"""
    columns = [("campaign", "Campaign"), ("source", "Source"), ("owner", "Owner"),
               ("starts", "Starts"), ("ends", "Ends"), ("total_spend", "Total spend"),
               ("spend", "In period")]
    return sql, columns, "spend DESC"


def _won_leads_unless_deals(engine) -> str | None:
    return None if engine.has_deals() else leads.WON_LEADS


register(
    Metric("spend", "money",
           "Campaign spend overlapping the period, pro rata by days (a 10-day campaign "
           "with 5 days in the period counts half its spend).",
           _spend, _drill_campaigns, "Campaign spend in the period", "spend",
           ("campaigns", "undated_campaigns"), additive=True),
    Metric("cost_per_mql", "money", "spend / mqls for the period.",
           _cost_per_mql, _drill_campaigns, "Campaign spend in the period", "spend",
           ("spend", "mqls"), dimensions=("source", "campaign"),
           counted_leads=leads.COHORT_LEADS),
    Metric("cost_per_won", "money",
           "spend / won for the period: the deals won (deals_won) when the store holds deals, "
           "else the leads won (won).",
           _cost_per_won, _drill_campaigns, "Campaign spend in the period", "spend",
           ("spend", "won"), dimensions=("source", "campaign"),
           counted_leads=_won_leads_unless_deals),
)
