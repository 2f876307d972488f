"""The ``smarketing`` command line: a thin layer over the domain modules.

Subcommands are imported lazily (see ``COMMANDS``), so ``smarketing scorecard``
never pays for importing Textual.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field

import click

from smarketing_tui import __version__
from smarketing_tui.errors import UserError

# name -> "module:attribute"; each module owns its commands.
COMMANDS: dict[str, str] = {
    "init": "smarketing_tui.commands.workspace_cmds:init",
    "check": "smarketing_tui.commands.workspace_cmds:check",
    "import": "smarketing_tui.commands.import_cmd:import_",
    "demo": "smarketing_tui.commands.demo_cmd:demo",
    "scorecard": "smarketing_tui.commands.report_cmds:scorecard",
    "metrics": "smarketing_tui.commands.report_cmds:metrics",
    "drill": "smarketing_tui.commands.report_cmds:drill",
    "run": "smarketing_tui.commands.meeting_cmds:run",
    "prep": "smarketing_tui.commands.prep_cmd:prep",
    "minutes": "smarketing_tui.commands.minutes_cmds:minutes",
    "actions": "smarketing_tui.commands.minutes_cmds:actions",
    "decisions": "smarketing_tui.commands.minutes_cmds:decisions",
}


@dataclass
class CliState:
    """Shared state for subcommands; the workspace is found on first use."""

    workspace_option: str | None = None
    _workspace: object | None = field(default=None, repr=False)

    def workspace(self):
        from smarketing_tui.workspace import find_workspace

        if self._workspace is None:
            self._workspace = find_workspace(self.workspace_option)
        return self._workspace


class UserFacingError(click.ClickException):
    """A :class:`UserError` on its way out: ``Error: <one line>`` on stderr, exit 2 (or the
    error's own exit code: 1 for an :class:`~smarketing_tui.errors.EnvironmentFailure`)."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as error:
            raise UserFacingError(str(error), error.exit_code) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--workspace", "-w", "workspace", metavar="DIR",
              type=click.Path(file_okay=False, path_type=str),
              help="Workspace folder (default: $SMARKETING_WORKSPACE, else the nearest folder "
                   "with smarketing.yaml from here up).")
@click.version_option(__version__, prog_name="smarketing")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None) -> None:
    """Run the weekly sales + marketing (smarketing) meeting from the terminal."""
    ctx.obj = CliState(workspace_option=workspace)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``smarketing`` script and ``python -m smarketing_tui``."""
    try:
        cli.main(args=argv, prog_name="smarketing")
    except BrokenPipeError:  # e.g. `smarketing scorecard | head`
        sys.stderr.close()
        sys.exit(0)
