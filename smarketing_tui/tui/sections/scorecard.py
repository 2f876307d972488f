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
from smarketing_tui.reportformat import count_parts, format_cell, format_value, sparkline
from smarketing_tui.section_numbers import section_job
from smarketing_tui.scorecard_text import (excluded_shown, excluded_text, issue_from_line,
                                           judged_text, period_name, week_beside_month)
from smarketing_tui.timeutil import format_datetime
from smarketing_tui.vocabulary import (at_risk_from, count_of, status_counts, status_text,
                                       streak_mark, target_text)
from smarketing_tui.tui.messages import SectionDataChanged
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.common import (SectionHeader, as_of_of, clean,
                                                follow_theme, forward_focus, highlighted_key,
                                                is_narrow, keep_cursor, key_hint, one_line, pack,
                                                refocus, safe, short_period, show_key_line,
                                                status_style, table_room, table_with_enter,
                                                view_width, width_changed)
from smarketing_tui.tui.sections.dialogs import TableModal, TableSection
from smarketing_tui.tui.sections.talking_points import PrepPoints
from smarketing_tui.tui.tablefit import Column, fill_table

STATUS_ORDER = {"red": 0, "amber": 1, "no_data": 2, "green": 3}
_STAMP_KEYS = ("_at", "deadline", "first_contact", "starts", "ends", "meeting")


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
        return Text(format_cell(key, value, tz, currency), justify="right")
    return safe(one_line(value, 40))


# What a drill-down shows first, and what gives way when its box is narrow.
_DRILL_IDENTITY = ("name", "owner")
_DRILL_GIVES_WAY = ("source", "campaign", "mql_at")  # left out first, in this order


