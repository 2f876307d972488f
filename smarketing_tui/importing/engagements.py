"""Engagements: how staged rows become ``engagements`` rows, and their leads.

A file holds either one event per row (``kind``, ``at``, asset, URL, channel, ...), or a
contact's summary properties (HubSpot's first and recent conversion, number of page
views, original source with its drill-downs, Google ad click id). Each part of a staged
row that has its time becomes one engagement:

- the event itself (``kind`` and ``at``);
- the first and the recent conversion: a form submission of that asset at that time
  (the same conversion twice is one engagement);
- the page views: one page-view row whose ``quantity`` is the count, at the last visit;
- the original source: an ad click for paid search or paid social, else a page view, at
  the first visit; its channel is the source and its platform (drill-down 1); for search
  traffic the keyword is drill-down 2;
- a Google click id without a paid source: an ad click at the first visit.

Every engagement gets a stable id, so importing the same export again changes nothing:
the export's id, or ``gclid:<id>`` for an ad click with a click id (so that a Google Ads
report and the contacts export describe the same click), or one made from the lead, the
kind, the time and the asset. The rows are written to ``temp.import_engagement_rows``
first, the first of equal ids winning, then merged by id.
"""

from __future__ import annotations

import sqlite3

from smarketing_tui.errors import InputError
from smarketing_tui.importing import deals

ROWS = "temp.import_engagement_rows"
COLUMNS = ("external_id", "lead_id", "kind", "at", "asset", "url", "channel", "campaign",
           "keyword", "click_id", "quantity")
BULK_ROWS = 50_000
#: HubSpot's original-source types that are a paid click, and those from a search engine.
PAID_SOURCES = ("paid search", "paid social")
SEARCH_SOURCES = ("organic search", "paid search")
#: How far after its day's start a lead may be created to take a campaign's search term.
_DAY = "'+1 day'"


def effective_lead_by(lead_by: str, names: set[str], label: str) -> str:
    """How this file's rows find their leads: ``campaign`` when a click-id mapping meets a
    file without the click-id column (a search-terms report has none)."""
    if "lead" in names:
        return lead_by
    if lead_by in ("click_id", "campaign") and {"campaign", "at"} <= names:
        return "campaign"
    raise InputError("no column says whose engagement each row is: map lead (the lead's id, "
                     "or its e-mail with lead_by: email, or a click id with lead_by: "
                     "click_id), or campaign and at with lead_by: campaign", file=label)


def link_leads(conn: sqlite3.Connection, staging: str, lead_by: str) -> None:
    """Set each staged row's ``lead_id`` from its ``lead`` column (NULL when none matches)."""
    if lead_by == "campaign":
        return
    if lead_by == "click_id":
        found = ("(SELECT e.lead_id FROM main.engagements e WHERE e.click_id = s.lead "
                 "ORDER BY e.id LIMIT 1)")
    else:
        deals.prepare_lookup(conn, lead_by)
        found = deals.lead_lookup(lead_by, "s.lead")
    conn.execute(f"UPDATE {staging} AS s SET lead_id = {found} WHERE s.lead IS NOT NULL")


def unknown_lead_is_bad(lead_by: str) -> bool:
    """A row naming no known lead is a bad row, except for ad clicks found by click id
    (most clicks never become leads: they are left out and counted)."""
    return lead_by in ("external_id", "email")


def incomplete_rows(conn: sqlite3.Connection, staging: str, names: set[str],
                    labels: dict[str, str], lead_by: str) -> list[tuple[int, str, str, str]]:
    """(line, column, reason, expected) for rows without their lead, and event rows
    without their kind or time."""
    found = []
    if "lead" in names and unknown_lead_is_bad(lead_by):
        found += [(line, labels.get("lead", "lead"), "empty", "the lead's id (or e-mail)")
                  for line, in conn.execute(f"SELECT line FROM {staging} WHERE lead IS NULL "
                                            "ORDER BY line")]
    if "kind" not in names and "at" not in names:
        return found
    for name, expected in (("kind", "one of the engagement kinds"), ("at", "a time")):
        if name not in names:
            raise InputError(f"the mapping feeds {'at' if name == 'kind' else 'kind'} but not "
                             f"{name}: an event needs both its kind and its time")
        found += [(line, labels.get(name, name), "empty", expected) for line, in conn.execute(
            f"SELECT line FROM {staging} WHERE \"{name}\" IS NULL ORDER BY line")]
    return found


