"""Minutes as JSON, schema ``smarketing.minutes/1`` (documented in the README).

Values are raw (ISO dates, UTC timestamps, numbers, shares 0..1), not formatted
for reading. ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc., so the
document is safe to paste into an HTML page as well; any JSON reader gets the
original text back.
"""

from __future__ import annotations

from typing import Any

from smarketing_tui import records
from smarketing_tui.minutes import SCHEMA, Minutes, ReviewedAction, SectionMinutes
from smarketing_tui.minutes_render import clean
from smarketing_tui.reportformat import json_text


def minutes_document(minutes: Minutes) -> dict[str, Any]:
    """The minutes as a JSON-ready dict (schema ``smarketing.minutes/1``)."""
    return {
        "schema": SCHEMA,
        "generated_at": minutes.generated_at,
        "company": clean(minutes.company),
        "timezone": minutes.timezone,
        "currency": minutes.currency,
        "meeting": {
            "id": minutes.meeting_id,
            "title": clean(minutes.title),
            "agenda": clean(minutes.agenda),
            "cadence": minutes.cadence,
            "status": minutes.status,
            "finished": minutes.finished,
            "date": minutes.date.isoformat(),
            "started_at": minutes.started_at,
            "ended_at": minutes.ended_at,
            "planned_minutes": minutes.planned_minutes,
            "used_seconds": round(minutes.used_seconds),
            "facilitator": clean(minutes.facilitator) if minutes.facilitator else None,
            "period": {"label": minutes.period_label, "start": minutes.period_start.isoformat(),
                       "end": minutes.period_end.isoformat()},
        },
        "attendance": {
            "present": [_attendee(a) for a in minutes.present],
            "absent": [_attendee(a) for a in minutes.absent],
            "seating": [[{"name": clean(name), "team": team} for name, team in group]
                        for group in minutes.seating],
            "average_rating": (round(minutes.average_rating, 2)
                               if minutes.average_rating is not None else None),
        },
        "sections": [_section(s) for s in minutes.sections],
        "issues": {"raised": [issue_json(i) for i in minutes.issues_raised],
                   "solved": [issue_json(i) for i in minutes.issues_solved],
                   "still_open": [issue_json(i) for i in minutes.issues_open]},
        "open_action_items": [item.id for item in minutes.open_action_items],
        "action_completion": completion_json(minutes.completion),
        "scorecard": _cleaned(minutes.scorecard),
        "scorecard_missing": minutes.scorecard_problem,
    }


def render_json(minutes: Minutes) -> str:
    """The minutes as a JSON document (UTF-8 text, 2-space indent, trailing newline)."""
    return dumps(minutes_document(minutes))


def dumps(value: Any) -> str:
    """Pretty JSON with ``<``, ``>`` and ``&`` escaped (they only occur inside strings)."""
    text = json_text(value, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def _attendee(attendee) -> dict:
    return {"name": clean(attendee.name), "team": attendee.team, "rating": attendee.rating,
            "checkin": clean(attendee.checkin) if attendee.checkin else None,
            **amended_json(attendee)}


def amended_json(record: Any) -> dict:
    """``amended`` and ``revisions`` (who changed what when, and the old value) of a record."""
    revisions = record["revisions"] if isinstance(record, dict) else record.revisions
    return {"amended": bool(revisions), "revisions": [
        {"change": r.change, "field": r.field, "old": _cleaned(r.old), "new": _cleaned(r.new),
         "at": r.at, "by": _cleaned(r.by)} for r in revisions]}


def _section(section: SectionMinutes) -> dict:
    return {
        "position": section.position,
        "title": clean(section.title),
        "type": section.type,
        "timebox_seconds": section.timebox_seconds,
        "used_seconds": round(section.used_seconds),
        "over_seconds": round(section.over_seconds),
        "decisions": [decision_json(d) for d in section.decisions],
        "action_items": [action_json(i) for i in section.action_items],
        "action_review": [_review(r) for r in section.reviewed_actions],
        "notes": [{"id": n["id"], "text": clean(n["text"]), "created_at": n["created_at"],
                   **amended_json(n)} for n in section.notes],
        "talking_points": [{"id": p.id, "text": clean(p.text),
                            "author": clean(p.author) if p.author else None,
                            "metric": clean(p.metric) if p.metric else None,
                            "issue_id": p.issue_id, "created_at": p.created_at,
                            **amended_json(p)} for p in section.talking_points],
    }


def decision_json(decision: records.Decision) -> dict:
    return {"id": decision.id, "text": clean(decision.text), "issue_id": decision.issue_id,
            "context": _cleaned(decision.context), "created_at": decision.created_at,
            **amended_json(decision)}


def action_json(item: records.ActionItem) -> dict:
    return {"id": item.id, "text": clean(item.text),
            "owner": clean(item.owner) if item.owner else None,
            "due": item.due, "original_due": item.original_due, "status": item.status,
            "carried_over": item.carried_over, "meeting_id": item.meeting_id,
            "section": clean(item.section_title) if item.section_title else None,
            "created_at": item.created_at, "done_at": item.done_at, "dropped_at": item.dropped_at,
            "comment": clean(item.comment) if item.comment else None, "issue_id": item.issue_id,
            **amended_json(item)}


def _review(review: ReviewedAction) -> dict:
    return {**action_json(review.item), "outcome": review.outcome, "new_due": review.new_due,
            "review_comment": clean(review.comment) if review.comment else None,
            "before_meeting": review.in_prep}


def issue_json(issue: records.Issue) -> dict:
    return {"id": issue.id, "title": clean(issue.title),
            "detail": clean(issue.detail) if issue.detail else None, "team": issue.team,
            "raised_by": clean(issue.raised_by) if issue.raised_by else None,
            "raised_at": issue.raised_at, "origin": issue.origin, "status": issue.status,
            "solved_at": issue.solved_at,
            "resolution": clean(issue.resolution) if issue.resolution else None,
            "meetings_open": issue.meetings_open, "evidence": _cleaned(issue.evidence),
            **amended_json(issue)}


def completion_json(rate: records.CompletionRate) -> dict:
    return {"done_on_time": rate.done_on_time, "total": rate.total,
            "rate": None if rate.rate is None else round(rate.rate, 4), "goal": rate.goal,
            "meets_goal": rate.meets_goal, "meetings": 4}


def _cleaned(value: Any) -> Any:
    """Strip control characters from every string of a nested JSON value."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k): _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value
