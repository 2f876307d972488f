"""The agenda column on its own: keys, clicks, scrolling and what each entry shows."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from smarketing_tui.tui.agenda_column import AgendaColumn

from meeting_fixtures import run_async


def _entry(number: int) -> Text:
    return Text(f"{number}. Section {number}\n    0:00 / 5:00")


class Host(App):
    """Fifteen two-line entries (30 lines) in a column 12 rows high."""

    CSS = "AgendaColumn { width: 30; height: 12; }"

    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[int] = []

    def compose(self) -> ComposeResult:
        yield AgendaColumn(id="agenda")

    def on_mount(self) -> None:
        self.query_one(AgendaColumn).set_prompts([_entry(n) for n in range(1, 16)])

    def on_agenda_column_selected(self, event: AgendaColumn.Selected) -> None:
        self.chosen.append(event.position)


@run_async
async def test_keys_move_the_highlight_and_enter_chooses():
    app = Host()
    async with app.run_test(size=(40, 14)) as pilot:
        agenda = app.query_one(AgendaColumn)
        agenda.focus()
        await pilot.press("down", "down", "up", "enter")
        await pilot.press("end", "enter", "home", "up", "enter")
        await pilot.pause()
        # down, down, up: section 1 (from 0); end: the last (14); home, up: stays at 0.
        assert app.chosen == [1, 14, 0]


@run_async
async def test_a_click_chooses_the_section_under_it_both_lines_count():
    app = Host()
    async with app.run_test(size=(40, 14)) as pilot:
        await pilot.click(AgendaColumn, offset=(3, 4))  # line 4: the first line of section 2
        await pilot.click(AgendaColumn, offset=(3, 7))  # line 7: the second line of section 3
        await pilot.pause()
        assert app.chosen == [2, 3]


@run_async
async def test_the_highlighted_section_is_scrolled_into_view():
    app = Host()
    async with app.run_test(size=(40, 14)) as pilot:
        agenda = app.query_one(AgendaColumn)
        agenda.highlighted = 10  # lines 20-21 of 30; 12 rows show, so it scrolls
        await pilot.pause()
        top = agenda.scroll_offset.y
        assert top <= 20 and 21 < top + 12
        # A click now lands on what is drawn there: row 0 is list line `top`.
        await pilot.click(AgendaColumn, offset=(3, 0))
        await pilot.pause()
        assert app.chosen == [top // 2]


@run_async
async def test_each_entry_draws_its_own_lines_and_a_new_prompt_replaces_one():
    app = Host()
    async with app.run_test(size=(40, 14)) as pilot:
        agenda = app.query_one(AgendaColumn)
        agenda.update_prompt(1, Text("2. Renamed\n    1:30 / 5:00"))
        await pilot.pause()
        rows = [agenda.render_line(y).text.rstrip() for y in range(4)]
        assert rows == ["1. Section 1", "    0:00 / 5:00", "2. Renamed", "    1:30 / 5:00"]
        assert agenda.prompt(1).plain == "2. Renamed\n    1:30 / 5:00"


@run_async
async def test_markup_in_an_entry_is_drawn_as_written():
    app = Host()
    async with app.run_test(size=(40, 14)) as pilot:
        agenda = app.query_one(AgendaColumn)
        agenda.update_prompt(0, Text("1. [red]Open[/red]\n    0:00 / 5:00"))
        await pilot.pause()
        assert agenda.render_line(0).text.rstrip() == "1. [red]Open[/red]"
