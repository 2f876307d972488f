"""Every file the product writes for a user goes through here.

Three promises, one place to keep them:

- **Outputs never destroy inputs.** :func:`resolve_target` turns ``-o`` into one file and
  refuses the store (and its -wal/-shm/-journal files), the workspace's own files
  (``smarketing.yaml``, the agendas, the ``data/`` folder, the files the store records as
  imported) and the inputs of the command, by path and by inode (so a symlink or a hard link
  to the store is the store). Inside the workspace only the ``minutes/`` folder and file names
  that look like our own exports (:data:`EXPORT_NAME`) are writable, so writing an export twice
  is fine. ``-o DIR/`` (trailing slash) or an existing folder means "this folder, the default
  name"; a folder that does not exist is an error, never a file named after it.
- **Every file is written whole or not at all.** :func:`write_atomically`: a temporary file
  beside the target, flushed and fsynced, then ``os.replace``. A failure removes the
  temporary file and leaves the old file as it was.
- **Hostile text stays text in CSV.** :func:`csv_text` is the one CSV writer: a text cell
  that a spreadsheet would run as a formula gets a leading ``'`` (OWASP's advice), numbers
  stay numbers, and CR/LF/quotes inside a cell are quoted (``\\r\\n`` line ends make the csv
  module quote a lone CR too). Markdown, HTML and JSON keep the text as written.

Bad ``-o`` is a :class:`~smarketing_tui.errors.UserError` (exit 2); a disk or permission
problem is an :class:`~smarketing_tui.errors.BrokenEnvironment` (exit 1). Both one line.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import sqlite3
import stat
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smarketing_tui.errors import BrokenEnvironment, UserError

if TYPE_CHECKING:
    from smarketing_tui.workspace import Workspace

STDOUT = "-"

# Our own export names: minutes (2026-11-23-weekly.md, 2026-11-23-weekly-7.html, the .eml of
# --send --dry-run) and the
# report exports (scorecard-2026-W48.csv, drill-S1-2026-11.md, actions.csv, decisions.json).
EXPORT_NAME = re.compile(
    r"(\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.(md|html|json|ics|eml)"
    r"|(scorecard|metrics|drill|actions|decisions)(-[A-Za-z0-9._-]+)?\.(csv|json|md))")

_STORE_SIDECARS = ("", "-wal", "-shm", "-journal")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?([eE][+-]?\d+)?")


def is_stdout(output: str | os.PathLike | None) -> bool:
    """No ``-o`` or ``-o -``: the output goes to standard output."""
    return output is None or str(output) == STDOUT


def resolve_target(output: str | os.PathLike, default_name: str, workspace: Workspace | None,
                   inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """The file ``-o OUTPUT`` names, checked so that writing it destroys nothing.

    ``OUTPUT`` ending in a slash, or an existing folder, means ``OUTPUT/default_name``.
    ``inputs`` are the files this command reads besides the workspace's (an ``--sla FILE``).
    Raises :class:`UserError` (exit 2) for a missing folder or a protected file.
    """
    text = os.fspath(output)
    if not text:
        raise UserError("-o needs a file or a folder (or '-' for standard output)")
    try:
        return _resolve(Path(text), text.endswith(("/", os.sep)), default_name, workspace,
                        [Path(os.fspath(p)) for p in inputs])
    except OSError as error:  # a name too long, a loop of symlinks, a folder we may not read
        raise UserError(f"cannot write to {text}: {_reason(error)}") from None


def _resolve(path: Path, as_folder: bool, default_name: str, workspace: Workspace | None,
             inputs: list[Path]) -> Path:
    if as_folder:
        if not path.is_dir():
            raise UserError(f"folder {path} does not exist" if not path.exists()
                            else f"{path} is not a folder")
        target = path / default_name
    elif path.is_dir():
        target = path / default_name
    else:
        target = path
        if not target.parent.is_dir():
            raise UserError(f"folder {target.parent} does not exist" if not target.parent.exists()
                            else f"{target.parent} is not a folder")
    _refuse_protected(target, workspace, inputs)
    return target


def write_atomically(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8, line ends untouched) to ``path`` whole or not at all.

    A symlink at ``path`` keeps pointing where it did; the file it points to is replaced.
    Raises :class:`BrokenEnvironment` (exit 1) when the disk or the permissions refuse.
    """
    requested = Path(path)
    real = Path(os.path.realpath(requested))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary = real.with_name(f".{real.name}.{secrets.token_hex(4)}.tmp")
    try:
        mode = _existing_mode(real)
        if mode is not None and not mode & stat.S_IWUSR:
            raise BrokenEnvironment(f"cannot write {requested}: the file is read-only")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temporary, mode)
            os.replace(temporary, real)
        except BaseException:
            _remove(temporary)
            raise
    except OSError as error:
        raise BrokenEnvironment(f"cannot write {requested}: {_reason(error)}") from None
    _sync_folder(real.parent)


