"""The smarketing app: one factory for the CLI, the demo and the tests.

``SmarketingApp(workspace, agenda_path=...)`` starts a meeting of that agenda,
first offering to resume an unfinished one; ``meeting_id=`` resumes that
meeting directly. The app's return value (:class:`MeetingOutcome`) says how the
meeting was left, for the CLI to print.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.screen import Screen
from textual.widgets import Static

from smarketing_tui.errors import UserError
from smarketing_tui.workspace import Workspace


@dataclass(frozen=True)
class MeetingOutcome:
    """How the app ended: ``left`` (paused, resumable), ``ended``, or ``quit`` before starting."""

    how: str
    meeting_id: int | None = None
    summary: str = ""


class LobbyScreen(Screen):
    """What shows under the resume question, and while the meeting opens."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(Text(self.text), id="lobby")


HANG_UP_GRACE_S = 10  # seconds a hung-up app may take to leave before it is ended


class SmarketingApp(App[MeetingOutcome]):
    """Runs one meeting: start or resume, walk the agenda, leave or end."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere work too
    TITLE = "smarketing"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, workspace: Workspace, *, agenda_path: Path | str | None = None,
                 meeting_id: int | None = None, clock: Callable[[], datetime] | None = None,
                 new_meeting: bool = False, agenda=None, settings=None,
                 amend: bool = False) -> None:
        """``agenda``/``settings``: already loaded and validated (the CLI passes them, so the
        files are not read twice); otherwise they are read from ``agenda_path``."""
        super().__init__()
        self.workspace = workspace
        self.agenda_path = agenda_path
        self.meeting_id = meeting_id
        self.new_meeting = new_meeting
        self.amend = amend  # meeting_id names an ended meeting, reopened for corrections
        self.clock = clock
        self.session = None  # the MeetingSession once opened
        self.settings = settings
        self.error: str | None = None
        self.error_code = 2  # the exit code for ``error``: 1 when the store or disk is broken
        self._agenda = agenda
        self._unfinished: int | None = None
        self._resume_text = ("", "")

    def get_default_screen(self) -> Screen:
        """The meeting screen itself when there is nothing to ask (the quick path), else a
        lobby under the resume question (or under an error, shown by exiting)."""
        try:
            self._prepare()
        except UserError as error:
            self.error, self.error_code = str(error), error.exit_code
        if self.session is not None:
            from smarketing_tui.tui.meeting_screen import MeetingScreen

            return MeetingScreen(self.session, self.workspace)
        return LobbyScreen("smarketing — an unfinished meeting is waiting")

    def on_load(self) -> None:
        # Before anything is drawn: a hang-up that came between the first paint and mount
        # found no handler, and under nohup (SIGHUP ignored, inherited) was lost for good.
        self._catch_hangup()

    def on_mount(self) -> None:
        if self.error is not None:
            self.exit(MeetingOutcome("error", summary=self.error), return_code=self.error_code)
        elif self.session is None and self._unfinished is not None:
            self._ask_to_resume()

    def on_ready(self) -> None:
        """The first screen is up: the garbage collector runs again (``smarketing run`` holds
        it while the app loads; see commands/meeting_cmds.py)."""
        import gc

        gc.enable()

    def _catch_hangup(self) -> None:
        """Closing the terminal window (SIGHUP) or SIGTERM leaves the meeting paused, as q does."""
        import asyncio
        import signal

        try:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(signum, self._hang_up)
        except (NotImplementedError, RuntimeError, AttributeError, ValueError):
            pass  # not on this platform, or not in the main thread (tests): the heartbeat covers it

    def _hang_up(self) -> None:
        self._leave()
        # The meeting is saved paused by now. With its terminal gone, Textual's shutdown can
        # stall writing to a closed pty (seen on a loaded machine): a last resort ends the
        # process if it has not ended on its own a while later. Nothing is left to restore.
        import os
        import threading

        def last_resort() -> None:
            os._exit(self.return_code or 0)

        timer = threading.Timer(HANG_UP_GRACE_S, last_resort)
        timer.daemon = True
        timer.start()

    def _handle_exception(self, error: Exception) -> None:
        """An error no handler caught (the store damaged or read-only mid-meeting, a full
        disk, a bug) ends the app as one line, as every command's errors do (errors.explain),
        with the meeting left paused where it can still be written; a bug's traceback goes to
        a crash report. Tests (headless) and ``SMARKETING_DEBUG=1`` keep Textual's own
        handling. This overrides Textual's private hook: Textual 8 has no public one for
        unhandled errors (and its version is pinned)."""
        from smarketing_tui.tui.failure import failure_line

        failure = failure_line(error, self.workspace.db_path, self.is_headless)
        if failure is None:
            super()._handle_exception(error)
            return
        message, code = failure
        session = self.session
        try:
            if session is not None and not session.is_ended and not session.is_paused:
                session.leave()
        except (sqlite3.Error, OSError, UserError):
            pass  # the store takes no writes: the heartbeat's last save is what a resume finds
        self.error, self.error_code = message, code
        self.exit(MeetingOutcome("error", summary=message), return_code=code)

    def _clock_kwargs(self) -> dict:
        kwargs = {"settings": self.settings}
        if self.clock is not None:
            kwargs["clock"] = self.clock
        return kwargs

    def _prepare(self) -> None:
        """Open the meeting at once (resume by id, or start when none is unfinished);
        otherwise remember the unfinished one to ask about."""
        from smarketing_tui.agenda import load_agenda
        from smarketing_tui.meeting import (MeetingSession, agenda_ref, describe_meeting,
                                            find_unfinished)
        from smarketing_tui.store import connect

        self.settings = self.settings or self.workspace.settings()
        if self.meeting_id is not None and self.amend:
            self.session = MeetingSession.amend(self.workspace, self.meeting_id,
                                                **self._clock_kwargs())
            return
        if self.meeting_id is not None:
            self.session = MeetingSession.resume(self.workspace, self.meeting_id,
                                                 **self._clock_kwargs())
            return
        if self._agenda is None:
            path = Path(self.agenda_path) if self.agenda_path else self.workspace.agenda_path()
            self._agenda = load_agenda(path, self.settings)
        unfinished = None
        if not self.new_meeting and self.workspace.db_path.exists():
            conn = connect(self.workspace.db_path)
            try:
                unfinished = find_unfinished(conn, agenda_ref(self.workspace, self._agenda))
                if unfinished is not None:
                    self._resume_text = (describe_meeting(conn, unfinished,
                                                          self.settings.timezone),
                                         _still_open_warning(conn, unfinished))
            except sqlite3.Error:
                unfinished = None  # an unmigrated store: start() migrates it
            finally:
                conn.close()
        if unfinished is None:
            self.session = MeetingSession.start(self.workspace, self._agenda,
                                                **self._clock_kwargs())
        else:
            self._unfinished = unfinished

    def _ask_to_resume(self) -> None:
        from smarketing_tui.meeting import MeetingSession
        from smarketing_tui.tui.modals import ResumeDialog

        unfinished = self._unfinished

        def chosen(choice: str | None) -> None:
            try:
                if choice == "resume":
                    self._open(MeetingSession.resume(self.workspace, unfinished,
                                                     **self._clock_kwargs()))
                elif choice == "new":
                    self._open(MeetingSession.start(self.workspace, self._agenda,
                                                    **self._clock_kwargs()))
                else:
                    self.exit(MeetingOutcome("quit", unfinished,
                                             "Nothing changed; the unfinished meeting waits."))
            except UserError as error:
                self.error, self.error_code = str(error), error.exit_code
                self.exit(MeetingOutcome("error", summary=str(error)),
                          return_code=error.exit_code)

        description, warning = self._resume_text
        self.push_screen(ResumeDialog(description, warning), chosen)

    def _open(self, session) -> None:
        from smarketing_tui.tui.meeting_screen import MeetingScreen

        self.session = session
        self.push_screen(MeetingScreen(session, self.workspace))

    def on_meeting_closed(self, message) -> None:
        """The meeting screen was left or the meeting ended: exit, saying how."""
        session = self.session
        summary = _summary(session, message.how)
        if message.minutes_files:
            summary += "\nMinutes written to " + " and ".join(message.minutes_files)
        self.exit(MeetingOutcome(message.how, session.meeting_id, summary))

    async def action_quit(self) -> None:
        """ctrl+q: leave a running meeting paused, then quit."""
        self._leave()

    def _leave(self) -> None:
        """Leave a running meeting paused (its clock banked) and exit saying so: ctrl+q,
        SIGTERM and SIGHUP all end here."""
        session = self.session
        if session is not None and not session.is_ended and not session.is_paused:
            session.leave()
        if session is not None and session.amending:
            session.finish_amending()
        if session is not None:
            self.exit(MeetingOutcome("left" if not session.is_ended else "ended",
                                     session.meeting_id, _summary(session, "left")))
        elif self._unfinished is not None:
            self.exit(MeetingOutcome("quit", self._unfinished,
                                     "Nothing changed; the unfinished meeting waits."))
        else:
            self.exit(MeetingOutcome("quit"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        from smarketing_tui.tui.meeting_screen import MeetingScreen

        if not isinstance(screen, MeetingScreen):
            return
        commands = (
            ("agenda: next section", "Go to the next agenda section (])", "next_section"),
            ("agenda: previous section", "Go back one section ([)", "previous_section"),
            ("record: decision", "Record a decision in this section (d)", "decision"),
            ("record: action item", "Add an action item with owner and due date (a)",
             "action_item"),
            ("record: note", "Add a note to this section (n)", "note"),
            ("record: issue", "Raise an issue for the issues list (i)", "issue"),
            ("record: edit", "Correct a decision, action item, note (or the highlighted issue, "
             "talking point, check-in line) of this section; the old words are kept (e)",
             "edit_record"),
            ("record: delete", "Delete a record of this section; undo brings it back (X)",
             "delete_record"),
            ("record: undo delete", "Bring back the record deleted last (U)", "undo_delete"),
            ("clock: pause / resume", "Pause or resume the meeting clock (space)",
             "toggle_clock"),
            ("meeting: leave", "Leave now; the meeting is paused and can be resumed (q)",
             "leave"),
            ("meeting: end", "End the meeting and freeze the scorecard (ctrl+e)", "end_meeting"),
            ("export: minutes", "Write the minutes so far to minutes/ as Markdown and HTML (M)",
             "export_minutes"),
            ("help: keys", "Every key of this screen and section (?)", "help"),
        )
        for title, help_text, action in commands:
            if screen.check_action(action, ()):
                yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))
        session = screen.session
        if not session.is_ended:
            for state in session.sections:
                if state.position != session.current:
                    yield SystemCommand(
                        f"agenda: go to {state.position + 1}. {state.title}",
                        f"Jump to this section ({state.type})",
                        lambda position=state.position: screen.go_to_section(position),
                        discover=False)


def _still_open_warning(conn, meeting_id: int) -> str:
    """A warning when the meeting's clock beat seconds ago: it may be open in another window."""
    from smarketing_tui.meeting import TICK_SECONDS
    from smarketing_tui.timeutil import now_utc, parse_utc

    row = conn.execute("SELECT MAX(running_since) FROM meeting_sections WHERE meeting_id = ?",
                       (meeting_id,)).fetchone()
    if not row or not row[0]:
        return ""
    age = (now_utc() - parse_utc(row[0])).total_seconds()
    if 0 <= age <= 3 * TICK_SECONDS:
        return ("Its clock ticked a few seconds ago: it may still be open in another window. "
                "Resuming here takes it over.")
    return ""


