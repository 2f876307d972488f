"""The closed loop on content: which assets, keywords, platforms and campaigns appear in
the history of the MQLs that became customers.

The cohort is the period's MQLs (``mql_at`` in it), each followed up to ``as_of``; *won*
is the lead's own rule (won by ``as_of`` and not lost after). Their breakdowns read the
lead's engagements (marketing-side events, never sales touches), by this attribution
rule:

* **first touch**: of the lead's engagements by the as-of moment that carry the thing
  (an asset, a keyword, a platform, a campaign), the earliest;
* **last touch**: of those at or before the moment it became an MQL, the latest (what
  it did last before it converted).

Ties go to the engagement imported first. An engagement's *asset* is its asset name, else
its URL; its *platform* is its channel. A lead without such an engagement is in the
"not set" row (key None).
"""

from __future__ import annotations

from smarketing_tui.metrics import spend
from smarketing_tui.metrics.engine import LEAD_COLUMNS, LEAD_SELECT, Window
from smarketing_tui.metrics.leads import COHORT, COHORT_LEADS
from smarketing_tui.metrics.model import TOUCH_DIMENSIONS, Metric, register
from smarketing_tui.metrics.sql import collect, share

_WHAT = {"asset": "coalesce(e.asset, e.url)", "keyword": "e.keyword",
         "platform": "e.channel", "campaign": "e.campaign"}


def touch_sql(which: str, what: str, lead: str = "l") -> str:
    """SQL for a lead's first- or last-touch ``what`` (see the module docstring)."""
    value = _WHAT[what]
    if which == "first":
        bound, order = "e.at <= :as_of", "e.at, e.id"
    else:
        bound, order = f"e.at <= {lead}.mql_at", "e.at DESC, e.id DESC"
    return (f"(SELECT {value} FROM engagements e WHERE e.lead_id = {lead}.id AND {bound} "
            f"AND {value} IS NOT NULL ORDER BY {order} LIMIT 1)")


DIMENSIONS = {name: touch_sql(*name.split("_", 1)) for name in TOUCH_DIMENSIONS}
_ASSET_KEYWORD = tuple(n for n in TOUCH_DIMENSIONS if n.endswith(("asset", "keyword",
                                                                  "platform")))
_CAMPAIGNS = ("first_campaign", "last_campaign")

WON_SO_FAR = ("(l.won_at <= :as_of AND NOT coalesce(l.lost_at > l.won_at "
              "AND l.lost_at <= :as_of, 0))")


def _cohort(engine, w: Window, by: str | None) -> list[tuple]:
    sql = (f"SELECT {{g}}, COUNT(*), TOTAL({WON_SO_FAR}), "
           f"TOTAL(CASE WHEN {WON_SO_FAR} THEN l.amount END), "
           f"TOTAL({WON_SO_FAR} AND l.amount IS NULL) FROM {{leads}} l WHERE {COHORT} GROUP BY 1")
    return engine.rows(sql, w.params(), by, DIMENSIONS)


_NAMES = ("mqls", "won", "amount", "without_amount")


def _won_rate(engine, w: Window, p: dict, by: str | None):
    return collect(_cohort(engine, w, by), by, _NAMES, lambda c: share(c["won"], c["mqls"]))


def _won_amount(engine, w: Window, p: dict, by: str | None):
    return collect(_cohort(engine, w, by), by, _NAMES, lambda c: c["amount"])


def _cost_per_won(engine, w: Window, p: dict, by: str | None):
    """Spend of the campaign (by name) / the cohort's won leads whose touch campaign it is."""
    won = collect(_cohort(engine, w, by), by, _NAMES, lambda c: c["won"])
    spent = spend._spend_rows(engine, w, "campaign" if by else None)
    result = {}
    for key in {*won, *(k for k in spent if by)}:
        # no campaign's spend belongs to the leads without a touch campaign
        amount = (spent.get(key, (0.0, {}))[0] if key is not None else None) if by \
            else spent[None][0]
        leads_won = won.get(key, (0, {"won": 0}))[1]["won"]
        value = None if amount is None or not leads_won else amount / leads_won
        result[key] = (value, {"spend": amount, "won": leads_won})
    return result


def _drill(engine, p, w):
    touches = ", ".join(f"{DIMENSIONS[n]} AS {n}" for n in
                        ("first_asset", "first_keyword", "last_asset", "first_platform"))
    sql = (f"SELECT {LEAD_SELECT}, CASE WHEN {WON_SO_FAR} THEN 'won' WHEN l.lost_at <= :as_of "
           f"THEN 'lost' ELSE 'open' END AS outcome, CASE WHEN {WON_SO_FAR} THEN l.amount END "
           f"AS amount, {touches} FROM {{leads}} l WHERE {COHORT}")
    columns = [*LEAD_COLUMNS[:3], ("mql_at", "MQL at"), ("outcome", "Outcome"),
               ("amount", "Amount"), ("first_asset", "First asset"),
               ("first_keyword", "First keyword"), ("last_asset", "Last asset"),
               ("first_platform", "First platform")]
    return sql, columns, "outcome = 'won' DESC, amount DESC, mql_at, lead"


register(
    Metric("touch_mql_to_won_rate", "share",
           "Of the period's MQLs, the share won so far, by the asset, keyword or platform of "
           "their first or last touch (the attribution rule in the README).",
           _won_rate, _drill, "MQLs of the period, their touches and what became of them",
           "mqls", ("won", "mqls"), dimensions=_ASSET_KEYWORD, default_by="first_asset",
           counted_leads=COHORT_LEADS),
    Metric("touch_won_amount", "money",
           "The amount of the period's MQLs won so far (each lead's won amount), by the asset, "
           "keyword or platform of their first or last touch.",
           _won_amount, _drill, "MQLs of the period, their touches and what became of them",
           "amount", ("won", "without_amount"), dimensions=_ASSET_KEYWORD,
           default_by="first_asset", data_check="leads", counted_leads=COHORT_LEADS),
    Metric("touch_cost_per_won", "money",
           "Campaign spend in the period (pro rata by days) / the period's MQLs won so far "
           "whose first- or last-touch campaign it is (by the campaign's name).",
           _cost_per_won, _drill, "MQLs of the period, their touches and what became of them",
           "won", ("spend", "won"), dimensions=_CAMPAIGNS, default_by="first_campaign",
           counted_leads=COHORT_LEADS),
)
