"""The key bar: which keys fit on the line, and clicking a key presses it."""

from __future__ import annotations

import textwrap

import pytest

from smarketing_tui.tui.app import SmarketingApp
from smarketing_tui.tui.keybar import KeyBar, ShownKey
from smarketing_tui.tui.meeting_screen import MeetingScreen
from smarketing_tui.tui.modals import HelpScreen

from meeting_fixtures import FakeClock, run_async


def _key(display: str, description: str, action: str | None = None) -> ShownKey:
    return ShownKey(display, display, description, action or description.lower(), True, "")


NEXT, PREV, NOTE = _key("]", "Next"), _key("[", "Prev"), _key("n", "Note")  # 6, 6, 6 columns
HELP = _key("?", "Help", "help")                                            # 6 columns


def test_a_key_is_as_wide_as_its_key_a_space_and_its_description():
    assert [k.width for k in (NEXT, _key("space", "Pause"), _key("⏎", "Open"))] == [6, 11, 6]


def test_everything_shows_when_it_fits():
    # 4 keys of 6 columns, each followed by a 1-column gap: 28 columns.
    assert KeyBar.fit([NEXT, PREV, NOTE, HELP], 28) == [NEXT, PREV, NOTE, HELP]


def test_keys_that_do_not_fit_go_whole_and_help_stays():
    # 27 columns: not all four (28). Help is kept (7), then ] (14) and [ (21); n would
    # make 28.
    assert KeyBar.fit([NEXT, PREV, NOTE, HELP], 27) == [NEXT, PREV, HELP]
    # Help kept even when it was listed first.
    assert KeyBar.fit([HELP, NEXT, PREV, NOTE], 20) == [NEXT, HELP]


def test_without_a_help_key_the_first_keys_that_fit_are_shown():
    assert KeyBar.fit([NEXT, PREV, NOTE], 15) == [NEXT, PREV]
    assert KeyBar.fit([NEXT, PREV, NOTE], 5) == []


def test_too_narrow_for_even_help_shows_nothing_rather_than_half_a_key():
    assert KeyBar.fit([NEXT, HELP], 6) == []


def test_when_help_itself_does_not_fit_the_keys_that_do_are_shown():
    wide_help = _key("?", "Every key of this screen", "help")  # 26 columns
    assert KeyBar.fit([_key("]", "N"), wide_help], 10) == [_key("]", "N")]  # "] N" + gap


AGENDA = textwrap.dedent("""\
    title: Key bar test
    cadence: weekly
    minutes: 10
    sections:
      - title: One
        type: discussion
        minutes: 5
      - title: Two
        type: discussion
        minutes: 5
    """)


@pytest.fixture
def app(workspace):
    path = workspace.agendas_dir / "keybar.yaml"
    path.write_text(AGENDA, encoding="utf-8")
    return SmarketingApp(workspace, agenda_path=path, clock=FakeClock("2026-11-23T08:00:00Z"))


@run_async
async def test_at_80_columns_the_keys_come_before_the_palette_label(app):
    # The meeting's keys: ] Next, [ Prev, d Decision, a Action, n Note, i Issue, space Pause,
    # q Leave, ? Help: 6+6+10+8+6+7+11+7+6 = 67, + 9 gaps = 76 columns. With the palette's
    # "▏^p palette " (12) they would need 88 of 80, so its label goes and every key stays.
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        assert [k.display for k in bar.drawn] == ["]", "[", "d", "a", "n", "i", "space", "q",
                                                  "?"]
        assert app.screen.get_widget_at(0, 23)[0] is bar


@run_async
async def test_at_120_columns_the_palette_label_stays(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one(KeyBar).drawn[-1].display == "^p"


@run_async
async def test_clicking_a_key_presses_it(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert await pilot.click(KeyBar, offset=(2, 0))  # on "] Next"
        await pilot.pause()
        assert app.screen.session.current == 1
        bar = app.screen.query_one(KeyBar)
        help_at = next(start for start, _end, key in bar._placed if key.action == "help")
        assert await pilot.click(KeyBar, offset=(help_at, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


@run_async
async def test_a_click_between_keys_does_nothing(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert await pilot.click(KeyBar, offset=(6, 0))  # the gap after "] Next"
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and app.screen.session.current == 0


@run_async
async def test_hovering_a_key_highlights_it_and_shows_its_tooltip(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        assert await pilot.hover(KeyBar, offset=(8, 0))  # on "[ Prev" (columns 7-12)
        await pilot.pause()
        assert bar._hover.action == "previous_section"
        assert bar.tooltip == "Go back to the previous agenda section"
        hover = bar.get_component_rich_style("keybar--hover")
        lit = {column for span in bar.render().spans if span.style == hover
               for column in range(span.start, span.end)}
        assert lit == set(range(7, 13))  # "[ Prev", and nothing else
        assert await pilot.hover(KeyBar, offset=(6, 0))  # the gap between the two
        await pilot.pause()
        assert bar._hover is None and bar.tooltip is None
