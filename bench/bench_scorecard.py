"""Time the SLA scorecard against hand-written SQL for the same numbers.

    .venv/bin/python bench/gen_store.py            # once: 1M leads, 5M events
    .venv/bin/python bench/bench_scorecard.py [--period 2026-10] [--runs 7]

Three pairs, each the median of ``--runs`` runs, side by side with ratios:

1. the engine in-process (``build_scorecard`` on a fresh read-only connection)
   vs the hand-written SQL in-process (Python's sqlite3, same file, fresh connection);
2. the whole ``smarketing scorecard --format json --period P`` command (a subprocess)
   vs the same hand-written SQL run by the ``sqlite3`` shell;
3. peak memory (max RSS) of both processes.

The hand-written SQL covers the numbers the scorecard shows for the shipped SLA
template: for each of the 5 commitments its value and counts for the judged
period and the 7 before it (the trend), plus the freshness query. Before timing,
the script checks that both give the same numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smarketing_tui.periods import judged_period, parse_moment, parse_period  # noqa: E402
from smarketing_tui.scorecard import build_scorecard  # noqa: E402
from smarketing_tui.sla import load_sla  # noqa: E402
from smarketing_tui.store import open_readonly  # noqa: E402
from smarketing_tui.timeutil import utc_iso  # noqa: E402
from smarketing_tui.workspace import load_settings  # noqa: E402

TOUCH = "type NOT IN ('note', 'stage')"


def hand_written_sql(settings, months, weeks, as_of: str) -> str:
    """The scorecard's numbers as one SQL script, written the way a person would by hand."""
    hours = settings.business_hours
    first = min(months[0].first_day, weeks[0].first_day) - timedelta(days=7)
    last = max(months[-1].last_day, weeks[-1].last_day) + timedelta(days=60)
    holidays = ", ".join(f"'{d}'" for d in hours.holidays) or "''"
    weekdays = ", ".join(f"'{(d + 1) % 7}'" for d in hours.days)  # strftime %w: Sunday = 0
    opening, closing = hours.start.strftime("%H:%M:%S"), hours.end.strftime("%H:%M:%S")

    def values(periods):
        return ",\n  ".join(f"('{p.label}', '{p.start_iso}', '{p.end_iso}')" for p in periods)

    return f"""
-- Business calendar (TZ=Europe/Oslo makes 'utc' convert local wall time to UTC, DST included).
CREATE TEMP TABLE cal AS
WITH RECURSIVE d(day) AS (SELECT '{first}' UNION ALL
                          SELECT date(day, '+1 day') FROM d WHERE day < '{last}')
SELECT unixepoch(day || ' {opening}', 'utc') AS open_s,
       unixepoch(day || ' {closing}', 'utc') AS close_s
FROM d WHERE strftime('%w', day) IN ({weekdays}) AND day NOT IN ({holidays});
CREATE TEMP TABLE bcal AS
SELECT open_s, close_s, SUM(close_s - open_s) OVER (ORDER BY open_s) - (close_s - open_s) AS cum_s,
       SUM(close_s - open_s) OVER (ORDER BY open_s) AS cum_end FROM cal;
CREATE INDEX temp.bcal_open ON bcal(open_s);
CREATE INDEX temp.bcal_end ON bcal(cum_end);
CREATE TEMP TABLE months(label, s, e);
INSERT INTO months VALUES
  {values(months)};
CREATE TEMP TABLE weeks(label, s, e);
INSERT INTO weeks VALUES
  {values(weeks)};

-- mql_volume: MQLs per month
SELECT 'mql_volume', m.label,
       (SELECT COUNT(*) FROM leads WHERE mql_at >= m.s AND mql_at < m.e) FROM months m;

-- acceptance_rate: accepted / (accepted + rejected), the later decision counts
SELECT 'acceptance_rate', m.label, COUNT(l.id),
       TOTAL(l.accepted_at <= '{as_of}' AND (l.rejected_at IS NULL OR l.rejected_at > '{as_of}'
             OR l.accepted_at >= l.rejected_at)),
       TOTAL(l.rejected_at <= '{as_of}' AND (l.accepted_at IS NULL OR l.accepted_at > '{as_of}'
             OR l.rejected_at > l.accepted_at))
FROM months m LEFT JOIN leads l ON l.mql_at >= m.s AND l.mql_at < m.e GROUP BY m.label;

-- speed_to_lead: first touch within 24 business hours of mql_at, per ISO week
WITH b AS MATERIALIZED (
  SELECT w.label AS label, unixepoch(l.mql_at) AS mql_s,
         unixepoch(CASE WHEN l.first_contact_imported = 1 AND l.first_contact_at >= l.mql_at
                             AND l.first_contact_at <= '{as_of}'
           THEN min(l.first_contact_at, coalesce(
                 (SELECT e.at FROM lead_events e WHERE e.lead_id = l.id AND e.at >= l.mql_at
                  AND e.at <= '{as_of}' AND e.{TOUCH} ORDER BY e.at LIMIT 1), l.first_contact_at))
           ELSE (SELECT e.at FROM lead_events e WHERE e.lead_id = l.id AND e.at >= l.mql_at
                 AND e.at <= '{as_of}' AND e.{TOUCH} ORDER BY e.at LIMIT 1) END) AS fc_s
  FROM weeks w JOIN leads l ON l.mql_at >= w.s AND l.mql_at < w.e),
pos AS MATERIALIZED (
  SELECT label, fc_s,
         coalesce((SELECT k.cum_s + min(max(b.mql_s - k.open_s, 0), k.close_s - k.open_s)
                   FROM bcal k WHERE k.open_s <= b.mql_s ORDER BY k.open_s DESC LIMIT 1), 0)
           + 24 * 3600 AS p
  FROM b),
dl AS MATERIALIZED (
  SELECT label, fc_s, (SELECT k.open_s + pos.p - k.cum_s FROM bcal k WHERE k.cum_end >= pos.p
                       ORDER BY k.cum_end LIMIT 1) AS dl_s
  FROM pos)
SELECT 'speed_to_lead', w.label, COUNT(dl.label),
       TOTAL(fc_s IS NOT NULL AND fc_s <= dl_s),
       TOTAL((fc_s IS NOT NULL AND fc_s > dl_s) OR (fc_s IS NULL AND dl_s <= unixepoch('{as_of}'))),
       TOTAL(fc_s IS NULL AND dl_s > unixepoch('{as_of}'))
FROM weeks w LEFT JOIN dl ON dl.label = w.label GROUP BY w.label;

-- min_touches: of MQLs disqualified or lost in the month, the share with 3+ touches before
WITH c AS MATERIALIZED (
  SELECT m.label AS label, l.id AS id, l.mql_at AS mql_at,
         CASE WHEN l.rejected_at <= '{as_of}' AND (l.accepted_at IS NULL
                   OR l.accepted_at > '{as_of}' OR l.rejected_at > l.accepted_at)
              THEN l.rejected_at END AS rej_at,
         CASE WHEN l.lost_at <= '{as_of}' AND (l.won_at IS NULL OR l.won_at > '{as_of}'
                   OR l.lost_at >= l.won_at) THEN l.lost_at END AS lost_at,
         m.s AS s, m.e AS e
  FROM months m JOIN leads l
    ON ((l.rejected_at >= m.s AND l.rejected_at < m.e) OR (l.lost_at >= m.s AND l.lost_at < m.e))
   AND l.mql_at IS NOT NULL AND l.mql_at <= '{as_of}'),
d AS MATERIALIZED (
  SELECT label, id, mql_at, min(coalesce(rej_at, lost_at), coalesce(lost_at, rej_at)) AS closed_at
  FROM c WHERE (rej_at IS NOT NULL OR lost_at IS NOT NULL)
   AND min(coalesce(rej_at, lost_at), coalesce(lost_at, rej_at)) >= s
   AND min(coalesce(rej_at, lost_at), coalesce(lost_at, rej_at)) < e),
t AS MATERIALIZED (
  SELECT label, (SELECT COUNT(*) FROM lead_events e WHERE e.lead_id = d.id AND e.at >= d.mql_at
                 AND e.at <= d.closed_at AND e.{TOUCH}) AS n FROM d)
SELECT 'min_touches', m.label, COUNT(t.label), TOTAL(t.n >= 3)
FROM months m LEFT JOIN t ON t.label = m.label GROUP BY m.label;

-- meetings_booked: MQLs with meeting_at in the month
SELECT 'meetings_booked', m.label,
       (SELECT COUNT(*) FROM leads WHERE meeting_at >= m.s AND meeting_at < m.e
        AND mql_at <= '{as_of}') FROM months m;

-- freshness: newest import, newest timestamp
SELECT 'freshness', source_label, file, finished_at, newest_at FROM imports
WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT 1;
SELECT 'newest', max(coalesce((SELECT max(coalesce(newest_at, finished_at)) FROM imports
         WHERE finished_at IS NOT NULL AND coalesce(newest_at, finished_at) <= '{as_of}'), ''),
       coalesce((SELECT max(at) FROM lead_events WHERE at <= '{as_of}'), ''),
       coalesce((SELECT max(mql_at) FROM leads WHERE mql_at <= '{as_of}'), ''));
"""


