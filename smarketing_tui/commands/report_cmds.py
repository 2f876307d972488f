"""``smarketing scorecard``, ``smarketing metrics`` and ``smarketing drill``.

Thin commands over :mod:`smarketing_tui.scorecard` and :mod:`smarketing_tui.metrics`.
Everything beyond click is imported inside the commands, and ``rich`` only for
``--format table``, so ``--format json`` starts fast.
"""

from __future__ import annotations

import click

from smarketing_tui.errors import UserError

FORMATS = ("table", "json", "csv", "md")

# What the weekly meeting reviews (the weekly agenda's default period): on a Monday
# morning the scorecard shows the week just ended, not the few hours of the new one.
DEFAULT_PERIOD = "last-week"
#: metrics.TOUCH_DIMENSIONS, written out so that --help needs no metrics import (a test
#: checks that they agree).
TOUCH_BY = ("first_asset", "last_asset", "first_keyword", "last_keyword", "first_platform",
            "last_platform", "first_campaign", "last_campaign")

_period_option = click.option(
    "--period", "-p", "period_text", metavar="P", default=None,
    help="2026-W48, 2026-11, 2026-Q4, 2026, 2026-11-03..2026-11-16, this-week, last-week, "
         f"this-month, last-month (default: {DEFAULT_PERIOD}, the week the weekly meeting "
         "reviews).")
_as_of_option = click.option(
    "--as-of", "as_of_text", metavar="T", default=None,
    help="Judge as of this moment (ISO date = end of that day, or date-time; default: now).")
_format_option = click.option("--format", "-f", "fmt", type=click.Choice(FORMATS),
                              default="table", show_default=True, help="Output format.")
_sla_option = click.option("--sla", "sla_path", metavar="FILE", default=None,
                           help="SLA file (default: agendas/sla.yaml in the workspace).")
_output_option = click.option(
    "--output", "-o", metavar="FILE", default=None,
    help="Write csv, json or md to FILE; a folder (an existing one, or DIR/) gets a file named "
         "like scorecard-2026-W48.csv. Never the store or a file of the workspace. "
         "Default: standard output.")


class _Context:
    """What every report command needs: workspace, settings, SLA, period, as-of, store."""

    def __init__(self, state, period_text: str | None, as_of_text: str | None,
                 sla_path: str | None, default_period: str, need_sla: bool = True,
                 sync_people: bool = False) -> None:
        from pathlib import Path

        from smarketing_tui.periods import parse_moment, parse_period
        from smarketing_tui.timeutil import now_utc

        self.workspace = state.workspace()
        self.settings = self.workspace.settings()
        tz = self.settings.timezone
        self.as_of = parse_moment(as_of_text, tz) if as_of_text else now_utc()
        self.period = parse_period(period_text or default_period, tz, now=self.as_of)
        path = Path(sla_path) if sla_path else self.workspace.sla_path
        self.sla_path = Path(sla_path) if sla_path else None
        self.sla = None
        if path.exists() or need_sla or sla_path:
            from smarketing_tui.sla import load_sla

            if not path.exists():
                raise UserError(f"no SLA file at {path}; 'smarketing init' ships a template "
                                "(agendas/sla.yaml), or pass --sla FILE")
            self.sla = load_sla(path, self.settings)
        self.conn = _open_store(self.workspace, self.settings, sync_people)

    def emit(self, text: str, output: str | None, default_name: str) -> None:
        """The command's text to standard output, or into the file ``-o`` names."""
        from smarketing_tui import outputs

        outputs.emit(text, output, default_name, self.workspace,
                     [self.sla_path] if self.sla_path else [])

    def engine(self):
        from smarketing_tui.metrics import MetricsEngine

        if self.sla is not None:
            return self.sla.engine(self.conn, self.settings)
        return MetricsEngine(self.conn, self.settings)


