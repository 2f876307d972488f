"""`smarketing import`: upsert counts, all or nothing, --skip-invalid, --dry-run."""

from __future__ import annotations

import csv
import textwrap

import pytest
from click.testing import CliRunner

from smarketing_tui.cli import cli

HEADER = ("Record ID,First Name,Last Name,Lifecycle Stage,Create Date,Became a Customer Date,"
          "Contact owner\n")
EXPECTED_DATE = "a date such as 29.11.2026 14:05, 2026-11-29T14:05 or 11/29/2026 2:05 PM"


@pytest.fixture
def here(workspace, tmp_path, monkeypatch):
    """Run from a folder of CSV files, so messages show short relative paths."""
    folder = tmp_path / "files"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def csv_file(folder, name, body, header=HEADER):
    path = folder / name
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return name


def smarketing(workspace, *args):
    return CliRunner().invoke(cli, ["--workspace", str(workspace.root), *args])


def import_leads(workspace, name, *extra):
    return smarketing(workspace, "import", "leads", name, "--preset", "hubspot", *extra)


def table(db, sql):
    return db.conn.execute(sql).fetchall()


FIRST = """\
    1,Kari,Aas,Lead,2026-11-02 09:00,,
    2,Ola,Berg,Marketing Qualified Lead,2026-11-02 10:00,,Ola Hansen
    3,Pål,Dahl,Lead,2026-11-03 11:00,,
    """
# Row 1 is as before; row 2 became a customer (stage and won date change, owner cell empty);
# row 3 has only its id and stage, and empty cells keep what the store has; row 4 is new.
SECOND = """\
    1,Kari,Aas,Lead,2026-11-02 09:00,,
    2,Ola,Berg,Customer,2026-11-02 10:00,2026-11-20 12:00,
    3,,,Lead,,,
    4,Siri,Lie,Lead,2026-11-21 08:00,,
    """


def test_reimport_upserts_by_external_id(workspace, here, db):
    first = import_leads(workspace, csv_file(here, "first.csv", FIRST))
    assert first.exit_code == 0, first.output
    assert "  inserted 3, updated 0, unchanged 0, skipped 0" in first.stdout.splitlines()
    second = import_leads(workspace, csv_file(here, "second.csv", SECOND))
    assert second.exit_code == 0, second.output
    # By hand: 1 unchanged, 2 updated, 3 unchanged (nothing new in it), 4 inserted.
    assert second.stdout.splitlines()[2] == "  inserted 1, updated 1, unchanged 2, skipped 0"
    assert table(db, "SELECT external_id, name, stage, owner, created_at, won_at FROM leads "
                     "ORDER BY external_id") == [
        ("1", "Kari Aas", "lead", None, "2026-11-02T08:00:00Z", None),
        ("2", "Ola Berg", "won", "Ola Hansen", "2026-11-02T09:00:00Z", "2026-11-20T11:00:00Z"),
        ("3", "Pål Dahl", "lead", None, "2026-11-03T10:00:00Z", None),
        ("4", "Siri Lie", "lead", None, "2026-11-21T07:00:00Z", None)]
    assert table(db, "SELECT inserted, updated, unchanged, skipped FROM imports ORDER BY id") == [
        (3, 0, 0, 0), (1, 1, 2, 0)]
    # The same file a third time changes nothing.
    third = import_leads(workspace, "second.csv")
    assert third.stdout.splitlines()[2] == "  inserted 0, updated 0, unchanged 4, skipped 0"


def test_a_new_owner_replaces_the_person_id(workspace, here, db):
    import_leads(workspace, csv_file(here, "first.csv", FIRST))
    result = import_leads(workspace, csv_file(here, "moved.csv", """\
        2,Ola,Berg,Marketing Qualified Lead,2026-11-02 10:00,,Ukjent Selger
        """))
    assert result.stdout.splitlines()[2] == "  inserted 0, updated 1, unchanged 0, skipped 0"
    assert table(db, "SELECT owner, owner_id FROM leads WHERE external_id = '2'") == [
        ("Ukjent Selger", None)]


