"""The ``smarketing`` command line: a thin layer over the domain modules.

Subcommands are imported lazily (see ``COMMANDS``), so ``smarketing scorecard``
never pays for importing Textual.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field

import click

from smarketing_tui import __version__
from smarketing_tui.errors import debug_enabled, explain, one_line, write_crash_report

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
    "follow": "smarketing_tui.commands.follow_cmd:follow",
    "serve": "smarketing_tui.commands.serve_cmd:serve",
    "minutes": "smarketing_tui.commands.minutes_cmds:minutes",
    "actions": "smarketing_tui.commands.minutes_cmds:actions",
    "decisions": "smarketing_tui.commands.minutes_cmds:decisions",
    "backup": "smarketing_tui.commands.workspace_cmds:backup",
    "forget": "smarketing_tui.commands.forget_cmd:forget",
    "seating": "smarketing_tui.commands.seating_cmd:seating",
}


@dataclass
class CliState:
    """Shared state for subcommands; the workspace is found on first use."""

    workspace_option: str | None = None
    language_chosen: bool = False  # by --lang or $SMARKETING_LANG, not smarketing.yaml
    _workspace: object | None = field(default=None, repr=False)

    def workspace(self, *, check_store: bool = True):
        """The workspace; with ``check_store`` (every command but ``check``) its store must be
        there and look like a smarketing store (:func:`store.check_file`), or one line says why."""
        from smarketing_tui.workspace import find_workspace

        if self._workspace is None:
            self._workspace = find_workspace(self.workspace_option)
        if check_store:
            from smarketing_tui.store import check_file

            check_file(self._workspace.db_path)
        return self._workspace

    @property
    def store_path(self):
        """The workspace's store once the workspace is known (named in SQLite errors)."""
        return getattr(self._workspace, "db_path", None)


class UserFacingError(click.ClickException):
    """A failure on its way out: ``Error: <one line>`` on stderr, exit code 2 or 1."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


_CLICK_FLOW = (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context):
        """Run the command; any failure becomes one line and an exit code (errors.explain).

        Unexpected exceptions also leave their traceback in a crash report file;
        ``SMARKETING_DEBUG=1`` lets every traceback through instead."""
        try:
            return super().invoke(ctx)
        except _CLICK_FLOW:
            raise
        except Exception as error:
            if debug_enabled():
                raise
            state = ctx.obj if isinstance(ctx.obj, CliState) else None
            message, code, unexpected = explain(error, state.store_path if state else None)
            if unexpected:
                report = write_crash_report(error, sys.argv)
                message += (f"; the full report is in {report}" if report else "")
                message += "; run again with SMARKETING_DEBUG=1 to see the traceback"
            raise UserFacingError(message, code) from None

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
@click.option("--lang", "language", metavar="nb|en",
              help="Language of this run (default: $SMARKETING_LANG, else language: in "
                   "smarketing.yaml, else en).")
@click.version_option(__version__, prog_name="smarketing")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, language: str | None) -> None:
    """Run the weekly sales + marketing (smarketing) meeting from the terminal."""
    ctx.obj = CliState(workspace_option=workspace,
                       language_chosen=bool(language or os.environ.get("SMARKETING_LANG")))
    _choose_language(language, workspace)


def _choose_language(option: str | None, workspace_option: str | None) -> None:
    """Set the run's language before a command module is loaded or anything is written."""
    from smarketing_tui import i18n

    configured = None
    if not option and not os.environ.get("SMARKETING_LANG"):
        from smarketing_tui.errors import UserError
        from smarketing_tui.workspace import configured_language, find_workspace

        try:
            configured = configured_language(find_workspace(workspace_option).root)
        except (UserError, OSError):
            pass  # no workspace (yet), or none readable: the command says so if it needs one
    try:
        i18n.use(i18n.choose(option, configured=configured))
    except i18n.UnknownLanguage as error:
        if option:
            raise click.BadParameter(str(error), param_hint="'--lang'") from None
        from smarketing_tui.errors import UserError

        raise UserError(str(error)) from None


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``smarketing`` script and ``python -m smarketing_tui``.

    Every failure ends here as one line on stderr, ``Error: ...``, and exit code 2 (bad
    input, including bad arguments) or 1 (a broken environment, or a bug)."""
    try:
        code = cli.main(args=argv, prog_name="smarketing", standalone_mode=False)
    except _NO_ARGS_IS_HELP as error:  # `smarketing` alone: the help, as click shows it
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.UsageError as error:
        command = error.ctx.command_path if error.ctx is not None else "smarketing"
        _fail(f"{error.format_message()} (see '{command} -h')", error.exit_code)
    except click.ClickException as error:
        _fail(error.format_message(), error.exit_code)
    except click.exceptions.Abort:
        _fail("aborted", 1)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:  # e.g. `smarketing scorecard | head`
        _quiet_broken_pipe()
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)


# click 8.2 and later: a group run without a command shows its help this way.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _fail(message: str, exit_code: int) -> None:
    try:
        click.echo(f"Error: {one_line(message)}", err=True)
        sys.stdout.flush()
    except OSError:  # a closed pipe or a hung-up terminal: the exit code still tells
        _quiet_broken_pipe()
    sys.exit(exit_code)


def _quiet_broken_pipe() -> None:
    """Point stdout at /dev/null so Python's exit does not fail flushing it again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.stderr.close()
