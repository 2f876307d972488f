"""Activity: one team's week in numbers (``team: marketing`` or ``team: sales``)."""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, Group
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from smarketing_tui.activity import MarketingWeek, SalesWeek, summarize_activities
from smarketing_tui.section_numbers import activity_job, activity_team
from smarketing_tui.timeutil import counted, format_money, format_number, to_local
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.common import (SectionHeader, as_of_of, clean, follow_theme,
                                                forward_focus, is_narrow, key_hint, one_line, pack,
                                                refocus, short_date, theme_color, view_width,
                                                width_changed)
from smarketing_tui.tui.sections.talking_points import PrepPoints
from smarketing_tui.tui.tablefit import cut_text, fit_widths


def change_text(change: int, good_when_up: bool = True, *, up: str = "green",
                down: str = "red") -> Text:
    """``+5`` / ``−3`` / ``±0``, coloured by whether the move is good."""
    if change == 0:
        return Text("±0", style="dim")
    good = (change > 0) == good_when_up
    sign = "+" if change > 0 else "−"
    return Text(f"{sign}{format_number(abs(change))}", style=up if good else down)


class Report:
    """A plain report table that fits the width it is drawn at: text cut with '…', never
    wrapped; numbers never cut. Columns marked ``wide`` are left out when the view is narrow
    (80×24 with the agenda beside it), and at any width when the others do not fit without
    them (the rightmost first)."""

    GAP = 3  # each column's padding (1 + 1) and the space between columns

    def __init__(self, title: str, columns: list[tuple], narrow: bool) -> None:
        # Each column: (heading, justify[, min_width[, wide]]); min_width 0: never cut
        # (dates), like the numbers.
        self.title = title
        self.keep = [not (narrow and len(c) > 3 and c[3]) for c in columns]
        self.columns: list[tuple[str, str, int | None, bool]] = []
        for column, kept in zip(columns, self.keep):
            if kept:
                heading, justify, *rest = column
                minimum = rest[0] if rest else None
                if justify == "right" or minimum == 0:  # numbers and dates are never cut
                    minimum = None
                elif narrow and minimum:
                    minimum = min(minimum, 10)
                elif not minimum:
                    minimum = min(len(heading), 6)
                self.columns.append((heading, justify, minimum, len(rest) > 1 and rest[1]))
        self.rows: list[tuple[list[Text], dict]] = []
        self._rendered: tuple[int, list] | None = None  # (width, segments)

    def add(self, *cells, **options) -> None:
        kept_cells = [c if isinstance(c, Text) else Text(str(c))
                      for c, kept in zip(cells, self.keep) if kept]
        self.rows.append((kept_cells, options))
        self._rendered = None

    def empty(self, message: str) -> None:
        self.add(Text(message, style="italic"), *([""] * (len(self.keep) - 1)))

    def _widths(self, width: int) -> list[int | None]:
        natural = [max([len(heading)] + [cells[i].cell_len for cells, _ in self.rows])
                   for i, (heading, *_rest) in enumerate(self.columns)]
        minimum = [column[2] for column in self.columns]
        droppable = [i for i, column in enumerate(self.columns) if column[3]]
        return fit_widths(width + 1, natural, minimum, gap=self.GAP,
                          drop_order=droppable[::-1])

    def table(self, width: int) -> Table:
        """The table at ``width`` cells (or narrower)."""
        widths = self._widths(width)
        table = Table(title=self.title, title_justify="left", title_style="bold",
                      box=box.SIMPLE_HEAD, expand=False, padding=(0, 1), show_edge=False)
        shown = [i for i, w in enumerate(widths) if w is not None]
        for i in shown:
            heading, justify, *_rest = self.columns[i]
            table.add_column(cut_text(Text(heading), widths[i]), justify=justify,
                             no_wrap=True, width=widths[i])
        for cells, options in self.rows:
            table.add_row(*(cut_text(cells[i], widths[i]) for i in shown), **options)
        return table

    def lines(self, console: Console, options: ConsoleOptions) -> list[Segment]:
        """What :meth:`table` draws, segment for segment alike on screen, made without
        Rich's table machinery (a cell at a time, padded and aligned through its
        renderers: some ten times the cost of this, on a week of 300 deals)."""
        widths = self._widths(options.max_width)
        shown = [i for i, w in enumerate(widths) if w is not None]
        padded = [widths[i] + 2 for i in shown]
        table_width = sum(padded) + len(shown) - 1
        if not shown or table_width > options.max_width:  # numbers wider than the view:
            return list(console.render(self.table(options.max_width), options))  # Rich cuts
        get_style = console.get_style
        out: list[Segment] = list(console.render(
            console.render_str(self.title, style="bold", highlight=False),
            options.update(width=table_width, highlight=False, height=None, justify="left")))
        border = get_style("") + get_style("")
        plain = Style.null()
        line = Segment.line()
        divider = box.SIMPLE_HEAD.head_vertical  # Rich styles it as the border: no style

        def row(cells: list[Text], style: Style) -> None:
            # One Text per line (a run of one style is one segment): each cell padded by a
            # space each side and styled with the row's style beneath its own, as Rich does.
            text = Text()
            for number, i in enumerate(shown):
                if number:
                    text.append(divider)
                cell = cut_text(cells[i], widths[i]).copy()
                if self.columns[i][1] == "right":
                    cell.rstrip()
                    cell.truncate(widths[i], overflow="ellipsis")
                    cell.pad_left(widths[i] - cell.cell_len)
                else:
                    cell.truncate(widths[i], overflow="ellipsis", pad=True)
                begin = len(text)
                text.append(" ")
                text.append_text(cell)
                text.append(" ")
                if style:
                    text.stylize_before(style, begin, len(text))
            out.extend(text.render(console))
            out.append(line)

        row([Text(heading) for heading, *_rest in self.columns],
            get_style("table.header") + get_style(""))
        out += [Segment(box.SIMPLE_HEAD.get_row(padded, "head", edge=False), border), line]
        for number, (cells, options_) in enumerate(self.rows):
            row(cells, plain)
            if options_.get("end_section") and number < len(self.rows) - 1:
                out += [Segment(box.SIMPLE_HEAD.get_row(padded, "row", edge=False), border),
                        line]
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions):
        # Textual renders a Static's content twice for one layout (its height, then its
        # lines): the lines are made once per width.
        if self._rendered is None or self._rendered[0] != options.max_width:
            self._rendered = (options.max_width, self.lines(console, options))
        yield from self._rendered[1]


