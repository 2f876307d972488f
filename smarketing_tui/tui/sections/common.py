"""Small helpers the section views share: safe text, theme colours, local dates, a header."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App
from textual.widgets import DataTable, Static

from smarketing_tui.timeutil import format_date, now_utc, to_local
from smarketing_tui.vocabulary import short_period  # noqa: F401 - re-exported
from smarketing_tui.tui.agenda_column import column_width

if TYPE_CHECKING:
    from smarketing_tui.workspace import Settings

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: object) -> str:
    """Data as plain one-line-safe text: control characters (ESC, BEL...) become visible
    control pictures (``␛``), so imported data can never steer the terminal."""
    if value is None:
        return ""
    text = str(value)
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group()))
                        if ord(m.group()) < 0x20 else "\ufffd", text)


def safe(value: object, style: str = "") -> Text:
    """A rich Text of data: never parsed as markup, control characters neutralised."""
    return Text(clean(value), style=style)


def one_line(value: object, width: int = 0) -> str:
    """Data folded to one line (newlines and tabs become spaces), cut to ``width`` with '…'."""
    text = " ".join(clean(value).replace("\u240a", " ").replace("\u2409", " ").split())
    if width and len(text) > width:
        return text[: max(width - 1, 0)].rstrip() + "…"  # "meetings…", not "meetings …"
    return text


_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")


def reflow(text: str) -> str:
    """Text written with hard line breaks (a YAML block) as paragraphs that wrap at any
    width: lines of a paragraph are joined; blank lines and list items (``- ``, ``1. ``)
    still start a new line."""
    lines: list[str] = []
    joinable = False
    for line in text.strip().splitlines():
        if not line.strip():
            lines.append("")
            joinable = False
        elif joinable and not _LIST_ITEM.match(line):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line.rstrip())
            joinable = True
    return "\n".join(lines)


def theme_color(app: App, name: str, fallback: str) -> str:
    """A colour of the current theme (``success``, ``warning``, ``error``, ``primary``...)."""
    try:
        value = app.get_css_variables().get(name)
    except Exception:  # noqa: BLE001 - no theme yet (very early in start-up)
        value = None
    return value or fallback


STATUS_FALLBACK = {"green": "green", "amber": "yellow", "red": "red", "no_data": "grey50"}
STATUS_THEME = {"green": "success", "amber": "warning", "red": "error",
                "no_data": "foreground-muted"}


def status_style(app: App, status: str) -> str:
    """Rich style for a scorecard status, from the theme's success/warning/error colours."""
    color = theme_color(app, STATUS_THEME.get(status, "foreground-muted"),
                        STATUS_FALLBACK.get(status, "grey50"))
    return f"bold {color}" if status == "red" else color


def local_today(settings: Settings) -> date:
    """Today in the workspace time zone (honours SMARKETING_NOW)."""
    return to_local(now_utc(), settings.timezone).date()


def short_date(iso: str | None) -> str:
    """A stored local ISO date as ``dd.mm.yyyy``; '–' when missing."""
    if not iso:
        return "–"
    try:
        return format_date(date.fromisoformat(iso[:10]))
    except ValueError:
        return clean(iso)


def highlighted_key(table: DataTable) -> str | None:
    """The row key (as str) under the table's cursor, or None for an empty table."""
    if table.row_count == 0:
        return None
    try:
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
    except Exception:  # noqa: BLE001 - cursor outside the rows
        return None
    return row_key.value


def keep_cursor(table: DataTable, key: str | None) -> None:
    """Put the cursor back on the row with ``key`` after the table was rebuilt."""
    if key is None:
        return
    try:
        table.move_cursor(row=table.get_row_index(key), animate=False)
    except Exception:  # noqa: BLE001 - the row is gone
        pass


class SectionHeader(Static):
    """One or two lines above a view: what the section is and which keys it offers."""

    DEFAULT_CSS = """
    SectionHeader {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """


def key_pairs(*pairs: tuple[str, str]) -> list[Text]:
    """Key hints, one Text each (``x done``, the key in bold), for :func:`pack`."""
    hints = []
    for key, label in pairs:
        hint = Text()
        hint.append(key, style="bold")  # only the key: Text(key, style=) would bolden all
        hint.append(f" {label}")
        hints.append(hint)
    return hints


