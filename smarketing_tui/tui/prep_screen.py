"""The prep screen: my numbers, my action items, talking points and issues before a meeting.

A thin layer over :mod:`smarketing_tui.prep`. Every key writes at once through
``records`` (one short transaction), so a meeting running on the same store
sees it on its next refresh; this screen re-reads the lists every few seconds
so it sees the meeting's writes too. The numbers load in a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from smarketing_tui import prep, records
from smarketing_tui.errors import UserError
from smarketing_tui.vocabulary import carried_mark, issue_age
from smarketing_tui.timeutil import (counted, format_date, format_datetime, format_money,
                                     format_number, now_utc, to_local)
from smarketing_tui.tui.keybar import KeyBar
from smarketing_tui.tui.modals import HelpScreen, TextDialog, _Dialog, binding_rows, field
from smarketing_tui.tui.tablefit import Column, fill_table

REFRESH_SECONDS = 5


@dataclass(frozen=True)
class TalkingPointDraft:
    text: str
    section_position: int | None  # None: no particular section
    metric: str | None
    issue_id: int | None


class TalkingPointDialog(_Dialog["TalkingPointDraft | None"]):
    """A talking point: text, the section of the upcoming meeting, optional metric or issue."""

    def __init__(self, sections: list[tuple[str, int]], metrics: list[str],
                 issues: list[tuple[str, int]]) -> None:
        super().__init__("New talking point", hint="Enter saves · Esc cancels · the point shows "
                         "in that section of the meeting, with your name")
        self.sections, self.metrics, self.issues = sections, metrics, issues

    def compose_fields(self) -> ComposeResult:
        yield field("Point", Input(
            placeholder="e.g. Webinar leads convert at half the rate — why?", id="text",
            compact=True))
        yield field("Section", Select([("No particular section", -1), *self.sections],
                                      value=-1, allow_blank=False, id="section", compact=True))
        yield field("Metric", Input(placeholder="optional, e.g. mql_to_won_rate", id="metric",
                                    suggester=SuggestFromList(self.metrics), compact=True))
        yield field("Issue", Select([("No issue", -1), *self.issues], value=-1,
                                    allow_blank=False, id="issue", compact=True))

    def action_submit(self) -> None:
        text = self.query_one("#text", Input).value.strip()
        if not text:
            self.show_error("Type the point first (Esc cancels).", "#text")
            return
        metric = self.query_one("#metric", Input).value.strip() or None
        if metric and self.metrics and metric not in self.metrics:
            self.show_error(f"No metric {metric!r}; leave it empty or pick one of the "
                            "suggestions.", "#metric")
            return
        section = self.query_one("#section", Select).value
        issue = self.query_one("#issue", Select).value
        self.dismiss(TalkingPointDraft(
            text, None if section in (-1, Select.NULL) else int(section), metric,
            None if issue in (-1, Select.NULL) else int(issue)))


class PersonPicker(ModalScreen["str | None"]):
    """Who is prepping? Enter picks, Esc quits."""

    BINDINGS = [Binding("escape", "cancel", "Quit", id="picker.cancel")]

    def __init__(self, people: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog")
        self.people = people

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Who is prepping?", classes="dialog-title")
            yield OptionList(*[Option(Text(f"{name}  ({team})"), id=name)
                               for name, team in self.people], id="people")
            yield Static(Text("↑/↓ choose · Enter picks · Esc quits"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _t(value: object, style: str = "") -> Text:
    """Data as a Text: never parsed as markup; control characters removed."""
    from smarketing_tui.minutes_render import clean

    return Text(" ".join(clean(value).split()), style=style)


class PrepScreen(Screen):
    """My numbers (left); my open leads, action items and the talking points (right)."""

    DEFAULT_CSS = """
    PrepScreen #prep-title { height: 2; padding: 0 1; background: $panel; }
    PrepScreen #prep-body { height: 1fr; }
    PrepScreen #numbers-box { width: 2fr; max-width: 38; height: 1fr; padding: 0 1;
        border-right: vkey $primary 40%; }
    PrepScreen #lists { width: 3fr; height: 1fr; padding: 0 1; }
    PrepScreen .list-title { margin-top: 1; text-style: bold; color: $primary; width: 1fr; }
    PrepScreen DataTable { height: auto; max-height: 14; }
    PrepScreen #numbers { height: auto; }
    """
    BINDINGS = [
        Binding("x", "done", "Done", id="prep.done", tooltip="Mark the highlighted item done"),
        Binding("u", "undo_done", "Undo done", id="prep.undo_done",
                tooltip="Reopen the item you last marked done here"),
        Binding("c", "comment", "Comment", id="prep.comment",
                tooltip="Comment on the highlighted action item"),
        Binding("t", "talking_point", "Talking point", id="prep.talking_point",
                tooltip="Add a talking point to a section of the upcoming meeting"),
        Binding("i", "issue", "Raise issue", id="prep.issue",
                tooltip="Put an issue on the meeting's issues list"),
        Binding("l", "lead_timeline", "Timeline", id="prep.lead_timeline",
                tooltip="The highlighted open lead's whole history: what it read, searched "
                        "and downloaded, and every sales touch"),
        Binding("r", "refresh", "Refresh", id="prep.refresh", tooltip="Re-read numbers and lists"),
        Binding("q", "app.quit", "Quit", id="prep.quit", tooltip="Done prepping"),
        Binding("question_mark", "help", "Help", key_display="?", id="prep.help",
                tooltip="Every key of this screen"),
    ]

    HELP = ("Get ready for the meeting: your numbers on the left, your action items, the "
            "talking points and the open issues on the right. What you mark or add here is "
            "saved at once and shows in the meeting (a running one too, at its next section).")

    def __init__(self, workspace, settings, agenda, person) -> None:
        super().__init__()
        self._lists_width = 0  # the width the lists' columns were last fitted to
        self.workspace, self.settings = workspace, settings
        self.agenda, self.person = agenda, person
        from smarketing_tui.store import open_store

        self.db = open_store(workspace.db_path, settings)
        self.done_here: list[int] = []  # items marked done in this session, for undo
        self.numbers: prep.MyNumbers | None = None  # the last numbers loaded

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="prep-title")
        with Horizontal(id="prep-body"):
            with VerticalScroll(id="numbers-box"):
                yield Static(Text("My numbers — loading…", style="bold"), id="numbers")
            with VerticalScroll(id="lists"):
                yield Label("My open leads, warmest first  (l timeline)", classes="list-title")
                yield DataTable(id="leads", cursor_type="row", zebra_stripes=True)
                yield Label("My open action items  (x done · u undo · c comment)",
                            classes="list-title")
                yield DataTable(id="actions", cursor_type="row", zebra_stripes=True)
                yield Label("Talking points for the meeting  (t add)", classes="list-title")
                yield DataTable(id="points", cursor_type="row", zebra_stripes=True)
                yield Label("Open issues  (i raise one)", classes="list-title")
                yield DataTable(id="issues", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        title = Text()
        title.append(f"Prep: {self.agenda.title}", style="bold")
        title.append(f" · {self.person.name} ({self.person.team})")
        self.query_one("#prep-title", Static).update(title)
        actions = self.query_one("#actions", DataTable)
        self.refresh_lists()
        self.load_numbers()
        self.set_interval(REFRESH_SECONDS, self.refresh_lists)
        actions.focus()

    def on_unmount(self) -> None:
        self.db.close()

    # -- reading ------------------------------------------------------------------------

    # The lists' columns: numbers and dates never cut, text gives way with '…', and the
    # columns with a ``drop`` go (highest first) when even that leaves no room.
    ACTION_COLUMNS = [Column("#", "id"), Column("Due", "due"), Column("Carried", "carried", drop=1),
                      Column("Action item", "text", minimum=20),
                      Column("Comment", "comment", minimum=10, drop=2)]
    POINT_COLUMNS = [Column("Section", "section", minimum=10), Column("By", "by", 8, drop=1),
                     Column("Metric / issue", "link", 8, drop=2), Column("Point", "text", 20)]
    # The lead's name (else its id) and its warmth; the engagement line gives way with '…'
    # (its touches are in the numbers on the left).
    LEAD_COLUMNS = [Column("Lead", "lead", 8), Column("Warmth", "warmth"),
                    Column("Last engagements", "line", 12)]
    ISSUE_COLUMNS = [Column("#", "id"), Column("Open for", "open", drop=1),
                     Column("Raised by", "by", 8, drop=2), Column("Issue", "title", 20)]

    def _list_width(self, table: DataTable) -> int:
        """The cells a list's columns have: the right-hand column's width (before the first
        layout, three fifths of the screen) less its padding and a table's scrollbar."""
        lists = self.query_one("#lists")
        width = lists.content_region.width or self.app.size.width * 3 // 5 - 3
        self._lists_width = width
        # Room for the lists' own scrollbar too: with my open leads above them they scroll
        # on a small screen, and the scrollbar comes only after the tables are filled.
        return width - lists.styles.scrollbar_size_vertical - table.styles.scrollbar_size_vertical

    def on_resize(self) -> None:
        lists = self.query_one("#lists")
        if lists.content_region.width and lists.content_region.width != self._lists_width:
            self.refresh_lists()  # the columns follow the width
            if self.numbers is not None:
                self._fill_leads(self.numbers)

    def _fill_leads(self, numbers: prep.MyNumbers) -> None:
        """My open leads, warmest first, each with the line of its last engagements."""
        from smarketing_tui.engagement_lines import warmth_word

        table = self.query_one("#leads", DataTable)
        keep = self._highlighted_key(table)
        rows = [(str(lead.lead_id), [_t(lead.name or lead.lead),
                                     _t(f"{warmth_word(lead.warmth)} {lead.warmth}",
                                        "bold" if lead.warmth >= 6 else ""),
                                     _t(lead.engagements or "–", "" if lead.engagements
                                        else "dim")])
                for lead in numbers.open_leads]
        fill_table(table, self.LEAD_COLUMNS, rows, self._list_width(table))
        self._restore(table, keep)

    def refresh_lists(self) -> None:
        """Re-read my items, the pending talking points and the open issues (cheap queries)."""
        conn = self.db.conn
        today = to_local(now_utc(), self.settings.timezone).date()
        table = self.query_one("#actions", DataTable)
        keep = self._highlighted_key(table)
        rows = []
        for item in prep.my_action_items(conn, self.person):
            due = _t(format_date(date.fromisoformat(item.due)) if item.due else "–",
                     "bold red" if item.is_overdue(today) else "")
            carried = _t(carried_mark(item.carried_over))
            rows.append((str(item.id), [_t(item.id), due, carried, _t(item.text),
                                        _t(item.comment or "")]))
        fill_table(table, self.ACTION_COLUMNS, rows, self._list_width(table))
        self._restore(table, keep)
        points = self.query_one("#points", DataTable)
        keep = self._highlighted_key(points)
        rows = []
        for point in prep.pending_talking_points(conn, self.agenda):
            link = " · ".join(bit for bit in (point.metric or "",
                                              f"issue #{point.issue_id}" if point.issue_id else "")
                              if bit)
            rows.append((str(point.id), [_t(point.section_title or "General"),
                                         _t(point.author or "–"), _t(link), _t(point.text)]))
        fill_table(points, self.POINT_COLUMNS, rows, self._list_width(points))
        self._restore(points, keep)
        issues = self.query_one("#issues", DataTable)
        keep = self._highlighted_key(issues)
        rows = [(str(issue.id), [_t(issue.id), _t(issue_age(issue.meetings_open)),
                                 _t(issue.raised_by or "–"), _t(issue.title)])
                for issue in records.list_issues(conn)]
        fill_table(issues, self.ISSUE_COLUMNS, rows, self._list_width(issues))
        self._restore(issues, keep)

    @staticmethod
    def _highlighted_key(table: DataTable) -> str | None:
        if table.row_count == 0:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - an empty or just-cleared table
            return None

    @staticmethod
    def _restore(table: DataTable, key: str | None) -> None:
        if key is None:
            return
        try:
            table.move_cursor(row=table.get_row_index(key))
        except Exception:  # noqa: BLE001 - the row is gone (done elsewhere)
            pass

    @work(thread=True, exclusive=True, group="numbers")
    def load_numbers(self) -> None:
        """Compute my numbers on a connection of this thread; post the text back."""
        from smarketing_tui.store import open_store

        db = open_store(self.workspace.db_path)
        numbers = None
        try:
            numbers = prep.load_my_numbers(db.conn, self.workspace, self.settings, self.agenda,
                                           self.person)
            text = numbers_text(numbers, self.settings)
        except UserError as error:
            text = Text(f"My numbers could not be computed: {error}", style="red")
        finally:
            db.close()
        self.app.call_from_thread(self._show_numbers, text, numbers)

    def _show_numbers(self, text: Text, numbers: prep.MyNumbers | None) -> None:
        self.query_one("#numbers", Static).update(text)
        if numbers is not None:
            self.numbers = numbers
            self._fill_leads(numbers)

    # -- actions ------------------------------------------------------------------------

    def _selected_item(self) -> int | None:
        key = self._highlighted_key(self.query_one("#actions", DataTable))
        if key is None:
            self.notify("No open action item is highlighted.", severity="warning")
            return None
        return int(key)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(
            f"Keys — prep for {self.agenda.title}", self.HELP,
            [("Prep", binding_rows(self)),
             ("Everywhere", [("ctrl+p", "Command palette", "Every action by name"),
                             ("ctrl+q", "Quit", ""),
                             ("tab", "Next list", "")])]))

    def action_lead_timeline(self) -> None:
        from smarketing_tui import engagement_lines
        from smarketing_tui.tui.sections.dialogs import TableModal

        key = self._highlighted_key(self.query_one("#leads", DataTable))
        lead = next((lead for lead in (self.numbers.open_leads if self.numbers else [])
                     if str(lead.lead_id) == key), None)
        if lead is None:
            self.notify("No open lead is highlighted.", severity="warning")
            return
        entries = engagement_lines.timeline(self.db.conn, lead.lead_id, now_utc())
        tz = self.settings.timezone
        sides = {"marketing": "marketing", "sales": "sales", "lead": ""}
        rows = [[_t(format_datetime(entry.at, tz)), _t(sides[entry.side], "dim"),
                 _t(entry.text, "bold" if entry.side == "lead" else "")] for entry in entries]
        self.app.push_screen(TableModal(
            f"{lead.lead} {lead.name or ''}".strip(), ["When", "Who", "What"], rows,
            summary=f"Everything we know, oldest first: {counted(len(entries), 'event')}",
            empty="Nothing recorded for this lead yet."))

    def action_done(self) -> None:
        item_id = self._selected_item()
        if item_id is None:
            return
        try:
            item = prep.complete_item(self.db.conn, self.person, item_id)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.done_here.append(item.id)
        self.notify(f"Done: #{item.id} {item.text} (u undoes)", markup=False)
        self.refresh_lists()

    def action_undo_done(self) -> None:
        if not self.done_here:
            self.notify("Nothing marked done here to undo.", severity="warning")
            return
        item_id = self.done_here.pop()
        try:
            item = records.reopen_action_item(self.db.conn, item_id, by=self.person.name)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(f"Open again: #{item.id} {item.text}", markup=False)
        self.refresh_lists()

    def action_comment(self) -> None:
        item_id = self._selected_item()
        if item_id is None:
            return

        def save(text: str | None) -> None:
            if not text:
                return
            try:
                prep.comment_item(self.db.conn, self.person, item_id, text)
            except UserError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.notify(f"Comment saved on #{item_id}.", markup=False)
            self.refresh_lists()

        self.app.push_screen(TextDialog(f"Comment on action item #{item_id}",
                                        placeholder="How is it going?"), save)

    def action_talking_point(self) -> None:
        from smarketing_tui.metrics import known_metric_names

        sections = [(f"{s.position + 1}. {s.title}", s.position) for s in self.agenda.sections]
        issues = [(f"#{i.id} {' '.join(i.title.split())[:50]}", i.id)
                  for i in records.list_issues(self.db.conn)]

        def save(draft: TalkingPointDraft | None) -> None:
            if draft is None:
                return
            section = (self.agenda.section(draft.section_position)
                       if draft.section_position is not None else None)
            try:
                prep.add_talking_point(self.db.conn, self.agenda, self.person, draft.text, section,
                                       metric=draft.metric, issue_id=draft.issue_id)
            except UserError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            where = f" for '{section.title}'" if section else ""
            self.notify(f"Talking point added{where}.", markup=False)
            self.refresh_lists()

        self.app.push_screen(TalkingPointDialog(sections, known_metric_names(), issues), save)

    def action_issue(self) -> None:
        from smarketing_tui.tui.modals import IssueDialog

        def save(draft) -> None:
            if draft is None:
                return
            try:
                issue_id = records.raise_issue(self.db.conn, draft.title, detail=draft.detail,
                                               team=draft.team, raised_by=self.person.name,
                                               origin="prep")
            except UserError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.notify(f"Issue #{issue_id} raised for the meeting.", markup=False)
            self.refresh_lists()

        self.app.push_screen(IssueDialog(team=self.person.team), save)

    def action_refresh(self) -> None:
        self.refresh_lists()
        self.load_numbers()


