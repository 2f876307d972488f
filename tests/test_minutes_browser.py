"""The HTML minutes open in headless Chromium with no console errors and show the decisions.

Needs Debian's ``chromium`` (``apt-get install chromium``; .ci/run installs it).
Without it the test fails with that hint instead of being skipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from smarketing_tui.minutes import load_minutes, render
from test_minutes_support import build_meetings

BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--enable-logging=stderr", "--v=0"]
# Chromium logs every console message (errors, CSP violations) as a line with ":CONSOLE".
CONSOLE_LINE = re.compile(r":CONSOLE[:(]")


def _chromium() -> str:
    path = shutil.which("chromium") or (Path("/usr/bin/chromium").exists() and "/usr/bin/chromium")
    if not path:
        pytest.fail("headless Chromium is needed for this test: install Debian's package with "
                    "'apt-get install -y chromium' (.ci/run does it)")
    return path


def open_in_chromium(page: Path, profile: Path) -> tuple[str, list[str]]:
    """Load a page headless; returns (the DOM after load, the console messages)."""
    completed = subprocess.run(
        [_chromium(), *BROWSER_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    console = [line for line in completed.stderr.splitlines() if CONSOLE_LINE.search(line)]
    return completed.stdout, console


class _Decisions(HTMLParser):
    """Collects the text of <li class="decision"> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.decisions: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "li" and ("class", "decision") in attrs:
            self.decisions.append("")
            self._depth = 1
        elif self._depth and tag in ("div", "span"):
            self._depth += 1

    def handle_endtag(self, tag):
        if self._depth and tag in ("div", "span"):
            self._depth -= 1
        elif self._depth and tag == "li":
            self._depth = 0

    def handle_data(self, data):
        if self._depth == 1:
            self.decisions[-1] += data


def test_the_console_check_catches_a_bad_page(tmp_path):
    """The harness itself: a page that breaks the CSP and logs an error is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
                    "content=\"default-src 'none'\"></head><body><p>x</p>"
                    "<script>console.error('boom')</script></body></html>", encoding="utf-8")
    _, console = open_in_chromium(page, tmp_path / "profile")
    assert any("Content Security Policy" in line for line in console)


def test_html_minutes_render_in_chromium_without_console_errors(db, workspace, monkeypatch,
                                                                 tmp_path):
    nasty = "Stop <script>alert(1)</script> & *_|#<>[ now"
    ids = build_meetings(db.conn, monkeypatch, decision_text=nasty)
    page = tmp_path / "minutes.html"
    page.write_text(render(load_minutes(db.conn, ids["m2"], workspace.settings()), "html"),
                    encoding="utf-8")
    dom, console = open_in_chromium(page, tmp_path / "profile")
    assert console == []
    parser = _Decisions()
    parser.feed(dom)
    assert [text.strip() for text in parser.decisions] == [
        nasty, "Route weekend leads to the on-call seller"]
    # The script stayed text: the DOM has no script element at all.
    assert "<script" not in dom.replace("&lt;script", "")
