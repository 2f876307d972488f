"""Plain-text formatting of metric values, counts and trends (no UI library here).

Shared by the CLI renderers, and usable by the meeting screen and minutes, so
a number reads the same everywhere: Norwegian number formats, ``no data``
for a missing value, sparklines from trend points.
"""

from __future__ import annotations

from typing import Any, Iterable

from smarketing_tui.timeutil import format_datetime, format_money, format_number, format_percent

NO_DATA = "no data"
SPARK = "▁▂▃▄▅▆▇█"
STATUS_LABELS = {"green": "green", "amber": "amber", "red": "red", "no_data": "no data"}
STATUS_MARKS = {"green": "●", "amber": "◐", "red": "○", "no_data": "·"}

# The counts worth showing next to each metric, in order (others stay in JSON).
DISPLAY_COUNTS = {
    "mqls": (),
    "acceptance_rate": ("accepted", "rejected", "undecided"),
    "first_contact_within": ("met", "missed", "pending"),
    "hours_to_first_contact": ("p90", "contacted", "uncontacted", "routing_median",
                               "response_median"),
    "rejection_reasons": ("mqls",),
    "touches_per_mql": ("touches", "mqls", "untouched"),
    "min_touches_met": ("met", "short", "closed"),
    "won": ("amount",),
    "won_amount": ("won", "without_amount"),
    "pipeline_amount": ("open", "without_amount"),
    "mql_to_won_rate": ("won", "mqls"),
    "median_days_mql_to_won": ("p90", "won"),
    "spend": ("campaigns", "undated_campaigns"),
    "cost_per_mql": ("spend", "mqls"),
    "cost_per_won": ("spend", "won"),
}
_HOUR_COUNTS = {"median", "p90", "routing_median", "routing_p90", "response_median",
                "response_p90"}
_MONEY_COUNTS = {"amount", "spend"}


def format_value(value: float | None, unit: str, currency: str = "NOK") -> str:
    """A metric value for people: ``42 %``, ``3,5 h``, ``12 500 NOK``, ``no data``."""
    if value is None:
        return NO_DATA
    if unit == "share":
        return format_percent(value, 0 if float(round(value * 100, 6)).is_integer() else 1)
    if unit == "hours":
        return f"{format_number(value, 1)} h"
    if unit == "days":
        return f"{format_number(value, 1)} d"
    if unit == "money":
        return format_money(value, currency)
    if float(value).is_integer():
        return format_number(value)
    return format_number(value, 2)


def format_count(key: str, value: Any, metric: str = "", currency: str = "NOK") -> str:
    if value is None:
        return NO_DATA
    if key in _HOUR_COUNTS:
        unit = "days" if metric == "median_days_mql_to_won" else "hours"
        return format_value(value, unit)
    if key in _MONEY_COUNTS:
        return format_money(value, currency)
    if key == "share":
        return format_percent(value)
    return format_value(value, "count")


def counts_text(metric: str, counts: dict, currency: str = "NOK") -> str:
    """The counts behind a value as one short line: ``met 40 · missed 3 · pending 2``."""
    keys = DISPLAY_COUNTS.get(metric, tuple(counts))
    parts = [f"{key.replace('_', ' ')} {format_count(key, counts[key], metric, currency)}"
             for key in keys if key in counts]
    return " · ".join(parts)


def sparkline(values: Iterable[float | None]) -> str:
    """One character per value scaled between the smallest and largest; ``·`` for no data."""
    values = list(values)
    known = [v for v in values if v is not None]
    if not known:
        return "·" * len(values)
    low, high = min(known), max(known)
    chars = []
    for value in values:
        if value is None:
            chars.append("·")
        elif high == low:
            chars.append(SPARK[len(SPARK) // 2])
        else:
            chars.append(SPARK[round((value - low) / (high - low) * (len(SPARK) - 1))])
    return "".join(chars)


def format_cell(key: str, value: Any, tz: str, currency: str = "NOK") -> str:
    """A drill-down cell: timestamps in local time, hours with one decimal."""
    if value is None:
        return ""
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z") and value[10] == "T":
        return format_datetime(value, tz)
    if key in ("hours", "hours_late"):
        return format_number(value, 1)
    if key in ("amount", "spend", "total_spend"):
        return format_money(value, currency)
    if key == "days":
        return format_number(value, 1)
    if isinstance(value, float):
        return format_number(value, 2)
    return str(value)


def markdown_escape(text: Any) -> str:
    """Escape text for a Markdown table cell."""
    out = str(text)
    for char in "\\`*_[]<>|#":
        out = out.replace(char, "\\" + char)
    return out.replace("\n", " ")
