"""The metrics catalogue: each metric's exact meaning, computed in SQL over the store.

Every metric is computed for a :class:`~smarketing_tui.periods.Period` *as of*
a moment: facts stamped after ``as_of`` are treated as not yet known, and a
running period is cut at ``as_of``. Aggregation happens in SQLite; Python only
turns the counts it gets back into a value. The meanings are written down in
the README (section "Metrics") and pinned by tests on hand-made data.

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
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable

from smarketing_tui.businesshours import calendar_rows, day_length_seconds
from smarketing_tui.customsql import DEFAULT_TIME_LIMIT, run_readonly
from smarketing_tui.errors import UserError
from smarketing_tui.periods import Period
from smarketing_tui.timeutil import utc_iso, zone
from smarketing_tui.yamlfile import suggest

UNITS = ("count", "share", "hours", "days", "money")
DIMENSIONS = ("source", "campaign", "owner", "team")
FIRST_CONTACT_RULES = ("attempt", "connected")
CLOCKS = ("business", "calendar")
NON_TOUCH_TYPES = ("note", "stage")
CUSTOM_PARAMETERS = ("start", "end", "as_of")


# ---------------------------------------------------------------------------
# Results


@dataclass
class Group:
    """One row of a breakdown: the dimension's value (None = not set), value, counts."""

    key: str | None
    value: float | None
    counts: dict[str, Any]

    def to_json(self) -> dict:
        return {"key": self.key, "value": _round(self.value), "counts": _round_counts(self.counts)}


@dataclass
class MetricResult:
    """A metric's value for a period as of a moment, with the counts behind it."""

    metric: str
    params: dict[str, Any]
    unit: str
    value: float | None
    counts: dict[str, Any]
    period: Period
    as_of: datetime
    by: str | None = None
    groups: list[Group] = field(default_factory=list)
    #: Leads the SLA's ``exclude`` rules left out, by reason, largest first ({} = none).
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return self.value is not None

    def to_json(self) -> dict:
        return {"metric": self.metric, "params": dict(self.params), "unit": self.unit,
                "value": _round(self.value), "counts": _round_counts(self.counts),
                "by": self.by, "groups": [g.to_json() for g in self.groups]}


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    return value


def _round_counts(counts: dict) -> dict:
    return {key: _round(value) for key, value in counts.items()}


# ---------------------------------------------------------------------------
# The catalogue


@dataclass(frozen=True)
class Param:
    name: str
    kind: str                 # number | integer | choice
    default: Any
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class MetricDef:
    name: str
    unit: str
    meaning: str
    params: tuple[Param, ...] = ()
    additive: bool = False    # a count that grows through the period (has a pace)
    dimensions: tuple[str, ...] = DIMENSIONS


_CLOCK = Param("clock", "choice", "business", CLOCKS,
               "business: hours on the business clock of smarketing.yaml; calendar: wall hours")

CATALOGUE: dict[str, MetricDef] = {m.name: m for m in (
    MetricDef("mqls", "count", "Leads whose mql_at falls in the period.", additive=True),
    MetricDef("acceptance_rate", "share",
              "Of the period's MQLs that sales has accepted or rejected, the share accepted; "
              "undecided MQLs are left out and counted separately."),
    MetricDef("first_contact_within", "share",
              "Of the period's MQLs whose window has closed or who were contacted, the share "
              "first contacted within `hours` (business or calendar) of becoming an MQL. An "
              "uncontacted MQL whose window is still open is pending, not a miss.",
              (Param("hours", "number", 24, help="the window in hours"), _CLOCK)),
    MetricDef("hours_to_first_contact", "hours",
              "Median hours from MQL to first contact over the period's contacted MQLs, with "
              "p90, bands (up to 1 h, 1-4 h, 4-24 h, later) and the wait split into routing "
              "(mql_at to assigned_at) and response (assignment to first contact).",
              (_CLOCK,)),
    MetricDef("rejection_reasons", "count",
              "The period's MQLs rejected by sales, by reason.", additive=True,
              dimensions=("reason", *DIMENSIONS)),
    MetricDef("touches_per_mql", "count",
              "Touches per MQL of the period (touches from mql_at until as_of)."),
    MetricDef("min_touches_met", "share",
              "Of the MQLs disqualified (rejected) or lost in the period, the share that got at "
              "least k touches between becoming an MQL and being disqualified or lost.",
              (Param("k", "integer", 3, help="touches required"),)),
    MetricDef("meetings_booked", "count",
              "MQLs (leads with an mql_at) whose meeting_at falls in the period.", additive=True),
    MetricDef("won", "count", "Leads won in the period (won_at in it, not lost later).",
              additive=True),
    MetricDef("won_amount", "money", "Amount of the leads won in the period.", additive=True),
    MetricDef("lost", "count", "Leads lost in the period (lost_at in it, not won later).",
              additive=True),
    MetricDef("pipeline_amount", "money",
              "Amount of opportunities open at the end of the period (or at as_of while it "
              "runs): opportunity_at before then, neither won nor lost by then."),
    MetricDef("mql_to_won_rate", "share",
              "Of the period's MQLs, the share won so far (as of the moment)."),
    MetricDef("median_days_mql_to_won", "days",
              "Median days from mql_at to won_at over the MQLs won in the period."),
    MetricDef("spend", "money",
              "Campaign spend overlapping the period, pro rata by days (a 10-day campaign "
              "with 5 days in the period counts half its spend).", additive=True),
    MetricDef("cost_per_mql", "money", "spend / mqls for the period.",
              dimensions=("source", "campaign")),
    MetricDef("cost_per_won", "money", "spend / won for the period.",
              dimensions=("source", "campaign")),
)}


