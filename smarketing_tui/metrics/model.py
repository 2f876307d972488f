"""What a metric is: one :class:`Metric` object holding everything about it, and the results.

A metric's name, unit, meaning, parameters, breakdowns, computation,
drill-down (query and title), the count its breakdown rows sort by, the counts
shown beside its value and the leads it counts (for the SLA's exclusions) live
in one object, registered once in :data:`CATALOGUE` by the module that defines
it (``leads.py``, ``deals.py``, ``spend.py``). A missing piece fails at import.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from smarketing_tui.customsql import DEFAULT_TIME_LIMIT
from smarketing_tui.errors import UserError
from smarketing_tui.periods import Period
from smarketing_tui.yamlfile import suggest

UNITS = ("count", "share", "hours", "days", "money")
DIMENSIONS = ("source", "campaign", "owner", "team")
#: Breakdowns by a lead's engagements (metrics/attribution.py has the attribution rule).
TOUCH_DIMENSIONS = ("first_asset", "last_asset", "first_keyword", "last_keyword",
                    "first_platform", "last_platform", "first_campaign", "last_campaign")
FIRST_CONTACT_RULES = ("attempt", "connected")
CLOCKS = ("business", "calendar")
NON_TOUCH_TYPES = ("note", "stage")
CUSTOM_PARAMETERS = ("start", "end", "as_of")
#: What must be known for a count to be a real zero rather than no data.
DATA_CHECKS = ("leads", "deals")
#: The lead fields an SLA's ``exclude`` rules may test.
EXCLUDE_FIELDS = ("rejected_reason", "lost_reason", "source", "campaign", "stage", "owner",
                  "company", "email", "name", "external_id", "currency")


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
        document = {"metric": self.metric, "params": dict(self.params), "unit": self.unit,
                    "value": _round(self.value), "counts": _round_counts(self.counts),
                    "by": self.by, "groups": [g.to_json() for g in self.groups]}
        if self.excluded:  # only when exclude rules left leads out
            document["excluded"] = dict(self.excluded)
        return document


@dataclass
class DrillResult:
    """Rows behind a metric: ``columns`` (key, heading), ``rows`` as dicts, ``total`` rows.

    ``excluded`` lists the leads the SLA's ``exclude`` rules left out of the metric (each
    with its reason under ``excluded``), ``excluded_total`` how many there are in all."""

    title: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    total: int
    excluded_columns: list[tuple[str, str]] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    excluded_total: int = 0
    measure: str | None = None  # the column the rows are sorted by first (how late, how many)

    def to_json(self) -> dict:
        document = {"title": self.title, "columns": [key for key, _ in self.columns],
                    "total": self.total, "rows": self.rows}
        if self.excluded_columns:  # only when exclude rules were in force
            document.update(excluded_columns=[key for key, _ in self.excluded_columns],
                            excluded_total=self.excluded_total, excluded=self.excluded)
        return document


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    return value


def _round_counts(counts: dict) -> dict:
    return {key: _round(value) for key, value in counts.items()}


# ---------------------------------------------------------------------------
# Exclusions


def fold(value: Any) -> str | None:
    """A value as exclusions compare it: case-folded, runs of whitespace as one space."""
    if value is None:
        return None
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class ExcludeRule:
    """Leads whose ``field`` is one of ``values`` (compared by :func:`fold`) are left out."""

    field: str
    values: tuple[str, ...]
    where: str = ""           # file:line:col of the rule, for messages

    def __post_init__(self) -> None:
        if self.field not in EXCLUDE_FIELDS:
            raise ValueError(f"exclude: unknown lead field {self.field!r}"
                             f"{suggest(self.field, EXCLUDE_FIELDS)}; expected one of: "
                             + ", ".join(EXCLUDE_FIELDS))


# ---------------------------------------------------------------------------
# The metric object


@dataclass(frozen=True)
class Param:
    name: str
    kind: str                 # number | integer | choice
    default: Any
    choices: tuple[str, ...] = ()
    help: str = ""


#: compute(engine, window, params, by) -> {group key: (value, counts)}; key None is the total.
Compute = Callable[..., dict]
#: drill(engine, params, window) -> (sql, columns, order by)
DrillQuery = Callable[..., tuple[str, list[tuple[str, str]], str]]


@dataclass(frozen=True)
class Metric:
    """Everything about one metric. Every field up to `shown_counts` must be given."""

    name: str
    unit: str
    meaning: str                      # the exact meaning, as the README states it
    compute: Compute
    drill: DrillQuery
    drill_title: str                  # may name params: "... within {hours} {clock} hours"
    sort_key: str                     # the count breakdown rows sort by, largest first
    shown_counts: tuple[str, ...]     # the counts shown beside the value, in order
    params: tuple[Param, ...] = ()
    additive: bool = False            # a count that grows through the period (has a pace)
    dimensions: tuple[str, ...] = DIMENSIONS
    #: None, or what the store must know of before the period's cut for a value to be
    #: a real number ("leads", "deals"); without it the value is no data, not zero.
    data_check: str | None = None
    #: SQL (``{leads} l``, the params) selecting the ids of the leads the metric counts,
    #: or a function (engine) -> that SQL or None; None: it counts no leads (no exclusions).
    counted_leads: str | Callable[..., str | None] | None = None
    default_by: str | None = None     # the breakdown used when none is asked for

    def __post_init__(self) -> None:
        problems = []
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            problems.append("name must be lower_snake_case")
        if self.unit not in UNITS:
            problems.append(f"unit {self.unit!r} is not one of {UNITS}")
        if len(self.meaning.strip()) < 20:
            problems.append("meaning must say what the number is")
        if not callable(self.compute) or not callable(self.drill):
            problems.append("compute and drill must be functions")
        fields = {f[1] for f in string.Formatter().parse(self.drill_title) if f[1]}
        if not self.drill_title.strip() or not fields <= {p.name for p in self.params}:
            problems.append("drill_title must be text naming only the metric's params")
        if not self.sort_key:
            problems.append("sort_key must name a count")
        if self.data_check not in (None, *DATA_CHECKS):
            problems.append(f"data_check must be None or one of {DATA_CHECKS}")
        if self.default_by is not None and self.default_by not in self.dimensions:
            problems.append("default_by must be one of its dimensions")
        if problems:
            raise TypeError(f"metric {self.name}: " + "; ".join(problems))


#: Every catalogue metric by name, in the order the README lists them.
CATALOGUE: dict[str, Metric] = {}


def register(*metrics: Metric) -> None:
    """Add metrics to the catalogue; a name used twice is an error."""
    for metric in metrics:
        if metric.name in CATALOGUE:
            raise TypeError(f"metric {metric.name} is registered twice")
        CATALOGUE[metric.name] = metric


MetricDef = Metric  # the older name


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
