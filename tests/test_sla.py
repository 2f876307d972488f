"""The SLA file: the shipped template, validation errors with file:line:col, versioning."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from scorecard_data import SETTINGS, new_store, utc

from smarketing_tui.errors import InputError, UserError
from smarketing_tui.sla import lead_definition_history, load_sla, record_lead_definition
from smarketing_tui.workspace import template_dir

GOOD_COMMITMENT = """\
commitments:
  - id: mql_volume
    team: marketing
    description: At least 120 MQLs a month
    metric: mqls
    period: month
    comparison: ">="
    target: 120
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sla.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(UserError) as error:
        load_sla(path, SETTINGS)
    return str(error.value)


def test_the_shipped_template_is_valid_and_holds_the_five_examples():
    sla = load_sla(template_dir() / "agendas" / "sla.yaml", SETTINGS)
    assert [c.id for c in sla.commitments] == ["mql_volume", "acceptance_rate", "speed_to_lead",
                                               "min_touches", "meetings_booked"]
    speed = sla.commitment("speed_to_lead")
    assert (speed.team, speed.metric, speed.period_kind, speed.comparison) == (
        "sales", "first_contact_within", "week", ">=")
    assert speed.params == {"hours": 24, "clock": "business"}
    # "95%" in the file is the share 0.95.
    assert (speed.target, speed.amber, speed.unit) == (0.95, 0.85, "share")
    assert sla.commitment("mql_volume").target == 120
    assert sla.commitment("min_touches").params == {"k": 3}
    assert sla.lead_definition.startswith("A marketing qualified lead (MQL)")
    assert sla.first_contact == "attempt"
    assert "demo_requests" in sla.custom_metrics


def test_unknown_metric_lists_the_known_ones(tmp_path):
    path = write(tmp_path, GOOD_COMMITMENT.replace("metric: mqls", "metric: mql"))
    message = error_of(path)
    # The metric value is on line 5, column 13.
    assert message.startswith(f"{path}:5:13: unknown metric 'mql' (did you mean 'mqls'?)"
                              "; known metrics: mqls, leads_created, acceptance_rate, "
                             "first_contact_within, ")
    assert message.endswith("cost_per_mql, cost_per_won, touch_mql_to_won_rate, "
                            "touch_won_amount, touch_cost_per_won")


@pytest.mark.parametrize("old, new, where, message", [
    ('comparison: ">="', 'comparison: "=>"', "7:17",
     "comparison '=>' is not one of: \">=\", \"<=\" (quote it in YAML)"),
    ("period: month", "period: quarter", "6:13", "period 'quarter' is not one of: week, month"),
    ("team: marketing", "team: finance", "3:11", "team 'finance' is not one of: marketing, sales"),
    ("target: 120", "target: lots", "8:13", "target must be a number (got 'lots')"),
    ("target: 120", 'target: "95%"', "8:13",
     "target '95%' is a percentage, but the metric is a count; expected a plain number"),
    ("id: mql_volume", "id: MQL volume", "2:9",
     "commitment id 'MQL volume' must be lower_snake_case (letters, digits, _), "
     "e.g. speed_to_lead"),
    ("    target: 120\n", "    target: 120\n    amber: 130\n", "9:12",
     "amber 130 must be below the target for a '>=' commitment (the amber band lies between "
     "amber and target)"),
    ("    target: 120\n", "    target: 120\n    colour: red\n", "9:5",
     "unknown key 'colour' in a commitment; expected one of: id, team, description, metric, "
     "params, period, target, comparison, amber, exclude"),
    ("    period: month\n", "", "2:5", "a commitment is missing required key 'period'"),
])
def test_commitment_errors_name_file_line_column(tmp_path, old, new, where, message):
    path = write(tmp_path, GOOD_COMMITMENT.replace(old, new))
    assert error_of(path) == f"{path}:{where}: {message}"


def test_share_targets(tmp_path):
    text = GOOD_COMMITMENT.replace("metric: mqls", "metric: acceptance_rate")
    path = write(tmp_path, text.replace("target: 120", "target: 40"))
    assert error_of(path) == (f"{path}:8:13: target 40 is a share: expected 0 to 1 (e.g. 0.95) "
                              "or a percentage such as \"95%\"")
    path = write(tmp_path, text.replace("target: 120", 'target: "40,5 %"'))
    assert load_sla(path).commitments[0].target == pytest.approx(0.405)


def test_bad_params_are_placed_at_params(tmp_path):
    text = GOOD_COMMITMENT.replace("metric: mqls", "metric: first_contact_within\n"
                                   "    params: {hours: 24, clock: weekdays}")
    text = text.replace("target: 120", "target: 0.9")
    path = write(tmp_path, text)
    assert error_of(path) == (f"{path}:6:13: first_contact_within.clock must be one of: "
                              "business, calendar (got 'weekdays')")


