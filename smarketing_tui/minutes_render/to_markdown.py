"""Minutes as Markdown that renders cleanly on GitHub and GitLab.

Every piece of data goes through :func:`md_escape`: Markdown and HTML specials
are backslash-escaped (CommonMark), so a decision reading ``<script>`` or
``*bold* | pipe`` shows exactly as typed, and table cells cannot be split.
"""

from __future__ import annotations

import re
from smarketing_tui import records
from smarketing_tui.minutes import (Minutes, SectionMinutes, actual_text, carried_text, clock_text,
                                    commitment_text, completion_text, context_pairs, due_text,
                                    format_duration, format_target, freshness_text, outcome_text,
                                    period_text, rating_text, revision_text, status_label)
from smarketing_tui.minutes_render import clean
from smarketing_tui.reportformat import sparkline
from smarketing_tui.timeutil import counted, format_date, format_datetime

# Inline specials everywhere (incl. GitHub's $ math and ~ strikethrough); HTML's < > & too.
_INLINE = re.compile(r"([\\`*_{}\[\]<>&|#~$])")
# Block markers that would matter at the start of a list item or cell.
_LEADING = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")


def md_escape(text: object) -> str:
    """One line of data, safe inside Markdown text and table cells."""
    flat = " ".join(clean(text).split())
    return _INLINE.sub(r"\\\1", flat)


def md_item(text: object) -> str:
    """Data that starts a list item: also escape a leading ``-``, ``+`` or ``1.`` so the
    text cannot open a nested list."""
    return _LEADING.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2).isdigit()
                                                 else "\\" + m.group(2)), md_escape(text), count=1)


