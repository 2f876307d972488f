"""``smarketing follow``: the meeting another process runs on this store, read-only.

The layout is the meeting screen's (top bar, agenda, the section's view), and the
section views are the meeting screen's own, shown disabled: no key or click reaches
them, so nothing they could write is ever asked for. They read a
:class:`~smarketing_tui.follow.FollowedMeeting` on the app's one read-only
connection. Every half second the app asks the store whether anything was committed
(``PRAGMA data_version``, see :mod:`smarketing_tui.follow`); only then does it read
the meeting again and redraw what changed.

The attendee moves through the agenda freely ([ and ], or the agenda column); the
facilitator is not moved. While the attendee stays on the facilitator's section the
view goes along with the facilitator; ``f`` comes back to it from anywhere.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widgets import Static

from smarketing_tui.errors import UserError
from smarketing_tui.follow import FollowedMeeting, StoreWatch, records_fingerprint, running_meeting
from smarketing_tui.timeutil import format_date
from smarketing_tui.tui import agenda_column
from smarketing_tui.tui.agenda_column import AgendaColumn
from smarketing_tui.tui.keybar import KeyBar
from smarketing_tui.tui.meeting_screen import TopBar, _row, clock_text, period_text
from smarketing_tui.tui.sections.base import SectionContext, SectionView
from smarketing_tui.tui.sections.common import clean
from smarketing_tui.workspace import Workspace

POLL_SECONDS = 0.5  # how often the store is asked whether anything was committed


class WaitingScreen(Screen):
    """No meeting runs on the store: say so, and wait for one to start."""

    BINDINGS = [Binding("q", "app.quit", "Quit", id="follow.quit")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(Text(self.text), id="lobby")
        yield KeyBar(show_command_palette=False)

    def say(self, text: str) -> None:
        self.text = text
        if self.is_mounted:
            self.query_one("#lobby", Static).update(Text(text))


class FollowScreen(Screen):
    """One meeting as the facilitator runs it, and any of its sections as the attendee picks."""

    AUTO_FOCUS = "#agenda"
    HELP = ("You follow the meeting: the section the facilitator is on, with what is recorded "
            "as it is recorded. [ and ] (or the agenda) open other sections without moving the "
            "facilitator; f comes back. Nothing here can change the meeting.")

    BINDINGS = [
        Binding("right_square_bracket", "next_section", "Next", key_display="]",
                id="follow.next", tooltip="Look at the next section (the facilitator stays)"),
        Binding("left_square_bracket", "previous_section", "Prev", key_display="[",
                id="follow.previous", tooltip="Look at the previous section"),
        Binding("f", "facilitator", "Facilitator", id="follow.facilitator",
                tooltip="Back to the section the facilitator is on"),
        Binding("M", "minutes", "Minutes", key_display="M", id="follow.minutes",
                tooltip="The minutes so far, as Markdown, delivered to you"),
        Binding("q", "app.quit", "Quit", id="follow.quit", tooltip="Stop following"),
    ]

    def __init__(self, meeting: FollowedMeeting, workspace: Workspace) -> None:
        super().__init__()
        self.meeting = meeting
        self.workspace = workspace
        self.viewing = meeting.current  # the section on screen
        self.current_view: SectionView | None = None
        self._views: dict[int, SectionView] = {}  # kept, as the meeting screen keeps them
        self._fingerprint = records_fingerprint(meeting.conn, meeting.meeting_id)

    @property
    def following(self) -> bool:
        """Whether the attendee is on the facilitator's section (and so goes along)."""
        return self.viewing == self.meeting.current

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        with Horizontal(id="body"):
            yield AgendaColumn(id="agenda")
            with Container(id="section-host"):
                yield Static(id="follow-records")
                self.current_view = self._views[self.viewing] = self._make_view(self.viewing)
                yield self.current_view
        yield KeyBar(show_command_palette=False)

    def on_mount(self) -> None:
        self.title = self.meeting.agenda.title
        self._draw_agenda()
        self._draw_records()
        self._refresh_clock()
        self.set_interval(1, self._refresh_clock, name="clock")

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < agenda_column.NARROW_BELOW, "-narrow")
        self.call_after_refresh(self._draw_agenda)

    def _make_view(self, position: int) -> SectionView:
        meeting = self.meeting
        spec = meeting.agenda.sections[position]
        context = SectionContext(workspace=self.workspace, settings=meeting.settings,
                                 agenda=meeting.agenda, section=spec, session=meeting,
                                 extras={"period": meeting.period, "read_only": True})
        # Disabled: neither keys nor clicks reach the view or anything in it.
        return follow_view_class(spec.type)(context, id=f"section-{position}",
                                            classes="section-view", disabled=True)

    # -- what the store says ------------------------------------------------------------

    def store_changed(self) -> None:
        """Something was committed: read the meeting again, redraw what changed."""
        meeting = self.meeting
        was_following = self.following
        meeting.refresh()
        fingerprint = records_fingerprint(meeting.conn, meeting.meeting_id)
        recorded = fingerprint != self._fingerprint
        self._fingerprint = fingerprint
        if was_following and not self.following:
            self._show(meeting.current)  # the facilitator moved on: go along
        elif recorded and self.current_view is not None:
            self.current_view.reload()
        self._draw_agenda()
        if recorded:
            self._draw_records()
        self._refresh_clock()

    # -- drawing ------------------------------------------------------------------------

    def _theme(self, name: str, fallback: str) -> str:
        return getattr(self.app.current_theme, name, None) or fallback

    def _agenda_width(self) -> int:
        width = self.query_one(AgendaColumn).scrollable_content_region.width
        return width or agenda_column.column_width(self.app.size.width) - 1

    def _draw_agenda(self) -> None:
        agenda = self.query_one(AgendaColumn)
        agenda.set_prompts([self._agenda_prompt(s.position) for s in self.meeting.sections])
        agenda.highlighted = self.viewing

    def _agenda_prompt(self, position: int) -> Text:
        return agenda_column.section_prompt(self.meeting, position, self._agenda_width(),
                                            self._theme)

    def _refresh_clock(self) -> None:
        meeting = self.meeting
        error, warning = self._theme("error", "red"), self._theme("warning", "yellow")
        self.query_one(AgendaColumn).update_prompt(meeting.current,
                                                   self._agenda_prompt(meeting.current))
        left = Text()
        left.append(meeting.agenda.title, style="bold")
        left.append(" · ")
        left.append(period_text(meeting.period))
        right = Text()
        planned = meeting.agenda.planned_minutes * 60
        if meeting.is_ended:
            right.append("ended ", style="bold")
        elif meeting.is_paused:
            right.append("⏸ paused ", style=f"bold {warning}")
        else:
            right.append("⏱ ")
        right.append(f"{clock_text(meeting.total_elapsed())} of {clock_text(planned)}")
        state = meeting.current_section
        where = Text()
        where.append("Facilitator: " if not meeting.is_ended else "Ended at: ", style="dim")
        where.append(f"{meeting.current + 1}/{len(meeting.sections)} ", style="dim")
        where.append(state.title)
        used = meeting.elapsed()
        where.append(f"  {clock_text(used)} of {clock_text(state.timebox_seconds)}",
                     style=f"bold {error}" if used > state.timebox_seconds else "")
        mode = Text()
        if meeting.is_ended:
            mode.append("the meeting has ended; waiting for the next", style="dim")
        elif self.following:
            mode.append("following the facilitator", style="dim")
        else:
            mode.append(f"you look at {self.viewing + 1}/{len(meeting.sections)} · "
                        "f: back to the facilitator", style=f"bold {warning}")
        width = self.size.width or 120
        self.query_one(TopBar).update(Group(_row(left, right, width // 2),
                                            _row(where, mode, width // 2)), layout=False)

    def _draw_records(self) -> None:
        """What was recorded in the section on screen, under views that do not list it."""
        panel = self.query_one("#follow-records", Static)
        from smarketing_tui.tui.free_sections import DiscussionView

        if isinstance(self.current_view, DiscussionView):  # it lists them itself
            panel.display = False
            return
        found = self.meeting.section_records(self.viewing)
        text = Text()
        text.append("Recorded in this section", style="bold")
        lines = [("Decision", d.text) for d in found["decisions"]]
        lines += [("Action", f"{a.text} — {a.owner or 'no owner'}, due "
                   f"{format_date(a.due) if a.due else '–'}") for a in found["actions"]]
        lines += [("Note", n["text"]) for n in found["notes"]]
        if not lines:
            text.append("  nothing yet", style="dim")
        for kind, line in lines:
            text.append(f"\n{kind}: ", style="dim")
            text.append(clean(line))  # Text.append never parses markup
        panel.update(text)
        panel.display = True

    # -- moving the attendee (never the facilitator) -----------------------------------

    def _show(self, position: int) -> None:
        if position == self.viewing and self.current_view is not None:
            return
        view = self._views.get(position)
        host = self.query_one("#section-host", Container)
        if self.current_view is not None:
            self.current_view.display = False
        if view is None:
            view = self._views[position] = self._make_view(position)
            host.mount(view)
        else:
            view.display = True
            view.reload()
        self.current_view = view
        self.viewing = position
        self.query_one(AgendaColumn).highlighted = position
        self._draw_records()
        self._refresh_clock()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_section" and self.viewing + 1 >= len(self.meeting.sections):
            return None
        if action == "previous_section" and self.viewing == 0:
            return None
        if action == "facilitator" and self.following:
            return None
        return True

    def action_next_section(self) -> None:
        self._show(min(self.viewing + 1, len(self.meeting.sections) - 1))
        self.refresh_bindings()

    def action_previous_section(self) -> None:
        self._show(max(self.viewing - 1, 0))
        self.refresh_bindings()

    def action_facilitator(self) -> None:
        self._show(self.meeting.current)
        self.refresh_bindings()

    @on(AgendaColumn.Selected, "#agenda")
    def _agenda_selected(self, event: AgendaColumn.Selected) -> None:
        self._show(event.position)
        self.refresh_bindings()

    def action_minutes(self) -> None:
        self._deliver_minutes()

    @work(thread=True, exclusive=True, group="minutes")
    def _deliver_minutes(self) -> None:
        """The minutes so far as Markdown, handed over by Textual (in a browser: a download;
        in a terminal: a file in the downloads folder), never a path on the server."""
        from smarketing_tui.minutes import load_minutes, minutes_file_name, render
        from smarketing_tui.store import open_readonly

        try:
            conn = open_readonly(self.meeting.db_path)
            try:
                minutes = load_minutes(conn, self.meeting.meeting_id, self.meeting.settings)
                name = f"{minutes_file_name(conn, minutes)}.md"
            finally:
                conn.close()
            text = render(minutes, "md")
        except (UserError, sqlite3.Error) as error:
            self.app.call_from_thread(self.notify, str(error), title="No minutes",
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self._deliver, text, name)

    def _deliver(self, text: str, name: str) -> None:
        self.app.deliver_text(io.StringIO(text), save_filename=name, name=name,
                              mime_type="text/markdown")
        self.notify(f"Minutes so far: {name}", markup=False)


def follow_view_class(kind: str) -> type[SectionView]:
    """The meeting screen's view of a section type, but for the lead definition (whose
    meeting view records the SLA's definition in the store): a read-only one."""
    if kind == "lead_definition":
        return ReadOnlyLeadDefinitionView
    from smarketing_tui.tui.free_sections import FREE_SECTION_VIEWS, DiscussionView
    from smarketing_tui.tui.sections import view_class

    return view_class(kind) or FREE_SECTION_VIEWS.get(kind, DiscussionView)


def _read_only_lead_definition():
    from smarketing_tui.tui.free_sections import LeadDefinitionView

    class ReadOnlyLeadDefinitionView(LeadDefinitionView):
        """The lead definition as the SLA file has it, with the versions already on record."""

        @work(thread=True, exclusive=True, group="lead-definition")
        def _load(self) -> None:
            from smarketing_tui.sla import lead_definition_history, load_sla
            from smarketing_tui.store import open_readonly

            session = self.context.session
            try:
                sla = load_sla(self.context.agenda.sla_path, session.settings)
                conn = open_readonly(session.db_path)
            except UserError as error:
                self.app.call_from_thread(self._show, None, [], str(error))
                return
            try:
                history = lead_definition_history(conn)
            finally:
                conn.close()
            self.app.call_from_thread(self._show, sla.lead_definition, history, None)

    return ReadOnlyLeadDefinitionView


ReadOnlyLeadDefinitionView = _read_only_lead_definition()


NO_MEETING = ("No meeting is running on this store.\n\nThis view opens the meeting as soon as "
              "the facilitator starts one ('smarketing run'). q quits.")


class FollowApp(App[None]):
    """Follows the running meeting of a workspace's store, never writing to it."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "smarketing follow"
    ENABLE_COMMAND_PALETTE = False  # nothing to do here that a key does not

    CSS = """
    #follow-records {
        dock: bottom;
        height: auto;
        max-height: 40%;
        padding: 0 1;
        border-top: hkey $primary 40%;
    }
    /* The views are disabled so that nothing reaches them; they must not look dimmed. */
    #section-host .section-view:disabled, #section-host .section-view *:disabled {
        opacity: 100%;
        text-opacity: 100%;
    }
    """

    def __init__(self, workspace: Workspace, settings=None) -> None:
        super().__init__()
        self.workspace = workspace
        self.settings = settings
        self.conn: sqlite3.Connection | None = None
        self.watch: StoreWatch | None = None
        self.meeting: FollowedMeeting | None = None
        self.error: str | None = None
        self.error_code = 2

    def get_default_screen(self) -> Screen:
        from smarketing_tui.store import open_readonly

        try:
            self.settings = self.settings or self.workspace.settings()
            self.conn = open_readonly(self.workspace.db_path)
            self.watch = StoreWatch(self.conn)
        except UserError as error:
            self.error, self.error_code = str(error), error.exit_code
        return WaitingScreen(NO_MEETING)

    def on_mount(self) -> None:
        if self.error is not None:
            self.exit(return_code=self.error_code)
            return
        self._look_for_meeting()
        self.set_interval(POLL_SECONDS, self._poll, name="poll")

    def on_unmount(self) -> None:
        if self.conn is not None:
            self.conn.close()

    def _poll(self) -> None:
        if not self.watch.changed():
            return
        if self.meeting is None or self.meeting.is_ended:
            if self._look_for_meeting():
                return
        if self.meeting is not None and isinstance(self.screen, FollowScreen):
            self.screen.store_changed()

    def _look_for_meeting(self) -> bool:
        """Open the running meeting (a new one after the last ended); True when one opened."""
        found = running_meeting(self.conn)
        if found is None or (self.meeting is not None and found == self.meeting.meeting_id):
            return False
        try:
            self.meeting = FollowedMeeting.open(self.workspace, self.conn, found,
                                                settings=self.settings)
        except UserError as error:
            if isinstance(self.screen, WaitingScreen):
                self.screen.say(f"{NO_MEETING}\n\nMeeting #{found} runs, but: {error}")
            return False
        screen = FollowScreen(self.meeting, self.workspace)
        if isinstance(self.screen, FollowScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        return True

    def _handle_exception(self, error: Exception) -> None:
        """As the meeting app: an error no handler caught ends the app as one line."""
        from smarketing_tui.tui.failure import failure_line

        failure = failure_line(error, self.workspace.db_path, self.is_headless)
        if failure is None:
            super()._handle_exception(error)
            return
        self.error, self.error_code = failure
        self.exit(return_code=self.error_code)
