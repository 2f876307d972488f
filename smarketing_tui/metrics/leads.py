"""Metrics on leads: the cohort of MQLs, follow-up, sales' decisions, meetings, won and lost.

Conventions used by several metrics:

* The *cohort* of a period is its MQLs: leads whose ``mql_at`` falls in it.
* A *touch* is a lead event of any type except ``note`` and ``stage``, at or
  after the lead's ``mql_at`` and not after ``as_of``.
* The *first contact* is the earliest touch (``first_contact: attempt``, the
  default) or the earliest touch with outcome ``connected``
  (``first_contact: connected``). In attempt mode a ``first_contact_at`` that
  the CRM export itself carried (``first_contact_imported = 1``) counts too.
  It is derived at query time, so changing the SLA's rule needs no re-import.
* Sales' *decision* on a lead is the later of ``accepted_at``/``rejected_at``
  (a lead rejected and later accepted is accepted); *won* and *lost* likewise
  (a deal lost and later won is won).

Every query reads ``{leads} l``: the leads the SLA's exclusions leave in.
"""

from __future__ import annotations

from smarketing_tui.metrics.engine import LEAD_COLUMNS, LEAD_SELECT, Window
from smarketing_tui.metrics.model import CLOCKS, DIMENSIONS, Metric, Param, register
from smarketing_tui.metrics.sql import (PERCENTILE_CTES, TOUCH, collect, ensure_total,
                                        median_rows, ratio, share)

COHORT = "l.mql_at >= :start AND l.mql_at < :cut"
COHORT_LEADS = f"SELECT l.id FROM {{leads}} l WHERE {COHORT}"

DECISION = """
        CASE WHEN l.accepted_at <= :as_of AND (l.rejected_at IS NULL OR l.rejected_at > :as_of
                  OR l.accepted_at >= l.rejected_at) THEN 1 ELSE 0 END AS accepted,
        CASE WHEN l.rejected_at <= :as_of AND (l.accepted_at IS NULL OR l.accepted_at > :as_of
                  OR l.rejected_at > l.accepted_at) THEN 1 ELSE 0 END AS rejected"""

WON = ("l.won_at >= :start AND l.won_at < :cut AND NOT coalesce(l.lost_at > l.won_at "
       "AND l.lost_at <= :as_of, 0)")
LOST = ("l.lost_at >= :start AND l.lost_at < :cut AND NOT coalesce(l.won_at > l.lost_at "
        "AND l.won_at <= :as_of, 0)")
OPEN_AT_CUT = ("l.opportunity_at < :cut AND (l.won_at IS NULL OR l.won_at >= :cut) "
               "AND (l.lost_at IS NULL OR l.lost_at >= :cut)")
MEETING = "l.meeting_at >= :start AND l.meeting_at < :cut AND l.mql_at <= :as_of"

CLOSED_CTE = """
        closed AS MATERIALIZED (
            SELECT {g} AS g, l.id AS id, l.mql_at AS mql_at, l.rejected_reason AS rejected_reason,
                   l.lost_reason AS lost_reason, l.owner AS owner, l.name AS name,
                   l.external_id AS external_id, l.company AS company,
                   min(coalesce(rej_at, lost_at), coalesce(lost_at, rej_at)) AS closed_at,
                   CASE WHEN rej_at IS NOT NULL AND (lost_at IS NULL OR rej_at <= lost_at)
                        THEN 'disqualified' ELSE 'lost' END AS how
            FROM (SELECT l.*,
                    CASE WHEN l.rejected_at <= :as_of AND (l.accepted_at IS NULL
                              OR l.accepted_at > :as_of OR l.rejected_at > l.accepted_at)
                         THEN l.rejected_at END AS rej_at,
                    CASE WHEN l.lost_at <= :as_of AND (l.won_at IS NULL OR l.won_at > :as_of
                              OR l.lost_at >= l.won_at) THEN l.lost_at END AS lost_at
                  FROM {leads} l
                  WHERE ((l.rejected_at >= :start AND l.rejected_at < :cut)
                         OR (l.lost_at >= :start AND l.lost_at < :cut))
                    AND l.mql_at IS NOT NULL AND l.mql_at <= :as_of) l
            WHERE (rej_at IS NOT NULL OR lost_at IS NOT NULL)
              AND min(coalesce(rej_at, lost_at), coalesce(lost_at, rej_at)) >= :start
              AND min(coalesce(rej_at, lost_at), coalesce(lost_at, rej_at)) < :cut),
        touched AS MATERIALIZED (
            SELECT c.*, (SELECT COUNT(*) FROM lead_events e WHERE e.lead_id = c.id
                         AND e.at >= c.mql_at AND e.at <= c.closed_at AND """ + TOUCH + """) AS n
            FROM closed c)"""

