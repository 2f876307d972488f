"""Reading the values real exports write: dates, times and numbers in
Norwegian, US and ISO forms; empty cells become NULL.

Each parser is built once per column (``timestamp_parser``, ``date_parser``,
``number_parser``) and then called per cell. Timestamps take a fast path:
the part of a value up to its hour ("29.11.2026 14") is converted to UTC once
and cached, with the other hours of its day, so most cells cost two dictionary
lookups instead of a full parse.
"""

from __future__ import annotations

import re
from calendar import monthrange
from functools import lru_cache
from operator import itemgetter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Callable

from smarketing_tui.timeutil import counted, now_utc, zone

UTC = timezone.utc

#: Dates before this year are flagged as suspicious (Excel's empty date is 1899-12-30).
EARLIEST_YEAR = 1990

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
                 "hour_start", "hour_end")

    def __init__(self, year, month, day, hour, minute, second, offset, has_time, hour_end,
                 hour_start=-1):
        self.year, self.month, self.day = year, month, day
        self.hour, self.minute, self.second = hour, minute, second
        self.offset, self.has_time, self.hour_end = offset, has_time, hour_end
        self.hour_start = hour_start  # where the hour's digits start when hour_end is set


def date_family(text: str) -> str | None:
    """The family a ``date_format`` value names (a family or one of its aliases), or None."""
    value = text.strip().lower()
    if value in DATE_FAMILIES:
        return value
    aliases = {"norwegian": "day-first", "dd.mm.yyyy": "day-first", "dd/mm/yyyy": "day-first",
               "us": "month-first", "mm/dd/yyyy": "month-first", "yyyy-mm-dd": "iso"}
    return aliases.get(value)


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
                          int(m[6] or 0), offset, has_time, m.end(4) if has_time else -1,
                          m.start(4))
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
    return _Parts(year, month, day, hour, int(m[6] or 0), int(m[7] or 0), None, has_time, hour_end,
                  m.start(5))


def _check(parts: _Parts, text: str, expected: str) -> None:
    if not 1 <= parts.month <= 12:
        raise BadValue(f"{text!r} has no month {parts.month}", expected)
    if not 1 <= parts.day <= monthrange(parts.year, parts.month)[1]:
        raise BadValue(f"{text!r} is not a day of the calendar", expected)
    if parts.hour > 23 or parts.minute > 59 or parts.second > 59:
        raise BadValue(f"{text!r} has an impossible time of day", expected)


def _parse(text: str, date_format: str) -> _Parts:
    stripped = text.strip()
    if date_format in _EXPECTED:
        expected = _EXPECTED[date_format]
        parts = _match(stripped, date_format)
        if parts is None:
            if date_format == "day-first" and _MONTH_FIRST.fullmatch(stripped):
                raise BadValue(f"{_shown(stripped)} is not day-first", expected)
            raise BadValue(f"{_shown(stripped)} is not a date", expected)
    else:
        pattern = compile_date_pattern(date_format)
        expected = pattern.expected
        parts = pattern.match(stripped)
        if parts is None:
            raise BadValue(f"{_shown(stripped)} does not fit the date_format", expected)
    _check(parts, stripped, expected)
    return parts


# --------------------------------------------------------------------------- patterns

