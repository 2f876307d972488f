"""What sales sees of a lead's engagements: one short line, a warmth signal, the timeline.

* The **line**: the lead's last few engagements, newest first, each in a few words, the
  newest with its age: ``Prisguide ↓ 2 d ago · webinar ✓ · search: fakturaprogram``.
* The **warmth** (the README states the rule): a count of the lead's engagements in the
  last :data:`WARMTH_DAYS` days before the moment, each weighted by what it says of
  intent (:data:`WARMTH_WEIGHTS`); a page-view row counts once, whatever number of page
  views it stands for. 6 or more is *hot*, 3 to 5 *warm*, 1 or 2 *cool*, 0 *cold*.
* The **timeline**: marketing's engagements and sales' touches interleaved with the
  lead's own milestones (created, MQL, accepted, meeting, won ...), oldest first.

Reads only; no Textual (the prep screen and the drill-down show it).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from smarketing_tui.timeutil import counted, format_number, parse_utc, utc_iso

RECENT = 3
WARMTH_DAYS = 14
WARMTH_WEIGHTS = {"download": 3, "form": 3, "webinar_attended": 3, "email_click": 2,
                  "ad_click": 2, "webinar_registered": 2, "page_view": 1, "email_open": 1}
WARMTH_WORDS = ((6, "hot"), (3, "warm"), (1, "cool"), (0, "cold"))
_CHUNK = 500  # lead ids per query (SQLite's default limit on parameters is 32 766)


@dataclass(frozen=True)
class Engagement:
    kind: str
    at: str
    asset: str | None = None
    url: str | None = None
    channel: str | None = None
    campaign: str | None = None
    keyword: str | None = None
    quantity: int = 1


@dataclass(frozen=True)
class TimelineEntry:
    at: str
    side: str      # marketing | sales | lead
    text: str


def _short(text: str | None, limit: int = 24) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _page(e: Engagement) -> str:
    if e.asset:
        return _short(e.asset)
    if e.url:
        path = e.url.split("://", 1)[-1]
        path = path[path.find("/"):] if "/" in path else path
        return _short(path or e.url)
    return ""


def label(e: Engagement) -> str:
    """One engagement in a few words: ``Prisguide ↓`` (a download), ``Be om demo ✎`` (a
    form), ``webinar ✓`` (attended), ``search: fakturaprogram``, ``/priser ×12``."""
    what = _page(e)
    if e.keyword:
        return f"search: {_short(e.keyword, 26)}"
    if e.kind == "download":
        return f"{what or 'download'} ↓"
    if e.kind == "form":
        return f"{what or 'form'} ✎"
    if e.kind == "webinar_attended":
        return "webinar ✓"
    if e.kind == "webinar_registered":
        return "webinar signed up"
    if e.kind == "email_click":
        return f"clicked {what}" if what else "e-mail clicked"
    if e.kind == "email_open":
        return f"opened {what}" if what else "e-mail opened"
    if e.kind == "ad_click":
        return f"ad: {what or _short(e.channel, 20) or 'click'}"
    views = f" ×{format_number(e.quantity)}" if e.quantity > 1 else ""
    return f"{what or _short(e.channel, 20) or 'visit'}{views}"


def age(at: str, now: datetime) -> str:
    """How long ago: ``12 min ago``, ``3 h ago``, ``2 d ago``."""
    seconds = max((now - parse_utc(at)).total_seconds(), 0)
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def short_line(items: list[Engagement], now: datetime) -> str:
    """The engagements (newest first) in one line, the newest with its age; '' for none."""
    parts = [label(e) for e in items]
    if not parts:
        return ""
    parts[0] += f" {age(items[0].at, now)}"
    return " · ".join(parts)


def _chunks(ids: list[int]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def recent(conn: sqlite3.Connection, lead_ids: list[int], now: datetime,
           limit: int = RECENT) -> dict[int, list[Engagement]]:
    """Each lead's last ``limit`` engagements by ``now``, newest first."""
    found: dict[int, list[Engagement]] = {}
    stamp = utc_iso(now)
    for lead_id in dict.fromkeys(lead_ids):  # the lead's index, read backwards: a few rows each
        rows = conn.execute(
            "SELECT kind, at, asset, url, channel, campaign, keyword, quantity FROM engagements "
            "WHERE lead_id = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT ?",
            (lead_id, stamp, limit)).fetchall()
        if rows:
            found[lead_id] = [Engagement(*row) for row in rows]
    return found


