"""Action review: the action items due since the last meeting: done, carried over or dropped."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from smarketing_tui import records
from smarketing_tui.errors import UserError
from smarketing_tui.records import ActionItem
from smarketing_tui.timeutil import format_datetime
from smarketing_tui.vocabulary import carried_mark
from smarketing_tui.tui.messages import SectionDataChanged
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.common import (SectionHeader, clean, follow_theme, forward_focus,
                                                highlighted_key, keep_cursor, key_hint, local_today,
                                                one_line, safe, short_date, show_key_line,
                                                table_room, theme_color, width_changed)
from smarketing_tui.tui.sections.dialogs import DatePrompt
from smarketing_tui.tui.sections.talking_points import PrepPoints
from smarketing_tui.tui.tablefit import Column, fill_table

HISTORY_WORDS = {"done": "done", "carried": "carried over", "dropped": "dropped",
                 "comment": "comment", "reopened": "reopened"}


def review_state(item: ActionItem, carried_now: dict[int, str], today: date) -> str:
    """What happened to an item in this meeting: done | dropped | carried | overdue | open."""
    if item.status in ("done", "dropped"):
        return item.status
    if item.id in carried_now:
        return "carried"
    return "overdue" if item.is_overdue(today) else "open"


class ActionReviewView(SectionView):
    """Each item: ``x`` done, ``c`` carried over to a new date, ``D`` dropped, ``u`` undo."""

    SECTION_TYPE = "action_review"
    # The text gives way first; when it would get less than 30 cells the prep comment goes
    # (the detail below shows it), then the carried count.
    COLUMNS = [Column("Status", "status"), Column("Action item", "text", 30),
               Column("Owner", "owner", 12), Column("Due", "due"),
               Column("Carried", "carried", drop=1),
               Column("Prep comment", "comment", 16, drop=2)]
    DEFAULT_CSS = """
    ActionReviewView { height: 1fr; }
    ActionReviewView DataTable { height: 1fr; min-height: 4; }
    ActionReviewView #action-detail {
        height: 1fr;
        min-height: 6;
        border-top: solid $primary 30%;
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("x", "mark_done", "Done", id="action_review.done",
                tooltip="The highlighted action item is done"),
        Binding("c", "carry_over", "Carry over", id="action_review.carry",
                tooltip="Not done: keep it open with a new due date"),
        Binding("D", "drop", "Drop", id="action_review.drop",
                tooltip="No longer worth doing: drop it (it stays in the history)"),
        Binding("u", "undo", "Undo", id="action_review.undo",
                tooltip="Reopen an item marked done or dropped by mistake"),
    ]

    def compose(self) -> ComposeResult:
        yield SectionHeader(id="action-summary")
        yield PrepPoints(self.context, classes="prep-points")
        yield SectionHeader(key_hint(("x", "done"), ("c", "carry over"), ("D", "drop"),
                                     ("u", "undo")), id="action-keys", classes="keys")
        table: DataTable = DataTable(cursor_type="row", zebra_stripes=True, id="action-table")
        yield table
        with VerticalScroll(id="action-detail"):
            yield Static(id="action-detail-text")

    def on_focus(self) -> None:
        forward_focus(self)

    def on_mount(self) -> None:
        self._items: dict[str, ActionItem] = {}
        self._carried_now: dict[int, str] = {}
        self.reload()
        follow_theme(self, self.reload)
        self.query_one(DataTable).focus()

    @property
    def _conn(self):
        return self.context.session.conn

    @property
    def _today(self) -> date:
        return local_today(self.context.settings)

    def reload(self) -> None:
        session = self.context.session
        items = records.due_for_review(self._conn, session.previous_meeting_started_at(),
                                       self._today)
        # Items carried over in an earlier meeting but created here are not for review.
        items = [i for i in items if i.meeting_id != session.meeting_id]
        self._carried_now = dict(self._conn.execute(
            "SELECT action_item_id, new_due FROM action_item_updates WHERE meeting_id = ? "
            "AND kind = 'carried' ORDER BY at, id", (session.meeting_id,)).fetchall())
        # Items this meeting already handled stay listed (e.g. carried past today, or closed
        # when there was no earlier meeting to count from).
        listed = {i.id for i in items}
        touched = [r[0] for r in self._conn.execute(
            "SELECT DISTINCT action_item_id FROM action_item_updates WHERE meeting_id = ?",
            (session.meeting_id,))]
        extra = [records.get_action_item(self._conn, item_id) for item_id in touched
                 if item_id not in listed]
        # Ordered by the first due date, so rows do not jump when one is carried over.
        items = sorted(items + extra, key=lambda i: (i.original_due or "9999", i.id))
        self._items = {str(item.id): item for item in items}
        table = self.query_one(DataTable)
        current = highlighted_key(table)
        rows = [(str(item.id), [
            self._status_cell(item), safe(one_line(item.text)), safe(one_line(item.owner or "–")),
            Text(short_date(item.due)),
            Text(carried_mark(item.carried_over),
                 style="bold" if item.carried_over >= 2 else ""),
            safe(one_line(item.comment or ""), style="italic")]) for item in items]
        columns = self.COLUMNS if any(item.comment for item in items) else self.COLUMNS[:-1]
        fill_table(table, columns, rows, table_room(self, table))
        # As tall as its rows, so the detail follows right below (the table scrolls when
        # the rows do not fit, and the detail stays in view).
        table.styles.max_height = max(4, table.row_count + 1)
        keep_cursor(table, current)
        self._update_summary(items)
        self._show_detail()

    def on_resize(self) -> None:
        changed = width_changed(self)  # before show_key_line, which draws for the width
        show_key_line(self)
        if changed and getattr(self, "_items", None):
            self.reload()  # the text column follows the width

    def _status_cell(self, item: ActionItem) -> Text:
        state = review_state(item, self._carried_now, self._today)
        if state == "done":
            return Text("✓ done", style=theme_color(self.app, "success", "green"))
        if state == "dropped":
            return Text("✗ dropped", style="dim")
        if state == "carried":
            return Text(f"→ {short_date(self._carried_now[item.id])}",
                        style=theme_color(self.app, "warning", "yellow"))
        if state == "overdue":
            return Text("• overdue", style=f"bold {theme_color(self.app, 'error', 'red')}")
        return Text("• open")

    def _update_summary(self, items: list[ActionItem]) -> None:
        states = [review_state(i, self._carried_now, self._today) for i in items]
        text = Text()
        if not items:
            text.append("No action items were due since the last meeting.", style="bold")
        else:
            text.append(f"{len(items)} to review", style="bold")
            for state, label in (("done", "done"), ("carried", "carried over"),
                                 ("dropped", "dropped")):
                if states.count(state):
                    text.append(f" · {states.count(state)} {label}")
            left = states.count("open") + states.count("overdue")
            if left:
                text.append(f" · {left} still to decide", style="italic")
        self.query_one("#action-summary", SectionHeader).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        item = self._current()
        detail = self.query_one("#action-detail-text", Static)
        if item is None:
            detail.update("")
            return
        tz = self.context.settings.timezone
        text = Text()
        text.append(clean(item.text), style="bold")
        text.append(f"\nOwner {clean(item.owner or '–')} · due {short_date(item.due)}")
        if item.original_due and item.original_due != item.due:
            text.append(f" (first due {short_date(item.original_due)})")
        if item.section_title:
            text.append(f" · from '{clean(item.section_title)}'")
        if item.comment:
            text.append(f"\nPrep comment: {clean(item.comment)}", style="italic")
        for entry in records.action_history(self._conn, item.id):
            what = HISTORY_WORDS.get(entry["kind"], entry["kind"])
            line = f"\n{format_datetime(entry['at'], tz)}  {what}"
            if entry["kind"] == "carried":
                line += f" {short_date(entry['old_due'])} → {short_date(entry['new_due'])}"
            if entry["by"]:
                line += f" by {entry['by']}"
            if entry["comment"]:
                line += f": {entry['comment']}"
            text.append(clean(line), style="dim")
        detail.update(text)

    def _current(self) -> ActionItem | None:
        key = highlighted_key(self.query_one(DataTable))
        return self._items.get(key) if key else None

    def _apply(self, change) -> None:
        try:
            change()
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
        self.post_message(SectionDataChanged())
        self.reload()

    def action_mark_done(self) -> None:
        item = self._current()
        if item is not None:
            self._apply(lambda: records.complete_action_item(
                self._conn, item.id, meeting_id=self.context.session.meeting_id))

    def action_drop(self) -> None:
        item = self._current()
        if item is not None:
            self._apply(lambda: records.drop_action_item(
                self._conn, item.id, meeting_id=self.context.session.meeting_id))

    def action_undo(self) -> None:
        item = self._current()
        if item is not None and item.status != "open":
            self._apply(lambda: records.reopen_action_item(
                self._conn, item.id, meeting_id=self.context.session.meeting_id))

    def action_carry_over(self) -> None:
        item = self._current()
        if item is None:
            return
        if item.status != "open":
            self.notify("Only open items are carried over; u reopens it first.", markup=False)
            return
        today = self._today

        def carry(new_due: date | None) -> None:
            if new_due is not None:
                self._apply(lambda: records.carry_over_action_item(
                    self._conn, item.id, new_due, meeting_id=self.context.session.meeting_id))

        self.app.push_screen(DatePrompt(
            "Carry over to a new due date", records.default_due(today), today,
            detail=f"{one_line(item.text, 60)} ({clean(item.owner or 'no owner')}, "
                   f"due {short_date(item.due)})"), carry)

    def decision_context(self) -> dict | None:
        item = self._current()
        if item is None:
            return None
        return {"section": "action_review", "action_item": item.id, "text": item.text,
                "owner": item.owner, "due": item.due, "carried_over": item.carried_over}
