"""Scorecard: the SLA judged for the meeting's period, red lines first, trend, drill-down."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Sparkline, Static

from smarketing_tui import records
from smarketing_tui.errors import UserError
from smarketing_tui.reportformat import count_parts, format_value, sparkline
from smarketing_tui.scorecard_text import (COMPARISON, excluded_shown, excluded_text,
                                           issue_from_line, judged_text, period_name,
                                           week_beside_month)
from smarketing_tui.timeutil import counted, format_datetime, format_money, format_number
from smarketing_tui.tui.messages import SectionDataChanged
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.common import (STATUS_LABEL, SectionHeader, as_of_of, clean,
                                                follow_theme, forward_focus, highlighted_key,
                                                is_narrow, keep_cursor, key_hint, one_line, pack,
                                                refocus, reset_table, safe, short_period,
                                                show_key_line, status_style, table_with_enter,
                                                text_budget, view_width, width_changed)
from smarketing_tui.tui.sections.dialogs import TableModal, TableSection
from smarketing_tui.tui.sections.talking_points import PrepPoints

STATUS_ORDER = {"red": 0, "amber": 1, "no_data": 2, "green": 3}
_STAMP_KEYS = ("_at", "deadline", "first_contact", "starts", "ends", "meeting")
_MONEY_KEYS = ("amount", "spend", "total_spend")


def order_lines(commitments: list[dict]) -> list[dict]:
    """Red first (longest red streak first), then amber, no data, green; stable otherwise."""
    return sorted(commitments, key=lambda c: (STATUS_ORDER.get(c["status"], 9),
                                              -int(c.get("red_streak") or 0)))


def drill_cell(key: str, value, tz: str, currency: str):
    """One drill-down value for the table: local times, money, hours with a decimal."""
    if value is None:
        return Text("–", style="dim")
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z") and "T" in value:
        try:
            return Text(format_datetime(value, tz))
        except ValueError:
            return safe(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if key in _MONEY_KEYS:
            return Text(format_money(value, currency), justify="right")
        decimals = 0 if float(value).is_integer() else 1
        return Text(format_number(value, decimals), justify="right")
    return safe(one_line(value, 40))


def _week_and_month(card: dict, lines: list[dict]) -> tuple[str | None, str | None]:
    """(the reviewed week's label, the month heading) when some line shows its week beside
    its month (``week`` in the scorecard JSON), else (None, None)."""
    beside = next((line for line in lines if isinstance(line.get("week"), dict)), None)
    if beside is None:
        return None, None
    judged = beside.get("judged_period") or {}
    month = period_name(str(judged.get("label") or ""))
    if judged.get("running"):
        month += " so far"
    return str(beside["week"].get("label") or (card.get("period") or {}).get("label")), month


def _dim(text: Text) -> Text:
    text.stylize("dim")
    return text


ScorecardTable = table_with_enter("Leads behind", "Show the leads behind the highlighted line")


class ScorecardView(SectionView):
    """Every SLA commitment for the period: Enter drills into the leads, ``I`` raises an issue."""

    SECTION_TYPE = "scorecard"
    COLUMNS = [("Status", "status"), ("Commitment", "description"), ("Actual", "actual"),
               ("Target", "target"), ("Trend", "trend")]
    DEFAULT_CSS = """
    ScorecardView { height: 1fr; }
    ScorecardView DataTable { height: 1fr; min-height: 4; }
    ScorecardView #scorecard-detail {
        height: auto;
        max-height: 11;
        border-top: solid $primary 30%;
        padding: 0 1;
    }
    ScorecardView #scorecard-trend-row { height: 1; }
    ScorecardView #scorecard-trend-label { width: auto; color: $text-muted; }
    ScorecardView Sparkline { width: 32; margin-left: 1; }
    """
    BINDINGS = [
        Binding("I", "raise_issue", "Line → issue", id="scorecard.issue",
                tooltip="Put the highlighted red line on the issues list, numbers attached"),
        Binding("r", "reload", "Reload", id="scorecard.reload",
                tooltip="Judge the SLA again from the store"),
    ]

    def compose(self) -> ComposeResult:
        yield SectionHeader(Text("Judging the SLA…", style="italic"), id="scorecard-summary")
        yield PrepPoints(self.context, classes="prep-points")
        yield SectionHeader(key_hint(("Enter", "leads behind a line"), ("I", "red line → issue"),
                                     ("r", "reload")), id="scorecard-keys", classes="keys")
        table: DataTable = ScorecardTable(cursor_type="row", zebra_stripes=True,
                                          id="scorecard-table")
        yield table
        with VerticalScroll(id="scorecard-detail"):
            yield Static(id="scorecard-detail-text")
            with Horizontal(id="scorecard-trend-row"):
                yield Static("trend", id="scorecard-trend-label")
                yield Sparkline([], id="scorecard-sparkline")

    def on_focus(self) -> None:
        forward_focus(self)

    def on_mount(self) -> None:
        self.card: dict | None = None
        self._lines: dict[str, dict] = {}
        self.reload()
        follow_theme(self, lambda: self.card is not None and self._show(self.card))

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.query_one(DataTable).loading = True
        self._load()

    # -- loading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="scorecard")
    def _load(self) -> None:
        from smarketing_tui.scorecard import build_scorecard
        from smarketing_tui.sla import load_sla
        from smarketing_tui.store import open_readonly

        session = self.context.session
        try:
            sla = load_sla(self.context.agenda.sla_path, self.context.settings)
            conn = open_readonly(session.db_path)
            try:
                card = build_scorecard(conn, sla, self.context.settings, session.period,
                                       as_of_of(session)).to_json()
            finally:
                conn.close()
        except Exception as error:  # noqa: BLE001 - a failed query must not end the meeting
            self.app.call_from_thread(self._show_error, str(error))
            return
        self.app.call_from_thread(self._show, card)

    def _show_error(self, message: str) -> None:
        if not self.is_attached:  # the meeting moved on while the worker ran
            return
        self.query_one(DataTable).loading = False
        self.query_one("#scorecard-summary", SectionHeader).update(
            Text(f"No scorecard: {clean(message)}", style="bold"))

    def _show(self, card: dict) -> None:
        if not self.is_attached or not self.display:  # the meeting moved on (a view left
            return                                    # is hidden; shown again, it reloads)
        self.card = card
        # What the meeting saw: the shell freezes it when the meeting ends.
        self.context.extras["scorecard_snapshot"] = card
        if hasattr(self.context.session, "scorecard_shown"):
            self.context.session.scorecard_shown = card
        lines = order_lines(card.get("commitments") or [])
        self._lines = {line["id"]: line for line in lines}
        currency = self.context.settings.currency
        table = self.query_one(DataTable)
        table.loading = False
        current = highlighted_key(table)
        narrow = is_narrow(self)
        week, month = _week_and_month(card, lines)
        reset_table(table, self._columns(week, month, narrow))
        on_list = self._issues_on_list()
        # Status, values, target and trend take about 50 columns (a week beside the month:
        # one value more, and no trend when narrow); the description the rest.
        fixed = (40 - (2 if week else 0) if narrow else 50 + (5 if week else 0)) + (
            4 if on_list else 0)
        width = text_budget(self, fixed, minimum=16, maximum=60)
        for line in lines:
            unit = line.get("unit", "count")
            status = line["status"]
            style = status_style(self.app, status)
            label = STATUS_LABEL.get(status, status)
            if narrow:  # the dot alone; the colour and the summary say which
                label = label.split(" ", 1)[0]
            if status == "red" and int(line.get("red_streak") or 0) > 1:
                label += f" ×{line['red_streak']}"
            actual = Text(format_value(line.get("actual"), unit, currency), style=style,
                          justify="right")
            judged = line.get("judged_period") or {}
            if judged.get("running") and not narrow and not week:
                actual.append(" so far", style="dim")
            target = Text(f"{COMPARISON.get(line['comparison'], line['comparison'])} "
                          f"{format_value(line.get('target'), unit, currency)}", justify="right")
            trend = Text()
            points = line.get("trend") or []
            for char, point in zip(sparkline([p.get("actual") for p in points]), points):
                trend.append(char, style=status_style(self.app, point.get("status", "no_data")))
            description = safe(one_line(line["description"], width))
            if line["id"] in on_list:  # on the issues list already
                if narrow:
                    label += "▲"
                else:
                    description.append(f" ▲#{on_list[line['id']]}", style="dim")
            cells = [Text(label, style=style), description]
            if week:
                # The week's own value (a weekly line: its actual, in its status colour) and
                # the month to the end of the week (a monthly line: its actual, judged).
                own = line.get("week")
                if isinstance(own, dict):
                    cells += [Text(format_value(own.get("actual"), unit, currency),
                                   justify="right"), actual]
                elif judged.get("label") == week:
                    cells += [actual, Text("")]
                else:
                    cells += [Text(""), actual]
            else:
                cells.append(actual)
            cells.append(target)
            if not (week and narrow):
                cells.append(trend)
            table.add_row(*cells, key=line["id"])
        # As tall as its lines (and header), so that the detail follows right below; with
        # more lines than fit, the table scrolls and the detail stays in view.
        table.styles.max_height = max(4, table.row_count + 1)
        if current is None and lines:
            table.move_cursor(row=0)
        keep_cursor(table, current)
        self._update_summary(card, lines)
        self._show_detail()
        refocus(self)

    def _columns(self, week: str | None, month: str | None,
                 narrow: bool) -> list[tuple[str, str]]:
        """The table's columns: with a week beside the month, the week's own value and the
        month so far in place of one Actual (and, when narrow, no trend: the detail draws it)."""
        if not week:
            return self.COLUMNS
        # "Nov so far" (wide) or "Nov" (narrow): the detail says "November so far".
        month_heading = (month or "Month")[:3]
        if not narrow and month and month.endswith(" so far"):
            month_heading += " so far"
        columns = [("Status", "status"), ("Commitment", "description"),
                   (period_name(week), "week"), (month_heading, "actual"), ("Target", "target")]
        return columns if narrow else [*columns, ("Trend", "trend")]

    def _issues_on_list(self) -> dict[str, int]:
        """Commitment id -> the open issue raised from its line (shown as ``▲#3``)."""
        found: dict[str, int] = {}
        for issue in records.list_issues(self.context.session.conn, "open"):
            commitment = (issue.evidence or {}).get("commitment")
            if issue.origin == "scorecard" and commitment and commitment not in found:
                found[commitment] = issue.id
        return found

    def _update_summary(self, card: dict, lines: list[dict]) -> None:
        counts = {s: sum(1 for line in lines if line["status"] == s) for s in STATUS_ORDER}
        period = card.get("period") or {}
        headline = Text(f"{period.get('label', '')}: ", style="bold")
        first = True
        for status in ("red", "amber", "green", "no_data"):
            if counts[status]:
                if not first:
                    headline.append("  ")
                headline.append(f"{counts[status]} {STATUS_LABEL[status].split(' ', 1)[1]}",
                                style=status_style(self.app, status))
                first = False
        if not lines:
            headline.append("the SLA has no commitments", style="italic")
        segments = [headline]
        fresh = card.get("freshness") or {}
        newest = fresh.get("newest_import") or {}
        if fresh.get("stale"):
            label = newest.get("source_label") or "data"
            segments.append(Text(f"⚠ {clean(label)} older than the period",
                                 style=status_style(self.app, "amber")))
        self.query_one("#scorecard-summary", SectionHeader).update(
            pack(segments, view_width(self) - 2))

    # -- the highlighted line ---------------------------------------------------------------

    def on_resize(self) -> None:
        changed = width_changed(self)  # before show_key_line, which draws for the width
        show_key_line(self)
        if changed and getattr(self, "card", None) is not None:
            self._show(self.card)  # the description column follows the width

    def _current(self) -> dict | None:
        key = highlighted_key(self.query_one(DataTable))
        return self._lines.get(key) if key else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        line = self._current()
        detail = self.query_one("#scorecard-detail-text", Static)
        spark = self.query_one("#scorecard-sparkline", Sparkline)
        if line is None:
            detail.update("")
            spark.data = []
            return
        currency = self.context.settings.currency
        unit = line.get("unit", "count")
        # Lines packed from whole segments, so no value breaks at its no-break space.
        width = view_width(self) - 4  # the pane's padding and a scrollbar
        text = Text()
        text.append(clean(line["description"]), style="bold")
        seen = judged_text(line, (self.card or {}).get("as_of"), self.context.settings.timezone)
        facts = [f"{line.get('team') or 'both teams'}", str(line["id"]), f"judged over {seen}"]
        if line.get("amber") is not None:
            facts.append(f"amber from {format_value(line['amber'], unit, currency)}")
        text.append("\n")
        text.append_text(_dim(pack([Text(clean(fact)) for fact in facts], width)))
        beside = week_beside_month(line, currency)
        if beside:
            # Packed at its " · " so each period's value stays on one line.
            text.append("\n")
            text.append_text(pack([Text(clean(part), style="italic")
                                   for part in beside.split(" · ")], width))
        counts = line.get("counts") or {}
        if counts:
            parts = count_parts(line.get("metric") or "", counts, currency, every=True)
            text.append("\n")
            text.append_text(pack([Text(clean(part)) for part in parts], width))
        excluded = excluded_text(line.get("excluded"))
        if excluded:
            text.append("\n")
            text.append_text(_dim(Text(clean(excluded))))
        pace = line.get("pace")
        if not beside and pace and pace.get("text"):
            text.append("\n" + clean(pace["text"]), style="italic")
        points = line.get("trend") or []
        if points:
            periods = [Text(clean(f"{short_period(p['label'])} "
                                  f"{format_value(p.get('actual'), unit, currency)}"))
                       for p in points[-4:]]
            text.append("\n")
            text.append_text(_dim(pack(periods, width, separator="  ")))
        detail.update(text)
        # The widget draws the periods that have a value (a gap is not a zero).
        values = [float(p["actual"]) for p in points if p.get("actual") is not None]
        spark.styles.width = max(4, min(32, 4 * len(values)))  # a few cells per period
        spark.data = values

    # -- keys -------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill()

    def action_drill(self) -> None:
        line = self._current()
        if line is None:
            return
        self._drill(line["id"])

    @work(thread=True, exclusive=True, group="scorecard-drill")
    def _drill(self, commitment_id: str) -> None:
        from smarketing_tui.scorecard import drill
        from smarketing_tui.sla import load_sla
        from smarketing_tui.store import open_readonly

        session = self.context.session
        try:
            sla = load_sla(self.context.agenda.sla_path, self.context.settings)
            conn = open_readonly(session.db_path)
            try:
                commitment, judged, result = drill(conn, sla, self.context.settings,
                                                   commitment_id, session.period,
                                                   as_of_of(session), limit=200)
                from smarketing_tui.engagement_lines import add_to_drill

                add_to_drill(conn, result, as_of_of(session))
            finally:
                conn.close()
        except Exception as error:  # noqa: BLE001 - a failed query must not end the meeting
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_drill, commitment.description, judged.label, result)

    def _show_drill(self, description: str, period_label: str, result) -> None:
        if not self.is_attached:  # the meeting moved on while the worker ran
            return
        tz, currency = self.context.settings.timezone, self.context.settings.currency
        keys = [key for key, _ in result.columns]
        rows = [[drill_cell(key, row.get(key), tz, currency) for key in keys]
                for row in result.rows]
        shown = (f"{format_number(len(rows))} of {counted(result.total, 'lead')}"
                 if result.total > len(rows) else counted(result.total, "lead"))
        more = None
        if result.excluded:
            excluded_keys = [key for key, _ in result.excluded_columns]
            more = TableSection(
                f"Left out by the SLA's exclude rules: {excluded_shown(result)}",
                [heading for _, heading in result.excluded_columns],
                [[drill_cell(key, row.get(key), tz, currency) for key in excluded_keys]
                 for row in result.excluded],
                # The reason is why a lead is listed: never cut; on a narrow screen the
                # source gives way first.
                whole=tuple(i for i, key in enumerate(excluded_keys) if key == "excluded"),
                drop=tuple(i for i, key in enumerate(excluded_keys) if key == "source"))
        self.app.push_screen(TableModal(
            f"{clean(description)} — {period_label}", [heading for _, heading in result.columns],
            rows, summary=f"{clean(result.title)}: {shown}",
            empty="No leads behind this line: nothing was missed.", more=more))

    def action_raise_issue(self) -> None:
        line = self._current()
        if line is None:
            return
        if line["status"] not in ("red", "amber"):
            self.notify("Only red or amber lines go on the issues list; i raises any issue.",
                        markup=False)
            return
        existing = self._issues_on_list().get(line["id"])
        if existing is not None:
            self.notify(f"Already on the list as issue #{existing}.", markup=False)
            return
        title, detail, evidence = issue_from_line(line, (self.card or {}).get("period", {})
                                                  .get("label", ""), self.context.settings.currency)
        try:
            issue_id = self.context.session.raise_issue(title, detail=detail,
                                                        team=line.get("team"),
                                                        origin="scorecard", evidence=evidence)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.post_message(SectionDataChanged())
        if self.card is not None:
            self._show(self.card)  # the line now shows its issue
        self.notify(f"Issue #{issue_id} raised with the numbers attached.", markup=False)

    def decision_context(self) -> dict | None:
        line = self._current()
        if line is None:
            return None
        return {"section": "scorecard", "commitment": line["id"],
                "description": line["description"], "status": line["status"],
                "actual": line.get("actual"), "target": line.get("target"),
                "comparison": line["comparison"], "unit": line.get("unit"),
                "period": (line.get("judged_period") or {}).get("label"),
                **({"week": {line["week"].get("label"): line["week"].get("actual")}}
                   if isinstance(line.get("week"), dict) else {}),
                "counts": line.get("counts")}