def warmth(conn: sqlite3.Connection, lead_ids: list[int], now: datetime) -> dict[int, int]:
    """Each lead's warmth score by ``now`` (see the module docstring); leads without
    recent engagements are left out (their score is 0)."""
    weights = " ".join(f"WHEN '{kind}' THEN {weight}" for kind, weight in WARMTH_WEIGHTS.items())
    since = utc_iso(now - timedelta(days=WARMTH_DAYS))
    scores: dict[int, int] = {}
    for chunk in _chunks(list(dict.fromkeys(lead_ids))):
        marks = ", ".join("?" * len(chunk))
        for lead_id, score in conn.execute(
                f"SELECT lead_id, TOTAL(CASE kind {weights} ELSE 0 END) FROM engagements "
                f"WHERE lead_id IN ({marks}) AND at > ? AND at <= ? GROUP BY lead_id",
                (*chunk, since, utc_iso(now))):
            scores[lead_id] = int(score)
    return scores


def warmth_word(score: int) -> str:
    return next(word for floor, word in WARMTH_WORDS if score >= floor)


def lines_by_external_id(conn: sqlite3.Connection, external_ids: list[str],
                         now: datetime) -> dict[str, str]:
    """The short line of each lead named by its external id (for a drill-down's rows)."""
    ids: dict[int, str] = {}
    for chunk in _chunks(list(dict.fromkeys(str(e) for e in external_ids if e is not None))):
        marks = ", ".join("?" * len(chunk))
        ids.update(conn.execute(f"SELECT id, external_id FROM leads WHERE external_id IN "
                                f"({marks})", chunk).fetchall())
    found = recent(conn, list(ids), now)
    return {ids[lead_id]: short_line(items, now) for lead_id, items in found.items()}


def add_to_drill(conn: sqlite3.Connection, result, now: datetime) -> None:
    """Give a drill-down of leads (metrics.DrillResult) each lead's line as a last column,
    ``engagements`` ("Last engagements"), when any of its leads has engagements."""
    if not any(key == "lead" for key, _ in result.columns):
        return
    lines = lines_by_external_id(conn, [row.get("lead") for row in result.rows], now)
    if not lines:
        return
    result.columns = [*result.columns, ("engagements", "Last engagements")]
    for row in result.rows:
        row["engagements"] = lines.get(str(row.get("lead")))


_MILESTONES = (("created_at", "lead created"), ("mql_at", "became an MQL"),
               ("assigned_at", "assigned"), ("accepted_at", "accepted by sales"),
               ("rejected_at", "rejected by sales"), ("meeting_at", "meeting"),
               ("opportunity_at", "opportunity"), ("won_at", "won"), ("lost_at", "lost"))
_SIDE_ORDER = {"lead": 0, "marketing": 1, "sales": 2}


def timeline(conn: sqlite3.Connection, lead_id: int, now: datetime) -> list[TimelineEntry]:
    """The lead's whole history by ``now``, oldest first (see the module docstring)."""
    stamp = utc_iso(now)
    entries: list[TimelineEntry] = []
    row = conn.execute(f"SELECT {', '.join(c for c, _ in _MILESTONES)}, rejected_reason, "
                       "lost_reason, amount FROM leads WHERE id = ?", (lead_id,)).fetchone()
    if row is None:
        return []
    for (column, words), at in zip(_MILESTONES, row):
        if at and at <= stamp:
            if column == "rejected_at" and row[-3]:
                words += f" ({row[-3]})"
            elif column == "lost_at" and row[-2]:
                words += f" ({row[-2]})"
            entries.append(TimelineEntry(at, "lead", words))
    for kind, at, asset, url, channel, campaign, keyword, quantity in conn.execute(
            "SELECT kind, at, asset, url, channel, campaign, keyword, quantity FROM engagements "
            "WHERE lead_id = ? AND at <= ? ORDER BY at, id", (lead_id, stamp)):
        e = Engagement(kind, at, asset, url, channel, campaign, keyword, quantity)
        words = [kind.replace("_", " "), " ".join((asset or url or "").split())]
        if keyword:
            words.append(f"search: {keyword}")
        if channel:
            words.append(f"via {channel}")
        if campaign:
            words.append(f"campaign {campaign}")
        if quantity > 1:
            words.append(counted(quantity, "time"))
        entries.append(TimelineEntry(at, "marketing", " · ".join(w for w in words if w)))
    for type_, outcome, at, person, note in conn.execute(
            "SELECT type, outcome, at, person, note FROM lead_events WHERE lead_id = ? "
            "AND at <= ? ORDER BY at, id", (lead_id, stamp)):
        words = [type_ + (f" ({outcome})" if outcome else ""), person or "", _short(note, 60)]
        entries.append(TimelineEntry(at, "sales", " · ".join(w for w in words if w)))
    entries.sort(key=lambda e: (e.at, _SIDE_ORDER[e.side]))
    return entries
