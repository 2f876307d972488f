"""Issues: rank the open issues (top three first), then solve them one by one or keep them open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, DataTable, Input, Label, Static

from smarketing_tui import records
from smarketing_tui.errors import UserError
from smarketing_tui.records import Issue
from smarketing_tui.scorecard_text import evidence_lines
from smarketing_tui.timeutil import counted, format_datetime, parse_due_date
from smarketing_tui.vocabulary import issue_age, issue_ref
from smarketing_tui.tui.messages import MeetingRecordsChanged, SectionDataChanged
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.common import (SectionHeader, clean, follow_theme, forward_focus,
                                                highlighted_key, keep_cursor, key_hint, local_today,
                                                one_line, safe, show_key_line, table_room,
                                                theme_color, width_changed)
from smarketing_tui.tui.sections.dialogs import MODAL_CSS, Confirm
from smarketing_tui.tui.sections.talking_points import PrepPoints
from smarketing_tui.tui.tablefit import Column, fill_table


def rerank(ranked: list[int], issue_id: int, place: int | None) -> list[int]:
    """The ranked ids after putting ``issue_id`` at 1-based ``place`` (None: unrank it).

    A place past the end appends it: ranking the 5th issue "3" when only one is ranked
    makes it 2nd, since ranks have no gaps.
    """
    order = [i for i in ranked if i != issue_id]
    if place is not None:
        order.insert(min(max(place, 1), len(order) + 1) - 1, issue_id)
    return order


def promote(ranked: list[int], issue_id: int) -> list[int]:
    """``+``: an unranked issue joins the ranking at the end; a ranked one moves up one place."""
    if issue_id not in ranked:
        return [*ranked, issue_id]
    return rerank(ranked, issue_id, max(ranked.index(issue_id), 1))


def demote(ranked: list[int], issue_id: int) -> list[int]:
    """``-``: a ranked issue moves down one place; the last ranked one leaves the ranking."""
    if issue_id not in ranked:
        return ranked
    index = ranked.index(issue_id)
    if index == len(ranked) - 1:
        return rerank(ranked, issue_id, None)
    return rerank(ranked, issue_id, index + 2)


def match_person(typed: str, people: list[str]) -> str | None:
    """The person meant by ``typed``: one lookup everywhere (people.find_name)."""
    from smarketing_tui.people import find_name

    return find_name(typed, people)


@dataclass(frozen=True)
class Solution:
    """What the solve dialog returns."""

    resolution: str
    decision: str | None
    action: str | None
    owner: str | None
    due: date | None


class SolveIssue(ModalScreen[Solution | None]):
    """Solve an issue: a resolution, optionally a decision and an action item linked to it."""

    DEFAULT_CSS = MODAL_CSS.format(name="SolveIssue") + """
    SolveIssue > Vertical { width: 84; padding: 0 2; }
    SolveIssue .title { margin: 1 0 0 0; }
    SolveIssue Label { margin-top: 1; color: $text-muted; }
    SolveIssue Input { margin: 0; }
    SolveIssue #solve-owner-row { height: auto; margin-top: 1; align-horizontal: left; }
    SolveIssue #solve-owner-row Input { width: 1fr; }
    SolveIssue #solve-owner-row Input#solve-due { width: 16; margin-left: 1; }
    SolveIssue Horizontal#solve-buttons { margin: 1 0; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
                Binding("ctrl+s", "save", "Solve", id="dialog.save"),
                # As in the meeting's dialogs (modals._Dialog): Enter moves on at once,
                # however fast the keys after it come.
                Binding("enter", "next_field", "Next field", show=False, priority=True,
                        id="dialog.next")]

    def __init__(self, issue: Issue, people: list[str], today: date) -> None:
        super().__init__()
        self.issue = issue
        self.people = people
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Solve issue #{self.issue.id}: {one_line(self.issue.title, 54)}"),
                        classes="title")
            yield Label("How was it solved? (resolution)")
            yield Input(placeholder="e.g. Leads from the webinar go to the SDR queue",
                        id="solve-resolution", compact=True)
            yield Label("Decision (optional, recorded with the issue)")
            yield Input(placeholder="the decision taken", id="solve-decision", compact=True)
            yield Label("Action item (optional): text, owner, due")
            yield Input(placeholder="who does what", id="solve-action", compact=True)
            with Horizontal(id="solve-owner-row"):
                yield Input(placeholder="owner (→ completes a name)", id="solve-owner",
                            suggester=SuggestFromList(self.people, case_sensitive=False),
                            compact=True)
                yield Input(records.default_due(self.today).strftime("%d.%m.%Y"),
                            id="solve-due", compact=True)
            yield Static("", classes="error", id="solve-error")
            yield Static("Enter next field · ctrl+s or Solve solves · Escape cancels",
                         classes="hint")
            with Horizontal(id="solve-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Solve", id="save", variant="primary", compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":  # Enter on a button presses it
            return isinstance(self.focused, Input)
        return True

    def action_next_field(self) -> None:
        from smarketing_tui.tui.modals import move_on_or_submit

        move_on_or_submit(self, self.action_save)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def _value(self, name: str) -> str:
        return self.query_one(f"#solve-{name}", Input).value.strip()

    def _error(self, message: str) -> None:
        self.query_one("#solve-error", Static).update(Text(message))

    def action_save(self) -> None:
        resolution, decision, action = self._value("resolution"), self._value("decision"), \
            self._value("action")
        owner, due = None, None
        if not (resolution or decision):
            self._error("Write how it was solved (or the decision taken).")
            return
        if action:
            typed = self._value("owner")
            owner = match_person(typed, self.people)
            if typed and owner is None:
                from smarketing_tui.people import as_people, why_not

                what = why_not(typed, as_people(self.people))
                self._error(f"{what[:1].upper()}{what[1:]}; pick one of: {', '.join(self.people)}")
                return
            try:
                due = parse_due_date(self._value("due"), self.today)
            except ValueError as error:
                self._error(str(error))
                return
        self.dismiss(Solution(resolution or decision, decision or None, action or None, owner, due))

    def action_cancel(self) -> None:
        self.dismiss(None)


class IssuesView(SectionView):
    """The open issues, ranked: pick the top three, then take them one by one."""

    SECTION_TYPE = "issues"
    # The title gives way first; when it would get less than 30 cells the team goes (the
    # detail below names it).
    COLUMNS = [Column("Rank", "rank"), Column("Issue", "title", 30), Column("Team", "team", drop=1),
               Column("Open for", "age"), Column("Now", "state")]
    DEFAULT_CSS = """
    IssuesView { height: 1fr; }
    IssuesView DataTable { height: 1fr; min-height: 4; }
    IssuesView #issue-detail {
        height: 1fr;
        min-height: 6;
        border-top: solid $primary 30%;
        padding: 0 1;
    }
    """
    BINDINGS = [
        *[Binding(str(n), f"rank({n})", f"Rank {n}", show=False, id=f"issues.rank{n}",
                  tooltip=f"Put the highlighted issue at place {n}") for n in range(1, 10)],
        Binding("plus,equals_sign", "promote", "Up", id="issues.promote",
                tooltip="Rank the highlighted issue one place higher"),
        Binding("minus", "demote", "Down", id="issues.demote",
                tooltip="Rank the highlighted issue one place lower"),
        Binding("0", "unrank", "Unrank", show=False, id="issues.unrank"),
        Binding("s", "solve", "Solve", id="issues.solve",
                tooltip="Solve the highlighted issue: resolution, decision, action item"),
        Binding("k", "keep_open", "Keep open", id="issues.keep",
                tooltip="Discussed, not solved: keep it on the list and go to the next"),
        Binding("D", "drop", "Drop", id="issues.drop",
                tooltip="Take the issue off the list without solving it"),
    ]

    def compose(self) -> ComposeResult:
        yield SectionHeader(id="issues-summary")
        yield PrepPoints(self.context, classes="prep-points")
        yield SectionHeader(key_hint(("1-3", "rank"), ("+/-", "move"), ("0", "unrank"),
                                     ("s", "solve"), ("k", "keep open"), ("D", "drop")),
                            id="issues-keys")
        table: DataTable = DataTable(cursor_type="row", zebra_stripes=True, id="issues-table")
        yield table
        with VerticalScroll(id="issue-detail"):
            yield Static(id="issue-detail-text")

    @property
    def top(self) -> int:
        try:
            return max(1, int(self.context.section.options.get("top", 3)))
        except (TypeError, ValueError):
            return 3

    @property
    def _conn(self):
        return self.context.session.conn

    def on_focus(self) -> None:
        forward_focus(self)

    def on_mount(self) -> None:
        self._issues: dict[str, Issue] = {}
        self.reload()
        follow_theme(self, self.reload)
        self.query_one(DataTable).focus()

    @on(MeetingRecordsChanged)
    def _records_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        meeting_id = self.context.session.meeting_id
        handled = {r[0]: r[1] for r in self._conn.execute(
            "SELECT id, status FROM issues WHERE solved_in_meeting = ?", (meeting_id,))}
        open_issues = records.list_issues(self._conn, "open")
        done = [i for i in records.list_issues(self._conn, None) if i.id in handled]
        self._ranked = [i.id for i in open_issues if i.rank is not None]
        self._kept = records.kept_open(self._conn, meeting_id)  # stored: a move or resume keeps it
        self._issues = {str(i.id): i for i in open_issues + done}
        table = self.query_one(DataTable)
        current = highlighted_key(table)
        fill_table(table, self.COLUMNS,
                   [(str(issue.id), self._cells(issue)) for issue in open_issues + done],
                   table_room(self, table))
        # As tall as its rows, so the detail follows right below (the table scrolls when
        # the rows do not fit, and the detail stays in view).
        table.styles.max_height = max(4, table.row_count + 1)
        keep_cursor(table, current)
        self._update_summary(open_issues, done)
        self._show_detail()

    def _cells(self, issue: Issue) -> list:
        top = issue.rank is not None and issue.rank <= self.top
        rank = Text(str(issue.rank) if issue.rank else "", style="bold reverse" if top else "bold")
        title = safe(one_line(issue.title), style="bold" if top else "")
        if issue.origin == "scorecard":  # the mark stays when the title is cut
            title = (title, Text(" ▲", style=theme_color(self.app, "error", "red")))
        meetings = issue.meetings_open
        age = Text(issue_age(meetings),
                   style=f"bold {theme_color(self.app, 'warning', 'yellow')}"
                   if meetings >= 4 else "")
        if issue.status == "solved":
            state = Text("✓ solved", style=theme_color(self.app, "success", "green"))
        elif issue.status == "dropped":
            state = Text("✗ dropped", style="dim")
        elif issue.id in self._kept:
            state = Text("kept open", style="italic")
        else:
            state = Text("")
        return [rank, title, safe(issue.team or "both"), age, state]

    def on_resize(self) -> None:
        changed = width_changed(self)  # before show_key_line, which draws for the width
        show_key_line(self)
        if changed and getattr(self, "_issues", None):
            self.reload()  # the title column follows the width

    def _update_summary(self, open_issues: list[Issue], done: list[Issue]) -> None:
        text = Text()
        ranked = [i for i in open_issues if i.rank is not None and i.rank <= self.top]
        text.append(counted(len(open_issues), "open issue"), style="bold")
        if len(ranked) < min(self.top, len(open_issues)):
            text.append(f" · pick the top {self.top} first: 1-{min(self.top, 9)} on an issue",
                        style=f"italic {theme_color(self.app, 'warning', 'yellow')}")
        else:
            text.append(f" · top {self.top} picked: take them one by one")
        solved = sum(1 for i in done if i.status == "solved")
        if solved:
            text.append(f" · {solved} solved today")
        self.query_one("#issues-summary", SectionHeader).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        issue = self._current()
        detail = self.query_one("#issue-detail-text", Static)
        if issue is None:
            detail.update(Text("No open issues. Raise one with i.", style="italic"))
            return
        tz = self.context.settings.timezone
        text = Text()
        text.append(f"{issue_ref(issue.id)} ", style="dim")
        text.append(clean(issue.title), style="bold")
        raised = f"\nRaised {format_datetime(issue.raised_at, tz)}"
        if issue.raised_by:
            raised += f" by {issue.raised_by}"
        raised += f" ({issue.origin}) · team {issue.team or 'both'}"
        text.append(clean(raised), style="dim")
        if issue.detail:
            text.append("\n" + clean(issue.detail))
        for line in evidence_lines(issue.evidence, self.context.settings.currency):
            text.append("\n" + clean(line), style="italic")
        if issue.resolution:
            text.append("\nResolution: " + clean(issue.resolution))
        detail.update(text)

    def _current(self) -> Issue | None:
        key = highlighted_key(self.query_one(DataTable))
        return self._issues.get(key) if key else None

    def _open_current(self) -> Issue | None:
        issue = self._current()
        if issue is not None and issue.status != "open":
            self.notify("That issue is already closed.", markup=False)
            return None
        return issue

    def _set_ranks(self, order: list[int]) -> None:
        records.set_issue_ranks(self._conn, order)
        self.post_message(SectionDataChanged())
        self.reload()

    def action_rank(self, place: int) -> None:
        issue = self._open_current()
        if issue is not None:
            self._set_ranks(rerank(self._ranked, issue.id, place))

    def action_unrank(self) -> None:
        issue = self._open_current()
        if issue is not None:
            self._set_ranks(rerank(self._ranked, issue.id, None))

    def action_promote(self) -> None:
        issue = self._open_current()
        if issue is not None:
            self._set_ranks(promote(self._ranked, issue.id))

    def action_demote(self) -> None:
        issue = self._open_current()
        if issue is not None:
            self._set_ranks(demote(self._ranked, issue.id))

    def _next_row(self) -> None:
        table = self.query_one(DataTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def _to_next_open(self) -> None:
        """After solving or dropping: on to the first open issue (open ones are listed first)."""
        table = self.query_one(DataTable)
        if self._issues and any(i.status == "open" for i in self._issues.values()):
            table.move_cursor(row=0)

    def action_keep_open(self) -> None:
        issue = self._open_current()
        if issue is not None:
            records.keep_issue_open(self._conn, issue.id, self.context.session.meeting_id)
            self.reload()
            self._next_row()

    def action_solve(self) -> None:
        issue = self._open_current()
        if issue is None:
            return
        session = self.context.session
        people = [r[0] for r in self._conn.execute(
            "SELECT name FROM people WHERE active = 1 ORDER BY name")]

        def solved(solution: Solution | None) -> None:
            if solution is None:
                return
            try:
                decision_id = None
                if solution.decision:
                    decision_id = session.record_decision(
                        solution.decision, issue_id=issue.id,
                        context={"section": "issues", "issue": issue.id, "title": issue.title,
                                 "evidence": issue.evidence})
                if solution.action:
                    kwargs = {"issue_id": issue.id}
                    if decision_id is not None:
                        kwargs["decision_id"] = decision_id
                    session.add_action_item(solution.action, solution.owner, solution.due, **kwargs)
                records.solve_issue(self._conn, issue.id, meeting_id=session.meeting_id,
                                    resolution=solution.resolution)
            except UserError as error:
                self.notify(str(error), severity="error", markup=False)
            self.post_message(SectionDataChanged())
            self.reload()
            self._to_next_open()
            self.notify(f"Issue #{issue.id} solved.", markup=False)

        self.app.push_screen(SolveIssue(issue, people, local_today(self.context.settings)), solved)

    def action_drop(self) -> None:
        issue = self._open_current()
        if issue is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                records.drop_issue(self._conn, issue.id, meeting_id=self.context.session.meeting_id,
                                   resolution="dropped in the meeting")
                self.post_message(SectionDataChanged())
                self.reload()
                self._to_next_open()

        self.app.push_screen(Confirm(f"Drop issue #{issue.id}?", one_line(issue.title, 70),
                                     yes="Drop"), answer)

    def edit_targets(self) -> list:
        from smarketing_tui.tui.corrections import EditTarget

        issue = self._current()
        if issue is None or issue.status != "open":
            return []
        return [EditTarget("issue", issue.id, issue.title)]

    def decision_context(self) -> dict | None:
        issue = self._current()
        if issue is None:
            return None
        return {"section": "issues", "issue": issue.id, "title": issue.title,
                "evidence": issue.evidence}
