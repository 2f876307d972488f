"""Engagements imported with each preset from its sample in data/, worked out by hand.

Times are Oslo time, UTC+1 in November 2026 (UTC+2 until 25.10.2026).

data/hubspot-contacts-analytics.csv (8 contacts, the leads of data/hubspot-contacts.csv):
  5101: first conversion Prisguide 02.11 09:18, recent Webinar 20.11 10:00, 14 page views
        (last seen 26.11 14:00), Organic Search / GOOGLE, keyword "fakturaprogram for små
        bedrifter" (first seen 02.11 09:10)                                       -> 4
  5102: first = recent conversion (one form), 5 page views, Paid Search with gclid
        Cj0KCQ-a1 (the source is the ad click, id gclid:Cj0KCQ-a1)                 -> 3
  5103: one conversion, 3 page views, Referrals (no keyword)                       -> 3
  5104: two conversions, 22 page views, Social Media / LinkedIn                    -> 4
  5105: no conversion, 2 page views, Organic Search                                -> 2
  5106: one conversion, 0 page views (no row), Paid Social: an ad click, no gclid  -> 2
  5107: 1 page view, Email Marketing                                               -> 2
  5108: no page views, Offline Sources, and gclid Cj0KCQ-b2 (an ad click of its own) -> 2
  total 22; importing the file again: 22 unchanged.
data/hubspot-form-submissions.csv (4 rows, by e-mail): 5101's two submissions are its
  first and recent conversion again (same lead, time and asset: updated with the page URL
  and channel), 5102's 24.11 and 5105's 26.11 are new -> inserted 2, updated 2.
data/engagements.csv (generic, 7 rows): 7 new.
data/google-ads-search-terms.csv (no click-id column: by campaign and day): see
  test_google_ads_by_campaign_gives_each_lead_the_days_top_search_term.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from smarketing_tui.cli import cli
from smarketing_tui.importing import ImportRejected, choose_mapping, load_preset, run_import

DATA = Path(__file__).resolve().parent.parent / "data"
TZ = "Europe/Oslo"


def _import(db, kind, path, preset=None, mapping=None):
    chosen = load_preset(preset, kind) if preset else choose_mapping(kind, path,
                                                                     mapping_path=mapping)[0]
    return run_import(db.conn, chosen, path, workspace_tz=TZ)


@pytest.fixture
def leads(db):
    _import(db, "leads", DATA / "hubspot-contacts.csv", "hubspot")
    return db


def _rows(db, lead):
    return db.conn.execute(
        "SELECT kind, at, asset, url, channel, keyword, click_id, quantity FROM engagements e "
        "JOIN leads l ON l.id = e.lead_id WHERE l.external_id = ? ORDER BY at, kind",
        (lead,)).fetchall()


def test_hubspot_contact_properties_become_conversions_page_views_and_source(leads):
    report = _import(leads, "engagements", DATA / "hubspot-contacts-analytics.csv", "hubspot")
    assert (report.inserted, report.updated, report.unchanged) == (22, 0, 0)
    counts = dict(leads.conn.execute(
        "SELECT l.external_id, count(*) FROM engagements e JOIN leads l ON l.id = e.lead_id "
        "GROUP BY 1").fetchall())
    assert counts == {"5101": 4, "5102": 3, "5103": 3, "5104": 4, "5105": 2, "5106": 2,
                      "5107": 2, "5108": 2}
    assert _rows(leads, "5101") == [
        ("page_view", "2026-11-02T08:10:00Z", None, None, "Organic Search / GOOGLE",
         "fakturaprogram for små bedrifter", None, 1),
        ("form", "2026-11-02T08:18:00Z", "Prisguide – last ned", None, None, None, None, 1),
        ("form", "2026-11-20T09:00:00Z", "Webinar: Smartere innkjøp – påmelding", None, None,
         None, None, 1),
        ("page_view", "2026-11-26T13:00:00Z", None, "https://example.no/priser", None, None,
         None, 14)]
    assert _rows(leads, "5102")[0] == ("ad_click", "2026-11-03T08:58:00Z", None, None,
                                       "Paid Search / GOOGLE", "regnskapsprogram pris",
                                       "Cj0KCQ-a1", 1)
    # 5108: Offline Sources is a page view; its gclid an ad click of its own, 18.11 10:55
    assert [(k, c, g) for k, _, _, _, c, _, g, _ in _rows(leads, "5108")] == [
        ("ad_click", "Paid Search", "Cj0KCQ-b2"), ("page_view", "Offline Sources / IMPORT", None)]
    again = _import(leads, "engagements", DATA / "hubspot-contacts-analytics.csv", "hubspot")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 22)


def test_hubspot_form_submissions_find_leads_by_email_and_merge_with_conversions(leads):
    _import(leads, "engagements", DATA / "hubspot-contacts-analytics.csv", "hubspot")
    report = _import(leads, "engagements", DATA / "hubspot-form-submissions.csv")
    assert report.preset == "hubspot-forms"
    assert (report.inserted, report.updated, report.unchanged) == (2, 2, 0)
    forms = [(a, u, c) for k, _, a, u, c, *_ in _rows(leads, "5101") if k == "form"]
    assert forms == [("Prisguide – last ned", "https://example.no/prisguide", "HubSpot form"),
                     ("Webinar: Smartere innkjøp – påmelding", "https://example.no/webinar",
                      "HubSpot form")]
    # OYSTEIN@... in capitals is still 5102's e-mail
    assert ("form", "2026-11-24T12:30:00Z") in [r[:2] for r in _rows(leads, "5102")]


def test_generic_one_event_per_row(leads):
    report = _import(leads, "engagements", DATA / "engagements.csv")
    assert report.preset == "generic" and report.inserted == 7
    assert _rows(leads, "5101") == [
        ("download", "2026-11-25T13:00:00Z", "Prisguide 2027", "https://example.no/prisguide.pdf",
         "Website", None, None, 1),
        ("webinar_attended", "2026-11-26T09:00:00Z", "Webinar: Smartere innkjøp", None, "Zoom",
         None, None, 1)]
    kinds = [k for (k,) in leads.conn.execute("SELECT kind FROM engagements ORDER BY id")]
    assert kinds == ["download", "webinar_attended", "email_click", "webinar_registered",
                     "page_view", "ad_click", "email_open"]


def test_google_ads_by_campaign_gives_each_lead_the_days_top_search_term(db, tmp_path):
    # Leads of "Google Ads – regnskap": A created 03.11 10:00, B 04.11 09:00; C of
    # "Google Ads – byrå" on 03.11; D of "Google Ads – regnskap" on 05.11 (no row that day).
    # 03.11 regnskap: "fakturaprogram ..." 3 clicks, "regnskapsprogram pris" 5 -> A gets
    # the latter (5 clicks); 04.11: "gratis regnskapsprogram" -> B; byrå 03.11 -> C.
    leads = tmp_path / "leads.csv"
    leads.write_text("external_id,campaign,created_at\n"
                     "A,Google Ads – regnskap,03.11.2026 10:00\n"
                     "B,Google Ads – regnskap,04.11.2026 09:00\n"
                     "C,Google Ads – byrå,03.11.2026 23:30\n"
                     "D,Google Ads – regnskap,05.11.2026 08:00\n", encoding="utf-8")
    _import(db, "leads", leads)
    report = _import(db, "engagements", DATA / "google-ads-search-terms.csv")
    assert report.preset == "google-ads" and report.inserted == 3
    got = db.conn.execute("SELECT l.external_id, e.kind, e.keyword, e.quantity, e.asset, "
                          "e.channel FROM engagements e JOIN leads l ON l.id = e.lead_id "
                          "ORDER BY 1").fetchall()
    assert got == [("A", "ad_click", "regnskapsprogram pris", 5, "Regnskap", "Google Ads"),
                   ("B", "ad_click", "gratis regnskapsprogram", 1, "Regnskap", "Google Ads"),
                   ("C", "ad_click", "regnskapsbyrå oslo", 2, "Byrå", "Google Ads")]


def test_google_ads_by_click_id_finds_the_contact_with_that_gclid(leads, tmp_path):
    # 5102's contact carries gclid Cj0KCQ-a1: the report's row for it updates that click
    # (keyword from Google, campaign and ad group); Cj0KCQ-zz is nobody's: left out, counted.
    _import(leads, "engagements", DATA / "hubspot-contacts-analytics.csv", "hubspot")
    report_file = tmp_path / "clicks.csv"
    report_file.write_text(
        "Search term,Campaign,Ad group,Day,Clicks,Google click ID\n"
        "regnskapsprogram pris små bedrifter,Google Ads – regnskap,Regnskap,2026-11-03,1,"
        "Cj0KCQ-a1\n"
        "noe annet,Google Ads – regnskap,Regnskap,2026-11-03,1,Cj0KCQ-zz\n", encoding="utf-8")
    report = _import(leads, "engagements", report_file)
    assert (report.inserted, report.updated, report.without_lead) == (0, 1, 1)
    click = leads.conn.execute("SELECT keyword, campaign, asset, channel FROM engagements "
                               "WHERE external_id = 'gclid:Cj0KCQ-a1'").fetchone()
    assert click == ("regnskapsprogram pris små bedrifter", "Google Ads – regnskap", "Regnskap",
                     "Google Ads")


def test_a_mapping_file_and_a_bad_row_refuse_the_whole_file(leads, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("kind: engagements\nfields:\n  lead: Kunde\n  kind: Hva\n  at: Når\n"
                       "  asset: Innhold\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("Kunde;Hva;Når;Innhold\n5101;nedlasting;01.12.2026 10:00;Prisguide\n",
                    encoding="utf-8")
    report = _import(leads, "engagements", good, mapping=mapping)
    assert report.inserted == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("Kunde;Hva;Når;Innhold\n5101;sidevisning;01.12.2026 11:00;Priser\n"
                   "9999;nedlasting;01.12.2026 12:00;Prisguide\n5102;;01.12.2026 12:00;X\n",
                   encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        _import(leads, "engagements", bad, mapping=mapping)
    lines = caught.value.report.problem_lines()
    assert lines == [f"{bad}:3: column 'Kunde': no lead has the id '9999', expected the id of a "
                     "lead already imported (import the leads first)",
                     f"{bad}:4: column 'Hva': empty, expected one of the engagement kinds"]
    assert leads.conn.execute("SELECT count(*) FROM engagements").fetchone() == (1,)


def test_cli_imports_engagements_and_names_the_preset(workspace, monkeypatch):
    monkeypatch.chdir(workspace.root)
    runner = CliRunner()
    assert runner.invoke(cli, ["import", "leads", str(DATA / "hubspot-contacts.csv"),
                               "--preset", "hubspot"]).exit_code == 0
    result = runner.invoke(cli, ["import", "engagements", str(DATA / "engagements.csv"),
                                 "--preset", "generic"])
    assert result.exit_code == 0, result.output
    assert "into engagements (generic engagements file, preset generic)" in result.output
    assert "inserted 7, updated 0, unchanged 0, skipped 0" in result.output
    wrong = runner.invoke(cli, ["import", "leads", str(DATA / "engagements.csv"),
                                "--preset", "google-ads"])
    assert wrong.exit_code == 2
    assert "preset google-ads imports engagements only" in wrong.output


@pytest.mark.parametrize("name", ["hubspot", "hubspot-forms", "google-ads", "generic"])
def test_engagement_presets_load_with_every_column_optional(name):
    mapping = load_preset(name, "engagements")
    assert mapping.kind == "engagements" and mapping.signature
    assert all(spec.optional for spec in mapping.fields.values())


def test_a_bulk_import_rebuilds_the_indexes_and_still_refuses_known_ids(leads, monkeypatch):
    # Past BULK_ROWS (here: 1) into an empty table every index is dropped and built again;
    # into a table with fewer rows than the file brings, the unique index stays.
    from smarketing_tui.importing import engagements

    monkeypatch.setattr(engagements, "BULK_ROWS", 1)
    # The form submissions first (4 new rows into an empty table) ...
    forms = _import(leads, "engagements", DATA / "hubspot-form-submissions.csv")
    assert forms.inserted == 4
    # ... then the contact properties: 22 engagements, 2 of them 5101's two conversions,
    # already there (the same lead, time and asset); 20 new > the 4 stored: a bulk insert
    # with the unique index kept to tell the 2 known ones.
    contacts = _import(leads, "engagements", DATA / "hubspot-contacts-analytics.csv", "hubspot")
    assert (contacts.inserted, contacts.updated, contacts.unchanged) == (20, 0, 2)
    indexes = {name for (name,) in leads.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'engagements' "
        "AND sql IS NOT NULL")}
    assert indexes == {"engagements_external_id", "engagements_lead_at", "engagements_click_id"}
    assert leads.conn.execute("SELECT count(*), count(DISTINCT external_id) FROM engagements"
                              ).fetchone() == (24, 24)
