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
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from smarketing_tui import outputs
from smarketing_tui.cli import cli
from smarketing_tui.errors import EnvironmentFailure, UserError
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


def test_a_device_is_not_replaced(workspace, built):
    result = _invoke(workspace, "minutes", "-o", os.devnull)
    assert result.exit_code == 2 and "it is not a regular file" in result.stderr
    assert not Path(os.devnull).is_file()


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
    with pytest.raises(EnvironmentFailure) as caught:
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
    with pytest.raises(EnvironmentFailure, match="the file is read-only"):
        outputs.write_atomically(target, "new\n")
    assert target.read_text(encoding="utf-8") == "kept\n"


def test_resolve_target_without_a_workspace_still_refuses_a_missing_folder(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        outputs.resolve_target(tmp_path / "nope" / "x.md", "x.md", None)
    assert outputs.resolve_target(str(tmp_path) + "/", "x.md", None) == tmp_path / "x.md"


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
