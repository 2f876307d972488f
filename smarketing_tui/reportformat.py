"""Plain-text formatting of metric values, counts and trends (no UI library here).

The one place a metric value is put into words: the CLI tables, prep, the
meeting screen, issues raised from the scorecard and the minutes all call
:func:`format_value`, so a number reads the same everywhere.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable

from smarketing_tui.errors import UserError
from smarketing_tui.timeutil import format_datetime, format_money, format_number, format_percent

NO_DATA = "–"  # a missing value (JSON null) in human text; status labels still say "no data"
SPARK = "▁▂▃▄▅▆▇█"
STATUS_LABELS = {"green": "green", "amber": "amber", "red": "red", "no_data": "no data"}
STATUS_MARKS = {"green": "●", "amber": "◐", "red": "○", "no_data": "·"}

_HOUR_COUNTS = {"median", "p90", "routing_median", "routing_p90", "response_median",
                "response_p90"}
_MONEY_COUNTS = {"amount", "spend"}


def format_value(value: Any, unit: str | None, currency: str = "NOK") -> str:
    """A metric value for people, by one rule used on screen, in the CLI and in the minutes.

    * Norwegian format (:func:`~smarketing_tui.timeutil.format_number`): decimal comma,
      no-break space between thousands, rounded half away from zero on the number as
      written (12,25 h is ``12,3 h``).
    * ``share`` (0..1): a percentage with at most one decimal: ``94,5 %``, ``95 %``.
    * ``hours`` / ``days``: at most one decimal and the unit: ``12,3 h``, ``4 h``, ``2,5 d``.
    * ``count`` (and a missing or unknown unit): whole numbers as they are (``1 234``),
      others (averages such as touches per MQL) with at most one decimal: ``2,5``.
    * ``money``: whole units of the currency after the number: ``1 234 567 NOK``.
    * "At most one decimal": a decimal that rounds to zero is left out, so ``95 %`` and
      ``4 h``, never ``95,0 %`` or ``4,0 h``.
    * A missing value (``None``, JSON null) is ``–`` in every unit. Machine formats (JSON,
      CSV) keep null or an empty cell and never go through here.
    * A no-break space joins the number and its unit, and the thousands (``12,5\u00a0h``,
      ``1\u00a0234\u00a0NOK``): Markdown, HTML and word processors keep the value on one line
      and show a plain space. Rich and Textual wrap at it like at any space, so terminal text
      keeps values whole another way: table cells that do not wrap, or segments packed
      between separators (``tui.sections.common.pack``).
    """
    if value is None:
        return NO_DATA
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)  # not a number (a hand-edited snapshot): shown as it is
    if unit == "money":
        return format_money(value, currency)
    if unit == "share":
        return _without_zero_decimal(format_percent(value, 1))
    number = _without_zero_decimal(format_number(value, 1))
    if unit == "hours":
        return f"{number}\u00a0h"
    if unit == "days":
        return f"{number}\u00a0d"
    return number


_ZERO_DECIMAL = re.compile(r",0(?!\d)")


def _without_zero_decimal(text: str) -> str:
    """``94,0 %`` -> ``94 %``: a single decimal that rounded to zero is not shown."""
    return _ZERO_DECIMAL.sub("", text, count=1)


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


def sparkline(values: Iterable[Any]) -> str:
    """One block (``▁▂▃▄▅▆▇█``) per value, scaled between the smallest and the largest and
    rounded half up; a flat line sits in the middle (``▄``); ``·`` where there is no number.
    The one sparkline of the CLI, the meeting screen and the Markdown minutes."""
    values = list(values)
    numbers = [v for v in values if _is_number(v)]
    if not numbers:
        return "·" * len(values)
    low, high = min(numbers), max(numbers)
    top = len(SPARK) - 1
    chars = []
    for value in values:
        if not _is_number(value):
            chars.append("·")
        elif high == low:
            chars.append(SPARK[3])
        else:
            chars.append(SPARK[min(top, int((value - low) / (high - low) * top + 0.5))])
    return "".join(chars)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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
