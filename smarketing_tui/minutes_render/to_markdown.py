"""Minutes as Markdown that renders cleanly on GitHub and GitLab.

Every piece of data goes through :func:`md_escape` (the one Markdown escaper,
:func:`smarketing_tui.vocabulary.markdown_escape`): Markdown and HTML specials
are backslash-escaped (CommonMark), so a decision reading ``<script>`` or
``*bold* | pipe`` shows exactly as typed, and table cells cannot be split.
"""

from __future__ import annotations

import re
from smarketing_tui import records
from smarketing_tui.minutes import (STREAK_HEADING, Minutes, SectionMinutes, actual_text,
                                    carried_text, clock_text, commitment_text, completion_text,
                                    context_lines, due_text, format_duration, format_target,
                                    freshness_text, listed_above_text, outcome_text, period_text,
                                    rating_text, revision_text, seating_text, status_label,
                                    streak_text)
from smarketing_tui.minutes_render import clean
from smarketing_tui.vocabulary import (counted, format_date, format_datetime, issue_open_text,
                                       markdown_escape, sparkline)

# Block markers that would matter at the start of a list item or cell.
_LEADING = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")

md_escape = markdown_escape  # one line of data, safe in Markdown text and table cells


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
    """The whole minutes document as Markdown text: what was agreed first (decisions, action
    items, issues), then time per section, attendance, the scorecard and each section's
    details."""
    out: list[str] = []
    out += [f"# {md_escape(minutes.title)} — {format_date(minutes.date)}", ""]
    if not minutes.finished:
        upto = format_datetime(minutes.generated_at, minutes.timezone)
        out += [f"> **Unfinished meeting:** this meeting is still {minutes.status}; these minutes "
                f"show what was recorded up to {upto}.", ""]
    out += [f"Period reviewed: {md_escape(period_text(minutes))}", ""]
    out += _decisions(minutes)
    out += _action_items(minutes)
    out += _issues(minutes)
    out += _sections_overview(minutes)
    out += _header(minutes)
    out += _scorecard(minutes)
    details = [line for section in minutes.sections for line in _section(minutes, section)]
    if details:
        out += ["## Section by section", ""] + details
    out += [f"*{md_escape(minutes.company)} · meeting #{minutes.meeting_id} · exported "
            f"{format_datetime(minutes.generated_at, minutes.timezone)} by smarketing-tui*", ""]
    return "\n".join(out)


def _decisions(minutes: Minutes) -> list[str]:
    out = ["## Decisions", ""]
    if not minutes.decisions:
        return out + ["No decisions were taken.", ""]
    for section in minutes.sections:
        if section.decisions:
            out += [f"*{md_escape(section.title)}*", ""]
            for decision in section.decisions:
                out += _decision(decision, minutes.currency, minutes)
            out.append("")
    return out


def _action_items(minutes: Minutes) -> list[str]:
    out = ["## Action items", ""]
    if not minutes.listed_action_items:
        return out + ["No action items were recorded or carried over.", ""]
    return out + _actions_table(minutes.listed_action_items)


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
    if minutes.seating:
        rows.insert(rows.index(["Absent", absent]) + 1,
                    ["Sat together", md_escape(seating_text(minutes.seating))])
    if minutes.facilitator:
        rows.insert(1, ["Facilitator", md_escape(minutes.facilitator)])
    return ["## Attendance and time", ""] + _table(
        ["Meeting", md_escape(f"#{minutes.meeting_id} · {minutes.agenda}")], rows)


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
            streak_text(line),
        ])
    if rows:
        out += _table(["Status", "Commitment", "Team", "Target", "Actual", "Trend",
                       STREAK_HEADING],
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
    """A section's details: check-in lines, talking points, the action review and notes (its
    decisions and action items are counted, as they are listed at the top)."""
    if section.position is None:
        heading = f"### {md_escape(section.title)}"
    else:
        heading = (f"### {section.position + 1}. {md_escape(section.title)} "
                   f"({format_duration(section.used_seconds)} of "
                   f"{format_duration(section.timebox_seconds)})")
    out = [heading, ""]
    if section.is_empty:
        return out + ["Nothing recorded.", ""]
    above = listed_above_text(section)
    if above:
        out += [f"*{above}.*", ""]
    if section.checkins:
        out += ["**Check-in**", ""]
        out += [f"- {md_escape(a.name)}: {md_escape(a.checkin)}" for a in section.checkins]
        out.append("")
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
    numbers = (context_lines(decision.context, currency=currency)
               if decision.context else [])
    if numbers:
        shown = "; ".join(md_escape(sentence) for sentence in numbers)
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
    if not minutes.issues_solved and not minutes.issues_open:
        return out + ["No issue was solved, and none is open.", ""]
    if minutes.issues_solved:
        out += ["**Solved**", ""]
        for issue in minutes.issues_solved:
            verb = "solved" if issue.status == "solved" else issue.status
            how = f": {md_escape(issue.resolution)}" if issue.resolution else ""
            out.append(f"- \\#{issue.id} {md_escape(issue.title)}{amended_mark(issue)} — {verb}{how} "
                       f"({issue_open_text(issue.meetings_open)})")
        out.append("")
    if minutes.issues_open:
        out += ["**Still open**", ""]
        raised = minutes.raised_ids
        for issue in minutes.issues_open:
            who = f" — {md_escape(issue.raised_by)}" if issue.raised_by else ""
            if issue.id in raised:
                age = "new, from prep" if issue.origin == "prep" else "new"
            else:
                age = issue_open_text(issue.meetings_open)
            out.append(f"- \\#{issue.id} {md_escape(issue.title)}{amended_mark(issue)}{who} ({age})")
        out.append("")
    return out


# Every backslash md_escape/md_item put before a special, except before a pipe (it keeps a
# table cell whole) and before a line end (a hard line break of a note).
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]<>&#~$+=.)-])")


def plain_text(markdown: str) -> str:
    """The Markdown minutes as plain text (an e-mail's text part): the same layout, the data
    as typed instead of backslash-escaped (``mql_to_won``, not ``mql\\_to\\_won``)."""
    return _ESCAPED.sub(r"\1", markdown)