def _text(names: set[str], name: str) -> str:
    return f's."{name}"' if name in names else "NULL"


def _parts(names: set[str], lead_by: str) -> list[str]:
    """SELECTs over staging row ``s`` giving (line, COLUMNS...) for each part of a row."""
    t = lambda name: _text(names, name)  # noqa: E731
    lead = "s.lead_id"
    parts = []

    def part(kind: str, at: str, asset: str, *, url: str = "NULL", channel: str = "NULL",
             campaign: str = "NULL", keyword: str = "NULL", click: str = "NULL",
             quantity: str = "1", key: str, where: str, source: str = "") -> None:
        parts.append(f"SELECT s.line, {key}, {lead}, {kind}, {at}, {asset}, {url}, {channel}, "
                     f"{campaign}, {keyword}, {click}, {quantity} FROM {{staging}} AS s{source} "
                     f"WHERE {where}")

    def natural(kind: str, at: str, asset: str) -> str:
        # By the lead's id in the store, so that two exports naming the lead differently
        # (by id, by e-mail) describe the same form submission with the same id.
        return f"{lead} || '|' || {kind} || '|' || {at} || '|' || coalesce({asset}, '')"

    if "kind" in names and "at" in names:
        click = t("click_id")
        what = f"coalesce({t('asset')}, {t('url')}, {t('keyword')})"
        key = (f"coalesce(CASE WHEN s.kind = 'ad_click' THEN 'gclid:' || {click} END, "
               f"{t('external_id')}, {natural('s.kind', 's.at', what)})")
        source = ""
        if lead_by == "campaign":
            lead = "l.id"
            key = "'search|' || l.id || '|' || s.campaign || '|' || s.at"
            source = (" JOIN main.leads l ON l.campaign = s.campaign AND l.created_at >= s.at "
                      f"AND l.created_at < strftime('%Y-%m-%dT%H:%M:%SZ', s.at, {_DAY})")
        quantity = "coalesce(CAST(s.quantity AS INTEGER), 1)" if "quantity" in names else "1"
        part("s.kind", "s.at", t("asset"), url=t("url"), channel=t("channel"),
             campaign=t("campaign"), keyword=t("keyword"), click=click, quantity=quantity,
             key=key, where="s.kind IS NOT NULL AND s.at IS NOT NULL", source=source)
        lead = "s.lead_id"
    for which in ("first", "recent"):
        name, at = f"{which}_conversion", f"{which}_conversion_at"
        if at in names:
            part("'form'", f"s.{at}", t(name), campaign=t("campaign"),
                 key=natural("'form'", f"s.{at}", t(name)), where=f"s.{at} IS NOT NULL")
    seen_first = ("coalesce(" + ", ".join(f"s.{n}" for n in ("first_seen_at", "first_conversion_at")
                                          if n in names) + ", NULL)")
    if "page_views" in names:
        last = "coalesce(" + ", ".join(f"s.{n}" for n in ("last_seen_at", "recent_conversion_at",
                                                          "first_seen_at") if n in names) + ", NULL)"
        part("'page_view'", last, "NULL", url=t("last_page"), quantity="CAST(s.page_views AS INTEGER)",
             key=f"{lead} || '|page_views'",
             where=f"s.page_views >= 1 AND {last} IS NOT NULL")
    paid = f"lower({t('source')}) IN ({', '.join(repr(p) for p in PAID_SOURCES)})"
    if "source" in names:
        search = f"lower(s.source) IN ({', '.join(repr(p) for p in SEARCH_SOURCES)})"
        channel = f"s.source || coalesce(' / ' || {t('source_detail_1')}, '')"
        click = t("click_id")
        key = (f"CASE WHEN {paid} AND {click} IS NOT NULL THEN 'gclid:' || {click} "
               f"ELSE {lead} || '|source' END")
        part(f"CASE WHEN {paid} THEN 'ad_click' ELSE 'page_view' END", seen_first, "NULL",
             channel=channel, campaign=t("campaign"),
             keyword=f"CASE WHEN {search} THEN {t('source_detail_2')} END",
             click=f"CASE WHEN {paid} THEN {click} END", key=key,
             where=f"s.source IS NOT NULL AND {seen_first} IS NOT NULL")
    if "click_id" in names and not ("kind" in names and "at" in names):
        part("'ad_click'", seen_first, "NULL", channel="'Paid Search'", campaign=t("campaign"),
             click="s.click_id", key="'gclid:' || s.click_id",
             where=f"s.click_id IS NOT NULL AND NOT coalesce({paid}, 0) "
                   f"AND {seen_first} IS NOT NULL")
    return parts


