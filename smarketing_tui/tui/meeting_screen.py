"""The meeting screen: agenda on the left, the current section in the middle, the clock on top.

A thin layer over :class:`~smarketing_tui.meeting.MeetingSession`: every key
that records something opens a modal, writes through the session at once and
tells the section view (see :mod:`smarketing_tui.tui.messages`).
"""

from __future__ import annotations

import asyncio
import gc
import sqlite3
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widgets import Static

from smarketing_tui import meetingclock
from smarketing_tui.errors import UserError
from smarketing_tui.meeting import TICK_SECONDS, Freshness, MeetingSession, data_freshness
from smarketing_tui.savequeue import SaveQueue
from smarketing_tui import vocabulary
from smarketing_tui.section_numbers import SectionNumbers, preload_order, store_state
from smarketing_tui.vocabulary import counted, format_date
from smarketing_tui.vocabulary import duration_text as clock_text  # noqa: F401 - app.py uses it
from smarketing_tui.tui import messages
from smarketing_tui.tui import agenda_column
from smarketing_tui.tui.agenda_column import AgendaColumn
from smarketing_tui.tui.keybar import KeyBar
from smarketing_tui.tui.sections.base import (NumbersForgotten, NumbersReady, SectionContext,
                                              SectionView)

if TYPE_CHECKING:
    from smarketing_tui.tui.modals import ActionDraft, IssueDraft
    from smarketing_tui.workspace import Workspace


COLLECT_AFTER_SECONDS = 1.0  # after a move, when the garbage collector may run (see below)
PRELOAD_AFTER_SECONDS = 0.5  # after the first paint, when the background preload starts


def period_text(period) -> str:
    """``2026-W47 (16.11.–22.11.2026)``: the period as it reads everywhere."""
    return vocabulary.period_text(period.label, period.first_day, period.last_day)


def _row(left: Text, right: Text, right_max: int) -> Table:
    """One line: ``left`` takes what ``right`` (at most ``right_max`` wide) leaves."""
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True, overflow="ellipsis",
                    width=min(len(right.plain), right_max))
    grid.add_row(left, right)
    return grid


class TopBar(Static):
    """Meeting title, period, clock and time left; the section's own clock; data freshness."""


