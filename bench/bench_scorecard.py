"""Time the SLA scorecard against hand-written SQL for the same numbers.

    .venv/bin/python bench/gen_store.py            # once: 1M leads, 5M events, 1M deals
    .venv/bin/python bench/bench_scorecard.py [--period 2026-10] [--runs 7]

Twice: for the shipped SLA template, and for the template plus five deal lines
(win rate, won amount, pipeline created, sales cycle, days from MQL to won deal).
Each time three pairs, each the median of ``--runs`` runs, side by side with ratios:

1. the engine in-process (``build_scorecard`` on a fresh read-only connection)
   vs the hand-written SQL in-process (Python's sqlite3, same file, fresh connection);
2. the whole ``smarketing scorecard --format json --period P`` command (a subprocess)
   vs the same hand-written SQL run by the ``sqlite3`` shell;
3. peak memory of both processes, each measured from outside in a fresh process
   (GNU ``/usr/bin/time``, whose own small process forks the command, else polling
   ``VmHWM`` in ``/proc``): the ``ru_maxrss`` of a child forked from this script would
   start at this script's own size.

The hand-written SQL covers the numbers the scorecard shows: for each commitment its
value and counts for the judged period and the 7 before it (the trend), plus the
freshness query. Before timing, the script checks that both give the same numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
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


DEAL_LINES = """
  - id: win_rate
    team: sales
    description: Sales wins at least 30% of the deals it closes
    metric: win_rate
    period: month
    target: "30%"
  - id: won_amount
    team: sales
    description: Sales wins deals worth at least 2,000,000 NOK a month
    metric: deals_won_amount
    period: month
    target: 2000000
  - id: pipeline_created
    team: marketing
    description: At least 5,000,000 NOK of new pipeline a month
    metric: pipeline_created
    period: month
    target: 5000000
  - id: sales_cycle
    team: sales
    description: Half the deals won close within 60 days of being created
    metric: sales_cycle_days
    period: month
    comparison: "<="
    target: 60
  - id: mql_to_won
    team: marketing
    description: Half the deals won close within 120 days of their lead's MQL
    metric: median_days_mql_to_deal_won
    period: month
    comparison: "<="
    target: 120
"""


def deal_sql(as_of: str) -> str:
    """The five deal lines' numbers in hand-written SQL (medians: the two middle values)."""

    def median(label: str, join: str, days: str) -> str:
        return f"""
WITH x AS MATERIALIZED (SELECT m.label AS label, max({days}, 0) AS v FROM months m {join}),
r AS (SELECT label, v, ROW_NUMBER() OVER (PARTITION BY label ORDER BY v) - 1 AS i,
             COUNT(*) OVER (PARTITION BY label) AS n FROM x)
SELECT '{label}', label, MAX(n),
       MAX(CASE WHEN i = CAST((n - 1) * 0.5 AS INTEGER) THEN v END),
       MAX(CASE WHEN i = min(n - 1, CAST((n - 1) * 0.5 AS INTEGER) + 1) THEN v END)
FROM r GROUP BY label;"""
    won = "d.status = 'won' AND d.closed_at >= m.s AND d.closed_at < m.e"
    return f"""
-- win_rate: won / (won + lost) among the deals closed in the month
SELECT 'win_rate', m.label, COUNT(d.id), TOTAL(d.status = 'won')
FROM months m LEFT JOIN deals d ON d.status IN ('won', 'lost') AND d.closed_at >= m.s
 AND d.closed_at < m.e GROUP BY m.label;

-- won_amount: the amount of the deals won in the month
SELECT 'won_amount', m.label, (SELECT TOTAL(amount) FROM deals WHERE status = 'won'
       AND closed_at >= m.s AND closed_at < m.e) FROM months m;

-- pipeline_created: the amount of the deals created in the month
SELECT 'pipeline_created', m.label, (SELECT TOTAL(amount) FROM deals
       WHERE created_at >= m.s AND created_at < m.e) FROM months m;

-- sales_cycle: median days from created to won over the deals won in the month
{median('sales_cycle', f"JOIN deals d ON {won} AND d.created_at IS NOT NULL",
        "julianday(d.closed_at) - julianday(d.created_at)")}

-- mql_to_won: median days from the lead's MQL to the deal's close
{median('mql_to_won', f"JOIN deals d ON {won} JOIN leads l ON l.id = d.lead_id "
        f"AND l.mql_at IS NOT NULL AND l.mql_at <= '{as_of}'",
        "julianday(d.closed_at) - julianday(l.mql_at)")}
"""