CLOCK = Param("clock", "choice", "business", CLOCKS,
              "business: hours on the business clock of smarketing.yaml; calendar: wall hours")


# ---------------------------------------------------------------------------
# mqls


def _mqls(engine, w: Window, p: dict, by: str | None):
    rows = engine.rows(f"SELECT {{g}}, COUNT(*) FROM {{leads}} l WHERE {COHORT} GROUP BY 1",
                       w.params(), by)
    return collect(rows, by, ("mqls",), lambda c: c["mqls"])


def _drill_mqls(engine, p, w):
    sql = f"SELECT {LEAD_SELECT} FROM {{leads}} l WHERE {COHORT}"
    return sql, [*LEAD_COLUMNS, ("campaign", "Campaign"), ("mql_at", "MQL at")], "mql_at DESC"


# ---------------------------------------------------------------------------
# leads_created

CREATED = "l.created_at >= :start AND l.created_at < :cut"
CREATED_LEADS = f"SELECT l.id FROM {{leads}} l WHERE {CREATED}"


def _leads_created(engine, w: Window, p: dict, by: str | None):
    rows = engine.rows(f"SELECT {{g}}, COUNT(*) FROM {{leads}} l WHERE {CREATED} GROUP BY 1",
                       w.params(), by)
    return collect(rows, by, ("leads",), lambda c: c["leads"])


def _drill_leads_created(engine, p, w):
    sql = f"SELECT {LEAD_SELECT}, l.created_at AS created_at FROM {{leads}} l WHERE {CREATED}"
    return sql, [*LEAD_COLUMNS, ("campaign", "Campaign"), ("created_at", "Created at")], \
        "created_at DESC"


# ---------------------------------------------------------------------------
# acceptance_rate, rejection_reasons


def _acceptance_rate(engine, w: Window, p: dict, by: str | None):
    sql = (f"SELECT g, COUNT(*), TOTAL(accepted), TOTAL(rejected) FROM "
           f"(SELECT {{g}} AS g, {DECISION} FROM {{leads}} l WHERE {COHORT}) "
           "GROUP BY g")

    def value(c):
        c["undecided"] = c["mqls"] - c["accepted"] - c["rejected"]
        return share(c["accepted"], c["accepted"] + c["rejected"])
    return collect(engine.rows(sql, w.params(), by), by, ("mqls", "accepted", "rejected"), value)


def _drill_acceptance_rate(engine, p, w):
    sql = f"""
        SELECT * FROM (
            SELECT {LEAD_SELECT}, l.rejected_reason AS reason, {DECISION},
                   CASE WHEN l.rejected_at <= :as_of THEN l.rejected_at END AS rejected_at
            FROM {{leads}} l WHERE {COHORT})
        WHERE accepted = 0"""
    sql = (f"SELECT *, CASE WHEN rejected = 1 THEN 'rejected' ELSE 'undecided' END AS status "
           f"FROM ({sql})")
    columns = [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("status", "Status"),
               ("rejected_at", "Rejected at"), ("reason", "Reason")]
    return sql, columns, "status, reason, mql_at"


