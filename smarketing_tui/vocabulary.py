"""Every word and format a person reads: numbers, statuses, durations, periods, counts, symbols.

The one place they are put into words. The meeting screen, prep, the CLI and the minutes
call these functions, so the same thing reads the same everywhere: a status is
``○ off track`` on the screen, in the CLI and in the minutes; a duration is ``1:05:00``
on the clock and in the minutes; a period is ``2026-W47 (16.11.–22.11.2026)``.

Made for translation (the Norwegian interface builds on it):

* every message passes through :func:`_` (one text) or :func:`ngettext` (a count), the
  gettext calls; :mod:`smarketing_tui.i18n` holds the catalogue of the chosen language
  (English needs none);
* a sentence is built by a function here from whole messages with named placeholders
  (``"{count} lead"`` / ``"{count} leads"``), never glued together at a call site from
  pieces, so a translation can reorder its words;
* codes stay codes: a status is ``red``/``amber``/``green``/``no_data`` in the store, the
  JSON and the SLA files; only what people read comes from here.

No UI library here: the TUI adds colour to these words, never other words.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterable

# -- translation hooks --------------------------------------------------------------------
# The gettext calls are i18n's: the language the CLI chose (--lang, $SMARKETING_LANG,
# language: in smarketing.yaml) applies to every message here.

from smarketing_tui.i18n import _, install as use_translations, ngettext  # noqa: E402,F401


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined (a table); :func:`_` translates it
    where it is shown."""
    return message


# -- numbers ------------------------------------------------------------------------------

NO_DATA = "–"  # a missing value (JSON null) in human text; a status still says "no data"
_HUGE = Decimal(10) ** 15


def format_number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """Norwegian number format: ``1 234,50`` (no-break space groups, decimal comma).

    Rounds half away from zero on the number as written, as people round by hand:
    ``12.25`` to one decimal is ``12,3`` (Python's own formatting would give ``12,2``, since it
    rounds the binary value half to even). A value that rounds to zero shows no minus sign.
    A number of 10^15 or more in size (no count or amount a company has; past it a float holds
    no longer every whole number) is shown with three significant digits: ``1e+308``.
    """
    if value is None:
        return NO_DATA
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
        return NO_DATA
    return f"{format_number(value, decimals)}\u00a0{currency}"


def format_percent(share: float | None, decimals: int = 0) -> str:
    """A 0..1 share as a Norwegian percentage: ``42 %`` (scaled exactly: 0.1225 is 12,25 %)."""
    if share is None:
        return NO_DATA
    return f"{format_number(_as_decimal(share) * 100, decimals)}\u00a0%"


def format_value(value: Any, unit: str | None, currency: str = "NOK") -> str:
    """A metric value for people, by one rule used on screen, in the CLI and in the minutes.

    * Norwegian format (:func:`format_number`): decimal comma, no-break space between
      thousands, rounded half away from zero on the number as written (12,25 h is ``12,3 h``).
    * ``share`` (0..1): a percentage with at most one decimal: ``94,5 %``, ``95 %``.
    * ``hours`` / ``days``: at most one decimal and the unit: ``12,3 h``, ``4 h``, ``2,5 d``.
    * ``count`` (and a missing or unknown unit): whole numbers as they are (``1 234``),
      others (averages such as touches per MQL) with at most one decimal: ``2,5``.
    * ``money``: whole units of the currency after the number: ``1 234 567 NOK``.
    * "At most one decimal": a decimal that rounds to zero is left out, so ``95 %`` and
      ``4 h``, never ``95,0 %`` or ``4,0 h``.
    * A missing value (``None``, JSON null) is ``–`` in every unit. Machine formats (JSON,
      CSV) keep null or an empty cell and never go through here.
    * A no-break space joins the number and its unit, and the thousands (``12,5\u00a0h``,
      ``1\u00a0234\u00a0NOK``): Markdown, HTML and word processors keep the value on one line
      and show a plain space. Rich and Textual wrap at it like at any space, so terminal text
      keeps values whole another way: table cells that do not wrap, or segments packed
      between separators (``tui.sections.common.pack``).
    """
    if value is None:
        return NO_DATA
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)  # not a number (a hand-edited snapshot): shown as it is
    if unit == "money":
        return format_money(value, currency)
    if unit == "share":
        return _without_zero_decimal(format_percent(value, 1))
    number = _without_zero_decimal(format_number(value, 1))
    if unit == "hours":
        return f"{number}\u00a0h"
    if unit == "days":
        return f"{number}\u00a0d"
    return number


