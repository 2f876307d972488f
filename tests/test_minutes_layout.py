"""What the minutes open with, and what every human format shows (issue 9).

The hand-made meeting of test_minutes_support: decisions D1 (SLA scorecard) and D2
(Issues), open action items A2, B1, B2, issue I1 solved and I2 still open.
"""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest

from smarketing_tui.minutes import load_minutes, render
from test_minutes_support import build_meetings


@pytest.fixture
def built(db, monkeypatch):
    return build_meetings(db.conn, monkeypatch)


def _minutes(db, workspace, meeting_id):
    return load_minutes(db.conn, meeting_id, workspace.settings())


class _Headings(HTMLParser):
    """The text of every <h2> in order."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self._inside = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.headings[-1] += data


ORDER = ["Decisions", "Action items", "Issues", "Time per section", "Attendance and time",
         "Scorecard as the meeting saw it", "Section by section"]


def test_minutes_open_with_decisions_actions_and_issues(db, workspace, built):
    minutes = _minutes(db, workspace, built["m2"])
    md = render(minutes, "md")
    md_headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert md_headings == ORDER
    parser = _Headings()
    parser.feed(render(minutes, "html"))
    assert parser.headings == ORDER


def test_the_action_items_show_owner_and_due_date_open_first(db, workspace, built):
    md = render(_minutes(db, workspace, built["m2"]), "md")
    block = md.split("## Action items\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    # A2 (Kari, carried to 30.11) and B1 (Ola, 30.11) tie on the date: the lower id first;
    # B2 (Kari, 07.12) after them.
    assert block[2:] == [
        f"| {built['a2']} | Fix lead routing for Vipps | Kari Nordmann | 30.11.2026 | open | "
        "carried over 1× |",
        f"| {built['b1']} | Set up an on-call rota for weekends | Ola Hansen | 30.11.2026 | open "
        "|   |",
        f"| {built['b2']} | Report MQL → SQL by campaign | Kari Nordmann | 07.12.2026 | open "
        "|   |"]


def test_issues_solved_then_still_open(db, workspace, built):
    md = render(_minutes(db, workspace, built["m2"]), "md")
    block = md.split("## Issues\n\n", 1)[1].split("## ", 1)[0]
    assert block.index("**Solved**") < block.index(r"\#1 Weekend leads") < \
        block.index("**Still open**") < block.index(r"\#2 Campaign names")
    assert (r"- \#2 Campaign names differ between HubSpot \& the CRM — Kari Nordmann (new)"
            in block)


def test_an_issue_solved_after_the_meeting_is_still_open_in_its_minutes(db, workspace, built,
                                                                          monkeypatch):
    """The minutes of a past meeting show the issues open when it ended, not today's list."""
    from smarketing_tui import records

    monkeypatch.setenv("SMARKETING_NOW", "2026-11-30T08:00:00Z")
    records.solve_issue(db.conn, built["i2"], meeting_id=None, resolution="Renamed")
    minutes = _minutes(db, workspace, built["m2"])
    assert [i.id for i in minutes.issues_open] == [built["i2"]]


def _set_checkins(db, meeting_id, lines: dict[str, str]) -> None:
    with db.conn:
        for name, text in lines.items():
            db.conn.execute(
                "UPDATE attendance SET checkin = ? WHERE meeting_id = ? AND person_id = "
                "(SELECT id FROM people WHERE name = ?)", (text, meeting_id, name))


def test_checkin_lines_are_in_the_markdown_and_html_minutes(db, workspace, built):
    """Defect 3: the check-in round's lines were only in the JSON ("Nothing recorded")."""
    _set_checkins(db, built["m2"], {"Kari Nordmann": "Busy week <b>& good</b>",
                                    "Ola Hansen": "Back from the event"})
    minutes = _minutes(db, workspace, built["m2"])
    md = render(minutes, "md")
    checkin = md.split("### 1. Check-in (3:20 of 3:00)\n\n", 1)[1].split("### ", 1)[0]
    assert checkin == ("**Check-in**\n\n"
                       r"- Kari Nordmann: Busy week \<b\>\& good\</b\>" "\n"
                       "- Ola Hansen: Back from the event\n\n")
    html = render(minutes, "html")
    checkin_html = html.split("1. Check-in", 1)[1].split("</section>", 1)[0]
    assert "Nothing recorded" not in checkin_html
    assert ('<li class="checkin"><strong>Kari Nordmann</strong>: Busy week &lt;b&gt;&amp; '
            'good&lt;/b&gt;</li>') in checkin_html
    assert '<li class="checkin"><strong>Ola Hansen</strong>: Back from the event</li>' \
        in checkin_html


@dataclasses.dataclass(frozen=True)
class _Amended:
    """A record as the revisions branch makes it: the same fields plus ``amended``."""

    record: object
    amended: bool

    def __getattr__(self, name):
        return getattr(self.record, name)


def test_amended_records_are_marked_in_the_html(db, workspace, built):
    minutes = _minutes(db, workspace, built["m2"])
    html_before = render(minutes, "html")
    assert 'class="amended"' not in html_before  # records without the attribute: no mark
    scorecard = next(s for s in minutes.sections if s.title == "SLA scorecard")
    scorecard.decisions[0] = _Amended(scorecard.decisions[0], True)
    issues = next(s for s in minutes.sections if s.title == "Issues")
    issues.decisions[0] = _Amended(issues.decisions[0], False)
    sales = next(s for s in minutes.sections if s.title == "Sales activity")
    sales.notes[0] = {**sales.notes[0], "amended": True}
    html = render(minutes, "html")
    marked = html.split('<span class="amended"')
    assert len(marked) == 3  # D1 and the note; D2's amended is False
    assert marked[0].endswith(f'id="decision-{built["d1"]}">Webinar leads are called within 4 '
                              "business hours ")
    assert marked[1].endswith("Ola covers his leads.\nBack on 30.11. ")


def test_plain_text_reads_the_data_as_typed(db, workspace, monkeypatch):
    """Every backslash the Markdown escaping added is gone, and only those: a backslash typed
    in the data stays, a pipe inside a table cell stays escaped (the row keeps its cells)."""
    from smarketing_tui import records
    from smarketing_tui.minutes_render.to_markdown import plain_text

    typed = r"Ring \#4 at *09:00* <b>, a_b & 1. c $5 ~x~ \\"
    ids = build_meetings(db.conn, monkeypatch, decision_text=typed)
    records.add_action_item(db.conn, "- a | b", owner="Ola Hansen", due=None,
                            meeting_id=ids["m2"], section_position=4)
    text = plain_text(render(_minutes(db, workspace, ids["m2"]), "md"))
    assert f"- {typed}\n" in text
    assert r"| - a \| b | Ola Hansen | no due date | open |   |" in text
    assert "Pål is on holiday; Ola covers his leads. \\\n  Back on 30.11." in text
