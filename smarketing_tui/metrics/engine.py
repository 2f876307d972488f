"""The engine: computes any catalogue metric (or a custom SQL one) for a period as of a moment.

It knows no metric by name: each :class:`~smarketing_tui.metrics.model.Metric`
brings its own computation and drill-down query. The engine turns a period
into SQL bounds (:meth:`MetricsEngine.window`), runs the metric's queries on
its connection, applies the SLA's ``exclude`` rules and builds the results.
"""

from __future__ import annotations

import math
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterator

from smarketing_tui.businesshours import calendar_rows, day_length_seconds
from smarketing_tui.customsql import run_readonly
from smarketing_tui.errors import UserError
from smarketing_tui.metrics.model import (CATALOGUE, FIRST_CONTACT_RULES, CustomMetric,
                                          DrillResult, ExcludeRule, Group, Metric, MetricResult,
                                          check_params, fold, known_metric_names)
from smarketing_tui.metrics.sql import PERCENTILE_SELECT, TOUCH, interpolate
from smarketing_tui.periods import Period
from smarketing_tui.timeutil import utc_iso, zone
from smarketing_tui.yamlfile import suggest

LEAD_DIMENSIONS = {
    "source": "l.source",
    "campaign": "l.campaign",
    "owner": "l.owner",
    "team": "(SELECT p.team FROM people p WHERE p.id = l.owner_id)",
    "reason": "l.rejected_reason",
}

LEAD_COLUMNS = [("lead", "Lead"), ("name", "Name"), ("owner", "Owner"), ("source", "Source")]
LEAD_SELECT = ("l.external_id AS lead, coalesce(l.name, l.company) AS name, l.owner AS owner, "
               "l.source AS source, l.campaign AS campaign, l.mql_at AS mql_at")