class ActivityView(SectionView):
    """Marketing: MQLs by source, campaigns and spend, activities. Sales: by person, deals."""

    SECTION_TYPE = "activity"
    DEFAULT_CSS = """
    ActivityView { height: 1fr; }
    ActivityView #activity-body { height: 1fr; padding: 0 1; }
    ActivityView #activity-report { width: 1fr; }
    """
    BINDINGS = [Binding("r", "reload", "Reload", id="activity.reload",
                        tooltip="Load the numbers again from the store")]

    def compose(self) -> ComposeResult:
        yield SectionHeader(Text("Loading the numbers…", style="italic"), id="activity-summary")
        yield PrepPoints(self.context, classes="prep-points")
        with VerticalScroll(id="activity-body", can_focus=True):
            yield Static(id="activity-report")

    @property
    def team(self) -> str:
        return activity_team(self.context.section)

    def on_focus(self) -> None:
        forward_focus(self, VerticalScroll)

    def on_mount(self) -> None:
        self.reload()
        follow_theme(self, lambda: getattr(self, "week", None) is not None
                     and self._show(self.week))

    def action_reload(self) -> None:
        self.load_numbers(fresh=True)

    def reload(self) -> None:
        self.load_numbers()

    def numbers_job(self):
        session = self.context.session
        return activity_job(self.team, self.context.settings, session.period,
                            lambda: as_of_of(session))

    def show_loading(self) -> None:
        # The summary too: numbers from before over a loading table could be read as current.
        self.query_one("#activity-summary", SectionHeader).update(
            Text("Loading the numbers…", style="italic"))
        self.query_one("#activity-body").loading = True

    def show_numbers(self, week: MarketingWeek | SalesWeek) -> None:
        self._show(week)

    def show_numbers_error(self, message: str) -> None:
        self._show_error(message)

    def show_numbers_again(self, value) -> None:
        """Nothing but the numbers (and the width, the theme: they redraw) is drawn here."""
        if getattr(self, "week", None) is not value:
            self._show(value)

    def _show_error(self, message: str) -> None:
        if not self.is_attached:  # the meeting moved on while the worker ran
            return
        self.query_one("#activity-body").loading = False
        self.query_one("#activity-summary", SectionHeader).update(
            Text(f"Could not load the numbers: {clean(message)}", style="bold"))

    def on_resize(self) -> None:
        if getattr(self, "week", None) is not None and width_changed(self):
            self._show(self.week)  # columns follow the width

    def _show(self, week: MarketingWeek | SalesWeek) -> None:
        if not self.is_attached:  # the meeting moved on while the worker ran
            return
        self.week = week
        self.query_one("#activity-body").loading = False
        narrow = is_narrow(self)
        if isinstance(week, MarketingWeek):
            segments, report = self._marketing(week, narrow)
        else:
            segments, report = self._sales(week, narrow)
        summary = pack(segments, view_width(self) - 2)
        if not narrow:
            summary.append("\n")
            summary.append_text(key_hint(("r", "reload"), ("d", "decision"), ("i", "issue")))
        self.query_one("#activity-summary", SectionHeader).update(summary)
        self.query_one("#activity-report", Static).update(report)
        refocus(self, VerticalScroll)

    # -- marketing --------------------------------------------------------------------------

    def _marketing(self, week: MarketingWeek, narrow: bool):
        currency = self.context.settings.currency
        good, bad = theme_color(self.app, "success", "green"), theme_color(self.app, "error", "red")
        headline = Text(f"{week.period.label}: ", style="bold")
        if week.mqls is None:
            headline.append("no lead data for this period yet", style="italic")
        else:
            previous = week.mqls_previous or 0
            headline.append(f"{format_number(week.mqls)} MQLs", style="bold")
            headline.append(f" (week before {format_number(previous)}, ")
            headline.append_text(change_text(week.mqls - previous, up=good, down=bad))
            headline.append(")")
        segments = [headline, Text(f"spend {format_money(week.spend, currency)}"),
                    Text(f"{counted(len(week.campaigns), 'campaign')} running"),
                    Text(f"{len(week.activities)} activities logged")]

        sources = Report(f"MQLs by source, {week.period.label} against {week.previous.label}",
                         [("Source", "left", 12), (week.period.label, "right"),
                          (week.previous.label, "right"), ("Change", "right")], narrow)
        for row in week.sources:
            sources.add(Text(one_line(row.source or "(no source)", 28)), format_number(row.mqls),
                        format_number(row.previous), change_text(row.change, up=good, down=bad))
        if not week.sources:
            sources.empty("no MQLs in either week")

        campaigns = Report("Campaigns running, spend in the period",
                           [("Campaign", "left", 16), ("Channel", "left", None, True),
                            ("Dates", "left", 0, True), (f"Spend {currency}", "right"),
                            ("MQLs", "right"), (f"{currency}/MQL", "right")], narrow)
        for c in week.campaigns:
            campaigns.add(Text(one_line(c.name, 18 if narrow else 34)),
                          Text(one_line(c.channel or "–", 14)),
                          f"{short_date(c.starts)[:5]}–{short_date(c.ends)[:5]}",
                          format_number(c.spend_in_period), format_number(c.mqls),
                          format_number(c.cost_per_mql))
        if not week.campaigns:
            campaigns.empty("no campaign ran in this period")
        return segments, Group(sources, Text(""), campaigns, Text(""),
                               self._activities(week.activities, "Activities logged", narrow))

    def _activities(self, activities, title: str, narrow: bool) -> Report:
        report = Report(f"{title} ({len(activities)})",
                        [("Kind", "left"), ("What", "left", 16), ("Days", "left", 0, True),
                         ("Entries", "right", None, True), ("Qty", "right"),
                         ("Who", "left", 10, True)], narrow)
        for group in summarize_activities(activities):
            days = short_date(group.first)[:5] + (
                f"–{short_date(group.last)[:5]}" if group.last != group.first else "")
            people = ", ".join(p.split()[0] for p in group.people)
            report.add(Text(one_line(group.kind.replace("_", " "), 14 if narrow else 18)),
                       Text(one_line(group.title or "", 26 if narrow else 40)), days,
                       format_number(group.entries),
                       format_number(group.quantity,
                                     0 if float(group.quantity).is_integer() else 1),
                       Text(one_line(people, 30)))
        if not activities:
            report.empty("nothing logged in this period")
        return report

    # -- sales ------------------------------------------------------------------------------

    def _sales(self, week: SalesWeek, narrow: bool):
        currency = self.context.settings.currency
        success = theme_color(self.app, "success", "green")
        error = theme_color(self.app, "error", "red")
        t = week.totals
        segments = [Text(f"{week.period.label}: {format_number(t.touches)} touches", style="bold"),
                    Text(f"{format_number(t.first_contacts)} first contacts"),
                    Text(f"{format_number(t.meetings_booked)} meetings booked"),
                    Text(f"{format_number(t.won)} won ({format_money(week.won_amount, currency)})",
                         style=f"bold {success}"),
                    Text(f"{format_number(t.lost)} lost "
                         f"({format_money(week.lost_amount, currency)})")]

        people = Report("By person: touches, reached (connected), first contacts, meetings "
                        "booked, deals",
                        [("Person", "left", 14), ("Touch" if narrow else "Touches", "right"),
                         ("Reached", "right", None, True), ("1st" if narrow else "First", "right"),
                         ("Mtgs" if narrow else "Meetings", "right"), ("Won", "right"),
                         (f"Won {currency}", "right", None, True),
                         ("Lost", "right")], narrow)
        for row in [*week.people, t]:
            style = "bold" if row is t else ""
            people.add(Text(one_line(row.person, 12 if narrow else 24), style=style),
                       *(Text(format_number(v), style=style) for v in (
                           row.touches, row.connected, row.first_contacts, row.meetings_booked,
                           row.won, row.won_amount, row.lost)),
                       end_section=bool(week.people) and row is week.people[-1])
        if not week.people:
            people.empty("no sales activity in this period")

        deals = Report("Deals won and lost",
                       [("", "left", 4), ("Date", "left", 0, True), ("Lead", "left", 14),
                        ("Owner", "left"), (currency, "right"), ("Reason", "left", None, True)],
                       narrow)
        tz = self.context.settings.timezone
        for deal in week.deals:
            won = deal.outcome == "won"
            deals.add(Text("won" if won else "lost", style=success if won else error),
                      to_local(deal.at, tz).strftime("%d.%m."),
                      Text(one_line(deal.name or deal.lead, 14 if narrow else 30)),
                      Text(one_line(deal.owner or "–", 11 if narrow else 20)),
                      format_number(deal.amount), Text(one_line(deal.reason or "", 24)))
        if not week.deals:
            deals.empty("no deals closed in this period")
        return segments, Group(people, Text(""), deals, Text(""),
                               self._activities(week.activities, "Activities logged by sales",
                                                narrow))

    def decision_context(self) -> dict | None:
        week = getattr(self, "week", None)
        if week is None:
            return None
        if isinstance(week, MarketingWeek):
            return {"section": "activity", "team": "marketing", "period": week.period.label,
                    "mqls": week.mqls, "mqls_previous": week.mqls_previous, "spend": week.spend,
                    "mqls_by_source": {r.source or "(no source)": r.mqls for r in week.sources}}
        t = week.totals
        return {"section": "activity", "team": "sales", "period": week.period.label,
                "touches": t.touches, "first_contacts": t.first_contacts,
                "meetings_booked": t.meetings_booked, "won": t.won, "won_amount": week.won_amount,
                "lost": t.lost, "lost_amount": week.lost_amount}
