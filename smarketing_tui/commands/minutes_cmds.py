"""``smarketing minutes``, ``smarketing actions`` and ``smarketing decisions``.

``actions`` is a group: alone (or ``actions list``) it lists action items;
``actions done ID`` and ``actions drop ID`` close one. Heavy imports stay
inside the functions so the CLI starts fast.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import click

from smarketing_tui.commands.ids import MAX_ID, RECORD_ID
from smarketing_tui.errors import UserError

if TYPE_CHECKING:
    from smarketing_tui.workspace import Workspace


# -- minutes --------------------------------------------------------------------------------


def _render(workspace: Workspace, ref: str | int | None, fmt: str):
    from smarketing_tui.minutes import load_minutes, minutes_file_name, render, resolve_meeting
    from smarketing_tui.store import open_store

    settings = workspace.settings()
    db = open_store(workspace.db_path, settings)
    try:
        meeting_id = resolve_meeting(db.conn, ref, settings.timezone)
        minutes = load_minutes(db.conn, meeting_id, settings)
        name = f"{minutes_file_name(db.conn, minutes)}.{fmt}"
    finally:
        db.close()
    return minutes, render(minutes, fmt), name


@click.command()
@click.argument("meeting", required=False, default="last", metavar="[MEETING]")
@click.option("--format", "-f", "fmt", type=click.Choice(["md", "html", "json", "ics"]),
              default="md", show_default=True,
              help="md: Markdown; html: one printable page; json: schema smarketing.minutes/1; "
                   "ics: open action items as iCalendar to-dos.")
@click.option("--output", "-o", metavar="FILE",
              help="Write to FILE; a folder (an existing one, or DIR/) gets a file named like "
                   "2026-11-23-weekly.md. Never the store, smarketing.yaml, an agenda or another "
                   "file of the workspace. Default: standard output. With --send --dry-run: "
                   "the .eml file.")
@click.option("--save", "-s", is_flag=True,
              help="Write into the workspace's minutes/ folder (as the meeting's wrap-up does).")
@click.option("--send", is_flag=True,
              help="E-mail the minutes (HTML with a plain-text alternative, open action items "
                   "as .ics) to the attendees, through smtp: in smarketing.yaml.")
@click.option("--to", "to", multiple=True, metavar="ADDRESS",
              help="With --send: send to ADDRESS (an e-mail, or a person's name) instead of the "
                   "attendees; repeat for more.")
@click.option("--dry-run", is_flag=True,
              help="With --send: write the message as an .eml file (-o, default the minutes/ "
                   "folder) instead of sending it.")
@click.pass_obj
def minutes(state, meeting: str, fmt: str, output: str | None, save: bool, send: bool,
            to: tuple[str, ...], dry_run: bool) -> None:
    """Print, save or e-mail the minutes of MEETING: an id, a date (23.11.2026 or 2026-11-23)
    or 'last' (the default: the most recent meeting, finished or not).

    \b
    smarketing minutes last --send             e-mail them to the attendees
    smarketing minutes last --send --to ADDR   ... to ADDR instead (repeatable)
    smarketing minutes last --send --dry-run   write the .eml, send nothing
    The password: $SMARKETING_SMTP_PASSWORD or the system keyring, never smarketing.yaml.
    """
    from smarketing_tui import outputs

    workspace = state.workspace()
    if save and output is not None:
        raise UserError("use either --save or --output, not both")
    if (to or dry_run) and not send:
        raise UserError(f"{'--to' if to else '--dry-run'} goes with --send")
    if send and save:
        raise UserError("use either --send or --save, not both")
    if send and output is not None and not dry_run:
        raise UserError("--output with --send needs --dry-run (it names the .eml file written "
                        "instead of sending)")
    if send and click.get_current_context().get_parameter_source("fmt").name != "DEFAULT":
        raise UserError("--format does not go with --send: the e-mail holds HTML, a plain-text "
                        "part and the .ics")
    if meeting.lstrip("#").isdigit() and not 1 <= int(meeting.lstrip("#")) <= MAX_ID:
        raise UserError(f"MEETING {meeting} is not a meeting id; ids are whole numbers from 1 "
                        f"to {MAX_ID}")
    if send:
        _send(workspace, meeting, to, dry_run, output)
        return
    minutes_value, text, name = _render(workspace, meeting, fmt)
    if save:
        outputs.make_folder(workspace.minutes_dir)
        output = str(workspace.minutes_dir)
    if outputs.is_stdout(output):
        click.echo(text, nl=False)
        _note_unfinished(minutes_value)
        return
    target = outputs.write_output(output, text, name, workspace)
    click.echo(f"Wrote {target}")


def _note_unfinished(minutes_value) -> None:
    if not minutes_value.finished:
        click.echo(f"Note: meeting #{minutes_value.meeting_id} is not finished "
                   f"({minutes_value.status}); the minutes say so at the top.", err=True)


def _send(workspace: Workspace, ref: str, to: tuple[str, ...], dry_run: bool,
          output: str | None) -> None:
    """``--send``: build the message; write it (``--dry-run``) or hand it to the server."""
    from smarketing_tui import mailing, outputs

    settings = workspace.settings()
    minutes_value, _, name = _render(workspace, ref, "md")
    stem = name.rsplit(".", 1)[0]
    if settings.smtp is None and not dry_run:
        raise UserError(f"{workspace.settings_path}: no smtp: settings, so there is no server "
                        "to send through; add smtp: with host, port, starttls and sender (see "
                        "the README), or use --dry-run")
    sender = settings.smtp.sender if settings.smtp else mailing.PLACEHOLDER_SENDER
    people = mailing.recipients(minutes_value, settings, to)
    message = mailing.minutes_message(minutes_value, people, sender, f"{stem}-actions.ics")

    def notes() -> None:  # after the message went out (or was written), not before an error
        for person in people.without_email:
            click.echo(f"Note: {person} has no e-mail address in smarketing.yaml and gets no "
                       "copy.", err=True)
        _note_unfinished(minutes_value)

    if dry_run:
        if output is None:
            outputs.make_folder(workspace.minutes_dir)
            output = str(workspace.minutes_dir)
        target = outputs.write_output(output, message.as_bytes(), f"{stem}.eml", workspace)
        if settings.smtp is None:
            click.echo(f"Note: smarketing.yaml has no smtp: settings; the From line is a "
                       f"placeholder ({sender}).", err=True)
        click.echo(f"Wrote {target} (not sent; for {mailing.addresses_text(message)})")
        notes()
        return
    smtp = settings.smtp
    refused = mailing.send_message(message, smtp)
    sent = [a for a in people.addresses if a not in refused]
    via = f"{smtp.host}:{smtp.port}{', STARTTLS' if smtp.starttls else ''}"
    click.echo(f"Sent the minutes of meeting #{minutes_value.meeting_id} to {', '.join(sent)} "
               f"(via {via})")
    notes()
    for address, reply in refused.items():
        click.echo(f"Warning: the server refused {address} ({reply}); they got no copy.",
                   err=True)


# -- actions --------------------------------------------------------------------------------

_output_option = click.option(
    "--output", "-o", metavar="FILE", default=None,
    help="Write csv or json (decisions: also md) to FILE; a folder (an existing one, or DIR/) "
         "gets a file named like actions.csv. Never the store or a file of the workspace. "
         "Default: standard output.")


def _open_db(state):
    from smarketing_tui.store import open_store

    workspace = state.workspace()
    settings = workspace.settings()
    return open_store(workspace.db_path, settings), settings


def _console():
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def _action_rows(conn, items):
    """Action items with the title and date of the meeting that created them."""
    meetings = {mid: (title, stamp) for mid, title, stamp in conn.execute(
        "SELECT id, title, COALESCE(started_at, created_at) FROM meetings")}
    return [(item, meetings.get(item.meeting_id)) for item in items]


def _list_actions(state, owner: str | None, status_filter: str, fmt: str,
                  output: str | None = None) -> None:
    from smarketing_tui import outputs, records
    from smarketing_tui.minutes import completion_text, due_text
    from smarketing_tui.timeutil import format_date, now_utc, to_local

    outputs.refuse_table(output, fmt)
    db, settings = _open_db(state)
    try:
        conn = db.conn
        if owner is not None:
            from smarketing_tui.people import lookup

            owner = lookup(owner, settings.people).name  # exact, unique prefix, did you mean
        status = None if status_filter == "all" else "open"
        items = records.list_action_items(conn, status=status, owner=owner)
        rows = _action_rows(conn, items)
        rate = records.action_completion_rate(conn, tz=settings.timezone,
                                              goal=settings.action_completion_goal)
    finally:
        db.close()
    today = to_local(now_utc(), settings.timezone).date()
    if fmt == "json":
        from smarketing_tui.minutes_render.to_json import action_json, completion_json, dumps

        document = {"schema": "smarketing.actions/1",
                    "items": [{**action_json(item), "overdue": item.is_overdue(today),
                               "meeting_title": meeting[0] if meeting else None}
                              for item, meeting in rows],
                    "action_completion": completion_json(rate)}
        outputs.emit(dumps(document), output, "actions.json", state.workspace())
        return
    if fmt == "csv":
        text = outputs.csv_text(
            ["id", "text", "owner", "due", "status", "carried_over", "overdue", "meeting_id",
             "meeting_title", "created_at", "done_at", "comment"],
            ([item.id, item.text, item.owner, item.due, item.status, item.carried_over,
              "yes" if item.is_overdue(today) else "no", item.meeting_id,
              meeting[0] if meeting else None, item.created_at, item.done_at, item.comment]
             for item, meeting in rows))
        outputs.emit(text, output, "actions.csv", state.workspace())
        return
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    scope = "open" if status == "open" else "all"
    who = f" of {owner}" if owner else ""
    if not rows:
        console.print(f"No {scope} action items{escape(who)}.")
    else:
        table = Table(title=f"Action items{escape(who)} ({scope})", title_justify="left")
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("Action item", overflow="fold")
        table.add_column("Owner")
        table.add_column("Due")
        if status is None:
            table.add_column("Status")
        table.add_column("Carried", justify="right")
        table.add_column("Meeting")
        for item, meeting in rows:
            due = escape(due_text(item))
            if item.is_overdue(today):
                due = f"[red]{due} overdue[/red]"
            origin = (f"#{item.meeting_id} {format_date(to_local(meeting[1], settings.timezone))}"
                      if meeting else "–")
            cells = [str(item.id), escape(item.text), escape(item.owner or "–"), due]
            if status is None:
                cells.append(item.status)
            cells += [f"{item.carried_over}×" if item.carried_over else "", origin]
            table.add_row(*cells)
        console.print(table)
    console.print(f"Completion rate: {escape(completion_text(rate))}")


@click.group(invoke_without_command=True)
@click.option("--owner", metavar="NAME", help="Only this person's items (name or alias).")
@click.option("--open", "status_filter", flag_value="open", default=True,
              help="Only open items (the default).")
@click.option("--all", "status_filter", flag_value="all", help="Open, done and dropped items.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv"]),
              default="table", show_default=True)
@_output_option
@click.pass_context
def actions(ctx: click.Context, owner: str | None, status_filter: str, fmt: str,
            output: str | None) -> None:
    """List action items with owner, due date and how often each was carried over, plus the
    completion rate (done by the due date over the last 4 meetings, against the goal).

    \b
    smarketing actions [--owner NAME] [--open|--all] [--format table|json|csv] [-o FILE]
    smarketing actions done ID     mark an item done
    smarketing actions drop ID     drop an item (no longer worth doing)
    """
    if ctx.invoked_subcommand is None:
        _list_actions(ctx.obj, owner, status_filter, fmt, output)


@actions.command("list")
@click.option("--owner", metavar="NAME", help="Only this person's items (name or alias).")
@click.option("--open", "status_filter", flag_value="open", default=True, help="Only open items.")
@click.option("--all", "status_filter", flag_value="all", help="Open, done and dropped items.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv"]),
              default="table", show_default=True)
@_output_option
@click.pass_obj
def actions_list(state, owner: str | None, status_filter: str, fmt: str,
                 output: str | None) -> None:
    """List action items (the same as 'smarketing actions' alone)."""
    _list_actions(state, owner, status_filter, fmt, output)


def _person_named(typed: str | None, settings) -> str | None:
    """The name of the person ``typed`` means (people.lookup), None when not given."""
    from smarketing_tui.people import lookup

    return lookup(typed, settings.people).name if typed is not None else None


# ignore_unknown_options: "-1" reaches the id check instead of passing for an option
@actions.command("done", context_settings={"ignore_unknown_options": True})
@click.argument("item_id", type=RECORD_ID, metavar="ID")
@click.option("--comment", "-m", metavar="TEXT", help="How it went (kept in the history).")
@click.option("--by", metavar="NAME", help="Who marks it (name or alias).")
@click.pass_obj
def actions_done(state, item_id: int, comment: str | None, by: str | None) -> None:
    """Mark action item ID done."""
    from smarketing_tui import records

    db, settings = _open_db(state)
    try:
        before = records.get_action_item(db.conn, item_id)
        if before.status == "done":
            click.echo(f"Action item #{item_id} was already done.")
            return
        if before.status == "dropped":
            raise UserError(f"action item #{item_id} was dropped; it cannot be done now")
        item = records.complete_action_item(db.conn, item_id, by=_person_named(by, settings),
                                       comment=comment)
    finally:
        db.close()
    click.echo(f"Done: #{item.id} {item.text}")


@actions.command("drop", context_settings={"ignore_unknown_options": True})
@click.argument("item_id", type=RECORD_ID, metavar="ID")
@click.option("--comment", "-m", metavar="TEXT", help="Why it is dropped (kept in the history).")
@click.option("--by", metavar="NAME", help="Who drops it (name or alias).")
@click.pass_obj
def actions_drop(state, item_id: int, comment: str | None, by: str | None) -> None:
    """Drop action item ID: no longer worth doing. It stays in the history."""
    from smarketing_tui import records

    db, settings = _open_db(state)
    try:
        before = records.get_action_item(db.conn, item_id)
        if before.status == "dropped":
            click.echo(f"Action item #{item_id} was already dropped.")
            return
        if before.status == "done":
            raise UserError(f"action item #{item_id} is done; it cannot be dropped")
        item = records.drop_action_item(db.conn, item_id, by=_person_named(by, settings),
                                       comment=comment)
    finally:
        db.close()
    click.echo(f"Dropped: #{item.id} {item.text}")


# -- corrections ----------------------------------------------------------------------------


def _by_option(what: str):
    return click.option("--by", metavar="NAME",
                        help=f"Who {what} (a name or alias from smarketing.yaml); kept in the "
                             "revision. Default: your login name.")


def _editor(settings, by: str | None) -> str:
    """Who a correction on the command line is by: --by (a known person), else the login."""
    if by is None:
        import getpass

        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return "command line"
    person = settings.person(by)
    if person is None:
        from smarketing_tui.yamlfile import suggest

        names = [p.name for p in settings.people]
        raise UserError(f"--by: unknown person {by!r}{suggest(by, names)}; people are listed "
                        "in smarketing.yaml")
    return person.name


def _due_date(text: str) -> date | None:
    from smarketing_tui.minutes import parse_day

    if text.strip().lower() in ("", "none"):
        return None
    day = parse_day(text)
    if day is None:
        raise UserError(f"--due {text!r} is not a date; expected dd.mm.yyyy or yyyy-mm-dd "
                        "(or 'none' for no due date)")
    return day


def _changed_words(fields: list[str]) -> str:
    from smarketing_tui.minutes import REVISION_FIELDS

    return ", ".join(REVISION_FIELDS.get(f, f) for f in fields)


@actions.command("edit", context_settings={"ignore_unknown_options": True})
@click.argument("item_id", type=RECORD_ID, metavar="ID")
@click.option("--text", metavar="TEXT", help="The corrected text.")
@click.option("--owner", metavar="NAME", help="The corrected owner (name or alias).")
@click.option("--due", metavar="DATE", help="The corrected due date (dd.mm.yyyy or yyyy-mm-dd; "
              "'none' for no due date).")
@_by_option("corrects it")
@click.pass_obj
def actions_edit(state, item_id: int, text: str | None, owner: str | None, due: str | None,
                 by: str | None) -> None:
    """Correct action item ID's text, owner or due date; the old values are kept as
    revisions (the minutes mark it amended). Moving a promise is 'carry over' in the
    action review; this is for what was entered wrong."""
    from smarketing_tui import records

    changes: dict[str, object] = {}
    if text is not None:
        changes["text"] = text
    if owner is not None:
        changes["owner"] = owner
    if due is not None:
        changes["due"] = _due_date(due)
    if not changes:
        raise UserError("nothing to change; give --text, --owner or --due")
    db, settings = _open_db(state)
    try:
        editor = _editor(settings, by)
        records.get_action_item(db.conn, item_id)
        changed = records.edit_record(db.conn, "action_item", item_id, by=editor, **changes)
        item = records.get_action_item(db.conn, item_id)
    finally:
        db.close()
    if not changed:
        click.echo(f"Action item #{item_id} already reads so; nothing changed.")
    else:
        click.echo(f"Corrected {_changed_words(changed)} of #{item.id}: {item.text}")


@actions.command("delete", context_settings={"ignore_unknown_options": True})
@click.argument("item_id", type=RECORD_ID, metavar="ID")
@_by_option("deletes it")
@click.pass_obj
def actions_delete(state, item_id: int, by: str | None) -> None:
    """Delete action item ID entered by mistake (to close a real one: done or drop). It
    leaves lists and minutes; its revision keeps the text."""
    from smarketing_tui import records

    db, settings = _open_db(state)
    try:
        editor = _editor(settings, by)
        item = records.get_action_item(db.conn, item_id)
        records.delete_record(db.conn, "action_item", item_id, by=editor)
    finally:
        db.close()
    click.echo(f"Deleted action item #{item_id}: {item.text}")


# -- decisions ------------------------------------------------------------------------------


def _since_stamp(text: str, tz: str) -> str:
    from smarketing_tui.minutes import parse_day
    from smarketing_tui.timeutil import utc_iso, zone

    day = parse_day(text)
    if day is None:
        raise UserError(f"--since {text!r} is not a date; expected dd.mm.yyyy or yyyy-mm-dd")
    return utc_iso(datetime.combine(day, time(0, 0), tzinfo=zone(tz)))


@click.group(invoke_without_command=True)
@click.option("--search", "-s", metavar="TEXT",
              help="Only decisions mentioning TEXT (in the decision, section, meeting, issue or "
                   "numbers), case-insensitive.")
@click.option("--since", metavar="DATE", help="Only decisions taken on or after DATE "
              "(dd.mm.yyyy or yyyy-mm-dd).")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv", "md"]),
              default="table", show_default=True)
@_output_option
@click.pass_context
def decisions(ctx: click.Context, search: str | None, since: str | None, fmt: str,
              output: str | None) -> None:
    """The decision log: decisions across all meetings, in the order they were taken (oldest
    first), with their meeting, section and the numbers on screen when they were taken. An
    amended decision is marked; its revisions are in the JSON.

    \b
    smarketing decisions [--search TEXT] [--since DATE] [--format ...] [-o FILE]
    smarketing decisions edit ID --text TEXT   correct a decision's words
    smarketing decisions delete ID             delete one recorded by mistake
    """
    if ctx.invoked_subcommand is None:
        _decision_log(ctx.obj, search, since, fmt, output)


@decisions.command("edit", context_settings={"ignore_unknown_options": True})
@click.argument("decision_id", type=RECORD_ID, metavar="ID")
@click.option("--text", metavar="TEXT", required=True, help="The corrected words.")
@_by_option("corrects it")
@click.pass_obj
def decisions_edit(state, decision_id: int, text: str, by: str | None) -> None:
    """Correct decision ID's words; the old words are kept as a revision, and the log and
    the minutes mark it amended."""
    from smarketing_tui import records

    db, settings = _open_db(state)
    try:
        editor = _editor(settings, by)
        changed = records.edit_record(db.conn, "decision", decision_id, by=editor, text=text)
        decision = records.get_decision(db.conn, decision_id)
    finally:
        db.close()
    if not changed:
        click.echo(f"Decision #{decision_id} already reads so; nothing changed.")
    else:
        click.echo(f"Corrected decision #{decision.id}: {decision.text}")


@decisions.command("delete", context_settings={"ignore_unknown_options": True})
@click.argument("decision_id", type=RECORD_ID, metavar="ID")
@_by_option("deletes it")
@click.pass_obj
def decisions_delete(state, decision_id: int, by: str | None) -> None:
    """Delete decision ID (recorded by mistake): it leaves the log and the minutes; its
    revision keeps the words, and 'decisions restore ID' brings it back."""
    from smarketing_tui import records

    db, settings = _open_db(state)
    try:
        editor = _editor(settings, by)
        decision = records.get_decision(db.conn, decision_id)
        records.delete_record(db.conn, "decision", decision_id, by=editor)
    finally:
        db.close()
    click.echo(f"Deleted decision #{decision_id}: {decision.text}")


@decisions.command("restore", context_settings={"ignore_unknown_options": True})
@click.argument("decision_id", type=RECORD_ID, metavar="ID")
@_by_option("restores it")
@click.pass_obj
def decisions_restore(state, decision_id: int, by: str | None) -> None:
    """Bring back decision ID after a delete."""
    from smarketing_tui import records

    db, settings = _open_db(state)
    try:
        editor = _editor(settings, by)
        decision = records.get_decision(db.conn, decision_id)
        if not records.is_deleted(db.conn, "decision", decision_id):
            click.echo(f"Decision #{decision_id} is not deleted; nothing to restore.")
            return
        records.restore_record(db.conn, "decision", decision_id, by=editor)
    finally:
        db.close()
    click.echo(f"Restored decision #{decision_id}: {decision.text}")


def _decision_log(state, search: str | None, since: str | None, fmt: str,
                  output: str | None) -> None:
    from smarketing_tui import outputs, records
    from smarketing_tui.reportformat import json_text
    from smarketing_tui.minutes import context_lines
    from smarketing_tui.timeutil import format_datetime, to_local

    outputs.refuse_table(output, fmt)
    db, settings = _open_db(state)
    tz = settings.timezone
    try:
        since_stamp = _since_stamp(since, tz) if since else None
        entries = records.decision_log(db.conn, search=search, since=since_stamp)
    finally:
        db.close()

    def numbers(entry) -> str:
        """The numbers on screen as sentences, as the minutes give them."""
        return "; ".join(context_lines(entry.decision.context, currency=settings.currency)
                         if entry.decision.context else [])

    def meeting_date(entry) -> date:
        return to_local(entry.meeting_started_at, tz).date()

    def taken(entry) -> str:
        # The log runs in the order decisions were taken, so it shows when: on one day,
        # ids alone may look out of order (#4 taken before #3).
        return format_datetime(entry.decision.created_at, tz)

    if fmt == "json":
        from smarketing_tui.minutes_render.to_json import amended_json, dumps

        outputs.emit(dumps({"schema": "smarketing.decisions/1", "decisions": [{
            "id": e.decision.id, "text": e.decision.text, "created_at": e.decision.created_at,
            "meeting": {"id": e.decision.meeting_id, "title": e.meeting_title,
                        "cadence": e.meeting_cadence, "date": meeting_date(e).isoformat()},
            "section": e.decision.section_title,
            "issue": ({"id": e.decision.issue_id, "title": e.issue_title}
                      if e.decision.issue_id else None),
            "context": e.decision.context, **amended_json(e.decision)} for e in entries]}),
            output, "decisions.json",
            state.workspace())
        return
    if fmt == "csv":
        text = outputs.csv_text(
            ["id", "date", "meeting_id", "meeting", "section", "decision", "issue_id", "numbers",
             "context_json", "taken_at", "amended"],
            ([e.decision.id, meeting_date(e).isoformat(), e.decision.meeting_id, e.meeting_title,
              e.decision.section_title, e.decision.text, e.decision.issue_id, numbers(e),
              json_text(e.decision.context, sort_keys=True)
              if e.decision.context else None, e.decision.created_at,
              "yes" if e.decision.amended else "no"] for e in entries))
        outputs.emit(text, output, "decisions.csv", state.workspace())
        return
    if fmt == "md":
        from smarketing_tui.vocabulary import markdown_escape as md_escape

        from smarketing_tui.minutes_render.to_markdown import amended_mark

        lines = ["| # | Taken | Meeting | Section | Decision | Numbers on screen |",
                 "| ---: | --- | --- | --- | --- | --- |"]
        for e in entries:
            lines.append(f"| {e.decision.id} | {taken(e)} | "
                         f"{md_escape(e.meeting_title)} | "
                         f"{md_escape(e.decision.section_title or '–')} "
                         f"| {md_escape(e.decision.text)}{amended_mark(e.decision)} | "
                         f"{md_escape(numbers(e)) or ' '} |")
        outputs.emit("\n".join(lines) + "\n", output, "decisions.md", state.workspace())
        return
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    if not entries:
        what = f" matching {search!r}" if search else ""
        when = f" since {since}" if since else ""
        console.print(escape(f"No decisions{what}{when}."))
        return
    table = Table(title=f"Decisions ({len(entries)})", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Taken")
    table.add_column("Meeting")
    table.add_column("Section")
    table.add_column("Decision", overflow="fold", min_width=16)
    table.add_column("Numbers on screen", overflow="fold")
    for e in entries:
        decision_text = escape(e.decision.text)
        if e.decision.issue_id:
            decision_text += escape(f" (issue #{e.decision.issue_id}: {e.issue_title})")
        if e.decision.amended:
            decision_text += " [italic](amended)[/italic]"
        table.add_row(str(e.decision.id), taken(e),
                      escape(f"#{e.decision.meeting_id} {e.meeting_title}"),
                      escape(e.decision.section_title or "–"), decision_text, escape(numbers(e)))
    console.print(table)
