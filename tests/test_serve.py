"""`smarketing serve`: follow and prep in a real browser, behind the link's token.

The end-to-end test runs the real command on a free loopback port and drives Debian's
chromium with Playwright (no browser download). The browser draws the terminal on a
canvas, so what the apps show is read where it passes: the websocket frames the server
sends to the page (the apps' terminal output), with the escape sequences taken out.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from smarketing_tui.commands.serve_cmd import (SERVED_APPS, cookie_name, is_loopback,
                                               served_command, token_matches)

DEADLINE_SECONDS = 90  # generous: a loaded machine is slow, never wrong
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()=>][0-9A-Za-z]?")


def test_token_compare():
    token = "Vmp5b9uJpmn2PVsTni5qomvh"
    assert token_matches(token, token)
    assert not token_matches(token[:-1], token)  # a prefix is not the token
    assert not token_matches(token + "x", token)
    assert not token_matches("", token)
    assert not token_matches(None, token)


def test_loopback_hosts():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    assert not is_loopback("example.com")


def test_the_served_command_is_fixed_by_the_program(tmp_path):
    """The command line a browser tab starts: this Python, the workspace, the app's name."""
    assert served_command(tmp_path, "follow") == \
        f"{sys.executable} -m smarketing_tui -w {tmp_path} follow"
    assert served_command(tmp_path, "prep") == \
        f"{sys.executable} -m smarketing_tui -w {tmp_path} prep"  # no --as: the in-app picker
    assert set(SERVED_APPS) == {"follow", "prep"}


def test_a_short_token_is_refused(workspace):
    done = subprocess.run([sys.executable, "-m", "smarketing_tui", "-w", str(workspace.root),
                           "serve", "--token", "short"], capture_output=True, text=True,
                          timeout=DEADLINE_SECONDS)
    assert done.returncode == 2
    assert done.stderr.strip() == ("Error: --token: expected at least 12 characters without "
                                   "spaces, got 5 characters")


# -- the real server ------------------------------------------------------------------


