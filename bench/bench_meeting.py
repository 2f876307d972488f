"""Time the meeting screen: start-up beside a bare Textual app, and moving between sections.

    .venv/bin/python bench/gen_store.py               # once: the 1M-lead store (scorecard-ws)
    .venv/bin/python bench/bench_meeting.py [--runs 7] [--passes 3]

1. Start-up, headless, each in a fresh process (imports included), median of ``--runs``:
   ``smarketing run --new`` (the real command line: click, agenda check, the app run
   headless) on the demo workspace until the first full screen (meeting screen
   mounted, the first section's data loaded, painted) beside a bare Textual app showing
   one Static until its first paint. Target: within 1.5x of the bare app.
2. Moving between sections with the Pilot (120x40) on the 1,000,000-lead store: the time
   from the ``]`` action until the new section is on screen (the view mounted and painted;
   its numbers load in a worker), and separately until that worker has finished.
   Target: under 50 ms to move.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

BARE = """
import time, sys
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("Hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Bare().run(headless=True, size=(120, 40))
"""

MEETING = """
import sys
import smarketing_tui.tui.app as app_module
from smarketing_tui.cli import main

class Probe(app_module.SmarketingApp):
    def on_ready(self):
        self.set_interval(0.002, self._check)
    def _check(self):
        from smarketing_tui.tui.meeting_screen import MeetingScreen
        screen = self.screen
        if isinstance(screen, MeetingScreen) and screen.current_view is not None \\
                and screen.current_view.is_mounted \\
                and not any(w.is_running for w in self.workers):
            self.call_after_refresh(self.exit)

    def run(self, **kwargs):
        return super().run(headless=True, size=(120, 40))

app_module.SmarketingApp = Probe  # the real command line, with the app run headless
main(["--workspace", sys.argv[1], "run", "--new"])
"""


def _time_process(code: str, *args: str) -> float:
    # Bytecode caching on, as in a normal install (the warm-up run writes the .pyc files).
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SMARKETING_") and k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def bench_startup(runs: int) -> None:
    from smarketing_tui.demo import build_demo

    demo = OUT / "meeting-demo-ws"
    if not (demo / "smarketing.yaml").exists():
        shutil.rmtree(demo, ignore_errors=True)
        build_demo(demo)
    _time_process(BARE)  # warm the file cache once for both
    _time_process(MEETING, str(demo))
    bare, meeting = [], []
    for _ in range(runs):  # interleaved, so drift hits both alike
        bare.append(_time_process(BARE))
        meeting.append(_time_process(MEETING, str(demo)))
    b, m = statistics.median(bare), statistics.median(meeting)
    print(f"start-up to first full screen, headless, median of {runs} runs")
    print(f"  bare Textual app (one Static)    {b * 1000:8.1f} ms")
    print(f"  smarketing run (demo, weekly)    {m * 1000:8.1f} ms   ratio {m / b:4.2f}x "
          f"(target <= 1.50x)")


async def _walk_sections(workspace_root: Path, passes: int) -> tuple[list[float], list[float]]:
    from smarketing_tui.tui.app import SmarketingApp
    from smarketing_tui.workspace import Workspace

    app = SmarketingApp(Workspace(workspace_root), new_meeting=True)
    to_screen, to_data = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        screen = app.screen
        count = len(screen.session.sections)
        for _ in range(passes):
            while screen.session.current > 0:
                await pilot.press("left_square_bracket")
            await app.workers.wait_for_complete()
            for _ in range(count - 1):
                # The ']' key's action, timed until the new view is mounted and painted.
                # (Pilot.press waits until the whole process is idle, workers included,
                # so it cannot tell the move from the data loading behind it.)
                started = time.perf_counter()
                screen.action_next_section()
                await screen.mounting
                painted = asyncio.Event()
                screen.call_after_refresh(painted.set)
                await painted.wait()
                to_screen.append(time.perf_counter() - started)
                await app.workers.wait_for_complete()
                to_data.append(time.perf_counter() - started)
                if os.environ.get("BENCH_VERBOSE"):
                    print(f"    {screen.session.current_section.type:16} "
                          f"{to_screen[-1] * 1000:7.1f} {to_data[-1] * 1000:7.1f}")
        await pilot.press("q")
    return to_screen, to_data


async def _bare_swaps(count: int) -> list[float]:
    """The floor on this machine: a bare app swapping one Static for another in a container."""
    from textual.app import App
    from textual.containers import Container
    from textual.widgets import Static

    class Swapper(App):
        def compose(self):
            yield Container(Static("0"), id="host")

    app = Swapper()
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        host = app.query_one("#host")
        for n in range(count):
            started = time.perf_counter()
            host.remove_children()
            await host.mount(Static(f"section {n}"))
            painted = asyncio.Event()
            app.screen.call_after_refresh(painted.set)
            await painted.wait()
            times.append(time.perf_counter() - started)
    return times


def bench_sections(passes: int) -> None:
    source = OUT / "scorecard-ws"
    if not (source / "smarketing.yaml").exists():
        print(f"  (no {source}; run bench/gen_store.py first)")
        return
    leads = __import__("sqlite3").connect(source / "data" / "smarketing.db").execute(
        "SELECT COUNT(*) FROM leads").fetchone()[0]
    with tempfile.TemporaryDirectory() as tmp:
        # The meetings go into a copy of the agendas and settings, sharing the big store file.
        root = Path(tmp) / "ws"
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("*.db", "*.db-*"))
        (root / "data").mkdir(exist_ok=True)
        for name in ("smarketing.db",):
            os.link(source / "data" / name, root / "data" / name) \
                if _same_device(source, root) else shutil.copy2(source / "data" / name,
                                                                 root / "data" / name)
        to_screen, to_data = asyncio.run(_walk_sections(root, passes))
    floor = asyncio.run(_bare_swaps(max(len(to_screen), 10)))
    print(f"moving between sections with the Pilot, {leads:,} leads, {len(to_screen)} moves")
    print(f"  ] until the section is on screen  median {statistics.median(to_screen) * 1000:6.1f} "
          f"ms   max {max(to_screen) * 1000:6.1f} ms   (target < 50 ms)")
    print(f"  bare app: swap one Static         median {statistics.median(floor) * 1000:6.1f} "
          f"ms   (this machine's floor for any screen change)")
    print(f"  ] until its numbers have loaded   median {statistics.median(to_data) * 1000:6.1f} "
          f"ms   max {max(to_data) * 1000:6.1f} ms   (in a worker; the screen stays live)")


def _same_device(a: Path, b: Path) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--skip-startup", action="store_true")
    args = parser.parse_args()
    if not args.skip_startup:
        bench_startup(args.runs)
    bench_sections(args.passes)


if __name__ == "__main__":
    main()