class MeetingScreen(Screen):
    """The main screen of a meeting in progress."""

    AUTO_FOCUS = ""  # no auto focus: the section view takes it (None would inherit the app's "*",
                     # which focused the agenda first, then the view: a restyle and a key bar
                     # redraw more)

    HELP = ("Walk the agenda with ] and [ (or click a section). The clock counts each section "
            "against its timebox; space pauses it. Everything you record is saved at once; "
            "q leaves the meeting paused, and 'smarketing run' offers to resume it.")

    BINDINGS = [
        Binding("right_square_bracket", "next_section", "Next", key_display="]",
                id="agenda.next", tooltip="Go to the next agenda section"),
        Binding("left_square_bracket", "previous_section", "Prev", key_display="[",
                id="agenda.previous", tooltip="Go back to the previous agenda section"),
        Binding("d", "decision", "Decision", id="record.decision",
                tooltip="Record a decision in this section"),
        Binding("a", "action_item", "Action", id="record.action",
                tooltip="Add an action item: text, owner, due date"),
        Binding("n", "note", "Note", id="record.note", tooltip="Add a note to this section"),
        Binding("i", "issue", "Issue", id="record.issue", tooltip="Raise an issue for the list"),
        # e, X and U are off the key bar (full at 80 columns): the records panel below the
        # section names them whenever there is something to correct, as do ? and ctrl+p.
        Binding("e", "edit_record", "Edit", show=False, key_display="e", id="record.edit",
                tooltip="Correct a decision, action item or note of this section (the old "
                        "words are kept)"),
        Binding("X", "delete_record", "Delete", show=False, key_display="X",
                id="record.delete", tooltip="Delete a record of this section (U undoes)"),
        Binding("U", "undo_delete", "Undo delete", show=False, key_display="U",
                id="record.undo", tooltip="Bring back the record deleted last"),
        # One key, two bindings: the one that applies is shown (check_action), so the key
        # line says Pause while the clock runs and Resume while it is paused.
        Binding("space", "pause_clock", "Pause", key_display="space", id="clock.toggle",
                tooltip="Pause the meeting clock"),
        Binding("space", "resume_clock", "Resume", key_display="space", id="clock.resume",
                tooltip="Resume the meeting clock"),
        Binding("q", "leave", "Leave", id="meeting.leave",
                tooltip="Leave the meeting; it is paused and can be resumed"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help",
                tooltip="Every key of this screen and section"),
        Binding("ctrl+e", "end_meeting", "End meeting", show=False, key_display="ctrl+e",
                id="meeting.end",
                tooltip="End the meeting and freeze the scorecard"),
        Binding("M", "export_minutes", "Minutes", show=False, key_display="M",
                id="meeting.minutes",
                tooltip="Write the minutes so far to minutes/ (Markdown and HTML)"),
    ]

    # Keep every section's numbers from the store and compute them in the background as the
    # meeting opens (section_numbers.py). Off: each section computes its numbers every time
    # it is shown (the bench compares the two).
    PRELOAD_NUMBERS = True

    def __init__(self, session: MeetingSession, workspace: Workspace) -> None:
        super().__init__()
        self.session = session
        self.workspace = workspace
        self.numbers: SectionNumbers | None = (
            SectionNumbers(lambda: store_state(session.conn)) if self.PRELOAD_NUMBERS else None)
        self.freshness: list[Freshness] | None = None
        self.current_view: SectionView | None = None
        self._views: dict[int, SectionView] = {}  # by position, mounted once (_show_section)
        self._focus_in: dict[int, object] = {}  # the widget that had the focus in a hidden view
        self.mounting = None
        self._warned: set[tuple[str, int]] = set()
        self._agenda_drawn_width = 0
        self._collect_timer = None
        self._saves = SaveQueue(session.conn)  # records the store was too busy to take
        self._retry_timer = None
        self._deleted: list = []  # corrections.Deleted, the last one first undone

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._read_freshness()
        yield TopBar(id="topbar")
        with Horizontal(id="body"):
            yield AgendaColumn(id="agenda")
            with Container(id="section-host"):
                # Composed with the screen, so that the first paint already shows it.
                self.current_view = self._make_view()
                self._views[self.session.current] = self.current_view
                yield self.current_view
                yield self._records_panel()
        # One line, drawn at the first paint, by when the view has focused its widget.
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = self.session.agenda.title
        agenda = self.query_one(AgendaColumn)
        agenda.set_prompts([self._agenda_prompt(s.position) for s in self.session.sections])
        self._agenda_drawn_width = self._agenda_width()
        agenda.highlighted = self.session.current
        # The entries carry the theme's accent and error colours: drawn again on a change.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._redraw_agenda(True))
        self.call_after_refresh(self._focus_view, self.current_view)
        # The other sections' numbers once the first screen has settled (its second layout,
        # the first key): started at the first paint, the preload's thread held the
        # interpreter lock while the screen was still being drawn.
        self.call_after_refresh(self.set_timer, PRELOAD_AFTER_SECONDS, self._preload_numbers)
        self._section_shown()
        self._refresh_clock()
        self.set_interval(1, self._refresh_clock, name="clock")
        self.set_interval(TICK_SECONDS, self._heartbeat, name="heartbeat")

    def on_resize(self, event) -> None:
        """Below 100 columns the agenda column narrows (see app.tcss)."""
        self.set_class(event.size.width < agenda_column.NARROW_BELOW, "-narrow")
        self.call_after_refresh(self._show_records)
        self.call_after_refresh(self._redraw_agenda)  # titles cut to the new column width
        if self.is_mounted:  # the top bar fitted to the new width now, not at the next tick
            self.call_after_refresh(self._refresh_clock)

    def on_unmount(self) -> None:
        """However the screen goes (ctrl+q included), a running meeting is left paused."""
        self.app.theme_changed_signal.unsubscribe(self)
        for view in self._views.values():
            self._release(view)
        if self._saves:  # ctrl+q while records wait for a busy store: a last, longer try
            self._saves.wait_ms = 10_000
            try:
                self._saves.flush()
            except (UserError, sqlite3.Error):
                pass
        if not self.session.is_ended and not self.session.is_paused:
            try:
                self.session.leave()
            except sqlite3.Error:
                pass  # the heartbeat already holds the time up to a few seconds ago

    # -- numbers from the store, computed in the background ------------------------------

    def _preload_numbers(self) -> None:
        """Compute every section's numbers in a worker thread, the sections ahead first; a
        section visited before its turn computes its own (the preload then skips it)."""
        if self.numbers is None or not self.is_attached:
            return
        from smarketing_tui.tui.sections.common import as_of_of

        session = self.session
        jobs = preload_order(session.agenda, session.current, session.settings, session.period,
                             lambda: as_of_of(session))
        if jobs:
            self._preload(jobs)

    @work(thread=True, exclusive=True, group="preload")
    def _preload(self, jobs) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        self.numbers.preload(jobs, self.session.db_path,
                             cancelled=lambda: worker.is_cancelled,
                             ready=lambda key: self.post_message(NumbersReady(key)))

    @on(NumbersReady)
    def _numbers_ready(self, event: NumbersReady) -> None:
        event.stop()
        if self.current_view is not None and self.current_view.is_attached:
            self.current_view.numbers_ready(event.key)

    @on(NumbersForgotten)
    def _numbers_forgotten(self, event: NumbersForgotten) -> None:
        """``r``, or the store changed: the other sections' numbers again, in the background."""
        event.stop()
        self._preload_numbers()

    def _heartbeat(self) -> None:
        try:
            self.session.tick()  # skipped quietly while an import holds the store; retried
        except sqlite3.Error as error:  # a broken store must not stop the meeting
            self.notify(f"Could not save the clock: {error}", severity="warning", markup=False)

    def _read_freshness(self) -> None:
        """How fresh the imported data is, read while the screen is built so that the first
        paint shows it: the newest import of each source, from the imports table (one row
        per imported file), on the meeting's own connection, well under a millisecond even
        on a 1M-lead store. Loaded in a worker after the first paint, its answer came once
        the screen was drawn and drew the top bar and agenda a second time. Should the
        store refuse (busy, broken), a worker asks again."""
        try:
            self.freshness = self.session.freshness()
        except sqlite3.Error:
            self._load_freshness()

    @work(thread=True, exclusive=True, group="freshness")
    def _load_freshness(self) -> None:
        from smarketing_tui.store import open_readonly

        conn = open_readonly(self.session.db_path)
        try:
            found = data_freshness(conn, self.session.period.end_utc, self.session.clock())
        finally:
            conn.close()
        self.app.call_from_thread(self._set_freshness, found)

    def _set_freshness(self, found: list[Freshness]) -> None:
        self.freshness = found
        if self.is_mounted:  # else on_mount draws it
            self._refresh_clock()

    # -- drawing ------------------------------------------------------------------------

    def _theme(self, name: str, fallback: str) -> str:
        value = getattr(self.app.current_theme, name, None)
        return value or fallback

    def _agenda_width(self) -> int:
        width = self.query_one(AgendaColumn).scrollable_content_region.width
        # Before the first layout: the column less its right border.
        return width or agenda_column.column_width(self.app.size.width) - 1

    def _redraw_agenda(self, force: bool = False) -> None:
        width = self._agenda_width()
        if width == self._agenda_drawn_width and not force:
            return  # the prompts were cut for this width already (the first resize, mostly)
        self._agenda_drawn_width = width
        agenda = self.query_one(AgendaColumn)
        agenda.set_prompts([self._agenda_prompt(s.position) for s in self.session.sections])

    def _agenda_prompt(self, position: int) -> Text:
        return agenda_column.section_prompt(self.session, position, self._agenda_width(),
                                            self._theme)

    def _refresh_clock(self) -> None:
        session = self.session
        self.query_one(AgendaColumn).update_prompt(session.current,
                                                   self._agenda_prompt(session.current))
        error, warning = self._theme("error", "red"), self._theme("warning", "yellow")
        self._warn_once_over_time()
        left = Text()
        left.append(session.agenda.title, style="bold")
        left.append(" · ")
        left.append(period_text(session.period))
        right = Text()
        if self._saves:
            right.append(f"saving {counted(len(self._saves), 'record')}… ",
                         style=f"bold {warning}")
        planned = session.agenda.planned_minutes * 60
        if session.amending:
            right.append("✎ amending ", style=f"bold {warning}")
        elif session.is_ended:
            right.append("ended", style="bold")
        elif session.is_paused:
            right.append("⏸ paused ", style=f"bold {warning}")
        else:
            right.append("⏱ ")
        width = self.size.width or 120
        right.append(f"{clock_text(session.total_elapsed())} of {clock_text(planned)}")
        left_seconds = session.time_left()
        if not session.amending:  # the time it used is history: nothing is left or over
            right.append(" · ")
            right.append(f"{clock_text(abs(left_seconds))} "
                         f"{'left' if left_seconds >= 0 else 'over'}",
                         style=f"bold {error}" if left_seconds < 0 else "bold")
        if not session.is_ended:  # when the meeting ends at this pace, in a word too
            ahead = meetingclock.session_forecast(session)
            right.append(" · ")
            right.append(meetingclock.forecast_text(ahead, session.settings.timezone,
                                                    short=width < 100),
                         style="" if ahead.on_time else f"bold {warning}")
        state = session.current_section
        section = Text()
        section.append(f"{session.current + 1}/{len(session.sections)} ", style="dim")
        section.append(state.title)
        section.append("  ")
        used = session.elapsed()
        standing = meetingclock.section_state(used, state.timebox_seconds)
        style = {meetingclock.OVER: f"bold {error}", meetingclock.ENDING: f"bold {warning}"}.get(
            standing, "")
        section.append(f"{clock_text(used)} of {clock_text(state.timebox_seconds)}", style=style)
        if standing != meetingclock.RUNNING:  # a word and a symbol: it reads without colour
            section.append(f" {meetingclock.SECTION_MARK[standing]}", style=style)
        self.query_one(TopBar).update(Group(
            _row(left, right, width // 2 if width >= 100 else width * 3 // 5),
            _row(section, self._freshness_text(warning, short=width < 100), width // 2)),
            layout=False)  # two fixed lines: no re-layout of the screen every second

    def _warn_once_over_time(self) -> None:
        """One calm toast when the current section, or the whole meeting, runs over."""
        session = self.session
        if session.is_ended or session.is_paused:
            return
        state = session.current_section
        standing = meetingclock.section_state(session.elapsed(), state.timebox_seconds)
        if standing == meetingclock.ENDING and ("ending", state.position) not in self._warned:
            self._warned.add(("ending", state.position))
            self.notify(f"1 minute left in {state.title}", timeout=4, markup=False)
            if session.agenda.bell:  # asked for in the agenda (bell: true)
                self.app.bell()
        if session.is_overrun() and ("section", state.position) not in self._warned:
            self._warned.add(("section", state.position))
            self.notify(f"{state.title} is over its {clock_text(state.timebox_seconds)} timebox",
                        severity="warning", markup=False)
        if session.time_left() < 0 and ("meeting", 0) not in self._warned:
            self._warned.add(("meeting", 0))
            self.notify(f"The meeting is over its planned {session.agenda.planned_minutes} "
                        "minutes", severity="warning", markup=False)

    def _freshness_text(self, warning: str, *, short: bool = False) -> Text:
        text = Text()
        if self.freshness is None:
            return Text("checking data…", style="dim")
        if not self.freshness:
            return Text("no data imported yet", style=f"bold {warning}")
        newest = self.freshness[0]
        if newest.stale:
            text.append(f"⚠ {newest.describe()}", style=f"bold {warning}")
            if not short:
                text.append(f", misses the end of {self.session.period.label}",
                            style=f"bold {warning}")
        else:
            text.append(newest.describe(), style="dim")
        if len(self.freshness) > 1 and not short:
            stale = [f for f in self.freshness[1:] if f.stale]
            more = vocabulary.more_text(len(self.freshness) - 1)
            if stale:
                more += f", {len(stale)} stale"
            text.append(f" ({more})", style=warning if stale else "dim")
        return text

    # -- the section view ---------------------------------------------------------------

    def _view_class(self, kind: str) -> type[SectionView]:
        from smarketing_tui.tui.sections import view_class

        found = view_class(kind)  # imports that one view's module only
        if found is not None:
            return found
        from smarketing_tui.tui.free_sections import FREE_SECTION_VIEWS, DiscussionView

        return FREE_SECTION_VIEWS.get(kind, DiscussionView)  # a type without a view of its own

    def _make_view(self) -> SectionView:
        """The view of the current section, not mounted yet."""
        session = self.session
        spec = session.agenda.sections[session.current]
        context = SectionContext(workspace=self.workspace, settings=session.settings,
                                 agenda=session.agenda, section=spec, session=session,
                                 extras={"period": session.period}, numbers=self.numbers)
        return self._view_class(spec.type)(context, id=f"section-{spec.position}",
                                           classes="section-view")

    def _show_section(self) -> None:
        """Show the current section's view: mounted on the first visit, shown again (and
        reloaded) on later ones, while the view that leaves is hidden.

        Views are kept rather than rebuilt because Textual 8.2.8 never lets a removed
        widget's rendered lines go: ``StylesCache.get_inner_outer`` is an ``lru_cache``
        on a method, so its 1024 entries keep the style cache (every line drawn) of each
        widget that ever painted (Textualize/textual#6665). Rebuilt on every move, a pass
        over the weekly agenda kept about 4 MB more each time, up to some 50 MB.
        """
        position = self.session.current
        view = self._views.get(position)
        fresh = view is None
        if fresh:
            view = self._views[position] = self._make_view()
        host = self.query_one("#section-host", Container)
        # One paint for the whole swap: drawn as it went, a move laid out and painted the
        # screen three or four times (the view half-mounted, two views shown...).
        self.app._begin_batch()  # App.batch_update, held across awaits
        self.mounting = asyncio.ensure_future(
            self._swap(host, self.current_view, view, fresh, self.mounting))
        self.current_view = view
        self._section_shown()

    def _section_shown(self) -> None:
        self._show_records()
        if self._collect_timer is not None:
            self._collect_timer.stop()
        self._collect_timer = self.set_timer(COLLECT_AFTER_SECONDS, self._collect_garbage)
        self.sub_title = self.session.agenda.sections[self.session.current].title

    async def _swap(self, host: Container, leaving: SectionView | None, view: SectionView,
                    fresh: bool, previous) -> None:
        """Hide the view that leaves, then mount the new one or show the kept one with fresh
        numbers (the store may have changed while it was hidden: a decision, an import).
        Swaps run one after the other, so quick moves never leave two views shown."""
        try:
            if isinstance(previous, asyncio.Task) and not previous.done():
                await previous
            if leaving is not None and leaving is not view:
                focused = self.focused
                if focused is not None and (focused is leaving or leaving in focused.ancestors):
                    self._focus_in[self._position_of(leaving)] = focused
                leaving.display = False
            if fresh:
                await host.mount(view)
            else:
                view.display = True
                view.reload()
        except Exception as error:  # noqa: BLE001 - as Textual does with a failing handler
            self.app._handle_exception(error)
        finally:
            self.app._end_batch()
        self.call_after_refresh(self._focus_view, view)

    def _position_of(self, view: SectionView) -> int:
        return view.context.section.position

    def _collect_garbage(self) -> None:
        """A full garbage collection while the room looks at the section, then everything
        alive frozen (never scanned again until the next one).

        Left to itself, Python ran its full collections at random: over everything the
        meeting had built, 15 ms at first and over 100 ms after a few sections, in the
        middle of the next move. Here what the last move left (the old numbers, dialogs
        closed) is freed, and the collections that come during a move only look at what
        is new since.
        """
        self._collect_timer = None
        _forget_drawn_lines_of_removed_widgets()
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def _release(self, view) -> None:
        """Let a view go with the screen: a widget subscribed to the theme signal (views
        redraw their status colours on a theme change) is held by it until the next theme
        change, and with it every line it ever drew."""
        signal = self.app.theme_changed_signal
        for node in view.walk_children(with_self=True):
            signal.unsubscribe(node)

    def _focus_view(self, view: SectionView) -> None:
        if view.is_attached and self.app.screen is self and view is self.current_view:
            focused = self.focused
            if focused is not None and (focused is view or view in focused.ancestors):
                return  # the view already focused its own widget: no focus/blur round trip
            kept = self._focus_in.pop(self._position_of(view), None)
            if kept is not None and kept.is_attached and kept.focusable:
                kept.focus()  # a view shown again: where its focus was when it was hidden
            else:
                view.focus()

    def _tell_view(self, message) -> None:
        if self.current_view is not None and self.current_view.is_attached:
            self.current_view.post_message(message)
        self._show_records()

    def _go(self, move) -> None:
        previous = self.session.current
        try:
            moved = move()
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if moved is False or previous == self.session.current:
            return
        agenda = self.query_one(AgendaColumn)
        agenda.update_prompt(previous, self._agenda_prompt(previous))
        agenda.highlighted = self.session.current
        self._show_section()
        self._refresh_clock()
        self._tell_view(messages.SectionChanged(self.session.current, previous))

    def go_to_section(self, position: int) -> None:
        self._go(lambda: self.session.go_to(position))

    # -- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what applies: no writes after the end, no 'next' at the last section."""
        session = self.session
        clock_actions = ("toggle_clock", "pause_clock", "resume_clock")
        if session.amending and action in ("decision", "action_item", "note", "issue",
                                           "end_meeting", *clock_actions):
            return False  # reopened for corrections only
        if action == "undo_delete" and not self._deleted:
            return None
        if session.is_ended and not session.amending and action in (
                "edit_record", "delete_record", "undo_delete"):
            return False
        if session.is_ended and not session.amending and action in (
                "decision", "action_item", "note", "issue", "end_meeting", "next_section",
                "previous_section", *clock_actions):
            return False
        if action == "pause_clock" and session.is_paused:
            return False
        if action == "resume_clock" and not session.is_paused:
            return False
        if action == "next_section" and session.current + 1 >= len(session.sections):
            return None  # shown dimmed
        if action == "previous_section" and session.current == 0:
            return None
        return True

    def action_next_section(self) -> None:
        self._go(self.session.next_section)

    def action_previous_section(self) -> None:
        self._go(self.session.previous_section)

    @on(AgendaColumn.Selected, "#agenda")
    def _agenda_selected(self, event: AgendaColumn.Selected) -> None:
        self.go_to_section(event.position)

    def _decision_context(self) -> dict | None:
        if self.current_view is None:
            return None
        try:
            return self.current_view.decision_context()
        except Exception:  # noqa: BLE001 - a view's numbers must never block a decision
            return None

    def _save(self, write, done) -> None:
        """Store a record now, or, while another process holds the store (a long import),
        keep it, show "saving…" and try again every second until it is stored."""
        try:
            saved = self._saves.submit(write, done)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        # Any other store error (damaged, read-only, a full disk) is not waited out: it reaches
        # the app's error path, which ends the meeting paused with one line and exit code 1.
        if not saved and self._retry_timer is None:
            self.notify("The store is busy (an import?): saving as soon as it is free",
                        title="Saving…", severity="warning", markup=False)
            self._retry_timer = self.set_interval(1, self._retry_saves, name="saves")
            self._refresh_clock()

    def _retry_saves(self) -> None:
        try:
            saved = self._saves.flush()
        except UserError as error:
            self.notify(f"Could not save: {error}", severity="error", markup=False)
            saved = not self._saves
        if saved and self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None
        self._refresh_clock()

    def action_decision(self) -> None:
        from smarketing_tui.tui import modals  # only when a dialog opens

        section = self.session.current_section.title
        position = self.session.current  # where it was said, should saving have to wait

        def save(text: str | None) -> None:
            if not text:
                return
            context = self._decision_context()

            def done(decision_id: int) -> None:
                self.notify(f"Decision recorded in {section}", title="Saved", markup=False)
                self._tell_view(messages.DecisionRecorded(decision_id, position))

            self._save(lambda: self.session.record_decision(text, context=context,
                                                            position=position), done)

        self.app.push_screen(
            modals.TextDialog(f"Decision — {section}", placeholder="What was decided"), save)

    def action_action_item(self) -> None:
        from smarketing_tui.tui import modals  # only when a dialog opens

        position = self.session.current

        def save(draft: ActionDraft | None) -> None:
            if draft is None:
                return

            def done(item_id: int) -> None:
                self.notify(f"{draft.owner}, due {format_date(draft.due)}",
                            title="Action item saved", markup=False)
                self._tell_view(messages.ActionItemAdded(item_id, position))

            self._save(lambda: self.session.add_action_item(draft.text, draft.owner, draft.due,
                                                            position=position), done)

        self.app.push_screen(
            modals.ActionItemDialog(self.session.people_names(), self.session.today()), save)

    def action_note(self) -> None:
        from smarketing_tui.tui import modals  # only when a dialog opens

        section = self.session.current_section.title
        position = self.session.current

        def save(text: str | None) -> None:
            if not text:
                return

            def done(note_id: int) -> None:
                self.notify(f"Note added to {section}", title="Saved", markup=False)
                self._tell_view(messages.NoteAdded(note_id, position))

            self._save(lambda: self.session.add_note(text, position=position), done)

        self.app.push_screen(
            modals.TextDialog(f"Note — {section}", placeholder="What was said"), save)

    def action_issue(self) -> None:
        from smarketing_tui.tui import modals  # only when a dialog opens

        spec = self.session.agenda.sections[self.session.current]

        def save(draft: IssueDraft | None) -> None:
            if draft is None:
                return

            def done(issue_id: int) -> None:
                self.notify(f"Issue #{issue_id} is on the list", title="Saved", markup=False)
                self._tell_view(messages.IssueRaised(issue_id))

            self._save(lambda: self.session.raise_issue(draft.title, detail=draft.detail,
                                                        team=draft.team,
                                                        raised_by=draft.raised_by), done)

        self.app.push_screen(modals.IssueDialog(team=spec.team,
                                                people=self.session.people_names()), save)

    def action_toggle_clock(self) -> None:
        paused = self.session.toggle_pause()
        self._refresh_clock()
        self.refresh_bindings()  # the key line: Pause or Resume
        self._tell_view(messages.ClockToggled(paused))
        self.notify("Clock paused" if paused else "Clock running", timeout=2, markup=False)

    def action_pause_clock(self) -> None:
        if not self.session.is_paused:
            self.action_toggle_clock()

    def action_resume_clock(self) -> None:
        if self.session.is_paused:
            self.action_toggle_clock()

    def action_leave(self) -> None:
        if self.session.amending:
            self._finish_amending()
            return
        if self._saves and not self._saves.flush():
            self.notify(f"Still saving {counted(len(self._saves), 'record')}: the store is "
                        "busy; q again once it is saved", severity="warning", markup=False)
            return
        if not self.session.is_ended:
            self.session.leave()
        self.post_message(messages.MeetingClosed("left" if not self.session.is_ended else "ended"))

    def action_end_meeting(self) -> None:
        from smarketing_tui.tui import modals  # only when a dialog opens

        counts = self.session.counts()
        detail = (f"{counted(counts['decisions'], 'decision')}, "
                  f"{counted(counts['actions'], 'action item')}, "
                  f"{counted(counts['issues'], 'issue')} raised. The scorecard is frozen as "
                  "the meeting saw it; the meeting cannot be resumed afterwards.")

        def answer(yes: bool | None) -> None:
            if yes:
                self._end_meeting()

        self.app.push_screen(
            modals.ConfirmDialog("End the meeting?", detail, yes="End meeting"), answer)

    @on(messages.EndMeetingRequested)
    def _end_requested(self, event: messages.EndMeetingRequested) -> None:
        event.stop()
        self.action_end_meeting()

    @on(messages.SectionDataChanged)
    def _section_data_changed(self, event: messages.SectionDataChanged) -> None:
        event.stop()
        self._refresh_clock()

    @work(thread=True, exclusive=True, group="end")
    def _end_meeting(self) -> None:
        snapshot = self.session.scorecard_shown
        if snapshot is None:
            snapshot = scorecard_snapshot(self.session)
        self.app.call_from_thread(self._finish, snapshot)
        files, problem = write_minutes(self.workspace, self.session.meeting_id)
        self.app.call_from_thread(self._announce_end, files, problem)

    def _finish(self, snapshot: dict | None) -> None:
        self.session.end(snapshot)
        self._refresh_clock()

    def _announce_end(self, files: tuple[str, ...], problem: str | None) -> None:
        if problem:
            self.notify(problem, title="Minutes not written", severity="error", markup=False)
        self.post_message(messages.MeetingClosed(
            "amended" if self.session.amending else "ended", files))

    # -- corrections (tui/corrections.py) ------------------------------------------------

    def _records_panel(self):
        from smarketing_tui.tui.corrections import RecordsPanel

        panel = RecordsPanel(id="records-panel")
        panel.display = False  # drawn once the screen knows its size (_show_records)
        return panel

    def _show_records(self) -> None:
        """The current section's records in the panel below it, as many as fit."""
        from smarketing_tui.tui.corrections import RecordsPanel, section_targets

        from textual.css.query import NoMatches

        try:
            panel = self.query_one("#records-panel", RecordsPanel)
        except NoMatches:  # not composed yet
            return
        view = self.current_view
        if view is not None and view.LISTS_RECORDS:
            panel.display = False
            return
        try:
            targets = section_targets(self.session)
        except sqlite3.Error:
            return  # a busy store: the next move or record draws it
        height = self.size.height or 24
        width = self.query_one("#section-host").size.width or 80
        panel.show(targets, width, 4 if height < 30 else 6, self.session.amending)

    def _edit_targets(self) -> list:
        from smarketing_tui.tui.corrections import section_targets

        offered = []
        if self.current_view is not None:
            try:
                offered = list(self.current_view.edit_targets())
            except Exception:  # noqa: BLE001 - a view's offer must never block a correction
                offered = []
        return offered + section_targets(self.session)

    def _pick_record(self, verb: str, then) -> None:
        from smarketing_tui.tui.corrections import PickRecord

        targets = self._edit_targets()
        if not targets:
            self.notify(f"Nothing recorded in this section to {verb}", markup=False)
            return
        if len(targets) == 1:
            then(targets[0])
            return
        section = self.session.current_section.title
        self.app.push_screen(PickRecord(f"{verb.capitalize()} which? — {section}", targets),
                             lambda target: then(target) if target is not None else None)

    def _corrected(self, kind: str, record_id: int) -> None:
        view = self.current_view
        if view is not None and view.is_attached:
            view.reload()
        self._tell_view(messages.RecordsCorrected(kind, record_id))
        self._refresh_clock()

    def action_edit_record(self) -> None:
        from smarketing_tui.records import KIND_WORDS
        from smarketing_tui.tui.corrections import apply_edit, correction_error, edit_dialog

        def edit(target) -> None:
            def save(result) -> None:
                try:
                    changed = apply_edit(self.session, target, result)
                except (UserError, sqlite3.OperationalError) as error:
                    self.notify(correction_error(error), severity="error", markup=False)
                    return
                if changed:
                    self.notify(f"Corrected the {KIND_WORDS[target.kind]}; the old words are "
                                "kept", title="Saved", markup=False)
                    self._corrected(target.kind, target.record_id)

            self.app.push_screen(edit_dialog(self.session, target), save)

        self._pick_record("edit", edit)

    def action_delete_record(self) -> None:
        from smarketing_tui.records import KIND_WORDS
        from smarketing_tui.tui.corrections import Deleted, correction_error
        from smarketing_tui.tui.sections.common import one_line

        def delete(target) -> None:
            try:
                words = self.session.delete(target.kind, target.record_id)
            except (UserError, sqlite3.OperationalError) as error:
                self.notify(correction_error(error), severity="error", markup=False)
                return
            self._deleted.append(Deleted(target, words))
            self.notify(f"Deleted the {KIND_WORDS[target.kind]} '{one_line(target.text, 40)}'; "
                        "U brings it back", title="Deleted", markup=False)
            self._corrected(target.kind, target.record_id)

        self._pick_record("delete", delete)

    def action_undo_delete(self) -> None:
        from smarketing_tui.records import KIND_WORDS
        from smarketing_tui.tui.corrections import correction_error

        if not self._deleted:
            self.notify("Nothing deleted to bring back", markup=False)
            return
        last = self._deleted[-1]
        try:
            self.session.restore(last.target.kind, last.target.record_id, last.words)
        except (UserError, sqlite3.OperationalError) as error:
            self.notify(correction_error(error), severity="error", markup=False)
            return
        self._deleted.pop()
        self.notify(f"The {KIND_WORDS[last.target.kind]} is back", title="Undone", markup=False)
        self._corrected(last.target.kind, last.target.record_id)

    @work(thread=True, exclusive=True, group="end")
    def _finish_amending(self) -> None:
        """Leave an amend: the corrected minutes are written again."""
        self.app.call_from_thread(self.session.finish_amending)
        files, problem = write_minutes(self.workspace, self.session.meeting_id)
        self.app.call_from_thread(self._announce_end, files, problem)

    def action_export_minutes(self) -> None:
        self._export_minutes()

    @work(thread=True, exclusive=True, group="minutes")
    def _export_minutes(self) -> None:
        files, problem = write_minutes(self.workspace, self.session.meeting_id)
        if problem:
            self.app.call_from_thread(self.notify, problem, title="Minutes not written",
                                      severity="error", markup=False)
        else:
            self.app.call_from_thread(self.notify, "Minutes written to " + " and ".join(files),
                                      timeout=6, markup=False)

    def action_help(self) -> None:
        from smarketing_tui.tui import modals  # only when a dialog opens

        groups = [("Meeting", modals.binding_rows(self))]
        if self.current_view is not None:
            spec = self.session.agenda.sections[self.session.current]
            rows = []
            for node in (self.focused, self.current_view):
                if node is not None:
                    rows.extend(modals.binding_rows(node))
            unique = list(dict.fromkeys(rows))
            groups.append((f"This section: {spec.title}", unique))
        groups.append(("Everywhere", [("ctrl+p", "Command palette", "Every action by name"),
                                      ("ctrl+q", "Quit", "Leaves a running meeting paused"),
                                      ("tab", "Next field or list", "")]))
        self.app.push_screen(
            modals.HelpScreen(f"Keys — {self.session.agenda.title}", self.HELP, groups))


def _forget_drawn_lines_of_removed_widgets() -> None:
    """Empty the cache behind Textualize/textual#6665, if this Textual has it.

    Textual 8.2.8's ``StylesCache.get_inner_outer`` is an ``lru_cache(1024)`` on a method:
    its keys hold the style cache, with every line drawn, of each widget that ever painted,
    long after the widget is gone. The kept section views leave only widgets that come and
    go by design in it (the loading indicator a view shows while its numbers load, dialogs,
    toasts), but on a 1,000,000-lead store, where the indicator is painted, that was still
    about 0.4 MB per pass over the agenda. The cache holds two background styles per colour
    pair: emptied, it is filled again at the next paint. Reached by name and looked up with
    care, as it is not Textual's public API: a release that fixes the bug may drop it.
    """
    try:
        from textual._styles_cache import StylesCache
    except ImportError:
        return
    cache_clear = getattr(getattr(StylesCache, "get_inner_outer", None), "cache_clear", None)
    if callable(cache_clear):
        cache_clear()


def write_minutes(workspace: Workspace, meeting_id: int) -> tuple[tuple[str, ...], str | None]:
    """Write the meeting's minutes (Markdown and HTML) into ``minutes/``, from a worker thread.

    Returns the files written (relative to the workspace) and a problem, if any: a failed
    export must never stop the meeting from ending.
    """
    from smarketing_tui.minutes import export_minutes_formats

    files = []
    try:
        for path in export_minutes_formats(workspace, meeting_id, ("md", "html")):
            files.append(str(path.relative_to(workspace.root)))
    except (UserError, OSError) as error:
        return tuple(files), str(error)
    return tuple(files), None


def scorecard_snapshot(session: MeetingSession) -> dict | None:
    """The scorecard of the meeting's period, computed now (when no view showed one).

    Runs in a worker thread with its own read-only connection.
    """
    if not any(s.type == "scorecard" for s in session.agenda.sections):
        return None
    from smarketing_tui.scorecard import build_scorecard
    from smarketing_tui.sla import load_sla
    from smarketing_tui.store import open_readonly

    try:
        sla = load_sla(session.agenda.sla_path, session.settings)
        conn = open_readonly(session.db_path)
    except UserError:
        return None  # a broken SLA file must not stop the meeting from ending
    try:
        return build_scorecard(conn, sla, session.settings, session.period,
                               session.clock().replace(microsecond=0)).to_json()
    finally:
        conn.close()