def _open_store(workspace, settings, sync_people: bool):
    """A read-only connection; migrates (and syncs people) first when needed."""
    from smarketing_tui import store

    path = workspace.db_path
    if not path.exists():
        raise UserError(f"no store at {path}; create the workspace with 'smarketing init' and "
                        "fill it with 'smarketing import'")
    if sync_people:
        store.open_store(path, settings).close()
    try:
        return store.open_readonly(path)
    except UserError as error:
        if "needs migrating" not in str(error):
            raise
    store.open_store(path, settings).close()
    return store.open_readonly(path)


def _record_lead_definition(ctx: _Context) -> None:
    """Version the SLA's lead definition in the store when its text changed."""
    from smarketing_tui import store
    from smarketing_tui.sla import record_lead_definition

    text = ctx.sla.lead_definition if ctx.sla else None
    if not text:
        return
    row = ctx.conn.execute("SELECT text FROM lead_definitions ORDER BY id DESC LIMIT 1").fetchone()
    if row is not None and row[0] == text:
        return
    import sqlite3

    try:
        conn = store.connect(ctx.workspace.db_path)
        try:
            record_lead_definition(conn, text)
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # best effort: a read-only or busy store still gets its scorecard


# ---------------------------------------------------------------------------
# scorecard


@click.command()
@_period_option
@_as_of_option
@_format_option
@_sla_option
@_output_option
@click.option("--fail-on-red", is_flag=True,
              help="Exit with code 1 when any commitment is red (for scripts and CI).")
@click.pass_obj
def scorecard(state, period_text, as_of_text, fmt, sla_path, output, fail_on_red) -> None:
    """The SLA scorecard: each commitment with target, actual, status, pace and trend.

    By default for last week, the week the weekly meeting reviews; --period picks another.
    """
    from smarketing_tui import outputs
    from smarketing_tui.scorecard import build_scorecard

    outputs.refuse_table(output, fmt)
    ctx = _Context(state, period_text, as_of_text, sla_path, DEFAULT_PERIOD)
    _record_lead_definition(ctx)
    card = build_scorecard(ctx.conn, ctx.sla, ctx.settings, ctx.period, ctx.as_of)
    if fmt == "table":
        _scorecard_table(card, ctx.settings)
    else:
        text = {"json": lambda: _json_text(card.to_json()),
                "csv": lambda: _scorecard_csv(card, ctx.settings),
                "md": lambda: _scorecard_md(card, ctx.settings)}[fmt]()
        ctx.emit(text, output, outputs.export_name("scorecard", ctx.period.label, extension=fmt))
    if fail_on_red and any(c.status == "red" for c in card.commitments):
        raise SystemExit(1)


def _json_text(data) -> str:
    from smarketing_tui.reportformat import json_text

    return json_text(data, indent=2) + "\n"


def _period_text(period, as_of, settings) -> str:
    from smarketing_tui.vocabulary import period_text

    return period_text(period.label, period.first_day, period.last_day,
                       running=period.is_running(as_of))


def _freshness_text(card, settings) -> str:
    from smarketing_tui.timeutil import format_datetime
    from smarketing_tui.vocabulary import format_value

    fresh = card.freshness
    if fresh.newest_at is None:
        return "Data: the store holds no data yet (run 'smarketing import')"
    parts = []
    if fresh.newest_import:
        imp = fresh.newest_import
        parts.append(f"newest import {imp['source_label']} ({imp['file']}), finished "
                     f"{format_datetime(imp['finished_at'], settings.timezone)}")
    parts.append(f"newest record {format_datetime(fresh.newest_at, settings.timezone)} "
                 f"({format_value(fresh.age_days, 'count')} days before as-of)")
    text = "Data: " + ", ".join(parts)
    if fresh.stale:
        text += " – STALE: the data does not reach the end of the period under review"
    return text


def _target_text(line, settings) -> str:
    from smarketing_tui.vocabulary import target_text

    return target_text(line.commitment.comparison, line.commitment.target, line.commitment.unit,
                       settings.currency)


