"""Kill -9 a real `smarketing run` mid-meeting, run it again, resume: nothing is lost.

The app runs in a real pseudo-terminal (120x40) as a user would start it. The
test types keys, waits until each write has reached the store (polling the
store, never asserting on timing), kills the process with SIGKILL, and checks
that a second `smarketing run` offers to resume the meeting with every record
and every section's banked time as it was persisted.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time

import pytest

from smarketing_tui.meeting import MeetingSession

from test_tui_shell import SHELL_AGENDA

WAIT_SECONDS = 90  # an upper bound for busy machines; the test waits for states, never for time
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-Z\\-_])")


class Terminal:
    """A child process on a pty; its output is drained in a thread so it never blocks."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: str) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.master = master
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        cwd=cwd, start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())
        time.sleep(0.05)  # pacing between keystrokes, like a person; nothing is asserted on it

    def screen_text(self, since: int = 0) -> str:
        """What the app drew (escape sequences dropped), from byte ``since`` of its output."""
        return ANSI.sub("", bytes(self.output[since:]).decode("utf-8", "replace"))

    def typed(self, text: str) -> None:
        """Type ``text`` into the focused field and wait until the field shows it: the next
        key must not race a field that has not taken the last ones yet."""
        since = len(self.output)
        self.type(text)
        wait_for(f"{text!r} on screen", lambda: text in self.screen_text(since), self)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=WAIT_SECONDS)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=WAIT_SECONDS)
        os.close(self.master)


