"""Minutes as one self-contained, printable HTML page, from ``templates/minutes.html.j2``.

The template holds the whole look (markup and CSS); this module gives it the values and
the text helpers. Jinja's autoescape escapes every value, after :func:`clean` strips
control characters from it, so no piece of data can become markup. Inline SVG draws the
sparklines and time bars (their geometry is worked out here); there are no scripts and
no external assets, and a strict Content-Security-Policy allows only the page's own
stylesheet (by hash) and forbids every fetch.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from smarketing_tui import records
from smarketing_tui.minutes import (Minutes, SectionMinutes, actual_text, carried_text, clock_text,
                                    commitment_text, completion_text, context_pairs, due_text,
                                    format_duration, format_target, freshness_text,
                                    listed_above_text, outcome_text, period_text, rating_text,
                                    seating_text, status_label, streak_text, STREAK_HEADING)
from smarketing_tui.minutes_render import clean
from smarketing_tui.reportformat import format_value
from smarketing_tui.timeutil import counted, format_date, format_datetime

TEMPLATE = "minutes.html.j2"
COLORS = {"green": "#1a7f37", "amber": "#b35900", "red": "#c62828", "no_data": "#8a8a8a"}


def render_html(minutes: Minutes) -> str:
    """The whole minutes document as one HTML page."""
    return _environment().get_template(TEMPLATE).render(page_context(minutes)) + "\n"


@lru_cache(maxsize=1)
def _environment():
    import jinja2
    from markupsafe import Markup

    def finalize(value: Any) -> Any:
        """Every ``{{ value }}`` passes here before it is escaped."""
        if value is None:
            return ""
        if isinstance(value, Markup):  # the template's own text (the stylesheet)
            return value
        return clean(value) if isinstance(value, str) else value

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("smarketing_tui.minutes_render", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, finalize=finalize,
        trim_blocks=True, lstrip_blocks=True)
    environment.tests["amended"] = is_amended
    return environment


def is_amended(record: Any) -> bool:
    """A record marked as changed since it was first recorded (its ``amended``, for a record
    or a note's dict); records without the mark are not amended."""
    if isinstance(record, Mapping):
        return bool(record.get("amended"))
    return bool(getattr(record, "amended", False))


def csp_for(css: str) -> str:
    """The page's Content-Security-Policy: its own stylesheet only, nothing fetched (our own
    text, base64 and quotes, so it is marked safe rather than escaped)."""
    from markupsafe import Markup

    digest = base64.b64encode(hashlib.sha256(str(css).encode("utf-8")).digest()).decode("ascii")
    return Markup(f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def page_context(minutes: Minutes) -> dict[str, Any]:
    """What the template sees: the minutes as ``m``, and the text helpers by name."""
    currency = minutes.currency

    def decision_context(decision: records.Decision) -> list[tuple[str, str]]:
        return context_pairs(decision.context, currency=currency) if decision.context else []

    def sparkline_points(points: list, unit: str | None) -> dict:
        return sparkline_geometry(points, unit, currency)

    return {
        "m": minutes, "colors": COLORS, "csp_for": csp_for,
        "actual_text": actual_text, "carried_text": carried_text, "clock_text": clock_text,
        "commitment_text": commitment_text, "completion_text": completion_text,
        "counted": counted, "due_text": due_text, "format_date": format_date,
        "format_datetime": format_datetime, "format_duration": format_duration,
        "format_target": format_target, "listed_above_text": listed_above_text,
        "outcome_text": outcome_text, "period_text": period_text, "rating_text": rating_text,
        "status_label": status_label, "seating_text": seating_text,
        "streak_text": streak_text, "streak_heading": STREAK_HEADING,
        "decision_context": decision_context,
        "sparkline_points": sparkline_points, "time_bar_geometry": time_bar_geometry,
        "scorecard_bits": scorecard_bits, "lead_definition": lead_definition,
    }


def scorecard_bits(card: dict) -> list[str]:
    """``Period 2026-W47`` and ``data: HubSpot export, 2 days old``, when known."""
    bits = []
    period = card.get("period") or {}
    if isinstance(period, dict) and period.get("label"):
        bits.append(f"Period {period['label']}")
    fresh = freshness_text(card)
    if fresh:
        bits.append(f"data: {fresh}")
    return bits


def lead_definition(card: dict) -> str | None:
    definition = card.get("lead_definition")
    if isinstance(definition, dict):
        definition = definition.get("text")
    return str(definition) if definition else None


def time_bar_geometry(section: SectionMinutes, sections: list[SectionMinutes],
                      width: int = 160) -> dict:
    """A bar of the time used (red beyond the timebox) with a tick at the timebox, on one
    scale for every section of the table."""
    scale = max([1.0] + [max(s.used_seconds, s.timebox_seconds) for s in sections])
    used, timebox = section.used_seconds, section.timebox_seconds
    return {"width": width,
            "fit": f"{width * min(used, timebox) / scale:.1f}",
            "over": f"{width * max(0.0, used - timebox) / scale:.1f}",
            "tick": f"{width * timebox / scale:.1f}",
            "label": f"{format_duration(used)} used of {format_duration(timebox)}"}


def sparkline_geometry(points: list, unit: str | None = "count", currency: str = "NOK",
                       width: int = 96, height: int = 22) -> dict:
    """A trend's sparkline: each point coloured by its status, its value (in ``unit``) in
    its tooltip and in the label a screen reader reads. No numbers: no dots."""
    values = [p.get("actual") if isinstance(p, dict) else None for p in points]
    numbers = [v for v in values if _is_number(v)]
    result: dict[str, Any] = {"width": width, "height": height, "dots": [], "polyline": "",
                              "label": ""}
    if not numbers:
        return result
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0
    step = (width - 8) / max(1, len(values) - 1)
    coords = []
    for index, (point, value) in enumerate(zip(points, values)):
        if not _is_number(value):
            continue
        x = 4 + index * step
        y = height - 4 - ((value - low) / span * (height - 8) if high != low else (height - 8) / 2)
        coords.append(f"{x:.1f},{y:.1f}")
        status = point.get("status")
        result["dots"].append({
            "x": f"{x:.1f}", "y": f"{y:.1f}", "color": COLORS.get(str(status), COLORS["no_data"]),
            "title": (f"{point.get('label', '')}: {format_value(value, unit, currency)} "
                      f"({status_label(status)})")})
    result["polyline"] = " ".join(coords)
    result["label"] = "Trend: " + ", ".join(
        f"{p.get('label', '')} {format_value(v, unit, currency)}"
        for p, v in zip(points, values) if isinstance(p, dict))
    return result


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
