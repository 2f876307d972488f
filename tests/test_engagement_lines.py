"""What sales sees of a lead's engagements: the short line, the warmth that sorts my open
leads, the timeline, on hand-made leads; and the prep screen's lead list at 80x24 and 120x40.

As of Mon 30.11.2026 08:00Z (09:00 in Oslo). Ola's open MQLs (the SLA asks for 3 touches):

  L1  MQL 23.11 08:00Z, one call 27.11 08:00Z. Engagements:
        28.11 08:00Z download Prisguide (2 d ago)   weight 3
        26.11 09:00Z webinar attended               weight 3
        20.11 10:00Z page view from the search "fakturaprogram", Organic Search   weight 1
        01.11 10:00Z e-mail opened                  (older than 14 days: no warmth)
      warmth 3 + 3 + 1 = 7: hot; its line, the three newest:
        "Prisguide ↓ 2 d ago · webinar ✓ · search: fakturaprogram"
  L2  MQL 24.11 09:00Z, one call. 29.11 20:00Z e-mail "Nyhetsbrev" opened (12 h ago):
      warmth 1, cool; line "opened Nyhetsbrev 12 h ago"
  L4  MQL 25.11 09:00Z, no touches, no engagements: warmth 0, cold, no line.
  Warmest first: L1 (7), L2 (1), L4 (0).
"""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import DataTable

from smarketing_tui import engagement_lines, prep
from smarketing_tui.agenda import load_agenda
from smarketing_tui.timeutil import parse_utc
from smarketing_tui.tui.prep_screen import PrepApp
from smarketing_tui.tui.sections.dialogs import TableModal

NOW = "2026-11-30T08:00:00Z"
LINE = "Prisguide ↓ 2 d ago · webinar ✓ · search: fakturaprogram"


def _lead(conn, external_id, mql_at, touches=()):
    person = conn.execute("SELECT id FROM people WHERE name = 'Ola Hansen'").fetchone()[0]
    with conn:
        lead_id = conn.execute(
            "INSERT INTO leads (external_id, name, owner, owner_id, created_at, mql_at) "
            "VALUES (?, ?, 'Ola Hansen', ?, ?, ?)",
            (external_id, f"Lead {external_id}", person, mql_at, mql_at)).lastrowid
        for at in touches:
            conn.execute("INSERT INTO lead_events (lead_id, type, outcome, at) "
                         "VALUES (?, 'call', 'attempted', ?)", (lead_id, at))
    return lead_id


def _engagement(conn, lead_id, kind, at, **fields):
    columns = ["external_id", "lead_id", "kind", "at", *fields]
    with conn:
        conn.execute(f"INSERT INTO engagements ({', '.join(columns)}) "
                     f"VALUES ({', '.join('?' * len(columns))})",
                     [f"{lead_id}|{kind}|{at}", lead_id, kind, at, *fields.values()])


