"""Deals imported as records of their own, each preset on its sample in data/.

Times are Oslo time: UTC+2 until 25.10.2026, UTC+1 after. November 2026 in Oslo is
2026-10-31T23:00:00Z .. 2026-11-30T23:00:00Z. A "cycle" is the days from a deal's
creation to its close (elapsed time), for won deals.

Hand-worked answers for the samples (the people of tests/conftest.py: Kari Nordmann
is marketing, Ola Hansen and Pål Sørensen sales; "ola@testfirma.no", "O. Hansen" and
"2002" are Ola's aliases, "2003" Pål's):

data/hubspot-contacts.csv (8 contacts) + data/hubspot-deals.csv (12 deals)
  leads per month (Create Date): 2026-09 1 (5104), 2026-10 1 (5103), 2026-11 6
  top source: Organic Search, 2 (5101, 5105); every other source 1
  top lead owner: Ola Hansen, 3 (5102; 5103 as ola@testfirma.no; 5106 as O. Hansen)
  deals won, by close date: all 5 in 2026-11: 9001 48 500,50, 9002 12 000,
    9005 125 000, 9008 60 000, 9010 33 000 -> 278 500,50
  deals lost: 9003, 9006, 9009, 9011 -> 4; win rate among closed deals 5 / 9 = 55,6 %
  top deal owner: Pål Sørensen, 4 won (9002, 9005, 9008, 9010) for
    12 000 + 125 000 + 60 000 + 33 000 = 230 000; Ola Hansen 1 won (9001), 48 500,50
  cycles of the won deals: 9001 26.10 10:00 -> 18.11 10:00 = 23 d, 9002 7 d, 9005 22 d,
    9008 30.10 -> 09.11 = 10 d, 9010 17 d; sorted 7 10 17 22 23 -> median 17 days
  no lead: 9008 (contact 5999 is not in the file) and 9009 (no contact) -> 2
  leads won in November (the lead-level metric, from each lead's first won deal):
    5104 (9001, 18.11), 5101 (9005, 27.11), 5106 (9010, 30.11) -> 3,
    48 500,50 + 125 000 + 33 000 = 206 500,50

data/salesforce-leads.csv (5 leads) + data/salesforce-opportunities.csv (10 opportunities)
  leads per month (Create Date): 2026-10 2 (C03, C04), 2026-11 3 (C01, C02, C05)
  top source: Web, 2 (C01, C05)
  top lead owner: Ola Hansen and Pål Sørensen, 2 each (Pål's C03 as "2003")
  deals won, by close date: 2026-10 1 (Z07, 90 000); 2026-11 4: Z01 120 000,
    Z02 45 000, Z05 60 000, Z10 40 000 -> 265 000
  lost: Z03 (20.11), Z06 (30.10), Z09 (30.11) -> win rate 5 / 8 = 62,5 % overall;
    in 2026-11 by close date 4 / (4 + 2) = 66,7 %
  top deal owner: Pål Sørensen, 3 won (Z02, Z05, Z07) for 195 000; Ola Hansen 2 won
    (Z01, Z10) for 160 000
  cycles: Z01 28.10 -> 12.11 = 15 d, Z02 13.11 -> 27.11 = 14 d, Z05 05.11 -> 19.11 =
    14 d, Z10 02.11 -> 26.11 = 24 d, Z07 01.10 -> 29.10 = 28 d + 1 h (summer time ended
    in between); sorted 14 14 15 24 28.04 -> median 15 days
  no lead: Z07 and Z10 (ids not in the leads report), Z08 (no Lead ID) -> 3
data/zoho-leads.csv (20 leads) + data/zoho-potentials.csv (15 potentials); ids below are
the last three digits (LEADID 3655000000000101 is 101). Summer time began 28.03.2021.
  leads per month (Created Time): 2021-03 7 (101-107), 2021-04 8 (108-115), 2021-05 5
  top source: Web Download, 8 (101 104 105 108 112 114 117 120); Advertisement 4
  top lead owner: Ola Hansen, 11 (101 102 104 106 108 109 111 113 115 118 120);
    Siri Dahl 8, Pål Sørensen 1
  won only in Stage Closed Won: 201 202 204 207 208 212 213 -> 7; lost: 203, 206 (Closed
    Lost to Competition), 209, 210, 215 -> 5; open: 205 211 214
  deals won by Closing Date: 2021-04 2: 201 $22,700.00 + 204 $1,117.10K (1 117 100)
    = 1 139 800; 2021-05 5: 202 4 800 + 207 38 000 + 208 56 500 + 212 27 300
    + 213 64 000 = 190 600
  win rate among closed deals: 7 / 12 = 58,3 %; in 2021-05 5 / (5 + 4) = 55,6 %
  top deal owner: Pål Sørensen, 5 won (201 204 207 212 213) for 1 269 100; Ola 2 won
    (202 208) for 61 300. 201 is Pål's deal on Ola's lead 101
  cycles: 201 10.03 10:00 (UTC+1) -> 15.04 00:00 (UTC+2) = 35 d 13 h; 202 20.04 -> 04.05
    = 14 d; 204 06.04 -> 30.04 = 24 d; 207 19.04 -> 07.05 = 18 d; 208 26.04 -> 17.05
    = 21 d; 212 07.05 -> 21.05 = 14 d; 213 03.05 -> 31.05 = 28 d; sorted 14 14 18 21 24
    28 35.5 -> median 21 days
  no lead: 213 (LEADID ...199999 is not in the leads) and 214 (no Lead Id) -> 2
  lead 101 has two won deals: the first (201, 15.04) gives its won date and $22,700.00;
  lead 113 has two lost ones: lost at the later (210, 28.05) for "Timing"
  leads won in 2021-05 (the lead-level metric): 110, 111, 116 -> 3, for
    38 000 + 56 500 + 27 300 = 121 800 (101's first won deal closed in April)
"""

