"""Wrap-up: read back decisions and action items, each attendee's 1–10 rating, end the meeting."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from smarketing_tui import records
from smarketing_tui.errors import UserError
from smarketing_tui.timeutil import format_percent
from smarketing_tui.vocabulary import format_value
from smarketing_tui.tui.messages import (EndMeetingRequested, MeetingRecordsChanged,
                                         SectionDataChanged)
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.checkin import TEAM_ORDER
from smarketing_tui.tui.sections.common import (SectionHeader, clean, follow_theme, forward_focus,
                                                highlighted_key, keep_cursor, key_pairs, one_line,
                                                pack, safe, short_date, table_room, theme_color,
                                                view_width, width_changed)
from smarketing_tui.tui.sections.talking_points import PrepPoints
from smarketing_tui.tui.tablefit import Column, fill_table


def average_rating(ratings: list[int | None]) -> float | None:
    """Mean of the ratings given (None when nobody rated)."""
    given = [r for r in ratings if r is not None]
    return sum(given) / len(given) if given else None


class WrapupView(SectionView):
    """Ratings on the highlighted person (1–9, 0 = 10), the read-back, and ``E`` to end."""

    SECTION_TYPE = "wrapup"
    COLUMNS = [Column("Name", "name", minimum=8), Column("Team", "team", minimum=5),
               Column("Rating", "rating")]
    DEFAULT_CSS = """
    WrapupView { height: 1fr; }
    WrapupView #wrapup-ratings { height: auto; max-height: 45%; min-height: 4; }
    WrapupView #wrapup-readback {
        height: 1fr;
        border-top: solid $primary 30%;
        padding: 0 1;
    }
    """
    BINDINGS = [
        *[Binding(str(n), f"rate({n})", f"Rate {n}", show=False, id=f"wrapup.rate{n}")
          for n in range(1, 10)],
        Binding("0", "rate(10)", "Rate 10", show=False, id="wrapup.rate10"),
        Binding("x", "clear_rating", "Clear rating", show=False, id="wrapup.clear",
                tooltip="Remove the highlighted person's rating"),
        Binding("E", "end_meeting", "End meeting", id="wrapup.end",
                tooltip="End the meeting: the clock stops and the scorecard is frozen"),
    ]

    def compose(self) -> ComposeResult:
        yield SectionHeader(id="wrapup-summary")
        yield PrepPoints(self.context, classes="prep-points")
        yield SectionHeader(id="wrapup-keys")
        table: DataTable = DataTable(cursor_type="row", zebra_stripes=True, id="wrapup-ratings")
        yield table
        with VerticalScroll(id="wrapup-readback"):
            yield Static(id="wrapup-readback-text")

    def on_focus(self) -> None:
        forward_focus(self)

    def on_mount(self) -> None:
        self._people: dict[str, object] = {}
        self.reload()
        follow_theme(self, self.reload)
        self.query_one(DataTable).focus()

    @on(MeetingRecordsChanged)
    def _records_changed(self) -> None:
        self.reload()

    KEYS = (("1-9", "rate"), ("0", "rate 10"), ("x", "clear"), ("E", "end meeting"),
            ("M", "minutes"))

    def on_resize(self) -> None:
        if getattr(self, "_people", None) is not None and width_changed(self):
            self.reload()  # the summary and the key line break to the width

    def reload(self) -> None:
        # The rating keys are not in the footer: their line stays, broken between keys.
        self.query_one("#wrapup-keys", SectionHeader).update(
            pack(key_pairs(*self.KEYS), view_width(self) - 2))
        session = self.context.session
        rows = sorted(session.attendance(),
                      key=lambda r: (r.present is False, TEAM_ORDER.get(r.team, 9),
                                     r.name.casefold()))
        # Everyone marked present (or not marked at all) rates; people marked away are left out.
        rows = [r for r in rows if r.present is not False]
        self._people = {str(r.person_id): r for r in rows}
        table = self.query_one(DataTable)
        current = highlighted_key(table)
        cells = []
        for row in rows:
            rating = Text(f"{row.rating:>2} " + "■" * row.rating, style="bold") \
                if row.rating else Text("–", style="dim")
            cells.append((str(row.person_id), [safe(one_line(row.name)), Text(row.team),
                                               rating]))
        # Widths fixed when filled (tablefit), so a paint before DataTable measures the
        # cells (a terminal's, right after a resize) draws them whole.
        fill_table(table, self.COLUMNS, cells, table_room(self, table))
        keep_cursor(table, current)
        self._update_summary(rows)
        self._update_readback()

    def _update_summary(self, rows) -> None:
        settings = self.context.settings
        conn = self.context.session.conn
        rate = records.action_completion_rate(conn, tz=settings.timezone,
                                              goal=settings.action_completion_goal)
        average = average_rating([r.rating for r in rows])
        rated = sum(1 for r in rows if r.rating)
        rating = Text("Rating ", style="bold")
        rating.append(f"{format_value(average, 'count')} ({rated} of {len(rows)} rated)")
        done = Text("Action items done on time ", style="bold")
        if rate.rate is None:
            done.append("– (none due yet)")
        else:
            color = theme_color(self.app, "success" if rate.meets_goal else "error",
                                "green" if rate.meets_goal else "red")
            done.append(f"{format_percent(rate.rate)}", style=f"bold {color}")
            done.append(f" ({rate.done_on_time} of {rate.total}), goal "
                        f"{format_percent(rate.goal)}")
        self.query_one("#wrapup-summary", SectionHeader).update(
            pack([rating, done], view_width(self) - 2))

    def _update_readback(self) -> None:
        session = self.context.session
        conn = session.conn
        decisions = records.list_decisions(conn, session.meeting_id)
        actions = records.list_action_items(conn, status=None, meeting_id=session.meeting_id)
        text = Text()
        text.append(f"Decisions ({len(decisions)})\n", style="bold underline")
        if not decisions:
            text.append("  none recorded (d records one)\n", style="italic dim")
        for number, decision in enumerate(decisions, 1):
            text.append(f"  {number}. ")
            text.append(clean(decision.text))
            if decision.section_title:
                text.append(clean(f"  [{decision.section_title}]"), style="dim")
            text.append("\n")
        text.append(f"\nAction items ({len(actions)})\n", style="bold underline")
        if not actions:
            text.append("  none recorded (a adds one)\n", style="italic dim")
        for action in actions:
            text.append("  • ")
            text.append(clean(action.text))
            text.append(clean(f" — {action.owner or 'no owner'}, due {short_date(action.due)}"),
                        style="bold")
            text.append("\n")
        notes = records.list_notes(conn, session.meeting_id)
        if notes:
            text.append(f"\nNotes ({len(notes)})\n", style="bold underline")
            for note in notes:
                text.append("  – " + clean(note["text"]) + "\n")
        self.query_one("#wrapup-readback-text", Static).update(text)

    def _current(self):
        key = highlighted_key(self.query_one(DataTable))
        return self._people.get(key) if key else None

    def action_rate(self, rating: int) -> None:
        person = self._current()
        if person is None:
            return
        self._set(person, rating)
        table = self.query_one(DataTable)
        if table.cursor_row < table.row_count - 1:  # on to the next person
            table.move_cursor(row=table.cursor_row + 1)

    def action_clear_rating(self) -> None:
        person = self._current()
        if person is not None:
            self._set(person, None)

    def _set(self, person, rating: int | None) -> None:
        try:
            self.context.session.set_rating(person.name, rating)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
        self.post_message(SectionDataChanged())
        self.reload()

    def action_end_meeting(self) -> None:
        """Ask the meeting screen to end the meeting (it confirms and freezes the scorecard)."""
        self.post_message(EndMeetingRequested())

    def decision_context(self) -> dict | None:
        ratings = {r.name: r.rating for r in self._people.values() if r.rating}
        return {"section": "wrapup", "ratings": ratings} if ratings else None