@dataclass(frozen=True)
class CustomMetric:
    """A metric defined as SQL in an SLA or agenda file."""

    name: str
    sql: str
    unit: str = "count"
    description: str = ""
    additive: bool = False
    time_limit: float = DEFAULT_TIME_LIMIT  # seconds, see customsql.run_readonly


def known_metric_names(custom: dict[str, CustomMetric] | None = None) -> list[str]:
    return [*CATALOGUE, *(custom or {})]


MAX_PARAMETER = 100_000  # hours (over 11 years), touches, ...: beyond it a parameter is a slip
                         # (the messages below say it as 100 000)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 30 else text[:30] + "…"


def check_params(name: str, raw: dict | None) -> dict[str, Any]:
    """Validate a metric's parameters; returns them with defaults filled in.

    Raises ``ValueError`` with a one-line reason (callers place it in a file).
    """
    definition = CATALOGUE[name]
    raw = dict(raw or {})
    allowed = {p.name: p for p in definition.params}
    for key in raw:
        if key not in allowed:
            expected = ", ".join(allowed) if allowed else "none"
            raise ValueError(f"metric {name} has no parameter {key!r}{suggest(key, allowed)}; "
                             f"its parameters: {expected}")
    result: dict[str, Any] = {}
    for param in definition.params:
        value = raw.get(param.name, param.default)
        if param.kind == "choice":
            if str(value) not in param.choices:
                raise ValueError(f"{name}.{param.name} must be one of: {', '.join(param.choices)}"
                                 f" (got {value!r})")
            value = str(value)
        elif param.kind == "integer":
            if (isinstance(value, bool) or not isinstance(value, int)
                    or not 1 <= value <= MAX_PARAMETER):
                raise ValueError(f"{name}.{param.name} must be a whole number from 1 to "
                                 f"100 000 (got {_shown(value)})")
        else:
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not 0 < value <= MAX_PARAMETER):  # also refuses NaN and infinity
                raise ValueError(f"{name}.{param.name} must be a number above 0, at most "
                                 f"100 000 (got {_shown(value)})")
        result[param.name] = value
    return result


def parse_metric_spec(text: str) -> tuple[str, dict[str, Any]]:
    """Read ``name`` or ``name:key=value,key=value`` (the ``smarketing metrics`` argument)."""
    name, _, rest = text.partition(":")
    params: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, sep, value = item.partition("=")
        if not sep:
            raise UserError(f"metric parameter {item!r} in {text!r} is not key=value "
                            "(e.g. first_contact_within:hours=4,clock=calendar)")
        params[key.strip()] = _scalar(value.strip())
    return name.strip(), params


