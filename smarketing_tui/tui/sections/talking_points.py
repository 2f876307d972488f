"""Talking points: what people added in their prep for this meeting, with their names."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from smarketing_tui import records
from smarketing_tui.errors import UserError
from smarketing_tui.records import TalkingPoint
from smarketing_tui.timeutil import counted, format_datetime
from smarketing_tui.tui.messages import MeetingRecordsChanged, SectionDataChanged
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.common import (SectionHeader, clean, forward_focus,
                                                highlighted_key, keep_cursor, key_hint, one_line,
                                                safe, show_key_line, table_room, text_budget,
                                                width_changed)
from smarketing_tui.tui.tablefit import Column, fill_table

SECTION_LABELS = {"checkin": "Check-in", "action_review": "Action review", "activity": "Activity",
                  "scorecard": "Scorecard", "funnel": "Funnel", "issues": "Issues",
                  "talking_points": "Talking points", "wrapup": "Wrap-up",
                  "lead_definition": "Lead definition", "discussion": "Discussion"}


def meeting_talking_points(conn, meeting_id: int, agenda_name: str) -> list[TalkingPoint]:
    """The points this meeting took up, then any added for its agenda since it started."""
    taken = records.list_talking_points(conn, meeting_id=meeting_id)
    pending = records.list_talking_points(conn, agenda=agenda_name, pending=True)
    return taken + pending


def points_for_section(points: list[TalkingPoint], section,
                       titles: set[str]) -> list[TalkingPoint]:
    """The points meant for ``section``: by its title, or by its type when the point names
    no section title of this agenda."""
    return [p for p in points if p.section_title == section.title
            or (p.section_type == section.type and p.section_title not in titles)]


class PrepPoints(Static):
    """A few lines under a section's summary: the talking points people added for it in prep."""

    DEFAULT_CSS = """
    PrepPoints {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $text;
        background: $boost;
    }
    """
    MAX_LINES = 3

    def __init__(self, context, **kwargs) -> None:
        super().__init__(**kwargs)
        self.context = context

    def on_mount(self) -> None:
        self.refresh_points()

    def refresh_points(self) -> None:
        session, section = self.context.session, self.context.section
        titles = {s.title for s in self.context.agenda.sections}
        points = points_for_section(
            meeting_talking_points(session.conn, session.meeting_id, self.context.agenda.name),
            section, titles)
        self.display = bool(points)
        text = Text()
        for index, point in enumerate(points[: self.MAX_LINES]):
            if index:
                text.append("\n")
            author = f" — {clean(point.author or 'someone')}"
            text.append("✎ ", style="bold")
            # One line each (two for a single point): the text gets what the name leaves.
            lines = 2 if len(points) == 1 else 1
            width = text_budget(self, 4, minimum=24, maximum=116) * lines - len(author) - 2
            text.append(one_line(point.text, width))
            text.append(author, style="italic")
        if len(points) > self.MAX_LINES:
            more = len(points) - self.MAX_LINES
            text.append(f"\n… {more} more talking points for this section", style="italic")
        self.update(text)


def section_label(point: TalkingPoint) -> str:
    return point.section_title or SECTION_LABELS.get(point.section_type or "", "General")


