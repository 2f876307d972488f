"""The mapping format: what it accepts, and file:line:col for what it does not."""

from __future__ import annotations

import textwrap

import pytest

from smarketing_tui.errors import UserError
from smarketing_tui.importing import load_mapping, load_preset
from smarketing_tui.importing.mapping import PRESETS, preset_kinds, preset_path
from smarketing_tui.yamlfile import load_yaml


def write(tmp_path, text, name="map.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_every_form_of_a_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, """\
        kind: leads
        source_label: Webinar tool
        timezone: America/New_York
        date_format: "%m/%d/%Y %I:%M %p"
        decimal: ","
        external_id: {column: ID, prefix: "web-"}
        fields:
          name: [Fornavn, Etternavn]
          email: {column: E-post, also_named: [Email]}
          stage:
            column: Status
            values: {Kunde: won, Yes: mql, "*": other}
          amount: {column: Beløp, decimal: "."}
          created_at: {column: Registrert, date_format: iso}
        constants:
          currency: NOK
          source: webinar
        stage_implies: {won: won_at}
        implied_from: Sist endret
        """)
    mapping = load_mapping("map.yaml", "leads")
    assert (mapping.kind, mapping.source_label, mapping.timezone, mapping.date_format,
            mapping.decimal) == ("leads", "Webinar tool", "America/New_York",
                                 "%m/%d/%Y %I:%M %p", ",")  # the pattern itself, not a family
    fields = mapping.fields
    assert fields["external_id"].columns == ("ID",) and fields["external_id"].prefix == "web-"
    assert fields["name"].columns == ("Fornavn", "Etternavn")
    assert fields["email"].also_named == ("Email",)
    # YAML reads the key Yes as a boolean; the map means the cell texts.
    assert fields["stage"].values == {"kunde": "won", "true": "mql", "yes": "mql", "on": "mql",
                                      "1": "mql", "ja": "mql", "sann": "mql"}
    assert (fields["stage"].has_fallback, fields["stage"].fallback) == (True, "other")
    assert fields["amount"].decimal == "."
    assert fields["created_at"].date_format == "iso"
    assert mapping.constants == {"currency": "NOK", "source": "webinar"}
    assert mapping.stage_implies == {"won": "won_at"}
    assert mapping.implied_from.columns == ("Sist endret",)
    # Where the field was written, for errors about it later.
    assert fields["email"].where == ("map.yaml", 9, 10)


def test_a_mapping_on_top_of_a_preset(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, """\
        timezone: America/New_York
        fields:
          source: {column: Kilde}
          rejected_reason: null      # drop what the preset maps
        constants:
          currency: USD
        """)
    mapping = load_mapping("map.yaml", "leads", base=load_preset("hubspot", "leads"))
    assert mapping.source_label == "HubSpot export"
    assert mapping.timezone == "America/New_York"
    assert mapping.fields["source"].columns == ("Kilde",)
    assert mapping.fields["external_id"].columns == ("Record ID",)  # kept from the preset
    assert "rejected_reason" not in mapping.fields
    assert mapping.constants == {"currency": "USD"}


@pytest.mark.parametrize("text, message", [
    ("kind: leads\nexternal_id: ID\nfeilds:\n  name: Navn\n",
     "map.yaml:3:1: unknown key 'feilds' in a mapping (did you mean 'fields'?); expected one "
     "of: kind, source_label, description, signature, timezone, date_format, decimal, "
     "external_id, fields, constants, stage_implies, implied_from, stop_at_blank_line, lead_by"),
    ("external_id: ID\nfields:\n  nmae: Navn\n",
     "map.yaml:3:3: leads have no field 'nmae' (did you mean 'name'?); expected one of: "
     "external_id, name, company, email, source, campaign, stage, owner, created_at, mql_at, "
     "assigned_at, accepted_at, rejected_at, rejected_reason, first_contact_at, meeting_at, "
     "opportunity_at, won_at, lost_at, lost_reason, amount, currency"),
    ("external_id: ID\nfields:\n  stage:\n    column: Status\n    values: {Kunde: customer}\n",
     "map.yaml:5:21: 'customer' is not a valid stage, expected one of: subscriber, lead, mql, "
     "accepted, rejected, opportunity, won, lost, other"),
    ("kind: events\nfields:\n  lead: L\n",
     "map.yaml:1:7: this mapping is for importing events, not leads; use 'smarketing import "
     "events'"),
    ("fields:\n  name: Navn\n",
     "map.yaml:1:1: the mapping does not say which column holds external_id (needed to import "
     "leads); add it under fields:"),
    ("external_id: ID\nfields:\n  name: [Navn\n",
     "map.yaml:4:1: invalid YAML: expected ',' or ']', but got '<stream end>'"),
    ("timezone: Europe/Olso\nexternal_id: ID\n",
     "map.yaml:1:11: unknown time zone 'Europe/Olso', expected an IANA name such as "
     "Europe/Oslo or America/New_York"),
    ("date_format: dd-mm\nexternal_id: ID\n",
     "map.yaml:1:14: unknown date_format 'dd-mm', expected one of: auto, iso, day-first, "
     "month-first or a strptime pattern such as %d.%m.%Y %H:%M or %d %b, %Y %H:%M:%S"),
    ("date_format: \"%d.%m.%Y %H:%m\"\nexternal_id: ID\n",  # %m twice: %M is the minute
     "map.yaml:1:14: the pattern '%d.%m.%Y %H:%m' has %m more than once, expected one of: "
     "auto, iso, day-first, month-first or a strptime pattern such as %d.%m.%Y %H:%M or "
     "%d %b, %Y %H:%M:%S"),
    ("external_id: ID\nfields:\n  created_at: {column: Dato, fromat: day-first}\n",
     "map.yaml:3:30: unknown key 'fromat' in field created_at; expected one of: column, "
     "also_named, join, date_format, decimal, values, default, prefix, optional, required, "
     "when"),
    ("external_id: ID\nfields:\n  stage: Status\nstage_implies:\n  won: won_date\n",
     "map.yaml:5:8: 'won_date' is not a timestamp field of leads (did you mean 'won_at'?), "
     "expected one of: created_at, mql_at, assigned_at, accepted_at, rejected_at, "
     "first_contact_at, meeting_at, opportunity_at, won_at, lost_at"),
    ("external_id: ID\nfields:\n  currency: Valuta\nconstants:\n  currency: NOK\n",
     "map.yaml:5:3: currency is both a constant and read from a column (under fields:); "
     "keep one"),
    ("external_id: ID\ndecimal: comma\n",
     "map.yaml:2:10: decimal 'comma' must be \",\", \".\" or auto"),
    ("- a\n- b\n",
     "map.yaml:1:1: a mapping file must be a YAML mapping of keys such as kind:, fields:"),
    ("external_id: ID\nconstants:\n  amount: .inf\n",
     "map.yaml:3:11: amount must be a finite number with at most 15 digits before the decimal "
     "point"),
    ("external_id: ID\nconstants:\n  amount: 100000000000000000000\n",
     "map.yaml:3:11: amount must be a finite number with at most 15 digits before the decimal "
     "point"),
])
def test_bad_mappings_point_at_file_line_column(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "map.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_mapping("map.yaml", "leads")
    assert str(caught.value) == message


@pytest.mark.parametrize("name", [p for p in PRESETS if "leads" in preset_kinds(p)])
def test_presets_load_and_carry_their_signature(name):
    mapping = load_preset(name, "leads")
    assert mapping.preset == name and mapping.kind == "leads"
    assert mapping.signature and "external_id" in mapping.fields
    # Every preset column is optional except the id, so trimmed exports still import.
    assert all(spec.optional for field, spec in mapping.fields.items())
    assert isinstance(load_yaml(preset_path(name)), dict)


def test_presets_import_leads_and_deals_only():
    with pytest.raises(UserError) as caught:
        load_preset("hubspot", "events")
    assert str(caught.value) == ("preset hubspot imports leads, deals and engagements only; "
                                 "import events with "
                                 "--mapping MAP.yaml (or a file whose columns are named after "
                                 "the fields)")


def test_unknown_preset():
    with pytest.raises(UserError) as caught:
        load_preset("hubspt", "leads")
    assert str(caught.value) == ("unknown preset 'hubspt' (did you mean 'hubspot'?); expected "
                                 "one of: hubspot, salesforce, pipedrive, zoho, hubspot-forms, "
                                 "google-ads, generic")


def test_the_shipped_example_mapping_loads():
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "data" / "example-mapping.yaml"
    mapping = load_mapping(example, "activities")
    assert mapping.source_label == "Aktivitetslogg (Excel)"
    assert mapping.fields["kind"].values["telefonrunde"] == "calls"


def test_a_money_field_also_feeds_the_currency_unless_the_mapping_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "external_id: ID\nfields:\n  amount: {column: Beløp, also_named: [Amount]}\n")
    currency = load_mapping("map.yaml", "leads").fields["currency"]
    assert (currency.columns, currency.also_named, currency.optional, currency.derived) == (
        ("Beløp",), ("Amount",), True, True)
    # A column or a constant for the currency: nothing is derived.
    write(tmp_path, "external_id: ID\nfields:\n  amount: Beløp\n  currency: Valuta\n")
    assert load_mapping("map.yaml", "leads").fields["currency"].columns == ("Valuta",)
    write(tmp_path, "external_id: ID\nfields:\n  amount: Beløp\nconstants:\n  currency: NOK\n")
    mapping = load_mapping("map.yaml", "leads")
    assert "currency" not in mapping.fields and mapping.constants["currency"] == "NOK"
    # Campaigns: from the spend.
    write(tmp_path, "fields:\n  name: Navn\n  spend: Kostnad\n")
    assert load_mapping("map.yaml", "campaigns").fields["currency"].columns == ("Kostnad",)


def test_a_mapping_on_a_preset_derives_the_currency_from_its_own_amount(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = load_mapping(write(tmp_path, "external_id: ID\nfields:\n  amount: Old\n", "a.yaml"),
                        "leads")
    assert base.fields["currency"].columns == ("Old",)
    on_top = load_mapping(write(tmp_path, "fields:\n  amount: New\n", "b.yaml"), "leads",
                          base=base)
    assert on_top.fields["currency"].columns == ("New",)


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1e400", "true"])
def test_a_constant_amount_must_be_a_finite_number(tmp_path, monkeypatch, value):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, f"external_id: ID\nconstants:\n  amount: {value}\n")
    with pytest.raises(UserError) as caught:
        load_mapping("map.yaml", "leads")
    assert str(caught.value) == ("map.yaml:3:11: amount must be a finite number with at most 15 "
                                 "digits before the decimal point")


def test_date_format_patterns_at_file_and_field_level(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, """\
        date_format: "%d %b, %Y %H:%M:%S"
        external_id: ID
        fields:
          created_at: Created
          won_at: {column: Won, date_format: "%d.%m.%Y"}
        """)
    mapping = load_mapping("map.yaml", "leads")
    assert mapping.date_format == "%d %b, %Y %H:%M:%S"
    assert mapping.fields["won_at"].date_format == "%d.%m.%Y"
    assert mapping.fields["created_at"].date_format is None   # the file's pattern


def test_when_reads_a_field_only_on_rows_where_a_column_has_a_value(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, """\
        external_id: ID
        fields:
          won_at: {column: Closing Date, when: {column: Stage, equals: Closed Won}}
          lost_at: {column: Closing Date, when: {column: Stage, equals: [Lost, "No"]}}
        """)
    fields = load_mapping("map.yaml", "leads").fields
    assert fields["won_at"].when == ("Stage", frozenset({"closed won"}))
    # YAML reads "No" unquoted as false; quoted it is the text. Both mean cell texts.
    assert fields["lost_at"].when == ("Stage", frozenset({"lost", "no"}))


@pytest.mark.parametrize("when, message", [
    # Line 3 is `  won_at: {column: Won, when: ...}`: the condition starts in column 31.
    ("{column: Stage}", "map.yaml:3:31: when needs column: and equals: (such as when: "
                        "{column: Stage, equals: Closed Won})"),
    ("{column: [A, B], equals: x}", "map.yaml:3:40: when's column must be one column name "
                                    "(such as when: {column: Stage, equals: Closed Won})"),
    ("{column: Stage, equals: x, is: y}", "map.yaml:3:58: unknown key 'is' in when of field "
                                          "won_at; expected one of: column, equals"),
])
def test_bad_when(tmp_path, monkeypatch, when, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, f"external_id: ID\nfields:\n  won_at: {{column: Won, when: {when}}}\n")
    with pytest.raises(UserError) as caught:
        load_mapping("map.yaml", "leads")
    assert str(caught.value) == message