def hand_written_sql(settings, months, weeks, as_of: str, deals: bool = False,
                     exclude=()) -> str:
    """The scorecard's numbers as one SQL script, written the way a person would by hand.

    The lead lines read ``sla_leads``: the leads the SLA's ``exclude`` rules leave in
    (each rule's field compared in lower case, as a person would write it; the bench's
    values are ASCII). The excluded leads are not counted by reason here, which the
    scorecard also does."""
    hours = settings.business_hours
    first = min(months[0].first_day, weeks[0].first_day) - timedelta(days=7)
    last = max(months[-1].last_day, weeks[-1].last_day) + timedelta(days=60)
    holidays = ", ".join(f"'{d}'" for d in hours.holidays) or "''"
    weekdays = ", ".join(f"'{(d + 1) % 7}'" for d in hours.days)  # strftime %w: Sunday = 0
    opening, closing = hours.start.strftime("%H:%M:%S"), hours.end.strftime("%H:%M:%S")

    def values(periods):
        return ",\n  ".join(f"('{p.label}', '{p.start_iso}', '{p.end_iso}')" for p in periods)

    def listed(values):
        return ", ".join("'" + v.lower().replace("'", "''") + "'" for v in values)

    kept = " AND ".join(f"({r.field} IS NULL OR lower({r.field}) NOT IN ({listed(r.values)}))"
                        for r in exclude) or "1"
    return f"""
-- The leads the SLA covers (its exclude rules).
CREATE TEMP VIEW sla_leads AS SELECT * FROM leads WHERE {kept};

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
       (SELECT COUNT(*) FROM sla_leads WHERE mql_at >= m.s AND mql_at < m.e) FROM months m;

-- acceptance_rate: accepted / (accepted + rejected), the later decision counts
SELECT 'acceptance_rate', m.label, COUNT(l.id),
       TOTAL(l.accepted_at <= '{as_of}' AND (l.rejected_at IS NULL OR l.rejected_at > '{as_of}'
             OR l.accepted_at >= l.rejected_at)),
       TOTAL(l.rejected_at <= '{as_of}' AND (l.accepted_at IS NULL OR l.accepted_at > '{as_of}'
             OR l.rejected_at > l.accepted_at))
FROM months m LEFT JOIN sla_leads l ON l.mql_at >= m.s AND l.mql_at < m.e GROUP BY m.label;

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
  FROM weeks w JOIN sla_leads l ON l.mql_at >= w.s AND l.mql_at < w.e),
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
  FROM months m JOIN sla_leads l
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
       (SELECT COUNT(*) FROM sla_leads WHERE meeting_at >= m.s AND meeting_at < m.e
        AND mql_at <= '{as_of}') FROM months m;

-- freshness: newest import, newest timestamp
SELECT 'freshness', source_label, file, finished_at, newest_at FROM imports
WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT 1;
SELECT 'newest', max(coalesce((SELECT max(coalesce(newest_at, finished_at)) FROM imports
         WHERE finished_at IS NOT NULL AND coalesce(newest_at, finished_at) <= '{as_of}'), ''),
       coalesce((SELECT max(at) FROM lead_events WHERE at <= '{as_of}'), ''),
       coalesce((SELECT max(mql_at) FROM leads WHERE mql_at <= '{as_of}'), ''));
""" + (deal_sql(as_of) if deals else "")


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


def timed(function, runs: int) -> tuple[tuple[float, float], object]:
    """(median wall seconds, median CPU seconds of this process) of ``runs`` calls, and
    the last result."""
    times, cpus, result = [], [], None
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return (statistics.median(times), statistics.median(cpus)), result


def timed_process(argv: list[str], env: dict, runs: int, stdin: str | None = None
                  ) -> tuple[tuple[float, float], bytes]:
    """(median wall seconds, median CPU seconds: user + system of the child) of ``runs``
    runs of a command, and its last output. CPU time varies less on a busy machine."""
    times, cpus, output = [], [], b""
    for _ in range(runs):
        started = time.perf_counter()
        before = os.times()
        done = subprocess.run(argv, env=env, input=stdin.encode() if stdin else None,
                              capture_output=True)
        after = os.times()
        times.append(time.perf_counter() - started)
        cpus.append(after.children_user - before.children_user
                    + after.children_system - before.children_system)
        if done.returncode:
            raise SystemExit(f"{argv[0]} failed: {done.stderr.decode()[:500]}")
        output = done.stdout
    return (statistics.median(times), statistics.median(cpus)), output