BAD = """\
    1,Kari,Aas,Lead,2026-11-02 09:00,,
    2,Ola,Berg,Lead,31.02.2026,,
    3,Pål,"Dahl
    Dahl",Lead,2026-11-03 11:00,,
    4,Siri,Lie,Lead,i går,i morgen,
    5,Nils,Vik,Lead,2026-11-05 10:00,,
    """


def test_one_bad_row_and_nothing_is_written(workspace, here, db):
    import_leads(workspace, csv_file(here, "first.csv", FIRST))
    before = table(db, "SELECT * FROM leads ORDER BY id")
    result = import_leads(workspace, csv_file(here, "bad.csv", BAD))
    assert result.exit_code == 2
    # Row 4 starts on line 6: row 3 spans lines 4-5 (a quoted newline).
    assert result.stderr.splitlines() == [
        f"bad.csv:3: column 'Create Date': '31.02.2026' is not a day of the calendar, "
        f"expected {EXPECTED_DATE}",
        f"bad.csv:6: column 'Create Date': 'i går' is not a date, expected {EXPECTED_DATE}",
        f"bad.csv:6: column 'Became a Customer Date': 'i morgen' is not a date, "
        f"expected {EXPECTED_DATE}",
        "Error: 2 bad rows in bad.csv; nothing imported (fix the file, or use --skip-invalid "
        "to import the 3 good rows and write the bad ones to a rejects file)"]
    assert result.stdout == ""
    assert table(db, "SELECT * FROM leads ORDER BY id") == before
    assert table(db, "SELECT count(*) FROM imports") == [(1,)]
    assert not (here / "bad.rejects.csv").exists()


def test_skip_invalid_imports_the_good_rows_and_writes_rejects(workspace, here, db):
    import_leads(workspace, csv_file(here, "first.csv", FIRST))
    result = import_leads(workspace, csv_file(here, "bad.csv", BAD), "--skip-invalid")
    assert result.exit_code == 0, result.output
    # Good rows: 1 (unchanged), 3 (last name now "Dahl" + newline + "Dahl": updated), 5 (new).
    assert result.stdout.splitlines()[2] == "  inserted 1, updated 1, unchanged 1, skipped 2"
    assert result.stdout.splitlines()[-1] == "  2 bad rows written to bad.rejects.csv"
    with open(here / "bad.rejects.csv", encoding="utf-8-sig", newline="") as handle:
        rejects = list(csv.reader(handle))
    assert rejects == [
        ["Record ID", "First Name", "Last Name", "Lifecycle Stage", "Create Date",
         "Became a Customer Date", "Contact owner", "reject_reason"],
        ["2", "Ola", "Berg", "Lead", "31.02.2026", "", "",
         f"line 3: column 'Create Date': '31.02.2026' is not a day of the calendar, "
         f"expected {EXPECTED_DATE}"],
        ["4", "Siri", "Lie", "Lead", "i går", "i morgen", "",
         f"line 6: column 'Create Date': 'i går' is not a date, expected {EXPECTED_DATE}; "
         f"line 6: column 'Became a Customer Date': 'i morgen' is not a date, "
         f"expected {EXPECTED_DATE}"]]
    assert table(db, "SELECT external_id FROM leads ORDER BY id") == [("1",), ("2",), ("3",),
                                                                     ("5",)]
    assert table(db, "SELECT rows, inserted, updated, unchanged, skipped FROM imports "
                     "ORDER BY id DESC LIMIT 1") == [(5, 1, 1, 1, 2)]


def test_dry_run_reports_and_writes_nothing(workspace, here, db):
    import_leads(workspace, csv_file(here, "first.csv", FIRST))
    before = table(db, "SELECT * FROM leads ORDER BY id")
    result = import_leads(workspace, csv_file(here, "second.csv", SECOND), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "Dry run: second.csv checked, nothing written.",
        "  read as UTF-8, comma-separated; 4 rows",
        "  would be inserted 1, would be updated 1, unchanged 2, skipped 0"]
    assert table(db, "SELECT * FROM leads ORDER BY id") == before
    assert table(db, "SELECT count(*) FROM imports") == [(1,)]


