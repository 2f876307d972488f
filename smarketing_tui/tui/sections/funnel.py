"""Funnel: the period's MQLs followed to accepted, meeting and won, by source or campaign."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from smarketing_tui.funnel import BY_LABELS, Funnel, FunnelRow
from smarketing_tui.section_numbers import funnel_job, funnel_options
from smarketing_tui.periods import Period, range_period
from smarketing_tui.timeutil import format_money, format_number
from smarketing_tui.vocabulary import date_span, format_value
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.common import (SectionHeader, as_of_of, clean, follow_theme,
                                                forward_focus, highlighted_key, is_narrow,
                                                keep_cursor, key_hint, one_line, refocus,
                                                show_key_line, table_room, theme_color,
                                                width_changed)
from smarketing_tui.tui.sections.talking_points import PrepPoints
from smarketing_tui.tui.tablefit import Column, fill_table

#: What ``b`` steps through, from the breakdown the agenda opened with.
BY_CYCLE = ("source", "campaign", "first_asset", "first_keyword", "first_platform",
            "last_asset")
LONG_WINDOW = {"week": 12, "month": 3, "quarter": 2, "year": 1, "range": 1}


def long_window(period: Period) -> Period:
    """The longer cohort window ending with ``period``: 12 weeks, 3 months, 2 quarters."""
    count = LONG_WINDOW.get(period.kind, 1)
    if count == 1:
        return period
    first = period.history(count)[0]
    return range_period(first.first_day, period.last_day, period.tz)


def stage_cell(count: int, share: float | None, narrow: bool = False) -> Text:
    """``12  60 %``: how many reached the stage and the step's conversion (narrow: the
    count alone)."""
    text = Text(format_number(count), justify="right")
    if narrow:
        return text
    text.append(f" {format_value(share, 'share'):>6}", style="dim")
    return text


class FunnelView(SectionView):
    """MQL → accepted → meeting → won with conversion rates; ``b`` by, ``w`` longer window."""

    SECTION_TYPE = "funnel"
    DEFAULT_CSS = """
    FunnelView { height: 1fr; }
    FunnelView DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("b", "toggle_by", "Breakdown", id="funnel.by",
                tooltip="Break the funnel down by source, campaign, or the first- or "
                        "last-touch asset, keyword or platform"),
        Binding("w", "toggle_window", "Longer window", id="funnel.window",
                tooltip="Follow the MQLs of the period, or of a longer window ending with it"),
        Binding("r", "reload", "Reload", id="funnel.reload"),
    ]

    def compose(self) -> ComposeResult:
        yield SectionHeader(Text("Following the MQLs…", style="italic"), id="funnel-summary")
        yield PrepPoints(self.context, classes="prep-points")
        yield SectionHeader(key_hint(("b", "by source, campaign, asset, keyword…"), ("w", "longer window"),
                                     ("r", "reload")), id="funnel-keys", classes="keys")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="funnel-table")

    def on_focus(self) -> None:
        forward_focus(self)

    def on_mount(self) -> None:
        self.by, self.with_cost = funnel_options(self.context.section)
        self.long = False
        self.funnel: Funnel | None = None
        self.reload()
        follow_theme(self, lambda: self.funnel is not None and self._show(self.funnel))

    def on_resize(self) -> None:
        changed = width_changed(self)  # before show_key_line, which draws for the width
        show_key_line(self)
        # self.funnel is None before the first load
        if changed and getattr(self, "funnel", None) is not None:
            self._show(self.funnel)  # the columns follow the width

    def action_toggle_by(self) -> None:
        position = BY_CYCLE.index(self.by) if self.by in BY_CYCLE else -1
        self.by = BY_CYCLE[(position + 1) % len(BY_CYCLE)]
        self.reload()

    def action_toggle_window(self) -> None:
        self.long = not self.long
        self.reload()

    def action_reload(self) -> None:
        self.load_numbers(fresh=True)

    @property
    def cohort(self) -> Period:
        period = self.context.session.period
        return long_window(period) if self.long else period

    def reload(self) -> None:
        self.load_numbers()

    def numbers_job(self):
        session = self.context.session
        return funnel_job(self.context.settings, self.cohort, lambda: as_of_of(session),
                          by=self.by, cost=self.with_cost)

    def show_loading(self) -> None:
        # The summary too: numbers from before over a loading table could be read as current.
        self.query_one("#funnel-summary", SectionHeader).update(
            Text("Following the MQLs…", style="italic"))
        self.query_one(DataTable).loading = True

    def show_numbers(self, funnel: Funnel) -> None:
        self._show(funnel)

    def show_numbers_error(self, message: str) -> None:
        self._show_error(message)

    def show_numbers_again(self, value) -> None:
        """Nothing but the numbers (and the width, the theme: they redraw) is drawn here."""
        if getattr(self, "funnel", None) is not value:
            self._show(value)

    def _show_error(self, message: str) -> None:
        if not self.is_attached:  # the meeting moved on while the worker ran
            return
        self.query_one(DataTable).loading = False
        self.query_one("#funnel-summary", SectionHeader).update(
            Text(f"Could not build the funnel: {clean(message)}", style="bold"))

    def _show(self, funnel: Funnel) -> None:
        if not self.is_attached:  # the meeting moved on while the worker ran
            return
        self.funnel = funnel
        currency = self.context.settings.currency
        table = self.query_one(DataTable)
        table.loading = False
        current = highlighted_key(table)
        # The name gives way first (down to 14 cells); then the spend goes (the summary has
        # its total), then the won amount, then MQL→won; numbers are never cut. A narrow
        # view shows the stages' counts without the step conversions.
        narrow = is_narrow(self)
        columns = [Column(BY_LABELS[funnel.by], "key", 14),
                   Column("MQLs", "MQLs", right=True),
                   Column("Acc" if narrow else "Accepted", "Accepted", right=narrow),
                   Column("Mtg" if narrow else "Meeting", "Meeting", right=narrow),
                   Column("Won", "Won", right=narrow),
                   Column("MQL→won", "MQL→won", drop=1, right=True),
                   Column(f"Won {currency}", "amount", drop=3, right=True)]
        if funnel.with_cost:
            columns += [Column("Spend", "Spend", drop=4, right=True),
                        Column(f"{currency}/MQL", "per_mql", right=True),
                        Column(f"{currency}/won", "per_won", right=True)]
        rows = []
        for index, row in enumerate([*funnel.rows, funnel.total]):
            is_total = row is funnel.total
            name = "Total" if is_total else (row.key or f"(no {BY_LABELS[funnel.by].lower()})")
            style = "bold" if is_total else ""
            rows.append(("__total__" if is_total else f"row{index}",
                         [Text(one_line(name), style=style),
                          *self._cells(row, funnel.with_cost, narrow)]))
        fill_table(table, columns, rows, table_room(self, table))
        keep_cursor(table, current)
        self._update_summary(funnel)
        refocus(self)

    def _cells(self, row: FunnelRow, with_cost: bool, narrow: bool) -> list[Text]:
        cells = [Text(format_number(row.mqls), justify="right"),
                 stage_cell(row.accepted, row.accept_rate, narrow),
                 stage_cell(row.meetings, row.meeting_rate, narrow),
                 stage_cell(row.won, row.win_rate, narrow),
                 Text(format_value(row.mql_to_won, "share"), justify="right", style="bold"),
                 Text(format_number(row.won_amount), justify="right")]
        if with_cost:
            cells += [Text(format_number(row.spend), justify="right"),
                      Text(format_number(row.cost_per_mql), justify="right"),
                      Text(format_number(row.cost_per_won), justify="right")]
        return cells

    def _update_summary(self, funnel: Funnel) -> None:
        t = funnel.total
        period = funnel.period
        text = Text()
        text.append(f"MQLs of {period.label}" if period.kind != "range" else
                    f"MQLs of {date_span(period.first_day, period.last_day)}", style="bold")
        text.append(f" ({'longer window' if self.long else 'the period under review'}), "
                    "followed until now: ")
        text.append(f"{format_number(t.mqls)} → {format_number(t.accepted)} accepted → "
                    f"{format_number(t.meetings)} meetings → {format_number(t.won)} won")
        if t.mql_to_won is not None:
            text.append(f" ({format_value(t.mql_to_won, 'share')})",
                        style=f"bold {theme_color(self.app, 'accent', 'cyan')}")
        if funnel.with_cost and t.spend is not None:
            text.append(f" · spend {format_money(t.spend, self.context.settings.currency)}")
        if not self.long and t.mqls and t.won == 0:
            text.append("  w: a longer window shows more wins", style="italic dim")
        self.query_one("#funnel-summary", SectionHeader).update(text)

    def decision_context(self) -> dict | None:
        funnel = getattr(self, "funnel", None)
        if funnel is None:
            return None
        data = funnel.to_json()
        key = highlighted_key(self.query_one(DataTable))
        if key and key.startswith("row"):
            data["highlighted"] = funnel.rows[int(key[3:])].to_json()
        data.pop("rows")
        return {"section": "funnel", **data}