class Served:
    """`smarketing serve --port 0` running, with the link it printed."""

    def __init__(self, workspace, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "smarketing_tui", "-w", str(workspace.root), "serve",
             "--port", "0", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.link = self._read_link()
        found = re.match(r"http://([^/]+):(\d+)/\?token=(\S+)$", self.link)
        assert found, self.link
        self.host, self.port, self.token = found.group(1), int(found.group(2)), found.group(3)

    def _read_link(self) -> str:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"serve ended: {self.process.stderr.read()}")
            if line.strip().startswith("http://"):
                return line.strip()
        raise AssertionError("no link printed")

    def status(self, path: str, headers: dict | None = None) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers=headers or {})
            return connection.getresponse().status
        finally:
            connection.close()

    def children(self) -> list[int]:
        """The processes the server started (an app per browser tab)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def stop(self) -> str:
        """End the server (and any app it left); returns what it wrote on stderr."""
        children = self.children()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        for pid in children:  # an app the server could not stop in time
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.stdout.close()
        errors = self.process.stderr.read()
        self.process.stderr.close()
        return errors


UPGRADE = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
           "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}


class Screen:
    """What the served apps drew, as text: every websocket frame sent to the page."""

    def __init__(self, page) -> None:
        self.data: dict[int, bytearray] = {}
        page.on("websocket", self._opened)

    def _opened(self, socket) -> None:
        buffer = self.data.setdefault(len(self.data), bytearray())

        def received(payload) -> None:
            buffer.extend(payload if isinstance(payload, bytes) else payload.encode())

        socket.on("framereceived", received)

    def text(self, tab: int) -> str:
        return ESCAPES.sub(b"", bytes(self.data.get(tab, b""))).decode("utf-8", "replace")

    def wait_for(self, tab: int, wanted: str, page) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while wanted not in self.text(tab):
            if time.monotonic() > deadline:
                raise AssertionError(f"{wanted!r} never shown; last: {self.text(tab)[-800:]!r}")
            page.wait_for_timeout(100)


def wait_for_row(db_path: Path, sql: str, args: tuple) -> tuple:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute(sql, args).fetchone()
        finally:
            conn.close()
        if row is not None:
            return row
        if time.monotonic() > deadline:
            raise AssertionError(f"no row for {sql} {args}")
        time.sleep(0.2)


def test_follow_and_prep_in_a_browser(demo_workspace):
    from playwright.sync_api import sync_playwright

    from smarketing_tui.agenda import load_agenda
    from smarketing_tui.meeting import MeetingSession

    agenda = load_agenda(demo_workspace.agendas_dir / "weekly.yaml", demo_workspace.settings())
    meeting = MeetingSession.start(demo_workspace, agenda)  # the facilitator's meeting
    served = Served(demo_workspace)
    try:
        assert served.host == "127.0.0.1"
        # No token, a wrong one, a prefix of the right one: refused, on the pages and on the
        # websocket that would start an app; and no app process was started.
        wrong = served.token[:-1] + ("A" if served.token[-1] != "A" else "B")
        for path in ("/", "/follow", "/prep", "/ws/follow", "/ws/prep", "/static/js/textual.js",
                     f"/?token={wrong}", f"/follow?token={wrong}",
                     f"/ws/follow?token={wrong}", f"/ws/prep?token={served.token[:-1]}"):
            assert served.status(path, UPGRADE if "/ws/" in path else None) == 403, path
        cookie = cookie_name(served.token)
        assert served.status("/ws/prep", {**UPGRADE, "Cookie": f"{cookie}={wrong}"}) == 403
        assert served.status("/static/js/textual.js", {"Cookie": f"{cookie}={served.token}"}) \
            == 200  # the right cookie does let a request in
        assert served.children() == []

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                 args=["--no-sandbox"])
            try:
                browsing = browser.new_context(viewport={"width": 1400, "height": 800})
                page = browsing.new_page()
                screen = Screen(page)
                page.goto(served.link)
                page.click("text=Follow the meeting")
                # The agenda renders, with where the facilitator is.
                screen.wait_for(0, "Action review", page)
                screen.wait_for(0, "Facilitator:", page)
                assert len(served.children()) == 1  # this tab's own app process

                decision = "Ship the e-invoice guide on Monday"
                meeting.record_decision(decision)  # recorded by the meeting, not the browser
                screen.wait_for(0, decision, page)

                prep = browsing.new_page()  # a second tab, as the same visitor
                prep_screen = Screen(prep)
                prep.goto(f"http://127.0.0.1:{served.port}/prep")  # the cookie lets it in
                prep_screen.wait_for(0, "Who is prepping?", prep)
                prep.focus("textarea.xterm-helper-textarea")
                prep.keyboard.press("Enter")  # the first in the picker
                prep_screen.wait_for(0, "Talking points", prep)
                prep.keyboard.press("t")
                prep_screen.wait_for(0, "New talking point", prep)
                point = "Are LinkedIn leads any good"
                prep.keyboard.type(point)
                prep.keyboard.press("Control+s")  # the dialog's save key (Enter moves on)
                row = wait_for_row(demo_workspace.db_path,
                                   "SELECT text FROM talking_points WHERE text = ?", (point,))
                assert row == (point,)
            finally:
                browser.close()
    finally:
        served.stop()
        meeting.close()


def test_another_host_warns_that_there_is_no_tls(workspace):
    served = Served(workspace, "--host", "0.0.0.0")
    try:
        assert served.status("/") == 403  # the token is needed on every address
    finally:
        errors = served.stop()
    assert errors.startswith("Warning: serving on 0.0.0.0 without TLS: the link and everything "
                             "shown travel in clear text. Keep it behind the company's VPN or a "
                             "reverse proxy with TLS.")
