"""Every command, run as a user runs it, against every kind of broken workspace.

Each command (enumerated from the click group, so a new command is covered or this test
fails until it gets an argument list) runs in a subprocess with a minimal valid argument
list against a workspace whose store is missing, random bytes, half a real store,
read-only (the file; its folder), a folder, from a newer version, missing a table, or
whose folders cannot be read. What must hold: the exit code is the one that fits (1 for a
broken environment, 2 for bad input, 0 where the command does not need what is broken),
a failure is exactly one line on stderr naming the problem, never a traceback, and the
store is byte for byte what it was.

Permission bits do not bind root, and CI runs as root: there the subprocess drops to the
unprivileged user 65534 ("nobody"), and the workspace is handed to that user first, as a
user's own workspace is theirs.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest

from smarketing_tui.cli import cli
from smarketing_tui.store import SCHEMA_VERSION

NOBODY = 65534
AS_ROOT = os.geteuid() == 0
WAIT_SECONDS = 120  # an upper bound for a loaded machine; nothing is timed

# A minimal valid argument list for every command (and every subcommand of a group), with
# what it needs: "store" reads the workspace's store, "writes" writes to it, "screen" opens a
# screen (so needs a terminal, which these subprocesses lack), "new" builds a new workspace
# elsewhere and never opens this one's store, "refused" is turned down for a bad option.
COMMANDS: dict[str, tuple[list[str], str]] = {
    "actions": (["actions"], "store"),
    "actions list": (["actions", "list"], "store"),
    "actions done": (["actions", "done", "1"], "writes"),
    "actions drop": (["actions", "drop", "1"], "writes"),
    "actions edit": (["actions", "edit", "1", "--text", "Call them back"], "writes"),
    "actions delete": (["actions", "delete", "1"], "writes"),
    "backup": (["backup"], "store"),
    "check": (["check"], "store"),
    "check --store": (["check", "--store"], "store"),
    "decisions": (["decisions"], "store"),
    "decisions edit": (["decisions", "edit", "1", "--text", "Keep the SLA"], "writes"),
    "decisions delete": (["decisions", "delete", "1"], "writes"),
    "decisions restore": (["decisions", "restore", "1"], "store"),  # not deleted: reads only
    "demo": (["demo", "{base}/new-demo", "--no-open"], "new"),
    "drill": (["drill", "mql_volume"], "store"),
    "forget": (["forget", "F1", "--yes"], "writes"),
    "import": (["import", "leads", "{base}/leads.csv"], "writes"),
    "init": (["init", "{base}/new-init"], "new"),
    "metrics": (["metrics"], "store"),
    "minutes": (["minutes"], "store"),
    "follow": (["follow"], "screen"),
    "prep": (["prep", "--as", "Ola Sales"], "screen"),
    "run": (["run"], "screen"),
    "scorecard": (["scorecard"], "store"),
    "seating": (["seating", "--history"], "store"),
    # A server runs until stopped: here it is refused a short token, after the workspace.
    "serve": (["serve", "--port", "0", "--token", "short"], "refused"),
}

LEADS_CSV = "external_id,created_at,email\nL1,2026-11-02T09:00:00Z,a@example.no\n"


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    """Every command path of the CLI, subcommands of groups included."""
    ctx = click.Context(group)
    paths = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = f"{prefix}{name}"
        paths.append(path)
        if isinstance(command, click.Group):
            paths += command_paths(command, f"{path} ")
    return paths


def test_every_command_has_an_argument_list_here():
    listed = {name.removesuffix(" --store") for name in COMMANDS}
    assert set(command_paths(cli)) == listed


# -- the workspaces ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_workspace(tmp_path_factory) -> Path:
    """A workspace with a meeting (a decision, action item #1) and a lead (F1, for forget)
    in its store."""
    from smarketing_tui.agenda import load_agenda
    from smarketing_tui.meeting import MeetingSession
    from smarketing_tui.workspace import init_workspace

    root = tmp_path_factory.mktemp("good") / "ws"
    workspace = init_workspace(root)
    session = MeetingSession.start(workspace, load_agenda(workspace.agenda_path(),
                                                          workspace.settings()))
    session.record_decision("Keep the SLA as it is")
    session.add_action_item("Call the webinar leads", "Ola Sales", None)  # action item #1
    session.leave()
    session.close()
    _sql(workspace.db_path, "INSERT INTO leads (external_id, name) VALUES ('F1', 'Forget Me')")
    assert not Path(f"{workspace.db_path}-wal").exists()  # the store is one self-contained file
    return root


def _sql(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(statement)
    finally:
        conn.close()


def _break(kind: str, root: Path) -> list[tuple[Path, int]]:
    """Break the workspace at ``root``; returns the chmods to apply once it is the user's."""
    store = root / "data" / "smarketing.db"
    data = store.read_bytes()
    if kind == "missing":
        store.unlink()
    elif kind == "corrupt":
        store.write_bytes(random.Random(13).randbytes(len(data)))
    elif kind == "truncated":
        store.write_bytes(data[:len(data) // 2])
    elif kind == "folder":
        store.unlink()
        store.mkdir()
    elif kind == "future":
        _sql(store, "PRAGMA user_version = 99")
    elif kind == "missing-table":
        _sql(store, "PRAGMA foreign_keys = OFF; DROP TABLE notes")
    elif kind == "read-only-file":
        return [(store, 0o444)]
    elif kind == "read-only-folder":
        return [(store.parent, 0o555)]
    elif kind == "data-folder-locked":
        return [(store.parent, 0o000)]
    elif kind == "agendas-folder-locked":
        return [(root / "agendas", 0o000)]
    elif kind == "workspace-folder-locked":
        return [(root, 0o000)]
    else:
        raise AssertionError(kind)
    return []


KINDS = ["missing", "corrupt", "truncated", "read-only-file", "read-only-folder", "folder",
         "future", "missing-table", "data-folder-locked", "agendas-folder-locked",
         "workspace-folder-locked"]


def _snapshot(path: Path):
    if path.is_dir():
        return ("folder", sorted(os.listdir(path)))
    return path.read_bytes() if path.exists() else None


def _user_folder(prefix: str) -> Path:
    """A new folder the commands' user owns, where that user can reach it (pytest's own
    folders are root's alone, and pytest resets their permissions)."""
    import tempfile

    base = Path(os.path.realpath(tempfile.mkdtemp(prefix=f"smarketing-{prefix}-")))
    os.chmod(base, 0o755)
    return base


@pytest.fixture(params=KINDS)
def broken(request, good_workspace):
    """(kind, base folder, workspace root, the store's bytes before) for one kind of damage."""
    kind = request.param
    base = _user_folder(f"broken-{kind}")
    root = base / "ws"
    shutil.copytree(good_workspace, root)
    chmods = _break(kind, root)
    for name in ("home", "cache", "tmp"):
        (base / name).mkdir()
    (base / "leads.csv").write_text(LEADS_CSV, encoding="utf-8")
    if AS_ROOT:  # the workspace belongs to the user who runs the commands, as it would
        for folder, _dirs, files in os.walk(base):
            os.chown(folder, NOBODY, NOBODY)
            for name in files:
                os.chown(os.path.join(folder, name), NOBODY, NOBODY)
    store = root / "data" / "smarketing.db"
    for path, mode in chmods:
        os.chmod(path, mode)
    before = _snapshot(store)
    yield kind, base, root, before
    for path, _mode in chmods:
        os.chmod(path, 0o755)
    shutil.rmtree(base)


def _drop_privileges() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def run_command(args: list[str], base: Path, root: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("SMARKETING_") and key not in ("HOME", "TMPDIR")}
    env.update(SMARKETING_WORKSPACE=str(root), HOME=str(base / "home"),
               SMARKETING_CACHE_DIR=str(base / "cache"), TMPDIR=str(base / "tmp"),
               COLUMNS="100")
    return subprocess.run([sys.executable, "-m", "smarketing_tui", *args], cwd=base, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=WAIT_SECONDS, preexec_fn=_drop_privileges if AS_ROOT else None)


# What each kind of damage must say, for a command that needs the store.
SAYS = {
    "missing": "no store at {store} (moved or deleted?)",
    "corrupt": "{store} is not a SQLite database",
    "truncated": "{store} is truncated",
    "folder": "{store} is a folder, not a store",
    "future": "{store} was written by a newer smarketing-tui (schema version 99",
    "missing-table": f"{{store}} lacks 1 table a schema-{SCHEMA_VERSION} store has (notes)",
    "data-folder-locked": "cannot read the store {store} (permission denied)",
    "read-only-file": "{store}: the store is read-only",
    "read-only-folder": "{store}: the store is read-only",
    "agendas-folder-locked": "{root}/agendas",  # the folder, or a file in it
    "workspace-folder-locked": "{root}/smarketing.yaml: permission denied",
}
NO_TERMINAL = "needs a terminal"
FOUND_IN_THE_HEADER = {"missing", "corrupt", "truncated", "folder", "future",
                       "data-folder-locked", "workspace-folder-locked"}


def expected(kind: str, command: str, needs: str) -> tuple[int, str]:
    """(exit code, a part of the one error line; '' for success)."""
    store_problem = SAYS[kind]
    if needs == "new":
        return 0, ""  # a new workspace elsewhere: this one's store is never opened
    if kind in FOUND_IN_THE_HEADER:  # (or the workspace cannot even be looked into)
        return 1, store_problem  # found before anything else, screens included
    if needs == "refused":
        return 2, "--token: expected at least 12 characters"
    if needs == "screen":
        if kind == "agendas-folder-locked" and command == "run":
            return 1, store_problem + "/weekly.yaml: cannot read it (permission denied)"
        return 2, NO_TERMINAL
    if kind == "missing-table":
        # A backup copies what there is: the copy is what a repair starts from.
        return (0, "") if command == "backup" else (1, store_problem)
    if kind == "read-only-file":
        return (1, store_problem) if needs == "writes" else (0, "")
    if kind == "read-only-folder":
        # SQLite cannot make the WAL's shared-memory file beside the store: nothing opens.
        return 1, store_problem
    if kind == "agendas-folder-locked":
        if command in ("scorecard", "metrics", "drill"):  # they read agendas/sla.yaml
            return 1, store_problem + "/sla.yaml: permission denied"
        if command in ("check", "check --store"):  # it lists the folder
            return 1, store_problem + ": permission denied"
        return 0, ""
    raise AssertionError((kind, command))


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_broken_workspace_fails_in_one_line(broken, command):
    kind, base, root, before = broken
    args, needs = COMMANDS[command]
    args = [arg.format(base=base) for arg in args]
    store = root / "data" / "smarketing.db"
    code, says = expected(kind, command, needs)

    result = run_command(args, base, root)

    assert "Traceback" not in result.stderr + result.stdout
    outcome = (result.returncode, result.stderr if result.returncode else "")
    if code == 0:
        assert outcome == (0, ""), result.stderr
    else:
        lines = result.stderr.splitlines()
        assert (result.returncode, len(lines)) == (code, 1), result.stderr
        assert lines[0].startswith("Error: ")
        assert says.format(store=store, root=root) in lines[0]
    if code or needs != "writes":
        assert _snapshot(store) == before  # the store is byte for byte as it was


# -- out-of-range input -------------------------------------------------------------------------

PERIOD_COMMANDS = ["scorecard", "metrics", "drill mql_volume"]


@pytest.fixture(scope="module")
def plain_run(good_workspace, tmp_path_factory):
    base = tmp_path_factory.mktemp("plain")
    root = base / "ws"
    shutil.copytree(good_workspace, root)
    for name in ("home", "cache", "tmp"):
        (base / name).mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        env = {key: value for key, value in os.environ.items() if not key.startswith("SMARKETING_")}
        env.update(SMARKETING_WORKSPACE=str(root), SMARKETING_CACHE_DIR=str(base / "cache"))
        return subprocess.run([sys.executable, "-m", "smarketing_tui", *args], env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=WAIT_SECONDS)
    return run


@pytest.mark.parametrize("command", PERIOD_COMMANDS)
@pytest.mark.parametrize("option, value, says", [
    ("--period", "9999-W52", "period '9999-W52': year 9999 is out of range; expected a year "
                             "from 1900 to 2999"),
    ("--period", "0001-W01", "period '0001-W01': year 1 is out of range"),
    ("--period", "9999-12", "period '9999-12': year 9999 is out of range"),
    ("--period", "2026-11-01..9999-12-31", "year 9999 is out of range"),
    ("--as-of", "9999-12-31", "moment '9999-12-31': year 9999 is out of range"),
    ("--as-of", "0001-01-01T00:00", "moment '0001-01-01T00:00': year 1 is out of range"),
])
def test_a_date_beyond_the_calendar_is_one_line(plain_run, command, option, value, says):
    result = plain_run(*command.split(), option, value)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: ") and says in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")


# (the arguments before the id, the parameter named, the command's path for its help)
ID_COMMANDS = [(["actions", "done"], "'ID'", "actions done"),
               (["actions", "drop"], "'ID'", "actions drop"),
               (["actions", "delete"], "'ID'", "actions delete"),
               (["decisions", "delete"], "'ID'", "decisions delete"),
               (["run", "--resume"], "'--resume'", "run")]


@pytest.mark.parametrize("command, name, path", ID_COMMANDS, ids=[c[2] for c in ID_COMMANDS])
@pytest.mark.parametrize("value", [str(10**20), "-1", "0"])
def test_an_id_out_of_range_is_one_line(plain_run, command, name, path, value):
    result = plain_run(*command, value)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: Invalid value for {name}: {value} is not an id; ids are whole numbers from 1 to "
        f"9223372036854775807 (see 'smarketing {path} -h')\n")


def test_a_meeting_id_out_of_range_is_one_line(plain_run):
    result = plain_run("minutes", str(10**20))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"Error: MEETING {10**20} is not a meeting id; ids are whole "
                             "numbers from 1 to 9223372036854775807\n")
    result = plain_run("minutes", "-1")  # read as an option, as any command does
    assert (result.returncode, result.stderr) == (
        2, "Error: No such option '-1'. (see 'smarketing minutes -h')\n")


