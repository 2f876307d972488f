"""How a scorecard line is put into words for people: the comparison symbol, and
the issue raised from it (title, detail, evidence); values in their unit by
:func:`smarketing_tui.reportformat.format_value`.

Shared by the meeting screen, which raises issues from red lines, and the demo,
which raises one the same way; no UI code here.
"""

from __future__ import annotations

import calendar

from smarketing_tui.reportformat import counts_text, format_value
from smarketing_tui.timeutil import counted, format_date, format_number, to_local

COMPARISON = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def period_name(label: str) -> str:
    """A period label as the line says it: ``2026-W49`` → ``W49``, ``2026-12`` → ``December``;
    other labels as they are."""
    if "-W" in label:
        return label.split("-", 1)[1]
    year, _, month = label.partition("-")
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return calendar.month_name[int(month)]  # English, as the rest of the words
    return label


def judged_text(line: dict, card_as_of: str | None, tz: str) -> str:
    """The period a line is judged over, and how far: ``2026-W49``, ``2026-12 (running)``, or
    for a weekly meeting's month, seen only to the end of the reviewed week,
    ``2026-12 to 06.12.2026``."""
    judged = line.get("judged_period") or {}
    text = str(judged.get("label") or "?")
    if not judged.get("running"):
        return text
    seen = judged.get("as_of")
    if isinstance(seen, str) and isinstance(card_as_of, str) and seen < card_as_of:
        return f"{text} to {format_date(to_local(seen, tz))}"
    return f"{text} (running)"


def week_beside_month(line: dict, currency: str = "NOK") -> str | None:
    """A weekly meeting's monthly line in words: the reviewed week's own value, then the month
    to the end of that week, and the pace where the metric has one (a count or money):
    ``W49 68,6 % · December so far 71 %``, ``W49 56 · December so far 53, on pace for 265 of
    120``. None when the line has no week beside it (``week`` is null)."""
    week = line.get("week")
    if not isinstance(week, dict):
        return None
    unit = line.get("unit") or "count"
    judged = line.get("judged_period") or {}
    text = (f"{period_name(str(week.get('label') or ''))}"
            f"{' so far' if week.get('running') else ''} "
            f"{format_value(week.get('actual'), unit, currency)} · "
            f"{period_name(str(judged.get('label') or ''))}"
            f"{' so far' if judged.get('running') else ''} "
            f"{format_value(line.get('actual'), unit, currency)}")
    pace = line.get("pace")
    if isinstance(pace, dict) and pace.get("text"):
        text += f", {pace['text']}"
    return text


def progress_text(line: dict, currency: str = "NOK") -> str:
    """The week beside the month (:func:`week_beside_month`) when the line has one, else the
    pace of a running count (``on pace for 104 of 120``), else ``""``."""
    beside = week_beside_month(line, currency)
    if beside:
        return beside
    pace = line.get("pace")
    return str(pace["text"]) if isinstance(pace, dict) and pace.get("text") else ""


def excluded_text(excluded: dict | None) -> str:
    """The leads an SLA's exclude rules left out of a line, and why, largest first:
    ``4 excluded: duplicate 3, student 1``; ``""`` when none were."""
    if not isinstance(excluded, dict):
        return ""
    reasons = [(str(reason), count) for reason, count in excluded.items()
               if isinstance(count, (int, float)) and not isinstance(count, bool) and count]
    if not reasons:
        return ""
    reasons.sort(key=lambda item: -item[1])  # stable: equal counts keep their order
    total = sum(count for _, count in reasons)
    return (f"{format_number(total)} excluded: "
            + ", ".join(f"{reason} {format_number(count)}" for reason, count in reasons))


def excluded_shown(result) -> str:
    """How many excluded leads a drill-down (a ``DrillResult``) lists: ``3 leads``, or
    ``200 of 412 leads`` when the list stops at its limit."""
    if result.excluded_total > len(result.excluded):
        return f"{format_number(len(result.excluded))} of {counted(result.excluded_total, 'lead')}"
    return counted(result.excluded_total, "lead")


def issue_from_line(line: dict, period_label: str, currency: str = "NOK") -> tuple[str, str, dict]:
    """Title, detail and evidence of an issue raised from a scorecard line."""
    unit = line.get("unit", "count")
    actual = format_value(line.get("actual"), unit, currency)
    target = f"{COMPARISON.get(line['comparison'], line['comparison'])} " \
             f"{format_value(line.get('target'), unit, currency)}"
    judged = (line.get("judged_period") or {}).get("label", period_label)
    title = f"{line['description']}: {actual} against {target} ({judged})"
    counts = counts_text(line.get("metric") or "", line.get("counts") or {}, currency,
                         every=True, separator=", ")
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
    week = line.get("week")
    if isinstance(week, dict) and week.get("label"):
        evidence["week"] = {week["label"]: week.get("actual")}  # the week beside the month
    if excluded_text(line.get("excluded")):
        evidence["excluded"] = dict(line["excluded"])
    return title, detail, evidence


def evidence_lines(evidence: dict | None, currency: str = "NOK") -> list[str]:
    """The numbers attached to an issue, one ``key: value`` line each, values in their unit
    as the scorecard showed them (``target: ≥ 100 %``, ``trend: 2026-10 54,5 %, ...``)."""
    if not evidence:
        return []
    unit = evidence.get("unit") if isinstance(evidence.get("unit"), str) else "count"
    metric = str(evidence.get("metric") or "")
    lines = []
    for key, value in evidence.items():
        if key in ("unit", "comparison"):
            continue  # the unit is in the values; the comparison joins the target
        if key in ("actual", "target", "amber") and not isinstance(value, (dict, list)):
            shown = format_value(value, unit, currency)
            comparison = evidence.get("comparison")
            if key == "target" and comparison:
                shown = f"{COMPARISON.get(comparison, comparison)} {shown}"
        elif key == "counts" and isinstance(value, dict):
            shown = counts_text(metric, value, currency)
        elif key in ("trend", "week") and isinstance(value, dict):
            recent = list(value.items())[-8:]
            shown = ", ".join(f"{period} {format_value(v, unit, currency)}"
                              for period, v in recent)
        elif key == "excluded" and isinstance(value, dict):
            lines.append(excluded_text(value))  # "4 excluded: duplicate 3, student 1"
            continue
        elif isinstance(value, dict):
            shown = ", ".join(f"{k} {v}" for k, v in value.items()
                              if not isinstance(v, (dict, list)))
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value[:8] if not isinstance(v, (dict, list)))
            shown += " …" if len(value) > 8 else ""
        else:
            shown = str(value)
        lines.append(f"{key}: {shown}")
    return lines