def _rejection_reasons(engine, w: Window, p: dict, by: str | None):
    sql = (f"SELECT g, COUNT(*), TOTAL(rejected) FROM (SELECT {{g}} AS g, {DECISION} "
           f"FROM {{leads}} l WHERE {COHORT}) GROUP BY g")
    if by == "reason":
        sql = sql.replace("GROUP BY g", "WHERE rejected = 1 GROUP BY g")
        sql = sql.replace("{g} AS g", "trim(l.rejected_reason) AS g")
    rows = engine.rows(sql, w.params(), by if by != "reason" else None)
    if by == "reason":
        total = sum(row[2] for row in rows)
        return {row[0] or None: (int(row[2]), {"rejected": int(row[2]),
                                               "share": share(row[2], total)})
                for row in rows}
    return collect(rows, by, ("mqls", "rejected"), lambda c: c["rejected"])


def _drill_rejection_reasons(engine, p, w):
    sql, columns, _ = _drill_acceptance_rate(engine, p, w)
    sql = f"SELECT * FROM ({sql}) WHERE status = 'rejected'"
    return sql, [c for c in columns if c[0] != "status"], "reason, mql_at"


# ---------------------------------------------------------------------------
# first_contact_within, hours_to_first_contact


def _contact_base_sql(engine, extra: str = "") -> str:
    return (f"SELECT {{g}} AS g, l.id AS id, unixepoch(l.mql_at) AS mql_s, "
            f"unixepoch({engine.first_contact_sql()}) AS fc_s{extra} "
            f"FROM {{leads}} l WHERE {COHORT}")


def _first_contact_within(engine, w: Window, p: dict, by: str | None):
    calendar = engine.calendar_for_window(w, p["hours"]) if p["clock"] == "business" else None
    sql = f"""
        WITH base AS MATERIALIZED ({_contact_base_sql(engine)}),
        timed AS MATERIALIZED (SELECT g, fc_s, {engine.deadline_expr(p, calendar)} AS dl_s
                               FROM base)
        SELECT g, COUNT(*),
               TOTAL(fc_s IS NOT NULL AND fc_s <= dl_s),
               TOTAL((fc_s IS NOT NULL AND fc_s > dl_s)
                     OR (fc_s IS NULL AND dl_s <= :as_of_s)),
               TOTAL(fc_s IS NULL AND dl_s > :as_of_s)
        FROM timed GROUP BY g"""
    return collect(engine.rows(sql, w.params(), by), by, ("mqls", "met", "missed", "pending"),
                   lambda c: share(c["met"], c["met"] + c["missed"]))


def _drill_first_contact_within(engine, p, w):
    calendar = engine.calendar_for_window(w, p["hours"]) if p["clock"] == "business" else None
    deadline = engine.deadline_expr(p, calendar, "unixepoch(l.mql_at)")
    first_contact = engine.first_contact_sql()
    late = engine.elapsed_sql(p["clock"], calendar, "dl_s",
                              "coalesce(unixepoch(first_contact), :as_of_s)")
    sql = f"""
        SELECT *, {late} AS hours_late,
               CASE WHEN first_contact IS NULL THEN 'not contacted' ELSE 'late' END AS status,
               strftime('%Y-%m-%dT%H:%M:%SZ', dl_s, 'unixepoch') AS deadline
        FROM (SELECT {LEAD_SELECT}, {first_contact} AS first_contact, {deadline} AS dl_s
              FROM {{leads}} l WHERE {COHORT})
        WHERE (first_contact IS NOT NULL AND unixepoch(first_contact) > dl_s)
           OR (first_contact IS NULL AND dl_s <= :as_of_s)"""
    columns = [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("deadline", "Deadline"),
               ("first_contact", "First contact"), ("status", "Status"),
               ("hours_late", "Hours late")]
    return sql, columns, "hours_late DESC, lead"


