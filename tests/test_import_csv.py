"""Reading real-world CSV: encodings, delimiters, line endings, quoted newlines."""

from __future__ import annotations

import codecs

import pytest

from smarketing_tui.errors import InputError
from smarketing_tui.importing.csvsource import open_csv

TEXT = "id;navn;by\r\n1;Åse Ødegård;Tromsø\r\n2;Bjørn Lærum;Ålesund\r\n"
ROWS = [(2, ["1", "Åse Ødegård", "Tromsø"]), (3, ["2", "Bjørn Lærum", "Ålesund"])]


def read(path):
    source = open_csv(path)
    try:
        return source.encoding, source.delimiter, source.header, list(source.rows())
    finally:
        source.close()


@pytest.mark.parametrize("encoding, raw", [
    ("utf-8", TEXT.encode("utf-8")),
    ("utf-8-sig", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
    ("cp1252", TEXT.encode("cp1252")),
    ("utf-16", TEXT.encode("utf-16")),          # Excel's "Unicode text" (BOM first)
])
def test_encodings_are_detected(tmp_path, encoding, raw):
    path = tmp_path / "x.csv"
    path.write_bytes(raw)
    assert read(path) == (encoding, ";", ["id", "navn", "by"], ROWS)


def test_bytes_windows_1252_lacks_fall_back_to_latin_1(tmp_path):
    # 0x81 is undefined in Windows-1252 and not UTF-8 either: only Latin-1 reads it.
    path = tmp_path / "x.csv"
    path.write_bytes(b"id,name\n1,\xc5se\x81\n")
    encoding, _, _, rows = read(path)
    assert encoding == "latin-1"
    assert rows == [(2, ["1", "Åse\x81"])]


def test_a_late_non_utf8_byte_is_found_by_the_scan(tmp_path):
    # The first megabyte is plain ASCII; the Windows-1252 'ø' (0xF8) comes after it.
    path = tmp_path / "x.csv"
    filler = b"".join(b"%d,abc\n" % i for i in range(200_000))
    path.write_bytes(b"id,name\n" + filler + b"9,Troms\xf8\n")
    source = open_csv(path)
    *_, last = source.rows()
    source.close()
    assert source.encoding == "cp1252"
    assert last == (200_002, ["9", "Tromsø"])


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_are_sniffed_from_the_header(tmp_path, delimiter):
    path = tmp_path / "x.csv"
    path.write_text(f"a{delimiter}b{delimiter}\"c, d; e\"\n1{delimiter}2{delimiter}3\n",
                    encoding="utf-8")
    _, found, header, rows = read(path)
    assert found == delimiter
    assert header == ["a", "b", "c, d; e"]
    assert rows == [(2, ["1", "2", "3"])]


def test_excel_sep_line_sets_the_delimiter_and_counts_as_a_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("sep=;\nid;name\n1;Kari, Nordmann\n", encoding="utf-8")
    _, delimiter, header, rows = read(path)
    assert (delimiter, header, rows) == (";", ["id", "name"], [(3, ["1", "Kari, Nordmann"])])


def test_quoted_newlines_keep_physical_line_numbers(tmp_path):
    # Row 1 starts on line 2 and spans lines 2-4; row 2 starts on line 5 (CRLF endings).
    path = tmp_path / "x.csv"
    path.write_bytes(b'id,note\r\n1,"first\r\nsecond\r\nthird"\r\n2,plain\r\n\r\n3,after blank\r\n')
    _, _, _, rows = read(path)
    assert rows == [(2, ["1", "first\r\nsecond\r\nthird"]), (5, ["2", "plain"]), (6, []),
                    (7, ["3", "after blank"])]


def test_a_header_with_a_quoted_newline(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('id,"long\nname"\n1,x\n', encoding="utf-8")
    _, _, header, rows = read(path)
    assert header == ["id", "long\nname"]
    assert rows == [(3, ["1", "x"])]


@pytest.mark.parametrize("raw, message", [
    (b"", "x.csv: the file is empty; expected a header row with the column names"),
    (b"PK\x03\x04rest", "x.csv: this is an Excel workbook (.xlsx), not CSV; in Excel use "
                        "File > Save As > CSV UTF-8"),
    (b"id,name\n1,a\x00b\n", "x.csv: this file holds NUL bytes; it is not a text CSV export"),
])
def test_unreadable_files(tmp_path, monkeypatch, raw, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_bytes(raw)
    with pytest.raises(InputError) as caught:
        open_csv("x.csv")
    assert str(caught.value) == message


def test_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        open_csv("nope.csv")
    assert str(caught.value) == "nope.csv: file not found"
