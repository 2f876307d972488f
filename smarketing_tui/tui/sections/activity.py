"""Activity: one team's week in numbers (``team: marketing`` or ``team: sales``)."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from smarketing_tui.activity import MarketingWeek, SalesWeek, marketing_week, sales_week
from smarketing_tui.errors import UserError
from smarketing_tui.timeutil import format_money, format_number
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.common import (SectionHeader, as_of_of, clean, forward_focus,
                                                key_hint, one_line, short_date, theme_color)


def change_text(change: int, good_when_up: bool = True, *, up: str = "green",
                down: str = "red") -> Text:
    """``+5`` / ``−3`` / ``±0``, coloured by whether the move is good."""
    if change == 0:
        return Text("±0", style="dim")
    good = (change > 0) == good_when_up
    sign = "+" if change > 0 else "−"
    return Text(f"{sign}{format_number(abs(change))}", style=up if good else down)


def _table(title: str, *columns: tuple[str, str] | tuple[str, str, int]) -> Table:
    """A plain report table; text columns are cut with '…', never wrapped (a third value in a
    column gives its minimum width)."""
    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  expand=False, padding=(0, 1), show_edge=False)
    for heading, justify, *minimum in columns:
        table.add_column(heading, justify=justify, no_wrap=True, overflow="ellipsis",
                         min_width=minimum[0] if minimum else None)
    return table


class ActivityView(SectionView):
    """Marketing: MQLs by source, campaigns and spend, activities. Sales: by person, deals."""

    SECTION_TYPE = "activity"
    DEFAULT_CSS = """
    ActivityView { height: 1fr; }
    ActivityView #activity-body { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [Binding("r", "reload", "Reload", id="activity.reload",
                        tooltip="Load the numbers again from the store")]

    def compose(self) -> ComposeResult:
        yield SectionHeader(Text("Loading the numbers…", style="italic"), id="activity-summary")
        with VerticalScroll(id="activity-body", can_focus=True):
            yield Static(id="activity-report")

    @property
    def team(self) -> str:
        return self.context.section.team or "marketing"

    def on_focus(self) -> None:
        forward_focus(self, VerticalScroll)

    def on_mount(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.query_one("#activity-body").loading = True
        self._load(self.team)

    @work(thread=True, exclusive=True, group="activity")
    def _load(self, team: str) -> None:
        from smarketing_tui.store import open_readonly

        session = self.context.session
        try:
            conn = open_readonly(session.db_path)
            try:
                args = (conn, self.context.settings, session.period, as_of_of(session))
                week = marketing_week(*args) if team == "marketing" else sales_week(*args)
            finally:
                conn.close()
        except Exception as error:  # noqa: BLE001 - a failed query must not end the meeting
            self.app.call_from_thread(self._show_error, str(error))
            return
        self.app.call_from_thread(self._show, week)

    def _show_error(self, message: str) -> None:
        self.query_one("#activity-body").loading = False
        self.query_one("#activity-summary", SectionHeader).update(
            Text(f"Could not load the numbers: {clean(message)}", style="bold"))

    def _show(self, week: MarketingWeek | SalesWeek) -> None:
        self.week = week
        self.query_one("#activity-body").loading = False
        if isinstance(week, MarketingWeek):
            summary, report = self._marketing(week)
        else:
            summary, report = self._sales(week)
        self.query_one("#activity-summary", SectionHeader).update(summary)
        self.query_one("#activity-report", Static).update(report)

    # -- marketing --------------------------------------------------------------------------

    def _marketing(self, week: MarketingWeek):
        currency = self.context.settings.currency
        good, bad = theme_color(self.app, "success", "green"), theme_color(self.app, "error", "red")
        summary = Text()
        summary.append(f"{week.period.label}: ", style="bold")
        if week.mqls is None:
            summary.append("no lead data for this period yet", style="italic")
        else:
            summary.append(f"{format_number(week.mqls)} MQLs", style="bold")
            previous = week.mqls_previous or 0
            summary.append(f" (week before {format_number(previous)}, ")
            summary.append_text(change_text(week.mqls - previous, up=good, down=bad))
            summary.append(")")
        summary.append(f" · spend {format_money(week.spend, currency)}")
        summary.append(f" · {len(week.campaigns)} campaign{'s' if len(week.campaigns) != 1 else ''}"
                       f" running · {len(week.activities)} activities logged")
        summary.append("\n")
        summary.append_text(key_hint(("r", "reload"), ("d", "decision"), ("i", "issue")))

        sources = _table(f"MQLs by source, {week.period.label} against {week.previous.label}",
                         ("Source", "left", 12), (week.period.label, "right"),
                         (week.previous.label, "right"), ("Change", "right"))
        for row in week.sources:
            sources.add_row(Text(clean(row.source or "(no source)")), format_number(row.mqls),
                            format_number(row.previous),
                            change_text(row.change, up=good, down=bad))
        if not week.sources:
            sources.add_row(Text("no MQLs in either week", style="italic"), "", "", "")

        campaigns = _table("Campaigns running", ("Campaign", "left", 16), ("Channel", "left"),
                           ("Dates", "left"), ("Spend", "right"), ("MQLs", "right"),
                           ("Per MQL", "right"))
        for c in week.campaigns:
            campaigns.add_row(Text(one_line(c.name, 34)), Text(one_line(c.channel or "–", 14)),
                              f"{short_date(c.starts)[:5]}–{short_date(c.ends)[:5]}",
                              format_money(c.spend_in_period, currency),
                              format_number(c.mqls), format_money(c.cost_per_mql, currency))
        if not week.campaigns:
            campaigns.add_row(Text("no campaign ran in this period", style="italic"),
                              "", "", "", "", "")

        return summary, Group(sources, Text(""), campaigns, Text(""),
                              self._activities(week.activities, "Activities logged"))

    def _activities(self, activities, title: str) -> Table:
        table = _table(title, ("Date", "left"), ("Kind", "left"), ("What", "left", 16),
                       ("Who", "left"), ("Qty", "right"))
        for a in activities:
            table.add_row(short_date(a.date)[:5], Text(clean(a.kind)), Text(one_line(a.title or "", 40)),
                          Text(one_line(a.person or "–", 20)),
                          format_number(a.quantity, 0 if float(a.quantity).is_integer() else 1))
        if not activities:
            table.add_row(Text("nothing logged in this period", style="italic"), "", "", "", "")
        return table

    # -- sales ------------------------------------------------------------------------------

    def _sales(self, week: SalesWeek):
        currency = self.context.settings.currency
        t = week.totals
        summary = Text()
        summary.append(f"{week.period.label}: ", style="bold")
        summary.append(f"{format_number(t.touches)} touches · {format_number(t.first_contacts)} "
                       f"first contacts · {format_number(t.meetings_booked)} meetings booked · ")
        summary.append(f"{format_number(t.won)} won ({format_money(week.won_amount, currency)})",
                       style=f"bold {theme_color(self.app, 'success', 'green')}")
        summary.append(f" · {format_number(t.lost)} lost ({format_money(week.lost_amount, currency)})")
        summary.append("\n")
        summary.append_text(key_hint(("r", "reload"), ("d", "decision"), ("i", "issue")))

        people = _table("By person: touches (calls, e-mails, reached), first contacts, meetings "
                        "booked, deals", ("Person", "left", 14), ("Touches", "right"),
                        ("Calls", "right"), ("Mails", "right"), ("Reached", "right"),
                        ("1st", "right"), ("Mtgs", "right"), ("Won", "right"),
                        ("Won NOK" if currency == "NOK" else f"Won {currency}", "right"),
                        ("Lost", "right"))
        for row in [*week.people, t]:
            style = "bold" if row is t else ""
            people.add_row(Text(one_line(row.person, 24), style=style),
                           *(Text(format_number(v), style=style) for v in (
                               row.touches, row.calls, row.emails, row.connected,
                               row.first_contacts, row.meetings_booked, row.won)),
                           Text(format_number(row.won_amount), style=style),
                           Text(format_number(row.lost), style=style),
                           end_section=row is week.people[-1] if week.people else False)
        if not week.people:
            people.add_row(Text("no sales activity in this period", style="italic"),
                           *([""] * 9))

        deals = _table("Deals won and lost", ("", "left"), ("Date", "left"), ("Lead", "left", 14),
                       ("Owner", "left"), ("Amount", "right"), ("Reason", "left"))
        success = theme_color(self.app, "success", "green")
        error = theme_color(self.app, "error", "red")
        tz = self.context.settings.timezone
        from smarketing_tui.timeutil import to_local

        for deal in week.deals:
            deals.add_row(Text("won" if deal.outcome == "won" else "lost",
                               style=success if deal.outcome == "won" else error),
                          to_local(deal.at, tz).strftime("%d.%m."),
                          Text(one_line(deal.name or deal.lead, 30)),
                          Text(one_line(deal.owner or "–", 20)),
                          format_money(deal.amount, currency),
                          Text(one_line(deal.reason or "", 24)))
        if not week.deals:
            deals.add_row("", "", Text("no deals closed in this period", style="italic"),
                          "", "", "")
        return summary, Group(people, Text(""), deals, Text(""),
                              self._activities(week.activities, "Activities logged by sales"))

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
