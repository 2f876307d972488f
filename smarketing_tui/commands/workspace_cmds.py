"""``smarketing init`` and ``smarketing check``."""

from __future__ import annotations

from pathlib import Path

import click

from smarketing_tui.errors import UserError


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a workspace in DIRECTORY (default: here) with the shipped templates."""
    from smarketing_tui.workspace import init_workspace

    workspace = init_workspace(directory)
    click.echo(f"Created a smarketing workspace in {workspace.root}")
    click.echo("  smarketing.yaml    settings and people (edit the people first)")
    click.echo("  agendas/           weekly and monthly agendas, the SLA")
    click.echo("  data/smarketing.db the store (fill it with 'smarketing import')")
    click.echo("  minutes/           exported minutes")


@click.command()
@click.pass_obj
def check(state) -> None:
    """Validate smarketing.yaml and every YAML file in agendas/."""
    from smarketing_tui.validation import check_workspace

    workspace = state.workspace()
    problems = check_workspace(workspace)
    for path, message in problems:
        click.echo(message, err=True)
    if problems:
        from smarketing_tui.timeutil import counted

        raise UserError(f"{counted(len(problems), 'file')} with errors")
    click.echo(f"{workspace.root}: all files are valid")
