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
from smarketing_tui.yamlfile import (YamlDict, check_keys, load_yaml, require_list,
                                     require_mapping, suggest)

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
    "funnel": "MQL → accepted → meeting → won by source, with conversion rates",
    "issues": "the open issues: rank the top three, then solve them one by one",
    "talking_points": "what people added in their prep",
    "wrapup": "read back decisions and action items, ratings, end the meeting",
    "discussion": "a free section: notes and decisions only",
    "lead_definition": "the SLA's definition of a sales-ready lead, for review",
}

AGENDA_KEYS = ("title", "cadence", "minutes", "sla", "period", "sections")
SECTION_KEYS = ("title", "type", "minutes", "team", "options")


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

    def section(self, position: int) -> SectionSpec:
        return self.sections[position]

    def snapshot(self) -> str:
        """JSON of the agenda as run, kept with the meeting."""
        data = {"name": self.name, "title": self.title, "cadence": self.cadence,
                "planned_minutes": self.planned_minutes, "period": self.period_spec,
                "sla": str(self.sla_path), "sections": [asdict(s) for s in self.sections]}
        return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def _check_period(data: YamlDict, spec: str, settings: Settings | None) -> None:
    from smarketing_tui.periods import PERIOD_HELP, parse_period

    tz = settings.timezone if settings is not None else "Europe/Oslo"
    try:
        parse_period(spec, tz)
    except UserError:
        raise data.error(f"period {spec!r} not understood; {PERIOD_HELP}", "period") from None


def load_agenda(path: Path | str, settings: Settings | None = None) -> Agenda:
    """Read and validate an agenda file; raise :class:`InputError` with file:line:col."""
    path = Path(path)
    data = load_yaml(path)
    if data is None:
        raise InputError("the agenda is empty; expected title, cadence, minutes and sections",
                         file=str(path))
    data = require_mapping(data, None, "an agenda")
    if not isinstance(data, YamlDict):
        raise InputError("an agenda must be a mapping with title, cadence, minutes and sections",
                         file=str(path), line=1, column=1)
    check_keys(data, AGENDA_KEYS, "an agenda", required=("title", "sections"))

    title = _text(data, "title")
    cadence = str(data.get("cadence", "weekly")).strip().lower()
    if cadence not in CADENCES:
        raise data.error(f"cadence {data.get('cadence')!r} is not one of: weekly, monthly"
                         f"{suggest(cadence, CADENCES)}", "cadence")
    planned = _minutes(data, "minutes", "minutes (the planned length of the meeting)",
                       default=45 if cadence == "weekly" else 60)
    if planned != int(planned):
        raise data.error("minutes of the meeting must be a whole number, such as 45", "minutes")

    period = str(data.get("period", DEFAULT_PERIOD[cadence])).strip()
    _check_period(data, period, settings)

    sla_name = str(data.get("sla", "sla.yaml")).strip()
    if not sla_name:
        raise data.error("sla must name the SLA file, such as sla.yaml", "sla")
    sla_path = (path.parent / sla_name)

    raw_sections = require_list(data["sections"], data, "sections", "sections")
    if not raw_sections:
        raise data.error("sections is empty; an agenda needs at least one section", "sections")
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
                  sections=sections)


def _section(raw: Any, index: int) -> SectionSpec:
    entry = require_mapping(raw[index], raw, f"section {index + 1}", index)
    check_keys(entry, SECTION_KEYS, f"section {index + 1}", required=("title", "type", "minutes"))
    title = _text(entry, "title")
    kind = str(entry["type"]).strip()
    if kind not in SECTION_TYPES:
        raise entry.error(f"unknown section type {kind!r}{suggest(kind, SECTION_TYPES)}; known "
                          f"types: {', '.join(SECTION_TYPES)}", "type")
    minutes = _minutes(entry, "minutes", "the section's timebox in minutes")
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
        options = dict(require_mapping(entry["options"], entry, "options", "options"))
    return SectionSpec(position=index, title=title, type=kind, timebox_minutes=minutes, team=team,
                       options=options)


def _text(mapping: YamlDict, key: str) -> str:
    value = mapping.get(key)
    if value is None or isinstance(value, (dict, list)) or not str(value).strip():
        raise mapping.error(f"{key} must be some text", key)
    return str(value).strip()


def _minutes(mapping: YamlDict, key: str, what: str, default: float | None = None) -> float:
    if key not in mapping:
        if default is None:
            raise mapping.error(f"missing {key}: {what}")
        return float(default)
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise mapping.error(f"{key} must be a positive number of minutes, such as 5 "
                            f"(got {value!r})", key)
    return float(value)


def _fmt(minutes: float) -> str:
    return str(int(minutes)) if minutes == int(minutes) else f"{minutes:g}"