def statements(script: str) -> list[str]:
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                out.append(buffer.strip())
            buffer = ""
    return out


def run_raw_in_process(db: Path, script: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = []
    for statement in statements(script):
        rows.extend(conn.execute(statement).fetchall())
    conn.close()
    return rows


def run_engine(db: Path, sla, settings, period, as_of):
    conn = open_readonly(db)
    card = build_scorecard(conn, sla, settings, period, as_of)
    conn.close()
    return card


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def timed_process(argv: list[str], env: dict, runs: int, stdin: str | None = None
                  ) -> tuple[float, bytes]:
    """Median wall time of ``runs`` runs of a command, and its last output."""
    times, output = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, input=stdin.encode() if stdin else None,
                              capture_output=True)
        times.append(time.perf_counter() - started)
        if done.returncode:
            raise SystemExit(f"{argv[0]} failed: {done.stderr.decode()[:500]}")
        output = done.stdout
    return statistics.median(times), output


def max_rss_mb(argv: list[str], env: dict, stdin: str | None = None) -> float:
    """Peak resident memory of one run of a command, in MB (via wait4)."""
    process = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE if stdin else None,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if stdin:
        process.stdin.write(stdin.encode())
        process.stdin.close()
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped by wait4 above
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=ROOT / "bench" / "out" / "scorecard-ws")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--as-of", default="2026-11-28T12:00:00Z")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    workspace = args.workspace
    db = workspace / "data" / "smarketing.db"
    if not db.exists():
        raise SystemExit(f"no store at {db}; run bench/gen_store.py first")
    settings = load_settings(workspace / "smarketing.yaml")
    sla = load_sla(workspace / "agendas" / "sla.yaml", settings)
    period = parse_period(args.period, settings.timezone)
    as_of = parse_moment(args.as_of, settings.timezone)
    months = judged_period("month", period, as_of).history(8)
    weeks = judged_period("week", period, as_of).history(8)
    script = hand_written_sql(settings, months, weeks, utc_iso(as_of))
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / "scorecard_raw.sql").write_text(script, encoding="utf-8")
    os.environ["TZ"] = settings.timezone  # for the SQL script's 'utc' modifier, in-process too
    time.tzset()

    leads, events = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
        "SELECT (SELECT COUNT(*) FROM leads), (SELECT COUNT(*) FROM lead_events)").fetchone()
    print(f"store: {db} ({db.stat().st_size / 1e6:,.0f} MB), {leads:,} leads, {events:,} events")
    print(f"scorecard for {period.label} as of {utc_iso(as_of)}: months {months[0].label}.."
          f"{months[-1].label}, weeks {weeks[0].label}..{weeks[-1].label}; "
          f"median of {args.runs} runs\n")

    # Same numbers?
    card = run_engine(db, sla, settings, period, as_of)
    raw = run_raw_in_process(db, script)
    check_same_numbers(card, raw)

    engine_time, _ = timed(lambda: run_engine(db, sla, settings, period, as_of), args.runs)
    raw_time, _ = timed(lambda: run_raw_in_process(db, script), args.runs)

    env = {**os.environ, "SMARKETING_NOW": utc_iso(as_of), "TZ": settings.timezone}
    command = [str(ROOT / ".venv" / "bin" / "smarketing"), "-w", str(workspace), "scorecard",
               "--format", "json", "--period", args.period]
    shell = ["sqlite3", "-readonly", str(db)]
    command_time, output = timed_process(command, env, args.runs)
    json.loads(output)
    shell_time, _ = timed_process(shell, env, args.runs, stdin=script)
    command_rss = max(max_rss_mb(command, env) for _ in range(3))
    shell_rss = max(max_rss_mb(shell, env, stdin=script) for _ in range(3))

    rows = [
        ("engine in-process (build_scorecard)", engine_time,
         "hand-written SQL in-process", raw_time, 1.5),
        ("`smarketing scorecard --format json`", command_time,
         "hand-written SQL in `sqlite3` shell", shell_time, 3.0),
    ]
    print(f"{'what':40} {'median':>9}   {'beside':36} {'median':>9} {'ratio':>7} {'target':>7}")
    for what, ours, other, theirs, target in rows:
        ratio = ours / theirs
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"{what:40} {ours:8.3f}s   {other:36} {theirs:8.3f}s {ratio:6.2f}x "
              f"{'<=' + str(target) + 'x':>7} {verdict}")
    print(f"\npeak memory (max RSS): smarketing scorecard {command_rss:.0f} MB "
          f"(target < 120 MB: {'ok' if command_rss < 120 else 'MISSED'}), "
          f"sqlite3 shell {shell_rss:.0f} MB")


