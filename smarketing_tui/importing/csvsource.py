"""Streaming CSV reading for real-world exports.

Finds the encoding (UTF-8 with or without BOM, UTF-16 with BOM as Excel's
"Unicode text", else Windows-1252, else Latin-1) and the delimiter (``,``
``;`` or tab, or an Excel ``sep=`` first line), then yields rows one at a time
with the physical line each row starts on, so quoted newlines and CRLF do not
shift the line numbers in error messages.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from smarketing_tui.errors import InputError

DELIMITERS = (",", ";", "\t")
FIELD_LIMIT = 1024 * 1024
_SCAN_CHUNK = 1 << 20

ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16",
                  "cp1252": "Windows-1252", "latin-1": "Latin-1"}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

csv.field_size_limit(FIELD_LIMIT)


@dataclass
class CsvSource:
    """An open export: its encoding, delimiter and header, ready to stream rows."""

    path: Path
    label: str
    encoding: str
    delimiter: str
    header: list[str]
    header_line: int
    size: int
    _stream: io.TextIOWrapper

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line where the row starts, cells) for each row after the header.

        A blank line is yielded as ``(line, [])`` so callers can stop at it.
        """
        reader = self.reader()
        offset = self.header_line
        previous = 0
        try:
            for row in reader:
                yield previous + 1 + offset, row
                previous = reader.line_num
        except (csv.Error, UnicodeDecodeError) as exc:
            raise self.failure(exc, previous + 1 + offset) from None

    def reader(self):
        """The underlying ``csv.reader``; ``reader.line_num + header_line`` is the line
        where the last row read ends (for loops that cannot afford :meth:`rows`)."""
        return csv.reader(self._stream, delimiter=self.delimiter)

    def failure(self, exc: Exception, line: int) -> InputError:
        """The error to raise when reading fails at ``line``."""
        if isinstance(exc, UnicodeDecodeError):
            return InputError(f"not {ENCODING_NAMES.get(self.encoding, self.encoding)} text "
                              f"(byte {exc.start})", file=self.label)
        return InputError(f"cannot read the CSV here ({exc}); is a quote (\") left open "
                          "above?", file=self.label, line=line)

    def position(self) -> int:
        """Bytes read so far (for progress bars)."""
        try:
            return self._stream.buffer.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        self._stream.close()

    def describe(self) -> str:
        return (f"{ENCODING_NAMES.get(self.encoding, self.encoding)}, "
                f"{DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}-separated")


def detect_encoding(path: Path, label: str) -> str:
    """The encoding to read ``path`` with (see the module docstring)."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if head.startswith(b"PK\x03\x04"):
            raise InputError("this is an Excel workbook (.xlsx), not CSV; in Excel use "
                             "File > Save As > CSV UTF-8", file=label)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError("this is an old Excel workbook (.xls), not CSV; save it as CSV first",
                             file=label)
        handle.seek(0)
        for encoding in ("utf-8", "cp1252"):
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := handle.read(_SCAN_CHUNK):
                    if b"\x00" in chunk:
                        raise InputError("this file holds NUL bytes; it is not a text CSV export",
                                         file=label)
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError:
                handle.seek(0)
    return "latin-1"


def sniff_delimiter(header_text: str) -> str:
    """The delimiter the header line uses most (outside quotes); comma when none."""
    counts = {d: 0 for d in DELIMITERS}
    quoted = False
    for char in header_text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def open_csv(path: Path | str, label: str | None = None) -> CsvSource:
    """Open an export for streaming; its header is read and checked."""
    path = Path(path)
    label = label or str(path)
    if not path.is_file():
        raise InputError("file not found" if not path.exists() else "not a file", file=label)
    encoding = detect_encoding(path, label)
    stream = open(path, "r", encoding=encoding, newline="")
    try:
        first = stream.readline()
        header_line = 1
        delimiter = None
        if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
            delimiter = first.strip()[4]  # Excel's "sep=;" hint line
            first = stream.readline()
            header_line = 2
        if not first.strip():
            raise InputError("the file is empty; expected a header row with the column names",
                             file=label)
        header_text = first
        while header_text.count('"') % 2:  # a header cell with a quoted newline
            more = stream.readline()
            if not more:
                raise InputError("the header row never ends (a quote left open?)",
                                 file=label, line=header_line)
            header_text += more
        delimiter = delimiter or sniff_delimiter(header_text)
        header = next(csv.reader(io.StringIO(header_text), delimiter=delimiter))
        header = [cell.strip() for cell in header]
        rows_start = (header_line + header_text.count("\n")
                      - (1 if header_text.endswith("\n") else 0))
    except UnicodeDecodeError as exc:
        stream.close()
        raise InputError(f"not {ENCODING_NAMES.get(encoding, encoding)} text (byte {exc.start})",
                         file=label) from None
    except BaseException:
        stream.close()
        raise
    return CsvSource(path=path, label=label, encoding=encoding, delimiter=delimiter,
                     header=header, header_line=rows_start, size=path.stat().st_size,
                     _stream=stream)
