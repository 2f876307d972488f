"""Table columns fitted to a width: numbers and dates never cut, text giving way with '…',
columns left out in a set order when even that leaves no room. The section views, the prep
screen and the drill-down fill their tables with :func:`fill_table`; the activity reports
fit rich tables with :func:`fit_widths` and :func:`cut_text`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable


def fit_widths(available: int, natural: list[int], minimum: list[int | None], *,
               gap: int, drop_order: list[int] = (), squeeze: bool = True) -> list[int | None]:
    """Widths that make a table's columns fit ``available`` cells (None: a column left out).

    ``natural`` is each column's widest cell, heading included. ``minimum`` is None for a
    column that is never cut (a number), else how narrow a text column may get before
    columns are left out. ``gap`` is what each column adds around its cells (padding,
    rule). ``drop_order`` lists the columns that may be left out, first to go first.
    Text columns give way first, the one furthest above its minimum first, down to their
    minimums; columns are left out, one by one, while the minimums do not fit; last
    (unless ``squeeze`` is False), text columns go below their minimums in proportion to
    them (to one cell). Numbers are never cut: if they alone do not fit, the table is
    wider than ``available``.
    """
    widths: list[int | None] = list(natural)
    floors = [natural[i] if m is None else min(m, natural[i]) for i, m in enumerate(minimum)]

    def total() -> int:
        return sum(w + gap for w in widths if w is not None)

    def needed() -> int:
        return sum(floors[i] + gap for i, w in enumerate(widths) if w is not None)

    for column in drop_order:
        if needed() <= available:
            break
        widths[column] = None

    def shrink(floor, measure) -> None:
        while total() > available:
            shrinkable = [i for i, w in enumerate(widths)
                          if w is not None and minimum[i] is not None and w > floor(i)]
            if not shrinkable:
                return
            widths[max(shrinkable, key=lambda i: (measure(i), -i))] -= 1

    # Down to the minimums: the column with the most room above its minimum gives first.
    shrink(lambda i: floors[i], lambda i: widths[i] - floors[i])
    if squeeze:  # below them, keeping their proportions (a larger minimum keeps more)
        shrink(lambda i: 1, lambda i: widths[i] / max(floors[i], 1))
    return widths


def cut_text(text: Text, width: int) -> Text:
    """``text`` cut to ``width`` cells with '…' (no space before it); uncut when it fits."""
    if text.cell_len <= width:
        return text
    cut = text.copy()
    cut.truncate(max(width - 1, 0))
    cut.rstrip()
    cut.append("…")
    return cut


@dataclass(frozen=True)
class Column:
    """A DataTable column for :func:`fill_table`: its label and key; ``minimum`` None for a
    column never cut (numbers, dates), else how narrow the text may get; ``drop`` > 0 for a
    column that may be left out when there is no room (the highest goes first); ``right``
    for a heading set flush right, over numbers."""

    label: str
    key: str
    minimum: int | None = None
    drop: int = 0
    right: bool = False


def fill_table(table: DataTable, columns: list[Column],
               rows: list[tuple[str, list[Text | tuple[Text, Text]]]], width: int, *,
               squeeze: bool = True) -> None:
    """Empty ``table`` and fill it with ``rows`` (key, cells), the columns fitted into
    ``width`` cells: text cut with '…', columns left out when there is no room, numbers
    never cut (see :func:`fit_widths`, and its ``squeeze``). A cell given as (text, mark)
    keeps its mark (e.g. `` ▲``) when its text is cut."""

    def parts(cell) -> tuple[Text, Text | None]:
        return cell if isinstance(cell, tuple) else (cell, None)

    def length(cell) -> int:
        body, mark = parts(cell)
        return body.cell_len + (mark.cell_len if mark is not None else 0)

    def fitted(cell, cells: int) -> Text:
        body, mark = parts(cell)
        if mark is None:
            return cut_text(body, cells)
        return cut_text(body, max(cells - mark.cell_len, 1)) + mark

    natural = [max([len(c.label)] + [length(cells[i]) for _key, cells in rows])
               for i, c in enumerate(columns)]
    order = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop)
    widths = fit_widths(width, natural, [c.minimum for c in columns],
                        gap=2 * table.cell_padding, drop_order=order, squeeze=squeeze)
    shown = [i for i, w in enumerate(widths) if w is not None]
    table.clear(columns=True)
    for i in shown:
        label = Text(columns[i].label, justify="right" if columns[i].right else "left")
        table.add_column(cut_text(label, widths[i]), key=columns[i].key, width=widths[i])
    for key, cells in rows:
        table.add_row(*(fitted(cells[i], widths[i]) for i in shown), key=key)