def md_lines(text: object) -> list[str]:
    """Multi-line data (notes), each line escaped; empty lines dropped."""
    return [md_item(line) for line in clean(text).split("\n") if line.strip()]


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    """A GFM table; cells must already be escaped. ``align``: one of l/r per column."""
    marks = [("---:" if a == "r" else "---") for a in (align or "l" * len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines + [""]


def render_markdown(minutes: Minutes) -> str:
    """The whole minutes document as Markdown text."""
    out: list[str] = []
    out += [f"# {md_escape(minutes.title)} — {format_date(minutes.date)}", ""]
    if not minutes.finished:
        upto = format_datetime(minutes.generated_at, minutes.timezone)
        out += [f"> **Unfinished meeting:** this meeting is still {minutes.status}; these minutes "
                f"show what was recorded up to {upto}.", ""]
    out += _header(minutes)
    out += _sections_overview(minutes)
    out += _scorecard(minutes)
    for section in minutes.sections:
        out += _section(minutes, section)
    out += _issues(minutes)
    out += _open_actions(minutes)
    out += [f"*{md_escape(minutes.company)} · meeting #{minutes.meeting_id} · exported "
            f"{format_datetime(minutes.generated_at, minutes.timezone)} by smarketing-tui*", ""]
    return "\n".join(out)


def _header(minutes: Minutes) -> list[str]:
    present = ", ".join(f"{md_escape(a.name)} ({a.team})" for a in minutes.present) or "–"
    absent = ", ".join(md_escape(a.name) for a in minutes.absent) or "–"
    planned = minutes.planned_minutes * 60
    ratings = [a.rating for a in minutes.present if a.rating is not None]
    rows = [
        ["Period reviewed", md_escape(period_text(minutes))],
        ["Started", clock_text(minutes, minutes.started_at)],
        ["Ended", clock_text(minutes, minutes.ended_at) if minutes.ended_at else "not ended"],
        ["Time used",
         f"{format_duration(minutes.used_seconds)} of {format_duration(planned)} planned"],
        ["Attendees", present],
        ["Absent", absent],
        ["Average rating", rating_text(minutes.average_rating)
         + (f" ({counted(len(ratings), 'rating')})" if ratings else "")],
        ["Action items done on time", md_escape(completion_text(minutes.completion))],
    ]
    if minutes.facilitator:
        rows.insert(1, ["Facilitator", md_escape(minutes.facilitator)])
    return _table(["Meeting", md_escape(f"#{minutes.meeting_id} · {minutes.agenda}")], rows)


def _sections_overview(minutes: Minutes) -> list[str]:
    rows = []
    for s in minutes.sections:
        if s.position is None:
            continue
        over = f"+{format_duration(s.over_seconds)} over" if s.over_seconds >= 1 else ""
        rows.append([str(s.position + 1), md_escape(s.title), format_duration(s.used_seconds),
                     format_duration(s.timebox_seconds), over])
    if not rows:
        return []
    return ["## Time per section", ""] + _table(["#", "Section", "Used", "Timebox", "Overrun"],
                                                  rows, "rlrrl")


def _scorecard(minutes: Minutes) -> list[str]:
    out = ["## Scorecard as the meeting saw it", ""]
    card = minutes.scorecard
    if card is None:
        return out + [f"*{md_escape(minutes.scorecard_problem)} Today's numbers are not shown "
                      "in their place.*", ""]
    period = card.get("period") or {}
    bits = []
    if period.get("label"):
        bits.append(f"Period {md_escape(period['label'])}")
    fresh = freshness_text(card)
    if fresh:
        bits.append(f"data: {md_escape(fresh)}")
    if bits:
        out += [" · ".join(bits), ""]
    rows = []
    for line in card.get("commitments") or []:
        status = line.get("status") or "no_data"
        trend = line.get("trend") or []
        rows.append([
            md_escape(f"{status_label(status)}"),
            md_escape(commitment_text(line, card)),
            md_escape(line.get("team") or ""),
            md_escape(format_target(line, minutes.currency)),
            md_escape(actual_text(line, minutes.currency)),
            md_escape(sparkline([p.get("actual") for p in trend if isinstance(p, dict)])),
            str(line.get("red_streak") or 0) if line.get("red_streak") else "",
        ])
    if rows:
        out += _table(["Status", "Commitment", "Team", "Target", "Actual", "Trend", "Red streak"],
                      rows, "lllrrlr")
    else:
        out += ["*The snapshot holds no commitments.*", ""]
    definition = card.get("lead_definition")
    if isinstance(definition, dict):
        definition = definition.get("text")
    if definition:
        out += [f"**Sales-ready lead:** {md_escape(definition)}", ""]
    return out


def _section(minutes: Minutes, section: SectionMinutes) -> list[str]:
    if section.position is None:
        heading = f"## {md_escape(section.title)}"
    else:
        heading = (f"## {section.position + 1}. {md_escape(section.title)} "
                   f"({format_duration(section.used_seconds)} of "
                   f"{format_duration(section.timebox_seconds)})")
    out = [heading, ""]
    if section.is_empty:
        return out + ["Nothing recorded.", ""]
    if section.talking_points:
        out += ["**Talking points**", ""]
        for point in section.talking_points:
            extra = []
            if point.metric:
                extra.append(f"metric: {md_escape(point.metric)}")
            if point.issue_id:
                extra.append(f"issue \\#{point.issue_id}")
            suffix = f" ({'; '.join(extra)})" if extra else ""
            author = md_escape(point.author or "anonymous")
            out.append(f"- {md_item(point.text)}{amended_mark(point)} — *{author}*{suffix}")
        out.append("")
    if section.reviewed_actions:
        rows = [[str(r.item.id), md_escape(r.item.text), md_escape(r.item.owner or "–"),
                 md_escape(outcome_text(r)), md_escape(carried_text(r.item))]
                for r in section.reviewed_actions]
        out += ["**Action review**", ""] + _table(["#", "Action item", "Owner", "Outcome",
                                                   "Carried over"], rows, "rllll")
    if section.decisions:
        out += ["**Decisions**", ""]
        for decision in section.decisions:
            out += _decision(decision, minutes.currency, minutes)
        out.append("")
    if section.action_items:
        out += ["**Action items**", ""] + _actions_table(section.action_items)
    if section.notes:
        out += ["**Notes**", ""]
        for note in section.notes:
            lines = md_lines(note["text"]) or ["–"]
            out.append("- " + " \\\n  ".join(lines) + amended_mark(note))
        out.append("")
    return out


def amended_mark(record) -> str:
    """`` *(amended)*`` after a record changed since it was recorded (its JSON has how)."""
    amended = record["amended"] if isinstance(record, dict) else record.amended
    return " *(amended)*" if amended else ""


def _decision(decision: records.Decision, currency: str,
              minutes: Minutes | None = None) -> list[str]:
    line = f"- {md_item(decision.text)}{amended_mark(decision)}"
    if decision.issue_id:
        line += f" (solves issue \\#{decision.issue_id})"
    lines = [line]
    pairs = (context_pairs(decision.context, currency=currency)
             if decision.context else [])
    if pairs:
        shown = "; ".join(f"{md_escape(k)}: {md_escape(v)}" for k, v in pairs)
        lines.append(f"  - *Numbers on screen:* {shown}")
    edits = [revision_text(r, minutes) for r in decision.revisions if r.change == "edit"]
    if edits:
        lines.append(f"  - *Amended:* {md_escape('; '.join(edits))}")
    return lines


def _actions_table(items: list[records.ActionItem]) -> list[str]:
    rows = [[str(i.id), md_escape(i.text) + amended_mark(i), md_escape(i.owner or "–"),
             md_escape(due_text(i)),
             i.status, md_escape(carried_text(i))] for i in items]
    return _table(["#", "Action item", "Owner", "Due", "Status", "Carried over"], rows, "rlllll")


def _issues(minutes: Minutes) -> list[str]:
    out = ["## Issues", ""]
    if not minutes.issues_raised and not minutes.issues_solved:
        return out + ["No issues were raised or solved.", ""]
    if minutes.issues_raised:
        out += ["**Raised**", ""]
        for issue in minutes.issues_raised:
            who = f" — {md_escape(issue.raised_by)}" if issue.raised_by else ""
            origin = " (from prep)" if issue.origin == "prep" else ""
            out.append(f"- \\#{issue.id} {md_escape(issue.title)}{amended_mark(issue)}{who}"
                       f"{origin}")
        out.append("")
    if minutes.issues_solved:
        out += ["**Solved**", ""]
        for issue in minutes.issues_solved:
            verb = "solved" if issue.status == "solved" else issue.status
            how = f": {md_escape(issue.resolution)}" if issue.resolution else ""
            out.append(f"- \\#{issue.id} {md_escape(issue.title)} — {verb}{how} "
                       f"(open {counted(issue.meetings_open, 'meeting')})")
        out.append("")
    return out


def _open_actions(minutes: Minutes) -> list[str]:
    items = minutes.open_action_items
    out = ["## Open action items", ""]
    if not items:
        return out + ["None: every action item of this meeting is closed.", ""]
    return out + _actions_table(items)