from __future__ import annotations

import sqlite3
import statistics
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from smarketing_tui import store
from schema_helpers import downgrade
from smarketing_tui.cli import cli
from smarketing_tui.importing import choose_mapping, load_preset, run_import
from smarketing_tui.metrics import MetricsEngine
from smarketing_tui.periods import parse_period
from smarketing_tui.timeutil import UTC

DATA = Path(__file__).resolve().parent.parent / "data"
TZ = "Europe/Oslo"
NOVEMBER = ("2026-10-31T23:00:00Z", "2026-11-30T23:00:00Z")
OCTOBER = ("2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z")
AFTER = datetime(2026, 12, 10, 12, tzinfo=UTC)
APRIL_2021 = ("2021-03-31T22:00:00Z", "2021-04-30T22:00:00Z")
MAY_2021 = ("2021-04-30T22:00:00Z", "2021-05-31T22:00:00Z")


def run(db, kind, name, preset, path=None):
    return run_import(db.conn, load_preset(preset, kind), path or DATA / name,
                      workspace_tz=TZ, label=name)


def one(db, sql, *params):
    return db.conn.execute(sql, params).fetchone()


def deal(db, external_id):
    row = db.conn.execute(
        "SELECT l.external_id, d.lead_ref, d.owner, d.status, d.created_at, d.closed_at, "
        "d.amount, d.lost_reason FROM deals d LEFT JOIN leads l ON l.id = d.lead_id "
        "WHERE d.external_id = ?", (external_id,)).fetchone()
    keys = ("lead", "lead_ref", "owner", "status", "created_at", "closed_at", "amount",
            "lost_reason")
    return {k: v for k, v in zip(keys, row) if v is not None}


def lead(db, external_id):
    keys = ("owner", "stage", "opportunity_at", "won_at", "lost_at", "lost_reason", "amount",
            "currency")
    row = one(db, f"SELECT {', '.join(keys)} FROM leads WHERE external_id = ?", external_id)
    return {k: v for k, v in zip(keys, row) if v is not None}


