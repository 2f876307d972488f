"""A meeting write during a large import: how long it waits for the store's write lock.

    .venv/bin/python bench/bench_busy.py                 # 1,000,000 rows, 2 runs each
    .venv/bin/python bench/bench_busy.py --rows 200000 --runs 3
    .venv/bin/python bench/bench_busy.py --before /tmp/old-checkout

Generates bench/out/hubspot-<N>.csv once (bench/gen_hubspot.py). Each run imports it
with ``smarketing import leads --preset hubspot`` into a fresh workspace, in a child
process, while this process writes one small row every 0.25 s from its own
connection (busy timeout 120 s, so a wait is measured, never lost) until the import
ends. Printed: the import's wall time and the median and longest wait of a write.

With ``--before DIR`` (a folder holding an older ``smarketing_tui`` package, e.g.
``git archive <commit> smarketing_tui | tar -x -C DIR``) the same runs are made with
that code too, in the same session, side by side. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
WRITE_EVERY = 0.25


def smarketing(code: Path, *args: str, env: dict) -> list[str]:
    return [sys.executable, "-c",
            f"import sys; sys.path.insert(0, {str(code)!r}); "
            "from smarketing_tui.cli import main; sys.exit(main())", *args]


def one_run(code: Path, csv_path: Path, env: dict) -> tuple[float, list[float]]:
    workspace = OUT / "busy-ws"
    shutil.rmtree(workspace, ignore_errors=True)
    subprocess.run(smarketing(code, "init", str(workspace), env=env), check=True, env=env,
                   stdout=subprocess.DEVNULL)
    store = workspace / "data" / "smarketing.db"
    writer = sqlite3.connect(store, timeout=120, isolation_level=None)
    writer.execute("PRAGMA busy_timeout = 120000")
    writer.execute("CREATE TABLE bench_writes (id INTEGER PRIMARY KEY, waited REAL)")
    started = time.perf_counter()
    child = subprocess.Popen(smarketing(code, "--workspace", str(workspace), "import", "leads",
                                        str(csv_path), "--preset", "hubspot", env=env),
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    waits = []
    while child.poll() is None:
        before = time.perf_counter()
        writer.execute("INSERT INTO bench_writes (waited) VALUES (0)")
        waits.append(time.perf_counter() - before)
        time.sleep(WRITE_EVERY)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"import failed: {child.stderr.read().decode()}")
    leads = writer.execute("SELECT count(*) FROM leads").fetchone()[0]
    writer.close()
    print(f"  {code.name}: import {seconds:.2f} s, {leads:,} leads; {len(waits)} writes, "
          f"median wait {statistics.median(waits):.3f} s, longest {max(waits):.3f} s",
          flush=True)
    return seconds, waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--before", type=Path, help="a folder holding older code to compare")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    csv_path = OUT / f"hubspot-{args.rows}.csv"
    if not csv_path.exists():
        print(f"generating {csv_path} ...", flush=True)
        subprocess.run([sys.executable, str(BENCH / "gen_hubspot.py"), str(args.rows),
                        str(csv_path)], check=True)
    env = dict(os.environ, SMARKETING_NOW="2026-11-30T08:00:00Z")
    env.pop("SMARKETING_WORKSPACE", None)
    codes = [args.before.resolve()] if args.before else []
    codes.append(ROOT)
    results: dict[Path, list[tuple[float, list[float]]]] = {code: [] for code in codes}
    print(f"{args.rows:,} rows, {args.runs} runs; host load {os.getloadavg()[0]:.2f}")
    for run in range(args.runs):
        print(f"run {run + 1}:")
        for code in codes:
            results[code].append(one_run(code, csv_path, env))
    print(f"\n{'code':28s} {'import s':>9s} {'writes':>7s} {'median wait s':>14s} "
          f"{'longest wait s':>15s}")
    for code, runs in results.items():
        waits = [w for _, ws in runs for w in ws]
        print(f"{code.name:28s} {statistics.median(s for s, _ in runs):9.2f} {len(waits):7d} "
              f"{statistics.median(waits):14.3f} {max(waits):15.3f}")


if __name__ == "__main__":
    main()
