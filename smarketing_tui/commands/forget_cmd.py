"""``smarketing forget``: remove a person's leads, touches and engagements from the store."""

from __future__ import annotations

import click


@click.command()
@click.argument("lead", metavar="LEAD")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; remove nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before removing.")
@click.pass_obj
def forget(state, lead: str, dry_run: bool, yes: bool) -> None:
    """Forget the person LEAD names (a lead's id as the export named it, or an e-mail: every
    lead with it): their leads, sales touches and engagements are deleted, their deals kept
    without them; minutes keep only their counts. Meeting records that mention the person
    are listed for you to edit."""
    from smarketing_tui.forget import forget as forget_person
    from smarketing_tui.store import open_connection
    from smarketing_tui.timeutil import counted

    workspace = state.workspace()
    conn = open_connection(workspace.db_path, workspace.settings())
    try:
        found = forget_person(conn, lead, dry_run=True, store_path=workspace.db_path)
        names = ", ".join(f"{external_id}" + (f" ({' '.join(name.split())})" if name else "")
                          for external_id, name in found.leads)
        what = (f"{counted(len(found.leads), 'lead')} {names}: {counted(found.events, 'touch', 'touches')}"
                f" and {counted(found.engagements, 'engagement')}")
        if dry_run:
            click.echo(f"Dry run: would forget {what}; nothing removed.")
        else:
            if not yes:
                click.confirm(f"Forget {what}?", abort=True, err=True)
            found = forget_person(conn, lead, store_path=workspace.db_path)
            click.echo(f"Forgot {what}.")
    finally:
        conn.close()
    if found.deals_unlinked:
        verb = "would be" if dry_run else "are"
        click.echo(f"  {counted(found.deals_unlinked, 'deal')} {verb} kept without the lead "
                   "(the deal metrics keep their numbers)")
    click.echo("  the minutes of past meetings hold only counts; they are unchanged")
    if found.mentions:
        click.echo("  mentioned in " + ", ".join(found.mentions)
                   + " (free text: edit it by hand if it holds personal data)")
    if found.backups:
        from smarketing_tui.backup import backups_dir

        click.echo(f"  {counted(found.backups, 'backup')} in {backups_dir(workspace.db_path)} "
                   "made before now still hold the lead")