def _hours_to_first_contact(engine, w: Window, p: dict, by: str | None):
    clock = p["clock"]
    calendar = engine.calendar_for_window(w) if clock == "business" else None
    assigned = ("(CASE WHEN l.assigned_at <= :as_of THEN unixepoch(max(l.assigned_at, "
                "l.mql_at)) END)")
    wait = engine.elapsed_sql(clock, calendar, "mql_s", "fc_s")
    routing = engine.elapsed_sql(clock, calendar, "mql_s", "as_s")
    response = engine.elapsed_sql(clock, calendar, "as_s",
                                  "(CASE WHEN fc_s >= as_s THEN fc_s ELSE as_s END)")
    sql = f"""
        WITH base AS MATERIALIZED ({_contact_base_sql(engine, f", {assigned} AS as_s")}),
        w AS MATERIALIZED (
            SELECT g, {wait} AS wait, {routing} AS routing,
                   CASE WHEN fc_s IS NOT NULL THEN {response} END AS response
            FROM base),
        {PERCENTILE_CTES}
        SELECT g, 'bands', COUNT(*), TOTAL(wait <= 1), TOTAL(wait > 1 AND wait <= 4),
               TOTAL(wait > 4 AND wait <= 24), TOTAL(wait > 24), TOTAL(wait IS NULL)
        FROM w GROUP BY g"""
    stats = engine.percentile_rows(sql, w, by, ("wait", "routing", "response"))
    empty = (None, None, 0)
    result = {}
    for key, entry in stats.items():
        bands = entry.pop("bands", None) or (0, 0, 0, 0, 0, 0)
        mqls, b1, b4, b24, later, uncontacted = (int(x or 0) for x in bands)
        counts = {"mqls": mqls, "contacted": mqls - uncontacted, "uncontacted": uncontacted,
                  "median": entry.get("wait", empty)[0], "p90": entry.get("wait", empty)[1],
                  "within_1h": b1, "within_1_4h": b4, "within_4_24h": b24, "later": later,
                  "routing_median": entry.get("routing", empty)[0],
                  "routing_p90": entry.get("routing", empty)[1],
                  "routing_n": entry.get("routing", empty)[2],
                  "response_median": entry.get("response", empty)[0],
                  "response_p90": entry.get("response", empty)[1],
                  "response_n": entry.get("response", empty)[2]}
        result[key] = (counts["median"], counts)
    return ensure_total(result, by, lambda: (None, {
        "mqls": 0, "contacted": 0, "uncontacted": 0, "median": None, "p90": None,
        "within_1h": 0, "within_1_4h": 0, "within_4_24h": 0, "later": 0,
        "routing_median": None, "routing_p90": None, "routing_n": 0,
        "response_median": None, "response_p90": None, "response_n": 0}))


def _drill_hours_to_first_contact(engine, p, w):
    calendar = engine.calendar_for_window(w) if p["clock"] == "business" else None
    wait = engine.elapsed_sql(p["clock"], calendar, "unixepoch(mql_at)",
                              "unixepoch(first_contact)")
    sql = f"""
        SELECT *, {wait} AS hours FROM (
            SELECT {LEAD_SELECT}, l.assigned_at AS assigned_at,
                   {engine.first_contact_sql()} AS first_contact
            FROM {{leads}} l WHERE {COHORT})"""
    columns = [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("assigned_at", "Assigned"),
               ("first_contact", "First contact"), ("hours", "Hours")]
    return sql, columns, "first_contact IS NOT NULL, hours DESC, lead"


# ---------------------------------------------------------------------------
# touches_per_mql, min_touches_met


def _touches_per_mql(engine, w: Window, p: dict, by: str | None):
    sql = f"""
        WITH t AS MATERIALIZED (
            SELECT {{g}} AS g, (SELECT COUNT(*) FROM lead_events e WHERE e.lead_id = l.id
                   AND e.at >= l.mql_at AND e.at <= :as_of AND {TOUCH}) AS n
            FROM {{leads}} l WHERE {COHORT})
        SELECT g, COUNT(*), TOTAL(n), TOTAL(n = 0) FROM t GROUP BY g"""
    return collect(engine.rows(sql, w.params(), by), by, ("mqls", "touches", "untouched"),
                   lambda c: ratio(c["touches"], c["mqls"]))


def _drill_touches_per_mql(engine, p, w):
    sql = f"""
        SELECT {LEAD_SELECT}, (SELECT COUNT(*) FROM lead_events e WHERE e.lead_id = l.id
               AND e.at >= l.mql_at AND e.at <= :as_of AND e.type NOT IN ('note', 'stage'))
               AS touches
        FROM {{leads}} l WHERE {COHORT}"""
    return sql, [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("touches", "Touches")], "touches, mql_at"