def peak_rss_mib(argv: list[str], env: dict, stdin: str | None = None) -> float:
    """Peak resident memory of one run of a command in MiB, measured from outside it."""
    if Path("/usr/bin/time").exists():
        with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
            done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *argv], env=env,
                                  input=stdin.encode() if stdin else None,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if done.returncode:
                raise SystemExit(f"{argv[0]} failed under /usr/bin/time")
            return int(out.read().split()[-1]) / 1024  # KiB
    process = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE if stdin else None,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if stdin:
        process.stdin.write(stdin.encode())
        process.stdin.close()
    peak = 0
    while process.poll() is None:
        try:
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.002)
    return peak / 1024


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
    period = parse_period(args.period, settings.timezone)
    as_of = parse_moment(args.as_of, settings.timezone)
    months = judged_period("month", period, as_of).history(8)
    weeks = judged_period("week", period, as_of).history(8)
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    os.environ["TZ"] = settings.timezone  # for the SQL script's 'utc' modifier, in-process too
    time.tzset()

    deals_sla_path = workspace / "agendas" / "sla-deals.yaml"
    deals_sla_path.write_text((workspace / "agendas" / "sla.yaml").read_text(encoding="utf-8")
                              .rstrip() + "\n" + DEAL_LINES, encoding="utf-8")

    leads, events, deals = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
        "SELECT (SELECT COUNT(*) FROM leads), (SELECT COUNT(*) FROM lead_events), "
        "(SELECT COUNT(*) FROM deals)").fetchone()
    print(f"store: {db} ({db.stat().st_size / 1e6:,.0f} MB), {leads:,} leads, {events:,} events, "
          f"{deals:,} deals")
    print(f"scorecard for {period.label} as of {utc_iso(as_of)}: months {months[0].label}.."
          f"{months[-1].label}, weeks {weeks[0].label}..{weeks[-1].label}; "
          f"median of {args.runs} runs")
    env = {**os.environ, "SMARKETING_NOW": utc_iso(as_of), "TZ": settings.timezone}
    for title, sla_path, with_deals in (("the SLA template", workspace / "agendas" / "sla.yaml",
                                         False),
                                        ("the template + 5 deal lines", deals_sla_path, True)):
        if with_deals and not deals:
            print("\nno deals in the store: run bench/gen_store.py --deals-only")
            continue
        print(f"\n== {title} ==")
        sla = load_sla(sla_path, settings)
        script = hand_written_sql(settings, months, weeks, utc_iso(as_of), with_deals,
                                  sla.exclude)
        name = "scorecard_raw_deals.sql" if with_deals else "scorecard_raw.sql"
        (ROOT / "bench" / "out" / name).write_text(script, encoding="utf-8")
        bench_one(db, workspace, sla, sla_path, settings, period, as_of, script, env, args)


def bench_one(db, workspace, sla, sla_path, settings, period, as_of, script, env, args) -> None:
    card = run_engine(db, sla, settings, period, as_of)
    raw = run_raw_in_process(db, script)
    check_same_numbers(card, raw)

    engine_time, _ = timed(lambda: run_engine(db, sla, settings, period, as_of), args.runs)
    raw_time, _ = timed(lambda: run_raw_in_process(db, script), args.runs)

    command = [str(ROOT / ".venv" / "bin" / "smarketing"), "-w", str(workspace), "scorecard",
               "--format", "json", "--period", args.period, "--sla", str(sla_path)]
    shell = ["sqlite3", "-readonly", str(db)]
    command_time, output = timed_process(command, env, args.runs)
    json.loads(output)
    shell_time, _ = timed_process(shell, env, args.runs, stdin=script)
    command_rss = statistics.median(peak_rss_mib(command, env) for _ in range(3))
    shell_rss = statistics.median(peak_rss_mib(shell, env, stdin=script) for _ in range(3))

    rows = [
        ("engine in-process (build_scorecard)", engine_time,
         "hand-written SQL in-process", raw_time, 1.5),
        ("`smarketing scorecard --format json`", command_time,
         "hand-written SQL in `sqlite3` shell", shell_time, 3.0),
    ]
    print(f"host load {os.getloadavg()[0]:.2f}; wall and CPU medians (the verdict is on CPU)")
    print(f"{'what':40} {'wall':>8} {'CPU':>8}   {'beside':36} {'wall':>8} {'CPU':>8} "
          f"{'ratio':>6} {'CPU':>6} {'target':>7}")
    for what, (ours, ours_cpu), other, (theirs, theirs_cpu), target in rows:
        ratio, cpu_ratio = ours / theirs, ours_cpu / theirs_cpu
        verdict = "ok" if cpu_ratio <= target else "MISSED"
        print(f"{what:40} {ours:7.3f}s {ours_cpu:7.3f}s   {other:36} {theirs:7.3f}s "
              f"{theirs_cpu:7.3f}s {ratio:5.2f}x {cpu_ratio:5.2f}x {'<=' + str(target) + 'x':>7} "
              f"{verdict}")
    print(f"peak memory (median of 3, measured from outside): smarketing scorecard "
          f"{command_rss:.1f} MiB (target < 120: {'ok' if command_rss < 120 else 'MISSED'}), "
          f"sqlite3 shell {shell_rss:.1f} MiB")


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
            numbers = by_key.get(cid, {}).get(point.label, ())
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
            elif cid == "min_touches":
                closed, met = numbers
                want = met / closed if closed else None
            elif cid == "win_rate":
                closed, won = numbers
                want = won / closed if closed else None
            elif cid in ("won_amount", "pipeline_created"):
                want = numbers[0]
            elif cid in ("sales_cycle", "mql_to_won"):
                n, low, high = numbers if numbers else (0, None, None)
                rank = (n - 1) * 0.5
                want = None if not n else low + (high - low) * (rank - int(rank))
            else:
                raise SystemExit(f"no hand-written SQL for commitment {cid}")
            same = (got is None and want is None) or (
                got is not None and want is not None and abs(got - want) < 1e-9)
            if not same:
                mismatches.append(f"{cid} {point.label}: engine {got}, SQL {want}")
    if mismatches:
        raise SystemExit("engine and hand-written SQL disagree:\n  " + "\n  ".join(mismatches))
    count = sum(len(line.trend) for line in card.commitments)
    print(f"numbers: engine and hand-written SQL agree on all {count} trend values")


if __name__ == "__main__":
    main()
