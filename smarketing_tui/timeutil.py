"""Time helpers: UTC storage, the workspace time zone, due dates as people type them.

Every timestamp in the store is UTC ISO 8601 with a ``Z`` suffix and second
precision (``2026-11-29T13:05:00Z``): fixed width, so string order is time
order and SQLite's date functions read it directly.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from smarketing_tui.errors import UserError
# The formats of numbers, dates and ages live in vocabulary (every word and format in one
# place); re-exported here for the callers that import them from timeutil.
from smarketing_tui.vocabulary import (counted, describe_age, format_date,  # noqa: F401
                                       format_datetime, format_money, format_number,
                                       format_percent)

UTC = timezone.utc
STORE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def now_utc() -> datetime:
    """The current moment, aware, in UTC.

    ``SMARKETING_NOW`` (ISO 8601) freezes the clock: demos, snapshot tests and
    benchmarks use it to be reproducible.
    """
    frozen = os.environ.get("SMARKETING_NOW")
    if frozen:
        moment = datetime.fromisoformat(frozen.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).replace(microsecond=0)
    return datetime.now(UTC).replace(microsecond=0)


def utc_iso(moment: datetime) -> str:
    """Store form of an aware datetime: ``YYYY-MM-DDTHH:MM:SSZ``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored; attach a timezone first")
    return moment.astimezone(UTC).strftime(STORE_FORMAT)


def parse_utc(text: str) -> datetime:
    """Read a stored timestamp (``YYYY-MM-DDTHH:MM:SSZ``) back into an aware UTC datetime."""
    # fromisoformat, not strptime: the same answer for this fixed form, some 20 times
    # faster, and no _strptime and calendar to import while the meeting screen opens.
    if len(text) != 20 or text[10] != "T" or text[19] != "Z":
        raise ValueError(f"not a stored timestamp: {text!r}")
    return datetime.fromisoformat(text[:19]).replace(tzinfo=UTC)


@lru_cache(maxsize=32)
def zone(name: str) -> ZoneInfo:
    """A ZoneInfo by IANA name, or a UserError naming the bad value."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as Europe
        raise UserError(f"unknown time zone {name!r}; expected an IANA name such as Europe/Oslo") from None


def to_local(moment: datetime | str, tz: str) -> datetime:
    """A stored or aware moment in the workspace time zone."""
    if isinstance(moment, str):
        moment = parse_utc(moment)
    return moment.astimezone(zone(tz))


def iso_week_label(day: date) -> str:
    """ISO week label such as ``2026-W48`` (a period's label, not words)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_RELATIVE_DAYS = re.compile(r"^\+(\d{1,3})\s*([dwu]?)$", re.IGNORECASE)


def parse_due_date(text: str, today: date) -> date:
    """A due date as people type it: ``14.12.2026`` (or ``14.12.26``), ``2026-12-14``,
    ``+7`` / ``+7d`` (days) or ``+2w`` / ``+2u`` (weeks, "uker").

    Raises ValueError with a message fit to show under the field.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("a due date is needed, such as 14.12.2026 (or +7 for a week ahead)")
    if match := _NORWEGIAN_DATE.match(raw):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        year += 2000 if year < 100 else 0
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"{raw} is not a real date") from None
    if match := _RELATIVE_DAYS.match(raw):
        count = int(match[1])
        weeks = match[2].lower() in ("w", "u")
        return today + (timedelta(weeks=count) if weeks else timedelta(days=count))
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"due date {raw!r} not understood; expected dd.mm.yyyy "
                         "(such as 14.12.2026), 2026-12-14 or +7 (days)") from None