def key_hint(*pairs: tuple[str, str]) -> Text:
    """A line of key hints: ``x done · c carry over`` with the keys in bold."""
    text = Text()
    for index, hint in enumerate(key_pairs(*pairs)):
        if index:
            text.append(" · ")
        text.append_text(hint)
    return text


def forward_focus(view, target_type=DataTable) -> None:
    """Give focus to the view's main widget (the screen focuses the view itself)."""
    found = view.query(target_type)
    if found:
        found.first().focus()


def refocus(view, target_type=DataTable) -> None:
    """After loading: if the view still holds the focus itself, hand it to its main widget
    (a widget that is loading does not take focus)."""
    focused = view.screen.focused if view.is_attached else None
    if focused is None or focused is view:
        forward_focus(view, target_type)


def as_of_of(session) -> datetime:
    """The meeting's 'now' (its clock when it has one; honours SMARKETING_NOW)."""
    clock = getattr(session, "clock", None)
    return (clock() if clock else now_utc()).replace(microsecond=0)


def text_budget(view, fixed: int, minimum: int = 16, maximum: int = 80) -> int:
    """Characters left for a table's free-text column once ``fixed`` cells are drawn.

    Uses the view's width (:func:`view_width`).
    """
    return max(minimum, min(maximum, view_width(view) - fixed))


NARROW = 76  # below this many columns a view drops secondary columns and the key line


def view_width(view) -> int:
    """The view's width, remembered as the width it last drew for (see ``width_changed``).
    Before the view's first layout: its section host's, or the app's less the agenda column
    and the host's padding (tui/app.tcss)."""
    width = view.size.width or _expected_width(view)
    view._drawn_width = width
    return width


def width_changed(view) -> bool:
    """Whether the view is now another width than the one it last drew for. A view redraws
    on a resize only then: its first resize usually brings the width it already expected,
    and drawing its tables twice was a good part of opening it."""
    return (view.size.width or _expected_width(view)) != getattr(view, "_drawn_width", None)


def _expected_width(view) -> int:
    host = view.parent
    if host is not None and host.content_region.width:
        return host.content_region.width
    app_width = view.app.size.width
    return max(app_width - column_width(app_width) - 2, 40)  # less the host's padding


def is_narrow(view) -> bool:
    return view_width(view) < NARROW


def pack(segments: list[Text], width: int, separator: str = " · ") -> Text:
    """Segments joined by `` · `` on as few lines as fit ``width``, breaking only between them
    (so ``36 269 NOK`` never splits at its no-break space)."""
    text = Text()
    used = 0
    for segment in segments:
        length = segment.cell_len
        if used and used + len(separator) + length > width:
            text.append("\n")
            used = 0
        elif used:
            text.append(separator)
            used += len(separator)
        text.append_text(segment)
        used += length
    return text


def show_key_line(view) -> None:
    """Hide the line of key hints when the view is narrow (the footer lists the keys)."""
    wanted = not is_narrow(view)
    for header in view.query(".keys"):
        if header.display != wanted:  # setting it, even unchanged, lays out the whole screen
            header.display = wanted


def table_with_enter(description: str, tooltip: str = "") -> type[DataTable]:
    """A DataTable class whose Enter is shown in the footer as ``description``.

    DataTable binds Enter (hidden) itself; the focused table's binding is what the footer
    shows, so a view whose Enter does something names it here.
    """
    from textual.binding import Binding

    class EnterTable(DataTable):
        BINDINGS = [Binding("enter", "select_cursor", description, show=True, key_display="⏎",
                            tooltip=tooltip, id="table.enter")]  # the id: on the help screen

    return EnterTable


def follow_theme(view, redraw) -> None:
    """Call ``redraw()`` when the app's theme changes: status colours come from the theme."""
    view.app.theme_changed_signal.subscribe(view, lambda _theme: redraw())


def table_room(view, table: DataTable) -> int:
    """The cells a view's full-width DataTable has for its columns: the view's width less
    the room of a vertical scrollbar (kept free, so rows added later do not push the last
    column out)."""
    return view_width(view) - table.styles.scrollbar_size_vertical
