"""A whole weekly meeting on the demo data, by keyboard alone, then every row checked in the store.

Walk: attendance, action review (done / carried over / dropped), marketing activity with a
decision, sales activity with an action item (owner, due date), a scorecard line raised as an
issue with its numbers, the issues ranked and one solved with a decision and an action item,
ratings, end. The clock is a fake that the test moves, so the section timers are exact.
"""

from __future__ import annotations

import asyncio
import json

from meeting_fixtures import FakeClock, settle
from smarketing_tui import records
from smarketing_tui.demo import build_demo
from smarketing_tui.timeutil import parse_utc
from smarketing_tui.tui.app import SmarketingApp
from smarketing_tui.tui.meeting_screen import MeetingScreen

NOW = "2026-11-23T08:00:00Z"


async def _move_to(pilot, table, row: int) -> None:
    """Walk the table's cursor to ``row`` with the arrow keys."""
    for _ in range(abs(row - table.cursor_row)):
        await pilot.press("down" if row > table.cursor_row else "up")
    assert table.cursor_row == row, f"cursor at {table.cursor_row}, focus on {pilot.app.focused}"


def test_a_whole_meeting_by_keyboard(tmp_path, monkeypatch):
    monkeypatch.setenv("SMARKETING_NOW", NOW)
    monkeypatch.delenv("SMARKETING_WORKSPACE", raising=False)
    workspace = build_demo(tmp_path / "demo", today=parse_utc(NOW).date())
    clock = FakeClock(NOW)
    seen: dict = {}

    async def walk() -> None:
        app = SmarketingApp(workspace, clock=clock)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            session = screen.session
            seen["meeting_id"] = session.meeting_id

            # 1. Check-in: everyone here, then the second person (Ingrid) away, with a line.
            await pilot.press("A", "down", "p", "enter")
            await pilot.pause()
            await pilot.press(*"Away at a fair [b]x[/b]", "enter")
            clock.advance(240)                                   # 4:00 in check-in
            await pilot.press("right_square_bracket")
            await settle(pilot)

            # 2. Action review: the open items get done, carried over (default +7) and dropped.
            view = screen.current_view
            table = view.query_one("DataTable")
            open_rows = [index for index in range(table.row_count)
                         if view._items[table.coordinate_to_cell_key((index, 0)).row_key.value]
                         .status == "open"]
            keys = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in open_rows[:3]]
            seen["review"] = [int(k) for k in keys]
            for row, key in zip(open_rows[:3], ("x", "c", "D")):
                await _move_to(pilot, table, row)
                await pilot.press(key)
                if key == "c":
                    await pilot.pause()
                    await pilot.press("enter")
                await pilot.pause()
            clock.advance(300)
            await pilot.press("right_square_bracket")
            await settle(pilot)

            # 3. Marketing activity: a decision, taken with the numbers on screen.
            await pilot.press("d", *"Move 20 % of search budget to webinars", "enter")
            await pilot.pause()
            clock.advance(420)
            await pilot.press("right_square_bracket")
            await settle(pilot)

            # 4. Sales activity: an action item with an owner completed from "Amir" and the
            #    default due date a week ahead.
            await pilot.press("a", *"Call back every webinar MQL within 2 hours", "enter",
                              *"Amir", "enter", "enter")
            await pilot.pause()
            clock.advance(420)
            await pilot.press("right_square_bracket")
            await settle(pilot)

            # 5. Scorecard: the first line that is not on the issues list yet becomes an issue.
            view = screen.current_view
            table = view.query_one("DataTable")
            listed = {(i.evidence or {}).get("commitment")
                      for i in records.list_issues(session.conn) if i.origin == "scorecard"}
            lines = [table.coordinate_to_cell_key((r, 0)).row_key.value
                     for r in range(table.row_count)]
            target = next(index for index, line_id in enumerate(lines)
                          if line_id not in listed and view._lines[line_id]["status"] in
                          ("red", "amber"))
            seen["scorecard_line"] = dict(view._lines[lines[target]])
            await _move_to(pilot, table, target)
            await pilot.press("I")
            await pilot.pause()
            await pilot.press("enter", "enter", "enter")  # the prefilled title kept: saved
            await pilot.pause()
            seen["shown"] = session.scorecard_shown
            clock.advance(480)
            await pilot.press("right_square_bracket")
            await settle(pilot)

            # 6. Issues: the first becomes number 1 and is solved with a decision and an action.
            view = screen.current_view
            table = view.query_one("DataTable")
            seen["solved"] = int(table.coordinate_to_cell_key((0, 0)).row_key.value)
            await pilot.press("1", "s")
            await pilot.pause()
            await pilot.press(*"Sales calls within 3 touches before disqualifying", "enter",
                              *"Three touches before any disqualification", "enter",
                              *"Add a touch counter to the CRM view", "enter",
                              *"kristine", "enter", "enter")
            await pilot.pause()
            clock.advance(660)
            await pilot.press("right_square_bracket")
            await settle(pilot)

            # 7. Wrap-up: a rating for each of the 8 people here, then end the meeting.
            for digit in "89790868":
                await pilot.press(digit)
            await pilot.pause()
            clock.advance(180)
            await pilot.press("E")
            await pilot.pause()
            await pilot.press("y")
            await settle(pilot)
            await pilot.pause()

    asyncio.run(walk())
    from smarketing_tui.store import open_store

    db = open_store(workspace.db_path, workspace.settings())
    conn = db.conn
    meeting_id = seen["meeting_id"]

    # Attendance: 9 people; Ingrid Sæther (second in the list) away with her line, 8 here.
    rows = conn.execute("SELECT p.name, a.present, a.rating, a.checkin FROM attendance a "
                        "JOIN people p ON p.id = a.person_id WHERE a.meeting_id = ? "
                        "ORDER BY p.team, p.name", (meeting_id,)).fetchall()
    assert len(rows) == 9
    away = [r for r in rows if not r[1]]
    assert away == [("Ingrid Sæther", 0, None, "Away at a fair [b]x[/b]")]
    # Ratings in list order (marketing then sales, by name), Ingrid left out: 8 9 7 9 10 8 6 8.
    rated = {name: rating for name, present, rating, _ in rows if present}
    assert rated == {"Henrik Åsland": 8, "Magnus Øvrebø": 9, "Sofie Lien": 7,
                     "Amir Rahimi": 9, "Erlend Mørk": 10, "Jonas Haugen": 8,
                     "Kristine Bråten": 6, "Siri Dæhlie": 8}

    # Action review: done, carried over a week (23.11 + 7 = 30.11), dropped; all in this meeting.
    done, carried, dropped = (records.get_action_item(conn, i) for i in seen["review"])
    assert (done.status, dropped.status) == ("done", "dropped")
    assert (carried.status, carried.due) == ("open", "2026-11-30")
    kinds = [r for r in conn.execute(
        "SELECT action_item_id, kind FROM action_item_updates WHERE meeting_id = ? "
        "ORDER BY id", (meeting_id,))]
    assert kinds == list(zip(seen["review"], ("done", "carried", "dropped")))

    # Decisions: the marketing one with the numbers on screen, and the one solving the issue.
    decisions = records.list_decisions(conn, meeting_id)
    assert [(d.text, d.section_title, d.issue_id) for d in decisions] == [
        ("Move 20 % of search budget to webinars", "Marketing activity", None),
        ("Three touches before any disqualification", "Issues", seen["solved"])]
    assert decisions[0].context["team"] == "marketing" and "mqls" in decisions[0].context

    # Action items created in the meeting: owner and due date a week ahead (30.11.2026).
    actions = records.list_action_items(conn, status=None, meeting_id=meeting_id)
    assert [(a.text, a.owner, a.due, a.issue_id, a.section_title) for a in actions] == [
        ("Call back every webinar MQL within 2 hours", "Amir Rahimi", "2026-11-30", None,
         "Sales activity"),
        ("Add a touch counter to the CRM view", "Kristine Bråten", "2026-11-30", seen["solved"],
         "Issues")]

    # The issue solved, and the scorecard line raised with its numbers.
    solved = records.get_issue(conn, seen["solved"])
    assert (solved.status, solved.resolution) == (
        "solved", "Sales calls within 3 touches before disqualifying")
    line = seen["scorecard_line"]
    raised = [i for i in records.list_issues(conn, None)
              if i.origin == "scorecard" and i.evidence["commitment"] == line["id"]]
    assert len(raised) == 1
    assert (raised[0].evidence["actual"], raised[0].evidence["counts"]) == (
        line["actual"], line["counts"])

    # The meeting ended with the scorecard frozen as shown, and every section's time kept.
    status, snapshot = conn.execute("SELECT status, scorecard_snapshot FROM meetings "
                                    "WHERE id = ?", (meeting_id,)).fetchone()
    assert status == "ended"
    assert json.loads(snapshot) == json.loads(json.dumps(seen["shown"], sort_keys=True,
                                                         default=str))
    used = [r[0] for r in conn.execute("SELECT used_seconds FROM meeting_sections WHERE "
                                       "meeting_id = ? ORDER BY position", (meeting_id,))]
    assert used == [240, 300, 420, 420, 480, 660, 180]
    db.close()

    # Ending wrote the minutes into the workspace, and they hold what the meeting decided.
    written = sorted(p.name for p in workspace.minutes_dir.glob("*-weekly.*"))
    assert [name.rsplit(".", 1)[1] for name in written] == ["html", "md"]
    markdown = next(workspace.minutes_dir.glob("*-weekly.md")).read_text(encoding="utf-8")
    for decision in decisions:  # plain words and digits: nothing for Markdown to escape
        assert decision.text.split()[0] in markdown
        assert decision.text in markdown.replace("\\", "")


