"""Empty cells are stored as NULL on both import paths, and the bulk load's partial indexes
come back as they were (the importer binds None through a temporary sqlite3 adapter)."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from smarketing_tui.cli import cli

HEADER = "Record ID,First Name,Last Name,Lifecycle Stage,Create Date,Became a Customer Date\n"
# Row 1 has no customer date and no last name; row 2 has both.
FIRST = "1,Kari,,Lead,2026-11-02 09:00,\n2,Ola,Berg,Customer,2026-11-02 10:00,2026-11-20 12:00\n"
# A second file goes through the staging path: row 3 is new and empty but for id and stage.
SECOND = "3,,,Lead,,\n"
NONE_ADAPTER = (type(None), sqlite3.PrepareProtocol)


def import_leads(workspace, path):
    return CliRunner().invoke(cli, ["--workspace", str(workspace.root), "import", "leads",
                                    str(path), "--preset", "hubspot"])


def test_empty_cells_are_null_on_the_direct_and_the_staged_path(workspace, tmp_path, db):
    first = tmp_path / "first.csv"
    first.write_text(HEADER + FIRST, encoding="utf-8")
    result = import_leads(workspace, first)
    assert result.exit_code == 0, result.output
    second = tmp_path / "second.csv"
    second.write_text(HEADER + SECOND, encoding="utf-8")
    result = import_leads(workspace, second)
    assert result.exit_code == 0, result.output
    rows = db.conn.execute("SELECT external_id, typeof(name), typeof(created_at), "
                           "typeof(won_at), won_at FROM leads ORDER BY id").fetchall()
    # Oslo is UTC+1 in November: 12:00 local is 11:00Z.
    assert rows == [("1", "text", "text", "null", None),
                    ("2", "text", "text", "text", "2026-11-20T11:00:00Z"),
                    ("3", "null", "null", "null", None)]
    assert NONE_ADAPTER not in sqlite3.adapters  # the process-wide registry is as it was


def test_the_bulk_load_rebuilds_the_partial_indexes_with_their_condition(workspace, tmp_path,
                                                                          db):
    first = tmp_path / "first.csv"
    first.write_text(HEADER + FIRST, encoding="utf-8")
    result = import_leads(workspace, first)
    assert result.exit_code == 0, result.output
    sql = db.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'leads_won_at'").fetchone()
    assert sql == ("CREATE INDEX leads_won_at ON leads(won_at) WHERE won_at IS NOT NULL",)
    # Only row 2 has a won date, so the partial index holds one entry.
    assert db.conn.execute("SELECT count(*) FROM leads INDEXED BY leads_won_at "
                           "WHERE won_at IS NOT NULL").fetchone() == (1,)
    # The file has no lost dates: leads_lost_at stayed in place (empty) and is still there.
    indexes = {name for (name,) in db.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads' "
        "AND name NOT LIKE 'sqlite_%'")}
    assert indexes == {"leads_created_at", "leads_mql_at", "leads_won_at", "leads_lost_at",
                       "leads_meeting_at", "leads_rejected_at", "leads_opportunity_at",
                       "leads_owner_id"}
    assert db.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_bulk_load_drops_only_the_indexes_its_rows_fill(db):
    from smarketing_tui.importing.engine import _secondary_indexes

    written = {"external_id", "name", "created_at", "won_at", "import_id"}
    dropped = {name for name, _ in _secondary_indexes(db.conn, "leads", written)}
    # leads_created_at is a full index (NULLs too): always rebuilt. leads_won_at is partial
    # on a written column. The other partial indexes' columns stay NULL: no entries to add.
    assert dropped == {"leads_created_at", "leads_won_at"}