_ZERO_DECIMAL = re.compile(r",0(?!\d)")


def _without_zero_decimal(text: str) -> str:
    """``94,0 %`` -> ``94 %``: a single decimal that rounded to zero is not shown."""
    return _ZERO_DECIMAL.sub("", text, count=1)


def lateness_text(hours: Any) -> str:
    """How late a lead was contacted, by the :func:`format_value` rule: ``12,3 h late``,
    ``4 h late``. A lateness is never under zero and never reads as none: one that rounds to
    zero is ``< 0,1 h late``; an unknown one is ``late``."""
    if not isinstance(hours, (int, float)) or isinstance(hours, bool):
        return _("late")
    if 0 < hours < 0.05:
        return _("< {hours} late").format(hours=format_value(0.1, "hours"))
    return _("{hours} late").format(hours=format_value(max(hours, 0), "hours"))


def late_hours_cell(hours: Any) -> str:
    """Hours late in a table whose heading says "hours late": ``12,3``, ``4``, ``< 0,1``."""
    if not isinstance(hours, (int, float)) or isinstance(hours, bool):
        return ""
    if 0 < hours < 0.05:
        return "< " + format_value(0.1, "count")
    return format_value(hours, "count")


# -- dates and times ----------------------------------------------------------------------


def format_date(value: date | datetime) -> str:
    """Norwegian date: ``29.11.2026``."""
    return value.strftime("%d.%m.%Y")


def format_datetime(moment: datetime | str, tz: str) -> str:
    """Norwegian date and time in the workspace zone: ``29.11.2026 14:05``."""
    from smarketing_tui.timeutil import to_local

    return to_local(moment, tz).strftime("%d.%m.%Y %H:%M")


def date_span(first: date, last: date) -> str:
    """Two days inclusive, the first year left out when they share it:
    ``16.11.–22.11.2026``, ``29.12.2025–04.01.2026``."""
    start = first.strftime("%d.%m.") if first.year == last.year else format_date(first)
    return f"{start}–{format_date(last)}"


def period_text(label: str, first: date, last: date, *, running: bool = False) -> str:
    """A period as people read it everywhere: ``2026-W47 (16.11.–22.11.2026)``; one still
    under way ``2026-12 (01.12.–31.12.2026, running)``."""
    if running:
        return _("{label} ({days}, running)").format(label=label, days=date_span(first, last))
    return _("{label} ({days})").format(label=label, days=date_span(first, last))


MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
          N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
          N_("December"))
MONTHS_SHORT = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"),
                N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))


def month_name(month: int) -> str:
    """``December`` for 12."""
    return _(MONTHS[month - 1])


def month_short(month: int) -> str:
    """``Dec`` for 12: a month in a trend's period labels."""
    return _(MONTHS_SHORT[month - 1])


def short_period(label: str) -> str:
    """A period label made short for a trend: ``2026-W47`` → ``W47``, ``2026-11`` → ``Nov``;
    other labels as they are."""
    if "-W" in label:
        return label.split("-", 1)[1]
    parts = label.split("-")
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit() \
            and 1 <= int(parts[1]) <= 12:
        return month_short(int(parts[1]))
    return label


def period_value(period: str, running: bool, value: str) -> str:
    """A period's value, already formatted: ``W49 68,6 %``; one still under way
    ``December so far 71 %``."""
    if running:
        return _("{period} so far {value}").format(period=period, value=value)
    return _("{period} {value}").format(period=period, value=value)


def duration_text(seconds: float | None) -> str:
    """A duration, the same on the meeting clock and in the minutes: ``7:05``, ``59:59``,
    ``1:05:00`` (hours from one hour up); a minus sign when negative; ``–`` when unknown.
    Whole seconds passed, as a clock counts them: 599,9 s is ``9:59``, not ``10:00``."""
    if seconds is None:
        return NO_DATA
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def describe_age(then: datetime, now: datetime) -> str:
    """Human age of a moment: 'just now', '5 hours old', '2 days old'."""
    seconds = (now - then).total_seconds()
    if seconds < 90:
        return _("just now")
    minutes = round(seconds / 60)
    if seconds / 60 < 90:
        return ngettext("{count} minute old", "{count} minutes old", minutes).format(
            count=format_number(minutes))
    hours = seconds / 3600
    if hours < 36:
        return ngettext("{count} hour old", "{count} hours old", round(hours)).format(
            count=format_number(round(hours)))
    days = round(hours / 24)
    return ngettext("{count} day old", "{count} days old", days).format(
        count=format_number(days))


