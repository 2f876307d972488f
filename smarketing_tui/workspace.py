"""The workspace folder and its settings file (``smarketing.yaml``).

This is the one module that knows where things live: settings, agendas,
the store and the minutes folder.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from smarketing_tui.errors import UserError
from smarketing_tui.timeutil import zone
from smarketing_tui.yamlfile import (YamlDict, YamlList, bounded_number, check_keys, load_yaml,
                                     require_document_mapping, require_list, require_mapping,
                                     suggest)

SETTINGS_FILE = "smarketing.yaml"
ENV_VAR = "SMARKETING_WORKSPACE"
TEAMS = ("marketing", "sales")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_PEOPLE = 1000
MAX_ALIASES = 50  # per person
MAX_NAME = 200  # characters of a name, an alias or an e-mail address


def name_key(text: str) -> str:
    """How a person's name or alias is matched: Unicode NFC and case-folded, so "Pål" typed
    with a combining ring (as macOS writes it) and "PÅL" both find "Pål"."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


@dataclass(frozen=True)
class Person:
    name: str
    team: str
    email: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class BusinessHours:
    """When the clock of a business-hours SLA runs (in the workspace time zone)."""

    days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday=0, as date.weekday()
    start: time = time(8, 0)
    end: time = time(16, 0)
    holidays: tuple[str, ...] = ()  # ISO dates
    holiday_country: str | None = None  # its public holidays, from the holidays package
    # Where the country was written in smarketing.yaml, for an error about it later.
    holiday_where: tuple[str | None, int | None, int | None] = field(
        default=(None, None, None), compare=False)


@dataclass(frozen=True)
class SmtpSettings:
    """Where ``smarketing minutes --send`` hands its mail. No password: that comes only from
    the environment or the system keyring (see :mod:`smarketing_tui.mailing`)."""

    host: str
    sender: str
    port: int = 587
    starttls: bool = True
    username: str | None = None  # log in as this user; None: send without logging in


