"""Minutes as one self-contained, printable HTML file.

Inline CSS (with ``@media print``), inline SVG for sparklines and time bars, no
scripts and no external assets. A strict Content-Security-Policy meta tag allows
only the page's own stylesheet (by hash) and forbids every fetch, so even text
that slipped past escaping could not run or load anything. Every piece of data
goes through ``html.escape``.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from smarketing_tui import records
from smarketing_tui.minutes import (Minutes, SectionMinutes, actual_text, carried_text, clock_text,
                                    commitment_text, completion_text, context_pairs, due_text,
                                    format_duration, format_target, freshness_text, outcome_text,
                                    period_text, rating_text, status_label)
from smarketing_tui.minutes_render import clean
from smarketing_tui.reportformat import format_value
from smarketing_tui.timeutil import counted, format_date, format_datetime

COLORS = {"green": "#1a7f37", "amber": "#b35900", "red": "#c62828", "no_data": "#8a8a8a"}

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
  --green: #1a7f37; --amber: #b35900; --red: #c62828; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 60rem; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; padding-bottom: .25rem;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; color: var(--muted); }
p.sub { margin: 0 0 1rem; color: var(--muted); }
.banner { border: 2px solid var(--amber); background: #fff4e5; padding: .6rem .9rem;
  border-radius: 6px; font-weight: 600; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem;
  margin: 1rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.status { font-weight: 600; white-space: nowrap; }
.status-green { color: var(--green); } .status-amber { color: var(--amber); }
.status-red { color: var(--red); } .status-no_data { color: var(--muted); }
.over { color: var(--red); font-weight: 600; }
.muted { color: var(--muted); }
ul.items { padding-left: 1.2rem; margin: .3rem 0 1rem; }
ul.items li { margin: .25rem 0; }
.context { color: var(--muted); font-size: .9em; }
.note { white-space: pre-wrap; }
svg { vertical-align: middle; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85em; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  table, ul.items li, dl.facts { break-inside: avoid; }
  .banner { background: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @page { margin: 1.5cm; }
}
""".strip()


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def h(text: object) -> str:
    """Data escaped for HTML text and attribute values."""
    return escape(clean(text), quote=True)


