"""Small modals the section views use: a line of text, a date, a yes/no question, a table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from smarketing_tui.timeutil import format_date, parse_due_date


# The same frame as the meeting screen's own dialogs (app.tcss, .dialog-box).
MODAL_CSS = """
    {name} {{
        align: center middle;
        background: $background 60%;
    }}
    {name} > Vertical {{
        width: 72;
        max-width: 95%;
        height: auto;
        max-height: 95%;
        border: thick $primary 70%;
        background: $surface;
        padding: 1 2;
    }}
    {name} .title {{
        text-style: bold;
        color: $primary;
        margin-bottom: 1;
    }}
    {name} .error {{
        color: $error;
        height: auto;
    }}
    {name} .hint {{
        color: $text-muted;
    }}
    {name} Horizontal {{
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }}
    {name} Button {{
        margin-left: 1;
    }}
"""


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; Enter saves, Escape cancels (returns None)."""

    DEFAULT_CSS = MODAL_CSS.format(name="TextPrompt")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, *, value: str = "", placeholder: str = "",
                 allow_empty: bool = False, hint: str = "Enter saves · Escape cancels") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.allow_empty = allow_empty
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input", compact=True)
            yield Static("", classes="error", id="prompt-error")
            yield Static(Text(self.hint), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text and not self.allow_empty:
            self.query_one("#prompt-error", Static).update("Type something, or Escape to cancel.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DatePrompt(ModalScreen[date | None]):
    """Ask for a date, prefilled (e.g. a week ahead); accepts dd.mm.yyyy, ISO or +N."""

    DEFAULT_CSS = MODAL_CSS.format(name="DatePrompt")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, default: date, today: date, *, detail: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.today = today
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="title")
            if self.detail:
                yield Static(Text(self.detail))
            yield Input(format_date(self.default), id="date-input", compact=True)
            yield Static("", classes="error", id="date-error")
            yield Static("dd.mm.yyyy, yyyy-mm-dd, +7 (days) or +2w · Enter saves · "
                         "Escape cancels",
                         classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            chosen = parse_due_date(event.value, self.today)
        except ValueError as error:
            self.query_one("#date-error", Static).update(Text(str(error)))
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """A yes/no question: y or Enter on Yes confirms, n or Escape declines."""

    DEFAULT_CSS = MODAL_CSS.format(name="Confirm")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "No", id="dialog.no"),
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes",
                 no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question), classes="title")
            if self.detail:
                yield Static(Text(self.detail))
            with Horizontal():
                yield Button(f"{self.no} (n)", id="no", compact=True)
                yield Button(f"{self.yes} (y)", id="yes", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


@dataclass
class TableSection:
    """A second table under a :class:`TableModal`'s own, with a line of its own above it
    (e.g. the leads the SLA's exclude rules left out). ``whole`` are the indexes of columns
    never cut (the reason a lead is listed); ``drop`` those that may be left out when there
    is no room, the first given going first."""

    summary: str
    columns: Sequence[str]
    rows: list[list[object]]
    whole: tuple[int, ...] = ()
    drop: tuple[int, ...] = ()


class TableModal(ModalScreen[None]):
    """A read-only table (e.g. the leads behind a scorecard line), and optionally a second
    one below it (the excluded leads); Escape closes. ``drop`` are the indexes of the
    table's columns that may be left out when there is no room, the first given going
    first; ``text_minimum`` how narrow a text column may get before they are. Both tables
    are fitted again when the terminal is resized."""

    DEFAULT_CSS = MODAL_CSS.format(name="TableModal") + """
    TableModal > Vertical {
        width: 110;
    }
    TableModal DataTable {
        height: auto;
        max-height: 24;
    }
    TableModal .section-summary {
        margin-top: 1;
    }
    """
    BINDINGS = [Binding("escape,q,enter", "close", "Close", id="dialog.close")]

    def __init__(self, title: str, columns: Sequence[str], rows: Iterable[Sequence[object]], *,
                 summary: str = "", empty: str = "Nothing to show.",
                 more: TableSection | None = None, drop: tuple[int, ...] = (),
                 text_minimum: int = 8, minimums: dict[int, int] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]
        self.summary = summary
        self.empty = empty
        self.more = more
        self.drop = drop
        self.text_minimum = text_minimum
        self.minimums = dict(minimums or {})  # column index -> its own text minimum
        self._fitted_size = None

    WIDTH = 110  # the box, border and padding included (at most 95 % of the screen)

    def compose(self) -> ComposeResult:
        from smarketing_tui.tui.sections.common import safe

        def cells(rows: list[list[object]]) -> list[list[Text]]:
            return [[cell if isinstance(cell, Text) else safe(cell) for cell in row]
                    for row in rows]

        more = self.more if self.more is not None and self.more.rows else None
        self._cells = cells(self.rows)
        self._more_cells = cells(more.rows) if more is not None else []
        with Vertical():
            yield Label(Text(self.title_text), classes="title")
            if self.summary:
                yield Static(Text(self.summary))
            if self.rows:
                yield DataTable(cursor_type="row", zebra_stripes=True, id="rows")
            else:
                yield Static(Text(self.empty), classes="hint")
            if more is not None:
                yield Static(Text(more.summary), classes="section-summary")
                yield DataTable(cursor_type="row", zebra_stripes=True, id="more-rows")
            yield Static("Escape closes", classes="hint")

    def on_mount(self) -> None:
        self._fit()  # before the first paint

    def on_resize(self) -> None:
        if self.app.size != self._fitted_size:
            self._fit()

    def _fit(self) -> None:
        """Both tables filled, fitted to the box at the terminal's size now."""
        self._fitted_size = self.app.size
        more = self.more if self.more is not None and self.more.rows else None
        heights = self._heights(len(self.rows), len(more.rows) if more else None)
        if self.rows:
            self._fill(self.query_one("#rows", DataTable), self.columns, self._cells,
                       heights[0], drop=self.drop, minimum=self.text_minimum,
                       minimums=self.minimums)
        if more is not None:
            self._fill(self.query_one("#more-rows", DataTable), list(more.columns),
                       self._more_cells, heights[1], whole=more.whole, drop=more.drop)

    def _heights(self, rows: int, more: int | None) -> tuple[int, int]:
        """The most lines each table may take (its header included), so that both fit the
        screen with the hint in view: 95 % of the screen less border, padding, title (and
        its margin), summaries (the second with its margin) and hint. The second table
        gets what it needs up to a third of the room, the first the rest; each at least 3."""
        _, screen_height = self.app.size
        around = 2 + 2 + 2 + (1 if self.summary else 0) + 1 + (0 if self.rows else 1)
        if more is None:
            return max(3, min(24, screen_height * 95 // 100 - around)), 0
        room = screen_height * 95 // 100 - around - 2  # the second summary and its margin
        second = max(3, min(more + 1, room // 3))
        first = max(3, min(24, room - second))
        return first, second

    def _fill(self, table: DataTable, headings: list[str], rows: list[list[Text]],
              height: int, *, whole: tuple[int, ...] = (), drop: tuple[int, ...] = (),
              minimum: int = 8, minimums: dict[int, int] | None = None) -> None:
        """The columns fitted into the box, and the table short enough to leave the hint
        in view. A column with letters in it (names, reasons) gives way with '…', to
        ``minimum`` cells at the least (narrower the table scrolls sideways with ←/→);
        numbers, dates and ids (no letters, or set flush right) and the ``whole`` columns are
        never cut;
        the ``drop`` columns are left out first when even that does not fit."""
        from smarketing_tui.tui.tablefit import Column, fill_table

        def is_text(index: int) -> bool:
            cells = [row[index] for row in rows if index < len(row)]
            return any(cell.justify != "right" and any(ch.isalpha() for ch in cell.plain)
                       for cell in cells)

        screen_width, _ = self.app.size
        box = min(self.WIDTH, screen_width * 95 // 100)
        room = box - 2 - 4 - table.styles.scrollbar_size_vertical  # border, padding
        minimums = minimums or {}
        columns = [Column(heading, f"c{index}",
                          minimums.get(index, minimum) if is_text(index) and index not in whole
                          else None,
                          drop=len(drop) - drop.index(index) if index in drop else 0)
                   for index, heading in enumerate(headings)]
        fill_table(table, columns, [(f"r{index}", row) for index, row in enumerate(rows)],
                   room, squeeze=False)
        table.styles.max_height = height

    def action_close(self) -> None:
        self.dismiss(None)
