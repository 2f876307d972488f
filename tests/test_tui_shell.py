"""The meeting app shell driven by the Pilot: keys, modals, leave, resume, palette, footer.

Every test asserts on the store and on the screen stack, never on timing.
"""

from __future__ import annotations

import sqlite3
import textwrap

import pytest
from textual.widgets import Static

from smarketing_tui.agenda import load_agenda
from smarketing_tui.meeting import MeetingSession
from smarketing_tui.tui.app import SmarketingApp
from smarketing_tui.tui.keybar import KeyBar
from smarketing_tui.tui.meeting_screen import MeetingScreen
from smarketing_tui.tui.modals import (ActionItemDialog, ConfirmDialog, HelpScreen, IssueDialog,
                                       ResumeDialog, TextDialog)

from meeting_fixtures import FakeClock, run_async

# Free sections only, so these tests exercise the shell and not the section views.
SHELL_AGENDA = textwrap.dedent("""\
    title: Shell test meeting
    cadence: weekly
    minutes: 20
    sections:
      - title: Opening
        type: discussion
        minutes: 5
      - title: Numbers
        type: discussion
        minutes: 10
        team: sales
      - title: Closing
        type: discussion
        minutes: 5
    """)


@pytest.fixture
def agenda_path(workspace):
    path = workspace.agendas_dir / "shell.yaml"
    path.write_text(SHELL_AGENDA, encoding="utf-8")
    return path


@pytest.fixture
def clock():
    return FakeClock("2026-11-23T08:00:00Z")


def _app(workspace, agenda_path, clock, **kwargs) -> SmarketingApp:
    return SmarketingApp(workspace, agenda_path=agenda_path, clock=clock, **kwargs)


def _store(workspace) -> sqlite3.Connection:
    return sqlite3.connect(workspace.db_path)