def days_old(days: float) -> str:
    """The age of data in days: ``less than a day old``, ``1 day old``, ``3 days old``."""
    if days < 1:
        return _("less than a day old")
    whole = round(days)
    return ngettext("{count} day old", "{count} days old", whole).format(
        count=format_number(whole))


# -- counts -------------------------------------------------------------------------------

#: Every noun counted for people, its two forms as one plural message (a translation gets
#: both forms and the number's place). Each is an ``ngettext`` call, so that extraction puts
#: the pair in the catalogue as the plural entry ``ngettext`` looks up (two messages of one
#: form each would never be found). ``counted(3, "lead")`` looks the noun up here; a test
#: checks that every ``counted`` call in the code names a noun of this table.
NOUNS: dict[str, Callable[[int], str]] = {
    "action item": lambda n: ngettext("{count} action item", "{count} action items", n),
    "backup": lambda n: ngettext("{count} backup", "{count} backups", n),
    "bad row": lambda n: ngettext("{count} bad row", "{count} bad rows", n),
    "broken reference": lambda n: ngettext("{count} broken reference",
                                           "{count} broken references", n),
    "campaign": lambda n: ngettext("{count} campaign", "{count} campaigns", n),
    "commitment": lambda n: ngettext("{count} commitment", "{count} commitments", n),
    "day": lambda n: ngettext("{count} day", "{count} days", n),
    "deal": lambda n: ngettext("{count} deal", "{count} deals", n),
    "decision": lambda n: ngettext("{count} decision", "{count} decisions", n),
    "file": lambda n: ngettext("{count} file", "{count} files", n),
    "issue": lambda n: ngettext("{count} issue", "{count} issues", n),
    "lead": lambda n: ngettext("{count} lead", "{count} leads", n),
    "meeting": lambda n: ngettext("{count} meeting", "{count} meetings", n),
    "note": lambda n: ngettext("{count} note", "{count} notes", n),
    "engagement": lambda n: ngettext("{count} engagement", "{count} engagements", n),
    "event": lambda n: ngettext("{count} event", "{count} events", n),
    "pair": lambda n: ngettext("{count} pair", "{count} pairs", n),
    "open issue": lambda n: ngettext("{count} open issue", "{count} open issues", n),
    "period": lambda n: ngettext("{count} period", "{count} periods", n),
    "person": lambda n: ngettext("{count} person", "{count} people", n),
    "rating": lambda n: ngettext("{count} rating", "{count} ratings", n),
    "record": lambda n: ngettext("{count} record", "{count} records", n),
    "row": lambda n: ngettext("{count} row", "{count} rows", n),
    "table": lambda n: ngettext("{count} table", "{count} tables", n),
    "talking point": lambda n: ngettext("{count} talking point", "{count} talking points", n),
    "time": lambda n: ngettext("{count} time", "{count} times", n),
    "touch": lambda n: ngettext("{count} touch", "{count} touches", n),
    "version": lambda n: ngettext("{count} version", "{count} versions", n),
    "week": lambda n: ngettext("{count} week", "{count} weeks", n),
}


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 decision``, ``3 decisions``, ``0 action items``, ``1 234 leads``: the count in
    Norwegian number format and the noun in the form that goes with it (by the language's
    plural rule once a catalogue is installed). A noun missing from :data:`NOUNS` still
    reads (``plural`` or an added ``s``) but cannot be translated: add it to the table."""
    forms = NOUNS.get(noun)
    if forms is None:
        text = "{count} " + (noun if count == 1 else (plural or noun + "s"))
    else:
        text = forms(count)
    return text.format(count=format_number(count))


def count_of(shown: int, total: int, noun: str) -> str:
    """``3 leads``, or ``200 of 412 leads`` when a list shows only part of them."""
    if total > shown:
        return _("{shown} of {total}").format(shown=format_number(shown),
                                              total=counted(total, noun))
    return counted(total, noun)


def seating_group_text(group, with_teams: bool = False) -> str:
    """One mixed-seating group of (name, team) pairs, marketers before the dot:
    ``Mari · Kari, Ola``; ``with_teams``: ``Mari (marketing) · Kari, Ola (sales)``. The names
    as given: each caller makes them safe for where they go."""
    marketers = ", ".join(name for name, team in group if team == "marketing")
    sellers = ", ".join(name for name, team in group if team == "sales")
    if with_teams:
        return _("{marketers} (marketing) · {sellers} (sales)").format(marketers=marketers,
                                                                      sellers=sellers)
    return f"{marketers} · {sellers}"


def more_text(count: int) -> str:
    """Items left out of a short list: ``+3 more``."""
    return _("+{count} more").format(count=format_number(count))


# -- statuses -----------------------------------------------------------------------------

#: A scorecard status in words. The store and the JSON keep the codes (``red``...).
STATUS_WORDS = {"green": N_("on track"), "amber": N_("at risk"), "red": N_("off track"),
                "no_data": N_("no data")}
#: Its symbol, a shape that reads without colour: full, half, empty; a dot for no data.
STATUS_SYMBOLS = {"green": "●", "amber": "◐", "red": "○", "no_data": "·"}
#: Worst first: the order lines are listed and counted in.
STATUS_ORDER = ("red", "amber", "no_data", "green")
#: Lines of a status counted, ``2 off track``: one whole message per status, so a language
#: can word it its own way (``1 uten data``).
STATUS_COUNTED = {"green": N_("{count} on track"), "amber": N_("{count} at risk"),
                  "red": N_("{count} off track"), "no_data": N_("{count} no data")}


def status_word(status: str | None) -> str:
    """``off track``, ``at risk``, ``on track``, ``no data``."""
    return _(STATUS_WORDS.get(status or "no_data", str(status)))


def status_text(status: str | None) -> str:
    """A status as it reads everywhere, the symbol and the word: ``○ off track``."""
    code = status or "no_data"
    return f"{STATUS_SYMBOLS.get(code, '?')} {status_word(code)}"


def streak_text(periods: int) -> str:
    """``off track 3 periods in a row`` (the ``×3`` beside a status on the screen)."""
    return ngettext("off track {count} period in a row", "off track {count} periods in a row",
                    periods).format(count=format_number(periods))


def in_a_row_text(periods: int) -> str:
    """``3 periods in a row``: a streak under the status it continues."""
    return ngettext("{count} period in a row", "{count} periods in a row", periods).format(
        count=format_number(periods))


def streak_mark(periods: int) -> str:
    """The short mark of a streak beside a status: ``×3``; ``""`` below two."""
    return f"×{periods}" if periods > 1 else ""


def status_counts(counts: dict[str, int]) -> list[tuple[str, str]]:
    """A summary of a scorecard's statuses, worst first, as (status, text):
    ``[("red", "2 off track"), ("green", "5 on track")]``; statuses with no line left out."""
    return [(status, _(STATUS_COUNTED[status]).format(count=format_number(counts[status])))
            for status in STATUS_ORDER if counts.get(status)]


def at_risk_from(amber: str) -> str:
    """Where a line's amber margin starts, its value already formatted: ``at risk from 70 %``."""
    return _("at risk from {amber}").format(amber=amber)