class TalkingPointsView(SectionView):
    """Every prep point for this meeting, by section; ``I`` turns one into an issue."""

    SECTION_TYPE = "talking_points"
    # The texts give way first; when the point would get less than 30 cells the metric
    # goes (the detail below names it).
    COLUMNS = [Column("Section", "section", 10), Column("Talking point", "text", 30),
               Column("By", "author", 8), Column("Metric", "metric", 8, drop=1)]
    DEFAULT_CSS = """
    TalkingPointsView { height: 1fr; }
    TalkingPointsView DataTable { height: 1fr; min-height: 4; }
    TalkingPointsView #point-detail {
        height: 1fr;
        min-height: 5;
        border-top: solid $primary 30%;
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("I", "to_issue", "To issue", id="talking_points.issue",
                tooltip="Put the highlighted talking point on the issues list"),
    ]

    def compose(self) -> ComposeResult:
        yield SectionHeader(id="points-summary")
        yield SectionHeader(key_hint(("I", "make it an issue"), ("d", "decision"),
                                     ("a", "action item")), id="points-keys", classes="keys")
        table: DataTable = DataTable(cursor_type="row", zebra_stripes=True, id="points-table")
        yield table
        with VerticalScroll(id="point-detail"):
            yield Static(id="point-detail-text")

    def on_focus(self) -> None:
        forward_focus(self)

    def on_mount(self) -> None:
        self._points: dict[str, TalkingPoint] = {}
        self.reload()
        self.query_one(DataTable).focus()

    @on(MeetingRecordsChanged)
    def _records_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        session = self.context.session
        points = meeting_talking_points(session.conn, session.meeting_id, self.context.agenda.name)
        order = {s.title: s.position for s in self.context.agenda.sections}
        points.sort(key=lambda p: (order.get(p.section_title or "", 99), section_label(p),
                                   p.created_at, p.id))
        self._points = {str(p.id): p for p in points}
        table = self.query_one(DataTable)
        current = highlighted_key(table)
        rows = []
        previous = None
        for point in points:
            label = section_label(point)
            rows.append((str(point.id), [
                Text(one_line(label), style="bold") if label != previous else Text(""),
                safe(one_line(point.text)), safe(one_line(point.author or "–")),
                safe(one_line(point.metric or ""))]))
            previous = label
        fill_table(table, self.COLUMNS, rows, table_room(self, table))
        # As tall as its rows, so the detail follows right below (the table scrolls when
        # the rows do not fit, and the detail stays in view).
        table.styles.max_height = max(4, table.row_count + 1)
        keep_cursor(table, current)
        authors = sorted({p.author for p in points if p.author})
        summary = Text()
        if points:
            summary.append(counted(len(points), "talking point"), style="bold")
            summary.append(clean(f" from {', '.join(authors)}" if authors else ""))
        else:
            summary.append("Nobody added talking points in prep. ", style="bold")
            summary.append("(smarketing prep adds them before the meeting.)", style="italic")
        self.query_one("#points-summary", SectionHeader).update(summary)
        self._show_detail()

    def on_resize(self) -> None:
        changed = width_changed(self)  # before show_key_line, which draws for the width
        show_key_line(self)
        if changed and getattr(self, "_points", None):
            self.reload()  # the text column follows the width

    def _current(self) -> TalkingPoint | None:
        key = highlighted_key(self.query_one(DataTable))
        return self._points.get(key) if key else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        point = self._current()
        detail = self.query_one("#point-detail-text", Static)
        if point is None:
            detail.update("")
            return
        text = Text(clean(point.text), style="bold")
        line = f"\n{section_label(point)} · {point.author or 'unknown'} · added " \
               f"{format_datetime(point.created_at, self.context.settings.timezone)}"
        if point.metric:
            line += f" · metric {point.metric}"
        if point.issue_id:
            line += f" · issue #{point.issue_id}"
        text.append(clean(line), style="dim")
        detail.update(text)

    def action_to_issue(self) -> None:
        point = self._current()
        if point is None:
            return
        try:
            issue_id = self.context.session.raise_issue(
                one_line(point.text, 120), detail=point.text, origin="prep",
                evidence={"talking_point": point.id, "author": point.author,
                          "metric": point.metric} if point.metric else
                {"talking_point": point.id, "author": point.author})
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.post_message(SectionDataChanged())
        self.notify(f"Issue #{issue_id} raised from the talking point.", markup=False)

    def edit_targets(self) -> list:
        from smarketing_tui.tui.corrections import EditTarget

        point = self._current()
        return [] if point is None else [EditTarget("talking_point", point.id, point.text)]

    def decision_context(self) -> dict | None:
        point = self._current()
        if point is None:
            return None
        return {"section": "talking_points", "talking_point": point.id, "text": point.text,
                "author": point.author, "metric": point.metric}
