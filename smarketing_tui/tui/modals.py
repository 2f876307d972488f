"""The meeting screen's modals, each typed by its result; escape cancels every one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static

from smarketing_tui.timeutil import format_date, parse_due_date
from smarketing_tui.vocabulary import symbol_legend



_R = TypeVar("_R")


def field(label: str, widget) -> Horizontal:
    """One form row: a short label left of a compact (one-line) input."""
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


def move_on_or_submit(screen, submit) -> None:
    """Enter in a dialog's field: from the last of its Inputs ``submit()``, from an earlier
    one the focus moves to the next widget (at once: later keys go there)."""
    inputs = list(screen.query(Input))
    if inputs and screen.focused is inputs[-1]:
        submit()
    else:
        screen.focus_next()


class _Dialog(ModalScreen[_R], Generic[_R]):
    """Common frame: a title, fields, OK/Cancel; escape cancels, ctrl+s submits."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "submit", "Save", id="dialog.save", tooltip="Save and close"),
        # A priority binding runs as the app takes the key, before the keys after it are
        # handed to the focused field: Enter in an Input's own handler (Input.Submitted)
        # moved the focus only after a fast typist's or a paste's next keys had gone to
        # the field it left ("Abc⏎Siri" all in What).
        Binding("enter", "next_field", "Next field", show=False, priority=True,
                id="dialog.next"),
    ]

    def __init__(self, title: str, *, hint: str = "", ok_label: str = "Save") -> None:
        super().__init__(classes="dialog")
        self.dialog_title = title
        self.hint = hint
        self.ok_label = ok_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.dialog_title), classes="dialog-title")
            yield from self.compose_fields()
            yield Static("", classes="dialog-error")
            if self.hint:
                yield Static(Text(self.hint), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel (esc)", id="cancel", compact=True)
                yield Button(self.ok_label, id="ok", variant="primary", compact=True)

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def show_error(self, message: str, field_id: str | None = None) -> None:
        """Say what is wrong, keeping what was typed; ``field_id`` (``"#due"``) gets the
        focus, so the fix can be typed at once."""
        self.query_one(".dialog-error", Static).update(Text(message))
        if field_id is not None:
            self.query_one(field_id, Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        """Validate and dismiss with the result (subclasses)."""

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#ok")
    def _ok_pressed(self) -> None:
        self.action_submit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":  # Enter on a button presses it, as usual
            return isinstance(self.focused, Input) and self.focused.screen is self
        return True

    def action_next_field(self) -> None:
        """Enter in the last field saves; in earlier fields it moves on."""
        move_on_or_submit(self, self.action_submit)


class TextDialog(_Dialog["str | None"]):
    """One line of text: a decision, a note. Result: the text, or None when cancelled."""

    def __init__(self, title: str, *, placeholder: str = "", value: str = "",
                 hint: str = "Enter saves · Esc cancels") -> None:
        super().__init__(title, hint=hint)
        self.placeholder = placeholder
        self.value = value

    def compose_fields(self) -> ComposeResult:
        yield field("Text", Input(self.value, placeholder=self.placeholder, id="text",
                                  compact=True))

    def action_submit(self) -> None:
        text = self.query_one("#text", Input).value.strip()
        if not text:
            self.show_error("Type some text first (Esc cancels).")
            return
        self.dismiss(text)


@dataclass(frozen=True)
class ActionDraft:
    text: str
    owner: str
    due: date


class ActionItemDialog(_Dialog["ActionDraft | None"]):
    """Text, owner (completed from the people in smarketing.yaml) and due date."""

    def __init__(self, people: list[str], today: date, *, title: str = "New action item",
                 text: str = "") -> None:
        super().__init__(title, hint="→ completes the owner · due as 14.12.2026, 2026-12-14 or "
                         "+7 (days) · Enter saves · Esc cancels")
        self.people = people
        self.today = today
        self.text = text

    def compose_fields(self) -> ComposeResult:
        yield field("What", Input(self.text, placeholder="What will be done", id="text",
                                  compact=True))
        yield field("Owner", Input(
            placeholder=", ".join(self.people[:3]) + ("…" if len(self.people) > 3 else ""),
            id="owner", suggester=SuggestFromList(self.people, case_sensitive=False),
            compact=True))
        yield field("Due", Input(format_date(self.today + timedelta(days=7)), id="due",
                                 compact=True))

    def _owner(self, typed: str) -> str | None:
        """The person ``typed`` means: one lookup everywhere (people.find_name)."""
        from smarketing_tui.people import find_name

        return find_name(typed, self.people)

    def action_submit(self) -> None:
        text = self.query_one("#text", Input).value.strip()
        if not text:
            self.show_error("Say what will be done.", "#text")
            return
        typed = self.query_one("#owner", Input).value
        owner = self._owner(typed)
        if owner is None:
            from smarketing_tui.people import as_people, why_not

            what = why_not(typed, as_people(self.people)) if typed.strip() else "Pick an owner"
            self.show_error(f"{what[:1].upper()}{what[1:]}; people: {', '.join(self.people)}",
                            "#owner")
            return
        try:
            due = parse_due_date(self.query_one("#due", Input).value, self.today)
        except ValueError as error:
            self.show_error(str(error), "#due")
            return
        self.dismiss(ActionDraft(text, owner, due))


@dataclass(frozen=True)
class IssueDraft:
    title: str
    detail: str | None
    team: str | None
    raised_by: str | None = None  # a name of the people list, or None when not given


class IssueDialog(_Dialog["IssueDraft | None"]):
    """Raise an issue: a title (prefilled when it comes from somewhere, e.g. a scorecard
    line), optional detail, who raises it (completed from the people) and whose issue it is."""

    def __init__(self, *, title: str = "", team: str | None = None,
                 people: list[str] | None = None, heading: str = "Raise an issue") -> None:
        super().__init__(heading, hint="Enter moves on, and saves from the last field · "
                         "→ completes a name · Esc cancels")
        self.initial_title = title
        self.team = team
        self.people = people  # None: no 'Raised by' field (prep: the one prepping raises it)

    def compose_fields(self) -> ComposeResult:
        yield field("Issue", Input(self.initial_title, placeholder="What is in the way",
                                   id="title", compact=True))
        yield field("Detail", Input(placeholder="Numbers, examples (optional)", id="detail",
                                    compact=True))
        if self.people is not None:
            yield field("By", Input(
                placeholder="who raises it (optional)", id="raised-by",
                suggester=SuggestFromList(self.people, case_sensitive=False), compact=True))
        yield field("Team", Select([("Both teams", "both"), ("Marketing", "marketing"),
                                    ("Sales", "sales")], value=self.team or "both",
                                   allow_blank=False, id="team", compact=True))

    def action_submit(self) -> None:
        from smarketing_tui.people import as_people, find_name, why_not

        title = self.query_one("#title", Input).value.strip()
        if not title:
            self.show_error("Name the issue first.", "#title")
            return
        detail = self.query_one("#detail", Input).value.strip() or None
        typed = self.query_one("#raised-by", Input).value.strip() if self.people is not None \
            else ""
        raised_by = find_name(typed, self.people) if typed else None
        if typed and raised_by is None:
            what = why_not(typed, as_people(self.people))
            self.show_error(f"{what[:1].upper()}{what[1:]}; people: {', '.join(self.people)}",
                            "#raised-by")
            return
        team = self.query_one("#team", Select).value
        whose = None if team in ("both", Select.NULL) else str(team)
        self.dismiss(IssueDraft(title, detail, whose, raised_by))


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y or Enter says yes, n or escape says no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes",
                 no: str = "No") -> None:
        super().__init__(classes="dialog")
        self.question, self.detail, self.yes, self.no = question, detail, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.question), classes="dialog-title")
            if self.detail:
                yield Static(Text(self.detail))
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.no} (n)", id="no", compact=True)
                yield Button(f"{self.yes} (y)", id="yes", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ResumeDialog(ModalScreen[str]):
    """An unfinished meeting exists: 'resume' it, start a 'new' one, or 'quit'."""

    BINDINGS = [
        Binding("r", "choose('resume')", "Resume", id="resume.resume"),
        Binding("n", "choose('new')", "New meeting", id="resume.new"),
        Binding("escape,q", "choose('quit')", "Quit", id="resume.quit"),
    ]

    def __init__(self, description: str, warning: str = "") -> None:
        super().__init__(classes="dialog")
        self.description = description
        self.warning = warning

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("An unfinished meeting is waiting", classes="dialog-title")
            yield Static(Text(self.description))
            if self.warning:
                yield Static(Text(self.warning), classes="dialog-error")
            yield Static(Text("Resume it where it was (every section's time kept), or start a new "
                              "meeting? The unfinished one stays in the store either way."),
                         classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Quit (esc)", id="quit", compact=True)
                yield Button("New meeting (n)", id="new", compact=True)
                yield Button("Resume (r)", id="resume", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id))


def binding_rows(node) -> list[tuple[str, str, str]]:
    """(keys, description, tooltip) of each key a node binds itself, for the help screen:
    one row per binding id, its keys joined ("n/escape"); Textual's own keys left out."""
    rows: dict[str, tuple[str, str, str]] = {}
    for _key, binding in node._bindings:  # noqa: SLF001 - the resolved keys, with keymaps
        if binding.system or binding.id is None:  # Textual's own (tab, copy) are elsewhere
            continue
        key = binding.key_display or node.app.get_key_display(binding)
        name = binding.id or binding.action
        if name in rows:  # one binding on several keys: "n,escape"
            old = rows[name]
            rows[name] = (f"{old[0]}/{key}", old[1], old[2])
        else:
            rows[name] = (key, binding.description or binding.action, binding.tooltip)
    return list(rows.values())


class HelpScreen(ModalScreen[None]):
    """Every key of a screen (and of the meeting's current section), from the bindings, and
    what every symbol on the screens means (:func:`vocabulary.symbol_legend`)."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, title: str, intro: str, groups: list[tuple[str, list[tuple[str, str, str]]]],
                 symbols: list[tuple[str, str]] | None = None) -> None:
        super().__init__(classes="dialog")
        self.help_title, self.intro, self.groups = title, intro, groups
        self.symbols = symbol_legend() if symbols is None else symbols

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box help-box"):
            yield Label(Text(self.help_title), classes="dialog-title")
            with VerticalScroll():
                yield Static(Text(self.intro), classes="dialog-hint")
                for heading, rows in self.groups:
                    if not rows:
                        continue
                    yield Static(Text(f"\n{heading}", style="bold"))
                    yield Static(self._key_table(rows))
                if self.symbols:
                    yield Static(Text("\nWhat the symbols mean", style="bold"))
                    yield Static(self._key_table([(mark, meaning, "")
                                                  for mark, meaning in self.symbols]))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close (esc)", id="close", variant="primary", compact=True)

    @staticmethod
    def _key_table(rows: list[tuple[str, str, str]]) -> Table:
        """Keys in one column, what they do in the next: a long line wraps under its own
        words, not under the keys."""
        table = Table.grid(padding=(0, 2), pad_edge=True)
        table.add_column(style="bold", no_wrap=True, min_width=10)
        table.add_column(ratio=1)
        for key, description, tooltip in rows:
            words = Text(description)
            if tooltip and tooltip != description:
                words.append(f" — {tooltip}", style="dim")
            table.add_row(Text(key), words)
        return table

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