COMPARISON = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def target_text(comparison: str | None, target: Any, unit: str | None,
                currency: str = "NOK") -> str:
    """A commitment's target: ``≥ 40``, ``≤ 4 h``."""
    raw = str(comparison or "")
    return f"{COMPARISON.get(raw, raw)} {format_value(target, unit, currency)}".strip()


def params_text(params: dict | None) -> str:
    """A metric's parameters in words, in a fixed order: ``within 24 business hours``,
    ``3 touches``; others as ``name value``, by name."""
    if not params:
        return ""
    rest = dict(params)
    parts = []
    clock, hours = rest.pop("clock", None), rest.pop("hours", None)
    if hours is not None:
        template = {"business": N_("within {hours} business hours"),
                    "calendar": N_("within {hours} calendar hours")}.get(
                        str(clock), N_("within {hours} hours"))
        parts.append(_(template).format(hours=format_value(hours, "count")))
    elif clock is not None:
        parts.append({"business": _("in business hours"),
                      "calendar": _("in calendar hours")}.get(str(clock), str(clock)))
    if "k" in rest:
        k = rest.pop("k")
        parts.append(ngettext("{count} touch", "{count} touches", int(k))
                     .format(count=format_value(k, "count"))
                     if isinstance(k, int) and not isinstance(k, bool) else f"k {k}")
    for key in sorted(rest, key=str):
        value = rest[key]
        shown = format_value(value, "count") if isinstance(value, (int, float)) else str(value)
        parts.append(f"{str(key).replace('_', ' ')} {shown}")
    return ", ".join(parts)