# Month and weekday names in English and Norwegian (bokmål), full and abbreviated, read
# whatever the process locale: strptime's %b would read only the locale's own names.
_MONTH_NAMES = (
    ("january", "januar", "jan"), ("february", "februar", "feb"), ("march", "mars", "mar"),
    ("april", "apr"), ("may", "mai"), ("june", "juni", "jun"), ("july", "juli", "jul"),
    ("august", "aug"), ("september", "sept", "sep"), ("october", "oktober", "oct", "okt"),
    ("november", "nov"), ("december", "desember", "dec", "des"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_WEEKDAYS = ("monday", "mandag", "mon", "man", "tuesday", "tirsdag", "tues", "tue", "tirs", "tir",
             "wednesday", "onsdag", "wed", "ons", "thursday", "torsdag", "thurs", "thu", "tors",
             "tor", "friday", "fredag", "fri", "fre", "saturday", "lørdag", "sat", "lør",
             "sunday", "søndag", "sun", "søn")


def _names(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))  # longest first: "sept" before "sep"


# Each directive's regex. Names may end in a dot ("15. apr. 2021"), so a "." written after
# %b or %a in the pattern is optional in the value ("15. mai 2021" fits "%d. %b. %Y").
_DIRECTIVES = {
    "d": r"(?P<d>\d{1,2})", "m": r"(?P<m>\d{1,2})", "Y": r"(?P<Y>\d{4})", "y": r"(?P<y>\d{2})",
    "b": rf"(?P<b>{_names(MONTHS)})\.?", "H": r"(?P<H>\d{1,2})", "I": r"(?P<I>\d{1,2})",
    "M": r"(?P<M>\d{1,2})", "S": r"(?P<S>\d{1,2})", "f": r"(?P<f>\d{1,6})",
    "p": r"(?P<p>[ap])\.?m\.?", "z": r"(?P<z>Z|[+-]\d{2}(?::?\d{2})?)", "Z": r"(?P<Z>UTC|GMT)",
    "a": rf"(?:{_names(_WEEKDAYS)})\.?",
}
_SAME = {"B": "b", "h": "b", "A": "a"}
_SHORTHANDS = {"T": "%H:%M:%S", "R": "%H:%M", "F": "%Y-%m-%d"}
_TIME_DIRECTIVES = frozenset("HIMSfpzZ")
_EXAMPLE = {"d": "29", "m": "11", "Y": "2026", "y": "26", "b": "Nov", "B": "November",
            "h": "Nov", "H": "14", "I": "02", "M": "05", "S": "09", "f": "250000", "p": "PM",
            "z": "+0100", "Z": "UTC", "a": "Sun", "A": "Sunday"}


class _Pattern:
    """A strptime pattern compiled once into a regex."""

    __slots__ = ("regex", "expected", "twelve_hour", "_at")

    def __init__(self, regex: re.Pattern, expected: str, twelve_hour: bool) -> None:
        self.regex, self.expected, self.twelve_hour = regex, expected, twelve_hour
        # Group positions in m.groups(), looked up once (by name would cost per cell).
        self._at = itemgetter(*(regex.groupindex[name] - 1 for name in
                                ("Y", "y", "m", "b", "d", "H", "I", "M", "S", "p", "z", "Z")))

    def match(self, text: str) -> _Parts | None:
        m = self.regex.fullmatch(text)
        if m is None:
            return None
        groups = m.groups()
        (year4, year2, month_number, month_name, day, hour24, hour12, minute, second,
         meridiem, offset_text, zone_name) = self._at(groups)
        year = int(year4) if year4 is not None else 2000 + int(year2)
        month = int(month_number) if month_number is not None else MONTHS[month_name.lower()]
        hour_text = hour12 if self.twelve_hour else hour24
        has_time = hour_text is not None
        hour = int(hour_text) if has_time else 0
        hour_end = -1
        if self.twelve_hour and has_time:
            if not 1 <= hour <= 12:
                hour = 99  # reported as an impossible time
            elif meridiem.lower() == "a":
                hour = 0 if hour == 12 else hour
            else:
                hour = 12 if hour == 12 else hour + 12
        elif has_time:
            hour_end = m.end("H")
        offset = None
        zone_text = offset_text or zone_name
        if zone_text:
            offset = 0
            if zone_text[0] in "+-":
                digits = zone_text[1:].replace(":", "")
                minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
                offset = -minutes if zone_text[0] == "-" else minutes
        return _Parts(year, month, int(day), hour, int(minute or 0), int(second or 0),
                      offset, has_time, hour_end, m.start("H") if hour_end > 0 else -1)


def _tokens(pattern: str) -> list[tuple[str, str]]:
    """A pattern as ("directive", letter) and ("text", literal) tokens; shorthands expanded."""
    tokens: list[tuple[str, str]] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char != "%":
            tokens.append(("text", char))
            index += 1
            continue
        letter = pattern[index + 1:index + 2]
        if letter == "-":  # %-d (no zero padding, as strftime writes it) reads like %d
            letter = pattern[index + 2:index + 3]
            index += 1
        index += 2
        if letter == "%":
            tokens.append(("text", "%"))
        elif letter in _SHORTHANDS:
            tokens.extend(_tokens(_SHORTHANDS[letter]))
        elif letter in _DIRECTIVES or letter in _SAME:
            tokens.append(("directive", letter))
        else:
            known = "%d %m %b %B %Y %y %H %I %M %S %p %f %z %Z %a %A %T %R %F %%"
            raise ValueError(f"the pattern {pattern!r} has %{letter}, which is not one of the "
                             f"directives read: {known}")
    return tokens


@lru_cache(maxsize=256)
def compile_date_pattern(pattern: str) -> _Pattern:
    """A strptime-style ``date_format`` pattern, compiled once (ValueError when it is wrong).

    Read as ``datetime.strptime`` would, case-insensitively, with English and Norwegian
    month and weekday names whatever the locale. A trailing time part is optional in
    the value: a date alone is midnight.
    """
    tokens = _tokens(pattern)
    letters = [_SAME.get(value, value) for kind, value in tokens if kind == "directive"]
    repeated = sorted({f"%{x}" for x in letters if letters.count(x) > 1 and x != "a"})
    if repeated:
        raise ValueError(f"the pattern {pattern!r} has {', '.join(repeated)} more than once")
    if "d" not in letters or not {"m", "b"} & set(letters) or not {"Y", "y"} & set(letters):
        raise ValueError(f"the pattern {pattern!r} needs a day (%d), a month (%m, %b or %B) "
                         "and a year (%Y or %y)")
    if "m" in letters and "b" in letters:
        raise ValueError(f"the pattern {pattern!r} gives the month twice (%m and a name; "
                         "the minute is %M)")
    if "Y" in letters and "y" in letters:
        raise ValueError(f"the pattern {pattern!r} gives the year twice (%Y and %y)")
    twelve_hour = "I" in letters
    if twelve_hour != ("p" in letters) or (twelve_hour and "H" in letters):
        raise ValueError(f"the pattern {pattern!r} mixes up its hours: use %H (0-23), or %I "
                         "(1-12) with %p (AM/PM)")
    # Where the optional time part starts: the separator before the first time directive,
    # when only time directives and separators follow it.
    kinds = [(kind, _SAME.get(value, value)) for kind, value in tokens]
    first_time = next((i for i, (kind, value) in enumerate(kinds)
                       if kind == "directive" and value in _TIME_DIRECTIVES), None)
    optional_from = None
    if first_time is not None and all(kind == "text" or value in _TIME_DIRECTIVES
                                      for kind, value in kinds[first_time:]):
        optional_from = first_time
        while optional_from > 0 and kinds[optional_from - 1][0] == "text" \
                and not kinds[optional_from - 1][1].isalnum():
            optional_from -= 1
    parts: list[str] = []
    previous = ""
    for position, (kind, value) in enumerate(kinds):
        if position == optional_from:
            parts.append("(?:")
        if kind == "directive":
            parts.append(_DIRECTIVES[value])
        elif value == "." and previous in ("b", "a"):
            pass  # the name's own optional dot
        elif value.isspace():
            if not (parts and parts[-1] == r"\s+"):
                parts.append(r"\s+")
        else:
            parts.append(re.escape(value))
        previous = value if kind == "directive" else ""
    if optional_from is not None:
        parts.append(")?")
    source = "".join(parts)
    for name in ("Y", "y", "m", "b", "H", "I", "M", "S", "p", "z", "Z", "d"):
        if f"(?P<{name}>" not in source:
            source += f"(?P<{name}>(?!))?"  # never matches: the group reads as None
    example = re.sub(r"%-?([a-zA-Z%])",
                     lambda m: _EXAMPLE.get(m[1], "%" if m[1] == "%" else m[0]),
                     re.sub(r"%([TRF])", lambda m: _SHORTHANDS[m[1]], pattern))
    expected = f"a date in the pattern {pattern!r} such as {example}"
    return _Pattern(re.compile(source, re.IGNORECASE), expected, twelve_hour)


def normalise_date_format(text: str) -> str:
    """A ``date_format`` value as kept in a mapping: a family's name, or the pattern itself.

    Raises ValueError (saying why) for neither.
    """
    family = date_family(text)
    if family is not None:
        return family
    if "%" in text:
        compile_date_pattern(text)
        return text
    raise ValueError(f"unknown date_format {text!r}")


def _suspicion(parts: _Parts, result: str, future_after: str | None) -> str | None:
    """'early' for a date before 1990, 'future' for one past ``future_after``, else None."""
    if parts.year < EARLIEST_YEAR:
        return "early"
    if future_after is not None and result > future_after:
        return "future"
    return None


def _future_limit(future_ok: bool) -> str | None:
    if future_ok:
        return None
    return (now_utc() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


Note = Callable[[str, str], None]   # (kind of suspicion, the cell's text)


_ONE_DAY = timedelta(days=1)


def _cache_day(hours: dict[str, str], prefix: str, parts: _Parts, source_zone,
               future_after: str | None) -> None:
    """Put every hour of the day ``parts`` falls on in the hour cache (keys ``prefix`` and
    the hour, with and without a leading zero), when the zone's offset is a whole number
    of hours all that day: a file's times fall on few days, so one miss per day."""
    day = date(parts.year, parts.month, parts.day)
    offset = datetime(parts.year, parts.month, parts.day, tzinfo=source_zone).utcoffset()
    if offset != datetime(parts.year, parts.month, parts.day, 23, 59,
                          tzinfo=source_zone).utcoffset() or offset.total_seconds() % 3600:
        return  # a daylight-saving change that day: its hours are cached one by one
    shift = int(offset.total_seconds()) // 3600
    dates = ((day - _ONE_DAY).isoformat(), day.isoformat(), (day + _ONE_DAY).isoformat())
    limit = future_after[:13] if future_after is not None else None
    for hour in range(24):
        utc_hour = hour - shift
        value = f"{dates[1 + (utc_hour >= 24) - (utc_hour < 0)]}T{utc_hour % 24:02d}"
        if limit is not None and value >= limit:
            continue  # not wholly before the future limit: parsed (and noted) per cell
        hours[f"{prefix}{hour:02d}"] = value
        if hour < 10:
            hours[f"{prefix}{hour}"] = value


def timestamp_parser(date_format: str, tz: str, *, note: Note | None = None,
                     future_ok: bool = False,
                     caches: dict | None = None) -> Callable[[str], str | None]:
    """A parser from cell text to the store's UTC form ('2026-11-29T13:05:00Z').

    ``date_format`` is a family (``DATE_FAMILIES``) or a strptime pattern. Values
    without an offset are read as local time in ``tz``; a date without a time is
    local midnight. Empty cells give None. With ``note``, a date before 1990 or
    more than a day after now (unless ``future_ok``) is passed to it, and read.

    Parsers given the same ``caches`` dict (one per import) share what they learn when
    they read the same pattern in the same zone with the same checks: a file's date
    columns mostly fall in the same hours, so each hour is parsed once, not once a column.
    """
    if date_format not in _EXPECTED:
        compile_date_pattern(date_format)
    source_zone = zone(tz)
    future_after = _future_limit(future_ok) if note is not None else None
    # local text up to the hour -> UTC "YYYY-MM-DDTHH"; date-only text -> UTC timestamp
    shared = {} if caches is None else caches
    hours, days = shared.setdefault((date_format, tz, note is None, future_after), ({}, {}))
    tails = _TAILS
    tail_length = 3

    def slow(text: str) -> str | None:
        nonlocal tail_length
        stripped = text.strip()
        if not stripped:
            return None
        parts = _parse(stripped, date_format)
        local = datetime(parts.year, parts.month, parts.day, parts.hour, parts.minute,
                         parts.second)
        if parts.offset is not None:
            moment = local - timedelta(minutes=parts.offset)
        else:
            moment = local.replace(tzinfo=source_zone).astimezone(UTC).replace(tzinfo=None)
        result = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        if note is not None:
            kind = _suspicion(parts, result, future_after)
            if kind is not None:
                note(kind, stripped)
                return result  # never cached, so every such cell is noted
        if stripped != text:
            return result  # only exact cell texts are cached
        if not parts.has_time:
            if len(days) < 100_000:
                days[text] = result
        elif parts.hour_end > 0 and parts.offset is None:
            tail = text[parts.hour_end:]
            whole_hours = (moment - local).total_seconds() % 3600 == 0
            # The hour is cached only when all of it is before the future limit, so a
            # later minute of it past the limit is still parsed and noted.
            whole_hour_ok = future_after is None or result[:13] < future_after[:13]
            if tail in tails and whole_hours and whole_hour_ok and len(hours) < 200_000:
                hours[text[:parts.hour_end]] = result[:13]
                tail_length = len(tail)
                _cache_day(hours, text[:parts.hour_start], parts, source_zone, future_after)
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


def date_parser(date_format: str, tz: str, workspace_tz: str, *, note: Note | None = None,
                future_ok: bool = False) -> Callable[[str], str | None]:
    """A parser from cell text to a local ISO date ('2026-11-29') in the workspace zone.

    ``note`` and ``future_ok`` as for :func:`timestamp_parser`.
    """
    if date_format not in _EXPECTED:
        compile_date_pattern(date_format)
    source_zone, local_zone = zone(tz), zone(workspace_tz)
    future_after = _future_limit(future_ok) if note is not None else None
    if future_after is not None:
        future_after = future_after[:10]
    cache: dict[str, str] = {}

    def parse(text: str) -> str | None:
        if not text:
            return None
        hit = cache.get(text)
        if hit is not None:
            return hit
        if not text.strip():
            return None
        parts = _parse(text, date_format)
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
        if note is not None:
            kind = _suspicion(parts, result, future_after)
            if kind is not None:
                note(kind, text.strip())
                return result
        if len(cache) < 100_000:
            cache[text] = result
        return result

    return parse


def date_expected(date_format: str) -> str:
    """What a date column in this family or pattern should hold, for error messages."""
    if date_format in _EXPECTED:
        return _EXPECTED[date_format]
    return compile_date_pattern(date_format).expected


# --------------------------------------------------------------------------- numbers

_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d{1,3})?")
#: The largest magnitude stored: beyond it a float no longer holds whole cents.
MAX_NUMBER = 1e15
_OUT_OF_RANGE = "a number smaller than 1 000 000 000 000 000 in size"
_SPACE_CHARS = " \u00a0\u202f\u2009'"
_SPACES = str.maketrans("", "", _SPACE_CHARS)
# Currency signs and codes a money cell may carry, before or after the number, and the
# ISO code each one means ("kr" is taken as NOK and "$" as USD).
CURRENCY_SIGNS = {"kr": "NOK", "kr.": "NOK", "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP"}
CURRENCY_CODES = ("NOK", "SEK", "DKK", "ISK", "EUR", "USD", "GBP", "CHF", "PLN", "CAD", "AUD",
                  "NZD", "JPY", "CNY", "INR")
_CURRENCY_WORDS = {**CURRENCY_SIGNS, **{code.lower(): code for code in CURRENCY_CODES}}
_CODES = "|".join(re.escape(w) for w in sorted(_CURRENCY_WORDS, key=len, reverse=True))
_CURRENCY_BEFORE = re.compile(rf"({_CODES})\s*", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(rf"\s*({_CODES})$", re.IGNORECASE)
# "1,117.10K", "2.5M", "2,5 mill."
_MULTIPLIER = re.compile(r"\s*(k|m|b|mill\.?|mrd\.?)$", re.IGNORECASE)
_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "mill": 1_000_000, "b": 1_000_000_000,
                "mrd": 1_000_000_000}
_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP"}
# Both marks present, or spaces between thousands: never ambiguous, read in one step.
_US_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+\.\d+")                  # 22,700.00
_EU_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+,\d+")                  # 1.234,50
_NO_GROUPED = re.compile(r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?")  # 1 234,50
_GROUPED = {",": re.compile(r"-?\d{1,3}(?:,\d{3})+"), ".": re.compile(r"-?\d{1,3}(?:\.\d{3})+")}
_SPACE_GROUPED = re.compile(rf"\d{{1,3}}(?:[{_SPACE_CHARS}]\d{{3}})+(?:[.,]\d+)?")


def number_parser(decimal: str = "auto", *, note: Note | None = None,
                  memo: dict[str, float | None] | None = None
                  ) -> Callable[[str], float | None]:
    """A parser from cell text to a float.

    Accepts Norwegian ``1 234,50`` (space, no-break space or narrow no-break space
    between thousands), US ``1,234.50``, plain ``1234.5`` or ``1.5E+6``, a currency
    sign or code before or after (``$22,700.00``, ``kr 1 234,50``, ``1 234,50 NOK``),
    a K, M or B multiplier (``1,117.10K``, ``2.5M``) and ``(1,200.00)`` or a minus
    for a negative amount. ``decimal`` is ``","``, ``"."`` or ``"auto"``; in auto a
    lone ``1,234`` is ambiguous and rejected (say ``decimal:`` in the mapping).
    Infinite, NaN and numbers of 10^15 or more are refused. With ``note``, a
    negative number is passed to it (kind ``"negative"``), and read. ``memo``, when
    given, is filled with cell texts and their values (never a noted one), for a
    caller that looks a repeated amount up before calling.
    """
    if decimal not in ("auto", ",", "."):
        raise ValueError(f"decimal must be ',', '.' or 'auto', not {decimal!r}")

    seen: dict[str, float | None] = {}   # cell text -> value, for the slow forms

    def parse(text: str) -> float | None:
        if not text:
            return None
        if decimal != "," and _PLAIN_NUMBER.fullmatch(text):
            value = float(text)
            if not -MAX_NUMBER < value < MAX_NUMBER:
                raise BadValue(f"{_shown(text)} is too large to store", _OUT_OF_RANGE)
        else:
            try:
                value = seen[text]
            except KeyError:
                value = _slow_number(text, decimal)
                if len(seen) < 10_000:   # repeated amounts; distinct ones are not worth it
                    seen[text] = value
            if value is None:
                return None
        if value < 0 and note is not None:
            note("negative", text.strip())
            return value
        if memo is not None and len(memo) < 10_000:
            memo[text] = value
        return value

    return parse


def currency_parser() -> Callable[[str], str | None]:
    """A parser for a currency cell: a code (``NOK``), a sign (``kr``, ``$``: their code),
    or a money amount whose sign or code gives the currency (``$22,700.00``: USD;
    ``22700``: None). Other text is kept as written."""

    def parse(text: str) -> str | None:
        stripped = text.strip()
        if not stripped:
            return None
        first = stripped[0]
        if first in _SIGNS:          # "$22,700.00": the common case, without splitting it
            return _SIGNS[first]
        if first.isdigit() and stripped[-1].isdigit():
            return None              # "22700", "1 234,50": no currency in it
        word = _CURRENCY_WORDS.get(stripped.casefold())
        if word is not None:
            return word
        if not any(c.isdigit() for c in stripped):
            return stripped
        try:
            return _split_money(stripped)[2]
        except BadValue:
            return None  # not money: the amount's own parser reports the cell

    return parse


def _split_money(text: str) -> tuple[str, bool, str | None, int]:
    """(the number's text, negative, ISO currency or None, multiplier) of a money cell."""
    if text[0].isdigit() and text[-1].isdigit():
        return text, False, None, 1   # "1 234,50", "22,700.00": nothing around the number
    body, negative, currency, multiplier = text, False, None, 1
    for _ in range(2):   # a sign outside and inside a currency: "-$5", "$(5)", "($5)"
        if body.startswith(("-", "\u2212")) or (body[:1] == "(" and body[-1:] == ")"):
            if negative:
                raise BadValue(f"{text!r} is not a number", NUMBER_EXPECTED)
            negative = True
            body = (body[1:-1] if body[0] == "(" else body[1:]).strip()
        elif body[:1] == "+":
            body = body[1:].strip()
        if body[:1].isdigit() or currency is not None:
            break
        sign = _SIGNS.get(body[:1])
        if sign is not None:   # "$22,700.00": no regex needed
            currency, body = sign, body[1:].lstrip()
            continue
        found = _CURRENCY_BEFORE.match(body)
        if found is None:
            break
        currency = _CURRENCY_WORDS[found[1].casefold()]
        body = body[found.end():]
    for _ in range(3):   # after the number: "NOK", ",-", "K" in any sensible order
        if not body or body[-1].isdigit():
            break
        if body.endswith(",-"):   # "1 234,-": whole kroner
            body = body[:-2]
            continue
        found = _CURRENCY_AFTER.search(body)
        if found is not None:
            iso = _CURRENCY_WORDS[found[1].casefold()]
            if currency is not None and iso != currency:
                raise BadValue(f"{text!r} names two currencies", NUMBER_EXPECTED)
            currency, body = iso, body[:found.start()]
            continue
        found = _MULTIPLIER.search(body)
        if found is not None and multiplier == 1 and body[:found.start()][-1:].isdigit():
            multiplier = _MULTIPLIERS[found[1].lower().rstrip(".")]
            body = body[:found.start()]
            continue
        break
    return body.strip(), negative, currency, multiplier


def _slow_number(text: str, decimal: str) -> float | None:
    stripped = text.strip()
    if not stripped:
        return None
    body, negative, _currency, multiplier = _split_money(stripped)
    if multiplier == 1:
        value = None
        if _US_GROUPED.fullmatch(body):
            value = float(body.replace(",", ""))
        elif _EU_GROUPED.fullmatch(body):
            value = float(body.replace(".", "").replace(",", "."))
        elif _NO_GROUPED.fullmatch(body):
            value = float(body.translate(_SPACES).replace(",", "."))
        if value is not None:
            if not value < MAX_NUMBER:
                raise BadValue(f"{_shown(stripped)} is too large to store", _OUT_OF_RANGE)
            return -value if negative else value
    body = body.replace("\u2212", "-")
    if any(c in body for c in _SPACE_CHARS) and not _SPACE_GROUPED.fullmatch(body.lstrip("-")):
        raise BadValue(f"{stripped!r} is not a number", NUMBER_EXPECTED)
    compact = body.translate(_SPACES)
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
    if not _PLAIN_NUMBER.fullmatch(compact) or compact.startswith("-") and negative:
        raise BadValue(f"{stripped!r} is not a number", NUMBER_EXPECTED)
    if multiplier == 1:
        value = float(compact)
    else:
        value = float(Decimal(compact) * multiplier)   # exact: 1117.10 * 1000 is 1117100
    if negative:
        value = -value
    if not -MAX_NUMBER < value < MAX_NUMBER:   # also infinity; NaN never gets this far
        raise BadValue(f"{_shown(stripped)} is too large to store", _OUT_OF_RANGE)
    return value


def _shown(text: str) -> str:
    """A cell quoted for a message, a very long one shortened (a 400-digit amount)."""
    if len(text) <= 40:
        return repr(text)
    return f"{text[:12]!r}…{text[-6:]!r} ({len(text)} characters)"


# --------------------------------------------------------------------------- suspicions

#: What each kind of suspicious value is, for the warning line.
SUSPICIONS = {"early": "a date before 1990",
              "future": "a date more than a day in the future",
              "negative": "a negative amount"}
SHOWN_LINES = 5


@dataclass
class Suspicious:
    """One kind of suspicious value in a file: which rows, which columns, the first value."""

    kind: str
    lines: list[int] = field(default_factory=list)   # the first SHOWN_LINES rows
    rows: int = 0
    columns: list[str] = field(default_factory=list)
    first: str = ""

    def render(self, label: str) -> str:
        """``FILE: warning: 3 rows with a date before 1990 (lines 2, 5, 9; column 'X';
        first '30.12.1899')``."""
        more = ", …" if self.rows > len(self.lines) else ""
        lines = ", ".join(str(n) for n in self.lines) + more
        columns = ", ".join(f"'{c}'" for c in self.columns)
        return (f"{label}: warning: {counted(self.rows, 'row')} with {SUSPICIONS[self.kind]} "
                f"(line{'s' if self.rows > 1 else ''} {lines}; "
                f"column{'s' if len(self.columns) > 1 else ''} {columns}; "
                f"first {_shown(self.first)})").replace("\n", " ")


class Suspicions:
    """Values that were read but look wrong, gathered row by row while a file is read.

    A parser made with a :meth:`noter` notes a value of the row being converted; the
    reader then :meth:`settle` s the row with its line number, or :meth:`discard` s it
    when the row was bad.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[str, str, str]] = []   # (kind, column, text) of this row
        self.found: dict[str, Suspicious] = {}

    def noter(self, column: str) -> Note:
        """The ``note`` for the parsers of one column."""
        pending = self.pending

        def note(kind: str, text: str) -> None:
            pending.append((kind, column, text))

        return note

    def settle(self, line: int) -> None:
        """Count what the row on ``line`` noted (once per kind)."""
        seen = set()
        for kind, column, text in self.pending:
            entry = self.found.get(kind)
            if entry is None:
                entry = self.found[kind] = Suspicious(kind, first=text)
            if column not in entry.columns:
                entry.columns.append(column)
            if kind not in seen:
                seen.add(kind)
                entry.rows += 1
                if len(entry.lines) < SHOWN_LINES:
                    entry.lines.append(line)
        self.pending.clear()

    def discard(self) -> None:
        """Forget what a bad row noted."""
        self.pending.clear()

    def reset(self) -> None:
        """Start again (the file is read a second time)."""
        self.pending.clear()
        self.found.clear()

    def all(self) -> list[Suspicious]:
        """Every kind found, in the order of ``SUSPICIONS``."""
        return [self.found[kind] for kind in SUSPICIONS if kind in self.found]
