"""The agenda column: every section of the meeting, with its time used against its timebox.

One widget that draws its lines itself (Textual's line API), as Textual's ``OptionList``
looks and behaves for this list: Up/Down/Home/End move the highlight, Enter or a click
goes to a section, the mouse highlights what it is over. The ``OptionList`` it replaces
was a twentieth of the meeting's start-up to draw, and the clock redraws the current
section's entry every second.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from smarketing_tui import meetingclock
from smarketing_tui.vocabulary import duration_text

# The column's width (tui/app.tcss: #agenda, and .-narrow #agenda below NARROW_BELOW columns),
# for what is laid out before the first layout knows it.
WIDTH, NARROW_WIDTH, NARROW_BELOW = 30, 24, 100


def column_width(screen_width: int) -> int:
    """The agenda column's width on a screen this wide, its right border included."""
    return NARROW_WIDTH if screen_width < NARROW_BELOW else WIDTH


class AgendaColumn(ScrollView, can_focus=True):
    """The sections, each a prompt of one or more lines; ``highlighted`` is the one marked."""

    COMPONENT_CLASSES = {"agenda--highlighted", "agenda--hover"}
    DEFAULT_CSS = """
    AgendaColumn {
        overflow-x: hidden;
        color: $foreground;
        background: $surface;
        & > .agenda--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .agenda--hover {
            background: $block-hover-background;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .agenda--highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Go there", show=False),
    ]

    highlighted: reactive[int] = reactive(0, always_update=True)

    class Selected(Message):
        """A section was chosen (Enter or a click)."""

        def __init__(self, agenda: AgendaColumn, position: int) -> None:
            super().__init__()
            self.agenda = agenda
            self.position = position

        @property
        def control(self) -> AgendaColumn:
            return self.agenda

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._prompts: list[Text] = []
        self._lines: list[tuple[int, Text]] = []  # (section, one line of its prompt)
        self._hover: int | None = None

    # -- content -----------------------------------------------------------------------

    @property
    def section_count(self) -> int:
        return len(self._prompts)

    def prompt(self, position: int) -> Text:
        """What the entry of section ``position`` shows."""
        return self._prompts[position]

    def set_prompts(self, prompts: list[Text]) -> None:
        """Show these entries, one per section, in order."""
        self._prompts = list(prompts)
        self._layout_lines()

    def update_prompt(self, position: int, prompt: Text) -> None:
        """Show a new entry for one section (its time, its marker)."""
        if self._prompts[position].plain.count("\n") == prompt.plain.count("\n"):
            self._prompts[position] = prompt
            start = self._first_line(position)
            for offset, line in enumerate(prompt.split("\n", allow_blank=True)):
                self._lines[start + offset] = (position, line)
                self.refresh_line(start + offset)
        else:
            self._prompts[position] = prompt
            self._layout_lines()

    def _layout_lines(self) -> None:
        self._lines = [(position, line) for position, prompt in enumerate(self._prompts)
                       for line in prompt.split("\n", allow_blank=True)]
        self.virtual_size = Size(self.size.width, len(self._lines))
        self.refresh()

    def _first_line(self, position: int) -> int:
        return next(index for index, (section, _line) in enumerate(self._lines)
                    if section == position)

    def section_at(self, y: int) -> int | None:
        """The section drawn at row ``y`` of the widget (scrolling included), if any."""
        line = int(self.scroll_offset.y) + y
        return self._lines[line][0] if 0 <= line < len(self._lines) else None

    # -- drawing -----------------------------------------------------------------------

    def _refresh_section(self, position: int | None) -> None:
        if position is None or not 0 <= position < len(self._prompts):
            return
        for line, (section, _text) in enumerate(self._lines):
            if section == position:
                self.refresh_line(line)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = int(self.scroll_offset.y) + y
        base = self.rich_style
        if not 0 <= line < len(self._lines):
            return Strip.blank(width, base)
        section, text = self._lines[line]
        style = base
        if section == self.highlighted:
            style = base + self.get_component_rich_style("agenda--highlighted")
        elif section == self._hover:
            style = base + self.get_component_rich_style("agenda--hover")
        segments = Segment.apply_style(text.render(self.app.console), style)
        return Strip(segments).crop_extend(0, width, style)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._lines))

    # -- the highlight ---------------------------------------------------------------

    def validate_highlighted(self, value: int) -> int:
        return max(0, min(value, len(self._prompts) - 1)) if self._prompts else 0

    def watch_highlighted(self, old: int, new: int) -> None:
        self._refresh_section(old)
        self._refresh_section(new)
        if self._lines:
            first = self._first_line(new)
            height = self._prompts[new].plain.count("\n") + 1
            self.scroll_to_region(Region(0, first, self.size.width, height), animate=False,
                                  immediate=True)

    def action_cursor_up(self) -> None:
        self.highlighted -= 1

    def action_cursor_down(self) -> None:
        self.highlighted += 1

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = len(self._prompts) - 1

    def action_select(self) -> None:
        if self._prompts:
            self.post_message(self.Selected(self, self.highlighted))

    # -- the mouse ---------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        section = self.section_at(event.y)
        if section is not None:
            self.highlighted = section
            self.post_message(self.Selected(self, section))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        section = self.section_at(event.y)
        if section != self._hover:
            old, self._hover = self._hover, section
            self._refresh_section(old)
            self._refresh_section(section)

    def on_leave(self, _event: events.Leave) -> None:
        old, self._hover = self._hover, None
        self._refresh_section(old)


def section_prompt(session, position: int, width: int, theme) -> Text:
    """One agenda entry of a meeting (the facilitator's, or a follower's view of it): ``▶`` on
    the section the meeting is on, ``✓`` on one visited, its number and title (cut with '…'
    to ``width``), and its clock below, with ``⏳`` in the current section's last minute and
    ``over`` past its timebox. ``theme(name, fallback)`` gives a colour of the app's theme."""
    state = session.sections[position]
    used = session.elapsed(position)
    current = position == session.current
    text = Text(no_wrap=True, overflow="ellipsis")
    marker = "▶ " if current else ("✓ " if used > 0 else "  ")
    text.append(marker, style=f"bold {theme('accent', 'cyan')}" if current else "")
    number = f"{position + 1}. "
    text.append(number, style="dim")
    room = max(8, width - len(marker) - len(number) - 1)
    title = state.title if len(state.title) <= room else state.title[:room - 1] + "…"
    text.append(title, style="bold" if current else "")
    text.append("\n    ")
    standing = meetingclock.section_state(used, state.timebox_seconds)
    timing = f"{duration_text(used)} / {duration_text(state.timebox_seconds)}"
    if standing == meetingclock.OVER:
        text.append(timing + " over", style=f"bold {theme('error', 'red')}")
    elif current and standing == meetingclock.ENDING and not session.is_ended:
        text.append(timing + " ⏳", style=f"bold {theme('warning', 'yellow')}")
    else:
        text.append(timing, style="" if current else "dim")
    return text
