"""`smarketing forget LEAD` on the samples in data/, counted by hand.

Imported: data/hubspot-contacts.csv (8 leads), data/events.csv (7 touches: 3 of them
5101's), data/hubspot-contacts-analytics.csv (22 engagements, 4 of them 5101's),
data/engagements.csv (7, 2 of them 5101's: 5101 has 6), data/hubspot-deals.csv (12 deals;
5101's are 9005, won 125 000 on 27.11, and 9006, lost).

Forgetting 5101 (Ingrid Bakken): 7 leads, 4 touches and 29 - 6 = 23 engagements left;
9005 and 9006 kept without a lead, so the deals won in November stay 5 for 278 500,50.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from smarketing_tui.cli import cli
from smarketing_tui.metrics import MetricsEngine
from smarketing_tui.periods import parse_period
from smarketing_tui.timeutil import UTC
from test_minutes_support import insert_meeting

DATA = Path(__file__).resolve().parent.parent / "data"


def _run(workspace, *args):
    return CliRunner().invoke(cli, ["-w", str(workspace.root), *args],
                              env={"SMARKETING_NOW": "2026-12-10T12:00:00Z"})


@pytest.fixture
def store(workspace):
    for kind, name, preset in (("leads", "hubspot-contacts", "hubspot"), ("events", "events", None),
                               ("engagements", "hubspot-contacts-analytics", "hubspot"),
                               ("engagements", "engagements", "generic"),
                               ("deals", "hubspot-deals", "hubspot")):
        args = ["import", kind, str(DATA / f"{name}.csv")]
        if preset:
            args += ["--preset", preset]
        if kind == "events":
            mapping = workspace.root / "events.yaml"
            mapping.write_text("kind: events\nfields:\n  lead: lead\n  type: type\n"
                               "  outcome: outcome\n  at: at\n  person: person\n  note: note\n",
                               encoding="utf-8")
            args += ["--mapping", str(mapping)]
        result = _run(workspace, *args)
        assert result.exit_code == 0, result.output
    conn = sqlite3.connect(workspace.db_path)
    insert_meeting(conn, title="Weekly", started_at="2026-11-30T08:00:00Z",
                   ended_at="2026-11-30T08:45:00Z", period_label="2026-W48",
                   period_start="2026-11-22T23:00:00Z", period_end="2026-11-29T23:00:00Z")
    meeting = conn.execute("SELECT max(id) FROM meetings").fetchone()[0]
    conn.execute("UPDATE meetings SET scorecard_snapshot = ? WHERE id = ?",
                 (json.dumps({"commitments": [{"id": "speed", "counts": {"mqls": 4}}]}), meeting))
    conn.execute("INSERT INTO notes (meeting_id, text, created_at) VALUES (?, ?, ?)",
                 (meeting, "Ring 5101 igjen etter webinaret", "2026-11-30T08:10:00Z"))
    conn.execute("INSERT INTO notes (meeting_id, text, created_at) VALUES (?, ?, ?)",
                 (meeting, "Nothing about anyone", "2026-11-30T08:11:00Z"))
    conn.commit()
    conn.close()
    return workspace


def _counts(path):
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("leads", "lead_events", "engagements", "deals")}
    finally:
        conn.close()


def _won_in_november(path, settings):
    conn = sqlite3.connect(path)
    try:
        result = MetricsEngine(conn, settings).compute(
            "deals_won_amount", parse_period("2026-11", "Europe/Oslo"),
            __import__("datetime").datetime(2026, 12, 10, tzinfo=UTC))
        return result.value, result.counts["won"]
    finally:
        conn.close()


def test_forget_removes_the_person_and_keeps_the_deals_and_the_minutes(store):
    path = store.db_path
    assert _counts(path) == {"leads": 8, "lead_events": 7, "engagements": 29, "deals": 12}
    before = _won_in_november(path, store.settings())
    assert before == (pytest.approx(278_500.5), 5)
    dry = _run(store, "forget", "5101", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("Dry run: would forget 1 lead 5101 (Ingrid Bakken): 3 touches "
                                 "and 6 engagements; nothing removed.")
    assert _counts(path)["leads"] == 8
    result = _run(store, "forget", "5101", "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Forgot 1 lead 5101 (Ingrid Bakken): 3 touches and 6 engagements.",
        "  2 deals are kept without the lead (the deal metrics keep their numbers)",
        "  the minutes of past meetings hold only counts; they are unchanged",
        "  mentioned in note #1 (free text: edit it by hand if it holds personal data)"]
    assert _counts(path) == {"leads": 7, "lead_events": 4, "engagements": 23, "deals": 12}
    assert _won_in_november(path, store.settings()) == before
    conn = sqlite3.connect(path)
    deals = conn.execute("SELECT external_id, lead_id, lead_ref FROM deals "
                         "WHERE external_id IN ('9005', '9006') ORDER BY 1").fetchall()
    snapshot = conn.execute("SELECT scorecard_snapshot FROM meetings").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert deals == [("9005", None, None), ("9006", None, None)]
    assert json.loads(snapshot) == {"commitments": [{"id": "speed", "counts": {"mqls": 4}}]}
    # Nothing of her is left in the file: the deleted rows were overwritten, not freed.
    raw = path.read_bytes()
    # ("Ingrid" alone is not hers only: a colleague in people has the name)
    for trace in ("Bakken".encode(), b"ingrid.bakken@fjordlys.example",
                  "fakturaprogram for små bedrifter".encode()):
        assert trace not in raw


def test_forget_by_email_and_an_unknown_lead(store):
    result = _run(store, "forget", "OYSTEIN@laerumbygg.example", "--yes")
    assert result.exit_code == 0, result.output
    # 2 touches in events.csv; 3 engagements from the contacts export + 1 e-mail click
    assert result.output.startswith("Forgot 1 lead 5102 (Øystein Lærum): 2 touches and 4 "
                                    "engagements.")
    unknown = _run(store, "forget", "nobody@example.no", "--yes")
    assert unknown.exit_code == 2
    assert unknown.output.strip() == ("Error: no lead has the e-mail 'nobody@example.no'; give a "
                                      "lead's id as the export named it (e.g. HubSpot's Record "
                                      "ID) or its e-mail")


def test_forget_asks_first_and_a_no_removes_nothing(store):
    result = CliRunner().invoke(cli, ["-w", str(store.root), "forget", "5101"], input="n\n")
    assert result.exit_code == 1
    assert _counts(store.db_path)["leads"] == 8