@pytest.fixture
def leads(db, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", NOW)
    conn = db.conn
    l1 = _lead(conn, "L1", "2026-11-23T08:00:00Z", ["2026-11-27T08:00:00Z"])
    _engagement(conn, l1, "download", "2026-11-28T08:00:00Z", asset="Prisguide")
    _engagement(conn, l1, "webinar_attended", "2026-11-26T09:00:00Z",
                asset="Webinar: Smartere innkjøp")
    _engagement(conn, l1, "page_view", "2026-11-20T10:00:00Z", keyword="fakturaprogram",
                channel="Organic Search")
    _engagement(conn, l1, "email_open", "2026-11-01T10:00:00Z")
    l2 = _lead(conn, "L2", "2026-11-24T09:00:00Z", ["2026-11-24T10:00:00Z"])
    _engagement(conn, l2, "email_open", "2026-11-29T20:00:00Z", asset="Nyhetsbrev")
    l4 = _lead(conn, "L4", "2026-11-25T09:00:00Z")
    return conn, (l1, l2, l4)


def test_the_short_line_and_the_warmth(leads):
    conn, (l1, l2, l4) = leads
    now = parse_utc(NOW)
    recent = engagement_lines.recent(conn, [l1, l2, l4], now)
    assert engagement_lines.short_line(recent[l1], now) == LINE
    assert engagement_lines.short_line(recent[l2], now) == "opened Nyhetsbrev 12 h ago"
    assert l4 not in recent
    assert engagement_lines.warmth(conn, [l1, l2, l4], now) == {l1: 7, l2: 1}
    assert [engagement_lines.warmth_word(n) for n in (7, 6, 5, 3, 2, 1, 0)] == [
        "hot", "hot", "warm", "warm", "cool", "cool", "cold"]


def test_the_timeline_interleaves_marketing_sales_and_the_leads_milestones(leads):
    conn, (l1, _l2, _l4) = leads
    entries = engagement_lines.timeline(conn, l1, parse_utc(NOW))
    assert [(e.at[:10], e.side, e.text) for e in entries] == [
        ("2026-11-01", "marketing", "email open"),
        ("2026-11-20", "marketing", "page view · search: fakturaprogram · via Organic Search"),
        ("2026-11-23", "lead", "lead created"),
        ("2026-11-23", "lead", "became an MQL"),
        ("2026-11-26", "marketing", "webinar attended · Webinar: Smartere innkjøp"),
        ("2026-11-27", "sales", "call (attempted)"),
        ("2026-11-28", "marketing", "download · Prisguide")]


def test_my_open_leads_warmest_first_with_their_lines(leads, workspace):
    conn, _ids = leads
    settings = workspace.settings()
    agenda = load_agenda(workspace.agenda_path("weekly"), settings)
    numbers = prep.load_my_numbers(conn, workspace, settings, agenda,
                                   settings.person("Ola Hansen"))
    assert [(o.lead, o.warmth, o.touches, o.engagements) for o in numbers.open_leads] == [
        ("L1", 7, 1, LINE), ("L2", 1, 1, "opened Nyhetsbrev 12 h ago"), ("L4", 0, 0, "")]
    # the touch list the SLA asks about is as before: fewest touches first, then oldest MQL
    assert [lead.lead for lead in numbers.thin_leads] == ["L4", "L1", "L2"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_prep_screen_lists_my_open_leads_and_opens_a_timeline(leads, workspace, size):
    seen = {}

    async def run():
        app = PrepApp(workspace, person="Ola Hansen")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = app.screen.query_one("#leads", DataTable)
            seen["rows"] = [[c.plain for c in table.get_row_at(r)] for r in range(table.row_count)]
            seen["headings"] = [str(c.label) for c in table.columns.values()]
            seen["fits"] = table.virtual_size.width <= table.scrollable_content_region.width
            table.focus()
            await pilot.press("l")
            await pilot.pause()
            modal = app.screen
            assert isinstance(modal, TableModal)
            seen["timeline"] = [row[2].plain for row in modal.rows]

    asyncio.run(run())
    assert seen["fits"]
    assert seen["headings"] == ["Lead", "Warmth", "Last engagements"]
    assert [row[:2] for row in seen["rows"]] == [["Lead L1", "hot 7"], ["Lead L2", "cool 1"],
                                                 ["Lead L4", "cold 0"]]
    line = seen["rows"][0][-1]
    if size == (120, 40):
        assert line == LINE  # the lists have 82 of the 120 columns: the whole line
    else:
        # 80 columns: the line gives way with '…'
        assert line.startswith("Prisguide ↓ 2 d ago") and line.endswith("…")
    assert seen["rows"][2][-1] == "–"
    assert seen["timeline"][0] == "email open" and seen["timeline"][-1] == "download · Prisguide"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_on_the_demo_every_prep_list_fits_without_sideways_scrolling(demo_workspace, size):
    # The demo's seller has a screenful of open leads, so the lists scroll: every table's
    # columns must still fit beside the lists' own scrollbar.
    seen = {}

    async def run():
        app = PrepApp(demo_workspace, person="Kristine Bråten")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            for name in ("leads", "actions", "points", "issues"):
                table = app.screen.query_one(f"#{name}", DataTable)
                seen[name] = (table.row_count,
                              table.virtual_size.width <= table.scrollable_content_region.width)
            leads = app.screen.query_one("#leads", DataTable)
            seen["warmth"] = [leads.get_row_at(r)[1].plain for r in range(leads.row_count)]

    asyncio.run(run())
    warmth = seen.pop("warmth")
    assert seen["leads"][0] >= 10 and all(fits for _rows, fits in seen.values())
    scores = [int(cell.split()[1]) for cell in warmth]
    assert scores == sorted(scores, reverse=True)  # warmest first


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_drill_down_shows_each_leads_last_engagements(demo_workspace, size):
    from meeting_fixtures import DEMO_NOW, demo_app, run_async, settle, walk_to

    from smarketing_tui.store import open_readonly

    seen = {}

    @run_async
    async def run():
        app = demo_app(demo_workspace)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await walk_to(pilot, "scorecard")
            await pilot.press("enter")  # the leads behind the first (red) line
            await settle(pilot)
            modal = app.screen
            assert isinstance(modal, TableModal)
            table = modal.query_one("#rows", DataTable)
            seen["columns"] = modal.columns
            seen["given"] = [(row[0].plain, row[-1].plain) for row in modal.rows]
            seen["shown"] = [table.get_row_at(r)[-1].plain for r in range(table.row_count)]
    run()

    assert seen["columns"][0] == "Lead" and seen["columns"][-1] == "Last engagements"
    conn = open_readonly(demo_workspace.db_path)
    try:
        expected = engagement_lines.lines_by_external_id(
            conn, [lead for lead, _ in seen["given"]], parse_utc(DEMO_NOW))
    finally:
        conn.close()
    assert seen["given"] and any(expected.values())

    def cut_from(shown: str, whole: str) -> bool:
        return shown == whole or (shown.endswith("…") and whole.startswith(shown[:-1]))

    # a drill-down cell holds at most 40 characters: the line, or its start and '…'
    assert all(cut_from(line, expected.get(lead) or "–") for lead, line in seen["given"])
    # on screen each line is whole or cut with '…' at the end
    for (_lead, line), shown in zip(seen["given"], seen["shown"]):
        assert cut_from(shown, line)