def _scorecard_rows(card, settings) -> list[dict]:
    from smarketing_tui.reportformat import count_parts, counts_text, format_value, sparkline
    from smarketing_tui.vocabulary import counted, status_text
    from smarketing_tui.scorecard_text import excluded_text, judged_text, progress_text

    document = card.to_json()
    as_of = document["as_of"]
    rows = []
    for line, data in zip(card.commitments, document["commitments"]):
        c = line.commitment
        rows.append({
            "id": c.id, "team": c.team, "description": c.description,
            # A weekly meeting's month is seen to the end of the week under review.
            "period": judged_text(data, as_of, settings.timezone),
            "target": _target_text(line, settings),
            "amber": "" if c.amber is None else format_value(c.amber, c.unit, settings.currency),
            "actual": format_value(line.actual, c.unit, settings.currency),
            "status": status_text(line.status),
            "counts": counts_text(c.metric, line.counts, settings.currency),
            "count_parts": count_parts(c.metric, line.counts, settings.currency),
            # The week beside the month (with the pace), or the pace alone.
            "pace": progress_text(data, settings.currency),
            "excluded": excluded_text(line.excluded),
            "trend": sparkline(p.actual for p in line.trend),
            "red_streak": line.red_streak,
            "off_track_for": counted(line.red_streak, "period")
            if line.status == "red" and line.red_streak > 1 else "",
        })
    return rows


class Packed:
    """A rich renderable: parts joined by `` · ``, wrapped only between parts, so a count and
    its value (``p90 19,4 h``) stay on one line; a part wider than the cell folds as text."""

    def __init__(self, parts: list[str], separator: str = " · ") -> None:
        self.parts, self.separator = parts, separator

    def __rich_measure__(self, console, options):
        from rich.cells import cell_len
        from rich.measure import Measurement

        widths = [cell_len(part) for part in self.parts] or [0]
        return Measurement(min(max(widths), options.max_width),
                           min(cell_len(self.separator.join(self.parts)), options.max_width))

    def __rich_console__(self, console, options):
        from rich.cells import cell_len
        from rich.text import Text

        lines: list[str] = []
        for part in self.parts:
            joined = f"{lines[-1]}{self.separator}{part}" if lines else part
            if lines and cell_len(joined) <= options.max_width:
                lines[-1] = joined
            else:
                lines.append(part)
        yield Text("\n".join(lines))


_STATUS_STYLES = {"green": "bold green", "amber": "bold yellow", "red": "bold red",
                  "no_data": "dim"}


