"""``smarketing init``, ``smarketing check`` and ``smarketing backup``."""

from __future__ import annotations

from pathlib import Path

import click

from smarketing_tui.errors import UserError


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def init(state, directory: Path) -> None:
    """Create a workspace in DIRECTORY (default: here) with the shipped templates."""
    from smarketing_tui.i18n import _
    from smarketing_tui.workspace import init_workspace

    from smarketing_tui import i18n

    # The language of this run when --lang or $SMARKETING_LANG chose it, else the system's.
    workspace = init_workspace(directory,
                               language=i18n.current() if state.language_chosen else None)
    click.echo(_("Created a smarketing workspace in {folder}").format(folder=workspace.root))
    for name, what in (("smarketing.yaml", _("settings and people (edit the people first)")),
                       ("agendas/", _("weekly and monthly agendas, the SLA")),
                       ("data/smarketing.db", _("the store (fill it with 'smarketing import')")),
                       ("minutes/", _("exported minutes"))):
        click.echo(f"  {name:<18} {what}")


@click.command()
@click.option("--store", "deep", is_flag=True,
              help="Also read the whole store: SQLite's integrity check and broken references.")
@click.pass_obj
def check(state, deep: bool) -> None:
    """Validate smarketing.yaml, every YAML file in agendas/ and the store (that it opens;
    with --store, every page of it)."""
    from smarketing_tui.validation import check_workspace

    workspace = state.workspace(check_store=False)
    if workspace.agendas_dir.exists():
        import os

        os.listdir(workspace.agendas_dir)  # an unreadable folder is an error, not "no files"
    problems = check_workspace(workspace)
    for path, message in problems:
        click.echo(message, err=True)
    store_verdict = _check_store(workspace.db_path, deep)
    from smarketing_tui.i18n import _, ngettext

    if problems:
        raise UserError(ngettext("{count} file with errors", "{count} files with errors",
                                 len(problems)).format(count=len(problems)))
    click.echo(_("{folder}: all files are valid").format(folder=workspace.root))
    if store_verdict:
        click.echo(store_verdict)


def _check_store(path: Path, deep: bool) -> str:
    """'' or, with ``deep``, a line saying the store is sound; raises when it is not."""
    import sqlite3

    from smarketing_tui.errors import BrokenEnvironment, store_advice
    from smarketing_tui.store import check_file, check_tables, connect
    from smarketing_tui.timeutil import counted

    check_file(path)
    conn = connect(path, readonly=True)
    try:
        check_tables(conn, path)
        if not deep:
            return ""
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as error:  # damage the check itself trips over
            problems = [str(error)]
        if problems != ["ok"]:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise BrokenEnvironment(f"{path} fails SQLite's integrity check: {problems[0]}{more}; "
                                    f"{store_advice(path)}")
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            table, rowid, parent, _ = broken[0]
            raise BrokenEnvironment(f"{path} has {counted(len(broken), 'broken reference')}, "
                                    f"first: row {rowid} of {table} points to a missing {parent} "
                                    f"row; {store_advice(path)}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    return (f"{path}: the store is sound (integrity check ok, no broken references, "
            f"schema {version})")


@click.command()
@click.argument("file", required=False, metavar="[FILE]",
                type=click.Path(path_type=str))
@click.pass_obj
def backup(state, file: str | None) -> None:
    """Copy the store, consistently even while a meeting or an import writes, to FILE
    (default: a new timestamped file in the workspace's backups/ folder; a FILE ending in /
    is a folder to put it in). Never over the store or a file of the workspace."""
    from smarketing_tui.backup import backup_store

    workspace = state.workspace()
    target = backup_store(workspace.db_path, file)
    click.echo(f"Backed up {workspace.db_path} to {target}")
