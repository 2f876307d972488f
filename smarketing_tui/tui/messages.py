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

from textual.message import Message

# Plain classes with their own __init__, as Textual's own messages are written: as
# dataclasses, building these eleven cost 2 ms of every start of the meeting screen.


class SectionChanged(Message, bubble=False):
    """The meeting moved to another agenda section."""

    def __init__(self, position: int, previous: int) -> None:
        super().__init__()
        self.position = position
        self.previous = previous


class MeetingRecordsChanged(Message, bubble=False):
    """Base of every "something was recorded" message."""


class DecisionRecorded(MeetingRecordsChanged, bubble=False):
    def __init__(self, decision_id: int, position: int) -> None:
        super().__init__()
        self.decision_id = decision_id
        self.position = position


class ActionItemAdded(MeetingRecordsChanged, bubble=False):
    def __init__(self, action_item_id: int, position: int) -> None:
        super().__init__()
        self.action_item_id = action_item_id
        self.position = position


class NoteAdded(MeetingRecordsChanged, bubble=False):
    def __init__(self, note_id: int, position: int) -> None:
        super().__init__()
        self.note_id = note_id
        self.position = position


class IssueRaised(MeetingRecordsChanged, bubble=False):
    def __init__(self, issue_id: int) -> None:
        super().__init__()
        self.issue_id = issue_id


class RecordsCorrected(MeetingRecordsChanged, bubble=False):
    """A record was edited, deleted or restored (``e``, ``X``, ``U``)."""

    def __init__(self, kind: str, record_id: int) -> None:
        super().__init__()
        self.kind = kind
        self.record_id = record_id


class ClockToggled(Message, bubble=False):
    """The meeting clock was paused or resumed."""

    def __init__(self, paused: bool) -> None:
        super().__init__()
        self.paused = paused


class SectionDataChanged(Message):
    """Posted by a section view that wrote to the store itself (attendance, an issue solved...),
    so the screen refreshes its counts."""


class EndMeetingRequested(Message):
    """Posted by a section view (the wrap-up) to end the meeting; the screen asks to confirm."""


class MeetingClosed(Message):
    """The meeting screen is done: ``how`` is 'left' (paused, resumable) or 'ended'.
    Bubbles to the app, which exits."""

    def __init__(self, how: str, minutes_files: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.how = how
        self.minutes_files = minutes_files
