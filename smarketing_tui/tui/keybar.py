"""The key bar: the keys that work right now, on the bottom line, in one widget.

It shows what Textual's ``Footer`` shows (the focused widget's keys, then the screen's, then
the command palette on the right) in the footer's colours, but draws them as one line of
text instead of a widget per key. On the meeting screen that was fourteen widgets to mount,
style and lay out at start-up and after every section move; a line is one. It also fits
the line to the width: when the keys do not all fit, the command palette's label goes first
(ctrl+p works anyway, and the help screen lists it), then keys are left out whole (never cut
mid-word) while the help key stays, so that every other key is one press away.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

GAP = 1  # columns between two keys
HELP_ACTION = "help"


@dataclass(frozen=True)
class ShownKey:
    """One key on the bar: what it shows, what it does, and where it is drawn."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool
    tooltip: str

    @property
    def width(self) -> int:
        """Columns taken: the key, and a space and the description if there is one."""
        return cell_len(self.display) + (cell_len(self.description) + 1 if self.description
                                         else 0)


class KeyBar(Widget, can_focus=False):
    """The active key bindings on one line; click a key to press it."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--hover",
                         "keybar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keybar--hover {
            background: $block-hover-background;
        }
        .keybar--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.show_command_palette = show_command_palette
        self._placed: list[tuple[int, int, ShownKey]] = []  # (first column, end, key)
        self._hover: ShownKey | None = None
        self._drawn: Text | None = None  # the line last drawn
        self._drawn_signature: tuple | None = None  # the bindings it showed
        self._styles: tuple = ()  # key, description and hover styles, read at each render

    # -- what to show ------------------------------------------------------------------

    def shown_keys(self, bindings: dict | None = None
                   ) -> tuple[list[ShownKey], ShownKey | None]:
        """The keys to show, in order, one per action (as Textual's footer), and the
        command palette's key for the right-hand end (None when it is not shown)."""
        bindings = self._active_bindings() if bindings is None else bindings
        keys: dict[str, ShownKey] = {}
        palette_key = self.app.COMMAND_PALETTE_BINDING
        for key, (_node, binding, enabled, tooltip) in bindings.items():
            if binding.show and key != palette_key and binding.action not in keys:
                keys[binding.action] = self._shown(binding, enabled, tooltip)
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE \
                and palette_key in bindings:
            _node, binding, enabled, tooltip = bindings[palette_key]
            palette = self._shown(binding, enabled, binding.tooltip or binding.description)
        return list(keys.values()), palette

    def _active_bindings(self) -> dict:
        focused = self.screen.focused
        if focused is not None and not focused.is_attached:
            # A widget being removed still holds the focus for a moment (a section view
            # when the meeting moves on); its bindings chain ends at itself.
            return {}
        return self.screen.active_bindings

    def _signature(self, bindings: dict | None = None) -> tuple:
        bindings = self._active_bindings() if bindings is None else bindings
        return tuple((key, binding.action, binding.description, enabled, tooltip)
                     for key, (_node, binding, enabled, tooltip) in bindings.items()
                     if binding.show)

    def _shown(self, binding: Binding, enabled: bool, tooltip: str) -> ShownKey:
        return ShownKey(binding.key, self.app.get_key_display(binding), binding.description,
                        binding.action, enabled, tooltip or binding.tooltip or "")

    @staticmethod
    def fit(keys: list[ShownKey], width: int) -> list[ShownKey]:
        """The keys that fit in ``width`` columns (each with a gap after it), whole: in their
        order, and when some must go, the help key (if any, and if it fits) kept at the
        end, so that the rest stay findable."""
        def needed(key: ShownKey) -> int:
            return key.width + GAP

        if sum(map(needed, keys)) <= width:
            return keys
        helper = next((k for k in keys if k.action == HELP_ACTION), None)
        reserve = [helper] if helper is not None and needed(helper) <= width else []
        used = sum(map(needed, reserve))
        chosen: list[ShownKey] = []
        for key in keys:
            if key is helper:
                continue
            if used + needed(key) > width:
                break
            chosen.append(key)
            used += needed(key)
        return chosen + reserve

    # -- drawing -----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen) -> None:
        # Focus moves two or three times in a section move; redraw only when the keys
        # differ from those drawn (a repaint of one line, no layout), and not in between,
        # while the focus is on a widget on its way out.
        signature = self._signature()
        if signature and signature != self._drawn_signature:
            self.refresh()

    def render(self) -> Text:
        width = self.size.width
        bindings = self._active_bindings()
        signature = self._signature(bindings)
        if not signature and self._drawn is not None:
            return self._drawn  # the focus is in between widgets: keep the keys shown
        self._drawn_signature = signature
        keys, palette = self.shown_keys(bindings)
        if palette is not None and len(self.fit(keys, width - palette.width - 2)) < len(keys):
            palette = None  # the keys first: ctrl+p is on the help screen, and works anyway
        self._styles = (self.get_component_rich_style("keybar--key"),
                        self.get_component_rich_style("keybar--description"),
                        self.get_component_rich_style("keybar--hover"))
        right = Text()
        if palette is not None:
            right.append("▏", style=self.get_component_rich_style("keybar--separator"))
            right.append_text(self._label(palette))
            right.append(" ")
        left_width = max(0, width - right.cell_len)
        line = Text(no_wrap=True, overflow="crop", end="")
        placed = []
        for key in self.fit(keys, left_width):
            placed.append((line.cell_len, line.cell_len + key.width, key))
            line.append_text(self._label(key))
            line.append(" " * GAP)
        if palette is not None:
            line.append(" " * max(0, left_width - line.cell_len))
            start = line.cell_len + 1  # after the separator
            placed.append((start, start + palette.width, palette))
            line.append_text(right)
        self._placed = placed
        line.stylize_before(self.rich_style)
        self._drawn = line
        return line

    def _label(self, key: ShownKey) -> Text:
        key_style, description_style, hover_style = self._styles
        label = Text()
        label.append(key.display, style=key_style)
        if key.description:
            label.append(" " + key.description, style=description_style)
        if not key.enabled:
            label.stylize("dim")
        if self._hover is not None and key == self._hover:
            label.stylize(hover_style)
        return label

    # -- mouse -------------------------------------------------------------------------

    @property
    def drawn(self) -> list[ShownKey]:
        """The keys on the bar as last drawn, left to right (the palette's last)."""
        return [key for _start, _end, key in self._placed]

    def key_at(self, x: int) -> ShownKey | None:
        """The key drawn at column ``x`` of the bar, as last drawn."""
        return next((key for start, end, key in self._placed if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self.key_at(event.x)
        if key != self._hover:
            self._hover = key
            self.tooltip = (key.tooltip or None) if key else None
            self.refresh()

    def on_leave(self, _event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
