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

from textual.widget import Widget

if TYPE_CHECKING:
    from smarketing_tui.agenda import Agenda, SectionSpec
    from smarketing_tui.meeting import MeetingSession
    from smarketing_tui.workspace import Settings, Workspace


@dataclass
class SectionContext:
    """What a section view may use. Views read the store through ``session``'s
    helpers or their own connection opened inside a worker thread (never on
    the UI thread for heavy queries)."""

    workspace: Workspace
    settings: Settings
    agenda: Agenda
    section: SectionSpec
    session: MeetingSession
    extras: dict[str, Any] = field(default_factory=dict)


class SectionView(Widget):
    """Base class of every section view.

    Subclasses set ``SECTION_TYPE`` and ``BINDINGS`` for their own keys, load
    their data in a ``@work(thread=True)`` worker from ``on_mount`` and
    ``reload()``, and may override :meth:`decision_context` so that a decision
    taken in this section stores the numbers on screen.
    """

    SECTION_TYPE: str = ""
    LISTS_RECORDS = False  # the view lists its section's records itself (no panel below it)
    can_focus = True

    def __init__(self, context: SectionContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context

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
