"""The errors a user can meet, and how any failure becomes one line with an exit code.

Exit codes: 2 for bad input (a file, an argument), 1 for a broken environment (the store
damaged, missing or read-only, a disk or a permission problem) and for a bug. :func:`explain`
turns any exception into ``(one line, exit code)``; the CLI calls it in one place
(``cli.LazyGroup.invoke``), so commands raise and never catch to print.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

DEBUG_VAR = "SMARKETING_DEBUG"  # set to 1: tracebacks instead of one-line errors
BAD_INPUT, BROKEN_ENVIRONMENT = 2, 1


class UserError(Exception):
    """A problem the user can fix (bad file, bad argument, missing workspace).

    The CLI prints ``str(error)`` as one line on stderr and exits with ``exit_code``
    (2: bad input); no traceback is ever shown for these.
    """

    exit_code = BAD_INPUT


class BrokenEnvironment(UserError):
    """The workspace, the store, a disk or a permission is broken, not the input: exit 1."""

    exit_code = BROKEN_ENVIRONMENT


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


class UnreadableFile(InputError, BrokenEnvironment):
    """A file that exists but cannot be read (permissions, a disk error): exit 1."""


def one_line(text: str) -> str:
    """``text`` with its line breaks folded into spaces."""
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def store_advice(store: Path | str | None) -> str:
    """What to do about a damaged store."""
    if store is None:
        return "restore the store from a backup"
    from smarketing_tui.backup import backups_dir

    return f"restore it from a copy in {backups_dir(store)}"


def explain(error: BaseException, store: Path | str | None = None) -> tuple[str, int, bool]:
    """One line (what, where, what to do), the exit code, and whether ``error`` is a bug.

    ``store``: the workspace's store, named in messages about SQLite errors (which do not
    say which file they are about). Anything unexpected gets exit code 1 and a line saying
    it is a bug; the caller adds where the full report went.
    """
    if isinstance(error, UserError):
        return one_line(str(error)), error.exit_code, False
    message, code = _explain_environment(error, store)
    if message is not None:
        return message, code, False
    detail = one_line(str(error))
    return (f"unexpected {type(error).__name__}{': ' + detail if detail else ''} (a bug in "
            "smarketing-tui)", BROKEN_ENVIRONMENT, True)


def _explain_environment(error: BaseException, store: Path | str | None) -> tuple[str | None, int]:
    import sqlite3

    where = f"{store}: " if store is not None else ""
    if isinstance(error, sqlite3.Error):
        text = str(error)
        lowered = text.lower()
        if "readonly" in lowered or "read-only" in lowered:
            return (f"{where}the store is read-only ({text}); nothing was written: make the "
                    "file and its folder writable (or move the workspace off a read-only disk)",
                    BROKEN_ENVIRONMENT)
        if "locked" in lowered or "busy" in lowered:
            return (f"{where}the store is busy ({text}): another smarketing command holds it; "
                    "try again when it has finished", BROKEN_ENVIRONMENT)
        if "full" in lowered:
            return (f"{where}the disk is full ({text}); nothing was written: free some space "
                    "and try again", BROKEN_ENVIRONMENT)
        if "unable to open" in lowered:
            return (f"{where}cannot open the store ({text}): check that the file and its "
                    "folder exist and can be read and written", BROKEN_ENVIRONMENT)
        if "too big" in lowered or "too large" in lowered:
            return f"{where}a value is too large for the store ({text})", BAD_INPUT
        return (f"{where}the store is damaged or not a smarketing store ({text}); see "
                f"'smarketing check --store', and {store_advice(store)}", BROKEN_ENVIRONMENT)
    if isinstance(error, OverflowError):
        return (f"a number or date is out of range ({error}); use a smaller number or a date "
                "between years 1 and 9999 with room to spare", BAD_INPUT)
    if isinstance(error, OSError):
        return _explain_os_error(error), BROKEN_ENVIRONMENT
    if isinstance(error, MemoryError):
        return "out of memory; close other programs or work on a smaller file", BROKEN_ENVIRONMENT
    if isinstance(error, RecursionError):
        return "input nested too deeply to read", BAD_INPUT
    return None, BROKEN_ENVIRONMENT


_OS_ADVICE = {
    errno.EACCES: "check the permissions of the file and its folders",
    errno.EPERM: "check the permissions of the file and its folders",
    errno.EROFS: "the disk is read-only; move the workspace to a writable disk",
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EISDIR: "a folder is where a file was expected",
    errno.ENOTDIR: "a file is where a folder was expected",
    errno.ENOENT: "check that it exists",
}


def _explain_os_error(error: OSError) -> str:
    name = error.filename if error.filename is not None else None
    reason = error.strerror or str(error)
    advice = _OS_ADVICE.get(error.errno or 0, "check the disk and the permissions")
    where = f"{os.fsdecode(name)}: " if name is not None else ""
    return one_line(f"{where}{reason.lower()}; {advice}")


def debug_enabled() -> bool:
    """``SMARKETING_DEBUG=1``: let tracebacks through (for bug reports and development)."""
    return os.environ.get(DEBUG_VAR, "") not in ("", "0")


def write_crash_report(error: BaseException, argv: list[str]) -> Path | None:
    """Write the traceback of an unexpected error to a file; its path, or None if that failed."""
    import tempfile
    import time
    import traceback

    from smarketing_tui import __version__

    try:
        folder = Path(tempfile.gettempdir())
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = folder / f"smarketing-crash-{stamp}-{os.getpid()}.txt"
        text = (f"smarketing-tui {__version__}\ncommand: {' '.join(argv)}\n\n"
                + "".join(traceback.format_exception(error)))
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        return None
