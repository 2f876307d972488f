"""Renderers of :class:`smarketing_tui.minutes.Minutes`: Markdown, HTML, JSON, iCalendar.

Each renderer escapes every piece of data for its format; none imports Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smarketing_tui.errors import UserError
from smarketing_tui.vocabulary import without_controls

if TYPE_CHECKING:
    from smarketing_tui.minutes import Minutes

# Data as text without control characters (escape sequences, NULs) that no format should
# carry; line breaks and tabs are kept. The one such function: vocabulary's.
clean = without_controls


def render(minutes: Minutes, fmt: str) -> str:
    """The minutes as text in ``fmt`` (md, html, json or ics)."""
    if fmt == "md":
        from smarketing_tui.minutes_render.to_markdown import render_markdown
        return render_markdown(minutes)
    if fmt == "html":
        from smarketing_tui.minutes_render.to_html import render_html
        return render_html(minutes)
    if fmt == "json":
        from smarketing_tui.minutes_render.to_json import render_json
        return render_json(minutes)
    if fmt == "ics":
        from smarketing_tui.minutes_render.to_ics import render_ics
        return render_ics(minutes)
    raise UserError(f"unknown minutes format {fmt!r}; expected md, html, json or ics")