def make_folder(folder: str | os.PathLike) -> None:
    """Create an output folder of our own (the workspace's ``minutes/``) when missing."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise BrokenEnvironment(f"cannot create the folder {folder}: {_reason(error)}") from None


def write_output(output: str | os.PathLike, data: str | bytes, default_name: str,
                 workspace: Workspace | None, inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """:func:`resolve_target` then :func:`write_atomically`; returns the file written."""
    target = resolve_target(output, default_name, workspace, inputs)
    write_atomically(target, data)
    return target


def export_name(*parts: str, extension: str) -> str:
    """A report's default file name, e.g. ``scorecard-2026-W48.csv``: the parts joined by
    ``-``, anything but letters, digits, ``.``, ``_`` and ``-`` made a ``-``."""
    stem = "-".join(re.sub(r"[^A-Za-z0-9._-]+", "-", part).strip("-.") for part in parts if part)
    return f"{stem}.{extension}"


def emit(text: str, output: str | os.PathLike | None, default_name: str,
         workspace: Workspace | None, inputs: Iterable[str | os.PathLike] = ()) -> None:
    """A command's output: to standard output as it is, or (``-o``) into the file
    :func:`resolve_target` names, written whole, then ``Wrote FILE`` on standard output."""
    import click

    if is_stdout(output):
        click.echo(text, nl=False)
        return
    target = write_output(output, text, default_name, workspace, inputs)
    click.echo(f"Wrote {target}")


def refuse_table(output: str | os.PathLike | None, fmt: str) -> None:
    """A table is drawn for the terminal; a file gets csv, json or md."""
    if fmt == "table" and not is_stdout(output):
        raise UserError("--output writes a file, not a table: add --format csv or json")


def csv_cell(value: Any) -> Any:
    """One CSV cell made safe for spreadsheets: ``None`` is empty, numbers stay numbers,
    text that would start a formula (``=``, ``+``, ``-``, ``@``, tab, CR) gets a ``'`` first,
    unless it is a plain number such as ``-5``."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """The product's one CSV format: a header, the rows, every cell through :func:`csv_cell`,
    minimal quoting and CRLF line ends (so embedded CR or LF is always quoted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


# -- what may not be written ---------------------------------------------------------------


def _refuse_protected(target: Path, workspace: Workspace | None, inputs: list[Path]) -> None:
    real = Path(os.path.realpath(target))
    try:
        info = os.stat(real)
    except OSError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UserError(f"refusing to write {target}: it is not a regular file; "
                        "-o takes a file, a folder or '-'")
    for what, paths in _protected_files(workspace, inputs):
        for path in paths:
            if _same_file(real, info, path):
                raise UserError(f"refusing to write {target}: it is {what}; "
                                "pick another file, or a folder such as minutes/")
    if info is not None and _is_sqlite(real):
        raise UserError(f"refusing to write {target}: it is an SQLite database (a store?); "
                        "pick another file, or a folder such as minutes/")
    if workspace is None:
        return
    root = _real(workspace.root)
    if not _inside(real, root):
        return
    for folder, what in ((workspace.data_dir, "the store's folder"),
                         (workspace.agendas_dir, "the agendas folder")):
        if _inside(real, _real(folder)):
            raise UserError(f"refusing to write {target}: it is in {what}; "
                            "pick another file, or a folder such as minutes/")
    if _inside(real, _real(workspace.minutes_dir)) or EXPORT_NAME.fullmatch(real.name):
        return
    raise UserError(f"refusing to write {target}: inside the workspace only minutes/ and "
                    "files named like our exports (e.g. 2026-11-23-weekly.md, "
                    "scorecard-2026-W48.csv) are written")


def _protected_files(workspace: Workspace | None,
                     inputs: list[Path]) -> Iterable[tuple[str, Iterable[Path]]]:
    yield "an input of this command", inputs
    if workspace is None:
        return
    store = workspace.db_path
    yield "the store", [store.with_name(store.name + suffix) for suffix in _STORE_SIDECARS]
    yield "the workspace's settings file", [workspace.settings_path]
    yield "a file of the workspace's agendas", _files_under(workspace.agendas_dir)
    yield "a file the store records (an import or an agenda)", _recorded_files(workspace)


def _files_under(folder: Path) -> list[Path]:
    try:
        return [path for path in folder.rglob("*") if path.is_file()]
    except OSError:
        return []


def _recorded_files(workspace: Workspace) -> list[Path]:
    """The imported files, mappings and meeting agendas the store records, as given at the
    time (relative to where the command ran, which we do not know: tried from here and from
    the workspace)."""
    store = workspace.db_path
    if not store.is_file():
        return []
    names: list[str] = []
    try:
        conn = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return []
    try:
        for query in ("SELECT file, mapping FROM imports", "SELECT agenda_path FROM meetings"):
            try:
                names += [name for row in conn.execute(query) for name in row if name]
            except sqlite3.Error:
                continue  # not a store, or one from before the table existed
    finally:
        conn.close()
    files = []
    for name in set(names):
        path = Path(name)
        files += [path] if path.is_absolute() else [path, workspace.root / path]
    return files


def _same_file(real: Path, info: os.stat_result | None, protected: Path) -> bool:
    if _real(protected) == real:
        return True
    if info is None:
        return False
    try:
        other = os.stat(protected)
    except OSError:
        return False
    return (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino)


def _is_sqlite(path: Path) -> bool:
    """Any store, also another workspace's: our exports never start like an SQLite file."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _inside(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or in it, by name or by inode (a case-insensitive disk, a bind
    mount, a second name of the folder)."""
    if path == folder or folder in path.parents:
        return True
    try:
        wanted = os.stat(folder)
    except OSError:
        return False
    for ancestor in (path, *path.parents):
        try:
            found = os.stat(ancestor)
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (wanted.st_dev, wanted.st_ino):
            return True
    return False


# -- small helpers of the atomic write ------------------------------------------------------


def _existing_mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; best effort (some systems cannot open a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _reason(error: OSError) -> str:
    if isinstance(error, IsADirectoryError):
        return "it is a folder"
    if isinstance(error, PermissionError):
        return "permission denied (a read-only folder or file?)"
    return (error.strerror or str(error)).rstrip(".").lower()
