"""Every section's numbers are computed in the background as the meeting opens and kept.

The kept numbers (smarketing_tui/section_numbers.py) on small hand-made stores, then the
meeting screen on the demo: a move after the preload shows its numbers with no computation,
``r`` computes again (and forgets every other section's too), a section whose numbers fail
shows its error alone, a section visited while the preload computes it says "loading".
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import date

import pytest
from textual.widgets import DataTable

from meeting_fixtures import FakeClock, run_async, settle
from smarketing_tui import section_numbers
from smarketing_tui.demo import build_demo
from smarketing_tui.section_numbers import Numbers, NumbersJob, SectionNumbers, store_state
from smarketing_tui.tui.app import SmarketingApp
from smarketing_tui.tui.sections import base as sections_base

NOW = "2026-11-30T08:00:00Z"  # Monday 09:00 in Oslo: the meeting reviews 2026-W48
WEEKLY = {"checkin": 0, "action_review": 1, "marketing": 2, "sales": 3, "scorecard": 4,
          "issues": 5, "wrapup": 6}
DEADLINE = 120  # seconds: generous, a busy machine is slow, never wrong


# -- the kept numbers, without a screen ---------------------------------------------------------


@pytest.fixture
def store(tmp_path):
    """An empty store (WAL mode, as every store)."""
    from smarketing_tui.store import open_connection

    path = tmp_path / "store.db"
    open_connection(path).close()
    return path


def count_leads(conn) -> int:
    return conn.execute("SELECT COUNT(*) FROM leads").fetchone()[0]


def insert_leads(conn, count: int) -> None:
    start = count_leads(conn)
    conn.executemany("INSERT INTO leads (external_id) VALUES (?)",
                     [(f"lead-{start + n}",) for n in range(count)])
    conn.commit()


def test_another_connection_commit_forgets_the_numbers_the_meetings_own_does_not(store):
    meeting = sqlite3.connect(store)
    other = sqlite3.connect(store)
    kept = SectionNumbers(lambda: store_state(meeting))
    ticket = kept.begin(("leads",))
    assert kept.finish(ticket, Numbers(value=0))
    insert_leads(meeting, 1)  # a decision, say: the meeting's own write
    assert kept.check() is False and kept.get(("leads",)) == Numbers(value=0)
    insert_leads(other, 1)  # an import
    assert kept.check() is True and kept.get(("leads",)) is None
    assert kept.check() is False  # nothing new since


def test_an_answer_begun_before_a_clear_is_not_kept(store):
    kept = SectionNumbers(lambda: 0)
    ticket = kept.begin(("a",))
    assert kept.begin(("a",)) is None and kept.is_pending(("a",))  # one computation at a time
    kept.clear()  # r, while it was being computed
    assert kept.finish(ticket, Numbers(value="old")) is False
    assert kept.get(("a",)) is None and not kept.is_pending(("a",))


def test_preload_computes_each_key_once_and_keeps_a_failure_as_its_error(store):
    conn = sqlite3.connect(store)
    insert_leads(conn, 3)
    kept = SectionNumbers(lambda: store_state(conn))
    calls = []

    def counting(name):
        def run(c):
            calls.append(name)
            return count_leads(c)
        return run

    def failing(c):
        c.execute("SELECT value FROM no_such_table")

    kept.finish(kept.begin(("kept",)), Numbers(value="kept before"))
    ready = []
    jobs = [NumbersJob(("leads",), counting("leads")), NumbersJob(("broken",), failing),
            NumbersJob(("leads",), counting("again")),    # the same key: computed once
            NumbersJob(("kept",), counting("kept"))]      # kept already: not computed
    assert kept.preload(jobs, store, ready=ready.append) == 2
    assert calls == ["leads"] and ready == [("leads",), ("broken",)]
    assert kept.get(("leads",)) == Numbers(value=3)       # the three rows inserted above
    assert kept.get(("broken",)) == Numbers(error="no such table: no_such_table")
    assert kept.get(("kept",)) == Numbers(value="kept before")


def test_preload_stops_between_jobs_when_cancelled(store):
    kept = SectionNumbers(lambda: 0)
    done = []
    jobs = [NumbersJob((n,), lambda c, n=n: done.append(n)) for n in range(3)]
    assert kept.preload(jobs, store, cancelled=lambda: len(done) >= 1) == 1
    assert done == [0] and kept.get((1,)) is None and not kept.is_pending((1,))


def test_the_order_is_the_sections_ahead_first_and_each_question_once():
    from smarketing_tui.agenda import Agenda, SectionSpec
    from smarketing_tui.periods import parse_period
    from smarketing_tui.timeutil import parse_utc
    from smarketing_tui.workspace import Settings

    specs = [SectionSpec(position=i, title=f"s{i}", type=kind, timebox_minutes=5, team=team,
                         options={})
             for i, (kind, team) in enumerate([("activity", "sales"), ("checkin", None),
                                               ("scorecard", None), ("activity", "marketing"),
                                               ("activity", "marketing")])]
    agenda = Agenda(path=None, name="a.yaml", title="A", cadence="weekly", planned_minutes=25,
                    sla_path="sla.yaml", period_spec="last-week", sections=tuple(specs))
    period = parse_period("last-week", "Europe/Oslo", parse_utc(NOW))
    jobs = section_numbers.preload_order(agenda, 1, Settings(), period, lambda: None)
    # After the check-in (position 1): the scorecard, marketing (twice, one question), then
    # round to the sales activity at position 0.
    assert [job.key[:2] for job in jobs] == [("scorecard", "sla.yaml"),
                                             ("activity", "marketing"), ("activity", "sales")]


# -- the meeting screen -------------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.delenv("SMARKETING_WORKSPACE", raising=False)
    monkeypatch.setenv("SMARKETING_NOW", NOW)
    return build_demo(tmp_path / "demo", today=date(2026, 11, 30))


@pytest.fixture
def visits(monkeypatch):
    """Every computation a view starts itself (the preload computes on its own path)."""
    started = []
    original = sections_base.compute_alone

    def counted(job, db_path):
        started.append(job.key[0])
        return original(job, db_path)

    monkeypatch.setattr(sections_base, "compute_alone", counted)
    return started


async def wait_for(pilot, condition, what: str) -> None:
    import time

    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {DEADLINE} s for {what}")
        await pilot.pause(0.01)


async def preloaded(pilot) -> None:
    """Until every section's numbers are kept (the preload starts a moment after the first
    paint), then until the screen is at rest."""
    screen = pilot.app.screen
    session = screen.session
    keys = [job.key for job in section_numbers.preload_order(
        session.agenda, session.current, session.settings, session.period, lambda: None)]
    await wait_for(pilot, lambda: all(screen.numbers.get(key) for key in keys), "the preload")
    await settle(pilot)


async def go_to(pilot, position: int) -> None:
    screen = pilot.app.screen
    screen.go_to_section(position)
    await screen.mounting
    await pilot.pause()


def add_mql(conn, external_id: str) -> None:
    """One more MQL of 2026-W48 (Wednesday 25.11., 10:00 in Oslo)."""
    conn.execute("INSERT INTO leads (external_id, name, created_at, mql_at, source) "
                 "VALUES (?, 'Late Lead', '2026-11-25T09:00:00Z', '2026-11-25T09:00:00Z', "
                 "'Organic search')", (external_id,))
    conn.commit()


@run_async
async def test_after_the_preload_a_move_shows_its_numbers_without_computing(demo, visits):
    app = SmarketingApp(demo, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await preloaded(pilot)  # every section's numbers are kept
        screen = app.screen
        kept = screen.numbers
        computed = kept.computed
        kept.hits = 0  # preloaded() looked them up
        assert computed == 3  # the marketing and the sales week, the scorecard
        shown = {}
        for name in ("marketing", "sales", "scorecard"):
            await go_to(pilot, WEEKLY[name])
            view = screen.current_view
            # Drawn from the kept numbers as it was shown: nothing awaited, nothing loading.
            assert view._waiting_for is None
            shown[name] = view
        assert visits == [] and kept.computed == computed and kept.hits == 3
        assert shown["marketing"].week.mqls is not None and shown["sales"].week is not None
        table = shown["scorecard"].query_one(DataTable)
        assert not table.loading and table.row_count == len(shown["scorecard"].card[
            "commitments"]) > 0
        # What the meeting saw is what it freezes at the end.
        assert screen.session.scorecard_shown is shown["scorecard"].card


@run_async
async def test_r_computes_again_and_forgets_every_other_sections_numbers(demo, visits):
    app = SmarketingApp(demo, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await preloaded(pilot)
        screen = app.screen
        await go_to(pilot, WEEKLY["marketing"])
        view = screen.current_view
        before = view.week.mqls
        scorecard_before = screen.numbers.get(next(
            key for key in screen.numbers._entries if key[0] == "scorecard")).value
        mqls_line = next(c for c in scorecard_before["commitments"] if c["id"] == "mql_volume")
        # A lead written through the meeting's own connection: the kept numbers cannot know.
        add_mql(screen.session.conn, "late-1")
        await go_to(pilot, WEEKLY["sales"])
        await go_to(pilot, WEEKLY["marketing"])
        assert view.week.mqls == before and visits == []  # kept until someone reloads
        await pilot.press("r")
        await wait_for(pilot, lambda: view._waiting_for is None, "the reloaded numbers")
        assert view.week.mqls == before + 1  # the one MQL added in W48
        assert visits == ["activity"]
        # The scorecard judged again too (the reload forgot it; the preload ran again): its
        # MQL line counts November, which holds W48's Wednesday: one more.
        await preloaded(pilot)
        await go_to(pilot, WEEKLY["scorecard"])
        card = screen.current_view.card
        assert card is not scorecard_before
        line = next(c for c in card["commitments"] if c["id"] == "mql_volume")
        assert line["actual"] == mqls_line["actual"] + 1


@run_async
async def test_an_import_under_the_meeting_is_seen_at_the_next_move(demo, visits):
    app = SmarketingApp(demo, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await preloaded(pilot)
        screen = app.screen
        await go_to(pilot, WEEKLY["marketing"])
        before = screen.current_view.week.mqls
        other = sqlite3.connect(demo.db_path)  # another process's connection, as an import's
        add_mql(other, "imported-1")
        other.close()
        await go_to(pilot, WEEKLY["sales"])   # kept numbers forgotten: computed on the visit
        await wait_for(pilot, lambda: screen.current_view._waiting_for is None, "sales")
        await preloaded(pilot)
        await go_to(pilot, WEEKLY["marketing"])
        view = screen.current_view
        assert view._waiting_for is None and view.week.mqls == before + 1
        assert visits == ["activity"]  # the sales visit; marketing came from the preload again


@run_async
async def test_a_section_whose_numbers_fail_shows_its_error_alone(demo, visits):
    sla = demo.sla_path.read_text(encoding="utf-8")
    # The SLA's custom metric reads a table the store does not have, and a commitment uses it.
    sla = sla.replace("      FROM leads\n      WHERE mql_at >= :start",
                      "      FROM no_such_table\n      WHERE mql_at >= :start")
    sla = sla.replace("commitments:\n", "commitments:\n"
                      "  - id: demo_asks\n    team: marketing\n"
                      "    description: Demo requests\n    metric: demo_requests\n"
                      "    period: week\n    comparison: \">=\"\n    target: 1\n\n", 1)
    demo.sla_path.write_text(sla, encoding="utf-8")
    app = SmarketingApp(demo, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await preloaded(pilot)
        screen = app.screen
        await go_to(pilot, WEEKLY["scorecard"])
        summary = str(screen.current_view.query_one("#scorecard-summary").render())
        assert summary.startswith("No scorecard:") and "no_such_table" in summary
        assert not screen.current_view.query_one(DataTable).loading
        for name in ("marketing", "sales"):
            await go_to(pilot, WEEKLY[name])
            view = screen.current_view
            assert view.week is not None
            assert "Could not" not in str(view.query_one("#activity-summary").render())
        assert visits == []  # all three from the preload


@run_async
async def test_a_section_visited_while_the_preload_computes_it_says_loading(demo, visits,
                                                                            monkeypatch):
    import smarketing_tui.scorecard as scorecard_module

    release = threading.Event()
    original = scorecard_module.build_scorecard

    def held(conn, *args, **kwargs):
        # A read transaction held open on the preload's connection meanwhile.
        conn.execute("BEGIN")
        conn.execute("SELECT COUNT(*) FROM leads").fetchone()
        release.wait(timeout=DEADLINE)
        conn.execute("COMMIT")
        return original(conn, *args, **kwargs)

    monkeypatch.setattr(scorecard_module, "build_scorecard", held)
    app = SmarketingApp(demo, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        key = next(job.key for job in section_numbers.preload_order(
            screen.session.agenda, 0, screen.session.settings, screen.session.period,
            lambda: None) if job.key[0] == "scorecard")
        await wait_for(pilot, lambda: screen.numbers.is_pending(key), "the preload")
        await go_to(pilot, WEEKLY["scorecard"])
        view = screen.current_view
        table = view.query_one(DataTable)
        assert table.loading and table.row_count == 0 and view._waiting_for == key
        assert str(view.query_one("#scorecard-summary").render()) == "Judging the SLA…"
        # A decision recorded meanwhile is stored at once: the preload only reads.
        saved = []
        screen._save(lambda: screen.session.record_decision("Keep the SLA", position=4),
                     saved.append)
        assert len(saved) == 1 and len(screen._saves) == 0
        release.set()
        await wait_for(pilot, lambda: view._waiting_for is None, "the preloaded scorecard")
        assert not table.loading and table.row_count > 0
        assert visits == []  # it waited for the preload rather than judging the SLA twice


@run_async
async def test_with_the_preload_off_every_visit_computes(demo, visits, monkeypatch):
    from smarketing_tui.tui.meeting_screen import MeetingScreen

    monkeypatch.setattr(MeetingScreen, "PRELOAD_NUMBERS", False)
    app = SmarketingApp(demo, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for name in ("marketing", "scorecard", "marketing"):
            await go_to(pilot, WEEKLY[name])
            await settle(pilot)
        assert app.screen.numbers is None
        assert visits == ["activity", "scorecard", "activity"]


def test_a_store_state_that_cannot_be_read_trusts_nothing_kept():
    broken = sqlite3.connect(":memory:")
    broken.close()  # reading its state now fails
    kept = SectionNumbers(lambda: store_state(broken))
    kept.finish(kept.begin(("a",)), Numbers(value=1))
    assert kept.check() is True and kept.get(("a",)) is None


@run_async
async def test_a_section_asking_what_another_is_computing_waits_for_its_answer(
        demo, visits, monkeypatch):
    import smarketing_tui.activity as activity_module
    from smarketing_tui.tui import meeting_screen

    # Two sections with the same question (marketing's week): the second is visited while
    # the first computes it; no preload (it would answer first).
    monkeypatch.setattr(meeting_screen, "PRELOAD_AFTER_SECONDS", DEADLINE * 10)
    agenda = demo.agendas_dir / "twice.yaml"
    agenda.write_text("title: Twice\ncadence: weekly\nminutes: 20\nsla: sla.yaml\n"
                      "sections:\n"
                      "  - {title: Check-in, type: checkin, minutes: 5}\n"
                      "  - {title: Marketing, type: activity, team: marketing, minutes: 5}\n"
                      "  - {title: Marketing again, type: activity, team: marketing, "
                      "minutes: 5}\n", encoding="utf-8")
    release = threading.Event()
    original = activity_module.marketing_week

    def held(*args, **kwargs):
        release.wait(timeout=DEADLINE)
        return original(*args, **kwargs)

    monkeypatch.setattr(activity_module, "marketing_week", held)
    app = SmarketingApp(demo, agenda_path=agenda, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await go_to(pilot, 1)
        first = screen.current_view
        await go_to(pilot, 2)
        second = screen.current_view
        assert second is not first and second._waiting_for is not None
        assert second.query_one("#activity-body").loading
        release.set()
        await wait_for(pilot, lambda: second._waiting_for is None, "the first one's answer")
        assert second.week is not None and visits == ["activity"]  # computed once


@run_async
async def test_numbers_that_came_while_the_section_was_left_show_on_return(demo, visits,
                                                                           monkeypatch):
    import smarketing_tui.scorecard as scorecard_module
    from smarketing_tui.tui import meeting_screen

    monkeypatch.setattr(meeting_screen, "PRELOAD_AFTER_SECONDS", DEADLINE * 10)  # no preload
    hold, release = threading.Event(), threading.Event()
    original = scorecard_module.build_scorecard

    def held(*args, **kwargs):
        if hold.is_set():
            release.wait(timeout=DEADLINE)
        return original(*args, **kwargs)

    monkeypatch.setattr(scorecard_module, "build_scorecard", held)
    app = SmarketingApp(demo, clock=FakeClock(NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await go_to(pilot, WEEKLY["scorecard"])
        view = screen.current_view
        await wait_for(pilot, lambda: view._waiting_for is None, "the first scorecard")
        first = view.card
        hold.set()
        await pilot.press("r")                   # judged again (held) ...
        await go_to(pilot, WEEKLY["issues"])     # ... and left before the answer
        release.set()
        key = view.numbers_job().key
        await wait_for(pilot, lambda: screen.numbers.get(key) is not None, "the answer")
        await go_to(pilot, WEEKLY["scorecard"])
        table = view.query_one(DataTable)
        assert view.card is not first and view.card is screen.numbers.get(key).value
        assert not table.loading and table.row_count == len(view.card["commitments"]) > 0
        assert visits == ["scorecard", "scorecard"]
