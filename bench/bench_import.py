"""Import benchmark: our HubSpot import beside sqlite3's .import and sqlite-utils.

    .venv/bin/python bench/bench_import.py              # 1,000,000 rows, 3 runs each
    .venv/bin/python bench/bench_import.py --rows 100000 --runs 5
    .venv/bin/python bench/bench_import.py --kind deals # 1,000,000 deals on 1,000,000 leads

Generates bench/out/hubspot-<N>.csv once (bench/gen_hubspot.py, deterministic),
then times, each on a fresh database, in one session:

* ``sqlite3 db ".import --csv FILE leads"``: parses nothing, the floor;
* ``sqlite-utils insert db leads FILE --csv``: a general tool (one run when slow);
* ``smarketing import leads FILE --preset hubspot`` into a fresh workspace;
* the same import again into that workspace (every row unchanged);
* with ``--baseline DIR``, the same import by the smarketing_tui package in DIR (e.g. an
  older commit's tree, ``git archive COMMIT smarketing_tui | tar -x -C DIR``), put first
  on PYTHONPATH: before and after side by side in one run.

With ``--kind deals`` the file is bench/out/deals-<N>.csv (bench/gen_deals.py: a
HubSpot deals export whose deals belong to the N contacts of hubspot-<N>.csv), and
``smarketing import deals FILE --preset hubspot`` runs on a copy of a workspace that
already holds those N leads (imported once, not timed): each deal's lead is looked
up, and the leads' won and lost dates derived. The floor is ``.import`` of the same
deals file; sqlite-utils is left out.

Prints wall-clock medians, ratios, and each child's peak memory, read from outside
(the high-water mark VmHWM in /proc/PID/status, polled while it runs): a child's own
ru_maxrss would start at the forking parent's size on Linux. Nothing here is
asserted: numbers are for reading.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
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


def _peak_kib(pid: int) -> int | None:
    """The process's resident high-water mark (VmHWM), None once it has exited."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


