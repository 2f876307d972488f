"""Record ids on the command line: whole numbers the store can hold, or one clear line."""

from __future__ import annotations

import click

MAX_ID = 2**63 - 1  # SQLite's largest INTEGER


class RecordId(click.ParamType):
    """An id of a meeting, action item or the like: 1 to ``MAX_ID``."""

    name = "id"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip().lstrip("#")
            try:
                number = int(text)
            except ValueError:
                self.fail(f"{value!r} is not an id; expected a whole number such as 12",
                          param, ctx)
        if not 1 <= number <= MAX_ID:
            self.fail(f"{value} is not an id; ids are whole numbers from 1 to {MAX_ID}",
                      param, ctx)
        return number


RECORD_ID = RecordId()