def stage_rows(conn: sqlite3.Connection, staging: str, names: set[str], lead_by: str) -> None:
    """Write every engagement the staged rows hold to :data:`ROWS` (one per id, the first
    line winning; by campaign, the row with most clicks)."""
    conn.execute(f"DROP TABLE IF EXISTS {ROWS}")
    conn.execute(f"CREATE TABLE {ROWS} (external_id TEXT PRIMARY KEY, line INTEGER, "
                 "lead_id INTEGER, kind TEXT, at TEXT, asset TEXT, url TEXT, channel TEXT, "
                 "campaign TEXT, keyword TEXT, click_id TEXT, quantity INTEGER)")
    parts = [p.format(staging=staging) for p in _parts(names, lead_by)]
    if not parts:
        return
    order = "ORDER BY 12 DESC, 1" if lead_by == "campaign" else "ORDER BY 1"
    conn.execute(f"INSERT OR IGNORE INTO {ROWS} (line, {', '.join(COLUMNS)}) "
                 f"SELECT * FROM ({' UNION ALL '.join(parts)}) {order}")
    conn.execute(f"DELETE FROM {ROWS} WHERE external_id IS NULL")


def _changed() -> str:
    return " OR ".join(f"(r.{c} IS NOT NULL AND r.{c} IS NOT t.{c})" for c in COLUMNS[2:])


def count(conn: sqlite3.Connection) -> tuple[int, int, int, int]:
    """(inserted, updated, unchanged, without a lead) for the rows in :data:`ROWS`."""
    return conn.execute(
        "SELECT count(*) FILTER (WHERE r.lead_id IS NOT NULL AND t.rowid IS NULL), "
        f"count(*) FILTER (WHERE t.rowid IS NOT NULL AND ({_changed()})), "
        f"count(*) FILTER (WHERE t.rowid IS NOT NULL AND NOT ({_changed()})), "
        "count(*) FILTER (WHERE r.lead_id IS NULL AND t.rowid IS NULL) "
        f"FROM {ROWS} r LEFT JOIN main.engagements t ON t.external_id = r.external_id"
    ).fetchone()


def write(conn: sqlite3.Connection, import_id: int, inserted: int, updated: int) -> None:
    """Merge :data:`ROWS` into the store: new ids inserted, known ones updated (an empty
    value keeps what the store has)."""
    if updated:
        sets = ", ".join(f"{c} = coalesce(r.{c}, t.{c})" for c in COLUMNS[2:])
        conn.execute(f"UPDATE main.engagements AS t SET {sets}, import_id = {int(import_id)} "
                     f"FROM {ROWS} AS r WHERE t.external_id = r.external_id AND ({_changed()})")
    if not inserted:
        return
    existing = conn.execute("SELECT EXISTS (SELECT 1 FROM main.engagements)").fetchone()[0]
    rebuild = []
    if inserted > BULK_ROWS and (not existing or inserted > conn.execute(
            "SELECT count(*) FROM main.engagements").fetchone()[0]):
        # Building an index once sorts; inserting millions of keys lands them at random
        # places. The unique index stays when rows exist: it answers "is this id known".
        rebuild = [(name, sql) for name, sql in conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'engagements' AND sql IS NOT NULL")
            if not existing or name != "engagements_external_id"]
        for name, _ in rebuild:
            conn.execute(f'DROP INDEX main."{name}"')
    known = ("" if not existing else " AND NOT EXISTS (SELECT 1 FROM main.engagements t "
             "WHERE t.external_id = r.external_id)")
    conn.execute(f"INSERT INTO main.engagements ({', '.join(COLUMNS)}, import_id) "
                 f"SELECT {', '.join('r.' + c for c in COLUMNS)}, {int(import_id)} FROM {ROWS} r "
                 f"WHERE r.lead_id IS NOT NULL{known} ORDER BY r.rowid")
    for _, create in rebuild:  # same transaction: a kill before COMMIT undoes it all
        conn.execute(create)


def drop_temp_tables(conn: sqlite3.Connection) -> None:
    conn.execute(f"DROP TABLE IF EXISTS {ROWS}")
