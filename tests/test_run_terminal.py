"""`smarketing run` needs a terminal, and SIGTERM or SIGHUP leave the meeting paused, as q does.

Without a terminal (stdin from /dev/null, output into a pipe) the command says so in one line
and exits 2 before any screen is drawn. In a real pseudo-terminal, a SIGTERM (a shutdown, a
`kill`) or a SIGHUP (the terminal window closed) ends the app: the meeting is written as
paused, a resume finds it, and the exit code is 0 as after q. The test waits on the store and
on the process, never on a guess of how long things take.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from test_meeting_kill import WAIT_SECONDS, Terminal, query, terminal_env, wait_for  # noqa: F401
from test_tui_shell import SHELL_AGENDA


def _run(workspace, *args, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARKETING_")}
    env["SMARKETING_WORKSPACE"] = str(workspace.root)
    return subprocess.run([sys.executable, "-m", "smarketing_tui", *args], stdin=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          timeout=WAIT_SECONDS, text=True)


@pytest.mark.parametrize("command", ["run", "prep"])
def test_without_a_terminal_it_says_so_and_exits_2(workspace, command):
    result = _run(workspace, command)
    assert result.returncode == 2
    assert result.stderr == (
        f"Error: 'smarketing {command}' needs a terminal, but its input and output are not one "
        "(a pipe, a file or /dev/null); run it in a terminal window (for scripts: 'smarketing "
        "scorecard', 'minutes', 'actions')\n")
    assert result.stdout == ""  # nothing drawn into the pipe
    assert query(workspace.db_path, "SELECT COUNT(*) FROM meetings") == [(0,)]


def test_output_into_a_pipe_alone_is_refused(workspace):
    # stdin is a terminal here (a pty), stdout a pipe: still no screen.
    import pty

    master, slave = pty.openpty()
    try:
        result = _run(workspace, "run", stdin=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert result.returncode == 2
    assert "its output is not one" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_pauses_the_meeting_and_leaves_cleanly(workspace, terminal_env, signum):
    (workspace.agendas_dir / "shell.yaml").write_text(SHELL_AGENDA, encoding="utf-8")
    db = workspace.db_path
    args = [sys.executable, "-m", "smarketing_tui", "run", "shell"]
    term = Terminal(args, terminal_env, str(workspace.root))
    try:
        wait_for("the meeting row", lambda: query(db, "SELECT id FROM meetings"))
        wait_for("the screen", lambda: "Shell test meeting" in term.screen_text())
        term.type("]")
        wait_for("section 2", lambda: query(db, "SELECT 1 FROM meetings WHERE current_section=1"))
        term.process.send_signal(signum)
        code = term.process.wait(timeout=WAIT_SECONDS)
        wait_for("the exit summary", lambda: "paused at 'Numbers'" in term.screen_text())
    finally:
        term.close()
    assert code == 0
    assert query(db, "SELECT status, current_section FROM meetings") == [("paused", 1)]
    # No section clock left running: the time is banked, as q leaves it.
    assert query(db, "SELECT COUNT(*) FROM meeting_sections WHERE running_since IS NOT NULL") \
        == [(0,)]
    assert "Traceback" not in term.screen_text()

    # A second run offers to resume the paused meeting.
    again = Terminal(args, terminal_env, str(workspace.root))
    try:
        wait_for("the resume offer",
                 lambda: "An unfinished meeting is waiting" in again.screen_text())
        again.process.send_signal(signal.SIGTERM)  # a signal at the question leaves it too
        assert again.process.wait(timeout=WAIT_SECONDS) == 0
    finally:
        again.close()
    assert query(db, "SELECT status FROM meetings") == [("paused",)]


def test_closing_the_terminal_window_pauses_the_meeting(workspace, terminal_env):
    """The terminal itself goes away (its window closed, an SSH session lost): the pty is the
    app's controlling terminal, its other end closes, and the kernel sends the hang-up."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    (workspace.agendas_dir / "shell.yaml").write_text(SHELL_AGENDA, encoding="utf-8")
    db = workspace.db_path
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "smarketing_tui", "run", "shell"], stdin=slave, stdout=slave,
        stderr=slave, env=terminal_env, cwd=str(workspace.root), start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))  # as a terminal window does
    os.close(slave)
    screen = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            screen.extend(chunk)

    threading.Thread(target=drain, daemon=True).start()
    try:
        wait_for("the meeting row", lambda: query(db, "SELECT id FROM meetings"))
        wait_for("the screen", lambda: b"Shell test meeting" in screen)
        os.close(master)  # the window closes
        code = process.wait(timeout=WAIT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WAIT_SECONDS)
    assert code == 0
    assert query(db, "SELECT status, current_section FROM meetings") == [("paused", 0)]
    assert query(db, "SELECT COUNT(*) FROM meeting_sections WHERE running_since IS NOT NULL") \
        == [(0,)]


def test_a_store_damaged_mid_meeting_ends_in_one_line_with_the_meeting_paused(
        workspace, terminal_env):
    """Another program drops a table while the meeting runs; the next note cannot be written.
    The app ends with one line (exit 1, as any command on a damaged store), not a traceback,
    and the meeting is left paused."""
    import sqlite3

    (workspace.agendas_dir / "shell.yaml").write_text(SHELL_AGENDA, encoding="utf-8")
    db = workspace.db_path
    term = Terminal([sys.executable, "-m", "smarketing_tui", "run", "shell"], terminal_env,
                    str(workspace.root))
    try:
        wait_for("the meeting row", lambda: query(db, "SELECT id FROM meetings"))
        wait_for("the screen", lambda: "Shell test meeting" in term.screen_text())
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TABLE notes")
        conn.commit()
        conn.close()
        term.type("n")
        wait_for("the note dialog", lambda: "Note — Opening" in term.screen_text())
        term.type("Lost to the damage")
        term.type("\r")
        code = term.process.wait(timeout=WAIT_SECONDS)
        wait_for("the error line", lambda: "no such table: notes" in term.screen_text())
    finally:
        term.close()
    assert code == 1
    text = term.screen_text()
    assert f"Error: {db}: the store is damaged or not a smarketing store (no such table: " \
           "notes)" in " ".join(text.split())
    assert "Traceback" not in text
    assert query(db, "SELECT status FROM meetings") == [("paused",)]


def test_a_store_damaged_under_prep_ends_in_one_line(workspace, terminal_env):
    """Prep ends like the meeting screen when the store fails under it: one line, exit 1, no
    traceback, and no "Prep saved" as if nothing happened."""
    import sqlite3

    db = workspace.db_path
    term = Terminal([sys.executable, "-m", "smarketing_tui", "prep", "--as", "Ola Hansen"],
                    terminal_env, str(workspace.root))
    try:
        wait_for("the prep screen", lambda: "Ola Hansen" in term.screen_text())
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TABLE talking_points")
        conn.commit()
        conn.close()
        term.type("t")
        wait_for("the talking point dialog", lambda: "New talking point" in term.screen_text())
        term.type("Lost to the damage")
        wait_for("the typed text", lambda: "Lost to the damage" in term.screen_text())
        term.type("\x13")  # ctrl+s saves
        code = term.process.wait(timeout=WAIT_SECONDS)
        wait_for("the error line", lambda: "no such table" in term.screen_text())
    finally:
        term.close()
    assert code == 1
    text = " ".join(term.screen_text().split())
    assert f"Error: {db}: the store is damaged or not a smarketing store (no such table: " \
           "talking_points)" in text
    assert "Traceback" not in text and "Prep saved" not in text
