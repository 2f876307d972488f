"""Open action items as iCalendar (RFC 5545): one VTODO per open item.

Text values are escaped (``\\``, ``;``, ``,`` and line breaks), lines are folded at
75 octets without splitting a UTF-8 character, and every line ends in CRLF.
The owner is an ATTENDEE (with their e-mail from smarketing.yaml) when known, and
always named in the DESCRIPTION.
"""

from __future__ import annotations

from datetime import date

from smarketing_tui import records
from smarketing_tui.errors import UserError
from smarketing_tui.minutes import Minutes, slug
from smarketing_tui.minutes_render import clean
from smarketing_tui.timeutil import format_date

PRODID = "-//smarketing-tui//minutes//EN"


def ics_text(value: object) -> str:
    """A TEXT value escaped per RFC 5545 §3.3.11."""
    text = clean(value)
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def ics_param(value: object) -> str:
    """A parameter value, quoted (DQUOTE is not allowed inside, so it becomes ')."""
    return '"' + " ".join(clean(value).replace('"', "'").split()) + '"'


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuations start with one space)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(len(data), start + limit)
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a UTF-8 sequence
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # the leading space counts
    return "\r\n ".join(parts)


def _stamp(store_form: str) -> str:
    return store_form.replace("-", "").replace(":", "")  # 2026-11-23T08:00:00Z -> 20261123T080000Z


def render_ics(minutes: Minutes) -> str:
    """A VCALENDAR with one VTODO per open action item of the minutes.

    RFC 5545 wants at least one component, so minutes without open items are refused
    with a UserError rather than written as an empty calendar.
    """
    if not minutes.open_action_items:
        raise UserError(f"meeting #{minutes.meeting_id} has no open action items; there is "
                        "nothing to put in a calendar")
    name = f"Action items — {clean(minutes.title)} {format_date(minutes.date)}"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{ics_text(name)}"]
    for item in minutes.open_action_items:
        lines += _todo(minutes, item)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _todo(minutes: Minutes, item: records.ActionItem) -> list[str]:
    description = [f"Owner: {item.owner or 'nobody yet'}",
                   f"From: {minutes.title}, {format_date(minutes.date)}"
                   + (f" — {item.section_title}" if item.section_title else "")]
    if item.carried_over:
        description.append(f"Carried over {item.carried_over}× (first due "
                           f"{format_date(date.fromisoformat(item.original_due))})"
                           if item.original_due else f"Carried over {item.carried_over}×")
    if item.comment:
        description.append(f"Comment: {item.comment}")
    lines = ["BEGIN:VTODO",
             f"UID:action-{item.id}.{slug(minutes.company)}@smarketing-tui",
             f"DTSTAMP:{_stamp(minutes.generated_at)}",
             f"CREATED:{_stamp(item.created_at)}",
             f"SUMMARY:{ics_text(item.text)}",
             f"DESCRIPTION:{ics_text(chr(10).join(description))}"]
    if item.due:
        lines.append(f"DUE;VALUE=DATE:{item.due.replace('-', '')}")
    email = minutes.emails.get(item.owner or "")
    if item.owner and email:
        lines.append(f"ATTENDEE;CN={ics_param(item.owner)};ROLE=REQ-PARTICIPANT:"
                     f"mailto:{ics_text(email)}")
    lines += ["STATUS:NEEDS-ACTION", "CATEGORIES:smarketing", "END:VTODO"]
    return lines
