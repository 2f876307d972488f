"""Reporting periods in the workspace time zone: ISO weeks, months, quarters, years, ranges.

A :class:`Period` is a run of whole local days ``first_day..last_day``; its UTC
bounds are the local midnights at either end (``end_utc`` exclusive), so a
period spanning a DST change is 23 or 25 hours longer or shorter than its
days times 24, as the wall clock says it should be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from smarketing_tui.errors import UserError
from smarketing_tui.timeutil import UTC, iso_week_label, now_utc, utc_iso, zone

KINDS = ("week", "month", "quarter", "year", "range")

PERIOD_HELP = ("expected e.g. 2026-W48, 2026-11, 2026-Q4, 2026, 2026-11-03..2026-11-16, "
               "this-week, last-week, this-month, last-month, this-quarter, last-quarter, "
               "this-year or last-year")

# Years a period or an as-of moment may name: room on both sides for the trend's look-back
# and the moves forward, far from the calendar's ends (years 1 and 9999).
FIRST_YEAR, LAST_YEAR = 1900, 2999

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")
_RELATIVE = re.compile(r"^(this|last)[-_ ](week|month|quarter|year)$", re.IGNORECASE)


def local_midnight_utc(day: date, tz: str) -> datetime:
    """The UTC moment at which ``day`` starts in ``tz`` (DST-correct)."""
    return datetime.combine(day, time(0, 0), tzinfo=zone(tz)).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """Whole local days ``first_day..last_day`` (inclusive) in time zone ``tz``."""

    label: str
    kind: str          # week | month | quarter | year | range
    first_day: date
    last_day: date
    tz: str

    @property
    def start_utc(self) -> datetime:
        return local_midnight_utc(self.first_day, self.tz)

    @property
    def end_utc(self) -> datetime:
        """Exclusive end: the local midnight after ``last_day``."""
        return local_midnight_utc(self.last_day + timedelta(days=1), self.tz)

    @property
    def start_iso(self) -> str:
        return utc_iso(self.start_utc)

    @property
    def end_iso(self) -> str:
        return utc_iso(self.end_utc)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def contains(self, moment: datetime) -> bool:
        return self.start_utc <= moment < self.end_utc

    def is_running(self, as_of: datetime) -> bool:
        """True when ``as_of`` falls inside the period (it has started, not ended)."""
        return self.contains(as_of)

    def has_started(self, as_of: datetime) -> bool:
        return as_of >= self.start_utc

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (negative: earlier) of the same kind and length."""
        if n == 0:
            return self
        if self.kind == "week":
            return week_of(self.first_day + timedelta(weeks=n), self.tz)
        if self.kind == "month":
            index = self.first_day.year * 12 + self.first_day.month - 1 + n
            return month_period(index // 12, index % 12 + 1, self.tz)
        if self.kind == "quarter":
            index = self.first_day.year * 4 + (self.first_day.month - 1) // 3 + n
            return quarter_period(index // 4, index % 4 + 1, self.tz)
        if self.kind == "year":
            return year_period(self.first_day.year + n, self.tz)
        step = timedelta(days=self.days * n)
        return range_period(self.first_day + step, self.last_day + step, self.tz)

    def previous(self, n: int = 1) -> Period:
        """The period ``n`` steps before this one."""
        return self.shift(-n)

    def history(self, count: int) -> list[Period]:
        """``count`` periods of this kind, oldest first, ending with this one (for trends)."""
        return [self.shift(-offset) for offset in range(count - 1, -1, -1)]

    def to_json(self, as_of: datetime | None = None) -> dict:
        data = {"label": self.label, "kind": self.kind, "start": self.start_iso,
                "end": self.end_iso}
        if as_of is not None:
            data["running"] = self.is_running(as_of)
        return data


def week_of(day: date, tz: str) -> Period:
    """The ISO week (Monday..Sunday) holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return Period(iso_week_label(monday), "week", monday, monday + timedelta(days=6), tz)


def week_period(year: int, week: int, tz: str) -> Period:
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        weeks = date(year, 12, 28).isocalendar()[1]
        raise UserError(f"period '{year}-W{week:02d}': {year} has ISO weeks 1 to {weeks}") from None
    return week_of(monday, tz)


def month_period(year: int, month: int, tz: str) -> Period:
    if not 1 <= month <= 12:
        raise UserError(f"period '{year}-{month:02d}': month must be 01 to 12")
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(f"{year}-{month:02d}", "month", first, following - timedelta(days=1), tz)


def quarter_period(year: int, quarter: int, tz: str) -> Period:
    first = date(year, 3 * (quarter - 1) + 1, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period(f"{year}-Q{quarter}", "quarter", first, following - timedelta(days=1), tz)


def year_period(year: int, tz: str) -> Period:
    return Period(str(year), "year", date(year, 1, 1), date(year, 12, 31), tz)


def range_period(first: date, last: date, tz: str) -> Period:
    if last < first:
        raise UserError(f"period '{first}..{last}': the end date is before the start date")
    return Period(f"{first.isoformat()}..{last.isoformat()}", "range", first, last, tz)


def period_containing(kind: str, moment: datetime, tz: str) -> Period:
    """The week, month, quarter or year (in ``tz``) that holds ``moment``."""
    day = moment.astimezone(zone(tz)).date()
    if kind == "week":
        return week_of(day, tz)
    if kind == "month":
        return month_period(day.year, day.month, tz)
    if kind == "quarter":
        return quarter_period(day.year, (day.month - 1) // 3 + 1, tz)
    if kind == "year":
        return year_period(day.year, tz)
    raise ValueError(f"no calendar period of kind {kind!r}")


def _check_year(year: int, what: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UserError(f"{what}: year {year} is out of range; expected a year from "
                        f"{FIRST_YEAR} to {LAST_YEAR}")


def parse_period(text: str, tz: str, now: datetime | None = None) -> Period:
    """Read a period argument; relative names resolve against ``now`` (default: the clock).

    Years outside FIRST_YEAR..LAST_YEAR are refused (a UserError)."""
    raw = str(text).strip()
    if (match := re.match(r"^(\d{4})", raw)) and not _RELATIVE.match(raw):
        _check_year(int(match[1]), f"period {raw!r}")
    if (match := _RANGE.match(raw)):
        _check_year(int(match[2][:4]), f"period {raw!r}")
    if match := _RELATIVE.match(raw):
        which, kind = match[1].lower(), match[2].lower()
        current = period_containing(kind, now or now_utc(), tz)
        return current.previous() if which == "last" else current
    if match := _WEEK.match(raw):
        return week_period(int(match[1]), int(match[2]), tz)
    if match := _QUARTER.match(raw):
        return quarter_period(int(match[1]), int(match[2]), tz)
    if match := _MONTH.match(raw):
        return month_period(int(match[1]), int(match[2]), tz)
    if match := _YEAR.match(raw):
        return year_period(int(match[1]), tz)
    if match := _RANGE.match(raw):
        try:
            first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError as exc:
            raise UserError(f"period {raw!r}: {exc}") from None
        return range_period(first, last, tz)
    raise UserError(f"period {raw!r} not understood; {PERIOD_HELP}")


def parse_moment(text: str, tz: str) -> datetime:
    """Read an --as-of value: ISO date (the end of that local day) or date-time.

    A date-time without an offset is local time in ``tz``. Returns aware UTC.
    """
    raw = str(text).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            day = date.fromisoformat(raw)
            _check_year(day.year, f"moment {raw!r}")
            return local_midnight_utc(day + timedelta(days=1), tz) - timedelta(seconds=1)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        raise UserError(f"moment {raw!r} not understood; expected an ISO date or date-time such "
                        "as 2026-11-20 or 2026-11-20T14:00") from None
    _check_year(moment.year, f"moment {raw!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(tz))
    return moment.astimezone(UTC).replace(microsecond=0)


def judged_period(kind: str, reviewed: Period, as_of: datetime) -> Period:
    """The period of ``kind`` over which a commitment is judged when ``reviewed`` is on screen.

    Same kind: the reviewed period itself. Otherwise the latest period of
    ``kind`` lying wholly inside the reviewed period up to ``as_of`` (a weekly
    commitment in a monthly review: the last complete week of the month), and
    when none does, the period of ``kind`` holding the reviewed period's last
    moment seen as of ``as_of`` -- for a reviewed week, its Thursday when that
    has come: a week belongs to the month holding most of its days, as an ISO
    week belongs to the year of its Thursday (26 Oct - 1 Nov 2026 to October,
    not to a November of one Sunday).
    """
    if kind == reviewed.kind:
        return reviewed
    horizon = min(reviewed.end_utc, max(as_of + timedelta(seconds=1), reviewed.start_utc))
    last_moment = max(horizon - timedelta(seconds=1), reviewed.start_utc)
    candidate = period_containing(kind, last_moment, reviewed.tz)
    for _ in range(60):
        if candidate.end_utc <= horizon:
            if candidate.start_utc >= reviewed.start_utc:
                return candidate
            break
        candidate = candidate.previous()
    if reviewed.kind == "week":
        thursday = local_midnight_utc(reviewed.first_day + timedelta(days=3), reviewed.tz)
        last_moment = min(last_moment, thursday)
    return period_containing(kind, last_moment, reviewed.tz)


def elapsed_business_days(period: Period, as_of: datetime, hours) -> tuple[float, float]:
    """(business days elapsed as of ``as_of``, business days in the period).

    Days are counted in business hours (a half-gone business day is 0.5), using
    ``hours`` (:class:`~smarketing_tui.workspace.BusinessHours`) in the period's zone.
    """
    from smarketing_tui.businesshours import business_seconds, day_length_seconds

    length = day_length_seconds(hours)
    total = business_seconds(period.start_utc, period.end_utc, hours, period.tz) / length
    until = min(max(as_of, period.start_utc), period.end_utc)
    elapsed = business_seconds(period.start_utc, until, hours, period.tz) / length
    return elapsed, total
