"""Minutes: what a meeting recorded, in Markdown, HTML, JSON and iCalendar.

Goldens live in tests/golden/. After an intended change of the output, regenerate
them with ``SMARKETING_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_minutes.py`` and
read the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from smarketing_tui import records
from smarketing_tui.cli import cli
from smarketing_tui.errors import UserError
from smarketing_tui.minutes import load_minutes, render, resolve_meeting
from test_minutes_support import RENDERED_AT, build_meetings, insert_meeting

GOLDEN = Path(__file__).parent / "golden"
NASTY = "Ring <script>alert(1)</script> *now* _a_ | b # c <b>x</b> & [link](http://e.vil) ` $5 \\ ;,"


@pytest.fixture
def built(db, workspace, monkeypatch):
    ids = build_meetings(db.conn, monkeypatch)
    return ids


def _minutes(db, workspace, meeting_id):
    return load_minutes(db.conn, meeting_id, workspace.settings())


@pytest.mark.parametrize("fmt", ["md", "html", "json", "ics"])
def test_minutes_match_the_golden_files(db, workspace, built, fmt):
    text = render(_minutes(db, workspace, built["m2"]), fmt)
    golden = GOLDEN / f"minutes.{fmt}"
    if os.environ.get("SMARKETING_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8"), (
        f"{golden.name} differs; if the change is intended, regenerate with "
        "SMARKETING_UPDATE_GOLDEN=1 and review the diff")


def test_header_numbers_worked_out_by_hand(db, workspace, built):
    minutes = _minutes(db, workspace, built["m2"])
    # Ratings 8 and 7 of the two present -> 7.5; Pål absent.
    assert minutes.average_rating == 7.5
    assert [a.name for a in minutes.absent] == ["Pål Sørensen"]
    # Sections used 200+400+420+380+700+500+250 = 2850 s; over: 20, 160, 20, 10 s.
    assert minutes.used_seconds == 2850
    assert [s.over_seconds for s in minutes.sections] == [20, 0, 0, 0, 160, 20, 10]
    # Due from 16.11 (the older of the two meetings) to 23.11: A1 (done 19.11, on time),
    # A2 (carried over: not on time), A3 (done 23.11, on its due day) -> 2 of 3.
    assert (minutes.completion.done_on_time, minutes.completion.total) == (2, 3)
    # Open: B1, B2 (new) and A2 (carried over here), ordered by due date then id.
    assert [i.id for i in minutes.open_action_items] == [built["a2"], built["b1"], built["b2"]]
    assert minutes.period_start.isoformat() == "2026-11-16"
    assert minutes.period_end.isoformat() == "2026-11-22"


def test_action_review_and_issues_are_attributed_to_the_meeting(db, workspace, built):
    minutes = _minutes(db, workspace, built["m2"])
    review = {r.item.id: (r.outcome, r.in_prep) for s in minutes.sections for r in s.reviewed_actions}
    assert review == {built["a1"]: ("done", True), built["a2"]: ("carried", False),
                      built["a3"]: ("done", False)}
    assert [i.id for i in minutes.issues_raised] == [built["i1"], built["i2"]]
    assert [i.id for i in minutes.issues_solved] == [built["i1"]]
    by_title = {s.title: s for s in minutes.sections}
    assert [p.author for p in by_title["Marketing activity"].talking_points] == ["Kari Nordmann"]
    assert [d.id for d in by_title["SLA scorecard"].decisions] == [built["d1"]]


def test_resolve_meeting_by_id_date_and_last(db, built):
    conn = db.conn
    assert resolve_meeting(conn, "last") == built["m2"]
    assert resolve_meeting(conn, None) == built["m2"]
    assert resolve_meeting(conn, str(built["m1"])) == built["m1"]
    assert resolve_meeting(conn, "16.11.2026") == built["m1"]
    assert resolve_meeting(conn, "2026-11-23") == built["m2"]
    with pytest.raises(UserError, match=r"^no meeting #99$"):
        resolve_meeting(conn, "99")
    with pytest.raises(UserError, match=r"^no meeting on 24\.11\.2026; recent meetings: "
                                        r"16\.11\.2026, 23\.11\.2026$"):
        resolve_meeting(conn, "24.11.2026")
    with pytest.raises(UserError, match="MEETING must be a meeting id, a date"):
        resolve_meeting(conn, "yesterday")


def test_a_date_with_two_meetings_asks_for_the_id(db, built):
    # 23:30 UTC on 22.11 is 00:30 on 23.11 in Oslo: the same local day as meeting 2.
    third = insert_meeting(db.conn, title="Extra", started_at="2026-11-22T23:30:00Z", ended_at=None,
                           period_label="2026-W47", period_start="2026-11-15T23:00:00Z",
                           period_end="2026-11-22T23:00:00Z", status="paused")
    with pytest.raises(UserError, match=rf"2 meetings on 23\.11\.2026 \(#{third} Extra, "
                                        rf"#{built['m2']} Weekly smarketing\)"):
        resolve_meeting(db.conn, "23.11.2026")


def test_no_meetings_yet(db):
    with pytest.raises(UserError, match="no meetings yet; run one with 'smarketing run'"):
        resolve_meeting(db.conn, "last")


def test_unfinished_meeting_is_flagged_and_its_running_clock_counted(db, workspace, monkeypatch):
    meeting = insert_meeting(db.conn, title="Weekly smarketing", started_at="2026-11-23T08:00:00Z",
                             ended_at=None, period_label="2026-W47",
                             period_start="2026-11-15T23:00:00Z", period_end="2026-11-22T23:00:00Z",
                             status="running", sections=[("Check-in", "checkin", 180, 100)])
    with db.conn:
        db.conn.execute("UPDATE meeting_sections SET running_since = '2026-11-23T08:10:00Z' "
                        "WHERE meeting_id = ?", (meeting,))
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T08:12:30Z")
    minutes = _minutes(db, workspace, meeting)
    # 100 s banked + 150 s since 08:10:00 up to 08:12:30.
    assert minutes.sections[0].used_seconds == 250
    assert not minutes.finished
    assert "> **Unfinished meeting:** this meeting is still running" in render(minutes, "md")
    assert "Unfinished meeting: this meeting is still running" in render(minutes, "html")
    document = json.loads(render(minutes, "json"))
    assert (document["meeting"]["finished"], document["meeting"]["status"]) == (False, "running")
    assert document["scorecard"] is None
    assert document["scorecard_missing"] == ("The meeting has not ended, so no scorecard snapshot "
                                             "was frozen yet.")


def test_points_added_while_the_meeting_runs_are_in_its_minutes(db, workspace, monkeypatch):
    meeting = insert_meeting(db.conn, title="Weekly", started_at="2026-11-23T08:00:00Z",
                             ended_at=None, period_label="2026-W47", status="running",
                             period_start="2026-11-15T23:00:00Z", period_end="2026-11-22T23:00:00Z")
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T07:59:59Z")  # before it started: not its
    records.add_talking_point(db.conn, "monthly.yaml", "Other agenda", section_type="issues")
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T08:10:00Z")
    records.add_talking_point(db.conn, "weekly.yaml", "Added from prep during the meeting",
                              section_type="issues", author="Ola Hansen")
    records.add_talking_point(db.conn, "monthly.yaml", "For the monthly", section_type="issues")
    minutes = _minutes(db, workspace, meeting)
    by_title = {s.title: s for s in minutes.sections}
    assert [p.text for p in by_title["Issues"].talking_points] == [
        "Added from prep during the meeting"]


def test_a_missing_snapshot_is_reported_not_recomputed(db, workspace, monkeypatch):
    meeting = insert_meeting(db.conn, title="Weekly", started_at="2026-11-23T08:00:00Z",
                             ended_at="2026-11-23T08:40:00Z", period_label="2026-W47",
                             period_start="2026-11-15T23:00:00Z", period_end="2026-11-22T23:00:00Z")
    monkeypatch.setenv("SMARKETING_NOW", RENDERED_AT)
    md = render(_minutes(db, workspace, meeting), "md")
    assert "*No scorecard snapshot was saved with this meeting. Today's numbers are not shown in " \
           "their place.*" in md
    assert "| Status | Commitment |" not in md


def test_dangerous_text_is_escaped_in_every_format(db, workspace, monkeypatch):
    ids = build_meetings(db.conn, monkeypatch, decision_text=NASTY)
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T08:45:00Z")
    records.add_action_item(db.conn, NASTY + "\nsecond line", owner="Ola Hansen", due=None,
                            meeting_id=ids["m2"], section_position=4, section_title="SLA scorecard")
    monkeypatch.setenv("SMARKETING_NOW", RENDERED_AT)
    minutes = _minutes(db, workspace, ids["m2"])
    md, html_text = render(minutes, "md"), render(minutes, "html")
    json_text, ics = render(minutes, "json"), render(minutes, "ics")
    for text in (md, html_text, json_text):
        assert "<script>" not in text and "<b>" not in text
    # Markdown: every special backslash-escaped, so it shows literally on GitHub/GitLab.
    escaped_md = (r"Ring \<script\>alert(1)\</script\> \*now\* \_a\_ \| b \# c \<b\>x\</b\> \& "
                  r"\[link\](http://e.vil) \` \$5 \\ ;,")
    assert f"- {escaped_md}" in md
    assert f"| {escaped_md} second line |" in md  # the line break folded into the table cell
    # HTML: html.escape of the whole text.
    assert ("Ring &lt;script&gt;alert(1)&lt;/script&gt; *now* _a_ | b # c &lt;b&gt;x&lt;/b&gt; "
            "&amp; [link](http://e.vil) ` $5 \\ ;,") in html_text
    # JSON: < > & as \u escapes, and the original comes back when parsed.
    assert "\\u003cscript\\u003e" in json_text
    decisions = [d["text"] for s in json.loads(json_text)["sections"] for d in s["decisions"]]
    assert NASTY in decisions
    # iCalendar: backslash, semicolon, comma and the line break escaped (RFC 5545 TEXT).
    unfolded = ics.replace("\r\n ", "")
    assert ("SUMMARY:Ring <script>alert(1)</script> *now* _a_ | b # c <b>x</b> & "
            "[link](http://e.vil) ` $5 \\\\ \\;\\,\\nsecond line\r\n") in unfolded


def _plain_text(inline) -> str:
    return "".join(child.content for child in inline.children
                   if child.type in ("text", "code_inline"))


def test_markdown_parses_as_intended_with_a_gfm_parser(db, workspace, monkeypatch):
    """markdown-it-py with GFM tables (as GitHub/GitLab render): no HTML gets through, every
    table row has as many cells as its header, and the text reads back exactly as typed."""
    from markdown_it import MarkdownIt

    ids = build_meetings(db.conn, monkeypatch, decision_text=NASTY)
    monkeypatch.setenv("SMARKETING_NOW", "2026-11-23T08:45:00Z")
    records.add_action_item(db.conn, "- starts | like a list", owner="Ola Hansen", due=None,
                            meeting_id=ids["m2"], section_position=4, section_title="SLA scorecard")
    monkeypatch.setenv("SMARKETING_NOW", RENDERED_AT)
    text = render(_minutes(db, workspace, ids["m2"]), "md")
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    assert not [t for t in tokens if t.type == "html_block"]
    assert not [c for t in tokens if t.children for c in t.children if c.type == "html_inline"]
    header, row, rows_checked, in_body = 0, 0, 0, False
    for token in tokens:
        if token.type == "tr_open":
            row = 0
        elif token.type in ("th_open", "td_open"):
            row += 1
        elif token.type == "thead_close":
            header = row
        elif token.type in ("tbody_open", "tbody_close"):
            in_body = token.type == "tbody_open"
        elif token.type == "tr_close" and in_body:
            assert row == header
            rows_checked += 1
    assert rows_checked > 20
    inline_texts = [_plain_text(t) for t in tokens if t.type == "inline"]
    assert NASTY in inline_texts  # the decision's list item, literally
    assert "- starts | like a list" in inline_texts  # a table cell, not a list, not split
    assert not [t for t in tokens if t.type in ("s_open", "em_open") and t.markup in ("~", "_")]


def test_control_characters_never_reach_the_output(db, workspace, monkeypatch):
    ids = build_meetings(db.conn, monkeypatch)
    records.add_note(db.conn, ids["m2"], "clear\x1b[2J screen\x07", section_position=3)
    minutes = _minutes(db, workspace, ids["m2"])
    for fmt in ("md", "html", "json", "ics"):
        assert "\x1b" not in render(minutes, fmt) and "\x07" not in render(minutes, fmt)
    assert "clear[2J screen" in render(minutes, "html")


def test_ics_has_one_vtodo_per_open_item_folded_with_crlf(db, workspace, built):
    ics = render(_minutes(db, workspace, built["m2"]), "ics")
    lines = ics.split("\r\n")
    assert ics.endswith("END:VCALENDAR\r\n")
    assert "\n" not in ics.replace("\r\n", "")  # every line break is CRLF
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    # Three open items (A2 carried over, B1, B2), each with its due date and owner.
    assert lines.count("BEGIN:VTODO") == lines.count("END:VTODO") == 3
    assert [line for line in lines if line.startswith("DUE")] == [
        "DUE;VALUE=DATE:20261130", "DUE;VALUE=DATE:20261130", "DUE;VALUE=DATE:20261207"]
    uids = [line for line in lines if line.startswith("UID:")]
    assert uids == [f"UID:action-{built[k]}.testfirma-as@smarketing-tui" for k in ("a2", "b1", "b2")]
    assert 'ATTENDEE;CN="Ola Hansen";ROLE=REQ-PARTICIPANT:mailto:ola@example.no' in lines
    # The long DESCRIPTION is folded: a continuation line starts with one space.
    assert any(line.startswith(" ") for line in lines)


def test_ics_of_a_meeting_without_open_items_is_refused(workspace, db, built):
    for key in ("a2", "b1", "b2"):
        records.complete_action_item(db.conn, built[key])
    result = _invoke(workspace, "minutes", "--format", "ics")
    assert (result.exit_code, result.stderr, result.stdout) == (
        2, f"Error: meeting #{built['m2']} has no open action items; there is nothing to put "
           "in a calendar\n", "")


def test_ics_folding_never_splits_a_utf8_character():
    from smarketing_tui.minutes_render.to_ics import fold

    line = "SUMMARY:" + "ø" * 100  # 8 + 200 octets
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    # 75 octets: 8 ASCII + 33 ø (66) = 74, the next ø would make 76 -> first line 74 octets.
    assert len(parts[0].encode("utf-8")) == 74


def _invoke(workspace, *args):
    return CliRunner().invoke(cli, ["--workspace", str(workspace.root), *args])


def test_cli_prints_minutes_and_writes_files(workspace, db, built, tmp_path):
    expected = render(_minutes(db, workspace, built["m2"]), "md")
    result = _invoke(workspace, "minutes")
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    folder = tmp_path / "out"
    folder.mkdir()
    result = _invoke(workspace, "minutes", "23.11.2026", "--format", "html", "-o", str(folder))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {folder / '2026-11-23-weekly.html'}\n"
    assert (folder / "2026-11-23-weekly.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = _invoke(workspace, "minutes", str(built["m1"]), "--save", "--format", "ics")
    assert result.exit_code == 0, result.output
    saved = workspace.minutes_dir / "2026-11-16-weekly.ics"
    assert saved.read_bytes().startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")


def test_export_minutes_writes_into_the_minutes_folder(workspace, db, built):
    from smarketing_tui.minutes import export_minutes

    path = export_minutes(workspace, built["m2"], "json")
    assert path == workspace.minutes_dir / "2026-11-23-weekly.json"
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == "smarketing.minutes/1"
    assert not list(workspace.minutes_dir.glob(".*.tmp"))


def test_two_meetings_of_one_agenda_on_one_day_get_distinct_files(workspace, db, built):
    from smarketing_tui.minutes import export_minutes

    extra = insert_meeting(db.conn, title="Weekly (again)", started_at="2026-11-23T13:00:00Z",
                           ended_at="2026-11-23T13:30:00Z", period_label="2026-W47",
                           period_start="2026-11-15T23:00:00Z", period_end="2026-11-22T23:00:00Z")
    assert export_minutes(workspace, built["m2"], "md").name == f"2026-11-23-weekly-{built['m2']}.md"
    assert export_minutes(workspace, extra, "html").name == f"2026-11-23-weekly-{extra}.html"
    with pytest.raises(UserError, match="unknown minutes format 'pdf'"):
        export_minutes(workspace, extra, "pdf")


def test_cli_errors_are_one_line_with_exit_2(workspace, db, built):
    result = _invoke(workspace, "minutes", "99")
    assert (result.exit_code, result.stderr) == (2, "Error: no meeting #99\n")
    result = _invoke(workspace, "minutes", "--format", "pdf")
    assert result.exit_code == 2 and "'pdf' is not one of 'md', 'html', 'json', 'ics'" in result.stderr
    result = _invoke(workspace, "minutes", "-o", str(workspace.root / "nowhere" / "x.md"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: folder {workspace.root / 'nowhere'} does not exist\n"

