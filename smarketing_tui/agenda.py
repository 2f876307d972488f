"""Agenda files (``agendas/weekly.yaml``, ``agendas/monthly.yaml``): what a meeting walks through.

An agenda names the meeting and lists its sections, each with a type, a title
and a timebox. ``load_agenda`` validates the file before any UI starts; every
error names ``file:line:col`` and what was expected.

Example::

    title: Weekly smarketing meeting
    cadence: weekly          # weekly | monthly
    minutes: 45              # planned length of the whole meeting
    sla: sla.yaml            # the SLA file, relative to this agenda
    period: last-week        # the period under review (default by cadence)
    bell: false              # ring the terminal bell a minute before a timebox ends
    sections:
      - title: Check-in
        type: checkin
        minutes: 5
      - title: Marketing activity
        type: activity
        team: marketing
        minutes: 7
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarketing_tui.errors import InputError, UserError
from smarketing_tui.yamlfile import (YamlDict, bounded_number, check_keys, load_yaml,
                                     require_document_mapping, require_list, require_mapping,
                                     suggest)

if TYPE_CHECKING:
    from smarketing_tui.workspace import Settings

CADENCES = ("weekly", "monthly")
TEAMS = ("marketing", "sales")
DEFAULT_PERIOD = {"weekly": "last-week", "monthly": "last-month"}

# Every section type and what it shows; the meeting screen mounts one view per type.
SECTION_TYPES: dict[str, str] = {
    "checkin": "attendance and a short round",
    "action_review": "action items due since the last meeting: done, carried over or dropped",
    "activity": "one team's week in numbers (needs team: marketing or sales)",
    "scorecard": "the SLA scorecard for the period, red lines first",
    "funnel": "MQL → accepted → meeting → won by source (or campaign, or first/last-touch "
              "asset, keyword, platform), with conversion rates",
    "issues": "the open issues: rank the top three, then solve them one by one",
    "talking_points": "what people added in their prep",
    "wrapup": "read back decisions and action items, ratings, end the meeting",
    "discussion": "a free section: notes and decisions only",
    "lead_definition": "the SLA's definition of a sales-ready lead, for review",
}

AGENDA_KEYS = ("title", "cadence", "minutes", "sla", "period", "bell", "sections")
SECTION_KEYS = ("title", "type", "minutes", "team", "options")

# Bounds on what an agenda may say: a meeting of up to 10 hours, a section of 30 seconds to
# 10 hours, up to 50 sections, titles of one line that fit a screen.
MEETING_MINUTES = (1, 600)
SECTION_MINUTES = (0.5, 600)
MAX_SECTIONS = 50
MAX_TITLE = 200
ISSUES_TOP = (1, 10)
# The options each section type reads (any other is a mistake): name -> allowed values, or
# the (low, high) bounds of a whole number.
SECTION_OPTIONS: dict[str, dict[str, tuple]] = {
    "funnel": {"by": ("source", "campaign", "first_asset", "last_asset", "first_keyword",
                      "last_keyword", "first_platform", "last_platform", "first_campaign",
                      "last_campaign"), "cost": (True, False)},
    "issues": {"top": ISSUES_TOP},
}


@dataclass(frozen=True)
class SectionSpec:
    """One agenda section as written in the file (``position`` counts from 0)."""

    position: int
    title: str
    type: str
    timebox_minutes: float
    team: str | None = None
    options: dict = field(default_factory=dict)

    @property
    def timebox_seconds(self) -> int:
        return round(self.timebox_minutes * 60)


@dataclass(frozen=True)
class Agenda:
    """A validated agenda file."""

    path: Path
    name: str  # the file name, e.g. 'weekly.yaml'; talking points are keyed by it
    title: str
    cadence: str
    planned_minutes: int
    sla_path: Path
    period_spec: str
    sections: tuple[SectionSpec, ...]
    bell: bool = False  # the terminal bell a minute before a section's timebox ends

    def section(self, position: int) -> SectionSpec:
        return self.sections[position]

    def snapshot(self) -> str:
        """JSON of the agenda as run, kept with the meeting."""
        data = {"name": self.name, "title": self.title, "cadence": self.cadence,
                "planned_minutes": self.planned_minutes, "period": self.period_spec,
                "sla": str(self.sla_path), "bell": self.bell,
                "sections": [asdict(s) for s in self.sections]}
        return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def _check_period(data: YamlDict, spec: str, settings: Settings | None) -> None:
    from smarketing_tui.periods import PERIOD_HELP, parse_period

    tz = settings.timezone if settings is not None else "Europe/Oslo"
    try:
        parse_period(spec, tz)
    except (UserError, ValueError, OverflowError):  # a year at the calendar's end: 9999-W52
        raise data.error(f"period {spec!r} not understood; {PERIOD_HELP}", "period") from None


def load_agenda(path: Path | str, settings: Settings | None = None) -> Agenda:
    """Read and validate an agenda file; raise :class:`InputError` with file:line:col."""
    path = Path(path)
    data = load_yaml(path)
    if data is None:
        raise InputError("the agenda is empty; expected title, cadence, minutes and sections",
                         file=str(path))
    data = require_document_mapping(
        data, str(path), "an agenda must be a mapping with title, cadence, minutes and sections")
    check_keys(data, AGENDA_KEYS, "an agenda", required=("title", "sections"))

    title = _text(data, "title")
    cadence = str(data.get("cadence", "weekly")).strip().lower()
    if cadence not in CADENCES:
        raise data.error(f"cadence {data.get('cadence')!r} is not one of: weekly, monthly"
                         f"{suggest(cadence, CADENCES)}", "cadence")
    planned = (bounded_number(data, "minutes", "the planned length of the meeting in minutes",
                              *MEETING_MINUTES, whole=True)
               if "minutes" in data else (45 if cadence == "weekly" else 60))

    period = str(data.get("period", DEFAULT_PERIOD[cadence])).strip()
    _check_period(data, period, settings)

    bell = data.get("bell", False)
    if not isinstance(bell, bool):
        raise data.error(f"bell {bell!r} is not true or false (whether the terminal bell rings "
                         "a minute before a section's timebox ends)", "bell")

    sla_name = str(data.get("sla", "sla.yaml")).strip()
    if not sla_name or isinstance(data.get("sla"), (dict, list)) or any(
            ord(char) < 32 or ord(char) == 127 for char in sla_name):
        raise data.error("sla must name the SLA file, such as sla.yaml", "sla")
    sla_path = (path.parent / sla_name)

    raw_sections = require_list(data["sections"], data, "sections", "sections")
    if not raw_sections:
        raise data.error("sections is empty; an agenda needs at least one section", "sections")
    if len(raw_sections) > MAX_SECTIONS:
        raise data.error(f"sections has {len(raw_sections)} sections; an agenda may have at most "
                         f"{MAX_SECTIONS}", "sections")
    sections = tuple(_section(raw_sections, index) for index in range(len(raw_sections)))

    total = sum(s.timebox_minutes for s in sections)
    if total > planned + 1e-9:
        raise data.error(f"the sections' timeboxes add up to {_fmt(total)} minutes, more than the "
                         f"{_fmt(planned)} minutes planned; shorten a section or raise minutes",
                         "minutes" if "minutes" in data else "sections")
    needs_sla = any(s.type in ("scorecard", "lead_definition") for s in sections)
    if needs_sla and not sla_path.is_file():
        raise data.error(f"the SLA file {sla_name!r} does not exist (looked for {sla_path}); "
                         "a scorecard or lead_definition section needs it",
                         "sla" if "sla" in data else None)
    return Agenda(path=path, name=path.name, title=title, cadence=cadence,
                  planned_minutes=int(planned), sla_path=sla_path, period_spec=period,
                  sections=sections, bell=bell)


def _section(raw: Any, index: int) -> SectionSpec:
    entry = require_mapping(raw[index], raw, f"section {index + 1}", index)
    check_keys(entry, SECTION_KEYS, f"section {index + 1}", required=("title", "type", "minutes"))
    title = _text(entry, "title")
    kind = str(entry["type"]).strip()
    if kind not in SECTION_TYPES:
        raise entry.error(f"unknown section type {kind!r}{suggest(kind, SECTION_TYPES)}; known "
                          f"types: {', '.join(SECTION_TYPES)}", "type")
    minutes = float(bounded_number(entry, "minutes", "the section's timebox in minutes",
                                   *SECTION_MINUTES))
    team = entry.get("team")
    if kind == "activity":
        if team is None:
            raise entry.error("an activity section needs team: marketing or sales", None)
        team = str(team).strip().lower()
        if team not in TEAMS:
            raise entry.error(f"team {entry['team']!r} is not one of: marketing, sales"
                              f"{suggest(team, TEAMS)}", "team")
    elif team is not None:
        team = str(team).strip().lower()
        if team not in TEAMS:
            raise entry.error(f"team {entry['team']!r} is not one of: marketing, sales", "team")
    options: dict = {}
    if entry.get("options") is not None:
        options = _options(require_mapping(entry["options"], entry, "options", "options"), kind,
                           index)
    return SectionSpec(position=index, title=title, type=kind, timebox_minutes=minutes, team=team,
                       options=options)


def _options(options: YamlDict, kind: str, index: int) -> dict:
    allowed = SECTION_OPTIONS.get(kind, {})
    what = f"the options of section {index + 1} ({kind})"
    if options and not allowed:
        raise options.error(f"a section of type {kind} takes no options", next(iter(options)),
                            value=False)
    check_keys(options, allowed, what)
    result = {}
    for key, choices in allowed.items():
        if key not in options:
            continue
        value = options[key]
        if all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
            result[key] = int(bounded_number(options, key, f"options.{key}", *choices,
                                             whole=True))
        elif type(value) not in {type(c) for c in choices} or value not in choices:
            words = ", ".join(str(c).lower() for c in choices)
            raise options.error(f"options.{key} {value!r} is not one of: {words}", key)
        else:
            result[key] = value
    return result


def _text(mapping: YamlDict, key: str) -> str:
    value = mapping.get(key)
    if value is None or isinstance(value, (dict, list)) or not str(value).strip():
        raise mapping.error(f"{key} must be some text", key)
    text = str(value).strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise mapping.error(f"{key} must be one line of text, without control characters", key)
    if len(text) > MAX_TITLE:
        raise mapping.error(f"{key} has {len(text)} characters; at most {MAX_TITLE} fit a "
                            "screen", key)
    return text


def _fmt(minutes: float) -> str:
    return str(int(minutes)) if minutes == int(minutes) else f"{minutes:g}"