def test_duplicate_ids_and_first_contact_rule(tmp_path):
    body = GOOD_COMMITMENT + GOOD_COMMITMENT.split("\n", 1)[1]
    path = write(tmp_path, body)
    assert error_of(path) == (f"{path}:9:9: commitment id 'mql_volume' is used twice; ids must "
                              "be unique")
    path = write(tmp_path, "first_contact: reply\n" + GOOD_COMMITMENT)
    assert error_of(path) == (f"{path}:1:16: first_contact 'reply' is not one of: attempt, "
                              "connected (attempt: any touch counts; connected: only a touch "
                              "that reached the lead)")


def test_custom_metric_validation(tmp_path):
    def custom(sql: str) -> str:
        return ("metrics:\n  demo:\n    unit: count\n    sql: " + sql + "\n" + GOOD_COMMITMENT)

    path = write(tmp_path, custom('"SELECT COUNT(*) FROM leads WHERE mql_at >= :from"'))
    assert error_of(path) == (f"{path}:4:10: metric demo: unknown parameter :from in sql; "
                              "expected only :start, :end and :as_of")
    path = write(tmp_path, custom('"SELECT 1; DELETE FROM leads"'))
    assert error_of(path) == f"{path}:4:10: metric demo: sql must be exactly one SELECT statement"
    path = write(tmp_path, "metrics:\n  mqls:\n    sql: SELECT 1\n" + GOOD_COMMITMENT)
    assert error_of(path) == (f"{path}:2:3: metric 'mqls' is already a catalogue metric; give "
                              "the custom metric another name")
    # A commitment may use a custom metric by name.
    path = write(tmp_path, custom('"SELECT 7"').replace("metric: mqls", "metric: demo"))
    assert load_sla(path).commitments[0].metric == "demo"


def test_yaml_syntax_error_and_missing_commitments(tmp_path):
    path = write(tmp_path, "commitments: [\n")
    assert error_of(path).startswith(f"{path}:2:1: invalid YAML")
    path = write(tmp_path, "lead_definition: text\n")
    assert error_of(path) == f"{path}:1:1: the SLA is missing required key 'commitments'"


def test_unknown_commitment_suggests(tmp_path):
    sla = load_sla(write(tmp_path, GOOD_COMMITMENT))
    with pytest.raises(UserError) as error:
        sla.commitment("mql_volum")
    assert str(error.value) == (f"no commitment 'mql_volum' in {tmp_path / 'sla.yaml'} (did you "
                                "mean 'mql_volume'?); commitments: mql_volume")


def test_errors_are_input_errors_with_position(tmp_path):
    path = write(tmp_path, GOOD_COMMITMENT.replace("metric: mqls", "metric: nope"))
    with pytest.raises(InputError) as error:
        load_sla(path)
    assert (error.value.file, error.value.line, error.value.column) == (str(path), 5, 13)


def test_lead_definition_is_versioned_when_its_text_changes(tmp_path):
    conn = new_store(tmp_path)
    assert record_lead_definition(conn, "Version one", utc("2026-11-01T10:00:00Z")) is True
    # Same text (whitespace at the ends ignored): nothing new.
    assert record_lead_definition(conn, "  Version one\n", utc("2026-11-02T10:00:00Z")) is False
    assert record_lead_definition(conn, "Version two", utc("2026-11-03T10:00:00Z")) is True
    assert record_lead_definition(conn, None) is False
    assert lead_definition_history(conn) == [("2026-11-01T10:00:00Z", "Version one"),
                                             ("2026-11-03T10:00:00Z", "Version two")]
    conn.close()


def test_the_template_excludes_duplicates_students_competitors_and_customers():
    sla = load_sla(template_dir() / "agendas" / "sla.yaml", SETTINGS)
    assert [(r.field, r.values) for r in sla.exclude] == [
        ("rejected_reason", ("duplicate", "student", "competitor", "existing customer"))]
    # Every commitment inherits the SLA's rules.
    assert all(c.exclude == sla.exclude for c in sla.commitments)


EXCLUDE_SLA = """\
exclude:
  - rejected_reason: [duplicate]
commitments:
  - id: mql_volume
    team: marketing
    description: At least 120 MQLs a month
    metric: mqls
    period: month
    target: 120
    exclude:
      - source: [Partner referral, " events "]
"""


