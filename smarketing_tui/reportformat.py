"""The counts behind a metric value, drill-down cells and strict JSON (no UI library here).

A metric value itself is put into words by :func:`smarketing_tui.vocabulary.format_value`
(re-exported here), like every other word and format people read.
"""

from __future__ import annotations

import math
from typing import Any

from smarketing_tui.errors import UserError
from smarketing_tui.timeutil import format_datetime
# The words and formats live in vocabulary; re-exported for the callers that import them here.
from smarketing_tui.vocabulary import (NO_DATA, SPARK, STATUS_SYMBOLS,  # noqa: F401
                                       format_money, format_number, format_value,
                                       late_hours_cell, markdown_escape, sparkline)

_HOUR_COUNTS = {"median", "p90", "routing_median", "routing_p90", "response_median",
                "response_p90"}
_MONEY_COUNTS = {"amount", "spend"}


def format_count(key: str, value: Any, metric: str = "", currency: str = "NOK") -> str:
    """One count behind a metric, by the :func:`format_value` rule in the count's own unit:
    medians and p90 in hours (days for a metric in days), amounts and spend in
    money, ``share`` as a percentage, everything else a count."""
    return format_value(value, count_unit(key, metric), currency)


def count_unit(key: str, metric: str = "") -> str:
    """The unit of the count ``key`` behind ``metric``."""
    if key in _HOUR_COUNTS:
        from smarketing_tui.metrics import CATALOGUE

        return "days" if metric in CATALOGUE and CATALOGUE[metric].unit == "days" else "hours"
    if key in _MONEY_COUNTS:
        return "money"
    if key == "share":
        return "share"
    return "count"


def count_parts(metric: str, counts: dict, currency: str = "NOK", *,
                every: bool = False) -> list[str]:
    """The counts behind a value, each as ``label value``: ``["met 40", "p90 12,3 h"]``.

    Only the counts worth showing for the metric (its ``Metric.shown_counts``) unless
    ``every``; a custom metric shows all its counts."""
    from smarketing_tui.metrics import CATALOGUE

    shown = CATALOGUE[metric].shown_counts if metric in CATALOGUE else None
    keys = tuple(counts) if every or shown is None else shown
    return [f"{key.replace('_', ' ')} {format_count(key, counts[key], metric, currency)}"
            for key in keys if key in counts]


def counts_text(metric: str, counts: dict, currency: str = "NOK", *, every: bool = False,
                separator: str = " · ") -> str:
    """The counts behind a value as one short line: ``met 40 · missed 3 · pending 2``."""
    return separator.join(count_parts(metric, counts, currency, every=every))


def format_cell(key: str, value: Any, tz: str, currency: str = "NOK") -> str:
    """A drill-down cell, the same in the CLI and on the screen: timestamps in local time,
    amounts in money, numbers by the :func:`format_value` rule (at most one decimal, none
    when it rounds to zero); hours late that round to zero read ``< 0,1``, never ``0``."""
    if value is None:
        return ""
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z") and value[10] == "T":
        return format_datetime(value, tz)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if key == "hours_late":
        return late_hours_cell(value)
    if key in ("amount", "spend", "total_spend"):
        return format_money(value, currency)
    return format_value(value, "count")


def json_text(value: Any, *, indent: int | None = None, sort_keys: bool = False) -> str:
    """``value`` as strict JSON (UTF-8 text as it is): never ``Infinity`` or ``NaN``, which
    are not JSON; such a number is a :class:`UserError` naming where it is."""
    import json

    try:
        return json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys,
                          allow_nan=False)
    except ValueError:
        where = _non_finite_path(value, "")
        raise UserError(f"cannot write JSON: {where or 'a value'} is not a finite number "
                        "(infinity or NaN in the store?); JSON has no such number") from None


def _non_finite_path(value: Any, path: str) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return path or "the value"
    if isinstance(value, dict):
        for key, item in value.items():
            found = _non_finite_path(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _non_finite_path(item, f"{path}[{index}]")
            if found:
                return found
    return None