def test_dry_run_with_bad_rows_fails_the_same_way(workspace, here, db):
    result = import_leads(workspace, csv_file(here, "bad.csv", BAD), "--dry-run")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("Error: 2 bad rows in bad.csv")
    assert table(db, "SELECT count(*) FROM leads") == [(0,)]


def test_a_repeated_id_in_one_file_is_a_bad_row(workspace, here, db):
    result = import_leads(workspace, csv_file(here, "dup.csv", """\
        7,Kari,Aas,Lead,2026-11-02 09:00,,
        8,Ola,Berg,Lead,2026-11-02 10:00,,
        7,Kari,Aas,Lead,2026-11-04 09:00,,
        """))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "dup.csv:4: column 'Record ID': '7' is already on line 2, expected each external id "
        "once per file")
    assert table(db, "SELECT count(*) FROM leads") == [(0,)]


def test_a_row_with_extra_cells(workspace, here, db):
    result = import_leads(workspace, csv_file(here, "wide.csv", """\
        7,Kari,Aas,Lead,2026-11-02 09:00,,,1 234,50
        """))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "wide.csv:2: has 9 cells but the header has 7, expected one cell per column (a value "
        "with the delimiter in it must be quoted)")


def test_events_for_unknown_leads_are_bad_rows(workspace, here, db):
    import_leads(workspace, csv_file(here, "first.csv", FIRST))
    events = csv_file(here, "events.csv", """\
        1,call,attempted,2026-11-02 09:30,Kari Nordmann
        999,call,connected,2026-11-02 09:40,Kari Nordmann
        2,fax,,2026-11-02 09:50,2002
        """, header="lead,type,outcome,at,person\n")
    result = smarketing(workspace, "import", "events", events)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "events.csv:3: column 'lead': no lead has the id '999', expected the id of a lead "
        "already imported (import the leads first)",
        "events.csv:4: column 'type': 'fax' is not a known type, expected one of: call, email, "
        "meeting, note, stage, linkedin, sms",
        "Error: 2 bad rows in events.csv; nothing imported (fix the file, or use "
        "--skip-invalid to import the 1 good row and write the bad ones to a rejects file)"]
    assert table(db, "SELECT count(*) FROM lead_events") == [(0,)]

    result = smarketing(workspace, "import", "events", events, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "  first contact derived from the events for 1 lead" in result.stdout.splitlines()
    assert table(db, "SELECT external_id, first_contact_at FROM leads WHERE "
                     "first_contact_at IS NOT NULL") == [("1", "2026-11-02T08:30:00Z")]
    rejects = (here / "events.rejects.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in rejects] == ["lead", "999", "2"]


def test_events_without_ids_are_not_duplicated_on_reimport(workspace, here, db):
    import_leads(workspace, csv_file(here, "first.csv", FIRST))
    events = csv_file(here, "events.csv", """\
        1,call,attempted,2026-11-02 09:30,Kari Nordmann
        1,email,,2026-11-02 09:35,Kari Nordmann
        """, header="lead,type,outcome,at,person\n")
    smarketing(workspace, "import", "events", events)
    again = smarketing(workspace, "import", "events", events)
    assert again.stdout.splitlines()[2] == "  inserted 0, updated 0, unchanged 2, skipped 0"
    assert table(db, "SELECT count(*) FROM lead_events") == [(2,)]


def test_no_preset_and_unknown_columns(workspace, here):
    name = csv_file(here, "odd.csv", "1,2\n", header="Kolonne A,Kolonne B\n")
    result = smarketing(workspace, "import", "leads", name)
    assert result.exit_code == 2
    assert result.stderr == ("Error: odd.csv: say how to read this file: --preset "
                             "hubspot|salesforce|pipedrive|zoho or --mapping MAP.yaml (or name its "
                             "columns after the fields: external_id, ...)\n")


def test_a_preset_on_the_wrong_file_names_the_missing_id_column(workspace, here):
    name = csv_file(here, "odd.csv", "1,2\n", header="Lead ID,Navn\n")
    result = smarketing(workspace, "import", "leads", name, "--preset", "hubspot")
    assert result.exit_code == 2
    assert result.stderr == ("Error: odd.csv: column 'Record ID' for external_id (hubspot "
                             "preset) is not in the file (did you mean 'Lead ID'?); its columns "
                             "are: Lead ID, Navn\n")


def test_a_mapping_column_missing_from_the_file_points_at_the_mapping(workspace, here):
    (here / "map.yaml").write_text("external_id: ID\nfields:\n  name: Navn\n", encoding="utf-8")
    name = csv_file(here, "x.csv", "1,Kari\n", header="ID,Fullt navn\n")
    result = smarketing(workspace, "import", "leads", name, "--mapping", "map.yaml")
    assert result.exit_code == 2
    assert result.stderr == ("Error: map.yaml:3:9: column 'Navn' (for name) is not in x.csv; "
                             "its columns are: ID, Fullt navn\n")


def test_campaigns_update_by_name_and_keep_what_is_empty(workspace, here, db):
    header = "name;channel;starts;ends;spend\n"
    first = csv_file(here, "c1.csv", """\
        Høstwebinar;webinar;01.11.2026;30.11.2026;12 500,00
        Messe;event;03.11.2026;05.11.2026;80 000
        """, header=header)
    assert smarketing(workspace, "import", "campaigns", first).exit_code == 0
    # Høstwebinar: spend grows, channel cell empty (kept); Messe as before; one new.
    second = csv_file(here, "c2.csv", """\
        Høstwebinar;;01.11.2026;30.11.2026;14 000,50
        Messe;event;03.11.2026;05.11.2026;80 000
        LinkedIn;paid_social;15.11.2026;;
        """, header=header)
    result = smarketing(workspace, "import", "campaigns", second)
    assert result.stdout.splitlines()[2] == "  inserted 1, updated 1, unchanged 1, skipped 0"
    assert table(db, "SELECT name, channel, starts, ends, spend FROM campaigns ORDER BY id") == [
        ("Høstwebinar", "webinar", "2026-11-01", "2026-11-30", 14000.5),
        ("Messe", "event", "2026-11-03", "2026-11-05", 80000.0),
        ("LinkedIn", "paid_social", "2026-11-15", None, 0.0)]  # no spend given: 0


def test_activities_without_ids_update_their_quantity(workspace, here, db):
    header = "date,team,person,kind,title,quantity\n"
    first = csv_file(here, "a1.csv", """\
        2026-11-02,sales,Ola Hansen,calls,Oppringing,40
        2026-11-02,,Kari Nordmann,webinar,Høstwebinar,1
        """, header=header)
    assert smarketing(workspace, "import", "activities", first).exit_code == 0
    # Same team, person, date, kind and title: the same activity, now 42 calls.
    second = csv_file(here, "a2.csv", """\
        2026-11-02,sales,Ola Hansen,calls,Oppringing,42
        2026-11-02,,Kari Nordmann,webinar,Høstwebinar,1
        """, header=header)
    result = smarketing(workspace, "import", "activities", second)
    assert result.stdout.splitlines()[2] == "  inserted 0, updated 1, unchanged 1, skipped 0"
    assert table(db, "SELECT team, person, kind, quantity FROM activities ORDER BY id") == [
        ("sales", "Ola Hansen", "calls", 42.0),
        ("marketing", "Kari Nordmann", "webinar", 1.0)]  # team from Kari's team


def test_events_with_ids_upsert_and_a_mapping_time_zone(workspace, here, db):
    import_leads(workspace, csv_file(here, "first.csv", FIRST))
    (here / "ev.yaml").write_text(
        "kind: events\ntimezone: America/New_York\nexternal_id: Id\n"
        "fields:\n  lead: Contact\n  type: {column: Kind, values: {Phone: call}}\n"
        "  at: When\n  outcome: Result\n", encoding="utf-8")
    header = "Id,Contact,Kind,When,Result\n"
    events = csv_file(here, "ev1.csv", "e1,1,Phone,11/02/2026 9:00 AM,No answer\n",
                      header=header)
    assert smarketing(workspace, "import", "events", events, "--mapping", "ev.yaml").exit_code == 0
    # 9:00 AM in New York (UTC-5 in November) is 14:00 UTC; "No answer" means attempted.
    assert table(db, "SELECT external_id, type, outcome, at FROM lead_events") == [
        ("e1", "call", "attempted", "2026-11-02T14:00:00Z")]
    again = csv_file(here, "ev2.csv", "e1,1,Phone,11/02/2026 9:00 AM,Connected\n", header=header)
    result = smarketing(workspace, "import", "events", again, "--mapping", "ev.yaml")
    assert result.stdout.splitlines()[2] == "  inserted 0, updated 1, unchanged 0, skipped 0"
    assert table(db, "SELECT external_id, outcome FROM lead_events") == [("e1", "connected")]


def test_a_busy_store_is_one_clear_line(workspace, here, monkeypatch):
    import sqlite3

    import smarketing_tui.store

    monkeypatch.setattr(smarketing_tui.store, "BUSY_TIMEOUT_MS", 50)
    name = csv_file(here, "first.csv", FIRST)
    writer = sqlite3.connect(workspace.db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another session in the middle of a write
    try:
        result = import_leads(workspace, name)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 2
    assert result.stderr == ("Error: the store is busy (database is locked): another session is "
                             "writing to it; try again in a moment\n")


def test_a_first_import_into_an_empty_store_is_all_or_nothing_too(workspace, here, db):
    # An empty table takes the direct path (no staging): same rules, same messages.
    name = csv_file(here, "bad.csv", BAD)
    result = import_leads(workspace, name)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: 2 bad rows in bad.csv; nothing imported (fix the file, or use --skip-invalid "
        "to import the 3 good rows and write the bad ones to a rejects file)")
    assert table(db, "SELECT count(*) FROM leads") == [(0,)]
    assert table(db, "SELECT count(*) FROM imports") == [(0,)]
    # The table's indexes, dropped for the bulk load, are back after the rollback.
    indexes = {name for (name,) in table(db, "SELECT name FROM sqlite_master WHERE "
                                             "type = 'index' AND tbl_name = 'leads'")}
    assert {"leads_mql_at", "leads_created_at", "leads_owner_id"} <= indexes

    result = import_leads(workspace, name, "--skip-invalid")
    assert result.exit_code == 0, result.output
    # Rows 1, 3 and 5 of BAD are good: three new leads.
    assert result.stdout.splitlines()[2] == "  inserted 3, updated 0, unchanged 0, skipped 2"
    assert table(db, "SELECT external_id, name FROM leads ORDER BY id") == [
        ("1", "Kari Aas"), ("3", "Pål Dahl\nDahl"), ("5", "Nils Vik")]
    assert table(db, "SELECT rows, inserted, skipped FROM imports") == [(5, 3, 2)]
    assert (here / "bad.rejects.csv").read_text(encoding="utf-8-sig").count("\n") == 3
    indexes = {name for (name,) in table(db, "SELECT name FROM sqlite_master WHERE "
                                             "type = 'index' AND tbl_name = 'leads'")}
    assert {"leads_mql_at", "leads_created_at", "leads_owner_id"} <= indexes


# ------------------------------------------------------------------ real values (issue 12)

ZOHO_MAP = """\
    date_format: "%d %b, %Y %H:%M:%S"
    external_id: LEADID
    fields:
      owner: Lead Owner
      created_at: Created Time
      won_at: {column: Won On, date_format: "%d.%m.%Y"}
      amount: Annual Revenue
    """
ZOHO_HEADER = "LEADID,Lead Owner,Created Time,Won On,Annual Revenue\n"


def zoho(here, body, mapping=ZOHO_MAP):
    (here / "zoho.yaml").write_text(textwrap.dedent(mapping), encoding="utf-8")
    return csv_file(here, "zoho.csv", body, header=ZOHO_HEADER)


def import_zoho(workspace, name, *extra):
    return smarketing(workspace, "import", "leads", name, "--mapping", "zoho.yaml", *extra)


def test_a_zoho_export_with_a_date_pattern_and_money(workspace, here, db):
    name = zoho(here, """\
        zcrm_1,Kari Nordmann,"15 Apr, 2021 00:03:00",03.05.2021,"$22,700.00"
        zcrm_2,Ola Hansen,"16 Dec, 2021 09:30:00",,"$1,117.10K"
        zcrm_3,Ola Hansen,"17 Apr, 2021 10:00:00",,"kr 1 234,50"
        zcrm_4,Ola Hansen,"17 Apr, 2021 10:00:00",,2.5M
        """)
    result = import_zoho(workspace, name)
    assert result.exit_code == 0, result.output
    # Two amounts in dollars in a kroner workspace: said, since metrics never convert.
    assert result.stderr.splitlines() == [
        "warning: the store has 2 leads in USD, but the workspace counts money in NOK; amounts "
        "are summed as stored, never converted: set currency: in smarketing.yaml if USD is "
        "right, or map the currency in the import"]
    # Oslo is UTC+2 in April (CEST) and UTC+1 in December (CET); 03.05.2021 is local midnight.
    # The currency comes from the amount's sign: the mapping names no currency.
    assert table(db, "SELECT external_id, owner, created_at, won_at, amount, currency "
                     "FROM leads ORDER BY external_id") == [
        ("zcrm_1", "Kari Nordmann", "2021-04-14T22:03:00Z", "2021-05-02T22:00:00Z", 22700.0,
         "USD"),
        ("zcrm_2", "Ola Hansen", "2021-12-16T08:30:00Z", None, 1117100.0, "USD"),
        ("zcrm_3", "Ola Hansen", "2021-04-17T08:00:00Z", None, 1234.5, "NOK"),
        ("zcrm_4", "Ola Hansen", "2021-04-17T08:00:00Z", None, 2500000.0, None)]


def test_a_currency_the_mapping_fixes_wins_over_the_sign(workspace, here, db):
    name = zoho(here, """\
        zcrm_1,Kari Nordmann,"15 Apr, 2021 00:03:00",,"$22,700.00"
        """, mapping=ZOHO_MAP.rstrip(" ") + "    constants:\n      currency: NOK\n")
    result = import_zoho(workspace, name)
    assert result.exit_code == 0, result.output
    assert table(db, "SELECT amount, currency FROM leads") == [(22700.0, "NOK")]


def test_a_value_that_does_not_fit_the_pattern_is_one_line(workspace, here, db):
    name = zoho(here, """\
        zcrm_1,Kari Nordmann,"15 Apr, 2021 00:03:00",,
        zcrm_2,Ola Hansen,2021-04-16 09:30,,
        """)
    result = import_zoho(workspace, name)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "zoho.csv:3: column 'Created Time': '2021-04-16 09:30' does not fit the date_format, "
        "expected a date in the pattern '%d %b, %Y %H:%M:%S' such as 29 Nov, 2026 14:05:09",
        "Error: 1 bad row in zoho.csv; nothing imported (fix the file, or use --skip-invalid "
        "to import the 1 good row and write the bad ones to a rejects file)"]
    assert table(db, "SELECT count(*) FROM leads") == [(0,)]


def test_non_finite_and_huge_amounts_are_refused(workspace, here, db):
    name = zoho(here, f"""\
        z1,,"15 Apr, 2021 00:03:00",,{"9" * 400}
        z2,,"15 Apr, 2021 00:03:00",,1e400
        z3,,"15 Apr, 2021 00:03:00",,inf
        z4,,"15 Apr, 2021 00:03:00",,nan
        z5,,"15 Apr, 2021 00:03:00",,12
        """)
    result = import_zoho(workspace, name)
    assert result.exit_code == 2
    too_large = "is too large to store, expected a number smaller than 1 000 000 000 000 000 in size"
    assert result.stderr.splitlines()[:4] == [
        f"zoho.csv:2: column 'Annual Revenue': '999999999999'…'999999' (400 characters) "
        f"{too_large}",
        f"zoho.csv:3: column 'Annual Revenue': '1e400' {too_large}",
        "zoho.csv:4: column 'Annual Revenue': 'inf' is not a number, expected a number such as "
        "1 234,50 or 1234.50",
        "zoho.csv:5: column 'Annual Revenue': 'nan' is not a number, expected a number such as "
        "1 234,50 or 1234.50"]
    assert table(db, "SELECT count(*) FROM leads") == [(0,)]


SUSPICIOUS = """\
    z1,,"30 Dec, 1899 00:00:00",,5
    z2,,"16 Apr, 2099 09:30:00",,"($1,117.10)"
    z3,,"06 Dec, 2026 10:00:00",,-5
    z4,,"17 Apr, 1989 10:00:00",31.12.1989,5
    z5,,"09 Dec, 2026 09:00:00",,5
    z6,,"09 Dec, 2026 11:00:00",,5
    """
# The clock is pinned at 2026-12-08 10:00 UTC, so "more than a day in the future" is after
# 2026-12-09 10:00 UTC = 11:00 in Oslo: z5 (09:00 Oslo) is within the day, z6 (11:00 Oslo, 10:00
# UTC) is not after it, z2 (2099) is. Before 1990: z1 (Excel's zero date) and z4 (twice in
# one row, counted once). Negative: z2 (in parentheses) and z3.
SUSPICIOUS_WARNINGS = [
    "zoho.csv: warning: 2 rows with a date before 1990 (lines 2, 5; columns 'Created Time', "
    "'Won On'; first '30 Dec, 1899 00:00:00')",
    "zoho.csv: warning: 1 row with a date more than a day in the future (line 3; column "
    "'Created Time'; first '16 Apr, 2099 09:30:00')",
    "zoho.csv: warning: 2 rows with a negative amount (lines 3, 4; column 'Annual Revenue'; "
    "first '($1,117.10)')"]


def test_suspicious_values_are_imported_with_one_warning_line_per_kind(workspace, here, db,
                                                                        monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-12-08T10:00:00Z")
    result = import_zoho(workspace, zoho(here, SUSPICIOUS))
    assert result.exit_code == 0, result.output
    # z2's amount is in dollars: the store's currency check speaks after the import.
    assert result.stderr.splitlines() == SUSPICIOUS_WARNINGS + [
        "warning: the store has 1 lead in USD, but the workspace counts money in NOK; amounts "
        "are summed as stored, never converted: set currency: in smarketing.yaml if USD is "
        "right, or map the currency in the import"]
    assert table(db, "SELECT count(*) FROM leads") == [(6,)]


def test_strict_turns_the_warnings_into_an_error_and_writes_nothing(workspace, here, db,
                                                                     monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-12-08T10:00:00Z")
    result = import_zoho(workspace, zoho(here, SUSPICIOUS), "--strict")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == SUSPICIOUS_WARNINGS + [
        "Error: zoho.csv has suspicious values (the warnings above) and --strict is on; "
        "nothing imported (fix the file, or import it without --strict)"]
    assert result.stdout == ""
    assert table(db, "SELECT count(*) FROM leads") == [(0,)]
    assert table(db, "SELECT count(*) FROM imports") == [(0,)]
    # A clean file passes --strict.
    clean = zoho(here, 'z1,,"06 Dec, 2026 10:00:00",,5\n')
    assert import_zoho(workspace, clean, "--strict").exit_code == 0
    assert table(db, "SELECT count(*) FROM leads") == [(1,)]


def test_strict_on_a_re_import_leaves_the_store_as_it_was(workspace, here, db, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-12-08T10:00:00Z")
    assert import_zoho(workspace, zoho(here, 'z1,,"06 Dec, 2026 10:00:00",,5\n')).exit_code == 0
    before = table(db, "SELECT * FROM leads")
    result = import_zoho(workspace, zoho(here, 'z1,,"06 Dec, 2026 10:00:00",,-5\n'), "--strict")
    assert result.exit_code == 2
    assert table(db, "SELECT * FROM leads") == before


def test_a_warning_names_the_first_rows_and_counts_them_all(workspace, here, db):
    body = "".join(f'z{n},,"06 Dec, 2026 10:00:00",,-{n}\n' for n in range(1, 8))
    result = import_zoho(workspace, zoho(here, body))
    assert result.exit_code == 0, result.output
    # Seven negative amounts on lines 2-8: the first five lines are named.
    assert result.stderr.splitlines() == [
        "zoho.csv: warning: 7 rows with a negative amount (lines 2, 3, 4, 5, 6, …; column "
        "'Annual Revenue'; first '-1')"]


def test_a_bad_row_is_not_also_counted_as_suspicious(workspace, here, db):
    # Row 2 has a negative amount and a bad date: it is skipped, so no warning names it.
    body = 'z1,,"06 Dec, 2026 10:00:00",,5\nz2,,"31 Feb, 2026 10:00:00",,-5\n'
    result = import_zoho(workspace, zoho(here, body), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


def test_a_campaign_may_end_in_the_future(workspace, here, db, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", "2026-12-08T10:00:00Z")
    header = "name;starts;ends;spend\n"
    name = csv_file(here, "c.csv", "Vårkampanje;01.03.2027;31.03.2027;-100\n", header=header)
    result = smarketing(workspace, "import", "campaigns", name)
    assert result.exit_code == 0, result.output
    # Planned dates are not news; the negative spend is.
    assert result.stderr.splitlines() == [
        "c.csv: warning: 1 row with a negative amount (line 2; column 'spend'; first '-100')"]


POTENTIALS_MAP = """\
    date_format: "%d %b, %Y %H:%M:%S"
    external_id: POTENTIALID
    fields:
      created_at: Created Time
      won_at:
        column: Closing Date
        date_format: "%d %b, %Y"
        when: {column: Stage, equals: Closed Won}
      lost_at:
        column: Closing Date
        date_format: "%d %b, %Y"
        when: {column: Stage, equals: [Closed Lost, Closed Lost to Competition]}
      owner: {column: Potential Owner, when: {column: Stage, equals: Closed Won}}
    """


def test_a_field_read_only_when_another_column_has_a_given_value(workspace, here, db):
    (here / "pot.yaml").write_text(textwrap.dedent(POTENTIALS_MAP), encoding="utf-8")
    # One column (Closing Date) feeds two fields; which one depends on the Stage. A closing
    # date that does not fit its pattern is not read (nor reported) where Stage says no.
    name = csv_file(here, "pot.csv", """\
        p1,"15 Apr, 2021 00:03:00","03 May, 2021",closed won,Ola Hansen
        p2,"16 Apr, 2021 09:30:00","04 May, 2021",Closed Lost to Competition,Ola Hansen
        p3,"17 Apr, 2021 10:00:00",some day,Negotiation/Review,Ola Hansen
        """, header="POTENTIALID,Created Time,Closing Date,Stage,Potential Owner\n")
    result = smarketing(workspace, "import", "leads", name, "--mapping", "pot.yaml")
    assert result.exit_code == 0, result.output
    # 3 May 2021 is local midnight in Oslo (CEST, UTC+2): 2 May 22:00 UTC.
    assert table(db, "SELECT external_id, won_at, lost_at, owner FROM leads "
                     "ORDER BY external_id") == [
        ("p1", "2021-05-02T22:00:00Z", None, "Ola Hansen"),
        ("p2", None, "2021-05-03T22:00:00Z", None),
        ("p3", None, None, None)]


def test_a_when_column_missing_from_the_file_points_at_the_mapping(workspace, here):
    (here / "pot.yaml").write_text(textwrap.dedent(POTENTIALS_MAP), encoding="utf-8")
    name = csv_file(here, "pot.csv", 'p1,"15 Apr, 2021 00:03:00",,Ola Hansen\n',
                    header="POTENTIALID,Created Time,Closing Date,Potential Owner\n")
    result = smarketing(workspace, "import", "leads", name, "--mapping", "pot.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: pot.yaml:6:5: column 'Stage' (when of won_at) is not in pot.csv; its columns "
        "are: POTENTIALID, Created Time, Closing Date, Potential Owner\n")


def test_a_file_named_after_the_fields_reads_the_currency_from_the_spend(workspace, here, db):
    header = "name;spend\n"
    name = csv_file(here, "c.csv", "Messe;€1.234,50\nWebinar;2 500\n", header=header)
    result = smarketing(workspace, "import", "campaigns", name)
    assert result.exit_code == 0, result.output
    assert table(db, "SELECT name, spend, currency FROM campaigns ORDER BY id") == [
        ("Messe", 1234.5, "EUR"), ("Webinar", 2500.0, None)]