def test_a_late_scorecard_for_a_section_already_left_is_dropped(tmp_path, monkeypatch):
    """The scorecard is still being judged when the meeting moves on to the issues: when the
    result comes, it is dropped quietly (not kept as "shown") and the meeting goes on."""
    import threading

    import smarketing_tui.scorecard as scorecard_module

    monkeypatch.setenv("SMARKETING_NOW", NOW)
    monkeypatch.delenv("SMARKETING_WORKSPACE", raising=False)
    workspace = build_demo(tmp_path / "demo", today=parse_utc(NOW).date())
    release = threading.Event()
    original = scorecard_module.build_scorecard

    def slow_build(*args, **kwargs):
        release.wait(timeout=20)  # held until the test has left the section
        return original(*args, **kwargs)

    monkeypatch.setattr(scorecard_module, "build_scorecard", slow_build)
    # The view's own worker, as for a section visited before the background preload reached
    # it (the preload would hold the slow scorecard from the start; test_preload has that).
    monkeypatch.setattr(MeetingScreen, "PRELOAD_NUMBERS", False)
    state: dict = {}

    async def race() -> None:
        app = SmarketingApp(workspace, clock=FakeClock(NOW))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for _ in range(4):                       # to the scorecard (its worker waits)
                await pilot.press("right_square_bracket")
                await pilot.pause()
            state["was"] = type(app.screen.current_view).__name__
            await pilot.press("right_square_bracket")  # on to the issues
            await pilot.pause()
            release.set()
            await settle(pilot)
            state["now"] = type(app.screen.current_view).__name__
            state["shown"] = app.screen.session.scorecard_shown
            state["running"] = app.is_running
        state["return_code"] = app.return_code

    asyncio.run(race())
    assert (state["was"], state["now"], state["running"]) == ("ScorecardView", "IssuesView", True)
    # The meeting never saw that scorecard, so it is not the one to freeze at the end.
    assert state["shown"] is None
    assert state["return_code"] in (None, 0)