def numbers_text(numbers: prep.MyNumbers, settings) -> Text:
    """My numbers as one Text block (data appended as plain text, never markup)."""
    from smarketing_tui.minutes import actual_text, format_target, status_label
    from smarketing_tui.vocabulary import lateness_text, more_text

    tz, currency = settings.timezone, settings.currency
    out = Text()
    out.append(f"My numbers · {numbers.period_label}\n", style="bold")
    out.append(f"\n{numbers.person.team.capitalize()} commitments\n", style="bold underline")
    if not numbers.team_lines:
        out.append("No scorecard lines for your team.\n", style="dim")
    styles = {"green": "green", "amber": "yellow", "red": "bold red", "no_data": "dim"}
    for line in numbers.team_lines:
        status = line.get("status") or "no_data"
        out.append(f"{status_label(status):<12}", style=styles.get(status, ""))
        out.append(" ".join(str(line.get("description") or line.get("id")).split()))
        out.append(f"\n{'':12}{actual_text(line, currency)} (target "
                   f"{format_target(line, currency)})\n", style="dim")
    if numbers.late_rule is not None:
        out.append(f"\nMy MQLs contacted late (> {numbers.late_rule})\n", style="bold underline")
        if not numbers.late_leads:
            out.append("None. \n", style="green")
        for lead in numbers.late_leads:
            out.append(f"{lead.lead} ")
            out.append(" ".join(str(lead.name or "").split()))
            late = lateness_text(lead.hours_late)
            how = "not contacted" if lead.first_contact is None else "contacted"
            out.append(f" · {how}, {late}\n", style="red")
        if numbers.late_total > len(numbers.late_leads):
            more = numbers.late_total - len(numbers.late_leads)
            out.append(f"{more_text(more)}\n", style="dim")
    if numbers.campaigns:
        out.append("\nMy campaigns\n", style="bold underline")
        for campaign in numbers.campaigns:
            out.append(" ".join(campaign.name.split()))
            out.append(f"\n  {format_number(campaign.mqls)} MQLs · spend "
                       f"{format_money(campaign.spend, currency)} · cost per MQL {format_money(campaign.cost_per_mql, currency)}\n",
                       style="dim")
    if numbers.thin_total or numbers.person.team == "sales":
        out.append(f"\nMy open leads with fewer than {numbers.min_touches} touches\n",
                   style="bold underline")
        if not numbers.thin_leads:
            out.append("None.\n", style="green")
        for lead in numbers.thin_leads:
            out.append(f"{lead.lead} ")
            out.append(" ".join(str(lead.name or "").split()))
            out.append(f" · {counted(lead.touches, 'touch', 'touches')} since MQL "
                       f"{format_datetime(lead.mql_at, tz)}\n", style="dim")
        if numbers.thin_total > len(numbers.thin_leads):
            more = numbers.thin_total - len(numbers.thin_leads)
            out.append(f"{more_text(more)}\n", style="dim")
    for problem in numbers.problems:
        out.append(f"\n{problem}\n", style="yellow")
    return out


