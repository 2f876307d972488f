"""Helpers shared by the meeting tests: a hand-made agenda and a clock the test moves."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

# Three sections, 10 minutes planned: 2 + 3 + 4 = 9 minutes of timeboxes.
SMALL_AGENDA = textwrap.dedent("""\
    title: Small weekly
    cadence: weekly
    minutes: 10
    sections:
      - title: Check-in
        type: checkin
        minutes: 2
      - title: Marketing activity
        type: activity
        team: marketing
        minutes: 3
      - title: Open floor
        type: discussion
        minutes: 4
    """)


def write_small_agenda(agendas_dir: Path, name: str = "small.yaml") -> Path:
    path = agendas_dir / name
    path.write_text(SMALL_AGENDA, encoding="utf-8")
    return path


class FakeClock:
    """A clock that only moves when the test says so."""

    def __init__(self, start: str = "2026-11-23T08:00:00Z") -> None:
        self.now = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def run_async(test):
    """Run an ``async def`` test with asyncio.run (the suite has no asyncio plugin)."""
    import asyncio
    import functools

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper


# The demo meeting the section tests walk: the demo built as of this moment (a Monday,
# 09:00 in Oslo), its weekly agenda's sections by name, and the two sizes they are drawn at.
DEMO_NOW = "2026-11-23T08:00:00Z"
WEEKLY = {"checkin": 0, "action_review": 1, "marketing": 2, "sales": 3, "scorecard": 4,
          "issues": 5, "wrapup": 6}


def demo_app(workspace, agenda: str = "weekly.yaml"):
    """The meeting app on one of the demo workspace's agendas, its clock stopped at DEMO_NOW."""
    from smarketing_tui.tui.app import SmarketingApp

    return SmarketingApp(workspace, agenda_path=workspace.agendas_dir / agenda,
                         clock=FakeClock(DEMO_NOW))


SETTLE_DEADLINE_SECONDS = 120  # generous: a busy machine is slow, never wrong


async def walk_to(pilot, section: str) -> None:
    """From the demo weekly meeting's first section to ``section`` (a key of WEEKLY), one
    ``]`` at a time, letting each view settle as a facilitator would."""
    for _ in range(WEEKLY[section]):
        await pilot.press("right_square_bracket")
        await settle(pilot)


async def settle(pilot) -> None:
    """Let the screen come to rest: a section view mounts (and starts its worker) a moment
    after the key that shows it, and a worker's answer may start another, so wait until
    two rounds in a row (a pause, then every worker finished) find no worker running."""
    import time

    deadline = time.monotonic() + SETTLE_DEADLINE_SECONDS
    quiet_rounds = 0
    while quiet_rounds < 2:
        await pilot.pause()
        running = [w for w in pilot.app.workers if not w.is_finished]
        quiet_rounds = 0 if running else quiet_rounds + 1
        await pilot.app.workers.wait_for_complete()
        if time.monotonic() > deadline:
            raise AssertionError(f"still busy after {SETTLE_DEADLINE_SECONDS} s: {running}")
    await pilot.pause()
