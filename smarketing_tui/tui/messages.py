"""Messages of the meeting screen, named for what happened.

The screen posts the record messages to the current section view after each
write (they do not bubble back up), so a view can refresh what it shows:
handle one (``on_decision_recorded``) or all of them with
``@on(messages.MeetingRecordsChanged)``. Section views post
:class:`SectionDataChanged` (they wrote something themselves, e.g. attendance)
and :class:`EndMeetingRequested` (the wrap-up's "end" key); those bubble up to
the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class SectionChanged(Message, bubble=False):
    """The meeting moved to another agenda section."""

    position: int
    previous: int


@dataclass
class MeetingRecordsChanged(Message, bubble=False):
    """Base of every "something was recorded" message."""


@dataclass
class DecisionRecorded(MeetingRecordsChanged, bubble=False):
    decision_id: int
    position: int


@dataclass
class ActionItemAdded(MeetingRecordsChanged, bubble=False):
    action_item_id: int
    position: int


@dataclass
class NoteAdded(MeetingRecordsChanged, bubble=False):
    note_id: int
    position: int


@dataclass
class IssueRaised(MeetingRecordsChanged, bubble=False):
    issue_id: int


@dataclass
class ClockToggled(Message, bubble=False):
    """The meeting clock was paused or resumed."""

    paused: bool


@dataclass
class SectionDataChanged(Message):
    """Posted by a section view that wrote to the store itself (attendance, an issue solved...),
    so the screen refreshes its counts."""


@dataclass
class EndMeetingRequested(Message):
    """Posted by a section view (the wrap-up) to end the meeting; the screen asks to confirm."""


@dataclass
class MeetingEnded(Message, bubble=False):
    meeting_id: int


@dataclass
class MeetingClosed(Message):
    """The meeting screen is done: ``how`` is 'left' (paused, resumable) or 'ended'.
    Bubbles to the app, which exits."""

    how: str
    minutes_files: tuple[str, ...] = ()
