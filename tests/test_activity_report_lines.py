"""The activity reports draw their lines without Rich's table machinery (Report.lines): the
same characters in the same styles as the Rich table they stand for (Report.table), at every
width, wrapped titles, a section line, styled cells, a narrow view and no rows included."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.style import Style
from rich.text import Text

from smarketing_tui.tui.sections.activity import Report


def cells(segments) -> list[list[tuple[str, Style]]]:
    """Each line as (character, style) pairs: what the screen shows, however it is cut into
    segments (no style and the null style look alike)."""
    lines, line = [], []
    for segment in segments:
        if segment.text == "\n":
            lines.append(line)
            line = []
            continue
        line.extend((char, segment.style or Style.null()) for char in segment.text)
    return lines + ([line] if line else [])


def deals() -> Report:
    report = Report("Deals won and lost, a heading long enough to wrap in a narrow view",
                    [("", "left", 4), ("Date", "left", 0, True), ("Lead", "left", 14),
                     ("NOK", "right"), ("Reason", "left", None, True)], False)
    report.add(Text("won", style="green"), "01.02.", Text("A lead whose name is long"),
               "1 234", Text("why not", style="italic"))
    report.add(Text("lost", style="bold #ff0000"), "02.02.", Text("X  "), "12  ", Text(""),
               end_section=True)
    mixed = Text("mixed ")
    mixed.append("bold", style="bold")
    report.add(Text("Total", style="bold"), "", mixed, Text("1 246", style="bold"), "")
    return report


def narrow_and_empty() -> Report:
    report = Report("Nothing yet", [("Source", "left", 12), ("2026-W48", "right"),
                                    ("Change", "right", None, True)], True)
    report.empty("no lead data for this period yet")
    return report


def no_rows() -> Report:
    return Report("No rows", [("Person", "left", 14), ("Won", "right")], False)


@pytest.mark.parametrize("make", [deals, narrow_and_empty, no_rows])
@pytest.mark.parametrize("width", [5, 12, 20, 33, 40, 57, 80, 120])
def test_the_lines_are_the_rich_tables(make, width):
    console = Console(width=width, color_system="truecolor", force_terminal=True)
    options = console.options.update_width(width)
    report = make()
    expected = cells(console.render(report.table(width), options))
    assert cells(report.lines(console, options)) == expected
    assert len(expected) >= 3  # a title, a heading and its rule at least
