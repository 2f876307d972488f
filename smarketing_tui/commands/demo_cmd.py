"""``smarketing demo``: build a workspace full of made-up data and open the meeting on it."""

from __future__ import annotations

import importlib
import importlib.util
import shlex
import sys
from pathlib import Path

import click

from smarketing_tui.errors import UserError

_MEETING_MODULE = "smarketing_tui.commands.meeting_cmds"


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", type=int, default=2026, show_default=True, metavar="N",
              help="Seed of the made-up data: the same seed on the same day gives the same store.")
@click.option("--no-open", "no_open", is_flag=True,
              help="Only build the workspace and print what it holds.")
def demo(directory: Path | None, seed: int, no_open: bool) -> None:
    """Build a demo workspace (in DIRECTORY, else a temporary folder) and open the meeting.

    The demo company has 4 marketers, 5 sellers, about 3,000 leads over 12 weeks,
    campaigns, touches, last week's meeting with its action items, and an SLA that
    is green on some lines and red on others.
    """
    import tempfile

    from smarketing_tui.demo import build_demo, summarize
    from smarketing_tui.workspace import SETTINGS_FILE

    if directory is not None and (directory / SETTINGS_FILE).exists():
        raise UserError(f"{directory} is already a smarketing workspace; give a new folder, "
                        "or none to build the demo in a temporary folder")
    root = directory if directory is not None else \
        Path(tempfile.mkdtemp(prefix="smarketing-demo-"))
    workspace = build_demo(root, seed=seed)
    _print_summary(workspace, summarize(workspace))
    if no_open:
        return
    open_meeting = _meeting_opener()
    if open_meeting is None:
        return
    if not _in_terminal():
        click.echo("Not a terminal, so the meeting screen stays closed; open it with the "
                   "'run' command above.")
        return
    open_meeting(workspace)


def _in_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _meeting_opener():
    """``open_meeting`` of the meeting commands, once the meeting screen exists."""
    if importlib.util.find_spec(_MEETING_MODULE) is None:
        return None
    return getattr(importlib.import_module(_MEETING_MODULE), "open_meeting", None)


def _print_summary(workspace, summary) -> None:
    from smarketing_tui.timeutil import format_date, format_datetime, format_number

    settings = workspace.settings()
    where = shlex.quote(str(workspace.root))
    exported = ""
    if summary.export_finished_at:
        finished = format_datetime(summary.export_finished_at, settings.timezone)
        exported = f", {summary.export_label} of {finished}"
    lines = [
        f"Built a demo workspace for {summary.company} in {workspace.root}",
        f"  people      {summary.people} ({summary.marketers} marketing, {summary.sellers} sales)",
        f"  leads       {format_number(summary.leads)} ({format_number(summary.mqls)} MQLs), "
        f"{format_number(summary.events)} touches",
        f"  marketing   {summary.campaigns} campaigns, {format_number(summary.activities)} "
        "logged activities",
        f"  period      {summary.first_week} to {summary.last_week} "
        f"({format_date(summary.first_day)} – {format_date(summary.last_day)}){exported}",
        f"  meetings    {summary.meetings} earlier weekly meetings, {summary.open_actions} open "
        f"action items, {summary.open_issues} open issues",
        "",
        "Point any command at it:",
        f"  smarketing -w {where} scorecard",
        f"  smarketing -w {where} run",
        f"  export SMARKETING_WORKSPACE={where}",
    ]
    click.echo("\n".join(lines))
