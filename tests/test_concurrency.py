"""Prep and a running meeting write to one store at the same moment: no error, nothing lost.

Two real processes (as two terminals would be): one preps (talking points, items marked
done with a comment, issues raised, and the screen's refresh reads), the other runs a
meeting (decisions, notes, action items, issues, section switches, clock ticks, the view
reads). Both wait on a start file so their loops overlap. Afterwards every write is
counted exactly.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

from smarketing_tui import records

ROUNDS = 200

COMMON = """
import sys, time
from pathlib import Path
from smarketing_tui.workspace import Workspace
from smarketing_tui.agenda import load_agenda
workspace = Workspace(Path(sys.argv[1]))
settings = workspace.settings()
agenda = load_agenda(workspace.agenda_path("weekly"), settings)
go = Path(sys.argv[2])
rounds = int(sys.argv[3])

def wait_for_go():
    (go.parent / (Path(sys.argv[0]).name + ".ready")).touch()
    while not go.exists():
        time.sleep(0.005)
"""

PREPPING = COMMON + """
from smarketing_tui import prep, records
from smarketing_tui.store import open_store
conn = open_store(workspace.db_path, settings).conn
person = settings.person("Ola Hansen")
items = [int(x) for x in sys.argv[4].split(",")]
wait_for_go()
for i in range(rounds):
    section = agenda.sections[i % len(agenda.sections)]
    prep.add_talking_point(conn, agenda, person, f"prep point {i}", section)
    prep.comment_item(conn, person, items[i], f"progress {i}")
    prep.complete_item(conn, person, items[i])
    prep.raise_issue(conn, person, f"prep issue {i}")
    prep.my_action_items(conn, person)            # what the screen's refresh reads
    prep.pending_talking_points(conn, agenda)
    records.list_issues(conn)
conn.close()
print("prep done")
"""

MEETING = COMMON + """
from datetime import date
from smarketing_tui import records
from smarketing_tui.meeting import MeetingSession
session = MeetingSession.start(workspace, agenda)
print(session.meeting_id)
wait_for_go()
for i in range(rounds):
    session.record_decision(f"decision {i}", context={"round": i})
    session.add_note(f"note {i}")
    session.add_action_item(f"action {i}", "Kari Nordmann", date(2026, 12, 7))
    session.raise_issue(f"meeting issue {i}")
    if not session.next_section():
        session.go_to(0)
    session.tick()
    records.list_talking_points(session.conn, agenda=agenda.name, pending=True)  # the view reads
    records.list_issues(session.conn)
session.end()
session.close()
print("meeting done")
"""


def _script(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_prep_and_meeting_write_at_once_without_errors_or_losses(workspace, db, tmp_path):
    conn = db.conn
    items = [records.add_action_item(conn, f"item {i}", owner="Ola Hansen", due=date(2026, 12, 1))
             for i in range(ROUNDS)]
    go = tmp_path / "go"
    prepping = _script(tmp_path, "prepping.py", PREPPING)
    meeting = _script(tmp_path, "meeting.py", MEETING)
    args = [str(workspace.root), str(go), str(ROUNDS)]
    processes = [
        subprocess.Popen([sys.executable, str(meeting), *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True),
        subprocess.Popen([sys.executable, str(prepping), *args, ",".join(map(str, items))],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
    ]
    ready = [tmp_path / "meeting.py.ready", tmp_path / "prepping.py.ready"]
    try:
        import time

        while not all(path.exists() for path in ready):
            if any(p.poll() is not None for p in processes):
                break  # one died before the start; its output says why
            time.sleep(0.005)
        go.touch()
        outputs = [p.communicate(timeout=300) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    (meeting_out, meeting_err), (prep_out, prep_err) = outputs
    assert (processes[0].returncode, meeting_err) == (0, ""), meeting_err
    assert (processes[1].returncode, prep_err) == (0, ""), prep_err
    meeting_id = int(meeting_out.split()[0])
    assert meeting_out.split()[1:] == ["meeting", "done"] and prep_out == "prep done\n"

    def count(sql, *args):
        return conn.execute(sql, args).fetchone()[0]

    # The prep side: one point, one issue, one comment and one done item per round.
    assert count("SELECT COUNT(*) FROM talking_points WHERE text LIKE 'prep point %'") == ROUNDS
    assert count("SELECT COUNT(DISTINCT text) FROM talking_points") == ROUNDS
    assert count("SELECT COUNT(*) FROM issues WHERE origin = 'prep'") == ROUNDS
    assert count("SELECT COUNT(*) FROM action_items WHERE owner = 'Ola Hansen' "
                 "AND status = 'done' AND comment LIKE 'progress %'") == ROUNDS
    assert count("SELECT COUNT(*) FROM action_item_updates WHERE kind = 'done'") == ROUNDS
    assert count("SELECT COUNT(*) FROM action_item_updates WHERE kind = 'comment'") == ROUNDS
    # The meeting side: one decision, note, action item and issue per round, all its own.
    assert count("SELECT COUNT(*) FROM decisions WHERE meeting_id = ?", meeting_id) == ROUNDS
    assert count("SELECT COUNT(*) FROM notes WHERE meeting_id = ?", meeting_id) == ROUNDS
    assert count("SELECT COUNT(*) FROM action_items WHERE meeting_id = ?", meeting_id) == ROUNDS
    assert count("SELECT COUNT(*) FROM issues WHERE raised_in_meeting = ?", meeting_id) == ROUNDS
    assert count("SELECT COUNT(DISTINCT text) FROM decisions") == ROUNDS
    assert count("SELECT status FROM meetings WHERE id = ?", meeting_id) == "ended"
    # 60 switches over 7 sections: every section's clock was written, none left running.
    assert count("SELECT COUNT(*) FROM meeting_sections WHERE meeting_id = ? "
                 "AND running_since IS NOT NULL", meeting_id) == 0