def _scorecard_table(card, settings) -> None:
    from rich import box
    from rich.console import Console, Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from smarketing_tui.reportformat import sparkline
    from smarketing_tui.timeutil import format_datetime
    from smarketing_tui.vocabulary import in_a_row_text

    console = Console(highlight=False)
    title = (f"SLA scorecard – {_period_text(card.period, card.as_of, settings)}, as of "
             f"{format_datetime(card.as_of, settings.timezone)}")
    table = Table(title=escape(title), title_justify="left", show_lines=True,
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Commitment", ratio=3, min_width=16)
    table.add_column("Target", justify="right", no_wrap=True)  # a value never splits
    table.add_column("Actual", justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Behind it", ratio=2, min_width=12)
    table.add_column("Trend", no_wrap=True)
    rows = _scorecard_rows(card, settings)
    for line, row in zip(card.commitments, rows):
        style = _STATUS_STYLES[line.status]
        status = Text(row["status"], style=style)
        if line.status == "red" and line.red_streak > 1:
            status.append(f"\n{in_a_row_text(line.red_streak)}", style="red")
        trend = Text()
        spark = sparkline(p.actual for p in line.trend)
        for char, point in zip(spark, line.trend):
            trend.append(char, style=_STATUS_STYLES[point.status].replace("bold ", ""))
        behind = Group(*([Text(row["pace"], style="italic")] if row["pace"] else []),
                       *([Packed(row["count_parts"])] if row["count_parts"] else []),
                       *([Text(row["excluded"], style="dim")] if row["excluded"] else []))
        table.add_row(
            Text.assemble((row["id"], "bold"), (f"  {row['team']} · {row['period']}", "dim"),
                          "\n", row["description"]),
            Text(row["target"]), Text(row["actual"], style=style), status, behind, trend)
    console.print(table)
    fresh_style = "bold red" if card.freshness.stale else "dim"
    console.print(Text(_freshness_text(card, settings), style=fresh_style))
    if card.lead_definition:
        console.print(Text("Lead definition: ", style="bold")
                      + Text(" ".join(card.lead_definition.split())))


def _scorecard_csv(card, settings) -> str:
    from smarketing_tui.reportformat import json_text

    from smarketing_tui.outputs import csv_text

    rows = []
    for line in card.to_json()["commitments"]:
        period, week = line["judged_period"], line["week"]
        trend = ";".join(f"{p['label']}={'' if p['actual'] is None else p['actual']}"
                         for p in line["trend"])
        rows.append([line["id"], line["team"], line["description"], line["metric"],
                     period["label"], period["start"], period["end"],
                     str(period["running"]).lower(), line["comparison"], line["target"],
                     line["amber"], line["unit"], line["actual"], line["status"],
                     line["pace"]["text"] if line["pace"] else "", line["red_streak"],
                     trend, json_text(line["counts"]),
                     week["label"] if week else "",
                     None if not week else week["actual"],
                     json_text(line["excluded"])])
    return csv_text(["id", "team", "description", "metric", "period", "start", "end", "running",
                     "comparison", "target", "amber", "unit", "actual", "status", "pace",
                     "red_streak", "trend", "counts", "week", "week_actual", "excluded"], rows)


def _scorecard_md(card, settings) -> str:
    from smarketing_tui.reportformat import markdown_escape as md
    from smarketing_tui.timeutil import format_datetime

    lines = [f"## SLA scorecard – {md(_period_text(card.period, card.as_of, settings))}", "",
             f"As of {format_datetime(card.as_of, settings.timezone)}. "
             f"{md(_freshness_text(card, settings))}", "",
             "| Commitment | Team | Period | Target | Actual | Status | Behind it | Progress | "
             "Trend | Off track for |",
             "|---|---|---|---:|---:|---|---|---|---|---:|"]
    for row in _scorecard_rows(card, settings):
        lines.append("| " + " | ".join(md(x) for x in (
            f"{row['id']}: {row['description']}", row["team"], row["period"], row["target"],
            row["actual"], row["status"],
            " · ".join(part for part in (row["counts"], row["excluded"]) if part),
            row["pace"], row["trend"], row["off_track_for"])) + " |")
    if card.lead_definition:
        lines += ["", f"**Lead definition:** {md(' '.join(card.lead_definition.split()))}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# metrics


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME[:key=value,...]]...")
@_period_option
@_as_of_option
@click.option("--by", "by", type=click.Choice(("source", "campaign", "owner", "team", "reason",
                                              *TOUCH_BY)),
              default=None, help="Break each metric down by this dimension.")
@_format_option
@_sla_option
@_output_option
@click.pass_obj
def metrics(state, names, period_text, as_of_text, by, fmt, sla_path, output) -> None:
    """Catalogue metrics (and the SLA's custom ones) for a period (default: last week).

    Without NAME, every catalogue metric. Parameters go after a colon, e.g.
    first_contact_within:hours=4,clock=calendar or min_touches_met:k=5.
    """
    from smarketing_tui import outputs
    from smarketing_tui.metrics import CATALOGUE, parse_metric_spec

    outputs.refuse_table(output, fmt)
    ctx = _Context(state, period_text, as_of_text, sla_path, DEFAULT_PERIOD, need_sla=False,
                   sync_people=by == "team")
    engine = ctx.engine()
    specs = [parse_metric_spec(name) for name in names] or [(n, {}) for n in CATALOGUE]
    results = []
    for name, params in specs:
        # Listing every metric --by X skips the breakdown where X does not apply.
        use_by = by if names or engine.supports(name, by) else None
        results.append(engine.compute(name, ctx.period, ctx.as_of, params, use_by))
    name = outputs.export_name("metrics", ctx.period.label, extension=fmt)
    if fmt == "json":
        ctx.emit(_json_text({
            "schema": "smarketing.metrics/1", "as_of": _iso(ctx.as_of),
            "period": {**ctx.period.to_json(), "running": ctx.period.is_running(ctx.as_of)},
            "metrics": [r.to_json() for r in results]}), output, name)
    elif fmt == "csv":
        ctx.emit(_metrics_csv(results), output, name)
    elif fmt == "md":
        ctx.emit(_metrics_text(results, ctx, fmt), output, name)
    else:
        _metrics_text(results, ctx, fmt)


def _iso(moment) -> str:
    from smarketing_tui.timeutil import utc_iso

    return utc_iso(moment)


def _params_text(params: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in params.items())


def _metrics_csv(results) -> str:
    from smarketing_tui.reportformat import json_text

    from smarketing_tui.outputs import csv_text

    lines = []
    for result in results:
        data = result.to_json()
        rows = [(None, data["value"], data["counts"])] + [
            (g["key"], g["value"], g["counts"]) for g in data["groups"]]
        for index, (key, value, counts) in enumerate(rows):
            lines.append([result.metric, _params_text(result.params), result.by or "",
                          "(total)" if index == 0 else key, value, result.unit,
                          json_text(counts)])
    return csv_text(["metric", "params", "by", "group", "value", "unit", "counts"], lines)


def _metrics_text(results, ctx, fmt: str) -> str | None:
    """The Markdown text (``fmt`` md), or the table printed to the terminal."""
    from smarketing_tui.reportformat import count_parts, counts_text, format_value
    from smarketing_tui.reportformat import markdown_escape as md
    from smarketing_tui.timeutil import format_datetime

    currency = ctx.settings.currency
    heading = (f"Metrics – {_period_text(ctx.period, ctx.as_of, ctx.settings)}, as of "
               f"{format_datetime(ctx.as_of, ctx.settings.timezone)}")

    def label(result):
        return result.metric + (f" ({_params_text(result.params)})" if result.params else "")

    def group_rows(result):
        rows = []
        for group in result.groups:
            key = "(none)" if group.key is None else str(group.key)
            rows.append((key, format_value(group.value, result.unit, currency),
                         counts_text(result.metric, group.counts, currency)))
        return rows

    if fmt == "md":
        lines = [f"## {md(heading)}", "", "| Metric | Value | Behind it |", "|---|---:|---|"]
        for result in results:
            lines.append(f"| {md(label(result))} | "
                         f"{md(format_value(result.value, result.unit, currency))} | "
                         f"{md(counts_text(result.metric, result.counts, currency))} |")
            for key, value, counts in group_rows(result):
                lines.append(f"| {md('  ' + (result.by or '') + ' = ' + key)} | {md(value)} | "
                             f"{md(counts)} |")
        return "\n".join(lines) + "\n"

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    table = Table(title=escape(heading), title_justify="left")
    table.add_column("Metric", style="bold")
    table.add_column("Value", justify="right", no_wrap=True)  # a value never splits
    table.add_column("Behind it")
    for result in results:
        style = "dim" if result.value is None else ""
        table.add_row(Text(label(result)),
                      Text(format_value(result.value, result.unit, currency), style=style),
                      Packed(count_parts(result.metric, result.counts, currency)))
        for group in result.groups:
            key = "(none)" if group.key is None else str(group.key)
            table.add_row(Text(f"  {result.by} = {key}", style="not bold"),
                          Text(format_value(group.value, result.unit, currency)),
                          Packed(count_parts(result.metric, group.counts, currency)))
    console.print(table)
    return None


# ---------------------------------------------------------------------------
# drill


@click.command()
@click.argument("commitment_id", metavar="COMMITMENT")
@_period_option
@_as_of_option
@_format_option
@_sla_option
@click.option("--limit", "-n", type=click.IntRange(min=0), default=50, show_default=True,
              help="Show at most this many rows (0: all).")
@_output_option
@click.pass_obj
def drill(state, commitment_id, period_text, as_of_text, fmt, sla_path, limit, output) -> None:
    """The leads behind a commitment's result, worst first (e.g. MQLs contacted too late).

    By default for last week, as the scorecard; --period picks another. With a week, a
    monthly commitment lists that week's leads (the week beside the month on its line).
    """
    from smarketing_tui import outputs
    from smarketing_tui.scorecard import drill as drill_rows

    outputs.refuse_table(output, fmt)
    ctx = _Context(state, period_text, as_of_text, sla_path, DEFAULT_PERIOD)
    commitment, judged, result = drill_rows(ctx.conn, ctx.sla, ctx.settings, commitment_id,
                                            ctx.period, ctx.as_of, limit or None)
    from smarketing_tui.engagement_lines import add_to_drill

    add_to_drill(ctx.conn, result, ctx.as_of)  # each lead's last engagements, when it has some
    name = outputs.export_name("drill", commitment.id, judged.label, extension=fmt)
    if fmt == "json":
        ctx.emit(_json_text({
            "schema": "smarketing.drill/1", "commitment": commitment.id,
            "metric": commitment.metric, "params": dict(commitment.params),
            "as_of": _iso(ctx.as_of),
            "period": {**judged.to_json(), "running": judged.is_running(ctx.as_of)},
            **result.to_json()}), output, name)
        return
    if fmt == "csv":
        keys = [key for key, _ in result.columns]
        rows = [[row[key] for key in keys] for row in result.rows]
        if result.excluded_columns:
            # One table: the counted leads first with an empty `excluded`, then the excluded
            # ones with their reason (columns only they have are added before it).
            own = [key for key, _ in result.excluded_columns if key not in keys
                   and key != "excluded"]
            rows = [row + [None] * len(own) + [None] for row in rows]
            keys = [*keys, *own, "excluded"]
            rows += [[row.get(key) for key in keys] for row in result.excluded]
        ctx.emit(outputs.csv_text(keys, rows), output, name)
        return
    from smarketing_tui.reportformat import format_cell

    tz, currency = ctx.settings.timezone, ctx.settings.currency
    heading = (f"{commitment.id}: {result.title} – "
               f"{_period_text(judged, ctx.as_of, ctx.settings)}")
    shown = f"{len(result.rows)} of {result.total} rows" if result.total > len(result.rows) \
        else f"{result.total} rows"
    cells = [[format_cell(key, row[key], tz, currency) for key, _ in result.columns]
             for row in result.rows]
    excluded_cells = [[format_cell(key, row.get(key), tz, currency)
                       for key, _ in result.excluded_columns] for row in result.excluded]
    excluded_heading = ""
    if result.excluded:
        from smarketing_tui.scorecard_text import excluded_shown

        excluded_heading = f"Left out by the SLA's exclude rules: {excluded_shown(result)}"
    if fmt == "md":
        from smarketing_tui.reportformat import markdown_escape as md

        def md_table(columns: list[tuple[str, str]], rows: list[list[str]]) -> list[str]:
            return (["| " + " | ".join(md(h) for _, h in columns) + " |",
                     "|" + "---|" * len(columns)]
                    + ["| " + " | ".join(md(c) for c in row) + " |" for row in rows])

        lines = [f"## {md(heading)}", "", f"{shown}.", "", *md_table(result.columns, cells)]
        if excluded_cells:
            lines += ["", f"### {md(excluded_heading)}", "",
                      *md_table(result.excluded_columns, excluded_cells)]
        ctx.emit("\n".join(lines) + "\n", output, name)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    if not result.rows:
        console.print(escape(f"{heading}: none – nothing behind a miss here."))
    else:
        table = Table(title=escape(heading), title_justify="left", caption=escape(shown))
        for _key, title in result.columns:
            table.add_column(escape(title))
        for row in cells:
            table.add_row(*(escape(c) for c in row))
        console.print(table)
    if excluded_cells:
        table = Table(title=escape(excluded_heading), title_justify="left")
        for _key, title in result.excluded_columns:
            table.add_column(escape(title))
        for row in excluded_cells:
            table.add_row(*(escape(c) for c in row))
        console.print()
        console.print(table)