def render_html(minutes: Minutes) -> str:
    """The whole minutes document as one HTML page."""
    body: list[str] = [f"<h1>{h(minutes.title)} — {format_date(minutes.date)}</h1>",
                       f"<p class=\"sub\">{h(minutes.company)} · meeting #{minutes.meeting_id} · "
                       f"{h(minutes.agenda)}</p>"]
    if not minutes.finished:
        body.append(f"<p class=\"banner\" role=\"alert\">Unfinished meeting: this meeting is still "
                    f"{h(minutes.status)}; these minutes show what was recorded up to "
                    f"{format_datetime(minutes.generated_at, minutes.timezone)}.</p>")
    body += _facts(minutes)
    body += _time_table(minutes)
    body += _scorecard(minutes)
    for section in minutes.sections:
        body += _section(section, minutes.currency)
    body += _issues(minutes)
    body += _open_actions(minutes)
    body.append(f"<footer>Exported {format_datetime(minutes.generated_at, minutes.timezone)} by "
                "smarketing-tui.</footer>")
    return "\n".join([
        "<!DOCTYPE html>",
        "<html lang=\"en\">",
        "<head>",
        "<meta charset=\"utf-8\">",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_csp()}\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<meta name=\"generator\" content=\"smarketing-tui\">",
        f"<title>{h(minutes.title)} — {format_date(minutes.date)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        *body,
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def _facts(minutes: Minutes) -> list[str]:
    present = ", ".join(f"{h(a.name)} <span class=\"muted\">({h(a.team)})</span>"
                        for a in minutes.present) or "–"
    absent = ", ".join(h(a.name) for a in minutes.absent) or "–"
    planned = minutes.planned_minutes * 60
    facts = [("Period reviewed", h(period_text(minutes)))]
    if minutes.facilitator:
        facts.append(("Facilitator", h(minutes.facilitator)))
    facts += [
        ("Started", clock_text(minutes, minutes.started_at)),
        ("Ended", clock_text(minutes, minutes.ended_at) if minutes.ended_at else "not ended"),
        ("Time used",
         f"{format_duration(minutes.used_seconds)} of {format_duration(planned)} planned"),
        ("Attendees", present),
        ("Absent", absent),
        ("Average rating", h(rating_text(minutes.average_rating))),
        ("Action items done on time", h(completion_text(minutes.completion))),
    ]
    out = ["<dl class=\"facts\">"]
    out += [f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts]
    return out + ["</dl>"]


def _time_table(minutes: Minutes) -> list[str]:
    sections = [s for s in minutes.sections if s.position is not None]
    if not sections:
        return []
    scale = max([1.0] + [max(s.used_seconds, s.timebox_seconds) for s in sections])
    out = ["<h2>Time per section</h2>", "<table>",
           "<thead><tr><th class=\"num\">#</th><th>Section</th><th class=\"num\">Used</th>"
           "<th class=\"num\">Timebox</th><th>Against the timebox</th></tr></thead>", "<tbody>"]
    for s in sections:
        over = (f" <span class=\"over\">+{format_duration(s.over_seconds)}</span>"
                if s.over_seconds >= 1 else "")
        out.append(f"<tr><td class=\"num\">{s.position + 1}</td><td>{h(s.title)}</td>"
                   f"<td class=\"num\">{format_duration(s.used_seconds)}{over}</td>"
                   f"<td class=\"num\">{format_duration(s.timebox_seconds)}</td>"
                   f"<td>{time_bar(s.used_seconds, s.timebox_seconds, scale)}</td></tr>")
    return out + ["</tbody>", "</table>"]


def time_bar(used: float, timebox: float, scale: float, width: int = 160) -> str:
    """An inline SVG bar: time used (red beyond the timebox) and a tick at the timebox."""
    fit = min(used, timebox)
    w_fit = width * fit / scale
    w_over = width * max(0.0, used - timebox) / scale
    tick = width * timebox / scale
    label = f"{format_duration(used)} used of {format_duration(timebox)}"
    return (f"<svg width=\"{width + 2}\" height=\"14\" viewBox=\"0 0 {width + 2} 14\" role=\"img\" "
            f"aria-label=\"{h(label)}\">"
            f"<rect x=\"0\" y=\"3\" width=\"{width}\" height=\"8\" fill=\"#eef1f4\"/>"
            f"<rect x=\"0\" y=\"3\" width=\"{w_fit:.1f}\" height=\"8\" fill=\"#4a77b4\"/>"
            f"<rect x=\"{w_fit:.1f}\" y=\"3\" width=\"{w_over:.1f}\" height=\"8\" "
            f"fill=\"{COLORS['red']}\"/>"
            f"<line x1=\"{tick:.1f}\" y1=\"0\" x2=\"{tick:.1f}\" y2=\"14\" stroke=\"#1f2328\" "
            "stroke-width=\"1.5\"/></svg>")


def sparkline_svg(points: list[dict], unit: str | None = "count", currency: str = "NOK",
                  width: int = 96, height: int = 22) -> str:
    """An inline SVG sparkline of a trend; each point coloured by its status, its value (in
    ``unit``) in its tooltip and in the label a screen reader reads."""
    values = [p.get("actual") if isinstance(p, dict) else None for p in points]
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numbers:
        return "<span class=\"muted\">–</span>"
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0
    step = (width - 8) / max(1, len(values) - 1)
    coords, dots = [], []
    for index, (point, value) in enumerate(zip(points, values)):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        x = 4 + index * step
        y = height - 4 - ((value - low) / span * (height - 8) if high != low else (height - 8) / 2)
        coords.append(f"{x:.1f},{y:.1f}")
        status = point.get("status") if isinstance(point, dict) else None
        color = COLORS.get(str(status), COLORS["no_data"])
        title = (f"{point.get('label', '')}: {format_value(value, unit, currency)} "
                 f"({status_label(status)})")
        dots.append(f"<circle cx=\"{x:.1f}\" cy=\"{y:.1f}\" r=\"2.5\" fill=\"{color}\">"
                    f"<title>{h(title)}</title></circle>")
    labels = ", ".join(f"{p.get('label', '')} {format_value(v, unit, currency)}"
                       for p, v in zip(points, values) if isinstance(p, dict))
    return (f"<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" "
            "role=\"img\" "
            f"aria-label=\"{h('Trend: ' + labels)}\">"
            f"<polyline points=\"{' '.join(coords)}\" fill=\"none\" stroke=\"#59636e\" "
            f"stroke-width=\"1.5\"/>{''.join(dots)}</svg>")


def _scorecard(minutes: Minutes) -> list[str]:
    out = ["<h2>Scorecard as the meeting saw it</h2>"]
    card = minutes.scorecard
    if card is None:
        return out + [f"<p class=\"muted\"><em>{h(minutes.scorecard_problem)} Today's numbers are "
                      "not shown in their place.</em></p>"]
    period = card.get("period") or {}
    bits = []
    if period.get("label"):
        bits.append(f"Period {h(period['label'])}")
    fresh = freshness_text(card)
    if fresh:
        bits.append(f"data: {h(fresh)}")
    if bits:
        out.append(f"<p class=\"muted\">{' · '.join(bits)}</p>")
    lines = card.get("commitments") or []
    if not lines:
        out.append("<p class=\"muted\">The snapshot holds no commitments.</p>")
    else:
        out += ["<table>", "<thead><tr><th>Status</th><th>Commitment</th><th>Team</th>"
                "<th class=\"num\">Target</th><th class=\"num\">Actual</th><th>Trend</th>"
                "<th class=\"num\">Red streak</th></tr></thead>", "<tbody>"]
        for line in lines:
            if not isinstance(line, dict):
                continue
            status = str(line.get("status") or "no_data")
            css = status if status in COLORS else "no_data"
            streak = line.get("red_streak") or ""
            out.append(
                f"<tr><td class=\"status status-{css}\">{h(status_label(status))}</td>"
                f"<td>{h(commitment_text(line, card))}</td>"
                f"<td>{h(line.get('team') or '')}</td>"
                f"<td class=\"num\">{h(format_target(line, minutes.currency))}</td>"
                f"<td class=\"num\">{h(actual_text(line, minutes.currency))}</td>"
                f"<td>{sparkline_svg(line.get('trend') or [], line.get('unit'), minutes.currency)}"
                "</td>"
                f"<td class=\"num\">{h(streak)}</td></tr>")
        out += ["</tbody>", "</table>"]
    definition = card.get("lead_definition")
    if isinstance(definition, dict):
        definition = definition.get("text")
    if definition:
        out.append(f"<p><strong>Sales-ready lead:</strong> {h(definition)}</p>")
    return out


def _section(section: SectionMinutes, currency: str) -> list[str]:
    if section.position is None:
        out = [f"<section><h2>{h(section.title)}</h2>"]
    else:
        out = [f"<section><h2>{section.position + 1}. {h(section.title)} "
               f"<span class=\"muted\">({format_duration(section.used_seconds)} of "
               f"{format_duration(section.timebox_seconds)})</span></h2>"]
    if section.is_empty:
        return out + ["<p class=\"muted\">Nothing recorded.</p></section>"]
    if section.talking_points:
        out += ["<h3>Talking points</h3>", "<ul class=\"items\">"]
        for point in section.talking_points:
            extra = []
            if point.metric:
                extra.append(f"metric: {h(point.metric)}")
            if point.issue_id:
                extra.append(f"issue #{point.issue_id}")
            suffix = f" <span class=\"muted\">({'; '.join(extra)})</span>" if extra else ""
            author = h(point.author or "anonymous")
            out.append(f"<li>{h(point.text)} — <em>{author}</em>{suffix}</li>")
        out.append("</ul>")
    if section.reviewed_actions:
        out += ["<h3>Action review</h3>", "<table>",
                "<thead><tr><th class=\"num\">#</th><th>Action item</th><th>Owner</th>"
                "<th>Outcome</th><th>Carried over</th></tr></thead>", "<tbody>"]
        out += [f"<tr><td class=\"num\">{r.item.id}</td><td>{h(r.item.text)}</td>"
                f"<td>{h(r.item.owner or '–')}</td><td>{h(outcome_text(r))}</td>"
                f"<td>{h(carried_text(r.item))}</td></tr>" for r in section.reviewed_actions]
        out += ["</tbody>", "</table>"]
    if section.decisions:
        out += ["<h3>Decisions</h3>", "<ul class=\"items decisions\">"]
        out += [_decision(d, currency) for d in section.decisions]
        out.append("</ul>")
    if section.action_items:
        out += ["<h3>Action items</h3>"] + _actions_table(section.action_items)
    if section.notes:
        out += ["<h3>Notes</h3>", "<ul class=\"items\">"]
        out += [f"<li class=\"note\">{h(note['text'])}</li>" for note in section.notes]
        out.append("</ul>")
    return out + ["</section>"]


_AMENDED = ' <em class="amended">(amended)</em>'


def _decision(decision: records.Decision, currency: str) -> str:
    text = f"<li class=\"decision\" id=\"decision-{decision.id}\">{h(decision.text)}"
    if decision.amended:
        text += _AMENDED
    if decision.issue_id:
        text += f" <span class=\"muted\">(solves issue #{decision.issue_id})</span>"
    pairs = (context_pairs(decision.context, currency=currency)
             if decision.context else [])
    if pairs:
        shown = "; ".join(f"{h(k)}: {h(v)}" for k, v in pairs)
        text += f"<div class=\"context\">Numbers on screen: {shown}</div>"
    return text + "</li>"


def _actions_table(items: list[records.ActionItem]) -> list[str]:
    out = ["<table>", "<thead><tr><th class=\"num\">#</th><th>Action item</th><th>Owner</th>"
           "<th>Due</th><th>Status</th><th>Carried over</th></tr></thead>", "<tbody>"]
    out += [f"<tr><td class=\"num\">{i.id}</td>"
            f"<td>{h(i.text)}{_AMENDED if i.amended else ''}</td><td>{h(i.owner or '–')}</td>"
            f"<td>{h(due_text(i))}</td><td>{h(i.status)}</td><td>{h(carried_text(i))}</td></tr>"
            for i in items]
    return out + ["</tbody>", "</table>"]


def _issues(minutes: Minutes) -> list[str]:
    out = ["<h2>Issues</h2>"]
    if not minutes.issues_raised and not minutes.issues_solved:
        return out + ["<p class=\"muted\">No issues were raised or solved.</p>"]
    if minutes.issues_raised:
        out += ["<h3>Raised</h3>", "<ul class=\"items\">"]
        for issue in minutes.issues_raised:
            who = f" — {h(issue.raised_by)}" if issue.raised_by else ""
            origin = " <span class=\"muted\">(from prep)</span>" if issue.origin == "prep" else ""
            out.append(f"<li>#{issue.id} {h(issue.title)}{who}{origin}</li>")
        out.append("</ul>")
    if minutes.issues_solved:
        out += ["<h3>Solved</h3>", "<ul class=\"items\">"]
        for issue in minutes.issues_solved:
            how = f": {h(issue.resolution)}" if issue.resolution else ""
            out.append(f"<li>#{issue.id} {h(issue.title)} — {h(issue.status)}{how} <span "
                       f"class=\"muted\">(open {counted(issue.meetings_open, 'meeting')})</span>"
                       "</li>")
        out.append("</ul>")
    return out


def _open_actions(minutes: Minutes) -> list[str]:
    items = minutes.open_action_items
    out = ["<h2>Open action items</h2>"]
    if not items:
        return out + ["<p class=\"muted\">None: every action item of this meeting is closed.</p>"]
    return out + _actions_table(items)
