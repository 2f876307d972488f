"""Correcting what a meeting recorded, from the section where it was recorded.

``e`` edits, ``X`` deletes (softly: the record leaves the lists and the minutes, a revision
keeps it) and ``U`` undoes the last delete. What can be corrected in a section: its
decisions, action items and notes, plus what its view offers (the highlighted issue,
talking point or check-in line, :meth:`SectionView.edit_targets`). With more than one, a
short list asks which. :class:`RecordsPanel` keeps the section's records in view below it.
Every write goes through :class:`~smarketing_tui.meeting.MeetingSession` (``edit``,
``delete``, ``restore``), so the facilitator is named in each revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from smarketing_tui.errors import UserError
from smarketing_tui.records import KIND_WORDS
from smarketing_tui.timeutil import format_date
from smarketing_tui.tui.modals import ActionItemDialog, TextDialog
from smarketing_tui.tui.sections.common import one_line

if TYPE_CHECKING:
    from smarketing_tui.meeting import MeetingSession

SYMBOLS = {"decision": "✓", "action_item": "→", "note": "✎", "issue": "!",
           "talking_point": "•", "checkin": "☺"}


@dataclass(frozen=True)
class EditTarget:
    """One record that can be corrected, and what its dialog starts from."""

    kind: str  # decision | action_item | note | issue | talking_point | checkin
    record_id: int  # a check-in line: the person's id
    text: str
    owner: str | None = None
    due: str | None = None  # local ISO date
    who: str | None = None  # a check-in line: whose
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``Decision #3: text`` / ``Action item #5: text — Kari, 14.12.2026``."""
        if self.kind == "checkin":
            return f"Check-in of {self.who}: {self.text}"
        words = KIND_WORDS[self.kind]
        text = f"{words[0].upper()}{words[1:]} #{self.record_id}: {self.text}"
        if self.kind == "action_item":
            due = format_date(date.fromisoformat(self.due)) if self.due else "no due date"
            text += f" — {self.owner or 'no owner'}, {due}"
        return text


def section_targets(session: MeetingSession, position: int | None = None) -> list[EditTarget]:
    """The decisions, action items and notes recorded in a section, newest first."""
    found = session.section_records(position)
    targets = [EditTarget("decision", d.id, d.text, extra={"at": d.created_at})
               for d in found["decisions"]]
    targets += [EditTarget("action_item", a.id, a.text, a.owner, a.due,
                           extra={"at": a.created_at}) for a in found["actions"]]
    targets += [EditTarget("note", n["id"], n["text"], extra={"at": n["created_at"]})
                for n in found["notes"]]
    return sorted(targets, key=lambda t: (t.extra.get("at", ""), t.record_id), reverse=True)


class PickRecord(ModalScreen["EditTarget | None"]):
    """Which record to edit or delete: a short list, Enter picks, Esc cancels."""

    DEFAULT_CSS = """
    PickRecord { align: center middle; background: $background 60%; }
    PickRecord > Vertical {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary 70%; background: $surface; padding: 0 1;
    }
    PickRecord .title { text-style: bold; }
    PickRecord OptionList { height: auto; max-height: 12; border: none; }
    PickRecord .hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, targets: list[EditTarget]) -> None:
        super().__init__()
        self.title_text = title
        self.targets = targets

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="title")
            yield OptionList(*[Option(Text(one_line(f"{SYMBOLS[t.kind]} {t.label}", 84)),
                                      id=str(index)) for index, t in enumerate(self.targets)])
            yield Static(Text("↑↓ choose · Enter picks · Esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.targets[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ActionEditDialog(ActionItemDialog):
    """The action item dialog, filled with the item as recorded."""

    def __init__(self, people: list[str], today: date, target: EditTarget) -> None:
        super().__init__(people, today, title=f"Correct action item #{target.record_id}",
                         text=target.text)
        self.target = target

    def on_mount(self) -> None:
        if self.target.owner:
            self.query_one("#owner", Input).value = self.target.owner
        due = self.query_one("#due", Input)
        due.value = format_date(date.fromisoformat(self.target.due)) if self.target.due else ""
        self.query_one("#text", Input).focus()


def edit_dialog(session: MeetingSession, target: EditTarget) -> ModalScreen:
    """The dialog that corrects ``target``, filled with what it says now."""
    if target.kind == "action_item":
        return ActionEditDialog(session.people_names(), session.today(), target)
    words = KIND_WORDS[target.kind]
    name = f" #{target.record_id}" if target.kind != "checkin" else f" of {target.who}"
    hint = "Enter saves · Esc cancels · the old words are kept"
    return TextDialog(f"Correct {words}{name}", value=target.text, hint=hint)


def apply_edit(session: MeetingSession, target: EditTarget, result) -> list[str]:
    """Write a dialog's result; returns the fields that changed."""
    if result is None:
        return []
    if target.kind == "action_item":
        return session.edit("action_item", target.record_id, text=result.text,
                            owner=result.owner, due=result.due)
    field_name = "title" if target.kind == "issue" else "text"
    return session.edit(target.kind, target.record_id, **{field_name: result})


@dataclass(frozen=True)
class Deleted:
    """What an undo needs: the record, and a check-in line's words."""

    target: EditTarget
    words: str | None


class RecordsPanel(Static):
    """What this section recorded (decisions, action items, notes), newest at the bottom,
    in a few lines below the section: the room sees what it agreed."""

    DEFAULT_CSS = """
    RecordsPanel {
        dock: bottom;
        height: auto;
        border-top: solid $primary 40%;
        padding: 0 0;
    }
    """

    def show(self, targets: list[EditTarget], width: int, height: int, amending: bool) -> None:
        """Draw ``targets`` (newest first) in at most ``height`` lines; hidden when empty."""
        if not targets or height < 2:
            self.display = False
            return
        self.display = True
        rows = max(1, height - 1)
        shown = list(reversed(targets[:rows]))
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("Recorded here", style="bold")
        more = len(targets) - len(shown)
        if more:
            text.append(f" (+{more} earlier)", style="dim")
        text.append(" · e edit · X delete · U undo" + (" · amending" if amending else ""),
                    style="dim")
        for target in shown:
            text.append("\n")
            text.append(f"{SYMBOLS[target.kind]} ", style="bold")
            label = target.label.split(": ", 1)[1] if ": " in target.label else target.label
            text.append(one_line(label, max(10, width - 3)))
        self.update(text)


def correction_error(error: Exception) -> str:
    """One line for a correction the store refused."""
    return str(error) if isinstance(error, UserError) else f"Could not save: {error}"