def _min_touches_met(engine, w: Window, p: dict, by: str | None):
    sql = (f"WITH {CLOSED_CTE} SELECT g, COUNT(*), TOTAL(n >= :k), TOTAL(n < :k) "
           "FROM touched GROUP BY g")
    return collect(engine.rows(sql, {**w.params(), "k": p["k"]}, by), by,
                   ("closed", "met", "short"), lambda c: share(c["met"], c["closed"]))


def _drill_min_touches_met(engine, p, w):
    sql = (f"WITH {CLOSED_CTE} SELECT external_id AS lead, coalesce(name, company) "
           "AS name, owner, NULL AS source, how, closed_at, n AS touches, "
           "coalesce(CASE WHEN how = 'disqualified' THEN rejected_reason ELSE lost_reason END, "
           "'') AS reason FROM touched WHERE n < :k")
    sql = sql.replace("{g}", "NULL")
    columns = [("lead", "Lead"), ("name", "Name"), ("owner", "Owner"), ("how", "Closed as"),
               ("closed_at", "Closed at"), ("touches", "Touches"), ("reason", "Reason")]
    return sql, columns, "touches, closed_at"


# ---------------------------------------------------------------------------
# meetings_booked, won, won_amount, lost, pipeline_amount


def _meetings_booked(engine, w: Window, p: dict, by: str | None):
    sql = f"SELECT {{g}}, COUNT(*) FROM {{leads}} l WHERE {MEETING} GROUP BY 1"
    return collect(engine.rows(sql, w.params(), by), by, ("meetings",), lambda c: c["meetings"])


def _drill_meetings_booked(engine, p, w):
    sql = f"SELECT {LEAD_SELECT}, l.meeting_at AS meeting_at FROM {{leads}} l WHERE {MEETING}"
    return sql, [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("meeting_at", "Meeting")], "meeting_at"


def _won(engine, w: Window, p: dict, by: str | None):
    sql = (f"SELECT {{g}}, COUNT(*), TOTAL(l.amount), TOTAL(l.amount IS NULL) FROM {{leads}} l "
           f"WHERE {WON} GROUP BY 1")
    return collect(engine.rows(sql, w.params(), by), by, ("won", "amount", "without_amount"),
                   lambda c: c["won"])


def _drill_won(engine, p, w):
    sql = (f"SELECT {LEAD_SELECT}, l.won_at AS won_at, l.amount AS amount FROM {{leads}} l "
           f"WHERE {WON}")
    return sql, [*LEAD_COLUMNS, ("won_at", "Won at"), ("amount", "Amount")], "won_at"


def _won_amount(engine, w: Window, p: dict, by: str | None):
    rows = _won(engine, w, p, by)
    return {key: (counts["amount"], counts) for key, (_v, counts) in rows.items()}


def _drill_won_amount(engine, p, w):
    sql, columns, _ = _drill_won(engine, p, w)
    return sql, columns, "amount IS NULL, amount DESC"


def _lost(engine, w: Window, p: dict, by: str | None):
    sql = f"SELECT {{g}}, COUNT(*) FROM {{leads}} l WHERE {LOST} GROUP BY 1"
    return collect(engine.rows(sql, w.params(), by), by, ("lost",), lambda c: c["lost"])


def _drill_lost(engine, p, w):
    sql = (f"SELECT {LEAD_SELECT}, l.lost_at AS lost_at, l.lost_reason AS reason FROM {{leads}} l "
           f"WHERE {LOST}")
    return sql, [*LEAD_COLUMNS, ("lost_at", "Lost at"), ("reason", "Reason")], "lost_at"


def _pipeline_amount(engine, w: Window, p: dict, by: str | None):
    sql = (f"SELECT {{g}}, COUNT(*), TOTAL(l.amount), TOTAL(l.amount IS NULL) FROM {{leads}} l "
           f"WHERE {OPEN_AT_CUT} GROUP BY 1")
    return collect(engine.rows(sql, w.params(), by), by, ("open", "amount", "without_amount"),
                   lambda c: c["amount"])


