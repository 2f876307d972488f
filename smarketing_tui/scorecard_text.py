"""How a scorecard line is put into words for people: its values in their unit,
the comparison symbol, and the issue raised from it (title, detail, evidence).

Shared by the meeting screen, which raises issues from red lines, and the demo,
which raises one the same way; no UI code here.
"""

from __future__ import annotations

from smarketing_tui.timeutil import format_money, format_number, format_percent

COMPARISON = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def format_value(value: float | None, unit: str, currency: str = "NOK") -> str:
    """A scorecard number in its unit, Norwegian style: ``94 %``, ``12,5 t``, ``1 200 NOK``."""
    if value is None:
        return "–"
    if unit == "share":
        return format_percent(value, 0 if abs(value * 100 - round(value * 100)) < 0.05 else 1)
    if unit == "hours":
        return f"{format_number(value, 1)}\u00a0h"
    if unit == "days":
        return f"{format_number(value, 1)}\u00a0d"
    if unit == "money":
        return format_money(value, currency)
    return format_number(value, 0 if float(value).is_integer() else 1)


def issue_from_line(line: dict, period_label: str, currency: str = "NOK") -> tuple[str, str, dict]:
    """Title, detail and evidence of an issue raised from a scorecard line."""
    unit = line.get("unit", "count")
    actual = format_value(line.get("actual"), unit, currency)
    target = f"{COMPARISON.get(line['comparison'], line['comparison'])} " \
             f"{format_value(line.get('target'), unit, currency)}"
    judged = (line.get("judged_period") or {}).get("label", period_label)
    title = f"{line['description']}: {actual} against {target} ({judged})"
    counts = ", ".join(f"{k} {v}" for k, v in (line.get("counts") or {}).items())
    streak = int(line.get("red_streak") or 0)
    detail = f"SLA line {line['id']} is {line['status']}" + (
        f" ({streak} periods red in a row)" if streak > 1 else "") + (
        f". Counts: {counts}." if counts else ".")
    evidence = {
        "commitment": line["id"], "team": line.get("team"), "metric": line.get("metric"),
        "params": line.get("params"), "period": judged, "comparison": line["comparison"],
        "target": line.get("target"), "amber": line.get("amber"), "unit": unit,
        "actual": line.get("actual"), "status": line["status"], "counts": line.get("counts"),
        "red_streak": streak,
        "trend": {p["label"]: p["actual"] for p in line.get("trend") or []},
    }
    return title, detail, evidence