@dataclass(frozen=True)
class Settings:
    name: str = "Our company"
    timezone: str = "Europe/Oslo"
    currency: str = "NOK"
    week_starts: str = "monday"
    business_hours: BusinessHours = field(default_factory=BusinessHours)
    action_completion_goal: float = 0.9
    people: tuple[Person, ...] = ()
    smtp: SmtpSettings | None = None
    language: str = "en"  # of screens, messages and minutes (i18n.LANGUAGES)

    def person(self, name: str) -> Person | None:
        """Look a person up by name or alias, case-insensitively."""
        wanted = name_key(name.strip())
        for person in self.people:
            if name_key(person.name) == wanted or wanted in (name_key(a) for a in person.aliases):
                return person
        return None


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def settings_path(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def agendas_dir(self) -> Path:
        return self.root / "agendas"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "smarketing.db"

    @property
    def minutes_dir(self) -> Path:
        return self.root / "minutes"

    @property
    def sla_path(self) -> Path:
        return self.agendas_dir / "sla.yaml"

    def agenda_path(self, name: str | None = None) -> Path:
        """Resolve an agenda argument: a path, or a name inside ``agendas/``."""
        if not name:
            return self.agendas_dir / "weekly.yaml"
        candidate = Path(name)
        if candidate.exists():
            return candidate
        for option in (self.agendas_dir / name, self.agendas_dir / f"{name}.yaml"):
            if option.exists():
                return option
        known = sorted(p.stem for p in self.agendas_dir.glob("*.yaml") if p.stem != "sla")
        raise UserError(f"no agenda {name!r}{suggest(name, known)}; "
                        f"agendas in {self.agendas_dir}: {', '.join(known) or 'none'}")

    def settings(self) -> Settings:
        return load_settings(self.settings_path)


def find_workspace(option: str | os.PathLike | None = None, cwd: Path | None = None) -> Workspace:
    """Find the workspace: ``--workspace``, else ``$SMARKETING_WORKSPACE``, else the
    current directory or its nearest parent holding ``smarketing.yaml``."""
    explicit = option or os.environ.get(ENV_VAR)
    if explicit:
        root = Path(explicit).expanduser()
        origin = "--workspace" if option else f"${ENV_VAR}"
        if not (root / SETTINGS_FILE).is_file():
            raise UserError(f"{origin} points to {root}, which has no {SETTINGS_FILE}; "
                            f"create one with: smarketing init {root}")
        return Workspace(root.resolve())
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return Workspace(folder)
    raise UserError(f"no smarketing workspace here or above {here}; create one with "
                    "'smarketing init DIR' (or try 'smarketing demo'), or pass --workspace DIR")


def template_dir() -> Path:
    """The shipped workspace template (settings and agendas)."""
    from importlib import resources  # only for init and the demo, not on every start

    return Path(str(resources.files("smarketing_tui") / "templates"))


def init_workspace(root: Path, language: str | None = None) -> Workspace:
    """Create a workspace from the shipped templates with an empty store, in ``language``
    (default: the system locale's, see :func:`i18n.system_language`).

    Refuses to touch a folder that already holds a workspace.
    """
    import shutil

    from smarketing_tui.store import open_store

    root = Path(root)
    if (root / SETTINGS_FILE).exists():
        raise UserError(f"{root / SETTINGS_FILE} already exists; refusing to overwrite a workspace")
    if root.exists() and not root.is_dir():
        raise UserError(f"{root} exists and is not a folder")
    workspace = Workspace(root.resolve())
    existing_agendas = [p for p in workspace.agendas_dir.glob("*.yaml")] if workspace.agendas_dir.exists() else []
    if existing_agendas or workspace.db_path.exists():
        raise UserError(f"{root} already holds agendas or a store; refusing to overwrite them")
    source = template_dir()
    workspace.agendas_dir.mkdir(parents=True, exist_ok=True)
    for item in sorted((source / "agendas").glob("*.yaml")):
        shutil.copyfile(item, workspace.agendas_dir / item.name)
    workspace.data_dir.mkdir(exist_ok=True)
    workspace.minutes_dir.mkdir(exist_ok=True)
    (workspace.minutes_dir / ".gitkeep").touch()
    (workspace.data_dir / ".gitignore").write_text("*.db-wal\n*.db-shm\n", encoding="utf-8")
    # The settings file goes last: it is what marks the folder as a workspace.
    settings = load_settings(source / SETTINGS_FILE)
    open_store(workspace.db_path, settings).close()
    from smarketing_tui.i18n import system_language

    text = (source / SETTINGS_FILE).read_text(encoding="utf-8")
    text = re.sub(r"^language: en$", f"language: {language or system_language()}", text, count=1,
                  flags=re.MULTILINE)
    workspace.settings_path.write_text(text, encoding="utf-8")
    return workspace


_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


def load_settings(path: Path) -> Settings:
    """Read and validate ``smarketing.yaml``; errors name file:line:col."""
    data = load_yaml(path)
    if data is None:
        return Settings()
    data = require_document_mapping(data, str(path), "the settings must be a mapping of name, "
                                    "timezone, people, ...")
    check_keys(data, ("name", "timezone", "currency", "week_starts", "business_hours",
                      "action_completion_goal", "people", "smtp", "language"), "smarketing.yaml")
    tz = _timezone(data)
    company = _one_line(data, "name", "the company's name") if "name" in data else "Our company"
    currency = str(data.get("currency", "NOK"))
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise data.error(f"currency {currency!r} is not a 3-letter ISO code such as NOK", "currency")
    week_starts = str(data.get("week_starts", "monday")).lower()
    if week_starts != "monday":
        raise data.error("week_starts must be 'monday': weeks are ISO 8601 weeks", "week_starts")
    goal = data.get("action_completion_goal", 0.9)
    if isinstance(goal, bool) or not isinstance(goal, (int, float)) or not 0 <= goal <= 1:
        raise data.error("action_completion_goal must be a share between 0 and 1, such as 0.9",
                         "action_completion_goal")
    return Settings(
        name=company,
        timezone=tz,
        currency=currency,
        week_starts=week_starts,
        business_hours=_business_hours(data),
        action_completion_goal=float(goal),
        people=_people(data),
        smtp=_smtp(data),
        language=_language(data),
    )


def _language(data: YamlDict) -> str:
    from smarketing_tui.i18n import DEFAULT, UnknownLanguage, check_language

    if "language" not in data:
        return DEFAULT
    try:
        return check_language(data["language"])
    except UnknownLanguage as error:
        raise data.error(f"{error} (nb: Norwegian bokmål, en: English)", "language") from None


def configured_language(root: Path) -> str | None:
    """The ``language`` of the workspace's smarketing.yaml when it can be read, else None:
    the language must be known before a command's help or its first error is written, and a
    broken file is reported by the command itself."""
    from smarketing_tui.errors import BrokenEnvironment

    try:
        return load_settings(root / SETTINGS_FILE).language
    except (UserError, BrokenEnvironment, OSError, ValueError):
        return None  # the command reports the problem, in its own words


def _timezone(data: YamlDict) -> str:
    tz = data.get("timezone", "Europe/Oslo")
    if not isinstance(tz, str):
        raise data.error(f"timezone must be an IANA name such as Europe/Oslo (got {tz!r})",
                         "timezone")
    try:
        zone(tz)
    except UserError:
        hint = _zone_hint(tz) or "expected an IANA name such as Europe/Oslo"
        raise data.error(f"unknown time zone {tz!r}; {hint}", "timezone") from None
    return tz


def _zone_hint(name: str) -> str:
    """'did you mean Europe/Oslo?' for a folder of zones (Europe) or a near miss, else ''."""
    import difflib
    import zoneinfo

    zones = sorted(zoneinfo.available_timezones())
    inside = [z for z in zones if z.casefold().startswith(name.strip("/").casefold() + "/")]
    if inside:
        best = "Europe/Oslo" if "Europe/Oslo" in inside else inside[0]
        return f"did you mean {best}?"
    near = difflib.get_close_matches(name, zones, n=1)
    return f"did you mean {near[0]}?" if near else ""


def _one_line(mapping: YamlDict | YamlList, key: str | int, what: str,
              label: str | None = None) -> str:
    """A non-empty line of text at ``mapping[key]`` (a whole number is taken as written:
    2002); a list's item by its index. Errors call the value ``label`` (else ``key``)."""
    value = mapping[key]
    label = label or str(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        shown = "nothing" if value is None else f"{value!r}"[:60]
        raise mapping.error(f"{label} must be {what}, as text (got {shown})", key)
    text = value.strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise mapping.error(f"{label} must be one line of text, without control characters", key)
    if len(text) > MAX_NAME:
        raise mapping.error(f"{label} has {len(text)} characters; at most {MAX_NAME}", key)
    return text


def _business_hours(data: YamlDict) -> BusinessHours:
    if "business_hours" not in data:
        return BusinessHours()
    hours = require_mapping(data["business_hours"], data, "business_hours", "business_hours")
    check_keys(hours, ("days", "start", "end", "holidays"), "business_hours")
    days = BusinessHours().days
    if "days" in hours:
        raw_days = require_list(hours["days"], hours, "business_hours.days", "days")
        parsed = []
        for index, day in enumerate(raw_days):
            key = str(day).lower()[:3]
            if key not in WEEKDAYS:
                raise raw_days.error(f"unknown weekday {day!r}; expected mon, tue, wed, thu, fri, "
                                     "sat or sun", index)
            parsed.append(WEEKDAYS.index(key))
        days = tuple(sorted(set(parsed)))
        if not days:
            raise hours.error("business_hours.days is empty; name at least one weekday, such as "
                              "[mon, tue, wed, thu, fri]", "days")
    clocks = {}
    for key, default in (("start", time(8, 0)), ("end", time(16, 0))):
        value = hours.get(key)
        if value is None:
            clocks[key] = default
            continue
        if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 08:00 as
            # a sexagesimal int
            value = f"{value // 60:02d}:{value % 60:02d}"
        match = _CLOCK.match(str(value))
        if not match:
            raise hours.error(f"business_hours.{key} {value!r} is not a clock time such as \"08:00\"", key)
        hour, minute = int(match[1]), int(match[2])
        clocks[key] = time(23, 59, 59) if hour == 24 else time(hour, minute)
    if clocks["end"] <= clocks["start"]:
        raise hours.error("business_hours.end must be later than start", "end")
    holidays: list[str] = []
    country, where = None, (None, None, None)
    if "holidays" in hours:
        raw = hours["holidays"]
        items = [(raw, hours, "holidays")] if not isinstance(raw, YamlList) else \
            [(item, raw, index) for index, item in enumerate(raw)]
        for item, parent, key in items:
            if item is False:  # YAML 1.1 reads an unquoted NO (Norway) as false
                item = "NO"
            text = str(item)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                holidays.append(text)
                continue
            if not isinstance(item, str) or not re.fullmatch(r"[A-Za-z][A-Za-z ]+", text):
                raise parent.error(f"holiday {item!r} is neither an ISO date such as 2026-12-24 "
                                   "nor a country code such as NO (its public holidays)", key)
            if country is not None:
                raise parent.error(f"holidays name two countries ({country} and "
                                   f"{text.upper()}); keep one, and list other closed days "
                                   "as dates", key)
            country = text.upper() if len(text) <= 3 else text
            error = parent.error("", key)  # only for its position
            where = (error.file, error.line, error.column)
    if country is not None and len(country) > 3:
        # Not a code (a name such as Norway): wrong whatever the holidays package holds. A
        # code is checked when the clock first needs it, so start-up does not import it.
        from smarketing_tui.businesshours import check_holiday_country

        check_holiday_country(BusinessHours(holiday_country=country, holiday_where=where))
    return BusinessHours(days=days, start=clocks["start"], end=clocks["end"],
                         holidays=tuple(holidays), holiday_country=country, holiday_where=where)


def _people(data: YamlDict) -> tuple[Person, ...]:
    if "people" not in data or data["people"] is None:
        return ()
    raw = require_list(data["people"], data, "people", "people")
    if len(raw) > MAX_PEOPLE:
        raise data.error(f"people lists {len(raw)} people; at most {MAX_PEOPLE}", "people")
    people: list[Person] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        entry = require_mapping(item, raw, f"people[{index}]", index)
        check_keys(entry, ("name", "team", "email", "aliases"), "a person", required=("name", "team"))
        name = _one_line(entry, "name", "the person's name")
        team = str(entry["team"]).strip().lower()
        if team not in TEAMS:
            raise entry.error(f"team {entry['team']!r} is not one of: marketing, sales", "team")
        aliases = ()
        if entry.get("aliases") is not None:
            alias_list = require_list(entry["aliases"], entry, "aliases", "aliases")
            if len(alias_list) > MAX_ALIASES:
                raise entry.error(f"aliases lists {len(alias_list)} aliases; at most "
                                  f"{MAX_ALIASES}", "aliases")
            written = [_one_line(alias_list, index, "an alias", f"aliases[{index}]")
                       for index in range(len(alias_list))]
            own = {name_key(name)}
            kept = []
            for alias in written:  # one repeating this person's name or alias is dropped
                if name_key(alias) not in own:
                    own.add(name_key(alias))
                    kept.append(alias)
            aliases = tuple(kept)
        for label in (name, *aliases):
            folded = name_key(label)
            if folded in seen:
                raise entry.error(f"{label!r} already names {people[seen[folded]].name}; "
                                  "a name or alias can belong to one person only", "name")
            seen[folded] = len(people)
        email = (_one_line(entry, "email", "an e-mail address")
                 if entry.get("email") is not None else None)
        people.append(Person(name=name, team=team, email=email, aliases=aliases))
    return tuple(people)


def _smtp(data: YamlDict) -> SmtpSettings | None:
    if data.get("smtp") is None:
        return None
    smtp = require_mapping(data["smtp"], data, "smtp", "smtp")
    for key in smtp:
        if str(key).casefold() in ("password", "pass", "passwd", "secret"):
            raise smtp.error(f"smtp.{key}: the SMTP password is never read from smarketing.yaml "
                             "(a file people share and commit); remove it, and set the "
                             "environment variable SMARKETING_SMTP_PASSWORD or store it in the "
                             "system keyring", key, value=False)
    check_keys(smtp, ("host", "port", "starttls", "sender", "username"), "smtp",
               required=("host", "sender"))
    host = _one_line(smtp, "host", "the SMTP server's host name", "smtp.host")
    sender = _one_line(smtp, "sender", "an e-mail address such as minutes@example.no",
                       "smtp.sender")
    from email.utils import parseaddr

    if "@" not in parseaddr(sender)[1]:
        raise smtp.error(f"smtp.sender {sender!r} is not an e-mail address; expected one such "
                         "as minutes@example.no or \"Smarketing <minutes@example.no>\"", "sender")
    port = int(bounded_number(smtp, "port", "the SMTP port", 1, 65535, whole=True)) \
        if "port" in smtp else 587
    starttls = smtp.get("starttls", True)
    if not isinstance(starttls, bool):
        raise smtp.error(f"smtp.starttls must be true or false (got {starttls!r})", "starttls")
    username = (_one_line(smtp, "username", "the SMTP user name", "smtp.username")
                if smtp.get("username") is not None else None)
    return SmtpSettings(host=host, sender=sender, port=port, starttls=starttls, username=username)
