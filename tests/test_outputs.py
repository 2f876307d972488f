"""Outputs never destroy inputs; every file is written whole; CSV cells stay text.

The CLI tests run ``smarketing minutes`` (and the report commands) the way a user would, on a
workspace with one finished meeting, and check the files afterwards byte for byte.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from smarketing_tui import outputs
from smarketing_tui.cli import cli
from smarketing_tui.errors import BrokenEnvironment, UserError
from test_minutes_support import build_meetings

MINUTES_NAME = "2026-11-23-weekly.md"  # the last meeting of build_meetings, its agenda weekly


@pytest.fixture
def built(workspace, db, monkeypatch):
    ids = build_meetings(db.conn, monkeypatch)
    db.close()  # the WAL is checkpointed: the store file alone holds the data now
    return ids


def _invoke(workspace, *args, cwd: Path | None = None):
    if cwd is None:
        return CliRunner().invoke(cli, ["--workspace", str(workspace.root), *args])
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, ["--workspace", str(workspace.root), *args])
    finally:
        os.chdir(old)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _meetings_in(store: Path) -> int:
    conn = sqlite3.connect(store)
    try:
        return conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
    finally:
        conn.close()


# -- refused targets ------------------------------------------------------------------------


def test_minutes_onto_the_store_is_refused_and_the_store_is_untouched(workspace, built):
    before = _digest(workspace.db_path)
    result = _invoke(workspace, "minutes", "last", "-o", str(workspace.db_path))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: refusing to write {workspace.db_path}: it is the store; "
                             "pick another file, or a folder such as minutes/\n")
    assert result.stdout == ""
    assert _digest(workspace.db_path) == before
    assert _meetings_in(workspace.db_path) == 2  # build_meetings writes two meetings
    assert not [p for p in workspace.data_dir.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
def test_the_store_sidecar_files_are_refused_even_when_absent(workspace, built, suffix):
    target = workspace.db_path.with_name(workspace.db_path.name + suffix)
    result = _invoke(workspace, "minutes", "-o", str(target))
    assert result.exit_code == 2 and "it is the store" in result.stderr
    assert not target.exists()  # the checkpointed store left none behind


@pytest.mark.parametrize("relative, what", [
    ("smarketing.yaml", "it is the workspace's settings file"),
    ("agendas/weekly.yaml", "it is a file of the workspace's agendas"),
    ("agendas/sla.yaml", "it is a file of the workspace's agendas"),
])
def test_workspace_files_are_refused(workspace, built, relative, what):
    target = workspace.root / relative
    before = target.read_bytes()
    result = _invoke(workspace, "minutes", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: refusing to write {target}: {what};")
    assert target.read_bytes() == before


def test_a_symlink_to_the_store_is_refused(workspace, built, tmp_path):
    link = tmp_path / "innocent.md"
    link.symlink_to(workspace.db_path)
    before = _digest(workspace.db_path)
    result = _invoke(workspace, "minutes", "-o", str(link))
    assert result.exit_code == 2 and "it is the store" in result.stderr
    assert link.is_symlink() and _digest(workspace.db_path) == before


def test_a_hard_link_of_the_store_is_refused(workspace, built, tmp_path):
    link = tmp_path / "also-the-store.md"
    os.link(workspace.db_path, link)
    before = _digest(workspace.db_path)
    result = _invoke(workspace, "minutes", "-o", str(link))
    assert result.exit_code == 2 and "it is the store" in result.stderr
    assert _digest(workspace.db_path) == before
    assert os.stat(link).st_ino == os.stat(workspace.db_path).st_ino  # not replaced


def test_another_workspace_store_is_refused(workspace, built, tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    before = _digest(other)
    result = _invoke(workspace, "minutes", "-o", str(other))
    assert result.exit_code == 2 and "it is an SQLite database (a store?)" in result.stderr
    assert _digest(other) == before


def test_a_hard_link_of_the_settings_outside_the_workspace_is_refused(workspace, built, tmp_path):
    link = tmp_path / "settings-copy.yaml"
    os.link(workspace.settings_path, link)
    result = _invoke(workspace, "minutes", "-o", str(link))
    assert result.exit_code == 2 and "it is the workspace's settings file" in result.stderr


def test_an_imported_source_file_is_refused(workspace, built, tmp_path):
    source = tmp_path / "hubspot.csv"
    source.write_text("email\nx@example.no\n", encoding="utf-8")
    conn = sqlite3.connect(workspace.db_path)
    with conn:
        conn.execute("INSERT INTO imports (kind, file, source_label, started_at) "
                     "VALUES ('leads', ?, 'HubSpot export', '2026-11-20T08:00:00Z')",
                     (str(source),))
    conn.close()
    result = _invoke(workspace, "minutes", "-o", str(source))
    assert result.exit_code == 2
    assert "it is a file the store records (an import or an agenda)" in result.stderr
    assert source.read_text(encoding="utf-8") == "email\nx@example.no\n"


def test_other_files_inside_the_workspace_are_refused(workspace, built):
    notes = workspace.root / "notes.md"
    notes.write_text("my notes\n", encoding="utf-8")
    result = _invoke(workspace, "minutes", "-o", str(notes))
    assert result.exit_code == 2 and "inside the workspace only minutes/" in result.stderr
    assert notes.read_text(encoding="utf-8") == "my notes\n"
    result = _invoke(workspace, "minutes", "-o", str(workspace.data_dir) + "/")
    assert result.exit_code == 2 and "it is in the store's folder" in result.stderr
    assert not [p.name for p in workspace.data_dir.iterdir()
                if p.name == MINUTES_NAME or p.name.endswith(".tmp")]


def test_a_fifo_or_device_is_not_replaced(workspace, built, tmp_path):
    """A FIFO stands in for a device: on main, `-o /dev/null` run as root replaced /dev/null
    with a regular file, so this test never points at a real device."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = _invoke(workspace, "minutes", "-o", str(fifo))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: refusing to write {fifo}: it is not a regular file; "
                             "-o takes a file, a folder or '-'\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_the_input_of_the_command_is_refused(workspace, built, tmp_path):
    sla = tmp_path / "my-sla.yaml"
    sla.write_bytes(workspace.sla_path.read_bytes())
    result = _invoke(workspace, "scorecard", "--sla", str(sla), "-f", "csv", "-o", str(sla))
    assert result.exit_code == 2 and "it is an input of this command" in result.stderr
    assert sla.read_bytes() == workspace.sla_path.read_bytes()


