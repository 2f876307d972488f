"""The meeting's clocks on a pinned clock (issue 9, 'the clock helps the facilitator')."""

from __future__ import annotations

from datetime import datetime, timezone

from meeting_fixtures import FakeClock, write_small_agenda
from smarketing_tui import meetingclock as mc

NOW = datetime(2026, 11, 23, 8, 30, tzinfo=timezone.utc)  # 09:30 in Oslo


def test_section_state_by_hand():
    # A 5-minute timebox: running to 3:59, ending from 4:00 (60 s left) to 5:00, over after.
    assert mc.section_state(239, 300) == mc.RUNNING
    assert mc.section_state(240, 300) == mc.ENDING
    assert mc.section_state(300, 300) == mc.ENDING
    assert mc.section_state(301, 300) == mc.OVER
    assert mc.section_state(0, 30) == mc.ENDING  # a half-minute box is in its last minute
    # Each state reads without colour.
    assert mc.SECTION_MARK[mc.OVER] == "⚠ over" and "min left" in mc.SECTION_MARK[mc.ENDING]


def test_forecast_by_hand():
    # Timeboxes 2 + 3 + 4 min = 540 s, planned 600 s (10 min).
    boxes = [120, 180, 240]
    # Section 1 took 200 s (80 over), section 2 runs at 100 s of its 180, section 3 ahead:
    # projected 200 + 180 + 240 = 620 s; 300 s used, so 320 s left: ends 08:35:20 UTC
    # (09:35 in Oslo), 20 s over the 600 planned: under a minute, on time.
    result = mc.forecast([200, 100, 0], boxes, 1, 600, NOW)
    assert result.over == 20 and result.ends_at == datetime(2026, 11, 23, 8, 35, 20,
                                                            tzinfo=timezone.utc)
    assert mc.forecast_text(result, "Europe/Oslo") == "ends ~09:35, on time"
    # The current section runs 400 s over its 180 (at 580 s): 200 + 580 + 240 = 1020 s, 420 s
    # over (7 min); 780 s used, 240 s left: 08:34 UTC, 09:34 in Oslo.
    late = mc.forecast([200, 580, 0], boxes, 1, 600, NOW)
    assert late.over == 420 and not late.on_time
    assert mc.forecast_text(late, "Europe/Oslo") == "ends ~09:34, 7 min over"
    # A section skipped (never visited) counts its timebox; a quick meeting ends early:
    # 60 + 30 (current, at least its 180) ... = 60 + 180 + 240 = 480 s, 120 s early.
    early = mc.forecast([60, 30, 0], boxes, 1, 600, NOW)
    assert early.over == -120 and early.on_time
    assert mc.forecast_text(early, "Europe/Oslo").endswith(", 2 min early")


def test_session_forecast_on_a_pinned_clock(workspace):
    from smarketing_tui.agenda import load_agenda
    from smarketing_tui.meeting import MeetingSession

    clock = FakeClock("2026-11-23T08:00:00Z")
    agenda = load_agenda(write_small_agenda(workspace.agendas_dir), workspace.settings())
    session = MeetingSession.start(workspace, agenda, clock=clock)
    # Check-in (2 min) runs 3 min, then 1 min into Marketing activity (3 min): projected
    # 180 + 180 + 240 = 600 s of the 600 planned, on time; 240 s used, 360 left: 08:10 UTC.
    clock.advance(180)
    session.next_section()
    clock.advance(60)
    result = mc.session_forecast(session)
    assert result.over == 0 and result.ends_at == datetime(2026, 11, 23, 8, 10,
                                                           tzinfo=timezone.utc)
    assert mc.section_state(session.elapsed(), 180) == mc.RUNNING


def test_the_agenda_asks_for_the_bell_and_a_wrong_value_is_placed(tmp_path):
    import pytest

    from smarketing_tui.agenda import load_agenda
    from smarketing_tui.errors import InputError

    text = ("title: Weekly\nminutes: 30\n{bell}sections:\n"
            "  - title: Check-in\n    type: checkin\n    minutes: 5\n")
    path = tmp_path / "agenda.yaml"
    path.write_text(text.format(bell=""), encoding="utf-8")
    assert load_agenda(path).bell is False  # quiet unless asked
    path.write_text(text.format(bell="bell: true\n"), encoding="utf-8")
    agenda = load_agenda(path)
    assert agenda.bell is True and '"bell": true' in agenda.snapshot()
    path.write_text(text.format(bell="bell: loud\n"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_agenda(path)
    assert str(caught.value) == (f"{path}:3:7: bell 'loud' is not true or false (whether the "
                                 "terminal bell rings a minute before a section's timebox ends)")
