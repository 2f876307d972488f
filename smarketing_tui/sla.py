"""The service level agreement between marketing and sales: ``agendas/sla.yaml``.

It holds the agreed lead definition, what counts as a first contact, custom
SQL metrics and the commitments each team makes. ``load_sla`` validates it
and reports any mistake as ``file:line:col: what was expected``.
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from smarketing_tui.errors import UserError
from smarketing_tui.customsql import (DEFAULT_TIME_LIMIT, MAX_MAGNITUDE, TIME_LIMIT_BOUNDS,
                                     sql_parameters)
from smarketing_tui.metrics import (CATALOGUE, CUSTOM_PARAMETERS, EXCLUDE_FIELDS,
                                    FIRST_CONTACT_RULES, UNITS, CustomMetric, ExcludeRule,
                                    MetricsEngine, check_params, known_metric_names)
from smarketing_tui.timeutil import now_utc, utc_iso
from smarketing_tui.yamlfile import (YamlDict, bounded_number, check_keys, load_yaml,
                                     require_document_mapping, require_list, require_mapping,
                                     suggest)

PERIOD_KINDS = ("week", "month")
COMPARISONS = (">=", "<=")
TEAMS = ("marketing", "sales")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PERCENT = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*%\s*$")

TOP_KEYS = ("name", "effective_from", "parties", "review", "lead_definition", "first_contact",
            "exclude", "metrics", "commitments")
COMMITMENT_KEYS = ("id", "team", "description", "metric", "params", "period", "target",
                   "comparison", "amber", "exclude")
CUSTOM_KEYS = ("sql", "unit", "description", "additive", "time_limit")
MAX_COMMITMENTS = 100  # a scorecard people read through in a meeting holds a handful
MAX_CUSTOM_METRICS = 100


@dataclass(frozen=True)
class Commitment:
    """One promise: ``metric`` (with ``params``) judged per ``period_kind`` against ``target``."""

    id: str
    team: str
    description: str
    metric: str
    params: dict = field(hash=False, compare=False)
    period_kind: str
    comparison: str
    target: float
    amber: float | None
    unit: str
    line: int = 0
    #: The leads this commitment does not cover: the SLA's rules, then its own.
    exclude: tuple[ExcludeRule, ...] = field(default=(), hash=False, compare=False)

    def status(self, actual: float | None, target: float | None = None,
               amber: float | None = None) -> str:
        """green / amber / red / no_data for ``actual`` (targets may be pro-rated by the caller)."""
        if actual is None:
            return "no_data"
        target = self.target if target is None else target
        amber = self.amber if amber is None else amber
        if self.comparison == ">=":
            if actual >= target:
                return "green"
            return "amber" if amber is not None and actual >= amber else "red"
        if actual <= target:
            return "green"
        return "amber" if amber is not None and actual <= amber else "red"


@dataclass(frozen=True)
class Sla:
    """A validated SLA file."""

    path: str
    name: str | None
    lead_definition: str | None
    first_contact: str
    commitments: tuple[Commitment, ...]
    custom_metrics: dict = field(default_factory=dict, hash=False, compare=False)
    effective_from: str | None = None
    review: str | None = None
    #: The leads the whole SLA does not cover (each commitment adds its own).
    exclude: tuple[ExcludeRule, ...] = field(default=(), hash=False, compare=False)

    def commitment(self, commitment_id: str) -> Commitment:
        """The commitment with this id, or a UserError listing the ids there are."""
        for item in self.commitments:
            if item.id == commitment_id:
                return item
        ids = [c.id for c in self.commitments]
        starting = [i for i in ids if i.startswith(commitment_id)]
        hint = (f" (did you mean {starting[0]!r}?)" if len(starting) == 1
                else suggest(commitment_id, ids))
        raise UserError(f"no commitment {commitment_id!r} in {self.path}{hint}; "
                        f"commitments: {', '.join(ids) or 'none'}")

    def engine(self, conn: Any, settings) -> MetricsEngine:
        """A metrics engine that follows this SLA's first-contact rule and exclusions and knows
        its metrics."""
        return MetricsEngine(conn, settings, first_contact=self.first_contact,
                             custom_metrics=self.custom_metrics, exclude=self.exclude)


def load_sla(path: Path | str, settings=None) -> Sla:
    """Read and validate an SLA file; every error names file:line:col and what was expected."""
    path = Path(path)
    data = load_yaml(path)
    if data is None:
        raise UserError(f"{path}: the SLA file is empty; expected lead_definition and commitments")
    data = require_document_mapping(data, str(path), "the SLA must be a mapping with "
                                    "lead_definition, metrics and commitments")
    check_keys(data, TOP_KEYS, "the SLA", required=("commitments",))
    lead_definition = data.get("lead_definition")
    if lead_definition is not None and not isinstance(lead_definition, str):
        raise data.error("lead_definition must be text (use a | block for several lines)",
                         "lead_definition")
    first_contact = str(data.get("first_contact", "attempt"))
    if first_contact not in FIRST_CONTACT_RULES:
        raise data.error(f"first_contact {first_contact!r} is not one of: "
                         + ", ".join(FIRST_CONTACT_RULES) + " (attempt: any touch counts; "
                         "connected: only a touch that reached the lead)", "first_contact")
    custom = _custom_metrics(data)
    exclude = exclude_rules(data, "the SLA")
    raw = require_list(data["commitments"], data, "commitments", "commitments")
    if len(raw) > MAX_COMMITMENTS:
        raise data.error(f"commitments lists {len(raw)} commitments; an SLA may have at most "
                         f"{MAX_COMMITMENTS}", "commitments")
    commitments: list[Commitment] = []
    for index, item in enumerate(raw):
        entry = require_mapping(item, raw, f"commitments[{index}]", index)
        commitment = _commitment(entry, custom, exclude)
        if any(c.id == commitment.id for c in commitments):
            raise entry.error(f"commitment id {commitment.id!r} is used twice; ids must be unique",
                              "id")
        commitments.append(commitment)
    effective = data.get("effective_from")
    return Sla(path=str(path), name=_text(data.get("name")),
               lead_definition=lead_definition.strip() if lead_definition else None,
               first_contact=first_contact, commitments=tuple(commitments),
               custom_metrics=custom, effective_from=str(effective) if effective else None,
               review=_text(data.get("review")), exclude=exclude)


def _text(value: Any) -> str | None:
    return None if value is None else str(value).strip()


def _custom_metrics(data: YamlDict) -> dict[str, CustomMetric]:
    if data.get("metrics") is None:
        return {}
    metrics = require_mapping(data["metrics"], data, "metrics", "metrics")
    if len(metrics) > MAX_CUSTOM_METRICS:
        raise data.error(f"metrics defines {len(metrics)} metrics; an SLA may define at most "
                         f"{MAX_CUSTOM_METRICS}", "metrics")
    result = {}
    for name, spec in metrics.items():
        name = str(name)
        if not _ID.match(name):
            raise metrics.error(f"metric name {name!r} must be lower_snake_case", name, value=False)
        if name in CATALOGUE:
            raise metrics.error(f"metric {name!r} is already a catalogue metric; give the custom "
                                "metric another name", name, value=False)
        spec = require_mapping(spec, metrics, f"metric {name}", name)
        check_keys(spec, CUSTOM_KEYS, f"metric {name}", required=("sql",))
        sql = spec["sql"]
        if not isinstance(sql, str) or not sql.strip():
            raise spec.error(f"metric {name}: sql must be a SELECT query (text)", "sql")
        body = sql.strip().rstrip(";").strip()
        unquoted = re.sub(r"'(?:[^']|'')*'", "''", body)
        if ";" in unquoted or not sqlite3.complete_statement(body + ";"):
            raise spec.error(f"metric {name}: sql must be exactly one SELECT statement", "sql")
        unknown = [p for p in sql_parameters(body) if p not in CUSTOM_PARAMETERS]
        if unknown:
            raise spec.error(f"metric {name}: unknown parameter :{unknown[0]} in sql; expected "
                             "only :start, :end and :as_of", "sql")
        unit = str(spec.get("unit", "count"))
        if unit not in UNITS:
            raise spec.error(f"metric {name}: unit {unit!r} is not one of: {', '.join(UNITS)}",
                             "unit")
        additive = spec.get("additive", unit in ("count", "money"))
        if not isinstance(additive, bool):
            raise spec.error(f"metric {name}: additive must be true or false", "additive")
        time_limit = DEFAULT_TIME_LIMIT
        if "time_limit" in spec:
            time_limit = bounded_number(spec, "time_limit", "the query's time limit in seconds",
                                        *TIME_LIMIT_BOUNDS)
        result[name] = CustomMetric(name, body, unit, _text(spec.get("description")) or "",
                                    additive, float(time_limit))
    return result


def exclude_rules(owner: YamlDict, what: str) -> tuple[ExcludeRule, ...]:
    """The ``exclude`` rules of ``owner`` (the SLA or a commitment): a list of
    ``field: [values]`` entries naming lead fields; () when there are none."""
    if owner.get("exclude") is None:
        return ()
    raw = owner["exclude"]
    if isinstance(raw, YamlDict):
        entries = [(raw, owner, "exclude")]
    else:
        items = require_list(raw, owner, f"exclude of {what} (a list such as "
                             "- rejected_reason: [duplicate])", "exclude")
        entries = [(item, items, index) for index, item in enumerate(items)]
    rules = []
    for item, parent, place in entries:
        entry = require_mapping(item, parent, f"exclude of {what}: each entry (field: [values])",
                                place)
        if not entry:
            raise entry.error(f"exclude of {what}: an entry names no lead field; expected e.g. "
                              "rejected_reason: [duplicate, student]")
        for key, values in entry.items():
            key = str(key)
            if key not in EXCLUDE_FIELDS:
                raise entry.error(f"exclude of {what}: unknown lead field {key!r}"
                                  f"{suggest(key, EXCLUDE_FIELDS)}; expected one of: "
                                  + ", ".join(EXCLUDE_FIELDS), key, value=False)
            listed = values if isinstance(values, list) else [values]
            words = []
            for value in listed:
                if value is None or isinstance(value, (dict, list, bool)) or not str(value).strip():
                    raise entry.error(f"exclude of {what}: {key} needs a list of values to leave "
                                      f"out, e.g. {key}: [duplicate, student] (got {values!r})",
                                      key)
                words.append(str(value).strip())
            if not words:
                raise entry.error(f"exclude of {what}: {key} has no values; expected e.g. "
                                  f"{key}: [duplicate, student]", key)
            line, column = entry.where(key, value=False)
            rules.append(ExcludeRule(key, tuple(words), f"{entry.file}:{line}:{column}"))
    return tuple(rules)


def _commitment(entry: YamlDict, custom: dict[str, CustomMetric],
                sla_exclude: tuple[ExcludeRule, ...] = ()) -> Commitment:
    check_keys(entry, COMMITMENT_KEYS, "a commitment",
               required=("id", "team", "description", "metric", "period", "target"))
    commitment_id = str(entry["id"])
    if not _ID.match(commitment_id):
        raise entry.error(f"commitment id {commitment_id!r} must be lower_snake_case "
                          "(letters, digits, _), e.g. speed_to_lead", "id")
    team = str(entry["team"]).lower()
    if team not in TEAMS:
        raise entry.error(f"team {entry['team']!r} is not one of: marketing, sales", "team")
    description = entry["description"]
    if (not isinstance(description, str) or not description.strip()
            or any(ord(char) < 32 or ord(char) == 127 for char in description.strip())):
        raise entry.error("description must be one line of plain words", "description")
    metric = str(entry["metric"])
    known = known_metric_names(custom)
    if metric not in known:
        raise entry.error(f"unknown metric {metric!r}{suggest(metric, known)}; known metrics: "
                          + ", ".join(known), "metric")
    params: dict = {}
    if entry.get("params") is not None:
        raw_params = require_mapping(entry["params"], entry, "params", "params")
        if metric in custom and raw_params:
            raise entry.error(f"custom metric {metric} takes no params", "params")
        params = dict(raw_params)
    if metric in CATALOGUE:
        try:
            params = check_params(metric, params)
        except ValueError as exc:
            raise entry.error(str(exc), "params") from None
        unit = CATALOGUE[metric].unit
    else:
        unit = custom[metric].unit
    period = str(entry["period"])
    if period not in PERIOD_KINDS:
        raise entry.error(f"period {period!r} is not one of: week, month", "period")
    comparison = str(entry.get("comparison", ">="))
    if comparison not in COMPARISONS:
        raise entry.error(f"comparison {comparison!r} is not one of: \">=\", \"<=\" (quote it "
                          "in YAML)", "comparison")
    target = _number(entry, "target", unit)
    amber = _number(entry, "amber", unit) if entry.get("amber") is not None else None
    if amber is not None:
        if comparison == ">=" and amber >= target:
            raise entry.error(f"amber {entry['amber']!r} must be below the target for a "
                              "'>=' commitment (the amber band lies between amber and target)",
                              "amber")
        if comparison == "<=" and amber <= target:
            raise entry.error(f"amber {entry['amber']!r} must be above the target for a "
                              "'<=' commitment (the amber band lies between target and amber)",
                              "amber")
    exclude = exclude_rules(entry, f"commitment {commitment_id}")
    if exclude and metric in custom:
        raise entry.error(f"custom metric {metric} cannot exclude leads: its SQL decides what "
                          "it counts", "exclude", value=False)
    if exclude and metric in CATALOGUE and CATALOGUE[metric].counted_leads is None:
        raise entry.error(f"metric {metric} counts no leads, so exclude has nothing to leave "
                          "out; exclude applies to metrics that count leads", "exclude",
                          value=False)
    return Commitment(id=commitment_id, team=team, description=description.strip(),
                      metric=metric, params=params, period_kind=period, comparison=comparison,
                      target=target, amber=amber, unit=unit, line=entry.line,
                      exclude=(*sla_exclude, *exclude))


def _number(entry: YamlDict, key: str, unit: str) -> float:
    value = entry[key]
    percent = _PERCENT.match(value) if isinstance(value, str) else None
    if percent:
        if unit != "share":
            raise entry.error(f"{key} {value!r} is a percentage, but the metric is a {unit}; "
                              "expected a plain number", key)
        value = float(percent[1].replace(",", ".")) / 100
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise entry.error(f"{key} must be a number (got {value!r})", key)
    if not math.isfinite(value) or abs(value) >= MAX_MAGNITUDE:
        raise entry.error(f"{key} must be a finite number with at most 15 digits before the "
                          "decimal point", key)
    if unit == "share" and not 0 <= value <= 1:
        raise entry.error(f"{key} {value!r} is a share: expected 0 to 1 (e.g. 0.95) or a "
                          "percentage such as \"95%\"", key)
    if value < 0:
        raise entry.error(f"{key} must not be negative (got {value!r})", key)
    return float(value)


def record_lead_definition(conn: Any, text: str | None, at: datetime | None = None) -> bool:
    """Version the lead definition: add a row to ``lead_definitions`` when its text changed.

    Returns True when a new version was recorded. Whitespace at the ends is
    ignored; an SLA without a definition records nothing.
    """
    conn = getattr(conn, "conn", conn)
    if not text or not text.strip():
        return False
    text = text.strip()
    row = conn.execute("SELECT text FROM lead_definitions ORDER BY id DESC LIMIT 1").fetchone()
    if row is not None and row[0] == text:
        return False
    with conn:
        conn.execute("INSERT INTO lead_definitions (text, first_seen_at) VALUES (?, ?)",
                     (text, utc_iso(at or now_utc())))
    return True


def lead_definition_history(conn: Any) -> list[tuple[str, str]]:
    """Every recorded lead definition as (first_seen_at, text), oldest first."""
    conn = getattr(conn, "conn", conn)
    return [tuple(r) for r in conn.execute(
        "SELECT first_seen_at, text FROM lead_definitions ORDER BY id")]
