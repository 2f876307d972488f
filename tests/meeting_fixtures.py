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
