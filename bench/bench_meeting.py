"""Time the meeting screen: start-up beside a bare Textual app, and moving between sections.

    .venv/bin/python bench/gen_store.py               # once: the 1M-lead store (scorecard-ws)
    .venv/bin/python bench/bench_meeting.py [--runs 7] [--passes 3]

1. Start-up, headless, each in a fresh process (imports included), interleaved, medians
   of ``--runs``: ``smarketing run --new`` (the real command line: click, agenda check, the
   app run headless) on the demo workspace until its first full screen (meeting screen
   mounted, the first section's view mounted, every worker but the background preload
   finished, then the next paint), with the preload of every section's numbers off and
   on, beside a bare Textual app showing one Static until its first paint. Each child
   writes the wall clock and its CPU time at that paint; the parent subtracts the spawn
   time. The whole process (its exit included) is shown too. Target: within 1.5x of the
   bare app, and the preload no slower. ``--startup-big`` also times the meeting on the
   1,000,000-lead store, preload off and on. ``--startup-only`` stops here.
2. Moving between sections with the Pilot (120x40) on the 1,000,000-lead store, the walk
   run twice in one go: with the preload off (every section computes its numbers when it
   is shown: the code before) and on (``--preload`` picks one). ``]`` pressed with
   ``pilot.press``; timed from the key until the first paint after the new view is
   mounted, and until the first paint with its numbers (the view waits for none); medians,
   95th percentiles (nearest rank) and maxima side by side, the moves in the first 10 s
   after the meeting opened apart from the later ones. ``--opening-seconds 12`` waits on
   the first section first (a room on its check-in), so every first visit comes after the
   preload. Between moves the bench waits 1.2 s, as a room reading the section (the
   screen runs the garbage collector one second after a move). Targets: under 50 ms to
   move; key to numbers under 100 ms at the 95th percentile after the first ten seconds.
3. Memory over ``--memory-passes`` passes forward and back over the weekly agenda on the
   same store: the process's resident memory (VmRSS, after a full garbage collection) at
   the start and after each pass (each pass ends with a 1.3 s pause on the first section,
   so the screen's own collection one second after a move runs, as in a meeting). Target: flat (after the last pass within a few MB of
   after the second).

Everything runs at a fixed moment (BENCH_NOW, through SMARKETING_NOW and the app's clock;
the start-up's demo is built as of it), so the meeting reviews the same week on every run,
whatever the day.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
# Monday 09:00 in Oslo: the meeting reviews 2026-W48 (23.-29.11), the last full week of the
# store bench/gen_store.py builds (its data ends on 2026-11-28).
BENCH_NOW = "2026-11-30T08:00:00Z"
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

# Both children write, at their first full screen, the wall clock and the CPU time the
# process has used so far to the file named by BENCH_REPORT; then they exit.
REPORT = """
def report_first_screen():
    import os, time
    with open(os.environ["BENCH_REPORT"], "w") as out:
        out.write(f"{time.time()!r} {time.process_time()!r}")
"""

BARE = REPORT + """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("Hello")
    def on_mount(self):
        self.call_after_refresh(self.painted)
    def painted(self):
        report_first_screen()
        self.exit()
Bare().run(headless=True, size=(120, 40))
"""

MEETING = REPORT + """
import os
import sys
from importlib.machinery import PathFinder


def install_probe(app_module):
    class Probe(app_module.SmarketingApp):
        def on_ready(self):
            super().on_ready()
            # Checked at once (the bare app has no poll either), then every 2 ms until done.
            self._check()
            if not self._done:
                self._poll = self.set_interval(0.002, self._check)
        def _check(self):
            from smarketing_tui.tui.meeting_screen import MeetingScreen
            screen = self.screen
            # Every worker but the background preload of the other sections' numbers
            # (pending ones count too).
            if isinstance(screen, MeetingScreen) and screen.current_view is not None \\
                    and screen.current_view.is_mounted and not self._done \\
                    and all(w.is_finished for w in self.workers if w.group != "preload"):
                self._done = True
                self.call_after_refresh(self.painted)
        _done = False
        def painted(self):
            report_first_screen()
            self.exit()

        def run(self, **kwargs):
            return super().run(headless=True, size=(120, 40))

    app_module.SmarketingApp = Probe  # the real command line, with the app run headless


