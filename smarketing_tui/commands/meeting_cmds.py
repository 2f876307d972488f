"""``smarketing run [AGENDA]``: open the meeting screen (and ``open_meeting`` for the demo)."""

from __future__ import annotations

import gc
from pathlib import Path

import click

from smarketing_tui.commands.ids import RECORD_ID
from smarketing_tui.errors import UserError


@click.command()
@click.argument("agenda", required=False, metavar="[AGENDA]")
@click.option("--new", "new_meeting", is_flag=True,
              help="Start a new meeting even when an unfinished one of this agenda waits.")
@click.option("--resume", "meeting_id", type=RECORD_ID, metavar="ID",
              help="Resume the unfinished meeting with this id.")
@click.option("--amend", "amend", metavar="MEETING",
              help="Reopen an ended meeting (an id, a date or 'last') to correct what it "
                   "recorded: edit, delete, undo. Its time and frozen scorecard stay as they "
                   "were; its minutes are written again when you leave.")
@click.pass_obj
def run(state, agenda: str | None, new_meeting: bool, meeting_id: int | None,
        amend: str | None) -> None:
    """Run a meeting of AGENDA (default: agendas/weekly.yaml).

    AGENDA is a file, or a name in agendas/ such as 'weekly' or 'monthly'. The
    agenda is checked before the screen opens. When a meeting of it was left
    unfinished (or the process died), you are asked whether to resume it.
    """
    _pause_garbage_collection()
    try:
        workspace = state.workspace()
        given = [name for name, used in (("--new", new_meeting), ("--resume", meeting_id),
                                         ("--amend", amend)) if used]
        if len(given) > 1:
            raise UserError(f"{' and '.join(given)} exclude each other")
        settings = workspace.settings()
        loaded = None
        if amend is not None:
            amend_id = _check_amendable(workspace, settings, amend)
            require_terminal("run --amend")
            open_meeting(workspace, meeting_id=amend_id, amend=True, settings=settings)
            return
        if meeting_id is not None:
            _check_resumable(workspace, settings, meeting_id)
        else:
            from smarketing_tui.agenda import load_agenda

            # A bad agenda is one line, exit 2, before any screen opens.
            loaded = load_agenda(workspace.agenda_path(agenda), settings)
        require_terminal("run")
        open_meeting(workspace, loaded, meeting_id=meeting_id, new_meeting=new_meeting,
                     settings=settings)
    finally:
        gc.enable()  # also after an error (tests run commands in-process)


WEB_DRIVER = "textual.drivers.web_driver:WebDriver"  # what textual-serve runs its apps with


def require_terminal(command: str) -> None:
    """The screen needs a terminal on both ends: refuse (exit 2) when stdin or stdout is a
    file, a pipe or /dev/null, rather than draw into a pipe and wait for keys that never come."""
    import os
    import sys

    if os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER:
        return  # served to a browser by `smarketing serve`: the pipes are the web driver's
    missing = [name for name, stream in (("input", sys.stdin), ("output", sys.stdout))
               if stream is None or not stream.isatty()]
    if missing:
        raise UserError(f"'smarketing {command}' needs a terminal, but its {' and '.join(missing)} "
                        f"{'is' if len(missing) == 1 else 'are'} not one (a pipe, a file or "
                        "/dev/null); run it in a terminal window (for scripts: 'smarketing "
                        "scorecard', 'minutes', 'actions')")


def _pause_garbage_collection() -> None:
    """No garbage collection while the app loads and draws its first screen: importing
    Textual and the rest makes some 50,000 objects that live as long as the process, and
    the collector scanned them again and again (a few ms of the start). The app turns it
    back on once its first screen is up (``SmarketingApp.on_ready``); ``run`` does on its
    way out whatever happened."""
    gc.disable()


def _freeze_startup_objects() -> None:
    """Move everything loaded so far (modules, settings, the agenda) out of the garbage
    collector's reach: these objects live as long as the process, and scanning them made a
    full collection cost 20-35 ms in the middle of drawing the first screen (and later in
    the middle of a section change)."""
    gc.freeze()  # no collect() first: that alone is a full collection


def open_meeting(workspace, agenda=None, *, meeting_id: int | None = None,
                 new_meeting: bool = False, settings=None, amend: bool = False) -> None:
    """Open the meeting app on ``workspace`` (the demo command calls this) and print how the
    meeting was left. ``agenda``: a loaded Agenda, a path or name, or None for weekly."""
    from smarketing_tui.agenda import Agenda
    from smarketing_tui.tui.app import SmarketingApp

    loaded = agenda if isinstance(agenda, Agenda) else None
    path = None
    if agenda is not None and loaded is None:
        path = Path(agenda) if Path(agenda).exists() else workspace.agenda_path(str(agenda))
    app = SmarketingApp(workspace, agenda_path=path, agenda=loaded, settings=settings,
                        meeting_id=meeting_id, new_meeting=new_meeting, amend=amend)
    _freeze_startup_objects()
    outcome = app.run()
    if app.error:
        error = UserError(app.error)
        error.exit_code = app.error_code
        raise error
    if outcome is not None and outcome.summary:
        try:
            click.echo(outcome.summary)
        except OSError:
            pass  # the terminal is gone (its window closed): the meeting is saved all the same


def _check_resumable(workspace, settings, meeting_id: int) -> None:
    """--resume ID: refuse before any screen opens when there is nothing to resume."""
    from smarketing_tui.store import open_store

    db = open_store(workspace.db_path, settings)
    try:
        row = db.conn.execute("SELECT status FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
    finally:
        db.close()
    if row is None:
        raise UserError(f"no meeting #{meeting_id} in {workspace.db_path}")
    if row[0] == "ended":
        raise UserError(f"meeting #{meeting_id} has ended; it cannot be resumed "
                        f"(its minutes: smarketing minutes {meeting_id})")


def _check_amendable(workspace, settings, ref: str) -> int:
    """--amend MEETING: the id of an ended meeting, or one line saying why not."""
    from smarketing_tui.minutes import resolve_meeting
    from smarketing_tui.store import open_store

    db = open_store(workspace.db_path, settings)
    try:
        meeting_id = resolve_meeting(db.conn, ref, settings.timezone)
        status = db.conn.execute("SELECT status FROM meetings WHERE id = ?",
                                 (meeting_id,)).fetchone()[0]
    finally:
        db.close()
    if status != "ended":
        raise UserError(f"meeting #{meeting_id} has not ended; resume it with 'smarketing run "
                        f"--resume {meeting_id}' and correct it there")
    return meeting_id