def won_in(db, month):
    """(deals won, their amount) with a close date in the local month."""
    return one(db, "SELECT count(*), sum(amount) FROM deals WHERE status = 'won' "
                   "AND closed_at >= ? AND closed_at < ?", *month)


def win_rate(db, month=None):
    where = "AND closed_at >= ? AND closed_at < ?" if month else ""
    won, closed = one(db, "SELECT count(*) FILTER (WHERE status = 'won'), count(*) FROM deals "
                          f"WHERE status IN ('won', 'lost') {where}", *(month or ()))
    return round(100 * won / closed, 1)


def top_deal_owner(db):
    return one(db, "SELECT owner, count(*), sum(amount) FROM deals WHERE status = 'won' "
                   "GROUP BY owner ORDER BY count(*) DESC, sum(amount) DESC LIMIT 1")


def median_cycle_days(db):
    cycles = [(datetime.fromisoformat(closed) - datetime.fromisoformat(created)).total_seconds()
              / 86400 for created, closed in db.conn.execute(
                  "SELECT created_at, closed_at FROM deals WHERE status = 'won'")]
    return statistics.median(cycles)


def leads_per_month(db):
    # +1 h: near these samples' month ends (none at night) UTC+1 and UTC+2 give one month
    rows = db.conn.execute(
        "SELECT strftime('%Y-%m', created_at, '+1 hour'), count(*) FROM leads "
        "GROUP BY 1 ORDER BY 1").fetchall()
    return dict(rows)