def check_same_numbers(card, raw: list[tuple]) -> None:
    """Compare the engine's trend values with the hand-written SQL's; stop on a difference."""
    by_key = {}
    for row in raw:
        by_key.setdefault(row[0], {})[row[1]] = row[2:]
    mismatches = []
    for line in card.commitments:
        cid = line.commitment.id
        for point in line.trend:
            got = point.actual
            numbers = by_key.get(cid, {}).get(point.label)
            if cid == "mql_volume":
                want = numbers[0]
            elif cid == "meetings_booked":
                want = numbers[0]
            elif cid == "acceptance_rate":
                _n, accepted, rejected = numbers
                want = accepted / (accepted + rejected) if accepted + rejected else None
            elif cid == "speed_to_lead":
                _n, met, missed, _pending = numbers
                want = met / (met + missed) if met + missed else None
            else:  # min_touches
                closed, met = numbers
                want = met / closed if closed else None
            same = (got is None and want is None) or (
                got is not None and want is not None and abs(got - want) < 1e-9)
            if not same:
                mismatches.append(f"{cid} {point.label}: engine {got}, SQL {want}")
    if mismatches:
        raise SystemExit("engine and hand-written SQL disagree:\n  " + "\n  ".join(mismatches))
    print("numbers: engine and hand-written SQL agree on all 40 trend values\n")


if __name__ == "__main__":
    main()
