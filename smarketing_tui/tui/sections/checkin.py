"""Check-in: who of the people in smarketing.yaml is here, and a short round."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from smarketing_tui.errors import UserError
from smarketing_tui.tui.messages import SectionDataChanged
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.common import (SectionHeader, clean, follow_theme, forward_focus,
                                                highlighted_key, keep_cursor, key_hint, one_line,
                                                pack, safe, show_key_line, table_room,
                                                table_with_enter, view_width, width_changed)
from smarketing_tui.tui.sections.talking_points import PrepPoints
from smarketing_tui.tui.tablefit import Column, fill_table
from smarketing_tui.vocabulary import seating_group_text

TEAM_ORDER = {"marketing": 0, "sales": 1}


def presence_cell(present: bool | None) -> Text:
    """✓ here / ✗ away / · not marked yet."""
    if present is None:
        return Text("· not marked", style="dim")
    return Text("✓ here", style="bold") if present else Text("✗ away", style="dim strike")


def seating_segments(groups: list[list[tuple[str, str]]]) -> list[Text]:
    """'Sit together:', then '1 Mari · Kari', '2 Siv · Ola, Per' (marketers before the dot),
    one segment each for :func:`pack`, so a narrow screen breaks between groups."""
    if not groups:
        return [Text("Sit together: no seating (it needs someone here from each team)",
                     style="italic")]
    segments = [Text("Sit together:", style="bold")]
    for number, group in enumerate(groups, start=1):
        segment = Text(f"{number} ", style="bold")
        segment.append(seating_group_text([(clean(name), team) for name, team in group]))
        segments.append(segment)
    return segments


CheckinTable = table_with_enter("Check-in line", "Write the highlighted person's check-in")


class CheckinView(SectionView):
    """Attendance grouped by team: ``p`` toggles here/away, Enter edits the check-in line."""

    SECTION_TYPE = "checkin"
    # A long check-in line gives way with '…' (Enter shows it whole), then the names.
    COLUMNS = [Column("Team", "team"), Column("Name", "name", 12), Column("Here", "present"),
               Column("Check-in", "checkin", 16)]
    DEFAULT_CSS = """
    CheckinView { height: 1fr; }
    CheckinView DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("p", "toggle_present", "Here/away", id="checkin.present",
                tooltip="Mark the highlighted person present or absent"),
        Binding("A", "all_present", "All here", id="checkin.all_present",
                tooltip="Mark everyone not yet marked as present"),
    ]

    def compose(self) -> ComposeResult:
        yield SectionHeader(id="checkin-summary")
        yield SectionHeader(id="checkin-seating")
        yield PrepPoints(self.context, classes="prep-points")
        yield SectionHeader(key_hint(("p", "here/away"), ("A", "everyone not marked is here"),
                                     ("Enter", "check-in line")), id="checkin-keys", classes="keys")
        table: DataTable = CheckinTable(cursor_type="row", zebra_stripes=True,
                                        id="checkin-table")
        yield table

    def on_focus(self) -> None:
        forward_focus(self)

    def on_mount(self) -> None:
        self.reload()
        follow_theme(self, self.reload)
        self.query_one(DataTable).focus()

    def reload(self) -> None:
        rows = sorted(self.context.session.attendance(),
                      key=lambda r: (TEAM_ORDER.get(r.team, 9), r.name.casefold()))
        self._rows = {str(row.person_id): row for row in rows}
        tables = self.query(DataTable)
        if not tables:  # not composed, or already removed (a follower's screen replaced)
            return
        table = tables.first()
        current = highlighted_key(table)
        cells = []
        previous_team = None
        for row in rows:
            first_of_team = row.team != previous_team
            team = Text(row.team.capitalize(), style="bold") if first_of_team else Text("")
            previous_team = row.team
            cells.append((str(row.person_id), [team, safe(one_line(row.name)),
                                               presence_cell(row.present),
                                               safe(one_line(row.checkin or ""))]))
        fill_table(table, self.COLUMNS, cells, table_room(self, table))
        # As tall as its rows: no empty table lines to draw (a fifth of the first paint)
        # below the people, and a long team list still scrolls.
        table.styles.max_height = max(4, table.row_count + 1)
        keep_cursor(table, current)
        self._update_summary(rows)
        self._update_seating()

    def on_resize(self) -> None:
        changed = width_changed(self)  # before show_key_line, which draws for the width
        show_key_line(self)
        if changed and getattr(self, "_rows", None):
            self.reload()  # the columns follow the width

    def _update_summary(self, rows) -> None:
        here = sum(1 for r in rows if r.present)
        unmarked = sum(1 for r in rows if r.present is None)
        segments = [Text(f"{here} of {len(rows)} here", style="bold")]
        for team in ("marketing", "sales"):
            members = [r for r in rows if r.team == team]
            if members:
                segments.append(Text(f"{team} {sum(1 for r in members if r.present)}/"
                                     f"{len(members)}"))
        if unmarked:
            segments.append(Text(f"{unmarked} not marked yet", style="italic"))
        self.query_one("#checkin-summary", SectionHeader).update(
            pack(segments, view_width(self) - 2))

    def _update_seating(self) -> None:
        """This week's mixed seating, one group after the other (wrapping, never cut)."""
        self.query_one("#checkin-seating", SectionHeader).update(
            pack(seating_segments(self.context.session.seating()), view_width(self) - 2, "   "))

    def _current_row(self):
        key = highlighted_key(self.query_one(DataTable))
        return self._rows.get(key) if key else None

    def action_toggle_present(self) -> None:
        row = self._current_row()
        if row is None:
            return
        self._write(lambda: self.context.session.set_present(row.name, not bool(row.present)))

    def action_all_present(self) -> None:
        for row in list(self._rows.values()):
            if row.present is None:
                self.context.session.set_present(row.name, True)
        self.post_message(SectionDataChanged())
        self.reload()

    def action_edit_checkin(self) -> None:
        row = self._current_row()
        if row is None:
            return

        def save(text: str | None) -> None:
            if text is not None:
                self._write(lambda: self.context.session.set_checkin(row.name, text))

        from smarketing_tui.tui.sections.dialogs import TextPrompt  # when first asked

        self.app.push_screen(TextPrompt(f"Check-in: {clean(row.name)}", value=row.checkin or "",
                                        placeholder="How are you, what's on your mind this week?",
                                        allow_empty=True), save)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_checkin()

    def _write(self, write) -> None:
        try:
            write()
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
        self.post_message(SectionDataChanged())
        self.reload()

    def edit_targets(self) -> list:
        from smarketing_tui.tui.corrections import EditTarget

        row = self._current_row()
        if row is None or not row.checkin:
            return []
        return [EditTarget("checkin", row.person_id, row.checkin, who=row.name)]

    def decision_context(self) -> dict | None:
        rows = list(self._rows.values()) if hasattr(self, "_rows") else []
        return {"section": "checkin", "present": [r.name for r in rows if r.present]}
