"""Reading the values real exports write: dates, times and numbers in
Norwegian, US and ISO forms; empty cells become NULL.

Each parser is built once per column (``timestamp_parser``, ``date_parser``,
``number_parser``) and then called per cell. Timestamps take a fast path:
the part of a value up to its hour ("29.11.2026 14") is converted to UTC once
and cached, so most cells cost two dictionary lookups instead of a full parse.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, timedelta, timezone
from typing import Callable

from smarketing_tui.timeutil import zone

UTC = timezone.utc

#: Date families a mapping can name in ``date_format``.
DATE_FAMILIES = ("auto", "iso", "day-first", "month-first")

_EXPECTED = {
    "auto": "a date such as 29.11.2026 14:05, 2026-11-29T14:05 or 11/29/2026 2:05 PM",
    "iso": "an ISO date such as 2026-11-29 or 2026-11-29T14:05:00+01:00",
    "day-first": "a day-first date such as 29.11.2026 or 29.11.2026 14:05",
    "month-first": "a month-first date such as 11/29/2026 or 11/29/2026 2:05 PM",
}
NUMBER_EXPECTED = "a number such as 1 234,50 or 1234.50"


class BadValue(ValueError):
    """A cell that cannot be read: what is wrong and what was expected."""

    def __init__(self, reason: str, expected: str) -> None:
        super().__init__(f"{reason}, expected {expected}")
        self.reason, self.expected = reason, expected


# --------------------------------------------------------------------------- dates

_TIME = (r"(?:[T ,]+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?"
         r"(?:\s*([AaPp])\.?[Mm]\.?)?)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"
                  r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
                  r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?", re.IGNORECASE)
_DAY_FIRST_AUTO = re.compile(r"(\d{1,2})([.-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_DAY_FIRST = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_MONTH_FIRST = re.compile(r"(\d{1,2})(/)(\d{1,2})/(\d{4}|\d{2})" + _TIME)

# ":MM" and ":MM:SS" tails, mapped to their store form (":MM:SSZ").
_TAILS = {f":{m:02d}": f":{m:02d}:00Z" for m in range(60)}
_TAILS.update({f":{m:02d}:{s:02d}": f":{m:02d}:{s:02d}Z" for m in range(60) for s in range(60)})


class _Parts:
    """The pieces of one parsed date/time value."""

    __slots__ = ("year", "month", "day", "hour", "minute", "second", "offset", "has_time",
                 "hour_end")

    def __init__(self, year, month, day, hour, minute, second, offset, has_time, hour_end):
        self.year, self.month, self.day = year, month, day
        self.hour, self.minute, self.second = hour, minute, second
        self.offset, self.has_time, self.hour_end = offset, has_time, hour_end


def date_family(text: str) -> str | None:
    """The family a ``date_format`` value names (also strptime-style patterns), or None."""
    value = text.strip().lower()
    if value in DATE_FAMILIES:
        return value
    aliases = {"norwegian": "day-first", "dd.mm.yyyy": "day-first", "dd/mm/yyyy": "day-first",
               "us": "month-first", "mm/dd/yyyy": "month-first", "yyyy-mm-dd": "iso"}
    if value in aliases:
        return aliases[value]
    if "%d" in value and "%m" in value:
        if "%y" in value and value.index("%y") < value.index("%m"):
            return "iso"
        return "day-first" if value.index("%d") < value.index("%m") else "month-first"
    return None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _match(text: str, family: str) -> _Parts | None:
    """Split a value into its parts by family; None when it has another shape."""
    if family in ("iso", "auto"):
        m = _ISO.fullmatch(text)
        if m:
            offset = None
            if m[7]:
                sign = m[7][0]
                if sign in "zZ":
                    offset = 0
                else:
                    digits = m[7][1:].replace(":", "")
                    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
                    offset = -minutes if sign == "-" else minutes
            has_time = m[4] is not None
            return _Parts(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0),
                          int(m[6] or 0), offset, has_time, m.end(4) if has_time else -1)
        if family == "iso":
            return None
    if family in ("day-first", "auto"):
        m = (_DAY_FIRST if family == "day-first" else _DAY_FIRST_AUTO).fullmatch(text)
        if m:
            return _clock(m, day=int(m[1]), month=int(m[3]), year=_year(m[4]))
        if family == "day-first":
            return None
    m = _MONTH_FIRST.fullmatch(text)
    if m:
        return _clock(m, day=int(m[3]), month=int(m[1]), year=_year(m[4]))
    return None


def _clock(m: re.Match, *, day: int, month: int, year: int) -> _Parts:
    has_time = m[5] is not None
    hour = int(m[5] or 0)
    meridiem = (m[8] or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            hour = 99  # reported as an invalid time below
        elif meridiem == "a":
            hour = 0 if hour == 12 else hour
        else:
            hour = 12 if hour == 12 else hour + 12
    # The hour-prefix cache only serves plain 24-hour ":MM[:SS]" tails.
    hour_end = m.end(5) if has_time and not meridiem else -1
    return _Parts(year, month, day, hour, int(m[6] or 0), int(m[7] or 0), None, has_time, hour_end)


def _check(parts: _Parts, text: str, expected: str) -> None:
    if not 1 <= parts.month <= 12:
        raise BadValue(f"{text!r} has no month {parts.month}", expected)
    if not 1 <= parts.day <= monthrange(parts.year, parts.month)[1]:
        raise BadValue(f"{text!r} is not a day of the calendar", expected)
    if parts.hour > 23 or parts.minute > 59 or parts.second > 59:
        raise BadValue(f"{text!r} has an impossible time of day", expected)


def _parse(text: str, family: str) -> _Parts:
    stripped = text.strip()
    expected = _EXPECTED[family]
    parts = _match(stripped, family)
    if parts is None:
        if family == "day-first" and _MONTH_FIRST.fullmatch(stripped):
            raise BadValue(f"{stripped!r} is not day-first", expected)
        raise BadValue(f"{stripped!r} is not a date", expected)
    _check(parts, stripped, expected)
    return parts


def timestamp_parser(family: str, tz: str) -> Callable[[str], str | None]:
    """A parser from cell text to the store's UTC form ('2026-11-29T13:05:00Z').

    Values without an offset are read as local time in ``tz``; a date without a
    time is local midnight. Empty cells give None.
    """
    source_zone = zone(tz)
    hours: dict[str, str] = {}   # local text up to the hour -> UTC "YYYY-MM-DDTHH"
    days: dict[str, str] = {}    # date-only text -> UTC timestamp
    tails = _TAILS
    tail_length = 3

    def slow(text: str) -> str | None:
        nonlocal tail_length
        stripped = text.strip()
        if not stripped:
            return None
        parts = _parse(stripped, family)
        local = datetime(parts.year, parts.month, parts.day, parts.hour, parts.minute,
                         parts.second)
        if parts.offset is not None:
            moment = local - timedelta(minutes=parts.offset)
        else:
            moment = local.replace(tzinfo=source_zone).astimezone(UTC).replace(tzinfo=None)
        result = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        if stripped != text:
            return result  # only exact cell texts are cached
        if not parts.has_time:
            if len(days) < 100_000:
                days[text] = result
        elif parts.hour_end > 0 and parts.offset is None:
            tail = text[parts.hour_end:]
            whole_hours = (moment - local).total_seconds() % 3600 == 0
            if tail in tails and whole_hours and len(hours) < 200_000:
                hours[text[:parts.hour_end]] = result[:13]
                tail_length = len(tail)
        return result

    def parse(text: str) -> str | None:
        if not text:
            return None
        try:
            return hours[text[:-tail_length]] + tails[text[-tail_length:]]
        except KeyError:
            pass
        hit = days.get(text)
        return hit if hit is not None else slow(text)

    return parse


def date_parser(family: str, tz: str, workspace_tz: str) -> Callable[[str], str | None]:
    """A parser from cell text to a local ISO date ('2026-11-29') in the workspace zone."""
    source_zone, local_zone = zone(tz), zone(workspace_tz)
    cache: dict[str, str] = {}

    def parse(text: str) -> str | None:
        if not text:
            return None
        hit = cache.get(text)
        if hit is not None:
            return hit
        if not text.strip():
            return None
        parts = _parse(text, family)
        if parts.has_time:
            local = datetime(parts.year, parts.month, parts.day, parts.hour, parts.minute,
                             parts.second)
            if parts.offset is not None:
                moment = local.replace(tzinfo=timezone(timedelta(minutes=parts.offset)))
            else:
                moment = local.replace(tzinfo=source_zone)
            day = moment.astimezone(local_zone).date()
        else:
            day = date(parts.year, parts.month, parts.day)
        result = day.isoformat()
        if len(cache) < 100_000:
            cache[text] = result
        return result

    return parse


def date_expected(family: str) -> str:
    """What a date column of this family should hold, for error messages."""
    return _EXPECTED[family]


# --------------------------------------------------------------------------- numbers

_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")
_CODES = r"kr\.?|nok|sek|dkk|eur|usd|gbp|[$€£]"
_CURRENCY = re.compile(rf"^(?:{_CODES})\s*|\s*(?:{_CODES}|,-)$", re.IGNORECASE)
_GROUPED = {",": re.compile(r"-?\d{1,3}(?:,\d{3})+"), ".": re.compile(r"-?\d{1,3}(?:\.\d{3})+")}


def number_parser(decimal: str = "auto") -> Callable[[str], float | None]:
    """A parser from cell text to a float.

    Accepts Norwegian ``1 234,50`` (space, no-break space or thin space between
    thousands), US ``1,234.50``, plain ``1234.5`` and a currency code or sign
    before or after. ``decimal`` is ``","``, ``"."`` or ``"auto"``; in auto a lone
    ``1,234`` is ambiguous and rejected (say ``decimal:`` in the mapping).
    """
    if decimal not in ("auto", ",", "."):
        raise ValueError(f"decimal must be ',', '.' or 'auto', not {decimal!r}")

    def parse(text: str) -> float | None:
        if not text:
            return None
        if decimal != "," and _PLAIN_NUMBER.fullmatch(text):
            return float(text)
        return _slow_number(text, decimal)

    return parse


def _slow_number(text: str, decimal: str) -> float | None:
    stripped = text.strip()
    if not stripped:
        return None
    compact = _CURRENCY.sub("", stripped).translate(_SPACES).replace("\u2212", "-")
    if compact.startswith("+"):
        compact = compact[1:]
    has_comma, has_dot = "," in compact, "." in compact
    if has_comma and has_dot:
        sep = "," if compact.rindex(",") > compact.rindex(".") else "."
        thousands = "." if sep == "," else ","
        whole, _, fraction = compact.rpartition(sep)
        if not _GROUPED[thousands].fullmatch(whole):
            raise BadValue(f"{stripped!r} is not a number", NUMBER_EXPECTED)
        compact = whole.replace(thousands, "") + "." + fraction
    elif has_comma or has_dot:
        mark = "," if has_comma else "."
        grouped = _GROUPED[mark].fullmatch(compact) is not None
        if decimal == mark:
            is_thousands = False
        elif decimal != "auto":
            is_thousands = True
        elif grouped and compact.count(mark) == 1:
            raise BadValue(f"{stripped!r} is ambiguous (thousands or decimals?)",
                           f"{NUMBER_EXPECTED}; set decimal: \",\" or \".\" in the mapping")
        else:
            is_thousands = grouped
        if is_thousands:
            if not grouped:
                raise BadValue(f"{stripped!r} is not a number", NUMBER_EXPECTED)
            compact = compact.replace(mark, "")
        else:
            compact = compact.replace(",", ".")
    if not _PLAIN_NUMBER.fullmatch(compact):
        raise BadValue(f"{stripped!r} is not a number", NUMBER_EXPECTED)
    return float(compact)