def _summary(session, how: str | None) -> str:
    from smarketing_tui.timeutil import counted
    from smarketing_tui.tui.meeting_screen import clock_text

    if session is None:
        return ""
    counts = session.counts()
    recorded = ", ".join(counted(counts[key], noun) for key, noun in (
        ("decisions", "decision"), ("actions", "action item"), ("notes", "note"),
        ("issues", "issue")))
    used = clock_text(session.total_elapsed())
    command = "smarketing" + _workspace_option(session.workspace)
    if session.amending:
        return (f"Meeting #{session.meeting_id} corrected (its {used} and scorecard as they "
                f"were): {recorded}. Minutes: {command} minutes {session.meeting_id}")
    if session.is_ended:
        return (f"Meeting #{session.meeting_id} ended after {used}: {recorded}. "
                f"Minutes: {command} minutes {session.meeting_id}")
    section = session.current_section.title
    return (f"Meeting #{session.meeting_id} paused at '{section}' after {used}: {recorded}. "
            f"Resume with: {command} run " + session.agenda.name.removesuffix(".yaml"))


def _workspace_option(workspace: Workspace) -> str:
    """' -w DIR' when a command typed here would not find this workspace by itself."""
    import os
    import shlex

    from smarketing_tui.workspace import ENV_VAR

    root = workspace.root.resolve()
    here = Path.cwd().resolve()
    if os.environ.get(ENV_VAR) and Path(os.environ[ENV_VAR]).expanduser().resolve() == root:
        return ""
    if here == root or root in here.parents:
        return ""
    return f" -w {shlex.quote(str(root))}"