def top(db, column):
    return db.conn.execute(f"SELECT {column}, count(*) FROM leads WHERE {column} IS NOT NULL "
                           "GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()[:2]


def metric(db, workspace, name, by=None, period="2026-11"):
    engine = MetricsEngine(db.conn, workspace.settings())
    return engine.compute(name, parse_period(period, TZ), AFTER, None, by)


# ------------------------------------------------------------------------- HubSpot

def test_hubspot_deals_on_their_contacts(db, workspace):
    run(db, "leads", "hubspot-contacts.csv", "hubspot")
    report = run(db, "deals", "hubspot-deals.csv", "hubspot")
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (12, 12, 0, 0)
    assert report.deals_without_lead == 2
    # 5101, 5103, 5104, 5106 won or lost; 5102, 5105, 5108 get an opportunity date.
    assert report.leads_derived == 7
    assert report.newest_at == "2026-11-30T11:00:00Z"   # 9010 closed 30.11 12:00 (a forecast
    #                                                     of 20.12 on the open 9012 is no news)
    # The lead with two won deals takes the first (9001, 18.11) over the contact's own
    # Became a Customer Date (20.11 15:30): deals win. Its owner stays Pål, the deal's is Ola.
    assert deal(db, "9001") == {
        "lead": "5104", "lead_ref": "5104", "owner": "Ola Hansen", "status": "won",
        "created_at": "2026-10-26T09:00:00Z", "closed_at": "2026-11-18T09:00:00Z",
        "amount": 48500.5}
    assert lead(db, "5104") == {
        "owner": "Pål Sørensen", "stage": "won", "opportunity_at": "2026-09-25T10:00:00Z",
        "won_at": "2026-11-18T09:00:00Z", "amount": 48500.5}
    # Two lost deals: lost at the later close, with its reason.
    assert lead(db, "5103") == {
        "owner": "Ola Hansen", "stage": "opportunity", "opportunity_at": "2026-10-28T13:00:00Z",
        "lost_at": "2026-11-25T13:00:00Z", "lost_reason": "Price"}
    # One won, one lost: won, and not lost.
    assert lead(db, "5101")["won_at"] == "2026-11-27T09:00:00Z"
    assert "lost_at" not in lead(db, "5101")
    # An open deal's Close Date (15.12) is a forecast: no closed_at; the lead had no
    # opportunity date, so it gets the deal's creation.
    assert "closed_at" not in deal(db, "9004")
    assert lead(db, "5102")["opportunity_at"] == "2026-11-10T07:00:00Z"
    # Of two associated contacts the first is the lead; the internal stage name counts.
    assert deal(db, "9007")["lead"] == "5108"
    assert deal(db, "9010")["status"] == "won"
    # Deals whose lead is unknown are kept with their reference.
    assert deal(db, "9008") == {
        "lead_ref": "5999", "owner": "Pål Sørensen", "status": "won",
        "created_at": "2026-10-30T08:00:00Z", "closed_at": "2026-11-09T08:00:00Z",
        "amount": 60000.0}
    assert "lead" not in deal(db, "9009") and "lead_ref" not in deal(db, "9009")

    assert leads_per_month(db) == {"2026-09": 1, "2026-10": 1, "2026-11": 6}
    assert top(db, "source")[0] == ("Organic Search", 2)
    assert top(db, "owner")[0] == ("Ola Hansen", 3)
    assert won_in(db, NOVEMBER) == (5, 278500.5)
    assert win_rate(db) == 55.6
    assert top_deal_owner(db) == ("Pål Sørensen", 4, 230000.0)
    assert median_cycle_days(db) == 17.0
    won, amount = metric(db, workspace, "won"), metric(db, workspace, "won_amount")
    assert (won.value, amount.value) == (3, 206500.5)
    # --by owner on a lead metric is the lead's owner: 5104 Pål, 5101 Kari, 5106 Ola.
    by_owner = {g.key: g.value for g in metric(db, workspace, "won", by="owner").groups}
    assert by_owner == {"Pål Sørensen": 1, "Kari Nordmann": 1, "Ola Hansen": 1}


# ---------------------------------------------------------------------- Salesforce

def test_salesforce_opportunities_report(db, workspace):
    run(db, "leads", "salesforce-leads.csv", "salesforce")
    report = run(db, "deals", "salesforce-opportunities.csv", "salesforce")
    # The footer after the blank line (report name, copyright, Generated By) is not data.
    assert (report.rows, report.inserted, report.deals_without_lead) == (10, 10, 3)
    assert report.read_as == "UTF-8, comma-separated"
    # C03 has two won opportunities: the first (Z01, closed 12.11, local midnight) counts;
    # its owner (Pål, exported as "2003") is not the deal's (Ola).
    assert lead(db, "00Q5g00000AbC03") == {
        "owner": "Pål Sørensen", "stage": "opportunity",
        "opportunity_at": "2026-10-27T23:00:00Z", "won_at": "2026-11-11T23:00:00Z",
        "amount": 120000.0, "currency": "NOK"}
    assert deal(db, "0065g00000XyZ01")["owner"] == "Ola Hansen"
    # C02: one lost, one open: neither won nor lost. C04, C05: every deal lost.
    assert "lost_at" not in lead(db, "00Q5g00000AbC02")
    assert lead(db, "00Q5g00000AbC04")["lost_at"] == "2026-10-29T23:00:00Z"
    assert lead(db, "00Q5g00000AbC05")["lost_reason"] == "Timing"
    # C01 had no opportunity date: its deal's creation (05.11).
    assert lead(db, "00Q5g00000AbC01")["opportunity_at"] == "2026-11-04T23:00:00Z"
    # An owner nobody knows keeps the exported spelling.
    assert deal(db, "0065g00000XyZ08")["owner"] == "Siri Dahl"

    assert leads_per_month(db) == {"2026-10": 2, "2026-11": 3}
    assert top(db, "source")[0] == ("Web", 2)
    assert top(db, "owner") == [("Ola Hansen", 2), ("Pål Sørensen", 2)]
    assert won_in(db, OCTOBER) == (1, 90000.0)
    assert won_in(db, NOVEMBER) == (4, 265000.0)
    assert (win_rate(db), win_rate(db, NOVEMBER)) == (62.5, 66.7)
    assert top_deal_owner(db) == ("Pål Sørensen", 3, 195000.0)
    assert median_cycle_days(db) == 15.0


# ---------------------------------------------------------------------------- Zoho

def test_zoho_leads_and_potentials(db, workspace):
    leads = run(db, "leads", "zoho-leads.csv", "zoho")
    assert (leads.rows, leads.inserted) == (20, 20)
    report = run(db, "deals", "zoho-potentials.csv", "zoho")
    assert (report.rows, report.inserted, report.deals_without_lead) == (15, 15, 2)
    ids = "3655000000000"
    # "10 Mar, 2021 10:00:00" is winter time; "15 Apr, 2021" local midnight in summer.
    assert deal(db, ids + "201") == {
        "lead": ids + "101", "lead_ref": ids + "101", "owner": "Pål Sørensen",
        "status": "won", "created_at": "2021-03-10T09:00:00Z",
        "closed_at": "2021-04-14T22:00:00Z", "amount": 22700.0}
    assert deal(db, ids + "204")["amount"] == 1117100.0              # $1,117.10K
    assert deal(db, ids + "206")["status"] == "lost"                 # ... to Competition
    assert "closed_at" not in deal(db, ids + "205")                  # Negotiation/Review
    assert lead(db, ids + "101") == {
        "owner": "Ola Hansen", "stage": "accepted", "opportunity_at": "2021-03-10T09:00:00Z",
        "won_at": "2021-04-14T22:00:00Z", "amount": 22700.0, "currency": "USD"}
    assert lead(db, ids + "113")["lost_at"] == "2021-05-27T22:00:00Z"
    assert lead(db, ids + "113")["lost_reason"] == "Timing"
    assert lead(db, ids + "106")["stage"] == "rejected"              # Junk Lead

    assert leads_per_month(db) == {"2021-03": 7, "2021-04": 8, "2021-05": 5}
    assert top(db, "source")[0] == ("Web Download", 8)
    assert top(db, "owner")[0] == ("Ola Hansen", 11)
    assert won_in(db, APRIL_2021) == (2, 1139800.0)
    assert won_in(db, MAY_2021) == (5, 190600.0)
    assert (win_rate(db), win_rate(db, MAY_2021)) == (58.3, 55.6)
    assert top_deal_owner(db) == ("Pål Sørensen", 5, 1269100.0)
    assert median_cycle_days(db) == 21.0
    won = metric(db, workspace, "won", period="2021-05")
    amount = metric(db, workspace, "won_amount", period="2021-05")
    assert (won.value, amount.value) == (3, 121800.0)


# ----------------------------------------------------------------------- Pipedrive

def test_pipedrive_deals_find_their_leads_by_email(db):
    # data/pipedrive-deals.csv on the HubSpot contacts: Person - Email matches 5101, 5104,
    # 5103 and 5108. Won and lost deals close at their Won time and Lost time.
    run(db, "leads", "hubspot-contacts.csv", "hubspot")
    report = run(db, "deals", "pipedrive-deals.csv", "pipedrive")
    assert (report.rows, report.inserted, report.deals_without_lead) == (4, 4, 0)
    assert [deal(db, i)["lead"] for i in ("301", "302", "303", "304")] == [
        "5101", "5104", "5103", "5108"]
    assert deal(db, "302") == {
        "lead": "5104", "lead_ref": "bjorn@nordlys-energi.example", "owner": "Pål Sørensen",
        "status": "won", "created_at": "2026-10-01T07:30:00Z",
        "closed_at": "2026-11-20T14:30:00Z", "amount": 48500.5}
    assert deal(db, "303")["closed_at"] == "2026-11-16T10:15:00Z"     # its Lost time
    assert "closed_at" not in deal(db, "301")
    assert deal(db, "304")["owner"] == "Pål Sørensen"                 # alias "2003"
    assert lead(db, "5103")["lost_reason"] == "Valgte en konkurrent"


def test_the_preset_is_chosen_by_kind_and_signature():
    for kind, name, preset in (("deals", "hubspot-deals.csv", "hubspot"),
                               ("deals", "salesforce-opportunities.csv", "salesforce"),
                               ("deals", "pipedrive-deals.csv", "pipedrive"),
                               ("deals", "zoho-potentials.csv", "zoho"),
                               ("leads", "zoho-leads.csv", "zoho"),
                               ("leads", "pipedrive-deals.csv", "pipedrive"),
                               ("leads", "hubspot-contacts.csv", "hubspot")):
        mapping, note = choose_mapping(kind, DATA / name)
        assert (mapping.kind, mapping.preset) == (kind, preset), name
        assert note.endswith(f"using --preset {preset}")


# --------------------------------------------------------------- order and updates

def test_deals_before_their_leads_link_when_the_leads_arrive(db):
    report = run(db, "deals", "hubspot-deals.csv", "hubspot")
    assert (report.deals_without_lead, report.leads_derived) == (12, 0)
    leads = run(db, "leads", "hubspot-contacts.csv", "hubspot")
    # The contacts' own Became a Customer Date for 5104 (20.11) loses to deal 9001's close.
    assert leads.leads_derived == 7
    assert lead(db, "5104")["won_at"] == "2026-11-18T09:00:00Z"
    assert one(db, "SELECT count(*) FROM deals WHERE lead_id IS NULL") == (2,)


def test_a_contacts_export_alone_keeps_its_won_date(db):
    run(db, "leads", "hubspot-contacts.csv", "hubspot")
    assert lead(db, "5104")["won_at"] == "2026-11-20T14:30:00Z"   # Became a Customer Date


def test_importing_the_contacts_again_keeps_the_deals_won_date(db):
    run(db, "leads", "hubspot-contacts.csv", "hubspot")
    run(db, "deals", "hubspot-deals.csv", "hubspot")
    before = db.conn.execute("SELECT * FROM leads ORDER BY id").fetchall()
    report = run(db, "leads", "hubspot-contacts.csv", "hubspot")
    assert report.leads_derived == 1            # 5104's won date put back from its deal
    after = db.conn.execute("SELECT * FROM leads ORDER BY id").fetchall()
    strip = [tuple(v for k, v in enumerate(row) if k not in (25, 26)) for row in before]
    assert strip == [tuple(v for k, v in enumerate(row) if k not in (25, 26)) for row in after]


def test_importing_the_same_deals_again_changes_nothing(db):
    run(db, "leads", "hubspot-contacts.csv", "hubspot")
    run(db, "deals", "hubspot-deals.csv", "hubspot")
    deals_before = db.conn.execute("SELECT * FROM deals ORDER BY id").fetchall()
    leads_before = db.conn.execute("SELECT * FROM leads ORDER BY id").fetchall()
    report = run(db, "deals", "hubspot-deals.csv", "hubspot")
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 12)
    assert (report.deals_without_lead, report.leads_derived) == (2, 0)
    assert db.conn.execute("SELECT * FROM deals ORDER BY id").fetchall() == deals_before
    assert db.conn.execute("SELECT * FROM leads ORDER BY id").fetchall() == leads_before


