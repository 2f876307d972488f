"""An error no handler caught, ended the way every command ends: one line and an exit code."""

from __future__ import annotations

import sys
from pathlib import Path

from smarketing_tui.errors import debug_enabled, explain, write_crash_report


def failure_line(error: BaseException, store: Path | str | None, headless: bool
                 ) -> tuple[str, int] | None:
    """The line and exit code for ``error`` (errors.explain; a bug's traceback goes to a crash
    report), or None where Textual's own handling should show it: in tests (headless) and
    with ``SMARKETING_DEBUG=1``."""
    if debug_enabled() or headless:
        return None
    message, code, unexpected = explain(error, store)
    if unexpected:
        report = write_crash_report(error, sys.argv)
        message += f"; the full report is in {report}" if report else ""
        message += "; run again with SMARKETING_DEBUG=1 to see the traceback"
    return message, code
