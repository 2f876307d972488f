"""Small modals the section views use: a line of text, a date, a yes/no question, a table."""

from __future__ import annotations

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


class TableModal(ModalScreen[None]):
    """A read-only table (e.g. the leads behind a scorecard line); Escape closes."""

    DEFAULT_CSS = MODAL_CSS.format(name="TableModal") + """
    TableModal > Vertical {
        width: 110;
    }
    TableModal DataTable {
        height: auto;
        max-height: 24;
    }
    """
    BINDINGS = [Binding("escape,q,enter", "close", "Close", id="dialog.close")]

    def __init__(self, title: str, columns: Sequence[str], rows: Iterable[Sequence[object]], *,
                 summary: str = "", empty: str = "Nothing to show.") -> None:
        super().__init__()
        self.title_text = title
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]
        self.summary = summary
        self.empty = empty

    WIDTH = 110  # the box, border and padding included (at most 95 % of the screen)

    def compose(self) -> ComposeResult:
        from smarketing_tui.tui.sections.common import safe

        with Vertical():
            yield Label(Text(self.title_text), classes="title")
            if self.summary:
                yield Static(Text(self.summary))
            if self.rows:
                table: DataTable = DataTable(cursor_type="row", zebra_stripes=True)
                self._fill(table, [[cell if isinstance(cell, Text) else safe(cell)
                                    for cell in row] for row in self.rows])
                yield table
            else:
                yield Static(Text(self.empty), classes="hint")
            yield Static("Escape closes", classes="hint")

    def _fill(self, table: DataTable, rows: list[list[Text]]) -> None:
        """The columns fitted into the box, and the table short enough to leave the hint
        in view. A column with letters in it (names, reasons) gives way with '…', to 8
        cells at the least (narrower the table scrolls sideways with ←/→); numbers, dates
        and ids (no letters, or set flush right) are never cut."""
        from smarketing_tui.tui.tablefit import Column, fill_table

        def is_text(index: int) -> bool:
            cells = [row[index] for row in rows if index < len(row)]
            return any(cell.justify != "right" and any(ch.isalpha() for ch in cell.plain)
                       for cell in cells)

        screen_width, screen_height = self.app.size
        box = min(self.WIDTH, screen_width * 95 // 100)
        room = box - 2 - 4 - table.styles.scrollbar_size_vertical  # border, padding
        columns = [Column(heading, f"c{index}", 8 if is_text(index) else None)
                   for index, heading in enumerate(self.columns)]
        fill_table(table, columns, [(f"r{index}", row) for index, row in enumerate(rows)],
                   room, squeeze=False)
        # 95 % of the screen less border, padding, title (and its margin), summary, hint.
        around = 2 + 2 + 2 + (1 if self.summary else 0) + 1
        table.styles.max_height = max(3, min(24, screen_height * 95 // 100 - around))

    def action_close(self) -> None:
        self.dismiss(None)
