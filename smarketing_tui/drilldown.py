"""Drill-down: the leads (or campaigns) behind a metric's value, worst first.

So the meeting talks about leads, not feelings: for a speed-to-lead miss the
MQLs contacted too late with owner and hours late, and the overdue ones not
contacted at all; for acceptance the rejected MQLs with their reasons; for
minimum touches the disqualified MQLs that got fewer than k touches.
Each query uses the same SQL fragments as the metric it explains.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smarketing_tui.metrics import DrillResult, MetricsEngine, Window

LEAD_COLUMNS = [("lead", "Lead"), ("name", "Name"), ("owner", "Owner"), ("source", "Source")]
_LEAD_SELECT = ("l.external_id AS lead, coalesce(l.name, l.company) AS name, l.owner AS owner, "
                "l.source AS source, l.campaign AS campaign, l.mql_at AS mql_at")

_TITLES = {
    "first_contact_within": "MQLs not contacted within {hours} {clock} hours",
    "hours_to_first_contact": "MQLs by wait for first contact, longest first",
    "acceptance_rate": "MQLs rejected by sales or still undecided",
    "rejection_reasons": "MQLs rejected by sales, with reason",
    "min_touches_met": "Disqualified or lost MQLs with fewer than {k} touches",
    "touches_per_mql": "MQLs by touches, fewest first",
    "mqls": "MQLs of the period, newest first",
    "meetings_booked": "Meetings booked with MQLs",
    "won": "Leads won", "won_amount": "Leads won, largest first",
    "lost": "Leads lost", "pipeline_amount": "Open opportunities, largest first",
    "mql_to_won_rate": "MQLs of the period and what became of them",
    "median_days_mql_to_won": "MQLs won, slowest first",
    "spend": "Campaign spend in the period", "cost_per_mql": "Campaign spend in the period",
    "cost_per_won": "Campaign spend in the period",
}


def drill(engine: MetricsEngine, name: str, params: dict, window: Window,
          limit: int | None) -> DrillResult:
    """Rows behind ``name`` for ``window``; at most ``limit`` of them (None: all)."""
    from smarketing_tui.metrics import DrillResult

    builder = globals()[f"_{name}"] if f"_{name}" in globals() else _campaigns
    sql, columns, order = builder(engine, params, window)
    query = (f"WITH d AS MATERIALIZED ({sql}) SELECT *, COUNT(*) OVER () AS _total FROM d "
             f"ORDER BY {order}" + (" LIMIT :limit" if limit is not None else ""))
    args = {**window.params(), "first_day": window.first_day, "last_day": window.last_day,
            "limit": limit, **{k: v for k, v in params.items() if k == "k"}}
    cursor = engine.conn.execute(query.replace("{g}", "NULL"), args)
    names = [d[0] for d in cursor.description]
    rows, total = [], 0
    for raw in cursor.fetchall():
        record = dict(zip(names, raw))
        total = record.pop("_total")
        rows.append({key: record.get(key) for key, _ in columns})
    title = _TITLES.get(name, name).format(**params)
    return DrillResult(title, columns, rows, total)


def _first_contact_within(engine, p, w):
    calendar = (engine._calendar_for_window(w, p["hours"])
                if p["clock"] == "business" else None)
    deadline = engine._deadline_expr(p, calendar, "unixepoch(l.mql_at)")
    first_contact = engine._first_contact_sql()
    late = engine._elapsed_sql(p["clock"], calendar, "dl_s",
                               "coalesce(unixepoch(first_contact), :as_of_s)")
    sql = f"""
        SELECT *, {late} AS hours_late,
               CASE WHEN first_contact IS NULL THEN 'not contacted' ELSE 'late' END AS status,
               strftime('%Y-%m-%dT%H:%M:%SZ', dl_s, 'unixepoch') AS deadline
        FROM (SELECT {_LEAD_SELECT}, {first_contact} AS first_contact, {deadline} AS dl_s
              FROM leads l WHERE {engine._COHORT})
        WHERE (first_contact IS NOT NULL AND unixepoch(first_contact) > dl_s)
           OR (first_contact IS NULL AND dl_s <= :as_of_s)"""
    columns = [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("deadline", "Deadline"),
               ("first_contact", "First contact"), ("status", "Status"),
               ("hours_late", "Hours late")]
    return sql, columns, "hours_late DESC, lead"


def _hours_to_first_contact(engine, p, w):
    calendar = engine._calendar_for_window(w) if p["clock"] == "business" else None
    wait = engine._elapsed_sql(p["clock"], calendar, "unixepoch(mql_at)",
                               "unixepoch(first_contact)")
    sql = f"""
        SELECT *, {wait} AS hours FROM (
            SELECT {_LEAD_SELECT}, l.assigned_at AS assigned_at,
                   {engine._first_contact_sql()} AS first_contact
            FROM leads l WHERE {engine._COHORT})"""
    columns = [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("assigned_at", "Assigned"),
               ("first_contact", "First contact"), ("hours", "Hours")]
    return sql, columns, "first_contact IS NOT NULL, hours DESC, lead"


def _acceptance_rate(engine, p, w):
    sql = f"""
        SELECT * FROM (
            SELECT {_LEAD_SELECT}, l.rejected_reason AS reason, {engine._DECISION},
                   CASE WHEN l.rejected_at <= :as_of THEN l.rejected_at END AS rejected_at
            FROM leads l WHERE {engine._COHORT})
        WHERE accepted = 0"""
    sql = (f"SELECT *, CASE WHEN rejected = 1 THEN 'rejected' ELSE 'undecided' END AS status "
           f"FROM ({sql})")
    columns = [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("status", "Status"),
               ("rejected_at", "Rejected at"), ("reason", "Reason")]
    return sql, columns, "status, reason, mql_at"


def _rejection_reasons(engine, p, w):
    sql, columns, _ = _acceptance_rate(engine, p, w)
    sql = f"SELECT * FROM ({sql}) WHERE status = 'rejected'"
    return sql, [c for c in columns if c[0] != "status"], "reason, mql_at"


def _min_touches_met(engine, p, w):
    sql = (f"WITH {engine._CLOSED_CTE} SELECT external_id AS lead, coalesce(name, company) "
           "AS name, owner, NULL AS source, how, closed_at, n AS touches, "
           "coalesce(CASE WHEN how = 'disqualified' THEN rejected_reason ELSE lost_reason END, "
           "'') AS reason FROM touched WHERE n < :k")
    sql = sql.replace("{g}", "NULL")
    columns = [("lead", "Lead"), ("name", "Name"), ("owner", "Owner"), ("how", "Closed as"),
               ("closed_at", "Closed at"), ("touches", "Touches"), ("reason", "Reason")]
    return sql, columns, "touches, closed_at"


def _touches_per_mql(engine, p, w):
    sql = f"""
        SELECT {_LEAD_SELECT}, (SELECT COUNT(*) FROM lead_events e WHERE e.lead_id = l.id
               AND e.at >= l.mql_at AND e.at <= :as_of AND e.type NOT IN ('note', 'stage'))
               AS touches
        FROM leads l WHERE {engine._COHORT}"""
    return sql, [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("touches", "Touches")], "touches, mql_at"


def _mqls(engine, p, w):
    sql = f"SELECT {_LEAD_SELECT} FROM leads l WHERE {engine._COHORT}"
    return sql, [*LEAD_COLUMNS, ("campaign", "Campaign"), ("mql_at", "MQL at")], "mql_at DESC"


def _meetings_booked(engine, p, w):
    sql = (f"SELECT {_LEAD_SELECT}, l.meeting_at AS meeting_at FROM leads l "
           "WHERE l.meeting_at >= :start AND l.meeting_at < :cut AND l.mql_at <= :as_of")
    return sql, [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("meeting_at", "Meeting")], "meeting_at"


def _won(engine, p, w):
    sql = (f"SELECT {_LEAD_SELECT}, l.won_at AS won_at, l.amount AS amount FROM leads l "
           f"WHERE {engine._WON}")
    return sql, [*LEAD_COLUMNS, ("won_at", "Won at"), ("amount", "Amount")], "won_at"


def _won_amount(engine, p, w):
    sql, columns, _ = _won(engine, p, w)
    return sql, columns, "amount IS NULL, amount DESC"


def _lost(engine, p, w):
    sql = (f"SELECT {_LEAD_SELECT}, l.lost_at AS lost_at, l.lost_reason AS reason FROM leads l "
           f"WHERE {engine._LOST}")
    return sql, [*LEAD_COLUMNS, ("lost_at", "Lost at"), ("reason", "Reason")], "lost_at"


def _pipeline_amount(engine, p, w):
    sql = (f"SELECT {_LEAD_SELECT}, l.opportunity_at AS opportunity_at, l.amount AS amount "
           "FROM leads l WHERE l.opportunity_at < :cut AND (l.won_at IS NULL OR l.won_at >= :cut)"
           " AND (l.lost_at IS NULL OR l.lost_at >= :cut)")
    columns = [*LEAD_COLUMNS, ("opportunity_at", "Opportunity"), ("amount", "Amount")]
    return sql, columns, "amount IS NULL, amount DESC"


def _mql_to_won_rate(engine, p, w):
    sql = f"""
        SELECT {_LEAD_SELECT},
               CASE WHEN l.won_at <= :as_of
                         AND NOT coalesce(l.lost_at > l.won_at AND l.lost_at <= :as_of, 0)
                    THEN 'won' WHEN l.lost_at <= :as_of THEN 'lost' ELSE 'open' END AS outcome
        FROM leads l WHERE {engine._COHORT}"""
    return sql, [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("outcome", "Outcome")], \
        "outcome = 'won' DESC, mql_at"


def _median_days_mql_to_won(engine, p, w):
    sql = (f"SELECT {_LEAD_SELECT}, l.won_at AS won_at, round(max(julianday(l.won_at) - "
           f"julianday(l.mql_at), 0), 1) AS days FROM leads l WHERE {engine._WON} "
           "AND l.mql_at IS NOT NULL AND l.mql_at <= :as_of")
    return sql, [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("won_at", "Won at"), ("days", "Days")], \
        "days DESC"


def _campaigns(engine, p, w):
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