# -- a bug ------------------------------------------------------------------------------------

# `check` with its validator replaced by one that fails as a bug would.
BUGGY_CHECK = (
    "import sys\n"
    "import smarketing_tui.validation as validation\n"
    "def broken(workspace):\n"
    "    raise ValueError('boom in the validator')\n"
    "validation.check_workspace = broken\n"
    "from smarketing_tui.cli import main\n"
    "main(['check'])\n")


def _buggy_check(good_workspace, tmp_path, **extra_env) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARKETING_")}
    env.update(SMARKETING_WORKSPACE=str(good_workspace), TMPDIR=str(tmp_path), **extra_env)
    return subprocess.run([sys.executable, "-c", BUGGY_CHECK], env=env, capture_output=True,
                          text=True, timeout=WAIT_SECONDS, stdin=subprocess.DEVNULL)


def test_a_bug_is_one_line_naming_its_report(good_workspace, tmp_path):
    result = _buggy_check(good_workspace, tmp_path)
    assert result.returncode == 1
    (report,) = tmp_path.glob("smarketing-crash-*.txt")
    assert result.stderr == (
        "Error: unexpected ValueError: boom in the validator (a bug in smarketing-tui); the full "
        f"report is in {report}; run again with SMARKETING_DEBUG=1 to see the traceback\n")
    text = report.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "ValueError: boom in the validator" in text and "def broken" not in result.stderr


def test_smarketing_debug_shows_the_traceback(good_workspace, tmp_path):
    result = _buggy_check(good_workspace, tmp_path, SMARKETING_DEBUG="1")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().endswith("ValueError: boom in the validator")


# -- usage errors ------------------------------------------------------------------------------


def test_a_usage_error_is_one_line_naming_the_help(plain_run):
    result = plain_run("nosuch")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "Error: No such command 'nosuch'. (see 'smarketing -h')\n"
    result = plain_run("scorecard", "--format", "pdf")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("Error: Invalid value for '--format' / '-f': 'pdf' is not one of "
                             "'table', 'json', 'csv', 'md'. (see 'smarketing scorecard -h')\n")


def test_the_bare_command_still_shows_its_help(plain_run):
    result = plain_run()
    assert result.returncode == 2  # as click: a command is missing
    assert result.stderr.startswith("Usage: smarketing [OPTIONS] COMMAND [ARGS]...\n")
    assert "  backup " in result.stderr
    assert plain_run("--help").returncode == 0
