"""Import benchmark: our HubSpot import beside sqlite3's .import and sqlite-utils.

    .venv/bin/python bench/bench_import.py              # 1,000,000 rows, 3 runs each
    .venv/bin/python bench/bench_import.py --rows 100000 --runs 5

Generates bench/out/hubspot-<N>.csv once (bench/gen_hubspot.py, deterministic),
then times, each on a fresh database, in one session:

* ``sqlite3 db ".import --csv FILE leads"``: parses nothing, the floor;
* ``sqlite-utils insert db leads FILE --csv``: a general tool (one run when slow);
* ``smarketing import leads FILE --preset hubspot`` into a fresh workspace;
* the same import again into that workspace (every row unchanged).

Prints wall-clock medians, ratios, and our peak memory (ru_maxrss of the
child process). Nothing here is asserted: numbers are for reading.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
VENV_BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A tool from this virtualenv if it has one, else from PATH."""
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        sys.exit(f"bench_import: {name} not found; install it first")
    return found


def timed(command: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak resident MiB) of one child process (its output is
    discarded). CPU time (user + system) varies less than wall time on a busy machine."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"bench_import: {' '.join(command)} failed ({process.returncode}):\n{stderr}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def fresh(path: Path) -> Path:
    if path.is_dir():
        shutil.rmtree(path)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs per tool (median reported)")
    parser.add_argument("--sqlite-utils-runs", type=int, default=1,
                        help="runs of sqlite-utils insert (slow: one by default)")
    args = parser.parse_args()

    OUT.mkdir(exist_ok=True)
    csv_path = OUT / f"hubspot-{args.rows}.csv"
    if not csv_path.exists():
        print(f"generating {csv_path} ...", flush=True)
        subprocess.run([sys.executable, str(BENCH / "gen_hubspot.py"), str(args.rows),
                        str(csv_path)], check=True)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"{args.rows:,} HubSpot rows, {size_mb:.0f} MB, {args.runs} runs "
          f"(sqlite-utils: {args.sqlite_utils_runs}); host load {os.getloadavg()[0]:.2f}\n")

    sqlite3 = tool("sqlite3")
    sqlite_utils = tool("sqlite-utils")
    smarketing = tool("smarketing")
    env = dict(os.environ, SMARKETING_NOW="2026-11-30T08:00:00Z")
    env.pop("SMARKETING_WORKSPACE", None)

    results: dict[str, list[tuple[float, float, float]]] = {
        "sqlite3 .import": [], "sqlite-utils insert --csv": [], "smarketing import": [],
        "smarketing re-import (unchanged)": []}
    for run in range(args.runs):
        db = fresh(OUT / "floor.db")
        results["sqlite3 .import"].append(
            timed([sqlite3, str(db), f".import --csv {csv_path} leads"]))
        workspace = fresh(OUT / "bench-ws")
        subprocess.run([smarketing, "init", str(workspace)], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        command = [smarketing, "--workspace", str(workspace), "import", "leads", str(csv_path),
                   "--preset", "hubspot"]
        results["smarketing import"].append(timed(command, env))
        if run == 0:
            results["smarketing re-import (unchanged)"].append(timed(command, env))
        if run < args.sqlite_utils_runs:
            db = fresh(OUT / "sqlite-utils.db")
            results["sqlite-utils insert --csv"].append(
                timed([sqlite_utils, "insert", str(db), "leads", str(csv_path), "--csv"]))
        print(f"run {run + 1}: " + ", ".join(f"{name} {values[-1][0]:.2f} s"
                                             for name, values in results.items()
                                             if len(values) > run), flush=True)

    measured = {name: values for name, values in results.items() if values}
    medians = {name: statistics.median(s for s, _, _ in values)
               for name, values in measured.items()}
    cpus = {name: statistics.median(c for _, c, _ in values) for name, values in measured.items()}
    peaks = {name: max(m for _, _, m in values) for name, values in measured.items()}
    floor, cpu_floor = medians["sqlite3 .import"], cpus["sqlite3 .import"]
    print(f"\n{'':34s} {'median s':>9s} {'× .import':>10s} {'CPU s':>7s} {'× .import':>10s} "
          f"{'peak MiB':>9s}")
    for name, seconds in medians.items():
        print(f"{name:34s} {seconds:9.2f} {seconds / floor:10.2f} {cpus[name]:7.2f} "
              f"{cpus[name] / cpu_floor:10.2f} {peaks[name]:9.0f}")
    ours, utils = medians["smarketing import"], medians["sqlite-utils insert --csv"]
    print(f"\nsmarketing import is {ours / floor:.2f}× the .import floor (target ≤ 5×; CPU "
          f"{cpus['smarketing import'] / cpu_floor:.2f}×) and {utils / ours:.2f}× faster than "
          f"sqlite-utils (target ≥ 5×; CPU "
          f"{cpus['sqlite-utils insert --csv'] / cpus['smarketing import']:.2f}×); peak memory "
          f"{peaks['smarketing import']:.0f} MiB (target < 150 MB).")


if __name__ == "__main__":
    main()
