"""Business hours: how much working time lies between two moments, and deadlines.

The clock runs on the weekdays of ``Settings.business_hours`` between its
``start`` and ``end`` wall-clock times in the workspace time zone, and stands
still on holidays: the public holidays of ``holiday_country`` (from the
``holidays`` package, imported only when a clock needs them) and the extra
dates listed. Each day's window is converted to UTC on its own, so a DST
change moves the window in UTC but never its local hours.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Iterator

from smarketing_tui.errors import InputError, UserError
from smarketing_tui.timeutil import UTC, zone

# Deadlines further away than this are treated as a configuration mistake.
MAX_SEARCH_DAYS = 3660


def is_business_day(day: date, hours) -> bool:
    """True when the clock runs on ``day`` (a configured weekday and not a holiday)."""
    if day.weekday() not in hours.days:
        return False
    iso = day.isoformat()
    if iso in hours.holidays:
        return False
    return hours.holiday_country is None or iso not in public_holidays(hours, day.year)


def public_holidays(hours, year: int) -> frozenset[str]:
    """ISO dates of the public holidays of ``hours.holiday_country`` in ``year`` (none
    without a country). An unknown country is an InputError at its place in the file."""
    if hours.holiday_country is None:
        return frozenset()
    check_holiday_country(hours)
    return _country_holidays(hours.holiday_country, year)


def check_holiday_country(hours) -> None:
    """Raise an InputError with a did-you-mean when the holidays package does not know
    ``hours.holiday_country``."""
    country = hours.holiday_country
    if country is None:
        return
    known = _known_countries()
    if country in known:
        return
    from smarketing_tui.yamlfile import suggest

    names = {name.casefold(): code for name, code in _country_names().items()}
    named = names.get(country.casefold())
    hint = f" (did you mean {named!r}?)" if named else suggest(country, sorted(known))
    file, line, column = hours.holiday_where
    raise InputError(f"business_hours.holidays: {country!r} is not a country the holidays "
                     f"package knows{hint}; expected a country code such as NO, SE or DK",
                     file=file, line=line, column=column)


@lru_cache(maxsize=1)
def _known_countries() -> frozenset[str]:
    import holidays

    return frozenset(holidays.list_supported_countries(include_aliases=True))


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Country names (Norway, UnitedKingdom) to their codes, for the did-you-mean."""
    try:
        from holidays.registry import COUNTRIES
    except ImportError:
        return {}
    return {entry[0]: entry[1] for entry in COUNTRIES.values()}


@lru_cache(maxsize=64)
def _country_holidays(country: str, year: int) -> frozenset[str]:
    import holidays

    calendar = holidays.country_holidays(country, years=year)
    return frozenset(day.isoformat() for day in calendar)


def day_length_seconds(hours) -> float:
    """Length of one business day in seconds (e.g. 08:00-16:00 -> 28800)."""
    start = hours.start.hour * 3600 + hours.start.minute * 60 + hours.start.second
    end = hours.end.hour * 3600 + hours.end.minute * 60 + hours.end.second
    return float(end - start)


def day_window(day: date, hours, tz: str) -> tuple[datetime, datetime]:
    """The UTC (open, close) of ``day``'s business window (whether or not it is a business day)."""
    local = zone(tz)
    opening = datetime.combine(day, hours.start, tzinfo=local).astimezone(UTC)
    closing = datetime.combine(day, hours.end, tzinfo=local).astimezone(UTC)
    return opening, closing


def windows(first: date, last: date, hours, tz: str) -> Iterator[tuple[date, datetime, datetime]]:
    """Each business day in ``first..last`` (inclusive) with its UTC window."""
    day = first
    while day <= last:
        if is_business_day(day, hours):
            yield (day, *day_window(day, hours, tz))
        day += timedelta(days=1)


def business_seconds(a: datetime, b: datetime, hours, tz: str) -> float:
    """Business seconds between ``a`` and ``b`` (negative when ``b`` is before ``a``)."""
    if b < a:
        return -business_seconds(b, a, hours, tz)
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    local = zone(tz)
    first = a.astimezone(local).date() - timedelta(days=1)
    last = b.astimezone(local).date() + timedelta(days=1)
    total = 0.0
    for _day, opening, closing in windows(first, last, hours, tz):
        lo, hi = max(opening, a), min(closing, b)
        if hi > lo:
            total += (hi - lo).total_seconds()
    return total


def business_hours_between(a: datetime, b: datetime, hours, tz: str) -> float:
    """Business hours between two moments (see :func:`business_seconds`)."""
    return business_seconds(a, b, hours, tz) / 3600


def add_business_hours(start: datetime, amount: float, hours, tz: str) -> datetime:
    """The deadline ``amount`` business hours after ``start``.

    It is the earliest moment by which that much business time has passed: a
    deadline that uses up a day exactly falls at that day's closing time, not
    at the next opening.
    """
    remaining = timedelta(hours=amount)
    moment = start.astimezone(UTC)
    if remaining <= timedelta(0):
        return moment
    day = moment.astimezone(zone(tz)).date() - timedelta(days=1)
    for _ in range(MAX_SEARCH_DAYS):
        if is_business_day(day, hours):
            opening, closing = day_window(day, hours, tz)
            if closing > moment:
                begin = max(opening, moment)
                available = closing - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
    raise UserError("business_hours in smarketing.yaml leave no working time to count deadlines "
                    "in; check business_hours.days and holidays")


def calendar_rows(first: date, last: date, hours, tz: str) -> list[tuple[str, int, int, int]]:
    """Rows for the SQL business calendar: (day, open, close, business seconds before open).

    ``open``/``close`` are Unix seconds. Metrics load these into a temporary
    table so deadlines and business-hour waits are computed inside SQLite.
    """
    rows, cumulative = [], 0
    for day, opening, closing in windows(first, last, hours, tz):
        open_s, close_s = int(opening.timestamp()), int(closing.timestamp())
        rows.append((day.isoformat(), open_s, close_s, cumulative))
        cumulative += close_s - open_s
    return rows