# -- issues -------------------------------------------------------------------------------


def issue_ref(issue_id: int) -> str:
    """An issue named by its id, the same in every list and detail: ``#6``. (A rank is a
    plain number under the heading "Rank", never ``#``.)"""
    return f"#{issue_id}"


def issue_age(meetings: int) -> str:
    """How long an issue has been open, in meetings: ``new`` in its first, then
    ``2 meetings``, ``5 meetings`` (the same in the meeting, in prep and in the minutes)."""
    if meetings <= 1:
        return _("new")
    return counted(meetings, "meeting")


def issue_open_text(meetings: int) -> str:
    """An issue's age in a sentence: ``new``, ``open 3 meetings``."""
    if meetings <= 1:
        return _("new")
    return _("open {meetings}").format(meetings=counted(meetings, "meeting"))


def carried_mark(times: int) -> str:
    """How often an action item was carried over, short: ``2×``; ``""`` when never."""
    return f"{times}×" if times else ""


def carried_text(times: int) -> str:
    """``carried over 2×``; ``""`` when never."""
    return _("carried over {times}×").format(times=times) if times else ""


# -- symbols ------------------------------------------------------------------------------

SPARK = "▁▂▃▄▅▆▇█"
NO_NUMBER = "·"  # a period without a value in a trend


def sparkline(values: Iterable[Any]) -> str:
    """One block (``▁▂▃▄▅▆▇█``) per value, scaled between the smallest and the largest and
    rounded half up; a flat line sits in the middle (``▄``); ``·`` where there is no number.
    The one sparkline of the CLI, the meeting screen and the Markdown minutes."""
    values = list(values)
    numbers = [v for v in values if _is_number(v)]
    if not numbers:
        return NO_NUMBER * len(values)
    low, high = min(numbers), max(numbers)
    top = len(SPARK) - 1
    chars = []
    for value in values:
        if not _is_number(value):
            chars.append(NO_NUMBER)
        elif high == low:
            chars.append(SPARK[3])
        else:
            chars.append(SPARK[min(top, int((value - low) / (high - low) * top + 0.5))])
    return "".join(chars)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def symbol_legend() -> list[tuple[str, str]]:
    """Every symbol the screens use, with what it means, for the help screen."""
    return [
        *[(status_text(code), _(meaning)) for code, meaning in (
            ("green", N_("the commitment is met")),
            ("amber", N_("missed, but within the amber margin")),
            ("red", N_("missed")),
            ("no_data", N_("no data for the period")))],
        ("×4", _("off track four periods in a row")),
        ("▲#6", _("already on the issues list, as issue #6")),
        ("▲", _("an issue raised from a scorecard line")),
        ("▁▃▅█", _("trend: one block per period, low to high")),
        ("····", _("trend: periods without a number")),
        (NO_DATA, _("no value")),
        (more_text(3), _("three more not shown here")),
        ("2×", _("an action item carried over twice")),
        ("⚠", _("data older than the period under review")),
        ("✓ ✗", _("done, solved or here; dropped or away (always with the word)")),
        ("▶ ✓", _("agenda: the current section; a section already visited")),
        ("⏱ ⏸", _("the meeting clock runs; it is paused")),
        ("✎", _("a talking point someone brought for this section")),
        ("#6", _("an id (issue, decision, action item); Rank is an issue's place")),
    ]


# -- Markdown -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Inline specials everywhere (incl. GitHub's $ math and ~ strikethrough); HTML's < > & too.
# Line breaks and runs of spaces become one space; a no-break space stays (it keeps a value
# and its unit together, see format_value).
_MD_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>&|#~$])")


def without_controls(text: object) -> str:
    """Data as text without control characters (escape sequences, NULs) that no export
    should carry; line breaks and tabs are kept."""
    text = "" if text is None else str(text)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def markdown_escape(text: object) -> str:
    """One line of data, safe inside Markdown text and table cells: control characters
    (ESC...) removed, lines joined (no-break spaces kept), Markdown and HTML specials
    backslash-escaped (CommonMark), so ``<script>`` or ``*bold* | pipe`` shows exactly as typed."""
    flat = _MD_SPACE.sub(" ", without_controls(text)).strip(" ")
    return _MD_INLINE.sub(r"\\\1", flat)