def drill_layout(keys: list[str], measure: str | None = None) -> tuple[list[int], list[int]]:
    """The order of a drill-down's columns and those that may be left out, as indexes into
    ``keys`` (the metric's columns, the row's id first); ``measure`` is the column the rows
    are ranked by (the last one when not given).

    Shown first: the id, the measure and the status (why the row is listed), then the name
    and owner, then the rest in the metric's order. Left out first when there is no room:
    source, campaign and MQL stamp, then the other columns from the left, then the owner;
    the id, the measure, the status, the name and the last engagements always stay."""
    if not keys:
        return [], []
    first = 0
    measure = keys.index(measure) if measure in keys else len(keys) - 1
    status = [i for i, key in enumerate(keys) if key == "status" and i not in (first, measure)]
    identity = [i for i, key in enumerate(keys) if key in _DRILL_IDENTITY
                and i not in (first, measure)]
    head = list(dict.fromkeys([first, measure, *status, *identity]))
    order = head + [i for i in range(len(keys)) if i not in head]
    # A lead's last engagements (engagement_lines.add_to_drill) are what a seller calls
    # with: kept like the name, both giving way with '…' when narrow.
    kept = {first, measure, *status, *(i for i in identity if keys[i] == "name"),
            *(i for i, key in enumerate(keys) if key == "engagements")}
    gives_way = [i for key in _DRILL_GIVES_WAY for i, k in enumerate(keys)
                 if k == key and i not in kept]
    rest = [i for i in order if i not in kept and i not in gives_way
            and keys[i] not in _DRILL_IDENTITY]
    owners = [i for i in identity if i not in kept]
    return order, [*gives_way, *rest, *owners]


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
        Binding("I", "raise_issue", "Issue from line", id="scorecard.issue",
                tooltip="Raise an issue from the highlighted line, its numbers attached: "
                        "the title is prefilled from the line, to edit"),
        Binding("r", "reload", "Reload", id="scorecard.reload",
                tooltip="Judge the SLA again from the store"),
    ]

    def compose(self) -> ComposeResult:
        yield SectionHeader(Text("Judging the SLA…", style="italic"), id="scorecard-summary")
        yield PrepPoints(self.context, classes="prep-points")
        yield SectionHeader(key_hint(("Enter", "leads behind a line"),
                                     ("I", "issue from the line"), ("r", "reload")),
                            id="scorecard-keys", classes="keys")
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
        self.load_numbers(fresh=True)

    def reload(self) -> None:
        self.load_numbers()

    # -- loading ----------------------------------------------------------------------------

    def numbers_job(self):
        session = self.context.session
        return section_job(self.context.section, self.context.agenda, self.context.settings,
                           session.period, lambda: as_of_of(session))

    def show_loading(self) -> None:
        # The summary too: numbers from before over a loading table could be read as current.
        self.query_one("#scorecard-summary", SectionHeader).update(
            Text("Judging the SLA…", style="italic"))
        self.query_one(DataTable).loading = True

    def show_numbers(self, card: dict) -> None:
        self._show(card)

    def show_numbers_error(self, message: str) -> None:
        self._show_error(message)

    def show_numbers_again(self, card: dict) -> None:
        """Drawn again only when it is not what the table shows (it came while the view
        was hidden) or a line's issue (``▲#3``) came or went meanwhile."""
        if self.card is not card or self._issues_on_list() != getattr(self, "_drawn_on_list",
                                                                      None):
            self._show(card)

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
        on_list = self._drawn_on_list = self._issues_on_list()
        rows = []
        for line in lines:
            unit = line.get("unit", "count")
            status = line["status"]
            style = status_style(self.app, status)
            label = status_text(status)  # the word too: it must read without colour
            if status == "red" and int(line.get("red_streak") or 0) > 1:
                label += f" {streak_mark(int(line['red_streak']))}"
            actual = Text(format_value(line.get("actual"), unit, currency), style=style,
                          justify="right")
            judged = line.get("judged_period") or {}
            if judged.get("running") and not narrow and not week:
                actual.append(" so far", style="dim")
            target = Text(target_text(line["comparison"], line.get("target"), unit, currency),
                          justify="right")
            trend = Text()
            points = line.get("trend") or []
            for char, point in zip(sparkline([p.get("actual") for p in points]), points):
                trend.append(char, style=status_style(self.app, point.get("status", "no_data")))
            description = safe(one_line(line["description"]))
            if line["id"] in on_list and narrow:  # on the issues list already
                label += "▲"
            description_cell = (description, Text(f" ▲#{on_list[line['id']]}", style="dim")) \
                if line["id"] in on_list and not narrow else description
            cells = [Text(label, style=style), description_cell]
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
            rows.append((line["id"], cells))
        # Widths fixed when filled (tablefit): a table drawn before DataTable measured its
        # new cells, as a terminal does right after a resize, showed every column at the
        # width of its heading until the next fill.
        fill_table(table, self._columns(week, month, narrow), rows, table_room(self, table))
        # As tall as its lines (and header), so that the detail follows right below; with
        # more lines than fit, the table scrolls and the detail stays in view.
        table.styles.max_height = max(4, table.row_count + 1)
        if current is None and lines:
            table.move_cursor(row=0)
        keep_cursor(table, current)
        self._update_summary(card, lines)
        self._show_detail()
        refocus(self)

    def _columns(self, week: str | None, month: str | None, narrow: bool) -> list[Column]:
        """The table's columns: with a week beside the month, the week's own value and the
        month so far in place of one Actual (and, when narrow, no trend: the detail draws it).
        The commitment gives way with '…'; the trend is left out first when even that does
        not fit; the status, the values and the target are never cut."""
        status = Column("Status", "status")
        commitment = Column("Commitment", "description", minimum=12)
        target = Column("Target", "target", right=True)
        trend = Column("Trend", "trend", drop=1)
        if not week:
            return [status, commitment, Column("Actual", "actual", right=True), target, trend]
        # "Nov so far" (wide) or "Nov" (narrow): the detail says "November so far".
        month_heading = (month or "Month")[:3]
        if not narrow and month and month.endswith(" so far"):
            month_heading += " so far"
        columns = [status, commitment, Column(period_name(week), "week", right=True),
                   Column(month_heading, "actual", right=True), target]
        return columns if narrow else [*columns, trend]

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
        for status, words in status_counts(counts):
            if not first:
                headline.append("  ")
            headline.append(words, style=status_style(self.app, status))
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
            facts.append(at_risk_from(format_value(line['amber'], unit, currency)))
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
        order, drop = drill_layout(keys, result.measure)
        headings = [result.columns[i][1] for i in order]
        rows = [[drill_cell(keys[i], row.get(keys[i]), tz, currency) for i in order]
                for row in result.rows]
        shown = count_of(len(rows), result.total, "lead")
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
            f"{clean(description)} — {period_label}", headings, rows,
            summary=f"{clean(result.title)}: {shown}",
            empty="No leads behind this line: nothing was missed.", more=more,
            # Columns left out rather than names cut (a name longer than 30 still is).
            drop=tuple(order.index(i) for i in drop), text_minimum=30,
            # The last engagements give way further than a name: its start says the most.
            minimums={order.index(i): 12 for i, key in enumerate(keys) if key == "engagements"}))

    def action_raise_issue(self) -> None:
        """Raise an issue from the highlighted line (any status: an amber or green line can
        hide a problem too): the title, prefilled from the line, is asked for and may be
        edited, with who raises it; the line's numbers go with it."""
        from smarketing_tui.tui.modals import IssueDialog

        line = self._current()
        if line is None:
            return
        existing = self._issues_on_list().get(line["id"])
        if existing is not None:
            self.notify(f"Already on the list as issue #{existing}.", markup=False)
            return
        title, detail, evidence = issue_from_line(line, (self.card or {}).get("period", {})
                                                  .get("label", ""), self.context.settings.currency)
        session = self.context.session

        def save(draft) -> None:
            if draft is None:
                return
            text = f"{draft.detail}\n\n{detail}" if draft.detail and detail else (
                draft.detail or detail)
            try:
                issue_id = session.raise_issue(draft.title, detail=text, team=draft.team,
                                               origin="scorecard", evidence=evidence,
                                               raised_by=draft.raised_by)
            except UserError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.post_message(SectionDataChanged())
            if self.card is not None and self.is_attached:
                self._show(self.card)  # the line now shows its issue
            self.notify(f"Issue #{issue_id} raised with the numbers attached.", markup=False)

        self.app.push_screen(IssueDialog(title=title, team=line.get("team"),
                                         people=session.people_names(),
                                         heading="Raise an issue from this line"), save)

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
