"""Time and number helpers: UTC storage, workspace-timezone display, Norwegian formats.

Every timestamp in the store is UTC ISO 8601 with a ``Z`` suffix and second
precision (``2026-11-29T13:05:00Z``): fixed width, so string order is time
order and SQLite's date functions read it directly.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from smarketing_tui.errors import UserError

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


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 decision``, ``3 decisions``, ``0 action items``, ``1 234 leads``: the count in
    Norwegian number format and the noun in the form that goes with it."""
    word = noun if count == 1 else (plural or noun + "s")
    return f"{format_number(count)} {word}"


def format_number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """Norwegian number format: ``1 234,50`` (no-break space groups, decimal comma).

    Rounds half away from zero on the number as written, as people round by hand:
    ``12.25`` to one decimal is ``12,3`` (Python's own formatting would give ``12,2``, since it
    rounds the binary value half to even). A value that rounds to zero shows no minus sign.
    A number of 10^15 or more in size (no count or amount a company has; past it a float holds
    no longer every whole number) is shown with three significant digits: ``1e+308``.
    """
    if value is None:
        return "–"
    number = _as_decimal(value)
    if not number.is_finite():
        return str(value)
    if abs(number) >= _HUGE:
        return f"{number.normalize():.3g}".replace(".", ",")
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)  # -0.04 to one decimal is 0,0, not -0,0
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


_HUGE = Decimal(10) ** 15


def _as_decimal(value: float | int | Decimal) -> Decimal:
    """The number as written: a float by its shortest repr, so 12.25 stays 12.25 exactly."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(int(value))


def format_money(value: float | int | None, currency: str = "NOK", decimals: int = 0) -> str:
    """An amount with its currency code after it: ``12 500 NOK``."""
    if value is None:
        return "–"
    return f"{format_number(value, decimals)}\u00a0{currency}"


def format_percent(share: float | None, decimals: int = 0) -> str:
    """A 0..1 share as a Norwegian percentage: ``42 %`` (scaled exactly: 0.1225 is 12,25 %)."""
    if share is None:
        return "–"
    return f"{format_number(_as_decimal(share) * 100, decimals)}\u00a0%"


def format_date(value: date | datetime) -> str:
    """Norwegian date: ``29.11.2026``."""
    return value.strftime("%d.%m.%Y")


def format_datetime(moment: datetime | str, tz: str) -> str:
    """Norwegian date and time in the workspace zone: ``29.11.2026 14:05``."""
    return to_local(moment, tz).strftime("%d.%m.%Y %H:%M")


def iso_week_label(day: date) -> str:
    """ISO week label such as ``2026-W48``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def describe_age(then: datetime, now: datetime) -> str:
    """Human age of a moment: 'just now', '5 hours old', '2 days old'."""
    seconds = (now - then).total_seconds()
    if seconds < 90:
        return "just now"
    minutes = seconds / 60
    if minutes < 90:
        return f"{round(minutes)} minutes old"
    hours = minutes / 60
    if hours < 36:
        return f"{round(hours)} hours old"
    days = round(hours / 24)
    return f"{days} day{'s' if days != 1 else ''} old"


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
