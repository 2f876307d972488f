"""``smarketing seating``: who sits beside whom at the coming meetings, and so far."""

from __future__ import annotations

import click

from smarketing_tui.errors import UserError


@click.command()
@click.option("--weeks", type=click.IntRange(1, 104), default=None, metavar="N",
              help="Plan N weekly meetings (default: one whole cycle).")
@click.option("--from", "first", metavar="WEEK",
              help="The first week, as 2026-W50 or a date (default: this week).")
@click.option("--absent", "absent", multiple=True, metavar="NAME",
              help="Leave this person out (repeat for more).")
@click.option("--history", is_flag=True,
              help="Show who has sat with whom at the meetings so far instead.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of the screen.")
@click.pass_obj
def seating(state, weeks: int | None, first: str | None, absent: tuple[str, ...],
            history: bool, fmt: str, output: str | None) -> None:
    """Mixed seating: each marketer beside a seller, rotating every week.

    Over one cycle (as many weeks as the smaller team has people) every marketer sits
    beside every seller once. Uneven teams make a few threes; no group is all one team.
    """
    from smarketing_tui import outputs, seating as seats
    from smarketing_tui.prep import person_or_error
    from smarketing_tui.timeutil import now_utc, to_local

    workspace = state.workspace()
    settings = workspace.settings()
    people = settings.people
    if history:
        if weeks is not None or first or absent:
            raise UserError("--history shows the meetings so far; it takes no --weeks, "
                            "--from or --absent")
        _show_history(workspace, settings, fmt, output)
        return
    away = [person_or_error(settings, name) for name in absent]
    if first:
        from smarketing_tui.periods import parse_period

        monday = parse_period(first, settings.timezone).first_day
    else:
        monday = to_local(now_utc(), settings.timezone).date()
    cycle = seats.cycle_weeks(people)
    weeks_planned = seats.plan(people, monday, weeks or max(cycle, 1), away)
    if fmt == "json":
        from smarketing_tui.reportformat import json_text

        outputs.emit(json_text({"schema": "smarketing.seating/1", "cycle_weeks": cycle,
                                "weeks": [_week_json(week) for week in weeks_planned]},
                               indent=2) + "\n", output, "seating.json", workspace)
        return
    outputs.emit(_plan_text(weeks_planned, cycle), output, "seating.txt", workspace)


def _week_label(monday) -> str:
    from smarketing_tui.timeutil import format_date, iso_week_label

    return f"{iso_week_label(monday)} (week of {format_date(monday)})"


def _week_json(week) -> dict:
    from smarketing_tui.timeutil import iso_week_label

    return {"week": iso_week_label(week.monday), "monday": week.monday.isoformat(),
            "groups": [[{"name": p.name, "team": p.team} for p in group]
                       for group in week.groups],
            "absent": [p.name for p in week.away], "problem": week.problem}


def _plan_text(weeks, cycle: int) -> str:
    from smarketing_tui.minutes_render import clean
    from smarketing_tui.timeutil import counted
    from smarketing_tui.vocabulary import seating_group_text

    if cycle == 0:
        return ("No seating: it needs at least one person in marketing and one in sales "
                "in smarketing.yaml.\n")
    lines = [f"Mixed seating: every marketer sits beside every seller once in "
             f"{counted(cycle, 'week')}, then the groups repeat.", ""]
    for week in weeks:
        lines.append(_week_label(week.monday))
        if week.problem:
            lines.append(f"  No seating: {week.problem}.")
        for number, group in enumerate(week.groups, start=1):
            named = [(clean(p.name), p.team) for p in group]
            lines.append(f"  {number}. {seating_group_text(named, with_teams=True)}")
        if week.away:
            lines.append(f"  Away: {', '.join(clean(p.name) for p in week.away)}")
        lines.append("")
    return "\n".join(lines)


def _show_history(workspace, settings, fmt: str, output: str | None) -> None:
    from smarketing_tui import outputs, seating as seats
    from smarketing_tui.store import open_readonly

    conn = open_readonly(workspace.db_path)
    try:
        past = seats.history(conn, settings.people, settings.timezone)
    finally:
        conn.close()
    if fmt == "json":
        from smarketing_tui.reportformat import json_text

        outputs.emit(json_text({"schema": "smarketing.seating-history/1",
                                "meetings": past.meetings,
                                "pairs": [{"marketer": p.marketer, "seller": p.seller,
                                           "times": p.times,
                                           "last": p.last.isoformat() if p.last else None}
                                          for p in past.pairs]}, indent=2) + "\n",
                     output, "seating-history.json", workspace)
        return
    outputs.emit(_history_text(past), output, "seating-history.txt", workspace)


def _history_text(past) -> str:
    from smarketing_tui.minutes_render import clean
    from smarketing_tui.timeutil import counted, format_date

    if not past.pairs:
        return "No seating: nobody in marketing or nobody in sales in smarketing.yaml.\n"
    lines = [f"Who has sat with whom at {counted(past.meetings, 'meeting')} with seating:", ""]
    names = [f"{clean(p.marketer)} · {clean(p.seller)}" for p in past.pairs]
    width = max(len(name) for name in names)
    for name, pair in zip(names, past.pairs):
        when = f"last {format_date(pair.last)}" if pair.last else "not yet"
        lines.append(f"  {name:<{width}}  "
                     f"{counted(pair.times, 'time'):>8}  {when}")
    never = past.never()
    lines.append("")
    lines.append(f"{counted(len(never), 'pair')} of {len(past.pairs)} have not sat together yet."
                 if never else "Every marketer has sat beside every seller.")
    return "\n".join(lines) + "\n"