def _scalar(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


# ---------------------------------------------------------------------------
# The engine

_TOUCH = "e.type NOT IN ('note', 'stage')"

_LEAD_DIMENSIONS = {
    "source": "l.source",
    "campaign": "l.campaign",
    "owner": "l.owner",
    "team": "(SELECT p.team FROM people p WHERE p.id = l.owner_id)",
    "reason": "l.rejected_reason",
}
_CAMPAIGN_DIMENSIONS = {
    "source": "c.source",
    "campaign": "c.name",
    "owner": "c.owner",
    "team": "(SELECT p.team FROM people p WHERE p.id = c.owner_id)",
}


@dataclass(frozen=True)
class Window:
    """The SQL parameters of one (period, as_of): cohort range ``[start, cut)`` and ``as_of``."""

    start: str
    cut: str       # min(period end, just after as_of)
    as_of: str
    as_of_s: int
    first_day: str  # local dates of the spend window (inclusive)
    last_day: str
    started: bool

    def params(self) -> dict[str, Any]:
        return {"start": self.start, "cut": self.cut, "as_of": self.as_of,
                "as_of_s": self.as_of_s}


class MetricsEngine:
    """Computes catalogue and custom metrics on one SQLite connection.

    ``first_contact`` is the SLA's rule (``attempt`` or ``connected``). The
    engine only reads the store; it keeps a small TEMP table (the business
    calendar) on the connection.
    """

    _calendar_counter = 0

    def __init__(self, conn: Any, settings, *, first_contact: str = "attempt",
                 custom_metrics: dict[str, CustomMetric] | None = None) -> None:
        self.conn: sqlite3.Connection = getattr(conn, "conn", conn)
        self.settings = settings
        if first_contact not in FIRST_CONTACT_RULES:
            raise ValueError(f"first_contact must be one of {FIRST_CONTACT_RULES}")
        self.first_contact = first_contact
        self.custom = dict(custom_metrics or {})
        MetricsEngine._calendar_counter += 1
        self._calendar = f"temp.sm_calendar_{MetricsEngine._calendar_counter}"
        self._calendar_range: tuple[date, date] | None = None
        self._has_data_cache: dict[str, bool] = {}

    # -- public API --------------------------------------------------------

    def names(self) -> list[str]:
        return known_metric_names(self.custom)

    def unit(self, name: str) -> str:
        if name in self.custom:
            return self.custom[name].unit
        return self._definition(name).unit

    def supports(self, name: str, by: str | None) -> bool:
        """Can ``name`` be broken down by ``by``? (None: always.)"""
        if by is None:
            return True
        if name in self.custom:
            return False
        return by in self._definition(name).dimensions

    def is_additive(self, name: str) -> bool:
        if name in self.custom:
            return self.custom[name].additive
        return self._definition(name).additive

    def compute(self, name: str, period: Period, as_of: datetime,
                params: dict | None = None, by: str | None = None) -> MetricResult:
        """One metric for ``period`` as of ``as_of``, optionally broken down ``by`` a dimension."""
        if name in self.custom:
            if by:
                raise UserError(f"custom metric {name} cannot be broken down --by {by}")
            return self._custom(self.custom[name], period, as_of)
        definition = self._definition(name)
        try:
            values = check_params(name, params)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        if by is None and name == "rejection_reasons":
            by = "reason"
        if by is not None and by not in definition.dimensions:
            raise UserError(f"{name} cannot be broken down by {by!r}; expected one of: "
                            + ", ".join(definition.dimensions))
        window = self.window(period, as_of)
        compute = getattr(self, f"_m_{name}")
        value, counts = compute(window, values, None)[None]
        lead_based = definition.additive or name == "pipeline_amount"
        if name != "spend" and lead_based and not self._has_data(window):
            value = None  # nothing known about this period: no data, not zero
        result = MetricResult(name, values, definition.unit, value, counts, period, as_of, by)
        if by is not None:
            for key, (value, counts) in compute(window, values, by).items():
                if key is None and not counts:
                    continue
                result.groups.append(Group(key, value, counts))
            result.groups.sort(key=lambda g: (-(g.counts.get(_SORT_KEYS.get(name, ""), 0) or 0),
                                              g.key is None, str(g.key)))
        return result

    def window(self, period: Period, as_of: datetime) -> Window:
        """The SQL bounds for ``period`` seen as of ``as_of``."""
        as_of = as_of.replace(microsecond=0)
        cut = min(period.end_utc, as_of + timedelta(seconds=1))
        cut = max(cut, period.start_utc)
        last_moment = cut - timedelta(seconds=1)
        last_day = max(min(period.last_day, last_moment.astimezone(zone(period.tz)).date()),
                       period.first_day - timedelta(days=1))
        return Window(start=period.start_iso, cut=utc_iso(cut), as_of=utc_iso(as_of),
                      as_of_s=int(as_of.timestamp()), first_day=period.first_day.isoformat(),
                      last_day=last_day.isoformat(), started=as_of >= period.start_utc)

    # -- helpers -----------------------------------------------------------

    def _definition(self, name: str) -> MetricDef:
        if name not in CATALOGUE:
            known = self.names()
            raise UserError(f"unknown metric {name!r}{suggest(name, known)}; known metrics: "
                            + ", ".join(known))
        return CATALOGUE[name]

    def _has_data(self, window: Window) -> bool:
        """Does the store know of any lead before the window's cut (created, MQL, won...)?"""
        if not window.started:
            return False
        if window.cut not in self._has_data_cache:
            row = self.conn.execute("SELECT " + " OR ".join(
                f"EXISTS (SELECT 1 FROM leads WHERE {column} < :cut)" for column in (
                    "created_at", "mql_at", "meeting_at", "opportunity_at", "won_at", "lost_at")),
                {"cut": window.cut}).fetchone()
            self._has_data_cache[window.cut] = bool(row[0])
        return self._has_data_cache[window.cut]

    def _rows(self, sql: str, params: dict, by: str | None, dimensions=None) -> list[tuple]:
        expression = "NULL" if by is None else (dimensions or _LEAD_DIMENSIONS)[by]
        return self.conn.execute(sql.replace("{g}", expression), params).fetchall()

    def _first_contact_sql(self, lead: str = "l") -> str:
        """SQL for a lead's first contact (text timestamp or NULL) as of :as_of."""
        connected = " AND e.outcome = 'connected'" if self.first_contact == "connected" else ""
        from_events = (f"(SELECT e.at FROM lead_events e WHERE e.lead_id = {lead}.id "
                       f"AND e.at >= {lead}.mql_at AND e.at <= :as_of AND {_TOUCH}{connected} "
                       "ORDER BY e.at LIMIT 1)")
        if self.first_contact == "connected":
            return from_events
        # One branch runs per lead, so the events subquery is evaluated once.
        return (f"(CASE WHEN {lead}.first_contact_imported = 1 AND {lead}.first_contact_at "
                f">= {lead}.mql_at AND {lead}.first_contact_at <= :as_of "
                f"THEN min({lead}.first_contact_at, coalesce({from_events}, "
                f"{lead}.first_contact_at)) ELSE {from_events} END)")

    def ensure_calendar(self, first: date, last: date) -> str:
        """Make the TEMP business calendar cover local days ``first..last``; returns its name."""
        covered = self._calendar_range
        if covered and covered[0] <= first and last <= covered[1]:
            return self._calendar
        if self._calendar_range:
            first = min(first, self._calendar_range[0])
            last = max(last, self._calendar_range[1])
        rows = calendar_rows(first, last, self.settings.business_hours, self.settings.timezone)
        self.conn.execute(f"DROP TABLE IF EXISTS {self._calendar}")
        self.conn.execute(f"CREATE TABLE {self._calendar} (open_s INTEGER PRIMARY KEY, "
                          "close_s INTEGER NOT NULL, cum_s INTEGER NOT NULL, "
                          "cum_end INTEGER NOT NULL UNIQUE)")
        self.conn.executemany(f"INSERT INTO {self._calendar} VALUES (?, ?, ?, ?)",
                              [(o, c, cum, cum + c - o) for _day, o, c, cum in rows])
        self._calendar_range = (first, last)
        return self._calendar

    @staticmethod
    def _position_sql(calendar: str, seconds: str) -> str:
        """SQL: business seconds from the calendar's start to the Unix time ``seconds``."""
        return (f"coalesce((SELECT k.cum_s + min(max({seconds} - k.open_s, 0), "
                f"k.close_s - k.open_s) FROM {calendar} k WHERE k.open_s <= {seconds} "
                "ORDER BY k.open_s DESC LIMIT 1), 0)")

    @staticmethod
    def _deadline_sql(calendar: str, position: str) -> str:
        """SQL: the Unix time at which the business position ``position`` is reached."""
        return (f"(SELECT k.open_s + ({position}) - k.cum_s FROM {calendar} k "
                f"WHERE k.cum_end >= ({position}) ORDER BY k.cum_end LIMIT 1)")

    def _elapsed_sql(self, clock: str, calendar: str | None, a: str, b: str) -> str:
        """SQL: hours from Unix time ``a`` to ``b`` on the given clock (NULL if either is)."""
        if clock == "calendar":
            return f"(({b}) - ({a})) / 3600.0"
        return (f"(CASE WHEN ({a}) IS NOT NULL AND ({b}) IS NOT NULL THEN "
                f"({self._position_sql(calendar, b)} - {self._position_sql(calendar, a)}) "
                "/ 3600.0 END)")

    # -- custom metrics -----------------------------------------------------

    def _custom(self, metric: CustomMetric, period: Period, as_of: datetime) -> MetricResult:
        window = self.window(period, as_of)
        params = {"start": window.start, "end": window.cut, "as_of": window.as_of}
        row, columns = run_readonly(self.conn, metric.sql, params, f"custom metric {metric.name}",
                                    metric.time_limit)
        value, counts = None, {}
        if row is not None:
            names = [c.lower() for c in columns]
            index = names.index("value") if "value" in names else 0
            value = row[index]
            if value is not None and not isinstance(value, (int, float)):
                raise UserError(f"custom metric {metric.name}: its SQL returned {value!r}; "
                                "expected a number (or NULL for no data)")
            counts = {columns[i]: row[i] for i in range(len(columns)) if i != index}
        return MetricResult(metric.name, {}, metric.unit, value, counts, period, as_of)

    # -- catalogue metrics ---------------------------------------------------
    # Each returns {group key: (value, counts)}; key None is the total when by is None.

    _COHORT = "l.mql_at >= :start AND l.mql_at < :cut"

    def _m_mqls(self, w: Window, p: dict, by: str | None):
        rows = self._rows(f"SELECT {{g}}, COUNT(*) FROM leads l WHERE {self._COHORT} GROUP BY 1",
                          w.params(), by)
        return _collect(rows, by, ("mqls",), lambda c: c["mqls"])

    _DECISION = """
        CASE WHEN l.accepted_at <= :as_of AND (l.rejected_at IS NULL OR l.rejected_at > :as_of
                  OR l.accepted_at >= l.rejected_at) THEN 1 ELSE 0 END AS accepted,
        CASE WHEN l.rejected_at <= :as_of AND (l.accepted_at IS NULL OR l.accepted_at > :as_of
                  OR l.rejected_at > l.accepted_at) THEN 1 ELSE 0 END AS rejected"""

    def _m_acceptance_rate(self, w: Window, p: dict, by: str | None):
        sql = (f"SELECT g, COUNT(*), TOTAL(accepted), TOTAL(rejected) FROM "
               f"(SELECT {{g}} AS g, {self._DECISION} FROM leads l WHERE {self._COHORT}) "
               "GROUP BY g")

        def value(c):
            c["undecided"] = c["mqls"] - c["accepted"] - c["rejected"]
            return _share(c["accepted"], c["accepted"] + c["rejected"])
        return _collect(self._rows(sql, w.params(), by), by,
                        ("mqls", "accepted", "rejected"), value)

    def _contact_base_sql(self, extra: str = "") -> str:
        return (f"SELECT {{g}} AS g, l.id AS id, unixepoch(l.mql_at) AS mql_s, "
                f"unixepoch({self._first_contact_sql()}) AS fc_s{extra} "
                f"FROM leads l WHERE {self._COHORT}")

    def _deadline_expr(self, p: dict, calendar: str | None, mql: str = "mql_s") -> str:
        seconds = int(round(float(p["hours"]) * 3600))
        if p["clock"] == "calendar":
            return f"({mql} + {seconds})"
        return self._deadline_sql(calendar, f"{self._position_sql(calendar, mql)} + {seconds}")

    def _m_first_contact_within(self, w: Window, p: dict, by: str | None):
        calendar = self._calendar_for_window(w, p["hours"]) if p["clock"] == "business" else None
        sql = f"""
            WITH base AS MATERIALIZED ({self._contact_base_sql()}),
            timed AS MATERIALIZED (SELECT g, fc_s, {self._deadline_expr(p, calendar)} AS dl_s
                                   FROM base)
            SELECT g, COUNT(*),
                   TOTAL(fc_s IS NOT NULL AND fc_s <= dl_s),
                   TOTAL((fc_s IS NOT NULL AND fc_s > dl_s)
                         OR (fc_s IS NULL AND dl_s <= :as_of_s)),
                   TOTAL(fc_s IS NULL AND dl_s > :as_of_s)
            FROM timed GROUP BY g"""
        return _collect(self._rows(sql, w.params(), by), by,
                        ("mqls", "met", "missed", "pending"),
                        lambda c: _share(c["met"], c["met"] + c["missed"]))

    def _calendar_for_window(self, w: Window, hours: float = 0) -> str:
        period_first = date.fromisoformat(w.first_day)
        as_of = datetime.fromtimestamp(w.as_of_s, tz=zone("UTC"))
        day_hours = day_length_seconds(self.settings.business_hours) / 3600
        margin = int(math.ceil(hours / max(day_hours, 1e-9) * 1.5)) + 45
        local_as_of = as_of.astimezone(zone(self.settings.timezone)).date()
        cut_day = datetime.strptime(w.cut, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=zone("UTC")).astimezone(zone(self.settings.timezone)).date()
        return self.ensure_calendar(period_first - timedelta(days=7),
                                    max(cut_day, local_as_of) + timedelta(days=margin))

    def _m_hours_to_first_contact(self, w: Window, p: dict, by: str | None):
        clock = p["clock"]
        calendar = self._calendar_for_window(w) if clock == "business" else None
        assigned = ("(CASE WHEN l.assigned_at <= :as_of THEN unixepoch(max(l.assigned_at, "
                    "l.mql_at)) END)")
        wait = self._elapsed_sql(clock, calendar, "mql_s", "fc_s")
        routing = self._elapsed_sql(clock, calendar, "mql_s", "as_s")
        response = self._elapsed_sql(clock, calendar, "as_s",
                                     "(CASE WHEN fc_s >= as_s THEN fc_s ELSE as_s END)")
        sql = f"""
            WITH base AS MATERIALIZED ({self._contact_base_sql(f", {assigned} AS as_s")}),
            w AS MATERIALIZED (
                SELECT g, {wait} AS wait, {routing} AS routing,
                       CASE WHEN fc_s IS NOT NULL THEN {response} END AS response
                FROM base),
            {_PERCENTILE_CTES}
            SELECT g, 'bands', COUNT(*), TOTAL(wait <= 1), TOTAL(wait > 1 AND wait <= 4),
                   TOTAL(wait > 4 AND wait <= 24), TOTAL(wait > 24), TOTAL(wait IS NULL)
            FROM w GROUP BY g"""
        stats = self._percentile_rows(sql, w, by, ("wait", "routing", "response"))
        result = {}
        for key, entry in stats.items():
            bands = entry.pop("bands", None) or (0, 0, 0, 0, 0, 0)
            mqls, b1, b4, b24, later, uncontacted = (int(x or 0) for x in bands)
            counts = {"mqls": mqls, "contacted": mqls - uncontacted, "uncontacted": uncontacted,
                      "median": entry.get("wait", (None, None, 0))[0],
                      "p90": entry.get("wait", (None, None, 0))[1],
                      "within_1h": b1, "within_1_4h": b4, "within_4_24h": b24, "later": later,
                      "routing_median": entry.get("routing", (None, None, 0))[0],
                      "routing_p90": entry.get("routing", (None, None, 0))[1],
                      "routing_n": entry.get("routing", (None, None, 0))[2],
                      "response_median": entry.get("response", (None, None, 0))[0],
                      "response_p90": entry.get("response", (None, None, 0))[1],
                      "response_n": entry.get("response", (None, None, 0))[2]}
            result[key] = (counts["median"], counts)
        return _ensure_total(result, by, lambda: (None, {
            "mqls": 0, "contacted": 0, "uncontacted": 0, "median": None, "p90": None,
            "within_1h": 0, "within_1_4h": 0, "within_4_24h": 0, "later": 0,
            "routing_median": None, "routing_p90": None, "routing_n": 0,
            "response_median": None, "response_p90": None, "response_n": 0}))

    def _percentile_rows(self, sql: str, w: Window, by: str | None,
                         kinds: tuple[str, ...]) -> dict:
        """Run a query built on ``_PERCENTILE_CTES``; returns {group: {kind: (p50, p90, n)}}."""
        values_sql = " UNION ALL ".join(
            f"SELECT g, '{kind}' AS k, {kind} AS x FROM w WHERE {kind} IS NOT NULL"
            for kind in kinds)
        full = sql.replace("{values}", values_sql) + " UNION ALL " + _PERCENTILE_SELECT
        out: dict = {}
        for row in self._rows(full, w.params(), by):
            key, kind = row[0], row[1]
            entry = out.setdefault(key, {})
            if kind == "bands":
                entry["bands"] = row[2:8]
            else:
                n = int(row[2])
                entry[kind] = (_interpolate(row[3], row[4], 0.5, n),
                               _interpolate(row[5], row[6], 0.9, n), n)
        return out

    def _m_rejection_reasons(self, w: Window, p: dict, by: str | None):
        sql = (f"SELECT g, COUNT(*), TOTAL(rejected) FROM (SELECT {{g}} AS g, {self._DECISION} "
               f"FROM leads l WHERE {self._COHORT}) GROUP BY g")
        if by == "reason":
            sql = sql.replace("GROUP BY g", "WHERE rejected = 1 GROUP BY g")
            sql = sql.replace("{g} AS g", "trim(l.rejected_reason) AS g")
        rows = self._rows(sql, w.params(), by if by != "reason" else None)
        if by == "reason":
            total = sum(row[2] for row in rows)
            return {row[0] or None: (int(row[2]), {"rejected": int(row[2]),
                                                   "share": _share(row[2], total)})
                    for row in rows}
        return _collect(rows, by, ("mqls", "rejected"), lambda c: c["rejected"])

    def _m_touches_per_mql(self, w: Window, p: dict, by: str | None):
        sql = f"""
            WITH t AS MATERIALIZED (
                SELECT {{g}} AS g, (SELECT COUNT(*) FROM lead_events e WHERE e.lead_id = l.id
                       AND e.at >= l.mql_at AND e.at <= :as_of AND {_TOUCH}) AS n
                FROM leads l WHERE {self._COHORT})
            SELECT g, COUNT(*), TOTAL(n), TOTAL(n = 0) FROM t GROUP BY g"""
        return _collect(self._rows(sql, w.params(), by), by, ("mqls", "touches", "untouched"),
                        lambda c: _ratio(c["touches"], c["mqls"]))

    _CLOSED_CTE = """
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
                  FROM leads l
                  WHERE ((l.rejected_at >= :start AND l.rejected_at < :cut)
                         OR (l.lost_at >= :start AND l.lost_at < :cut))
                    AND l.mql_at IS NOT NULL AND l.mql_at <= :as_of) l
            WHERE (rej_at IS NOT NULL OR lost_at IS NOT NULL)
              AND min(coalesce(rej_at, lost_at), coalesce(lost_at, rej_at)) >= :start
              AND min(coalesce(rej_at, lost_at), coalesce(lost_at, rej_at)) < :cut),
        touched AS MATERIALIZED (
            SELECT c.*, (SELECT COUNT(*) FROM lead_events e WHERE e.lead_id = c.id
                         AND e.at >= c.mql_at AND e.at <= c.closed_at AND """ + _TOUCH + """) AS n
            FROM closed c)"""

    def _m_min_touches_met(self, w: Window, p: dict, by: str | None):
        sql = (f"WITH {self._CLOSED_CTE} SELECT g, COUNT(*), TOTAL(n >= :k), TOTAL(n < :k) "
               "FROM touched GROUP BY g")
        return _collect(self._rows(sql, {**w.params(), "k": p["k"]}, by), by,
                        ("closed", "met", "short"), lambda c: _share(c["met"], c["closed"]))

    def _m_meetings_booked(self, w: Window, p: dict, by: str | None):
        sql = ("SELECT {g}, COUNT(*) FROM leads l WHERE l.meeting_at >= :start "
               "AND l.meeting_at < :cut AND l.mql_at <= :as_of GROUP BY 1")
        return _collect(self._rows(sql, w.params(), by), by, ("meetings",),
                        lambda c: c["meetings"])

    _WON = ("l.won_at >= :start AND l.won_at < :cut AND NOT coalesce(l.lost_at > l.won_at "
            "AND l.lost_at <= :as_of, 0)")
    _LOST = ("l.lost_at >= :start AND l.lost_at < :cut AND NOT coalesce(l.won_at > l.lost_at "
             "AND l.won_at <= :as_of, 0)")

    def _m_won(self, w: Window, p: dict, by: str | None):
        sql = (f"SELECT {{g}}, COUNT(*), TOTAL(l.amount), TOTAL(l.amount IS NULL) FROM leads l "
               f"WHERE {self._WON} GROUP BY 1")
        return _collect(self._rows(sql, w.params(), by), by,
                        ("won", "amount", "without_amount"), lambda c: c["won"])

    def _m_won_amount(self, w: Window, p: dict, by: str | None):
        rows = self._m_won(w, p, by)
        return {key: (counts["amount"], counts) for key, (_v, counts) in rows.items()}

    def _m_lost(self, w: Window, p: dict, by: str | None):
        sql = f"SELECT {{g}}, COUNT(*) FROM leads l WHERE {self._LOST} GROUP BY 1"
        return _collect(self._rows(sql, w.params(), by), by, ("lost",), lambda c: c["lost"])

    def _m_pipeline_amount(self, w: Window, p: dict, by: str | None):
        sql = ("SELECT {g}, COUNT(*), TOTAL(l.amount), TOTAL(l.amount IS NULL) FROM leads l "
               "WHERE l.opportunity_at < :cut AND (l.won_at IS NULL OR l.won_at >= :cut) "
               "AND (l.lost_at IS NULL OR l.lost_at >= :cut) GROUP BY 1")
        return _collect(self._rows(sql, w.params(), by), by,
                        ("open", "amount", "without_amount"), lambda c: c["amount"])

    def _m_mql_to_won_rate(self, w: Window, p: dict, by: str | None):
        sql = (f"SELECT {{g}}, COUNT(*), TOTAL(l.won_at <= :as_of AND NOT coalesce(l.lost_at > "
               f"l.won_at AND l.lost_at <= :as_of, 0)) FROM leads l WHERE {self._COHORT} "
               "GROUP BY 1")
        return _collect(self._rows(sql, w.params(), by), by, ("mqls", "won"),
                        lambda c: _share(c["won"], c["mqls"]))

    def _m_median_days_mql_to_won(self, w: Window, p: dict, by: str | None):
        sql = f"""
            WITH w AS MATERIALIZED (
                SELECT {{g}} AS g, max(julianday(l.won_at) - julianday(l.mql_at), 0) AS days
                FROM leads l WHERE {self._WON} AND l.mql_at IS NOT NULL AND l.mql_at <= :as_of),
            {_PERCENTILE_CTES}
            SELECT g, 'bands', COUNT(*), 0, 0, 0, 0, 0 FROM w GROUP BY g"""
        stats = self._percentile_rows(sql, w, by, ("days",))
        result = {}
        for key, entry in stats.items():
            median, p90, n = entry.get("days", (None, None, 0))
            result[key] = (median, {"won": n, "median": median, "p90": p90})
        return _ensure_total(result, by, lambda: (None, {"won": 0, "median": None, "p90": None}))

    def _spend_rows(self, w: Window, by: str | None) -> dict:
        sql = """
            SELECT {g}, COUNT(*), TOTAL(c.spend * (julianday(min(c.ends, :last_day))
                   - julianday(max(c.starts, :first_day)) + 1)
                   / (julianday(c.ends) - julianday(c.starts) + 1))
            FROM campaigns c
            WHERE c.starts <= :last_day AND c.ends >= :first_day AND c.ends >= c.starts
            GROUP BY 1"""
        params = {"first_day": w.first_day, "last_day": w.last_day}
        rows = self._rows(sql, params, by, _CAMPAIGN_DIMENSIONS)
        result = _collect(rows, by, ("campaigns", "spend"), lambda c: c["spend"])
        if by is None:
            counts = result[None][1]
            stored, undated = self.conn.execute(
                "SELECT COUNT(*), TOTAL(starts IS NULL OR ends IS NULL OR ends < starts) "
                "FROM campaigns").fetchone()
            counts["undated_campaigns"] = int(undated)
            if not stored or not w.started:
                result[None] = (None, counts)
        return result

    def _m_spend(self, w: Window, p: dict, by: str | None):
        return self._spend_rows(w, by)

    def _cost_per(self, w: Window, by: str | None, other: dict, key: str) -> dict:
        spend = self._spend_rows(w, by)
        result = {}
        for group in {*spend, *other}:
            spent = spend.get(group, (0.0, {}))[0]
            if group is None and by is None:
                spent = spend[None][0]
            amount = other.get(group, (0, {key: 0}))[1][key]
            value = None if spent is None or not amount else spent / amount
            result[group] = (value, {"spend": spent, key: amount})
        return result

    def _m_cost_per_mql(self, w: Window, p: dict, by: str | None):
        return self._cost_per(w, by, self._m_mqls(w, p, by), "mqls")

    def _m_cost_per_won(self, w: Window, p: dict, by: str | None):
        return self._cost_per(w, by, self._m_won(w, p, by), "won")

    # -- drill-down -------------------------------------------------------------

    def drill(self, name: str, period: Period, as_of: datetime, params: dict | None = None,
              limit: int | None = 50) -> DrillResult:
        """The leads (or campaigns) behind a metric's value, worst first."""
        if name in self.custom:
            raise UserError(f"custom metric {name} has no drill-down; its SQL decides what it "
                            "counts")
        self._definition(name)
        try:
            values = check_params(name, params)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        from smarketing_tui import drilldown

        return drilldown.drill(self, name, values, self.window(period, as_of), limit)


@dataclass
class DrillResult:
    """Rows behind a metric: ``columns`` (key, heading), ``rows`` as dicts, ``total`` rows."""

    title: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    total: int

    def to_json(self) -> dict:
        return {"title": self.title, "columns": [key for key, _ in self.columns],
                "total": self.total, "rows": self.rows}


_SORT_KEYS = {"mqls": "mqls", "acceptance_rate": "mqls", "first_contact_within": "mqls",
              "hours_to_first_contact": "mqls", "rejection_reasons": "rejected",
              "touches_per_mql": "mqls", "min_touches_met": "closed",
              "meetings_booked": "meetings", "won": "won", "won_amount": "amount",
              "lost": "lost", "pipeline_amount": "amount", "mql_to_won_rate": "mqls",
              "median_days_mql_to_won": "won", "spend": "spend", "cost_per_mql": "spend",
              "cost_per_won": "spend"}

# Percentiles by linear interpolation between the two nearest ranks (as numpy's
# default): rank r = (n - 1) q, value = x[floor r] + (x[ceil r] - x[floor r]) * frac r.
_PERCENTILE_CTES = """
    vals AS ({values}),
    ranked AS (SELECT g, k, x, ROW_NUMBER() OVER (PARTITION BY g, k ORDER BY x) - 1 AS i,
                      COUNT(*) OVER (PARTITION BY g, k) AS n FROM vals)"""
_PERCENTILE_SELECT = """
    SELECT g, k, MAX(n),
           MAX(CASE WHEN i = CAST((n - 1) * 0.5 AS INTEGER) THEN x END),
           MAX(CASE WHEN i = min(n - 1, CAST((n - 1) * 0.5 AS INTEGER) + 1) THEN x END),
           MAX(CASE WHEN i = CAST((n - 1) * 0.9 AS INTEGER) THEN x END),
           MAX(CASE WHEN i = min(n - 1, CAST((n - 1) * 0.9 AS INTEGER) + 1) THEN x END),
           NULL
    FROM ranked GROUP BY g, k"""


def _interpolate(low: float | None, high: float | None, q: float, n: int) -> float | None:
    if n == 0 or low is None:
        return None
    rank = (n - 1) * q
    fraction = rank - math.floor(rank)
    return low + ((high if high is not None else low) - low) * fraction


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _collect(rows: list[tuple], by: str | None, names: tuple[str, ...],
             value: Callable[[dict], Any]) -> dict:
    """Rows ``(group, n1, n2, ...)`` -> {group: (value, counts)}; a total row always exists."""
    result = {}
    for row in rows:
        counts = {name: _int_if_whole(v) for name, v in zip(names, row[1:])}
        result[row[0]] = (None, counts)
    if by is None and None not in result:
        result[None] = (None, {name: 0 for name in names})
    return {key: (value(counts), counts) for key, (_v, counts) in result.items()}


def _ensure_total(result: dict, by: str | None, empty: Callable[[], tuple]) -> dict:
    if by is None and None not in result:
        result[None] = empty()
    return result


def _int_if_whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


# ---------------------------------------------------------------------------
