"""``smarketing import``: bring CRM and marketing-automation exports into the store."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

KIND_CHOICES = ("leads", "events", "campaigns", "activities", "deals", "engagements")
PRESET_CHOICES = ("hubspot", "salesforce", "pipedrive", "zoho", "hubspot-forms", "google-ads",
                  "generic")
PROGRESS_AFTER_SECONDS = 0.5


@click.command("import")
@click.argument("kind", type=click.Choice(KIND_CHOICES), metavar="KIND")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--preset", type=click.Choice(PRESET_CHOICES),
              help="The export's source. Leads: hubspot contacts, salesforce leads report, "
                   "pipedrive deals, zoho leads. Deals: hubspot deals, salesforce "
                   "opportunities report, pipedrive deals, zoho potentials. Engagements: "
                   "hubspot contacts (conversions, page views, source), hubspot-forms form "
                   "submissions, google-ads search terms, generic one event per row.")
@click.option("--mapping", "mapping_path", metavar="MAP.yaml",
              type=click.Path(dir_okay=False, path_type=Path),
              help="A mapping file (on top of --preset when both are given).")
@click.option("--dry-run", is_flag=True, help="Check the file and report counts; write nothing.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the good rows; write the bad ones to <name>.rejects.csv beside FILE.")
@click.option("--strict", is_flag=True,
              help="Refuse the file when it has suspicious values (dates before 1990 or "
                   "in the future, negative amounts) instead of warning about them.")
@click.pass_obj
def import_(state, kind: str, file: Path, preset: str | None, mapping_path: Path | None,
            dry_run: bool, skip_invalid: bool, strict: bool) -> None:
    """Import KIND (leads, events, campaigns, activities, deals, engagements) from FILE.

    All or nothing: one bad row and nothing is written (unless --skip-invalid).
    Values that are read but look wrong are warned about (refused with --strict).
    Re-importing a newer export updates rows by their id; empty cells keep
    the values already in the store.
    """
    # A store that cannot be written (read-only, a full disk) undoes the transaction and
    # reaches the user as one line by the CLI's error path (errors.explain).
    from smarketing_tui.importing import ImportRejected, choose_mapping, run_import
    from smarketing_tui.importing.engine import ImportWarned
    from smarketing_tui.store import open_connection

    workspace = state.workspace()
    settings = workspace.settings()
    mapping, note = choose_mapping(kind, file, preset=preset, mapping_path=mapping_path)
    if note:
        click.echo(note, err=True)
    # The raw connection: the import needs no sqlite-utils (importing it cost a tenth of a
    # 100,000-row import).
    conn = open_connection(workspace.db_path, settings)
    progress = _ProgressBar(file) if sys.stderr.isatty() else None
    try:
        report = run_import(conn, mapping, file, workspace_tz=settings.timezone,
                            dry_run=dry_run, skip_invalid=skip_invalid, strict=strict,
                            progress=progress.update if progress else None, label=str(file))
    except ImportRejected as rejected:
        if progress:
            progress.close()
        for line in rejected.report.problem_lines():
            click.echo(line, err=True)
        more = rejected.report.bad_rows - len({p.line for p in rejected.report.problems})
        if more > 0:
            click.echo(f"... and {more} more bad row{'s' if more != 1 else ''}", err=True)
        for line in rejected.report.warning_lines():
            click.echo(line, err=True)
        raise
    except ImportWarned as warned:
        if progress:
            progress.close()
        for line in warned.report.warning_lines():
            click.echo(line, err=True)
        raise
    else:
        currency_lines = _currency_warnings(conn, report, settings.currency)
    finally:
        if progress:
            progress.close()
        conn.close()
    for line in report.problem_lines() + report.warning_lines() + currency_lines:
        click.echo(line, err=True)
    _print_report(report, settings.timezone)


def _currency_warnings(conn, report, currency: str) -> list[str]:
    """A warning when the store now holds amounts in another currency than the workspace's."""
    from smarketing_tui.store import MONEY_TABLES, other_currencies
    from smarketing_tui.timeutil import counted

    if report.dry_run or report.kind not in MONEY_TABLES:
        return []
    others = other_currencies(conn, report.kind, currency)
    if not others:
        return []
    found = ", ".join(f"{counted(n, _ROW_WORD[report.kind])} in {code}"
                      for code, n in others.items())
    return [f"warning: the store has {found}, but the workspace counts money in {currency}; "
            f"amounts are summed as stored, never converted: set currency: in smarketing.yaml "
            f"if {next(iter(others))} is right, or map the currency in the import"]


_ROW_WORD = {"leads": "lead", "deals": "deal", "campaigns": "campaign"}


def _print_report(report, tz: str) -> None:
    from smarketing_tui.timeutil import counted, format_datetime, format_number

    how = f"preset {report.preset}" if report.preset else (
        f"mapping {report.mapping}" if report.mapping else "columns named after the fields")
    if report.dry_run:
        click.echo(f"Dry run: {report.file} checked, nothing written.")
        verb = "would be "
    else:
        click.echo(f"Imported {report.file} into {report.kind} ({report.source_label}, {how}).")
        verb = ""
    rows = counted(report.rows, "row")
    click.echo(f"  read as {report.read_as}; {rows}")
    counts = [format_number(c) for c in (report.inserted, report.updated, report.unchanged,
                                         report.skipped)]
    click.echo(f"  {verb}inserted {counts[0]}, {verb}updated {counts[1]}, "
               f"unchanged {counts[2]}, skipped {counts[3]}")
    if report.newest_at:
        newest = format_datetime(report.newest_at, tz)
        click.echo(f"  newest timestamp in the file: {newest} ({tz})")
    if report.first_contacts_derived:
        derived = report.first_contacts_derived
        click.echo(f"  first contact derived from the events for {counted(derived, 'lead')}")
    if report.kind == "deals" and report.deals_without_lead:
        unmatched = report.deals_without_lead
        verb_s = "matches" if unmatched == 1 else "match"
        click.echo(f"  {counted(unmatched, 'deal')} {verb_s} no lead (kept; linked when "
                   "a leads import brings the lead)")
    if report.without_lead:
        click.echo(f"  {counted(report.without_lead, 'engagement')} left out: their click id "
                   "matches no lead's ad click (import the contacts export first)")
    if report.leads_derived:
        click.echo(f"  won and lost dates and amounts taken from the deals for "
                   f"{counted(report.leads_derived, 'lead')}")
    if report.missing_columns:
        click.echo("  not in the file (left as they were): " + ", ".join(report.missing_columns))
    if report.rejects_path:
        click.echo(f"  {counted(report.skipped, 'bad row')} written to {report.rejects_path}")


class _ProgressBar:
    """A rich progress bar on stderr, shown only once an import takes a moment."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.started = time.monotonic()
        self.bar = None
        self.task = None

    def update(self, done: int, total: int) -> None:
        from rich.markup import escape

        if self.bar is None:
            if time.monotonic() - self.started < PROGRESS_AFTER_SECONDS or done >= total:
                return
            from rich.console import Console
            from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                                       TimeRemainingColumn)

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                TimeRemainingColumn(), console=Console(stderr=True),
                                transient=True)
            self.bar.start()
            self.task = self.bar.add_task(f"importing {escape(self.file.name)}", total=total)
        finishing = done >= total  # the file is read; indexes and the commit remain
        self.bar.update(self.task, completed=done,
                        description=f"{'writing' if finishing else 'importing'} "
                                    f"{escape(self.file.name)}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
