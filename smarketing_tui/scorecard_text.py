"""How a scorecard line is put into words for people: the comparison symbol, and
the issue raised from it (title, detail, evidence); values in their unit by
:func:`smarketing_tui.reportformat.format_value`.

Shared by the meeting screen, which raises issues from red lines, and the demo,
which raises one the same way; no UI code here.
"""

from __future__ import annotations

from smarketing_tui.reportformat import counts_text
from smarketing_tui.timeutil import to_local
from smarketing_tui.vocabulary import (COMPARISON, _, count_of, format_date,  # noqa: F401
                                       format_number, format_value, month_name, params_text,
                                       period_value, status_text, streak_text, target_text)


def period_name(label: str) -> str:
    """A period label as the line says it: ``2026-W49`` → ``W49``, ``2026-12`` → ``December``;
    other labels as they are."""
    if "-W" in label:
        return label.split("-", 1)[1]
    year, _, month = label.partition("-")
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return month_name(int(month))
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
    text = " · ".join(
        period_value(period_name(str(period.get("label") or "")), bool(period.get("running")),
                     format_value(actual, unit, currency))
        for period, actual in ((week, week.get("actual")), (judged, line.get("actual"))))
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
    return count_of(len(result.excluded), result.excluded_total, "lead")


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
    detail = issue_detail(line["id"], line["status"], streak, counts)
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


def issue_detail(commitment: str, status: str, streak: int, counts: str) -> str:
    """The detail of an issue raised from a line: ``SLA line contact-24h is ○ off track
    (off track 3 periods in a row). Counts: met 40, missed 3.``"""
    text = _("SLA line {line} is {status}").format(line=commitment, status=status_text(status))
    if streak > 1:
        text += f" ({streak_text(streak)})"
    return text + (_(". Counts: {counts}.").format(counts=counts) if counts else ".")


#: The keys of an issue's evidence in the order they are told; others follow by name.
EVIDENCE_ORDER = ("status", "period", "actual", "comparison", "target", "amber", "red_streak",
                  "week", "counts", "excluded", "trend", "commitment", "metric", "params",
                  "team", "unit", "description", "section")


def evidence_lines(evidence: dict | None, currency: str = "NOK") -> list[str]:
    """The numbers attached to an issue as sentences, in a fixed order, each number in its
    unit as the scorecard showed it:

    * ``2026-W49: ○ off track, 54,5 % against a target of ≥ 80 % (at risk from 70 %),
      off track 3 periods in a row``
    * ``Week 2026-W49: 68,6 %`` (a monthly line beside the reviewed week)
    * ``Counts: met 40 · missed 3 · pending 2``
    * ``4 excluded: duplicate 3, student 1``
    * ``Trend: 2026-10 54,5 %, 2026-11 60 %`` (the last eight periods)
    * ``Measured: contact within, within 24 business hours, team sales; SLA line contact-24h``
    * anything else, ``name: value``, by name.
    """
    if not isinstance(evidence, dict) or not evidence:
        return []
    unit = evidence.get("unit") if isinstance(evidence.get("unit"), str) else "count"
    metric = str(evidence.get("metric") or "")
    lines: list[str] = []

    def value(key: str) -> str:
        return format_value(evidence.get(key), unit, currency)

    if any(key in evidence for key in ("status", "actual", "target")):
        verdict = []
        if evidence.get("status"):
            verdict.append(status_text(str(evidence["status"])))
        if "actual" in evidence or "target" in evidence:
            verdict.append(_("{actual} against a target of {target}").format(
                actual=value("actual"),
                target=target_text(evidence.get("comparison"), evidence.get("target"), unit,
                                   currency)))
        text = ", ".join(verdict)
        if evidence.get("amber") is not None:
            text += " " + _("(at risk from {amber})").format(amber=value("amber"))
        streak = evidence.get("red_streak")
        if isinstance(streak, int) and not isinstance(streak, bool) and streak > 1:
            text += ", " + streak_text(streak)
        period = evidence.get("period")
        lines.append(f"{period or _('Status')}: {text}")
    week = evidence.get("week")
    if isinstance(week, dict):
        for label, actual in week.items():
            lines.append(_("Week {label}: {value}").format(
                label=label, value=format_value(actual, unit, currency)))
    counts = evidence.get("counts")
    if isinstance(counts, dict) and counts:
        lines.append(_("Counts: {counts}").format(counts=counts_text(metric, counts, currency)))
    excluded = excluded_text(evidence.get("excluded"))
    if excluded:
        lines.append(excluded)  # "4 excluded: duplicate 3, student 1"
    trend = evidence.get("trend")
    if isinstance(trend, dict) and trend:
        recent = list(trend.items())[-8:]
        lines.append(_("Trend: {periods}").format(periods=", ".join(
            f"{period} {format_value(v, unit, currency)}" for period, v in recent)))
    measured = [part for part in (
        metric.replace("_", " "),
        params_text(evidence.get("params")) if isinstance(evidence.get("params"), dict) else "",
        _("team {team}").format(team=evidence["team"]) if evidence.get("team") else "")
        if part]
    if measured or evidence.get("commitment"):
        text = _("Measured: {how}").format(how=", ".join(measured)) if measured else ""
        if evidence.get("commitment"):
            line = _("SLA line {line}").format(line=evidence["commitment"])
            text = f"{text}; {line}" if text else line
        lines.append(text)
    for key in sorted(k for k in evidence if k not in EVIDENCE_ORDER):
        lines.append(f"{str(key).replace('_', ' ')}: {plain_value(evidence[key])}")
    return lines


def plain_value(value) -> str:
    """A value of unknown meaning, short: numbers by the count rule, a mapping as
    ``name value`` pairs, a list of its first eight items."""
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')} {plain_value(v)}"
                         for k, v in value.items() if not isinstance(v, (dict, list)))
    if isinstance(value, list):
        shown = ", ".join(plain_value(v) for v in value[:8] if not isinstance(v, (dict, list)))
        return shown + (" …" if len(value) > 8 else "")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float)):
        return format_value(value, "count")
    return str(value)