def test_exclude_rules_of_the_sla_and_a_commitment(tmp_path):
    sla = load_sla(write(tmp_path, EXCLUDE_SLA), SETTINGS)
    (commitment,) = sla.commitments
    assert [(r.field, r.values) for r in sla.exclude] == [("rejected_reason", ("duplicate",))]
    # The commitment's own rule comes after the SLA's; values are kept as written, trimmed.
    assert [(r.field, r.values) for r in commitment.exclude] == [
        ("rejected_reason", ("duplicate",)), ("source", ("Partner referral", "events"))]
    assert commitment.exclude[1].where.endswith("sla.yaml:11:9")


@pytest.mark.parametrize("line, position, words", [
    # An unknown lead field, with the nearest one: at the key.
    ("  - rejected_reasons: [duplicate]", "2:5",
     "unknown lead field 'rejected_reasons' (did you mean 'rejected_reason'?)"),
    # No values: at the value (the [ is column 22; an empty value sits just after the colon).
    ("  - rejected_reason: []", "2:22", "rejected_reason has no values"),
    ("  - rejected_reason:", "2:21", "rejected_reason needs a list of values"),
    ("  - duplicate", "2:5", "each entry (field: [values]) must be a mapping"),
])
def test_exclude_errors_name_file_line_column(tmp_path, line, position, words):
    path = write(tmp_path, EXCLUDE_SLA.replace("  - rejected_reason: [duplicate]", line))
    message = error_of(path)
    assert message.startswith(f"{path}:{position}: exclude of the SLA")
    assert words in message


def test_exclude_on_a_metric_that_counts_no_leads_is_an_error(tmp_path):
    text = GOOD_COMMITMENT.replace("metric: mqls", "metric: win_rate").replace(
        "target: 120", "target: 0.3\n    exclude:\n      - source: [ads]")
    message = error_of(write(tmp_path, text))
    assert "metric win_rate counts no leads, so exclude has nothing to leave out" in message


def test_a_custom_metric_time_limit_is_ten_seconds_or_its_own_within_1_to_300(tmp_path):
    def custom(extra: str) -> Path:
        return write(tmp_path, "metrics:\n  demo:\n    sql: SELECT 1\n" + extra
                     + GOOD_COMMITMENT)

    assert load_sla(custom("")).custom_metrics["demo"].time_limit == 10
    assert load_sla(custom("    time_limit: 30\n")).custom_metrics["demo"].time_limit == 30
    expected = "expected the query's time limit in seconds: a number from 1 to 300"
    for value, problem in ((".inf", "time_limit is .inf, not a finite number"),
                           (".nan", "time_limit is .nan, not a finite number"),
                           ("0", "time_limit 0 is out of range"),
                           ("301", "time_limit 301 is out of range"),
                           ("'10 s'", "time_limit is not a number (got '10 s')")):
        path = custom(f"    time_limit: {value}\n")
        assert error_of(path) == f"{path}:4:17: {problem}; {expected}"


@pytest.mark.parametrize("old, new, where, message", [
    ("target: 120", "target: .inf", (8, 13),
     "target must be a finite number with at most 15 digits before the decimal point"),
    ("target: 120", "target: 10000000000000000", (8, 13),
     "target must be a finite number with at most 15 digits before the decimal point"),
    ("metric: mqls", "metric: first_contact_within\n    params: {hours: .nan}", (6, 13),
     "first_contact_within.hours must be a number above 0, at most 100 000 (got nan)"),
    ("metric: mqls", "metric: min_touches_met\n    params: {k: 100000000000000000000000}",
     (6, 13), "min_touches_met.k must be a whole number from 1 to 100 000 (got "
              "100000000000000000000000)"),
])
def test_numbers_in_commitments_are_finite_and_bounded(tmp_path, old, new, where, message):
    assert old in GOOD_COMMITMENT
    path = write(tmp_path, GOOD_COMMITMENT.replace(old, new))
    assert error_of(path) == f"{path}:{where[0]}:{where[1]}: {message}"


def test_an_sla_that_is_not_a_mapping_is_an_error_where_it_starts(tmp_path):
    path = write(tmp_path, "- commitments: []\n")
    assert error_of(path) == (f"{path}:1:1: the SLA must be a mapping with lead_definition, "
                              "metrics and commitments (got a list)")


def test_a_description_is_one_line_and_the_lists_are_bounded(tmp_path):
    path = write(tmp_path, GOOD_COMMITMENT.replace("At least 120 MQLs a month",
                                                   '"At least\\r120 MQLs"'))
    assert error_of(path) == f"{path}:4:18: description must be one line of plain words"
    one = GOOD_COMMITMENT.split("\n", 1)[1]
    many = "commitments:\n" + "".join(one.replace("id: mql_volume", f"id: c{n}")
                                      for n in range(101))
    path = write(tmp_path, many)
    assert error_of(path) == (f"{path}:2:3: commitments lists 101 commitments; an SLA may have "
                              "at most 100")
