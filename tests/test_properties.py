"""Property-based tests: generated agendas, SLAs, settings files, YAML text and CLI arguments
are either accepted and read back the same when written out again, or refused with one clean
line (a :class:`UserError` with a message; exit code 2 and one stderr line at the CLI). No other
exception, ever.

Deterministic (``derandomize``: the same examples on every run) and modest in size, since CI
runs on a busy 2-core machine; no deadline, for the same reason.
"""

from __future__ import annotations

import math
import tempfile
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from smarketing_tui.agenda import SECTION_TYPES, load_agenda
from smarketing_tui.cli import cli
from smarketing_tui.errors import UserError
from smarketing_tui.metrics import CATALOGUE
from smarketing_tui.periods import parse_moment, parse_period
from smarketing_tui.sla import load_sla
from smarketing_tui.workspace import Settings, load_settings
from smarketing_tui.yamlfile import load_yaml

PROPERTIES = settings(derandomize=True, max_examples=80, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.too_slow,
                                             HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def one_clean_line(error: UserError) -> None:
    """What every refusal must be: a message, on one line."""
    message = str(error)
    event("refused")  # --hypothesis-show-statistics tells how often each way was taken
    assert message.strip(), "an error without a message"
    assert "\n" not in message and "\r" not in message, message
    assert "Traceback" not in message


def write_yaml(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# -- building blocks ---------------------------------------------------------------------------

# Numbers as hostile files write them: nan, ±inf, 10^23, negatives, booleans, text.
NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=700),
    st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=700),
    st.booleans(), st.none(), st.text(max_size=5), st.sampled_from(["95%", "5", "1e3", ""]),
)
TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["Pål", "Pa\u030al", "[bold]x[/]", "\x1b[2J", "a\nb", " ", "x" * 250]),
)
ANY_SCALAR = st.one_of(NUMBERS, TEXT, st.none())
ANY_VALUE = st.recursive(ANY_SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


def mostly(good, bad=ANY_VALUE, one_in: int = 10):
    """A good value, except one time in ``one_in`` anything at all: documents then hold a
    mistake or two, or none."""
    return st.integers(0, one_in - 1).flatmap(lambda n: bad if n == 0 else good)


def document(good):
    """Mostly a document of the right shape, sometimes any YAML value at all."""
    return mostly(good, ANY_VALUE, one_in=5)


# -- agendas -----------------------------------------------------------------------------------

SECTION = st.fixed_dictionaries(
    {"title": mostly(st.sampled_from(["Check-in", "Sales", "Pål's corner"])),
     "type": mostly(st.sampled_from([t for t in SECTION_TYPES
                                     if t not in ("scorecard", "lead_definition")])),
     "minutes": mostly(st.sampled_from([1, 2.5, 5, 7, 0.5]),
                       st.one_of(NUMBERS, st.sampled_from([600, 601, 0.4]))),
     "team": mostly(st.sampled_from(["marketing", "sales"]))},
    optional={"options": mostly(st.fixed_dictionaries({}, optional={
                  "top": mostly(st.integers(1, 10), NUMBERS),
                  "by": mostly(st.sampled_from(["source", "campaign"])),
                  "cost": mostly(st.booleans())}))})

AGENDA = st.fixed_dictionaries(
    {"title": mostly(st.sampled_from(["Weekly", "Månedsmøte"])),
     "sections": mostly(st.lists(SECTION, min_size=1, max_size=6))},
    optional={"cadence": mostly(st.sampled_from(["weekly", "monthly"])),
              "minutes": mostly(st.sampled_from([45, 60, 600]), NUMBERS),
              "period": mostly(st.sampled_from(["last-week", "2026-W47", "2026-11", "2026-Q4"]),
                               TEXT)})


def agenda_as_yaml(agenda) -> dict:
    """An accepted agenda written back as a file says the same."""
    sections = []
    for s in agenda.sections:
        entry = {"title": s.title, "type": s.type, "minutes": s.timebox_minutes}
        if s.team is not None:
            entry["team"] = s.team
        if s.options:
            entry["options"] = dict(s.options)
        sections.append(entry)
    return {"title": agenda.title, "cadence": agenda.cadence, "minutes": agenda.planned_minutes,
            "period": agenda.period_spec, "sections": sections}


@PROPERTIES
@given(data=document(AGENDA))
def test_an_agenda_is_accepted_and_round_trips_or_refused_in_one_line(folder, data):
    path = write_yaml(folder / "agenda.yaml", data)
    try:
        agenda = load_agenda(path)
    except UserError as error:
        one_clean_line(error)
        return
    event("accepted")
    assert all(math.isfinite(s.timebox_minutes) and 0.5 <= s.timebox_minutes <= 600
               for s in agenda.sections)
    assert 1 <= agenda.planned_minutes <= 600
    again = load_agenda(write_yaml(folder / "again.yaml", agenda_as_yaml(agenda)))
    assert (again.title, again.cadence, again.planned_minutes, again.period_spec,
            again.sections) == (agenda.title, agenda.cadence, agenda.planned_minutes,
                                agenda.period_spec, agenda.sections)
    agenda.snapshot()  # the JSON kept with a meeting can always be made


# -- SLAs --------------------------------------------------------------------------------------

COMMITMENT = st.fixed_dictionaries(
    {"id": mostly(st.sampled_from(["mql_volume", "speed", "x1"])),
     "team": mostly(st.sampled_from(["marketing", "sales"])),
     "description": mostly(st.sampled_from(["At least 120 MQLs", "Fast follow-up"])),
     "metric": mostly(st.sampled_from(["mqls", "acceptance_rate", "first_contact_within",
                                       "min_touches_met", "demo"])),
     "period": mostly(st.sampled_from(["week", "month"])),
     "target": mostly(st.sampled_from([120, 0.4, "95%", 0, 10**14]), NUMBERS)},
    optional={"comparison": mostly(st.sampled_from([">=", "<="])),
              "amber": mostly(st.sampled_from([100, 0.3, "85%"]), NUMBERS),
              "params": mostly(st.fixed_dictionaries({}, optional={
                  "hours": mostly(st.sampled_from([4, 24, 0.5]), NUMBERS),
                  "clock": mostly(st.sampled_from(["business", "calendar"])),
                  "k": mostly(st.integers(1, 5), NUMBERS)}))})

CUSTOM = st.fixed_dictionaries(
    {"sql": mostly(st.sampled_from(["SELECT 7", "SELECT COUNT(*) FROM leads WHERE mql_at >= "
                                    ":start AND mql_at < :end"]), TEXT)},
    optional={"unit": mostly(st.sampled_from(["count", "share", "money"])),
              "time_limit": mostly(st.sampled_from([1, 30, 300]), NUMBERS),
              "additive": mostly(st.booleans())})

SLA = st.fixed_dictionaries(
    {"commitments": mostly(st.lists(COMMITMENT, max_size=4))},
    optional={"first_contact": mostly(st.sampled_from(["attempt", "connected"])),
              "lead_definition": mostly(st.sampled_from(["An MQL is ...", "Pål's rule"])),
              "metrics": mostly(st.dictionaries(st.sampled_from(["demo", "other", "Bad-Name"]),
                                                CUSTOM, max_size=2))})


def sla_as_yaml(sla) -> dict:
    metrics = {name: {"sql": m.sql, "unit": m.unit, "additive": m.additive,
                      "time_limit": m.time_limit, "description": m.description}
               for name, m in sla.custom_metrics.items()}
    commitments = []
    for c in sla.commitments:
        entry = {"id": c.id, "team": c.team, "description": c.description, "metric": c.metric,
                 "period": c.period_kind, "comparison": c.comparison, "target": c.target}
        if c.params and c.metric in CATALOGUE:
            entry["params"] = dict(c.params)
        if c.amber is not None:
            entry["amber"] = c.amber
        commitments.append(entry)
    data = {"first_contact": sla.first_contact, "commitments": commitments}
    if metrics:
        data["metrics"] = metrics
    if sla.lead_definition:
        data["lead_definition"] = sla.lead_definition
    return data


def commitment_terms(sla) -> list:
    return [(c.id, c.team, c.description, c.metric, c.params, c.period_kind, c.comparison,
             c.target, c.amber, c.unit) for c in sla.commitments]


@PROPERTIES
@given(data=document(SLA))
def test_an_sla_is_accepted_and_round_trips_or_refused_in_one_line(folder, data):
    path = write_yaml(folder / "sla.yaml", data)
    try:
        sla = load_sla(path)
    except UserError as error:
        one_clean_line(error)
        return
    event("accepted")
    assert all(math.isfinite(c.target) for c in sla.commitments)
    assert all(1 <= m.time_limit <= 300 for m in sla.custom_metrics.values())
    again = load_sla(write_yaml(folder / "sla-again.yaml", sla_as_yaml(sla)))
    assert commitment_terms(again) == commitment_terms(sla)
    assert again.custom_metrics == sla.custom_metrics
    assert (again.first_contact, again.lead_definition) == (sla.first_contact,
                                                            sla.lead_definition)


# -- settings ----------------------------------------------------------------------------------

PERSON = st.fixed_dictionaries(
    {"name": mostly(st.sampled_from(["Kari", "Pål", "Pa\u030al Hansen", "Ola", "2002"])),
     "team": mostly(st.sampled_from(["marketing", "sales", "Sales"]))},
    optional={"email": mostly(st.sampled_from(["kari@example.no"])),
              "aliases": mostly(st.lists(mostly(st.sampled_from(["K.N", "1001", "pål"]),
                                                ANY_SCALAR), max_size=3))})

SETTINGS_FILE = st.fixed_dictionaries({}, optional={
    "name": mostly(st.sampled_from(["Testfirma AS", "Pål & Co"])),
    "timezone": mostly(st.sampled_from(["Europe/Oslo", "UTC", "America/New_York"]),
                       st.sampled_from(["Europe", "Europe/", "../etc/passwd", "", "Mars/Base",
                                        "/etc/localtime", "Europe/Olso"])),
    "currency": mostly(st.sampled_from(["NOK", "EUR"])),
    "action_completion_goal": mostly(st.sampled_from([0.9, 1, 0]), NUMBERS),
    "business_hours": mostly(st.fixed_dictionaries({}, optional={
        "days": mostly(st.lists(st.sampled_from(["mon", "tue", "fri", "sun"]), min_size=1,
                                max_size=3)),
        "start": mostly(st.sampled_from(["08:00", "07:30"]), NUMBERS),
        "end": mostly(st.sampled_from(["16:00", "24:00"]), NUMBERS)})),
    "people": mostly(st.lists(PERSON, max_size=4)),
})


def settings_as_yaml(s: Settings) -> dict:
    hours = s.business_hours
    end = "24:00" if hours.end.second == 59 else hours.end.strftime("%H:%M")
    return {
        "name": s.name, "timezone": s.timezone, "currency": s.currency,
        "week_starts": s.week_starts, "action_completion_goal": s.action_completion_goal,
        "business_hours": {"days": [["mon", "tue", "wed", "thu", "fri", "sat", "sun"][d]
                                    for d in hours.days],
                           "start": hours.start.strftime("%H:%M"), "end": end,
                           "holidays": list(hours.holidays)},
        "people": [{"name": p.name, "team": p.team, "aliases": list(p.aliases),
                    **({"email": p.email} if p.email else {})} for p in s.people],
    }


@PROPERTIES
@given(data=document(SETTINGS_FILE))
def test_settings_are_accepted_and_round_trip_or_refused_in_one_line(folder, data):
    path = write_yaml(folder / "smarketing.yaml", data)
    try:
        loaded = load_settings(path)
    except UserError as error:
        one_clean_line(error)
        return
    event("accepted")
    assert all(p.name.strip() and isinstance(p.name, str) for p in loaded.people)
    again = load_settings(write_yaml(folder / "settings-again.yaml", settings_as_yaml(loaded)))
    assert again == loaded
    for person in loaded.people:  # every name and alias finds its person, in any Unicode form
        assert loaded.person(person.name) == person
        for alias in person.aliases:
            assert loaded.person(alias) == person


# -- YAML text itself --------------------------------------------------------------------------

YAML_PIECES = st.sampled_from([
    "a: ", "- ", "&x ", "*x ", "[", "]", "{", "}", ", ", ": ", "\n", "  ", "!!set ", "!!binary ",
    "!!python/object:os.system ", "? ", "<<: *x\n", "2026-13-45", "0000-01-01", ".nan", ".inf",
    "1e400", "9" * 50, "'", '"', "\\u0000", "\t", "#", "---\n", "...\n", "%YAML 1.1\n", "|\n",
    "Pål", "\ufeff",
])


@PROPERTIES
@given(text=st.one_of(st.lists(YAML_PIECES, max_size=25).map("".join), st.text(max_size=60)))
def test_any_yaml_text_is_read_or_refused_in_one_line(folder, text):
    path = folder / "any.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_yaml(path)
    except UserError as error:
        one_clean_line(error)
        assert str(error).startswith(str(path))
        return
    event("accepted")


# -- command-line arguments --------------------------------------------------------------------

# Years at the calendar's ends (9999-W52, 0001-01) are another part of issue 13 (periods.py
# refuses years outside 1900-2999); here years 1000-2999, which hold on either side of it.
YEAR = r"[12][0-9]{3}"
PERIOD_TEXT = st.one_of(
    st.sampled_from(["2026-W47", "2026-W53", "2020-W53", "2026-W00", "2026-13", "2026-00",
                     "2026-Q4", "2026-Q5", "2026", "last-week", "this-year", "Last_Month",
                     "2026-11-03..2026-11-16", "2026-11-16..2026-11-03",
                     "2026-02-30..2026-03-01", " 2026-11 ", "", "2026-11-03 .. 2026-11-03"]),
    st.from_regex(rf"\A{YEAR}-(W[0-9]{{1,2}}|Q[0-9]|[0-9]{{1,2}})?\Z"),
    st.text(max_size=20).filter(lambda t: not any(c.isdigit() for c in t[:4])),
)


@PROPERTIES
@given(text=PERIOD_TEXT)
def test_a_period_is_understood_and_round_trips_or_refused_in_one_line(text):
    try:
        period = parse_period(text, "Europe/Oslo")
        bounds = (period.start_iso, period.end_iso)
    except UserError as error:
        one_clean_line(error)
        return
    event("accepted")
    if period.kind != "range" or ".." in text:
        again = parse_period(period.label, "Europe/Oslo")
        assert (again.first_day, again.last_day, again.kind) == (period.first_day,
                                                                period.last_day, period.kind)
        assert (again.start_iso, again.end_iso) == bounds


MOMENT_TEXT = st.one_of(
    st.sampled_from(["2026-11-18", "2026-11-18T12:00", "2026-11-18 12:00:00+01:00",
                     "2026-11-18T12:00:00Z", "2026-02-30", "2026-11-18T25:00", ""]),
    st.from_regex(rf"\A{YEAR}-[0-9]{{2}}-[0-9]{{2}}(T[0-9]{{2}}:[0-9]{{2}})?\Z"),
    st.text(max_size=20).filter(lambda t: not any(c.isdigit() for c in t[:4])),
)


@PROPERTIES
@given(text=MOMENT_TEXT)
def test_an_as_of_moment_is_understood_or_refused_in_one_line(text):
    try:
        moment = parse_moment(text, "Europe/Oslo")
    except UserError as error:
        one_clean_line(error)
        return
    event("accepted")
    assert moment.tzinfo is not None


@pytest.fixture(scope="module")
def cli_workspace(tmp_path_factory):
    from smarketing_tui.workspace import init_workspace

    return init_workspace(tmp_path_factory.mktemp("props") / "ws")


@settings(derandomize=True, max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(period=PERIOD_TEXT, metric=st.one_of(
    st.sampled_from(["mqls", "first_contact_within:hours=4", "first_contact_within:hours=inf",
                     "first_contact_within:hours=nan", "min_touches_met:k=99999999999999999999",
                     "mql", "won_amount"]), st.text(max_size=12)))
def test_metrics_on_the_command_line_exit_0_or_2_with_one_line(cli_workspace, period, metric):
    result = CliRunner().invoke(cli, ["-w", str(cli_workspace.root), "metrics", metric,
                                      "--period", period, "--format", "json"],
                                env={"SMARKETING_NOW": "2026-11-18T11:00:00Z"})
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        textwrap.shorten(repr(result.exception), 300)
    assert result.exit_code in (0, 2), result.output
    event(f"exit {result.exit_code}")
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    else:
        assert "Infinity" not in result.stdout and "NaN" not in result.stdout
