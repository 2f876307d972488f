"""One exception type for everything a user can get wrong."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (bad file, bad argument, missing workspace).

    The CLI prints ``str(error)`` as one line on stderr and exits with code 2;
    no traceback is ever shown for these.
    """

    exit_code = 2


class InputError(UserError):
    """Bad content in a file, located as precisely as we can."""

    def __init__(self, message: str, *, file: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        self.file, self.line, self.column, self.reason = file, line, column, message
        where = ""
        if file is not None:
            where = str(file)
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message)


class EnvironmentFailure(UserError):
    """The machine, not the input, is in the way: a read-only folder, no permission, a full
    disk. One line on stderr like any :class:`UserError`, but exit code 1."""

    exit_code = 1
