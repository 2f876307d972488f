"""The contract between the meeting screen and the section views.

Note from the meeting screen: after each write through a meeting-wide key the
screen posts ``messages.SectionChanged`` / ``DecisionRecorded`` /
``ActionItemAdded`` / ``NoteAdded`` / ``IssueRaised`` (all subclasses of
``MeetingRecordsChanged`` except SectionChanged) to the mounted view, without
bubbling: ``@on(messages.MeetingRecordsChanged)`` refreshes on any of them.
``context.extras["period"]`` is ``session.period``; ``session.clock`` is the
meeting's clock. Types ``discussion`` and ``lead_definition`` are drawn by
``tui/free_sections.py`` unless SECTION_VIEWS names a view for them.

The meeting screen (``tui/meeting_screen.py``) owns the layout, the clock and
the meeting-wide keys (``d`` decision, ``a`` action item, ``n`` note, ``i``
issue, ``[``/``]``, ``space``, ``q``). For the current agenda section it mounts
one :class:`SectionView`, chosen by the section's ``type``, and gives it a
:class:`SectionContext`. The view shows that section's numbers and handles the
keys that only make sense there (e.g. ``p`` present/absent in check-in,
Enter to drill into a scorecard line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.widget import Widget

from smarketing_tui.section_numbers import Numbers, NumbersJob, Ticket, compute_alone

if TYPE_CHECKING:
    from smarketing_tui.agenda import Agenda, SectionSpec
    from smarketing_tui.meeting import MeetingSession
    from smarketing_tui.section_numbers import SectionNumbers
    from smarketing_tui.workspace import Settings, Workspace


@dataclass
class SectionContext:
    """What a section view may use. Views read the store through ``session``'s
    helpers or their own connection opened inside a worker thread (never on
    the UI thread for heavy queries). ``numbers`` holds the numbers the meeting
    keeps (see :mod:`smarketing_tui.section_numbers`); None: computed on every load."""

    workspace: Workspace
    settings: Settings
    agenda: Agenda
    section: SectionSpec
    session: MeetingSession
    extras: dict[str, Any] = field(default_factory=dict)
    numbers: SectionNumbers | None = None


class SectionView(Widget):
    """Base class of every section view.

    Subclasses set ``SECTION_TYPE`` and ``BINDINGS`` for their own keys, draw
    everything from ``reload()``, and may override :meth:`decision_context` so
    that a decision taken in this section stores the numbers on screen.

    A view of numbers from the store gives its :meth:`numbers_job` and draws in
    :meth:`show_loading`, :meth:`show_numbers` and :meth:`show_numbers_error`;
    :meth:`load_numbers` (from ``reload()``) shows the kept numbers at once, or
    "loading" while a worker thread computes them (or the meeting's background
    preload, whose answer comes through :meth:`numbers_ready`).
    """

    SECTION_TYPE: str = ""
    LISTS_RECORDS = False  # the view lists its section's records itself (no panel below it)
    can_focus = True

    def __init__(self, context: SectionContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context
        self._waiting_for: tuple | None = None  # the key whose numbers the view waits for
        self._request = 0  # the latest load_numbers: only its own computation is shown
        self._shown: Numbers | None = None  # the kept numbers drawn last

    # -- numbers from the store -------------------------------------------------------------

    def numbers_job(self) -> NumbersJob | None:
        """What this view shows from the store now; None for a view of the meeting's own
        records (drawn from the meeting's connection, never kept)."""
        return None

    def show_loading(self) -> None:
        """Say that the numbers are on their way (never an empty table that reads as zero)."""

    def show_numbers(self, value: Any) -> None:
        """Draw the numbers of :meth:`numbers_job`."""

    def show_numbers_error(self, message: str) -> None:
        """Say in this section why it has no numbers."""

    def show_numbers_again(self, value: Any) -> None:
        """Shown again with the very numbers it drew last (a kept view, its numbers kept):
        by default drawn again; a view whose drawing depends on nothing else (a resize or a
        theme change redraws it anyway) leaves what it drew, which is the same."""
        self.show_numbers(value)

    def load_numbers(self, *, fresh: bool = False) -> None:
        """Show this view's numbers: the kept ones at once, else "loading" until they are
        computed. ``fresh`` (``r``): computed again, and every kept number forgotten."""
        job = self.numbers_job()
        if job is None:
            return
        cache = self.context.numbers
        ticket = None
        if cache is not None:
            if fresh:
                cache.clear()
                self.post_message(NumbersForgotten())
            elif cache.check():  # the store changed under the meeting (an import)
                self.post_message(NumbersForgotten())
            if not fresh:
                found = cache.get(job.key)
                if found is not None:
                    self._waiting_for = None
                    self._deliver(found)
                    return
            ticket = cache.begin(job.key)
            if ticket is None:  # the background preload is computing it: numbers_ready
                self._waiting_for = job.key
                self.show_loading()
                return
        self._waiting_for = job.key
        self._request += 1
        self.show_loading()
        self._compute_numbers(job, ticket, self._request)

    def numbers_ready(self, key: tuple) -> None:
        """The numbers of ``key`` were kept (by the background preload, or another view):
        shown if this view waits for them."""
        if key == self._waiting_for and self.is_attached:
            self.load_numbers()

    @work(thread=True, exclusive=True, group="section-numbers")
    def _compute_numbers(self, job: NumbersJob, ticket: Ticket | None, request: int) -> None:
        numbers = compute_alone(job, self.context.session.db_path)
        self.app.call_from_thread(self._numbers_computed, job.key, ticket, request, numbers)

    def _numbers_computed(self, key: tuple, ticket: Ticket | None, request: int,
                          numbers: Numbers) -> None:
        cache = self.context.numbers
        kept = cache is not None and ticket is not None and cache.finish(ticket, numbers)
        if request == self._request and key == self._waiting_for and self.is_attached:
            self._waiting_for = None
            self._deliver(numbers)
        if kept:  # another section asking the same question may be waiting for it
            self.post_message(NumbersReady(key))

    def _deliver(self, numbers: Numbers) -> None:
        again, self._shown = numbers is self._shown, numbers
        if numbers.error is not None:
            self.show_numbers_error(numbers.error)
        elif again:
            self.show_numbers_again(numbers.value)
        else:
            self.show_numbers(numbers.value)

    #: The only keys of a view that work in a meeting reopened for corrections
    #: (``smarketing run --amend``): everything else of a view records something new.
    AMEND_ACTIONS = frozenset({"reload"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a meeting is amended, a view's own keys are off (but ``reload``): only
        corrections (``e``, ``X``, ``U`` on the screen) change it."""
        session = getattr(self.context, "session", None)
        if getattr(session, "amending", False) and action not in self.AMEND_ACTIONS:
            return False
        return True

    def reload(self) -> None:
        """Refresh from the store (after a write elsewhere, or on ``r``)."""

    def decision_context(self) -> dict | None:
        """The numbers on screen, attached to a decision taken in this section."""
        return None

    def edit_targets(self) -> list:
        """What this view offers to correct besides the section's decisions, action items
        and notes (``tui.corrections.EditTarget``: the highlighted issue, talking point or
        check-in line), first in the list ``e`` and ``X`` show."""
        return []


class NumbersReady(Message):
    """The numbers of ``key`` are kept: posted to the meeting screen by the background
    preload (from its thread) or by a view that computed them, for a view waiting on them."""

    def __init__(self, key: tuple) -> None:
        super().__init__()
        self.key = key


class NumbersForgotten(Message):
    """A view made the meeting forget its kept numbers (``r``, or the store changed):
    the meeting screen computes the other sections' again in the background."""