def _sort_column(order: str, columns: list[tuple[str, str]]) -> str | None:
    """The first column a drill's ``ORDER BY`` sorts by plainly (``hours_late DESC``), not
    by a test on it (``first_contact IS NOT NULL``): what the rows are ranked by."""
    keys = {key for key, _ in columns}
    for part in order.split(","):
        words = part.split()
        plain = len(words) == 1 or (len(words) == 2 and words[1].upper() in ("ASC", "DESC"))
        if words and words[0] in keys and plain:
            return words[0]
    return None


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

    ``first_contact`` is the SLA's rule (``attempt`` or ``connected``);
    ``exclude`` the SLA's exclusion rules, used when a call gives none. The
    engine only reads the store; it keeps a small TEMP table (the business
    calendar) on the connection.
    """

    _calendar_counter = 0

    def __init__(self, conn: Any, settings, *, first_contact: str = "attempt",
                 custom_metrics: dict[str, CustomMetric] | None = None,
                 exclude: tuple[ExcludeRule, ...] = ()) -> None:
        self.conn: sqlite3.Connection = getattr(conn, "conn", conn)
        self.settings = settings
        if first_contact not in FIRST_CONTACT_RULES:
            raise ValueError(f"first_contact must be one of {FIRST_CONTACT_RULES}")
        self.first_contact = first_contact
        self.custom = dict(custom_metrics or {})
        self.exclude = tuple(exclude)
        MetricsEngine._calendar_counter += 1
        self._calendar = f"temp.sm_calendar_{MetricsEngine._calendar_counter}"
        self._calendar_range: tuple[date, date] | None = None
        self._has_data_cache: dict[tuple[str, str], bool] = {}
        self._has_deals: bool | None = None
        self._leads = "leads"      # the leads the running query sees (exclusions applied)
        self._fold_registered = False

    # -- public API --------------------------------------------------------

    def names(self) -> list[str]:
        return known_metric_names(self.custom)

    def unit(self, name: str) -> str:
        if name in self.custom:
            return self.custom[name].unit
        return self.definition(name).unit

    def supports(self, name: str, by: str | None) -> bool:
        """Can ``name`` be broken down by ``by``? (None: always.)"""
        if by is None:
            return True
        if name in self.custom:
            return False
        return by in self.definition(name).dimensions

    def is_additive(self, name: str) -> bool:
        if name in self.custom:
            return self.custom[name].additive
        return self.definition(name).additive

    def compute(self, name: str, period: Period, as_of: datetime,
                params: dict | None = None, by: str | None = None,
                exclude: tuple[ExcludeRule, ...] | None = None) -> MetricResult:
        """One metric for ``period`` as of ``as_of``, optionally broken down ``by`` a dimension.

        ``exclude``: the rules for this call (a commitment's, the SLA's included); None
        means the engine's own. Excluded leads are counted in ``MetricResult.excluded``.
        """
        if name in self.custom:
            if by:
                raise UserError(f"custom metric {name} cannot be broken down --by {by}")
            return self._custom(self.custom[name], period, as_of)
        metric = self.definition(name)
        values = self._params(metric, params)
        by = by if by is not None else metric.default_by
        if by is not None and by not in metric.dimensions:
            raise UserError(f"{name} cannot be broken down by {by!r}; expected one of: "
                            + ", ".join(metric.dimensions))
        window = self.window(period, as_of)
        rules, counted = self._rules_for(metric, exclude)
        with self._excluding(rules):
            value, counts = metric.compute(self, window, values, None)[None]
            if metric.data_check and not self._has_data(window, metric.data_check):
                value = None  # nothing known about this period: no data, not zero
            result = MetricResult(name, values, metric.unit, value, counts, period, as_of, by)
            if by is not None:
                for key, (value, counts) in metric.compute(self, window, values, by).items():
                    if key is None and not counts:
                        continue
                    result.groups.append(Group(key, value, counts))
                result.groups.sort(key=lambda g: (-(g.counts.get(metric.sort_key, 0) or 0),
                                                  g.key is None, str(g.key)))
        if rules:
            result.excluded = self._excluded_counts(counted, window, values, rules)
        return result

    def _rules_for(self, metric, exclude) -> tuple[tuple[ExcludeRule, ...], Any]:
        """The exclude rules that apply to ``metric`` (the engine's, or the call's own) and
        the leads it counts; no rules for a metric that counts no leads."""
        counted = self._counted_leads(metric)
        if counted is None:
            return (), None
        return (self.exclude if exclude is None else tuple(exclude)), counted

    def drill(self, name: str, period: Period, as_of: datetime, params: dict | None = None,
              limit: int | None = 50,
              exclude: tuple[ExcludeRule, ...] | None = None) -> DrillResult:
        """The leads, deals or campaigns behind a metric's value, worst first; the leads the
        exclusions left out in a section of their own."""
        if name in self.custom:
            raise UserError(f"custom metric {name} has no drill-down; its SQL decides what it "
                            "counts")
        metric = self.definition(name)
        values = self._params(metric, params)
        window = self.window(period, as_of)
        rules, counted = self._rules_for(metric, exclude)
        with self._excluding(rules):
            sql, columns, order = metric.drill(self, values, window)
            query = (f"WITH d AS MATERIALIZED ({sql}) SELECT *, COUNT(*) OVER () AS _total "
                     f"FROM d ORDER BY {order}" + (" LIMIT :limit" if limit is not None else ""))
            rows, total = self._drill_rows(query, columns, window, values, limit)
        result = DrillResult(metric.drill_title.format(**values), columns, rows, total,
                             measure=_sort_column(order, columns))
        if rules:
            reason = self._reason_sql(rules, "l")
            columns = [*LEAD_COLUMNS, ("mql_at", "MQL at"), ("excluded", "Excluded as")]
            query = (f"SELECT {LEAD_SELECT}, {reason} AS excluded, COUNT(*) OVER () AS _total "
                     f"FROM leads l WHERE l.id IN ({self._only_excluded(counted, rules)}) "
                     "ORDER BY excluded, l.mql_at, l.external_id"
                     + (" LIMIT :limit" if limit is not None else ""))
            result.excluded_columns = columns
            result.excluded, result.excluded_total = self._drill_rows(
                query, columns, window, values, limit)
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

    def definition(self, name: str) -> Metric:
        """The catalogue metric ``name``, or a UserError naming the known ones."""
        if name not in CATALOGUE:
            known = self.names()
            raise UserError(f"unknown metric {name!r}{suggest(name, known)}; known metrics: "
                            + ", ".join(known))
        return CATALOGUE[name]


    def has_deals(self) -> bool:
        """Does the store hold any deal? (Metrics on leads use deals where there are deals.)"""
        if self._has_deals is None:
            self._has_deals = self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM deals)").fetchone()[0] == 1
        return self._has_deals

    # -- running queries ------------------------------------------------------

    def rows(self, sql: str, params: dict, by: str | None, dimensions=None) -> list[tuple]:
        """Run ``sql`` with ``{g}`` as the breakdown's expression and ``{leads}`` as the leads
        the exclusions leave in."""
        expression = "NULL" if by is None else (dimensions or LEAD_DIMENSIONS)[by]
        sql = sql.replace("{g}", expression).replace("{leads}", self._leads)
        return self.conn.execute(sql, params).fetchall()


    def percentile_rows(self, sql: str, w: Window, by: str | None,
                        kinds: tuple[str, ...], dimensions=None) -> dict:
        """Run a query built on ``PERCENTILE_CTES``; returns {group: {kind: (p50, p90, n)}}."""
        values_sql = " UNION ALL ".join(
            f"SELECT g, '{kind}' AS k, {kind} AS x FROM w WHERE {kind} IS NOT NULL"
            for kind in kinds)
        full = sql.replace("{values}", values_sql) + " UNION ALL " + PERCENTILE_SELECT
        out: dict = {}
        for row in self.rows(full, w.params(), by, dimensions):
            key, kind = row[0], row[1]
            entry = out.setdefault(key, {})
            if kind == "bands":
                entry["bands"] = row[2:8]
            else:
                n = int(row[2])
                entry[kind] = (interpolate(row[3], row[4], 0.5, n),
                               interpolate(row[5], row[6], 0.9, n), n)
        return out

    def _drill_rows(self, query: str, columns, window: Window, params: dict,
                    limit: int | None) -> tuple[list[dict], int]:
        args = {**window.params(), "first_day": window.first_day, "last_day": window.last_day,
                "limit": limit, **{k: v for k, v in params.items() if k == "k"}}
        cursor = self.conn.execute(
            query.replace("{g}", "NULL").replace("{leads}", self._leads), args)
        names = [d[0] for d in cursor.description]
        rows, total = [], 0
        for raw in cursor.fetchall():
            record = dict(zip(names, raw))
            total = record.pop("_total")
            rows.append({key: record.get(key) for key, _ in columns})
        return rows, total

    def _params(self, metric: Metric, params: dict | None) -> dict:
        try:
            return check_params(metric.name, params)
        except ValueError as exc:
            raise UserError(str(exc)) from None

    def _has_data(self, window: Window, check: str = "leads") -> bool:
        """Does the store know of any lead (or deal) before the window's cut?"""
        if not window.started:
            return False
        key = (check, window.cut)
        if key not in self._has_data_cache:
            table, columns = (("leads", ("created_at", "mql_at", "meeting_at", "opportunity_at",
                                         "won_at", "lost_at")) if check == "leads"
                              else ("deals", ("created_at", "closed_at")))
            row = self.conn.execute("SELECT " + " OR ".join(
                f"EXISTS (SELECT 1 FROM {table} WHERE {column} < :cut)" for column in columns),
                {"cut": window.cut}).fetchone()
            self._has_data_cache[key] = bool(row[0])
        return self._has_data_cache[key]

    # -- exclusions ------------------------------------------------------------

    def _counted_leads(self, metric: Metric) -> str | None:
        counted = metric.counted_leads
        return counted(self) if callable(counted) else counted

    @contextmanager
    def _excluding(self, rules: tuple[ExcludeRule, ...]) -> Iterator[None]:
        """Within: ``{leads}`` in the metrics' SQL reads only the leads ``rules`` leave in."""
        saved = self._leads
        if rules:
            self._register_fold()
            self._leads = f"(SELECT * FROM leads WHERE {self._reason_sql(rules, 'leads')} IS NULL)"
        try:
            yield
        finally:
            self._leads = saved

    def _register_fold(self) -> None:
        if not self._fold_registered:
            self.conn.create_function("sm_fold", 1, fold, deterministic=True)
            self._fold_registered = True

    @staticmethod
    def _reason_sql(rules: tuple[ExcludeRule, ...], table: str) -> str:
        """SQL: the reason a lead of ``table`` is excluded (the first rule's value it matches
        as written in the SLA), NULL when no rule matches."""
        def quote(text: str) -> str:
            return "'" + text.replace("'", "''") + "'"
        cases = []
        for rule in rules:
            whens = " ".join(f"WHEN {quote(fold(v))} THEN {quote(v)}" for v in rule.values)
            cases.append(f"CASE sm_fold({table}.{rule.field}) {whens} END")
        reason = cases[0] if len(cases) == 1 else f"coalesce({', '.join(cases)})"
        # Most leads have none of the fields set: no Python call for them (fold(None) is None).
        unset = " AND ".join(f"{table}.{rule.field} IS NULL" for rule in rules)
        return f"(CASE WHEN {unset} THEN NULL ELSE {reason} END)"

    def _only_excluded(self, counted: str, rules: tuple[ExcludeRule, ...]) -> str:
        source = f"(SELECT * FROM leads WHERE {self._reason_sql(rules, 'leads')} IS NOT NULL)"
        return counted.replace("{g}", "NULL").replace("{leads}", source)

    def _excluded_counts(self, counted: str, window: Window, params: dict,
                         rules: tuple[ExcludeRule, ...]) -> dict[str, int]:
        self._register_fold()
        sql = (f"SELECT {self._reason_sql(rules, 'x')} AS reason, COUNT(*) FROM leads x "
               f"WHERE x.id IN ({self._only_excluded(counted, rules)}) "
               "GROUP BY reason ORDER BY COUNT(*) DESC, reason")
        args = {**window.params(), **{k: v for k, v in params.items() if k == "k"}}
        return {reason: int(n) for reason, n in self.conn.execute(sql, args)}

    # -- SQL helpers for the metrics ------------------------------------------

    def first_contact_sql(self, lead: str = "l") -> str:
        """SQL for a lead's first contact (text timestamp or NULL) as of :as_of."""
        connected = " AND e.outcome = 'connected'" if self.first_contact == "connected" else ""
        from_events = (f"(SELECT e.at FROM lead_events e WHERE e.lead_id = {lead}.id "
                       f"AND e.at >= {lead}.mql_at AND e.at <= :as_of AND {TOUCH}{connected} "
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

    def calendar_for_window(self, w: Window, hours: float = 0) -> str:
        """The business calendar covering ``w`` plus a window of ``hours`` after it."""
        period_first = date.fromisoformat(w.first_day)
        as_of = datetime.fromtimestamp(w.as_of_s, tz=zone("UTC"))
        day_hours = day_length_seconds(self.settings.business_hours) / 3600
        margin = int(math.ceil(hours / max(day_hours, 1e-9) * 1.5)) + 45
        local_as_of = as_of.astimezone(zone(self.settings.timezone)).date()
        cut_day = datetime.strptime(w.cut, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=zone("UTC")).astimezone(zone(self.settings.timezone)).date()
        return self.ensure_calendar(period_first - timedelta(days=7),
                                    max(cut_day, local_as_of) + timedelta(days=margin))


    @staticmethod
    def position_sql(calendar: str, seconds: str) -> str:
        """SQL: business seconds from the calendar's start to the Unix time ``seconds``."""
        return (f"coalesce((SELECT k.cum_s + min(max({seconds} - k.open_s, 0), "
                f"k.close_s - k.open_s) FROM {calendar} k WHERE k.open_s <= {seconds} "
                "ORDER BY k.open_s DESC LIMIT 1), 0)")

    @staticmethod
    def deadline_sql(calendar: str, position: str) -> str:
        """SQL: the Unix time at which the business position ``position`` is reached."""
        return (f"(SELECT k.open_s + ({position}) - k.cum_s FROM {calendar} k "
                f"WHERE k.cum_end >= ({position}) ORDER BY k.cum_end LIMIT 1)")

    def deadline_expr(self, p: dict, calendar: str | None, mql: str = "mql_s") -> str:
        """SQL: the Unix time ``p["hours"]`` (on ``p["clock"]``) after the Unix time ``mql``."""
        seconds = int(round(float(p["hours"]) * 3600))
        if p["clock"] == "calendar":
            return f"({mql} + {seconds})"
        return self.deadline_sql(calendar, f"{self.position_sql(calendar, mql)} + {seconds}")

    def elapsed_sql(self, clock: str, calendar: str | None, a: str, b: str) -> str:
        """SQL: hours from Unix time ``a`` to ``b`` on the given clock (NULL if either is)."""
        if clock == "calendar":
            return f"(({b}) - ({a})) / 3600.0"
        return (f"(CASE WHEN ({a}) IS NOT NULL AND ({b}) IS NOT NULL THEN "
                f"({self.position_sql(calendar, b)} - {self.position_sql(calendar, a)}) "
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