def wait_for(what: str, predicate, terminal: Terminal | None = None) -> object:
    """Poll until ``predicate()`` is truthy; fail naming ``what`` after WAIT_SECONDS (with
    the end of what ``terminal`` drew, to see what the app was showing)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    shown = f"; the screen last drew: {terminal.screen_text()[-3000:]!r}" if terminal else ""
    pytest.fail(f"timed out waiting for {what}{shown}")


def query(db_path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@pytest.fixture
def terminal_env(workspace):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARKETING_")}
    env.update(SMARKETING_WORKSPACE=str(workspace.root), TERM="xterm-256color", COLUMNS="120",
               LINES="40", TEXTUAL_ANIMATIONS="none")
    return env


def test_kill_9_mid_meeting_then_resume_loses_nothing(workspace, terminal_env):
    (workspace.agendas_dir / "shell.yaml").write_text(SHELL_AGENDA, encoding="utf-8")
    db = workspace.db_path
    args = [sys.executable, "-m", "smarketing_tui", "run", "shell"]

    first = Terminal(args, terminal_env, str(workspace.root))
    try:
        wait_for("the meeting row", lambda: query(db, "SELECT id FROM meetings"))
        wait_for("the screen", lambda: "Shell test meeting" in first.screen_text())
        first.type("]")
        wait_for("section 2", lambda: query(db, "SELECT 1 FROM meetings WHERE current_section=1"))
        first.type("d")
        wait_for("the decision dialog", lambda: "Decision — Numbers" in first.screen_text())
        first.typed("Kill-proof decision")
        first.type("\r")
        wait_for("the decision", lambda: query(db, "SELECT 1 FROM decisions"), first)
        first.type("a")
        wait_for("the action item dialog", lambda: "New action item" in first.screen_text(),
                 first)
        first.typed("Survive a crash")
        first.type("\r")  # Enter in a field before the last moves on to the next one
        first.typed("Ola Hansen")
        first.type("\r")
        # The field's text is selected on focus: typing replaces it (15.12, not the hint's
        # 14.12, so that the wait sees the field and not the hint).
        first.typed("15.12.2026")
        first.type("\r")
        wait_for("the action item", lambda: query(db, "SELECT 1 FROM action_items"), first)
        # Wait for one heartbeat in section 2 (running_since moves forward), then kill.
        started = query(db, "SELECT running_since FROM meeting_sections WHERE position=1")[0][0]
        wait_for("a heartbeat", lambda: query(
            db, "SELECT 1 FROM meeting_sections WHERE position=1 AND running_since > ?",
            (started,)))
        first.kill()
    finally:
        first.close()

    # What the killed process left: still 'running', section 2's clock mid-run.
    (meeting_id, status), = query(db, "SELECT id, status FROM meetings")
    assert status == "running"
    persisted = dict(query(db, "SELECT position, used_seconds FROM meeting_sections"))
    assert persisted[1] > 0

    second = Terminal(args, terminal_env, str(workspace.root))
    try:
        wait_for("the resume offer",
                 lambda: "An unfinished meeting is waiting" in second.screen_text())
        second.type("r")
        # The resumed screen opens at section 2 and shows the decision recorded there.
        wait_for("the resumed meeting showing its decision",
                 lambda: "Kill-proof decision" in second.screen_text()
                 and query(db, "SELECT 1 FROM meetings WHERE status='running' AND id=?",
                           (meeting_id,)))
        second.type("q")
        second.process.wait(timeout=WAIT_SECONDS)
    finally:
        second.close()

    assert query(db, "SELECT COUNT(*), MAX(status), MAX(current_section) FROM meetings") == [
        (1, "paused", 1)]
    assert query(db, "SELECT section_title, text FROM decisions") == [
        ("Numbers", "Kill-proof decision")]
    assert query(db, "SELECT section_title, text, owner, due FROM action_items") == [
        ("Numbers", "Survive a crash", "Ola Hansen", "2026-12-15")]
    # Every section kept at least what was persisted before the kill; sections the resumed run
    # did not visit kept exactly that (the wall-clock gap while dead counts nowhere).
    after = dict(query(db, "SELECT position, used_seconds FROM meeting_sections"))
    assert after[0] == persisted[0] and after[2] == persisted[2] == 0
    assert after[1] >= persisted[1]


def test_resume_after_kill_counts_up_to_the_last_heartbeat(workspace):
    """The same crash, checked exactly: a child process runs the domain, banks a heartbeat,
    and is killed; resuming counts the section up to that heartbeat and no further."""
    (workspace.agendas_dir / "shell.yaml").write_text(SHELL_AGENDA, encoding="utf-8")
    script = (
        "import os, sys, time\n"
        "from smarketing_tui.agenda import load_agenda\n"
        "from smarketing_tui.meeting import MeetingSession\n"
        "from smarketing_tui.workspace import Workspace\n"
        "from smarketing_tui.timeutil import parse_utc\n"
        "from datetime import timedelta\n"
        "ws = Workspace(__import__('pathlib').Path(sys.argv[1]))\n"
        "now = [parse_utc('2026-11-23T08:00:00Z')]\n"
        "s = MeetingSession.start(ws, load_agenda(ws.agendas_dir / 'shell.yaml', ws.settings()),"
        " clock=lambda: now[0])\n"
        "now[0] += timedelta(seconds=65); s.next_section()\n"      # Opening: 65 s
        "now[0] += timedelta(seconds=40); s.tick()\n"              # Numbers: 40 s, heartbeat
        "s.record_decision('Written before the crash')\n"
        "now[0] += timedelta(seconds=4)\n"                         # 4 s after the heartbeat...
        "print('ready', flush=True)\n"
        "time.sleep(600)\n")                                       # ...killed here
    child = subprocess.Popen([sys.executable, "-c", script, str(workspace.root)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=WAIT_SECONDS)
    finally:
        if child.poll() is None:
            child.kill()
    (meeting_id,), = query(workspace.db_path, "SELECT id FROM meetings")
    # An hour later someone resumes: Opening 65 s, Numbers 40 s (not 44, not an hour more).
    moment = [__import__("smarketing_tui.timeutil", fromlist=["parse_utc"]).parse_utc(
        "2026-11-23T09:00:00Z")]
    session = MeetingSession.resume(workspace, meeting_id, clock=lambda: moment[0])
    assert (session.current, session.elapsed(0), session.elapsed(1)) == (1, 65, 40)
    assert [d[0] for d in query(workspace.db_path, "SELECT text FROM decisions")] == [
        "Written before the crash"]
    session.close()