def _drill_pipeline_amount(engine, p, w):
    sql = (f"SELECT {LEAD_SELECT}, l.opportunity_at AS opportunity_at, l.amount AS amount "
           f"FROM {{leads}} l WHERE {OPEN_AT_CUT}")
    columns = [*LEAD_COLUMNS, ("opportunity_at", "Opportunity"), ("amount", "Amount")]
    return sql, columns, "amount IS NULL, amount DESC"


# ---------------------------------------------------------------------------
# mql_to_won_rate, median_days_mql_to_won


def _mql_to_won_rate(engine, w: Window, p: dict, by: str | None):
    sql = (f"SELECT {{g}}, COUNT(*), TOTAL(l.won_at <= :as_of AND NOT coalesce(l.lost_at > "
           f"l.won_at AND l.lost_at <= :as_of, 0)) FROM {{leads}} l WHERE {COHORT} "
           "GROUP BY 1")
    return collect(engine.rows(sql, w.params(), by), by, ("mqls", "won"),
                   lambda c: share(c["won"], c["mqls"]))


def _drill_mql_to_won_rate(engine, p, w):
    sql = f"""
        SELECT {LEAD_SELECT},
               CASE WHEN l.won_at <= :as_of
                         AND NOT coalesce(l.lost_at > l.won_at AND l.lost_at <= :as_of, 0)
                    THEN 'won' WHEN l.lost_at <= :as_of THEN 'lost' ELSE 'open' END AS outcome
        FROM {{leads}} l WHERE {COHORT}"""
    return sql, [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("outcome", "Outcome")], \
        "outcome = 'won' DESC, mql_at"


_WON_MQL = f"{WON} AND l.mql_at IS NOT NULL AND l.mql_at <= :as_of"


def _median_days_mql_to_won(engine, w: Window, p: dict, by: str | None):
    sql = (f"SELECT {{g}} AS g, max(julianday(l.won_at) - julianday(l.mql_at), 0) AS days "
           f"FROM {{leads}} l WHERE {_WON_MQL}")
    return median_rows(engine, sql, w, by)


def _drill_median_days_mql_to_won(engine, p, w):
    sql = (f"SELECT {LEAD_SELECT}, l.won_at AS won_at, round(max(julianday(l.won_at) - "
           f"julianday(l.mql_at), 0), 1) AS days FROM {{leads}} l WHERE {_WON_MQL}")
    return sql, [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("won_at", "Won at"), ("days", "Days")], \
        "days DESC"


WON_LEADS = f"SELECT l.id FROM {{leads}} l WHERE {WON}"

