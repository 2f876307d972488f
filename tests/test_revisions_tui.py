"""Correcting a meeting's record on the meeting screen (issue 9): edit a decision and an
action item where they were made, delete a note and undo it, correct a check-in line, then
amend the ended meeting; every change checked in the store, its revisions, the decision
log and the four minutes formats."""

from __future__ import annotations

import asyncio
import io
import json
import textwrap

from meeting_fixtures import FakeClock, settle, write_small_agenda
from smarketing_tui import records
from smarketing_tui.minutes import load_minutes, render
from smarketing_tui.store import open_store
from smarketing_tui.tui.app import SmarketingApp

NOW = "2026-11-23T08:00:00Z"  # 09:00 in Oslo

async def _retype(pilot, text: str) -> None:
    """Empty the focused input (ctrl+u: all left of the cursor, which sits at the end)."""
    await pilot.press("end", "ctrl+u", *text)


def _panel_text(screen) -> str:
    panel = screen.query_one("#records-panel")
    return str(panel.render()) if panel.display else ""


def _plain(renderable) -> str:
    from rich.console import Console

    console = Console(width=80, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


def _revisions(conn, kind, record_id):
    return conn.execute("SELECT change, field, old_value, new_value, by, during_meeting "
                        "FROM revisions WHERE kind = ? AND record_id = ? ORDER BY id",
                        (kind, record_id)).fetchall()


def _run_meeting(workspace, clock, seen, monkeypatch):
    def at(stamp: str) -> None:  # when the store stamps what is recorded next
        monkeypatch.setenv("SMARKETING_NOW", stamp)

    async def walk() -> None:
        app = SmarketingApp(workspace, agenda_path=write_small_agenda(workspace.agendas_dir),
                            clock=clock)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await settle(pilot)
            screen = app.screen
            seen["meeting_id"] = screen.session.meeting_id
            # Check-in: all here (Kari, Ola, Pål by team and name: marketing first), Kari's
            # line entered, then corrected with e (the view offers the highlighted line).
            await pilot.press("A", "enter")
            await pilot.pause()
            await pilot.press(*"Fne", "enter")
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()
            await _retype(pilot, "Fine, busy week")
            await pilot.press("enter")
            await pilot.pause()
            clock.advance(60)
            await pilot.press("right_square_bracket")
            await settle(pilot)

            # Marketing activity: a decision, an action item and a note, in view below.
            at("2026-11-23T08:01:10Z")
            await pilot.press("d", *"Move budget to webinar", "enter")
            await pilot.pause()
            at("2026-11-23T08:01:20Z")
            await pilot.press("a", *"Call the leads", "enter", *"Ola Hansen", "enter", "enter")
            await pilot.pause()
            at("2026-11-23T08:01:30Z")
            await pilot.press("n", *"Typo note", "enter")
            await pilot.pause()
            at("2026-11-23T08:01:40Z")
            seen["panel"] = _panel_text(screen)

            # e: the list asks which, newest first (note, action item, decision).
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("down", "down", "enter")
            await pilot.pause()
            await _retype(pilot, "Move 20 % of the search budget to webinars")
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("down", "enter")
            await pilot.pause()
            await _retype(pilot, "Call back the webinar leads")
            await pilot.press("enter")
            await _retype(pilot, "Kari Nordmann")
            await pilot.press("enter")
            await _retype(pilot, "14.12.2026")
            await pilot.press("enter")
            await pilot.pause()
            seen["panel_edited"] = _panel_text(screen)

            # X deletes the note (first in the list), U brings it back, X deletes it again.
            await pilot.press("X", "enter")
            await pilot.pause()
            seen["panel_deleted"] = _panel_text(screen)
            conn = screen.session.conn
            seen["deleted_then"] = conn.execute("SELECT deleted_at IS NOT NULL FROM notes"
                                                ).fetchall()
            await pilot.press("U")
            await pilot.pause()
            seen["panel_undone"] = _panel_text(screen)
            seen["deleted_undone"] = conn.execute("SELECT deleted_at IS NOT NULL FROM notes"
                                                  ).fetchall()
            await pilot.press("X", "enter")
            await pilot.pause()
            clock.advance(120)
            await pilot.press("ctrl+e")
            await pilot.pause()
            await pilot.press("y")
            await settle(pilot)

    asyncio.run(walk())


def _amend(workspace, meeting_id, seen):
    async def walk() -> None:
        app = SmarketingApp(workspace, meeting_id=meeting_id, amend=True,
                            clock=FakeClock("2026-11-24T10:00:00Z"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            seen["amend_top"] = _plain(screen.query_one("#topbar").content)
            # It opens where the meeting ended (Marketing activity); ] and [ still move.
            await pilot.press("right_square_bracket")
            await settle(pilot)
            seen["amend_moved_to"] = screen.session.current
            await pilot.press("left_square_bracket")
            await settle(pilot)
            seen["amend_panel"] = _panel_text(screen)
            await pilot.press("d")  # no new records while amending
            await pilot.pause()
            seen["amend_screens"] = len(app.screen_stack)
            await pilot.press("[")  # check-in: its own keys (p: here/away) are off too
            await settle(pilot)
            await pilot.press("p")
            await pilot.pause()
            seen["amend_presence"] = screen.session.conn.execute(
                "SELECT COUNT(*) FROM attendance WHERE present = 0").fetchone()[0]
            await pilot.press("right_square_bracket")
            await settle(pilot)
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("down", "enter")  # action item, then the decision
            await pilot.pause()
            await _retype(pilot, "Move 25 % of the search budget to webinars")
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("q")
            await settle(pilot)
        seen["amend_exit"] = app.return_value

    asyncio.run(walk())


def test_corrections_during_a_meeting_and_after_it(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", NOW)
    clock = FakeClock(NOW)
    seen: dict = {}
    _run_meeting(workspace, clock, seen, monkeypatch)
    meeting_id = seen["meeting_id"]

    # The panel below the section listed what it recorded, oldest at the top.
    assert seen["panel"].splitlines()[1:] == [
        "✓ Move budget to webinar",
        "→ Call the leads — Ola Hansen, 30.11.2026",  # due: 23.11 + 7 days
        "✎ Typo note"]
    assert "→ Call back the webinar leads — Kari Nordmann, 14.12.2026" in seen["panel_edited"]
    assert "Typo note" not in seen["panel_deleted"] and "Typo note" in seen["panel_undone"]
    assert (seen["deleted_then"], seen["deleted_undone"]) == ([(1,)], [(0,)])

    db = open_store(workspace.db_path, workspace.settings())
    conn = db.conn
    (decision,) = records.list_decisions(conn, meeting_id)
    assert decision.text == "Move 20 % of the search budget to webinars"
    assert _revisions(conn, "decision", decision.id) == [
        ("edit", "text", "Move budget to webinar", "Move 20 % of the search budget to webinars",
         "facilitator", meeting_id)]
    (item,) = records.list_action_items(conn, meeting_id=meeting_id)
    assert (item.text, item.owner, item.due, item.original_due) == (
        "Call back the webinar leads", "Kari Nordmann", "2026-12-14", "2026-12-14")
    assert [r[:4] for r in _revisions(conn, "action_item", item.id)] == [
        ("edit", "text", "Call the leads", "Call back the webinar leads"),
        ("edit", "owner", "Ola Hansen", "Kari Nordmann"),
        ("edit", "due", "2026-11-30", "2026-12-14")]
    note_id = conn.execute("SELECT id FROM notes").fetchone()[0]
    assert records.list_notes(conn, meeting_id) == []
    assert [r[0] for r in _revisions(conn, "note", note_id)] == ["delete", "restore", "delete"]
    kari = conn.execute("SELECT id FROM people WHERE name = 'Kari Nordmann'").fetchone()[0]
    assert conn.execute("SELECT checkin FROM attendance WHERE person_id = ?",
                        (kari,)).fetchone() == ("Fine, busy week",)
    assert _revisions(conn, "checkin", kari) == [
        ("edit", "text", "Fne", "Fine, busy week", "facilitator", meeting_id)]
    (entry,) = [e for e in records.decision_log(conn) if e.decision.meeting_id == meeting_id]
    assert entry.decision.amended
    ended = conn.execute("SELECT ended_at, scorecard_snapshot, status FROM meetings WHERE id = ?",
                         (meeting_id,)).fetchone()
    clocks = conn.execute("SELECT position, used_seconds FROM meeting_sections WHERE "
                          "meeting_id = ? ORDER BY position", (meeting_id,)).fetchall()
    assert clocks == [(0, 60.0), (1, 120.0), (2, 0.0)]

    # The minutes: the corrected words, marked; the deleted note gone; the revisions in JSON.
    minutes = load_minutes(conn, meeting_id, workspace.settings())
    md = render(minutes, "md")
    assert "- Move 20 % of the search budget to webinars *(amended)*" in md
    assert "  - *Amended:* text was 'Move budget to webinar' (changed 23.11.2026 09:01" in md
    assert "Call back the webinar leads *(amended)* | Kari Nordmann | 14.12.2026" in md
    assert "Typo note" not in md
    document = json.loads(render(minutes, "json"))
    section = document["sections"][1]
    assert section["notes"] == []
    assert section["decisions"][0]["amended"] is True
    assert section["decisions"][0]["revisions"][0]["old"] == "Move budget to webinar"
    assert [r["field"] for r in section["action_items"][0]["revisions"]] == [
        "text", "owner", "due"]
    kari_json = next(a for a in document["attendance"]["present"] if a["name"] == "Kari Nordmann")
    assert (kari_json["checkin"], kari_json["amended"]) == ("Fine, busy week", True)
    html = render(minutes, "html")
    assert ('Move 20 % of the search budget to webinars <span class="amended" '
            'title="changed after it was first recorded">amended</span>') in html
    # The corrected check-in line is marked in the HTML too.
    assert ('Fine, busy week <span class="amended" ' in html)
    assert "Typo note" not in html
    ics = render(minutes, "ics")
    assert "SUMMARY:Call back the webinar leads" in ics and "DUE;VALUE=DATE:20261214" in ics
    db.close()

    # Amend the ended meeting the next day: corrections only, its time and scorecard kept.
    # (This agenda has no scorecard section: a frozen snapshot is put in by hand, to see
    # that the amend leaves it as it is.)
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-24T10:00:00Z")
    db = open_store(workspace.db_path, workspace.settings())
    with db.conn:
        db.conn.execute("UPDATE meetings SET scorecard_snapshot = '{\"frozen\": true}' "
                        "WHERE id = ?", (meeting_id,))
    ended = (ended[0], '{"frozen": true}', ended[2])
    db.close()
    _amend(workspace, meeting_id, seen)
    assert "amending" in seen["amend_top"]
    assert seen["amend_moved_to"] == 2
    # 80 columns: the panel lines are cut to the section's width, the newest last.
    assert seen["amend_panel"].splitlines()[1:] == [
        "✓ Move 20 % of the search budget to webinars",
        "→ Call back the webinar leads — Kari Nordmann, 14.12…"]
    assert seen["amend_screens"] == 1  # d opened no dialog
    assert seen["amend_presence"] == 0  # p marked nobody away
    assert seen["amend_exit"].how == "amended"
    db = open_store(workspace.db_path, workspace.settings())
    conn = db.conn
    (decision,) = records.list_decisions(conn, meeting_id)
    assert decision.text == "Move 25 % of the search budget to webinars"
    assert [r[0] for r in _revisions(conn, "decision", decision.id)] == ["edit", "edit"]
    assert conn.execute("SELECT at FROM revisions WHERE kind = 'decision' ORDER BY id DESC"
                        ).fetchone() == ("2026-11-24T10:00:00Z",)
    assert conn.execute("SELECT ended_at, scorecard_snapshot, status FROM meetings WHERE id = ?",
                        (meeting_id,)).fetchone() == ended
    assert conn.execute("SELECT position, used_seconds FROM meeting_sections WHERE "
                        "meeting_id = ? ORDER BY position", (meeting_id,)).fetchall() == clocks
    assert records.list_action_items(conn, meeting_id=meeting_id)[0].due == "2026-12-14"
    db.close()
    written = sorted(workspace.minutes_dir.glob("*.md"))
    assert len(written) == 1
    text = written[0].read_text(encoding="utf-8")
    assert "Move 25 % of the search budget to webinars *(amended)*" in text


def test_the_palette_offers_edit_delete_and_undo_when_they_apply(workspace, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", NOW)

    def titles(app) -> list[str]:
        return [c.title for c in app.get_system_commands(app.screen) if c.title.startswith(
            "record: ")]

    async def walk():
        app = SmarketingApp(workspace, agenda_path=write_small_agenda(workspace.agendas_dir),
                            clock=FakeClock(NOW))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("right_square_bracket")
            await settle(pilot)
            before = titles(app)
            await pilot.press("n", *"A note", "enter")
            await pilot.pause()
            await pilot.press("X")  # one record here: deleted at once, no list to pick from
            await pilot.pause()
            after = titles(app)
            deleted = app.screen.session.conn.execute(
                "SELECT deleted_at IS NOT NULL FROM notes").fetchall()
        return before, after, deleted

    before, after, deleted = asyncio.run(walk())
    assert "record: edit" in before and "record: delete" in before
    assert "record: undo delete" not in before  # nothing deleted yet
    assert "record: undo delete" in after and deleted == [(1,)]


ISSUES_AGENDA = textwrap.dedent("""\
    title: Issues weekly
    cadence: weekly
    minutes: 10
    sections:
      - title: Talking points
        type: talking_points
        minutes: 3
      - title: Issues
        type: issues
        minutes: 5
    """)


def test_an_issue_and_a_talking_point_are_corrected_where_they_are_listed(workspace,
                                                                          monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", NOW)
    db = open_store(workspace.db_path, workspace.settings())
    point = records.add_talking_point(db.conn, "issues.yaml", "Webinar leds are slow",
                                      author="Kari Nordmann")
    issue = records.raise_issue(db.conn, "Weekend leads wiat", raised_by="Ola Hansen")
    db.close()
    path = workspace.agendas_dir / "issues.yaml"
    path.write_text(ISSUES_AGENDA, encoding="utf-8")

    async def walk():
        app = SmarketingApp(workspace, agenda_path=path, clock=FakeClock(NOW))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            # Talking points: the highlighted point is the only record here, so e opens it.
            await pilot.press("e")
            await pilot.pause()
            await _retype(pilot, "Webinar leads are slow")
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("right_square_bracket")
            await settle(pilot)
            # Issues: a decision recorded here as well, so e asks: the issue comes first.
            await pilot.press("d", *"Weekend leads go to the on-call seller", "enter")
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()
            listed = [str(o.prompt) for o in app.screen.query_one("OptionList")._options]
            await pilot.press("enter")
            await pilot.pause()
            await _retype(pilot, "Weekend leads wait until Monday")
            await pilot.press("enter")
            await pilot.pause()
            title_cell = app.screen.current_view.query_one("DataTable").get_row(str(issue))[1]
            await pilot.press("q")
            await settle(pilot)
        return listed, title_cell

    listed, title_cell = asyncio.run(walk())
    assert listed == [f"! Issue #{issue}: Weekend leads wiat",
                      "✓ Decision #1: Weekend leads go to the on-call seller"]
    assert title_cell.plain == "Weekend leads wait until Monday"
    db = open_store(workspace.db_path, workspace.settings())
    assert records.get_issue(db.conn, issue).title == "Weekend leads wait until Monday"
    assert _revisions(db.conn, "issue", issue)[0][:4] == (
        "edit", "title", "Weekend leads wiat", "Weekend leads wait until Monday")
    (taken,) = records.list_talking_points(db.conn, agenda="issues.yaml")
    assert (taken.id, taken.text, taken.amended) == (point, "Webinar leads are slow", True)
    db.close()
