"""Engagements never count as a sales touch: the demo's SLA numbers are the same after
importing engagements for every lead, each kind a minute after the lead became an MQL
(before any sales touch, so any of them taken for a first contact would move the
speed-to-lead and min-touches lines). And a schema-3 store migrates with its data."""

from __future__ import annotations

import sqlite3

from schema_helpers import downgrade
from datetime import timedelta

from meeting_fixtures import DEMO_NOW

from smarketing_tui.importing import choose_mapping, run_import
from smarketing_tui.importing.fields import ENGAGEMENT_KINDS
from smarketing_tui.periods import month_period
from smarketing_tui.scorecard import build_scorecard
from smarketing_tui.sla import load_sla
from smarketing_tui.store import SCHEMA_VERSION, open_readonly, open_store
from smarketing_tui.timeutil import parse_utc

TZ = "Europe/Oslo"


def _numbers(workspace):
    settings = workspace.settings()
    conn = open_readonly(workspace.db_path)
    try:
        card = build_scorecard(conn, load_sla(workspace.sla_path, settings), settings,
                               month_period(2026, 11, TZ),
                               parse_utc(DEMO_NOW))
        leads = conn.execute("SELECT * FROM leads ORDER BY id").fetchall()
        touches = conn.execute("SELECT count(*) FROM lead_events").fetchone()
    finally:
        conn.close()
    return [c.to_json() for c in card.commitments], leads, touches


def test_importing_engagements_leaves_the_demos_sla_numbers_unchanged(demo_workspace, tmp_path):
    before = _numbers(demo_workspace)
    conn = open_readonly(demo_workspace.db_path)
    mqls = conn.execute("SELECT external_id, mql_at FROM leads WHERE mql_at IS NOT NULL"
                        ).fetchall()
    conn.close()
    assert len(mqls) > 50
    lines = ["lead,kind,at,asset"]
    for lead, mql_at in mqls:
        moment = (parse_utc(mql_at) + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
        lines += [f"{lead},{kind},{moment},Testside" for kind in ENGAGEMENT_KINDS]
    path = tmp_path / "engagements.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = open_store(demo_workspace.db_path, demo_workspace.settings())
    try:
        mapping, _ = choose_mapping("engagements", path)
        report = run_import(db.conn, mapping, path, workspace_tz="UTC")
    finally:
        db.close()
    assert report.inserted == len(mqls) * len(ENGAGEMENT_KINDS)
    after = _numbers(demo_workspace)
    assert after == before
    assert all(line["actual"] is not None for line in after[0])


def test_a_schema_3_store_migrates_keeping_its_leads_and_deals(workspace):
    conn = sqlite3.connect(workspace.db_path)
    conn.execute("INSERT INTO leads (external_id, name) VALUES ('hs-1', 'Åse')")
    conn.execute("INSERT INTO deals (external_id, lead_id, status) VALUES ('d-1', 1, 'won')")
    downgrade(conn, 3)
    conn.commit()
    conn.close()
    db = open_store(workspace.db_path, workspace.settings())
    try:
        assert db.conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.conn.execute("SELECT name FROM leads").fetchall() == [("Åse",)]
        assert db.conn.execute("SELECT status FROM deals").fetchall() == [("won",)]
        db.conn.execute("INSERT INTO engagements (external_id, lead_id, kind, at) "
                        "VALUES ('e-1', 1, 'download', '2026-11-02T09:00:00Z')")
        assert db.conn.execute("SELECT count(*) FROM engagements").fetchone() == (1,)
    finally:
        db.close()


def test_the_demos_own_engagements_are_norwegian_and_move_no_sla_number(demo_workspace):
    conn = open_readonly(demo_workspace.db_path)
    try:
        kinds = {kind for (kind,) in conn.execute("SELECT DISTINCT kind FROM engagements")}
        keywords = {k for (k,) in conn.execute("SELECT DISTINCT keyword FROM engagements "
                                               "WHERE keyword IS NOT NULL")}
        assets = {a for (a,) in conn.execute("SELECT DISTINCT asset FROM engagements")}
        late = conn.execute("SELECT count(*) FROM engagements WHERE at > ?",
                            (max_import := conn.execute(
                                "SELECT max(finished_at) FROM imports").fetchone()[0],)
                            ).fetchone()[0]
    finally:
        conn.close()
    assert kinds == set(ENGAGEMENT_KINDS)
    assert "fakturaprogram for små bedrifter" in keywords and "regnskapsprogram pris" in keywords
    assert "Prisguide 2027" in assets and "E-bok: Innkjøp for økonomisjefer" in assets
    assert late == 0, max_import  # nothing newer than the last export
    before = _numbers(demo_workspace)
    conn = sqlite3.connect(demo_workspace.db_path)
    conn.execute("DELETE FROM engagements")
    conn.commit()
    conn.close()
    assert _numbers(demo_workspace) == before