def test_a_deal_that_changes_derives_its_lead_again(db, tmp_path):
    run(db, "leads", "hubspot-contacts.csv", "hubspot")
    run(db, "deals", "hubspot-deals.csv", "hubspot")
    # Next week's export: 9001 was lost after all (closed 18.11), 9002 reopened, and 9005
    # moved from contact 5101 to 5102.
    text = (DATA / "hubspot-deals.csv").read_text(encoding="utf-8-sig")
    text = text.replace("Nordlys Energi - lisens,Sales Pipeline,Closed Won",
                        "Nordlys Energi - lisens,Sales Pipeline,Closed Lost")
    text = text.replace("Nordlys Energi - support,Sales Pipeline,Closed Won",
                        "Nordlys Energi - support,Sales Pipeline,Contract Sent")
    text = text.replace("Pål Sørensen,5101,", "Pål Sørensen,5102,")
    changed = tmp_path / "hubspot-deals.csv"
    changed.write_text(text, encoding="utf-8")
    report = run(db, "deals", "hubspot-deals.csv", "hubspot", path=changed)
    assert (report.updated, report.unchanged) == (3, 9)
    assert "closed_at" not in deal(db, "9002")          # reopened: no close date
    # 5104: one lost, one open -> neither won nor lost now.
    assert "won_at" not in lead(db, "5104") and "lost_at" not in lead(db, "5104")
    # 5101 keeps only its lost 9006 (closed 13.11): lost. 5102 won with 9005.
    assert lead(db, "5101")["lost_at"] == "2026-11-13T09:00:00Z"
    assert "won_at" not in lead(db, "5101")
    assert lead(db, "5102")["won_at"] == "2026-11-27T09:00:00Z"
    assert lead(db, "5102")["amount"] == 125000.0