@run_async
async def test_brackets_walk_the_agenda_and_the_store_follows(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        clock.advance(30)
        await pilot.press("right_square_bracket")
        clock.advance(45)
        await pilot.press("right_square_bracket", "right_square_bracket")  # the last one stays
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.session.current == 1
        assert screen.current_view.context.section.title == "Numbers"
    rows = _store(workspace).execute(
        "SELECT position, used_seconds FROM meeting_sections ORDER BY position").fetchall()
    # Opening 30 s; Numbers 45 s before moving on; Closing 0 s (no time passed there).
    assert rows == [(0, 30.0), (1, 45.0), (2, 0.0)]


@run_async
async def test_clicking_a_section_in_the_agenda_goes_there(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # Each agenda entry is two lines; the third section starts on line 4 of the list.
        await pilot.click("#agenda", offset=(5, 4))
        await pilot.pause()
        assert app.screen.session.current == 2
    assert _store(workspace).execute("SELECT current_section FROM meetings").fetchone() == (2,)


@run_async
async def test_d_records_a_decision_in_the_current_section(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket", "d")
        assert isinstance(app.screen, TextDialog)
        await pilot.press(*"Hire an SDR", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        body = app.screen.current_view.query_one("#discussion-body", Static)
        assert "Hire an SDR" in str(body.content)
    assert _store(workspace).execute(
        "SELECT section_position, section_title, text FROM decisions").fetchall() == [
        (1, "Numbers", "Hire an SDR")]


@run_async
async def test_escape_cancels_a_modal_and_nothing_is_written(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ("d", "n", "a", "i"):
            await pilot.press(key, *"draft")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, MeetingScreen), key
    conn = _store(workspace)
    for table in ("decisions", "notes", "action_items", "issues"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table


@run_async
async def test_a_adds_an_action_item_with_owner_completion_and_norwegian_due(
        workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, ActionItemDialog)
        # The due date defaults to a week ahead: Monday 23.11.2026 + 7 days.
        assert dialog.query_one("#due").value == "30.11.2026"
        await pilot.press(*"Call every webinar lead", "tab", *"ola", "tab")
        await pilot.press(*["backspace"] * 10, *"14.12.2026", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
    assert _store(workspace).execute(
        "SELECT text, owner, due, section_title FROM action_items").fetchall() == [
        ("Call every webinar lead", "Ola Hansen", "2026-12-14", "Opening")]


@run_async
async def test_an_unknown_owner_or_bad_date_keeps_the_dialog_open(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a", *"Fix routing", "tab", *"Nobody", "tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ActionItemDialog)
        assert "Unknown person 'Nobody'" in str(app.screen.query_one(".dialog-error").content)
        owner = app.screen.query_one("#owner")
        owner.value = "Kari Nordmann"
        app.screen.query_one("#due").value = "31.02.2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not a real date" in str(app.screen.query_one(".dialog-error").content)
        app.screen.query_one("#due").value = "+2w"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
    # +2w from Monday 23.11.2026 is 07.12.2026
    assert _store(workspace).execute("SELECT owner, due FROM action_items").fetchall() == [
        ("Kari Nordmann", "2026-12-07")]


@run_async
async def test_n_and_i_write_a_note_and_an_issue(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket", "n", *"Ads leads are cold", "enter")
        await pilot.press("i")
        assert isinstance(app.screen, IssueDialog)
        # Enter past 'Raised by' (left empty) saves.
        await pilot.press(*"Slow follow-up", "tab", *"Median 30 h", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        meeting_id = app.screen.session.meeting_id
    conn = _store(workspace)
    assert conn.execute("SELECT section_title, text FROM notes").fetchall() == [
        ("Numbers", "Ads leads are cold")]
    # The Numbers section has team: sales, so the issue is the sales team's by default.
    assert conn.execute("SELECT title, detail, team, raised_in_meeting FROM issues").fetchall() \
        == [("Slow follow-up", "Median 30 h", "sales", meeting_id)]


@run_async
async def test_markup_in_recorded_text_is_shown_as_typed(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", *"[bold]x[/] and [link=http://x]y[/]", "enter")
        await pilot.pause()
        body = app.screen.query_one("#discussion-body", Static)
        assert "[bold]x[/] and [link=http://x]y[/]" in str(body.content)


@run_async
async def test_space_pauses_and_resumes_the_clock(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        clock.advance(20)
        await pilot.press("space")
        clock.advance(300)          # paused: counts nowhere
        await pilot.press("space")
        clock.advance(10)
        await pilot.pause()
        assert app.screen.session.elapsed(0) == 30
        assert not app.screen.session.is_paused


@run_async
async def test_q_leaves_a_paused_meeting_that_can_be_resumed(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket")
        clock.advance(42)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value.how == "left"
    assert "paused at 'Numbers'" in app.return_value.summary
    conn = _store(workspace)
    assert conn.execute("SELECT status, current_section FROM meetings").fetchall() == [("paused", 1)]
    assert conn.execute("SELECT used_seconds, running_since FROM meeting_sections "
                        "WHERE position = 1").fetchone() == (42.0, None)


@run_async
async def test_run_offers_to_resume_and_resume_keeps_the_times(workspace, agenda_path, clock):
    agenda = load_agenda(agenda_path, workspace.settings())
    earlier = MeetingSession.start(workspace, agenda, clock=clock)
    clock.advance(50)
    earlier.go_to(2)
    earlier.leave()
    earlier.close()
    clock.advance(3600)
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeDialog)
        assert "Shell test meeting" in app.screen.description
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        assert screen.session.meeting_id == earlier.meeting_id
        assert screen.session.current == 2
        assert screen.session.elapsed(0) == 50
    assert _store(workspace).execute("SELECT COUNT(*) FROM meetings").fetchone() == (1,)


@run_async
async def test_n_in_the_resume_offer_starts_a_new_meeting(workspace, agenda_path, clock):
    agenda = load_agenda(agenda_path, workspace.settings())
    earlier = MeetingSession.start(workspace, agenda, clock=clock)
    earlier.leave()
    earlier.close()
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.session.meeting_id != earlier.meeting_id
    assert _store(workspace).execute("SELECT id, status FROM meetings ORDER BY id").fetchall() == [
        (earlier.meeting_id, "paused"), (earlier.meeting_id + 1, "paused")]


@run_async
async def test_escape_in_the_resume_offer_changes_nothing(workspace, agenda_path, clock):
    agenda = load_agenda(agenda_path, workspace.settings())
    MeetingSession.start(workspace, agenda, clock=clock).close()  # died while running
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value.how == "quit"
    assert _store(workspace).execute("SELECT COUNT(*), MAX(status) FROM meetings").fetchone() == (
        1, "running")


@run_async
async def test_ctrl_e_ends_the_meeting_after_confirmation(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.session.scorecard_shown = {"lines": [{"metric": "mqls", "status": "red"}]}
        await pilot.press("ctrl+e")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("ctrl+e", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_value.how == "ended"
    assert _store(workspace).execute("SELECT status, scorecard_snapshot FROM meetings").fetchone() \
        == ("ended", '{"lines": [{"metric": "mqls", "status": "red"}]}')


@run_async
async def test_minutes_can_be_written_mid_meeting_and_are_written_at_the_end(workspace, agenda_path,
                                                                           clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        meeting_id = app.screen.session.meeting_id
        app.screen.session.record_decision("Publish the <script> & *ranking*")
        await pilot.press("M")
        await app.workers.wait_for_complete()
        written = sorted(p.suffix for p in workspace.minutes_dir.glob("*.*") if p.suffix != "")
        assert written == [".html", ".md"]
        html = next(workspace.minutes_dir.glob("*.html")).read_text(encoding="utf-8")
        assert "Publish the &lt;script&gt; &amp; *ranking*" in html
        assert "not finished" in html.lower() or "unfinished" in html.lower()
        await pilot.press("ctrl+e", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_value.how == "ended"
    assert "Minutes written to minutes/" in app.return_value.summary
    markdown = next(workspace.minutes_dir.glob("*.md")).read_text(encoding="utf-8")
    assert "unfinished" not in markdown.lower() and "not finished" not in markdown.lower()
    assert _store(workspace).execute("SELECT status FROM meetings WHERE id = ?",
                                     (meeting_id,)).fetchone() == ("ended",)


@run_async
async def test_the_palette_offers_every_meeting_action(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("agenda: next section", "record: decision", "record: action item",
                      "record: note", "record: issue", "clock: pause / resume", "meeting: leave",
                      "meeting: end", "help: keys", "agenda: go to 3. Closing"):
            assert title in titles
        # At the first section there is no way back, so it is not offered.
        assert "agenda: previous section" not in titles
        next_section = next(c for c in app.get_system_commands(app.screen)
                            if c.title == "agenda: next section")
        next_section.callback()
        await pilot.pause()
        assert app.screen.session.current == 1


@run_async
async def test_the_footer_shows_the_meeting_keys(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = [key.action for key in app.screen.query_one(KeyBar).drawn]
        assert shown == ["next_section", "previous_section", "decision", "action_item", "note",
                         "issue", "pause_clock", "leave", "help", "command_palette"]


@run_async
async def test_question_mark_lists_every_key_with_its_description(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        meeting_keys = dict((key, text) for key, text, _ in help_screen.groups[0][1])
        assert meeting_keys["]"] == "Next" and meeting_keys["d"] == "Decision"
        assert meeting_keys["ctrl+e"] == "End meeting"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)


@run_async
async def test_ctrl_q_leaves_the_meeting_paused(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        clock.advance(7)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert _store(workspace).execute(
        "SELECT m.status, s.used_seconds, s.running_since FROM meetings m JOIN meeting_sections s "
        "ON s.meeting_id = m.id AND s.position = 0").fetchone() == ("paused", 7.0, None)


@run_async
async def test_the_screen_fits_80_by_24(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        agenda = app.screen.query_one("#agenda")
        host = app.screen.query_one("#section-host")
        assert agenda.region.width == 24  # the narrow agenda column
        assert host.region.width == 80 - 24
        assert app.screen.query_one(KeyBar).region.y == 23


def test_clock_text_reads_like_a_meeting_clock_and_like_the_minutes():
    """One duration format: the screen showed 65:00 where the minutes said 1:05:00."""
    from smarketing_tui.minutes import format_duration
    from smarketing_tui.tui.meeting_screen import clock_text

    seconds = (0, 65, 599.9, 3599, 3600, 3900, 5999, 6000, -30)
    # 3900 s = 65 min = 1 h 5 min; 5999 s = 1 h 39 min 59 s; 599,9 s: 9 min 59 s passed.
    expected = ["0:00", "1:05", "9:59", "59:59", "1:00:00", "1:05:00", "1:39:59", "1:40:00",
                "-0:30"]
    assert [clock_text(s) for s in seconds] == expected
    assert [format_duration(s) for s in seconds] == expected


@run_async
async def test_long_section_titles_are_cut_to_the_agenda_column(workspace, clock):
    path = workspace.agendas_dir / "long.yaml"
    path.write_text(SHELL_AGENDA.replace("title: Numbers", "title: " + "Campaign results " * 4),
                    encoding="utf-8")
    app = _app(workspace, path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        prompt = app.screen.query_one("#agenda").prompt(1)
        first_line = prompt.plain.splitlines()[0]
        # The column is 24 wide; the list's content area 22: "  2. " + title + "…" fits in it.
        assert first_line.endswith("…") and len(first_line) <= 22


@run_async
async def test_an_overrun_in_the_agenda_takes_the_new_theme_colour(workspace, agenda_path,
                                                                    clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        clock.advance(6 * 60)  # Opening has 5 minutes
        await pilot.press("right_square_bracket")
        await pilot.pause()

        def over_colour() -> str:
            prompt = app.screen.query_one("#agenda").prompt(0)
            start = prompt.plain.index("over") - len("6:00 / 5:00 ")
            return next(str(span.style) for span in prompt.spans if span.start == start)

        before = over_colour()
        assert before == f"bold {app.current_theme.error}"
        app.theme = "nord"  # its error colour (#BF616A) is not the default theme's
        await pilot.pause()
        assert over_colour() == f"bold {app.current_theme.error}" != before


@run_async
async def test_markup_in_agenda_titles_is_shown_as_written(workspace, clock):
    path = workspace.agendas_dir / "marked.yaml"
    path.write_text(SHELL_AGENDA.replace("title: Opening", "title: '[red]Open[/red] [b]'"),
                    encoding="utf-8")
    app = _app(workspace, path, clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("n", *"x", "enter")
        await pilot.pause()
        agenda_text = app.screen.query_one("#agenda").prompt(0).plain
        assert "[red]Open[/red]" in agenda_text
        assert [n.message for n in app._notifications] == [
            "Note added to [red]Open[/red] [b]"]
        assert [n.markup for n in app._notifications] == [False]


@run_async
async def test_running_over_a_timebox_warns_once(workspace, agenda_path, clock):
    app = _app(workspace, agenda_path, clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        clock.advance(301)             # Opening's box is 5:00
        app.screen._refresh_clock()
        app.screen._refresh_clock()    # a second tick does not repeat it
        clock.advance(20 * 60)         # and now the whole 20-minute meeting is over
        app.screen._refresh_clock()
        await pilot.pause()
        assert [(n.message, n.severity) for n in app._notifications] == [
            ("Opening is over its 5:00 timebox", "warning"),
            ("The meeting is over its planned 20 minutes", "warning")]
        assert app.screen.session.is_overrun(0)


def test_the_garbage_collector_runs_again_once_the_first_screen_is_up(workspace, agenda_path,
                                                                      clock):
    # `smarketing run` holds the collector while the app loads (meeting_cmds); the app must
    # turn it back on, or a meeting of an hour would never collect its cycles.
    import asyncio
    import gc

    async def run():
        app = _app(workspace, agenda_path, clock)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            return gc.isenabled()

    gc.disable()
    try:
        assert asyncio.run(run()) is True
    finally:
        gc.enable()