def timed(command: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak resident MiB) of one child process (its output is
    discarded). CPU time (user + system) varies less than wall time on a busy machine.

    The peak is the child's VmHWM, polled every 5 ms from this process until it exits
    (the high-water mark only grows, so the last reading is the peak but for the last
    few ms): ru_maxrss from wait4 would count the parent's pages the child was forked
    with."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env)
    peak = [0]
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            value = _peak_kib(process.pid)
            if value is not None:
                peak[0] = max(peak[0], value)
            done.wait(0.005)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    poller.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"bench_import: {' '.join(command)} failed ({process.returncode}):\n{stderr}")
    return seconds, usage.ru_utime + usage.ru_stime, peak[0] / 1024


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
    parser.add_argument("--sqlite-utils-runs", type=int, default=None,
                        help="runs of sqlite-utils insert (slow: one by default; none for deals)")
    parser.add_argument("--kind", choices=("leads", "deals"), default="leads")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a directory holding another smarketing_tui package to time too")
    args = parser.parse_args()
    if args.sqlite_utils_runs is None:
        args.sqlite_utils_runs = 1 if args.kind == "leads" else 0

    OUT.mkdir(exist_ok=True)
    leads_path = OUT / f"hubspot-{args.rows}.csv"
    if not leads_path.exists():
        print(f"generating {leads_path} ...", flush=True)
        subprocess.run([sys.executable, str(BENCH / "gen_hubspot.py"), str(args.rows),
                        str(leads_path)], check=True)
    csv_path, table = leads_path, "leads"
    if args.kind == "deals":
        csv_path, table = OUT / f"deals-{args.rows}.csv", "deals"
        if not csv_path.exists():
            print(f"generating {csv_path} ...", flush=True)
            subprocess.run([sys.executable, str(BENCH / "gen_deals.py"), str(args.rows),
                            str(csv_path)], check=True)
    size_mb = csv_path.stat().st_size / 1e6
    what = "HubSpot rows" if args.kind == "leads" else "HubSpot deals"
    print(f"{args.rows:,} {what}, {size_mb:.0f} MB, {args.runs} runs "
          f"(sqlite-utils: {args.sqlite_utils_runs}); host load {os.getloadavg()[0]:.2f}\n")

    sqlite3 = tool("sqlite3")
    sqlite_utils = tool("sqlite-utils")
    smarketing = tool("smarketing")
    env = dict(os.environ, SMARKETING_NOW="2026-11-30T08:00:00Z")
    env.pop("SMARKETING_WORKSPACE", None)
    template = None
    if args.kind == "deals":  # a workspace holding the deals' leads, copied for each run
        template = OUT / f"deals-template-{args.rows}"
        if not (template / "data" / "smarketing.db").exists():
            print(f"importing {leads_path} into {template} (not timed) ...", flush=True)
            fresh(template)
            subprocess.run([smarketing, "init", str(template)], check=True, env=env,
                           stdout=subprocess.DEVNULL)
            subprocess.run([smarketing, "--workspace", str(template), "import", "leads",
                            str(leads_path), "--preset", "hubspot"], check=True, env=env,
                           stdout=subprocess.DEVNULL)

    results: dict[str, list[tuple[float, float, float]]] = {
        "sqlite3 .import": [], "sqlite-utils insert --csv": [], "smarketing import": [],
        "smarketing re-import (unchanged)": []}
    baseline_env = None
    if args.baseline is not None:
        if not (args.baseline / "smarketing_tui" / "__init__.py").exists():
            sys.exit(f"bench_import: no smarketing_tui package in {args.baseline}")
        baseline_env = dict(env, PYTHONPATH=str(args.baseline.resolve()))
        results["baseline import"] = []
    for run in range(args.runs):
        db = fresh(OUT / f"floor-{args.kind}-{args.rows}.db")
        results["sqlite3 .import"].append(
            timed([sqlite3, str(db), f".import --csv {csv_path} {table}"]))
        workspace = fresh(OUT / f"bench-ws-{args.kind}-{args.rows}")
        if template is not None:
            shutil.copytree(template, workspace)
        else:
            subprocess.run([smarketing, "init", str(workspace)], check=True, env=env,
                           stdout=subprocess.DEVNULL)
        command = [smarketing, "--workspace", str(workspace), "import", args.kind,
                   str(csv_path), "--preset", "hubspot"]
        if baseline_env is not None:  # first, on its own fresh copy
            results["baseline import"].append(timed(command, baseline_env))
            fresh(workspace)
            if template is not None:
                shutil.copytree(template, workspace)
            else:
                subprocess.run([smarketing, "init", str(workspace)], check=True, env=env,
                               stdout=subprocess.DEVNULL)
        results["smarketing import"].append(timed(command, env))
        if run == 0:
            results["smarketing re-import (unchanged)"].append(timed(command, env))
        if run < args.sqlite_utils_runs:
            db = fresh(OUT / f"sqlite-utils-{args.rows}.db")
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
    ours = medians["smarketing import"]
    line = (f"\nsmarketing import is {ours / floor:.2f}× the .import floor (CPU "
            f"{cpus['smarketing import'] / cpu_floor:.2f}×)")
    if "sqlite-utils insert --csv" in medians:
        utils = medians["sqlite-utils insert --csv"]
        line += (f" and {utils / ours:.2f}× faster than sqlite-utils (target ≥ 5×; CPU "
                 f"{cpus['sqlite-utils insert --csv'] / cpus['smarketing import']:.2f}×)")
    if "baseline import" in cpus:
        line += (f"; the baseline is {cpus['baseline import'] / cpu_floor:.2f}× (CPU), "
                 f"this {cpus['baseline import'] / cpus['smarketing import']:.2f}× faster")
    print(f"{line}; peak memory {peaks['smarketing import']:.0f} MiB (target < 150 MB). "
          "Targets: within 5× of the floor at 1,000,000 rows, 3× at 100,000.")


if __name__ == "__main__":
    main()