def set_preload(screen_module):
    screen_module.MeetingScreen.PRELOAD_NUMBERS = os.environ["BENCH_PRELOAD"] == "1"


def headless_run(commands_module):
    # The app runs headless here, its output thrown away: no terminal to ask for.
    commands_module.require_terminal = lambda command: None


class ProbeInstaller:
    # Swaps in the probe when the command imports the app module (and sets the preload
    # switch when it imports the screen's), so that the probe does not import Textual
    # before the command line runs (the real command imports it late).
    patches = {"smarketing_tui.tui.app": install_probe,
               "smarketing_tui.tui.meeting_screen": set_preload,
               "smarketing_tui.commands.meeting_cmds": headless_run}

    @staticmethod
    def find_spec(name, path=None, target=None):
        patch = ProbeInstaller.patches.pop(name, None)
        if patch is None:
            return None
        if not ProbeInstaller.patches:
            sys.meta_path.remove(ProbeInstaller)
        spec = PathFinder.find_spec(name, path)
        exec_module = spec.loader.exec_module
        def exec_and_patch(module):
            exec_module(module)
            patch(module)
        spec.loader.exec_module = exec_and_patch
        return spec


sys.meta_path.insert(0, ProbeInstaller)
from smarketing_tui.cli import main
main(["--workspace", sys.argv[1], "run", "--new"])
"""


def _time_process(code: str, *args: str, preload: bool = True) -> tuple[float, float, float]:
    """(wall seconds from spawn to the first full screen, CPU seconds the child had used by
    then, wall seconds of the whole process including its exit); ``preload``: the meeting
    screen's background preload of every section's numbers on or off."""
    # Bytecode caching on, as in a normal install (the warm-up run writes the .pyc files).
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SMARKETING_") and k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        env["BENCH_REPORT"] = report = os.path.join(tmp, "first-screen")
        env["BENCH_PRELOAD"] = "1" if preload else "0"
        env["SMARKETING_NOW"] = BENCH_NOW  # the same week reviewed on every run
        started = time.time()
        subprocess.run([sys.executable, "-c", code, *args], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        ended = time.time()
        painted, cpu = (float(x) for x in Path(report).read_text().split())
    return painted - started, cpu, ended - started


def bench_startup(runs: int) -> None:
    from smarketing_tui.demo import build_demo

    from smarketing_tui.timeutil import parse_utc

    # The demo as of BENCH_NOW (its 12 weeks end there), named for that day.
    moment = parse_utc(BENCH_NOW)
    demo = OUT / f"meeting-demo-ws-{moment.date().isoformat()}"
    if not (demo / "smarketing.yaml").exists():
        shutil.rmtree(demo, ignore_errors=True)
        build_demo(demo, now=moment)
    _time_process(BARE)  # warm the file cache once for both
    _time_process(MEETING, str(demo))
    bare, off, on = [], [], []
    for _ in range(runs):  # interleaved, so drift hits all alike
        bare.append(_time_process(BARE))
        off.append(_time_process(MEETING, str(demo), preload=False))
        on.append(_time_process(MEETING, str(demo), preload=True))
    print(f"start-up on the demo, headless, 120x40, median of {runs} runs (interleaved)")
    print(f"  {'':34}{'bare app':>10}{'preload off':>13}{'preload on':>12}"
          f"{'ratio off':>11}{'ratio on':>10}")
    for index, what in enumerate(("spawn to first full screen, wall",
                                  "CPU used by the first full screen",
                                  "whole process (exit included)")):
        b = statistics.median(r[index] for r in bare)
        f = statistics.median(r[index] for r in off)
        n = statistics.median(r[index] for r in on)
        print(f"  {what:34}{b * 1000:8.1f}ms{f * 1000:11.1f}ms{n * 1000:10.1f}ms"
              f"{f / b:10.2f}x{n / b:9.2f}x")
    print("  target: first full screen within 1.50x of the bare app, the preload no slower")


def bench_startup_big(runs: int) -> None:
    """The same start-up on the 1,000,000-lead store (its first section is the check-in; the
    preload then computes the scorecard and both teams' weeks behind it)."""
    def walk(root: Path):
        async def timed():
            _time_process(MEETING, str(root))  # warm
            rows = {False: [], True: []}
            for _ in range(runs):
                for preload in (False, True):
                    rows[preload].append(_time_process(MEETING, str(root), preload=preload))
            return rows
        return timed()

    found = _with_big_store(walk)
    if found is None:
        return
    leads, rows = found
    print(f"start-up on {leads:,} leads, headless, 120x40, median of {runs} runs (interleaved)")
    print(f"  {'':34}{'preload off':>13}{'preload on':>12}{'on/off':>9}")
    for index, what in enumerate(("spawn to first full screen, wall",
                                  "CPU used by the first full screen",
                                  "whole process (exit included)")):
        f = statistics.median(r[index] for r in rows[False])
        n = statistics.median(r[index] for r in rows[True])
        print(f"  {what:34}{f * 1000:11.1f}ms{n * 1000:10.1f}ms{n / f:8.2f}x")


READING_SECONDS = 1.2  # between moves: the room reads the section (the screen collects
                       # its garbage one second after a move, as in a real meeting)


FIRST_SECONDS = 10.0  # moves this soon after the meeting opened are reported apart


class Move(NamedTuple):
    number: int         # the pass
    kind: str           # the section type moved to
    since_open: float   # seconds from the meeting's first screen to the key
    on_screen: float    # ms from the key to the first paint with the new view
    numbers: float      # ms from the key to the first paint with its numbers
    ui_cpu: float       # CPU ms of the UI thread from the key to the view on screen
    numbers_cpu: float  # CPU ms of the UI thread from the key to its numbers on screen


async def _numbers_shown(screen) -> None:
    """Until the current view shows its numbers (it waits for none), then its next paint."""
    if screen.mounting is not None:
        await screen.mounting
    while screen.current_view._waiting_for is not None:
        await asyncio.sleep(0.001)
    painted = asyncio.Event()
    screen.call_after_refresh(painted.set)
    await painted.wait()


async def _walk_sections(workspace_root: Path, passes: int, preload: bool,
                         opening: float = 0.0) -> tuple[list[Move], dict]:
    """Every move of ``passes`` walks forward over the weekly agenda, the first ``opening``
    seconds after the meeting opened (the room on the check-in); and what the kept numbers
    counted (hits, computed)."""
    from smarketing_tui.commands.meeting_cmds import _freeze_startup_objects
    from smarketing_tui.tui.app import SmarketingApp
    from smarketing_tui.tui.meeting_screen import MeetingScreen
    from smarketing_tui.workspace import Workspace

    MeetingScreen.PRELOAD_NUMBERS = preload
    app = SmarketingApp(Workspace(workspace_root), new_meeting=True, clock=_bench_clock())
    _freeze_startup_objects()  # as `smarketing run` does before the app runs
    moves = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        if not isinstance(screen, MeetingScreen):
            raise SystemExit(f"the meeting did not open: {app.error}")
        await _numbers_shown(screen)  # the first section; the preload (if on) goes on
        opened = time.perf_counter()
        count = len(screen.session.sections)
        await asyncio.sleep(opening)
        for number in range(passes):
            while screen.session.current > 0:
                await pilot.press("left_square_bracket")
                await _numbers_shown(screen)
            await asyncio.sleep(READING_SECONDS)
            for _ in range(count - 1):
                # The ']' key pressed with the Pilot (driver -> bindings -> action). Pilot.press
                # returns only when the process is idle, i.e. after the section's worker too,
                # so the move is timed from the key to the first paint after the new view
                # was mounted, and to its numbers separately.
                old_view = screen.current_view
                started, started_cpu = time.perf_counter(), time.thread_time()
                press = asyncio.ensure_future(pilot.press("right_square_bracket"))
                while screen.current_view is old_view:
                    await asyncio.sleep(0)
                await screen.mounting
                painted = asyncio.Event()
                screen.call_after_refresh(painted.set)
                await painted.wait()
                on_screen = time.perf_counter() - started
                ui_cpu = time.thread_time() - started_cpu  # the event loop's thread only
                await _numbers_shown(screen)
                with_numbers = time.perf_counter() - started
                numbers_cpu = time.thread_time() - started_cpu
                await press
                kind = screen.session.current_section.type
                moves.append(Move(number, kind, started - opened, on_screen * 1000,
                                  with_numbers * 1000, ui_cpu * 1000, numbers_cpu * 1000))
                if os.environ.get("BENCH_VERBOSE"):
                    print(f"    preload {'on ' if preload else 'off'} pass {number} "
                          f"{kind:16} {started - opened:5.1f}s {on_screen * 1000:7.1f} "
                          f"{with_numbers * 1000:7.1f}")
                await asyncio.sleep(READING_SECONDS)
        kept = screen.numbers
        counts = {"hits": kept.hits, "computed": kept.computed} if kept else {}
        await app.workers.wait_for_complete()
        await pilot.press("q")
    MeetingScreen.PRELOAD_NUMBERS = True
    return moves, counts


def _bench_clock():
    """The app's clock stopped at BENCH_NOW (and SMARKETING_NOW for the domain code)."""
    from smarketing_tui.timeutil import parse_utc

    os.environ["SMARKETING_NOW"] = BENCH_NOW
    moment = parse_utc(BENCH_NOW)
    return lambda: moment


def resident_mb() -> float:
    """VmRSS of this process in MB, after a full garbage collection."""
    import gc

    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _memory_walk(workspace_root: Path, passes: int) -> list[float]:
    """Resident MB at the start, then after each pass forward and back over the agenda
    (each move waits for the section's worker, as a room would see its numbers)."""
    from smarketing_tui.commands.meeting_cmds import _freeze_startup_objects
    from smarketing_tui.tui.app import SmarketingApp
    from smarketing_tui.tui.meeting_screen import COLLECT_AFTER_SECONDS
    from smarketing_tui.workspace import Workspace

    app = SmarketingApp(Workspace(workspace_root), new_meeting=True, clock=_bench_clock())
    _freeze_startup_objects()
    sizes = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        screen = app.screen
        count = len(screen.session.sections)
        sizes.append(resident_mb())
        for _ in range(passes):
            for key in ["right_square_bracket"] * (count - 1) + ["left_square_bracket"] * (
                    count - 1):
                await pilot.press(key)
                await screen.mounting
                await pilot.pause()
                await app.workers.wait_for_complete()
            # The room reads the first section a moment: the screen's collection after a
            # move (COLLECT_AFTER_SECONDS) runs, as it does between moves in a meeting.
            await asyncio.sleep(COLLECT_AFTER_SECONDS + 0.3)
            sizes.append(resident_mb())
        await pilot.press("q")
    return sizes


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


def _with_big_store(walk):
    """Run ``walk(workspace_root)`` on a copy of the 1M-lead workspace's agendas and
    settings sharing its store file; returns (lead count, walk's result) or None."""
    source = OUT / "scorecard-ws"
    if not (source / "smarketing.yaml").exists():
        print(f"  (no {source}; run bench/gen_store.py first)")
        return None
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
        return leads, asyncio.run(walk(root))


def bench_memory(passes: int) -> None:
    found = _with_big_store(lambda root: _memory_walk(root, passes))
    if found is None:
        return
    leads, sizes = found
    print(f"memory (VmRSS after gc.collect), 120x40, {leads:,} leads, {passes} passes forward "
          "and back over the weekly agenda")
    marks = [0, 1, 2, 5, 10, 20, passes]
    print("  " + ", ".join(f"{'start' if n == 0 else f'pass {n}'} {sizes[n]:.1f} MB"
                           for n in dict.fromkeys(marks) if n < len(sizes)))
    if len(sizes) > 2:
        per_pass = (sizes[-1] - sizes[2]) / max(1, len(sizes) - 3)
        print(f"  after pass {passes} minus after pass 2: {sizes[-1] - sizes[2]:+.1f} MB "
              f"({per_pass:+.2f} MB per pass; target: flat, within a few MB)")


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank (of 20 moves, the 19th fastest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def bench_sections(passes: int, modes: tuple[bool, ...] = (False, True),
                   opening: float = 0.0) -> None:
    """The walk with the preload off (every section computes its numbers when shown, the
    code before) and on, one after the other on the same store, side by side."""
    from smarketing_tui.section_numbers import KEPT_TYPES

    def walks(root: Path):
        async def both():
            return {preload: await _walk_sections(root, passes, preload, opening)
                    for preload in modes}
        return both()

    found = _with_big_store(walks)
    if found is None:
        return
    leads, results = found
    floor = asyncio.run(_bare_swaps(10 * passes))
    print(f"moving between sections with the Pilot (] key), 120x40, {leads:,} leads, "
          f"{passes} pass(es) over the weekly agenda (the first {opening:.0f} s after the "
          "meeting opened), with the preload " + " and ".join(
              "on" if m else "off" for m in modes))
    names = {False: "preload off", True: "preload on"}
    print(f"  {'ms (median / p95 / max; n moves)':46}" + "".join(
        f"{names[m]:>26}" for m in modes))

    def row(label: str, pick, rows_of, note: str = "") -> None:
        cells = []
        for mode in modes:
            values = [pick(m) for m in rows_of(results[mode][0])]
            cells.append(f"{statistics.median(values):7.1f} {p95(values):7.1f} "
                         f"{max(values):7.1f} ({len(values):2})" if values else f"{'–':>26}")
        print(f"  {label:46}" + "".join(f"{c:>26}" for c in cells) + note)

    every = lambda moves: moves  # noqa: E731
    early = lambda moves: [m for m in moves if m.since_open < FIRST_SECONDS]  # noqa: E731
    later = lambda moves: [m for m in moves if m.since_open >= FIRST_SECONDS]  # noqa: E731
    store = lambda moves: [m for m in moves if m.kind in KEPT_TYPES]  # noqa: E731
    store_later = lambda moves: [m for m in later(moves) if m.kind in KEPT_TYPES]  # noqa: E731
    row("key to section on screen, all moves", lambda m: m.on_screen, every,
        "   (target < 50 ms)")
    row("  UI-thread CPU of that (steadier)", lambda m: m.ui_cpu, every)
    row(f"key to numbers on screen, first {FIRST_SECONDS:.0f} s", lambda m: m.numbers, early)
    row(f"key to numbers on screen, after {FIRST_SECONDS:.0f} s", lambda m: m.numbers, later,
        "   (target p95 < 100 ms)")
    row("  of which sections of store numbers", lambda m: m.numbers, store_later)
    row("  UI-thread CPU of that (steadier)", lambda m: m.numbers_cpu, store_later)
    row("key to numbers, store sections, all moves", lambda m: m.numbers, store)
    for mode in modes:
        counts = results[mode][1]
        if counts:
            print(f"  {names[mode]}: kept numbers served {counts['hits']} times, "
                  f"{counts['computed']} computed")
    print(f"  {'bare app: swap one Static (the floor)':46}"
          f"{statistics.median(floor) * 1000:7.1f}")
    for mode in modes:
        by_kind: dict[str, list[float]] = {}
        for move in later(results[mode][0]):
            by_kind.setdefault(move.kind, []).append(move.numbers)
        print(f"  {names[mode]}, after {FIRST_SECONDS:.0f} s, median ms to numbers by type: "
              + ", ".join(f"{kind} {statistics.median(t):.0f}" for kind, t in by_kind.items()))


def _same_device(a: Path, b: Path) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--memory-passes", type=int, default=30,
                        help="passes for the memory walk (0: skip it)")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--skip-moves", action="store_true")
    parser.add_argument("--startup-only", action="store_true",
                        help="time the start-up only (no 1,000,000-lead store needed)")
    parser.add_argument("--startup-big", action="store_true",
                        help="time the start-up on the 1,000,000-lead store too")
    parser.add_argument("--opening-seconds", type=float, default=0.0,
                        help="wait this long on the first section before the walks (a "
                             "room on the check-in: every first visit after the preload)")
    parser.add_argument("--preload", choices=("off", "on", "both"), default="both",
                        help="the moves with the background preload off, on, or both "
                             "side by side (default)")
    args = parser.parse_args()
    if not args.skip_startup:
        bench_startup(args.runs)
        if args.startup_big:
            bench_startup_big(args.runs)
    if args.startup_only:
        return
    if not args.skip_moves:
        modes = {"off": (False,), "on": (True,), "both": (False, True)}[args.preload]
        bench_sections(args.passes, modes, args.opening_seconds)
    if args.memory_passes > 0:
        bench_memory(args.memory_passes)


if __name__ == "__main__":
    main()