register(
    Metric("mqls", "count", "Leads whose mql_at falls in the period.",
           _mqls, _drill_mqls, "MQLs of the period, newest first", "mqls", (),
           additive=True, data_check="leads", counted_leads=COHORT_LEADS),
    Metric("leads_created", "count",
           "Leads whose created_at falls in the period, MQL or not: what came in.",
           _leads_created, _drill_leads_created, "Leads created in the period, newest first",
           "leads", (), additive=True, data_check="leads", counted_leads=CREATED_LEADS),
    Metric("acceptance_rate", "share",
           "Of the period's MQLs that sales has accepted or rejected, the share accepted; "
           "undecided MQLs are left out and counted separately.",
           _acceptance_rate, _drill_acceptance_rate, "MQLs rejected by sales or still undecided",
           "mqls", ("accepted", "rejected", "undecided"), counted_leads=COHORT_LEADS),
    Metric("first_contact_within", "share",
           "Of the period's MQLs whose window has closed or who were contacted, the share "
           "first contacted within `hours` (business or calendar) of becoming an MQL. An "
           "uncontacted MQL whose window is still open is pending, not a miss.",
           _first_contact_within, _drill_first_contact_within,
           "MQLs not contacted within {hours} {clock} hours", "mqls",
           ("met", "missed", "pending"),
           params=(Param("hours", "number", 24, help="the window in hours"), CLOCK),
           counted_leads=COHORT_LEADS),
    Metric("hours_to_first_contact", "hours",
           "Median hours from MQL to first contact over the period's contacted MQLs, with "
           "p90, bands (up to 1 h, 1-4 h, 4-24 h, later) and the wait split into routing "
           "(mql_at to assigned_at) and response (assignment to first contact).",
           _hours_to_first_contact, _drill_hours_to_first_contact,
           "MQLs by wait for first contact, longest first", "mqls",
           ("p90", "contacted", "uncontacted", "routing_median", "response_median"),
           params=(CLOCK,), counted_leads=COHORT_LEADS),
    Metric("rejection_reasons", "count", "The period's MQLs rejected by sales, by reason.",
           _rejection_reasons, _drill_rejection_reasons, "MQLs rejected by sales, with reason",
           "rejected", ("mqls",), additive=True, dimensions=("reason", *DIMENSIONS),
           data_check="leads", default_by="reason",
           counted_leads=(f"SELECT id FROM (SELECT l.id AS id, {DECISION} FROM {{leads}} l "
                          f"WHERE {COHORT}) WHERE rejected = 1")),
    Metric("touches_per_mql", "count",
           "Touches per MQL of the period (touches from mql_at until as_of).",
           _touches_per_mql, _drill_touches_per_mql, "MQLs by touches, fewest first", "mqls",
           ("touches", "mqls", "untouched"), counted_leads=COHORT_LEADS),
    Metric("min_touches_met", "share",
           "Of the MQLs disqualified (rejected) or lost in the period, the share that got at "
           "least k touches between becoming an MQL and being disqualified or lost.",
           _min_touches_met, _drill_min_touches_met,
           "Disqualified or lost MQLs with fewer than {k} touches", "closed",
           ("met", "short", "closed"), params=(Param("k", "integer", 3, help="touches required"),),
           counted_leads=f"WITH {CLOSED_CTE} SELECT id FROM closed"),
    Metric("meetings_booked", "count",
           "MQLs (leads with an mql_at) whose meeting_at falls in the period.",
           _meetings_booked, _drill_meetings_booked, "Meetings booked with MQLs", "meetings",
           ("meetings",),
           additive=True, data_check="leads",
           counted_leads=f"SELECT l.id FROM {{leads}} l WHERE {MEETING}"),
    Metric("won", "count", "Leads won in the period (won_at in it, not lost later).",
           _won, _drill_won, "Leads won", "won", ("amount",), additive=True,
           data_check="leads", counted_leads=WON_LEADS),
    Metric("won_amount", "money", "Amount of the leads won in the period.",
           _won_amount, _drill_won_amount, "Leads won, largest first", "amount",
           ("won", "without_amount"), additive=True, data_check="leads",
           counted_leads=WON_LEADS),
    Metric("lost", "count", "Leads lost in the period (lost_at in it, not won later).",
           _lost, _drill_lost, "Leads lost", "lost", ("lost",), additive=True, data_check="leads",
           counted_leads=f"SELECT l.id FROM {{leads}} l WHERE {LOST}"),
    Metric("pipeline_amount", "money",
           "Amount of opportunities open at the end of the period (or at as_of while it "
           "runs): opportunity_at before then, neither won nor lost by then.",
           _pipeline_amount, _drill_pipeline_amount, "Open opportunities, largest first",
           "amount", ("open", "without_amount"), data_check="leads",
           counted_leads=f"SELECT l.id FROM {{leads}} l WHERE {OPEN_AT_CUT}"),
    Metric("mql_to_won_rate", "share",
           "Of the period's MQLs, the share won so far (as of the moment).",
           _mql_to_won_rate, _drill_mql_to_won_rate,
           "MQLs of the period and what became of them", "mqls", ("won", "mqls"),
           counted_leads=COHORT_LEADS),
    Metric("median_days_mql_to_won", "days",
           "Median days from mql_at to won_at over the MQLs won in the period.",
           _median_days_mql_to_won, _drill_median_days_mql_to_won, "MQLs won, slowest first",
           "won", ("p90", "won"),
           counted_leads=f"SELECT l.id FROM {{leads}} l WHERE {_WON_MQL}"),
)