class PrepApp(App[None]):
    """``smarketing prep``: pick who is prepping (unless given), then the prep screen."""

    CSS_PATH = "app.tcss"
    TITLE = "smarketing prep"

    def __init__(self, workspace, *, person: str | None = None,
                 agenda_path: Path | str | None = None) -> None:
        super().__init__()
        from smarketing_tui.agenda import load_agenda

        self.workspace = workspace
        self.settings = workspace.settings()
        path = Path(agenda_path) if agenda_path else workspace.agenda_path()
        self.agenda = load_agenda(path, self.settings)
        self.person = prep.person_or_error(self.settings, person) if person else None
        if not self.settings.people:
            raise UserError(f"no people in {workspace.settings_path}; add the team first")
        self.error: str | None = None  # the one line an unhandled error ended the app with
        self.error_code = 0

    def _handle_exception(self, error: Exception) -> None:
        """An error no handler caught (the store damaged or read-only under the screen, a
        bug) ends prep as one line with its exit code, as the meeting screen does. Everything
        prep saved before it was written when it was entered. Overrides Textual's private hook
        (Textual 8 has no public one; its version is pinned)."""
        from smarketing_tui.tui.failure import failure_line

        failure = failure_line(error, self.workspace.db_path, self.is_headless)
        if failure is None:
            super()._handle_exception(error)
            return
        self.error, self.error_code = failure
        self.exit(return_code=self.error_code)

    def get_system_commands(self, screen: Screen):
        yield from super().get_system_commands(screen)
        if not isinstance(screen, PrepScreen):
            return
        for title, help_text, action in (
                ("prep: mark action item done", "Mark the highlighted item done (x)", "done"),
                ("prep: undo done", "Reopen the item last marked done here (u)", "undo_done"),
                ("prep: comment on action item", "Comment on the highlighted item (c)", "comment"),
                ("prep: add talking point", "Add a point to a section of the meeting (t)",
                 "talking_point"),
                ("prep: raise issue", "Put an issue on the meeting's list (i)", "issue"),
                ("prep: refresh", "Re-read numbers and lists (r)", "refresh"),
                ("help: keys", "Every key of this screen (?)", "help")):
            yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))

    def on_mount(self) -> None:
        if self.person is not None:
            self.push_screen(PrepScreen(self.workspace, self.settings, self.agenda, self.person))
            return

        def picked(name: str | None) -> None:
            if name is None:
                self.exit()
                return
            self.person = prep.person_or_error(self.settings, name)
            self.push_screen(PrepScreen(self.workspace, self.settings, self.agenda, self.person))

        self.push_screen(PersonPicker([(p.name, p.team) for p in self.settings.people]), picked)
