"""Engagements benchmark: the import beside sqlite3's .import, and prep with engagements.

    .venv/bin/python bench/bench_engagements.py                    # 5,000,000 on 1,000,000 leads
    .venv/bin/python bench/bench_engagements.py --rows 500000 --leads 100000 --runs 3

Builds bench/out/engagements-ws-<leads> once (bench/gen_store.py: <leads> leads of 12
sellers, their lead events, no deals) and bench/out/engagements-<rows>.csv (bench/
gen_engagements.py, the generic preset's columns), then, in one session:

* **import**: ``sqlite3 db ".import --csv FILE engagements"`` (the floor: parses
  nothing) beside ``smarketing import engagements FILE --preset generic`` into a copy of
  the workspace, each run on a fresh copy;
* **prep**: ``prep.load_my_numbers`` (what the prep screen waits for before its numbers
  and lead list show) for "Seller 01" on the workspace as it was, with today's prep (the
  open-lead list switched off, as main has it), and on the copy holding the engagements
  with the full prep (the lead list, its warmth and lines); alternately, medians.

Prints medians and ratios; nothing is asserted.
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
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from bench_import import fresh, timed, tool  # noqa: E402

PREP_CODE = """
import sys, time, statistics
from pathlib import Path
from smarketing_tui import prep
from smarketing_tui.agenda import load_agenda
from smarketing_tui.store import open_store
from smarketing_tui.timeutil import parse_utc
from smarketing_tui.workspace import Workspace
workspace = Workspace(Path(sys.argv[1]))
settings = workspace.settings()
agenda = load_agenda(workspace.agenda_path("weekly"), settings)
if sys.argv[2] == "today":
    prep._open_leads = lambda *args: None
db = open_store(workspace.db_path, settings)
as_of = parse_utc("2026-11-30T08:00:00Z")
started = time.perf_counter()
numbers = prep.load_my_numbers(db.conn, workspace, settings, agenda,
                               settings.person("Seller 01"), as_of)
print(time.perf_counter() - started, numbers.open_total, numbers.thin_total)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1, help="import runs (median reported)")
    parser.add_argument("--prep-runs", type=int, default=5)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    python = sys.executable
    template = OUT / f"engagements-ws-{args.leads}"
    if not (template / "data" / "smarketing.db").exists():
        print(f"building {template} (not timed) ...", flush=True)
        subprocess.run([python, str(BENCH / "gen_store.py"), "--leads", str(args.leads),
                        "--deals", "0", "--out", str(template)], check=True)
    csv_path = OUT / f"engagements-{args.rows}.csv"
    if not csv_path.exists():
        print(f"generating {csv_path} ...", flush=True)
        subprocess.run([python, str(BENCH / "gen_engagements.py"), str(args.rows),
                        str(csv_path), "--leads", str(args.leads)], check=True)
    print(f"{args.rows:,} engagements ({csv_path.stat().st_size / 1e6:.0f} MB) on "
          f"{args.leads:,} leads; host load {os.getloadavg()[0]:.2f}\n", flush=True)
    sqlite3, smarketing = tool("sqlite3"), tool("smarketing")
    env = dict(os.environ, SMARKETING_NOW="2026-11-30T08:00:00Z")
    env.pop("SMARKETING_WORKSPACE", None)

    floors, ours = [], []
    workspace = OUT / "engagements-bench-ws"
    for run in range(args.runs):
        db = fresh(OUT / "engagements-floor.db")
        floors.append(timed([sqlite3, str(db), f".import --csv {csv_path} engagements"]))
        fresh(workspace)
        shutil.copytree(template, workspace)
        ours.append(timed([smarketing, "--workspace", str(workspace), "import", "engagements",
                           str(csv_path), "--preset", "generic"], env))
        print(f"run {run + 1}: .import {floors[-1][0]:.1f} s, smarketing import "
              f"{ours[-1][0]:.1f} s (CPU {floors[-1][1]:.1f} s and {ours[-1][1]:.1f} s)",
              flush=True)
    floor = statistics.median(s for s, _, _ in floors)
    mine = statistics.median(s for s, _, _ in ours)
    cpu_floor = statistics.median(c for _, c, _ in floors)
    cpu_mine = statistics.median(c for _, c, _ in ours)
    print(f"\nimport: {mine:.1f} s against the floor's {floor:.1f} s = {mine / floor:.2f}× "
          f"(CPU {cpu_mine / cpu_floor:.2f}×; target within 5×); peak memory "
          f"{max(m for _, _, m in ours):.0f} MiB\n", flush=True)

    today, full = [], []
    for _ in range(args.prep_runs):  # alternately, so a load change hits both
        for side, path, results in (("today", template, today), ("full", workspace, full)):
            out = subprocess.run([python, "-c", PREP_CODE, str(path), side], check=True,
                                 capture_output=True, text=True, env=env).stdout.split()
            results.append((float(out[0]), int(out[1]), int(out[2])))
    t_today = statistics.median(s for s, _, _ in today)
    t_full = statistics.median(s for s, _, _ in full)
    print(f"prep (Seller 01: {full[0][1]:,} open leads, {full[0][2]:,} with too few touches): "
          f"today's {t_today:.2f} s (no engagements, no lead list), with "
          f"{args.rows:,} engagements and the lead list {t_full:.2f} s = "
          f"{t_full / t_today:.2f}× (target within 1.5×)")


if __name__ == "__main__":
    main()