# -- folders --------------------------------------------------------------------------------


def test_a_missing_folder_is_an_error_and_nothing_is_created(workspace, built, tmp_path):
    result = _invoke(workspace, "minutes", "-o", "gone/", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (2, "Error: folder gone does not exist\n")
    assert not (tmp_path / "gone").exists()
    assert list(tmp_path.iterdir()) == [workspace.root]


def test_a_folder_with_a_slash_or_an_existing_folder_gets_the_default_name(workspace, built,
                                                                           tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for given in (f"{out}/", str(out)):
        result = _invoke(workspace, "minutes", "-o", given)
        assert result.exit_code == 0, result.output
        assert result.stdout == f"Wrote {out / MINUTES_NAME}\n"
    assert [p.name for p in out.iterdir()] == [MINUTES_NAME]
    assert (out / MINUTES_NAME).read_text(encoding="utf-8").startswith("# ")


def test_a_file_path_whose_parent_is_a_file_is_refused(workspace, built, tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    result = _invoke(workspace, "minutes", "-o", f"{plain}/")
    assert (result.exit_code, result.stderr) == (2, f"Error: {plain} is not a folder\n")
    assert plain.read_text(encoding="utf-8") == "x"


def test_writing_an_export_twice_is_allowed(workspace, built):
    first = _invoke(workspace, "minutes", "--save")
    again = _invoke(workspace, "minutes", "-o", str(workspace.minutes_dir / MINUTES_NAME))
    beside = _invoke(workspace, "minutes", "-o", str(workspace.root / MINUTES_NAME))
    beside_again = _invoke(workspace, "minutes", "-o", str(workspace.root) + "/")
    assert [r.exit_code for r in (first, again, beside, beside_again)] == [0, 0, 0, 0]
    assert (workspace.minutes_dir / MINUTES_NAME).read_bytes() == \
        (workspace.root / MINUTES_NAME).read_bytes()


def test_a_symlinked_export_keeps_its_link(workspace, built, tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    result = _invoke(workspace, "minutes", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("# ")


# -- the atomic write -----------------------------------------------------------------------


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.csv"
    target.write_text("old contents\n", encoding="utf-8")

    def broken_replace(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(BrokenEnvironment) as caught:
        outputs.write_atomically(target, "new contents\n")
    assert str(caught.value) == f"cannot write {target}: no space left on device"
    assert caught.value.exit_code == 1
    assert target.read_text(encoding="utf-8") == "old contents\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_a_crash_during_the_write_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.csv"

    def interrupted(descriptor):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_atomically(target, "new contents\n")
    assert list(tmp_path.iterdir()) == []


def test_the_write_keeps_line_ends_and_the_old_mode(tmp_path):
    target = tmp_path / "cal.ics"
    target.write_text("", encoding="utf-8")
    os.chmod(target, 0o640)
    outputs.write_atomically(target, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_read_only_file_is_not_replaced(tmp_path):
    target = tmp_path / "kept.md"
    target.write_text("kept\n", encoding="utf-8")
    os.chmod(target, 0o444)
    with pytest.raises(BrokenEnvironment, match="the file is read-only"):
        outputs.write_atomically(target, "new\n")
    assert target.read_text(encoding="utf-8") == "kept\n"


def test_resolve_target_without_a_workspace_still_refuses_a_missing_folder(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        outputs.resolve_target(tmp_path / "nope" / "x.md", "x.md", None)
    assert outputs.resolve_target(str(tmp_path) + "/", "x.md", None) == tmp_path / "x.md"


_WRITE_BIG = """
import sys
from smarketing_tui import outputs
from smarketing_tui.errors import BrokenEnvironment
try:
    outputs.write_atomically(sys.argv[1], "x" * 5000)
except BrokenEnvironment as error:
    print(error)
    sys.exit(error.exit_code)
"""


def test_a_full_disk_keeps_the_old_file(tmp_path):
    """A real failing write: the child may write files of at most 1000 bytes (RLIMIT_FSIZE,
    with SIGXFSZ ignored, so the kernel answers EFBIG the way a full disk answers ENOSPC)."""
    import resource
    import signal

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    target = tmp_path / "minutes.md"
    target.write_text("the old minutes\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", _WRITE_BIG, str(target)], capture_output=True,
                            text=True, preexec_fn=small_files, timeout=120)
    assert (result.returncode, result.stdout) == (1, f"cannot write {target}: file too large\n")
    assert target.read_text(encoding="utf-8") == "the old minutes\n"
    assert [p.name for p in tmp_path.iterdir()] == ["minutes.md"]


def test_a_name_too_long_is_one_line(workspace, built, tmp_path):
    name = "x" * 300 + ".md"
    result = _invoke(workspace, "minutes", "-o", name, cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (
        2, f"Error: cannot write to {name}: file name too long\n")


NOBODY = 65534


def _as_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def test_a_read_only_folder_is_one_line_with_exit_1(workspace, built):
    """Run as a user the permission bits bind: root ignores them, so as root the child drops
    to 'nobody' in a folder it can read (pytest's own temporary folder is root's alone); as
    anyone else the bits bind already."""
    base = Path(tempfile.mkdtemp(prefix="smarketing-readonly-"))
    try:
        root = base / "ws"
        shutil.copytree(workspace.root, root)
        folder = base / "locked"
        folder.mkdir()
        preexec = None
        if os.geteuid() == 0:
            preexec = _as_nobody
            for path in [base, *base.rglob("*")]:
                os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
            os.chown(folder, 0, 0)  # the locked folder is not nobody's
        os.chmod(base, 0o755)
        os.chmod(folder, 0o555)
        env = {**os.environ, "HOME": str(base), "SMARKETING_CACHE_DIR": str(base / "cache")}
        result = subprocess.run(
            [sys.executable, "-m", "smarketing_tui", "--workspace", str(root), "minutes",
             "-o", f"{folder}/"], capture_output=True, text=True, env=env, cwd=base,
            preexec_fn=preexec, timeout=120)
        assert (result.returncode, result.stdout) == (1, ""), result.stderr
        assert result.stderr == (f"Error: cannot write {folder / MINUTES_NAME}: permission "
                                 "denied (a read-only folder or file?)\n")
        assert list(folder.iterdir()) == []
    finally:
        shutil.rmtree(base)


# -- CSV: hostile text stays text ----------------------------------------------------------

NOW = "2026-11-18T11:00:00Z"  # Wed 18 Nov 2026; W46 (9-15 Nov) is judged and past
HYPERLINK = '=HYPERLINK("http://e.vil","x")'
DDE = "=cmd|' /C calc'!A0"


def _run(ws, *args):
    return CliRunner().invoke(cli, ["-w", str(ws.root), *args], env={"SMARKETING_NOW": NOW})


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def hostile(workspace):
    """Three W46 MQLs of Ola, none contacted, with names and sources a spreadsheet would run."""
    from scorecard_data import lead

    from smarketing_tui.store import open_store

    db = open_store(workspace.db_path, workspace.settings())
    lead(db.conn, "F1", name=HYPERLINK, mql_at="2026-11-09T09:00:00Z", owner="Ola Hansen",
         source=DDE)
    lead(db.conn, "F2", name="@SUM(A1)", mql_at="2026-11-10T09:00:00Z", owner="Ola Hansen",
         source="-2+3")
    lead(db.conn, "F3", name="+47 22 33 44 55", mql_at="2026-11-10T10:00:00Z",
         owner="Ola Hansen", source="web")
    db.close()
    return workspace


def test_metrics_by_source_csv_neutralises_formulas(hostile, tmp_path):
    result = _run(hostile, "metrics", "mqls", "--by", "source", "-p", "2026-W46", "-f", "csv",
                  "-o", f"{tmp_path}/")
    assert result.exit_code == 0, result.output
    written = tmp_path / "metrics-2026-W46.csv"
    assert result.stdout == f"Wrote {written}\n"
    raw = written.read_bytes()
    assert raw.count(b"\r\n") == 5 and raw.count(b"\n") == 5  # header, total, 3 sources
    rows = _csv_rows(raw.decode("utf-8"))
    # 3 MQLs in W46, one per source; groups sorted as the metric sorts them.
    assert [row[3:5] for row in rows[1:]] == [["(total)", "3"], ["'-2+3", "1"],
                                              ["'" + DDE, "1"], ["web", "1"]]


def test_drill_csv_neutralises_formulas_and_keeps_numbers(hostile):
    result = _run(hostile, "drill", "speed_to_lead", "-p", "2026-W46", "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = _csv_rows(result.stdout_bytes.decode("utf-8"))
    assert rows[0][:4] == ["lead", "name", "owner", "source"]
    assert [row[:4] for row in rows[1:]] == [
        ["F1", "'" + HYPERLINK, "Ola Hansen", "'" + DDE],
        ["F2", "'@SUM(A1)", "Ola Hansen", "'-2+3"],
        ["F3", "'+47 22 33 44 55", "Ola Hansen", "web"]]
    # F1: MQL Mon 9 Nov 10:00 Oslo, 24 business hours (08-16) -> deadline Thu 12 Nov 10:00;
    # late until Wed 18 Nov 12:00: Thu 6 + Fri 8 + Mon 8 + Tue 8 + Wed 4 = 34 h, a number.
    assert rows[1][rows[0].index("hours_late")] == "34.0"
    # The shipped SLA's exclude rules are in force, so the last column says why a lead
    # was left out; none of these was.
    assert rows[0][-1] == "excluded" and [row[-1] for row in rows[1:]] == ["", "", ""]


def test_markdown_keeps_what_the_user_wrote(hostile):
    result = _run(hostile, "drill", "speed_to_lead", "-p", "2026-W46", "-f", "md")
    assert result.exit_code == 0, result.output
    assert "@SUM(A1)" in result.stdout and "'@SUM" not in result.stdout


def test_actions_csv_quotes_a_carriage_return_and_neutralises_formulas(workspace, db, tmp_path):
    from smarketing_tui import records

    records.add_action_item(db.conn, "Call Ola\rthen Kari", owner="Ola Hansen", due=None)
    records.add_action_item(db.conn, "=1+1", owner=None, due=None)
    records.add_action_item(db.conn, "-Follow up", owner=None, due=None)
    result = _run(workspace, "actions", "--format", "csv", "-o", str(tmp_path / "actions.csv"))
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "actions.csv").read_bytes()
    assert b'"Call Ola\rthen Kari"' in raw
    rows = _csv_rows(raw.decode("utf-8"))
    assert len(rows) == 4  # the header and three items: the CR did not start a row
    assert [row[1] for row in rows[1:]] == ["Call Ola\rthen Kari", "'=1+1", "'-Follow up"]


def test_decisions_csv_uses_the_same_writer(workspace, db, monkeypatch):
    ids = build_meetings(db.conn, monkeypatch, decision_text="+SUM(1)\nsecond line")
    assert ids
    result = _run(workspace, "decisions", "--format", "csv")
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes.decode("utf-8")
    texts = [row[5] for row in _csv_rows(raw)[1:]]
    assert "'+SUM(1)\nsecond line" in texts
    assert '"\'+SUM(1)\nsecond line"' in raw


@pytest.mark.parametrize("value, cell", [
    (-5, -5), (-2.5, -2.5), (0, 0), (None, ""), ("-5", "-5"), ("+3,5", "+3,5"),
    ("-5+1", "'-5+1"), ("=A1", "'=A1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), ("a=b", "a=b"), ("", "")])
def test_csv_cell(value, cell):
    assert outputs.csv_cell(value) == cell


def test_a_table_cannot_be_written_to_a_file(workspace, db, tmp_path):
    result = _run(workspace, "actions", "-o", str(tmp_path / "actions.csv"))
    assert (result.exit_code, result.stderr) == (
        2, "Error: --output writes a file, not a table: add --format csv or json\n")
    assert list(tmp_path.iterdir()) == [workspace.root]


def test_report_exports_get_their_default_names(hostile, tmp_path):
    expected = {("scorecard", "-p", "2026-11", "-f", "json"): "scorecard-2026-11.json",
                ("drill", "speed_to_lead", "-f", "md"): "drill-speed_to_lead-2026-W46.md",
                ("decisions", "-f", "md"): "decisions.md",
                ("actions", "-f", "json"): "actions.json"}
    for args, name in expected.items():
        result = _run(hostile, *args, "-o", f"{tmp_path}/")
        assert (result.exit_code, result.stdout) == (0, f"Wrote {tmp_path / name}\n"), args
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*expected.values(), "ws"])