# ---------------------------------------------------------------------- bad input

def test_one_bad_row_imports_nothing(workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    base = ["--workspace", str(workspace.root), "import"]
    assert runner.invoke(cli, [*base, "leads", str(DATA / "hubspot-contacts.csv"),
                               "--preset", "hubspot"]).exit_code == 0
    text = (DATA / "hubspot-deals.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "deals.csv").write_text(text.replace(",12000,", ",tolv tusen,"),
                                        encoding="utf-8")
    before = sqlite3.connect(workspace.db_path).execute(
        "SELECT * FROM leads ORDER BY id").fetchall()
    result = runner.invoke(cli, [*base, "deals", "deals.csv", "--preset", "hubspot"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "deals.csv:3: column 'Amount': 'tolv tusen' is not a number, expected a number such "
        "as 1 234,50 or 1234.50")
    conn = sqlite3.connect(workspace.db_path)
    assert conn.execute("SELECT count(*) FROM deals").fetchone() == (0,)
    assert conn.execute("SELECT * FROM leads ORDER BY id").fetchall() == before


def test_the_cli_reports_deals_without_a_lead(workspace, monkeypatch):
    monkeypatch.chdir(DATA.parent)
    runner = CliRunner()
    base = ["--workspace", str(workspace.root), "import"]
    runner.invoke(cli, [*base, "leads", "data/hubspot-contacts.csv", "--preset", "hubspot"])
    result = runner.invoke(cli, [*base, "deals", "data/hubspot-deals.csv", "--preset",
                                 "hubspot"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Imported data/hubspot-deals.csv into deals (HubSpot deals export, preset hubspot).",
        "  read as UTF-8 with BOM, comma-separated; 12 rows",
        "  inserted 12, updated 0, unchanged 0, skipped 0",
        "  newest timestamp in the file: 30.11.2026 12:00 (Europe/Oslo)",
        "  2 deals match no lead (kept; linked when a leads import brings the lead)",
        "  won and lost dates and amounts taken from the deals for 7 leads",
        "  not in the file (left as they were): Currency, Original Source Type"]


def test_lead_by_is_for_deals_only(tmp_path):
    from smarketing_tui.errors import UserError
    from smarketing_tui.importing import load_mapping

    (tmp_path / "map.yaml").write_text("kind: leads\nlead_by: email\nexternal_id: Id\n",
                                       encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_mapping(tmp_path / "map.yaml", "leads")
    assert str(caught.value).endswith(":2:1: lead_by is for importing deals or engagements, not leads")


# ------------------------------------------------------------------------ migration

def test_a_schema_2_store_with_data_migrates_and_keeps_its_numbers(tmp_path, monkeypatch):
    """The demo's store as schema 2 (no deals table), opened by this version: migrated,
    its leads untouched, the scorecard the same."""
    from smarketing_tui.demo import build_demo
    from smarketing_tui.errors import UserError
    from smarketing_tui.periods import month_period
    from smarketing_tui.scorecard import build_scorecard
    from smarketing_tui.sla import load_sla
    from smarketing_tui.store import open_readonly, open_store

    monkeypatch.delenv("SMARKETING_WORKSPACE", raising=False)
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-30T08:00:00Z")
    workspace = build_demo(tmp_path / "demo", today=datetime(2026, 11, 30).date())
    settings = workspace.settings()

    def numbers():
        conn = open_readonly(workspace.db_path)
        try:
            card = build_scorecard(conn, load_sla(workspace.sla_path, settings), settings,
                                   month_period(2026, 11, TZ), AFTER)
            leads = conn.execute("SELECT * FROM leads ORDER BY id").fetchall()
        finally:
            conn.close()
        # The demo's win-rate line counts deals, which a schema 2 store never had.
        return [c.to_json() for c in card.commitments if c.commitment.metric != "win_rate"], leads

    before = numbers()
    conn = sqlite3.connect(workspace.db_path)
    downgrade(conn, 2)  # schema 2 exactly
    conn.commit()
    conn.close()
    with pytest.raises(UserError, match="needs migrating"):
        open_readonly(workspace.db_path)
    open_store(workspace.db_path, settings).close()
    assert sqlite3.connect(workspace.db_path).execute("PRAGMA user_version").fetchone() == (
        store.SCHEMA_VERSION,)
    after = numbers()
    assert after == before
    card, _ = after
    assert len(card) == 5 and all(line["actual"] is not None for line in card)


def test_deriving_many_leads_rebuilds_their_indexes(db, monkeypatch):
    """Past BULK_LEADS candidates (here: any) the indexes on the derived dates are dropped
    and built again around the update: the same leads, and the indexes are back."""
    from smarketing_tui.importing import deals as deal_import

    monkeypatch.setattr(deal_import, "BULK_LEADS", 0)
    indexes = sorted(db.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                     "AND tbl_name = 'leads'").fetchall())
    run(db, "leads", "hubspot-contacts.csv", "hubspot")
    report = run(db, "deals", "hubspot-deals.csv", "hubspot")
    assert report.leads_derived == 7
    assert lead(db, "5104")["won_at"] == "2026-11-18T09:00:00Z"
    assert lead(db, "5103")["lost_at"] == "2026-11-25T13:00:00Z"
    assert sorted(db.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                  "AND tbl_name = 'leads'").fetchall()) == indexes
    assert one(db, "SELECT count(*) FROM leads INDEXED BY leads_won_at "
                   "WHERE won_at >= '2026-11-01'") == (3,)   # 5104, 5101, 5106


def test_a_deals_file_without_a_lead_column_keeps_the_leads_it_had(db, tmp_path):
    # A second, narrower export (id and amount only) updates the amounts; every deal keeps
    # its lead, so only the two that never had one count as without a lead.
    run(db, "leads", "hubspot-contacts.csv", "hubspot")
    run(db, "deals", "hubspot-deals.csv", "hubspot")
    (tmp_path / "amounts.csv").write_text("Record ID,Amount\n9001,50000\n9008,61000\n9009,1\n",
                                          encoding="utf-8")
    (tmp_path / "map.yaml").write_text("kind: deals\nexternal_id: Record ID\n"
                                       "fields: {amount: Amount}\n", encoding="utf-8")
    from smarketing_tui.importing import load_mapping

    report = run_import(db.conn, load_mapping(tmp_path / "map.yaml", "deals"),
                        tmp_path / "amounts.csv", workspace_tz=TZ)
    assert (report.updated, report.deals_without_lead) == (3, 2)
    # 9001 is 5104's first won deal: the lead's amount follows.
    assert deal(db, "9001")["lead"] == "5104"
    assert lead(db, "5104")["amount"] == 50000.0
    assert report.leads_derived == 1
