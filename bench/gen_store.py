"""Build a benchmark workspace: 1,000,000 leads, about 5,000,000 lead events, 1,000,000 deals.

    .venv/bin/python bench/gen_store.py [--leads 1000000] [--deals 1000000]
                                        [--out bench/out/scorecard-ws] [--deals-only]

``--deals-only`` (re)generates just the deals of an existing store.

The data is generated inside SQLite (recursive CTEs, INSERT ... SELECT) with
deterministic arithmetic hashes instead of random(), so two runs give the same
store. Indexes are dropped while loading and rebuilt afterwards. The leads
span 2024-01-01 .. 2026-11-28, so a month holds roughly 20,000 MQLs.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smarketing_tui.store import open_store  # noqa: E402
from smarketing_tui.workspace import init_workspace, load_settings  # noqa: E402

SPAN_START = "2024-01-01T00:00:00Z"
SPAN_DAYS = 1062  # to 2026-11-28

SELLERS = [f"Seller {i:02d}" for i in range(1, 13)]
MARKETERS = [f"Marketer {i}" for i in range(1, 5)]
SOURCES = ["web", "webinar", "ads", "event", "referral", "demo request"]
REASONS = ["Bad fit", "No budget", "Student", "Competitor", "Duplicate", "No contact"]

SETTINGS = """\
name: Benchmark AS
timezone: Europe/Oslo
currency: NOK
business_hours:
  days: [mon, tue, wed, thu, fri]
  start: "08:00"
  end: "16:00"
  holidays: [2026-04-02, 2026-04-03, 2026-04-06, 2026-05-01, 2026-05-14, 2026-05-25,
             2026-12-24, 2026-12-25, 2026-12-31]
people:
""" + "".join(f"  - {{name: {n}, team: sales}}\n" for n in SELLERS) + "".join(
    f"  - {{name: {n}, team: marketing}}\n" for n in MARKETERS)


MASK64 = (1 << 64) - 1


def mix(value: int, salt: int) -> int:
    """A deterministic pseudo-random integer 0..2^31-1 (splitmix64 finaliser)."""
    z = (value * 0x9E3779B97F4A7C15 + salt * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return (z ^ (z >> 31)) & 0x7FFFFFFF


def h(expr: str, salt: int) -> str:
    """SQL calling :func:`mix` (registered as ``h``) on ``expr``."""
    return f"h({expr}, {salt})"


def build(out: Path, leads: int, deals: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    workspace = init_workspace(out)
    workspace.settings_path.write_text(SETTINGS, encoding="utf-8")
    settings = load_settings(workspace.settings_path)
    open_store(workspace.db_path, settings).close()

    conn = sqlite3.connect(workspace.db_path, isolation_level=None)
    conn.create_function("h", 2, mix, deterministic=True)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("PRAGMA temp_store = MEMORY")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name IN ('leads', 'lead_events', 'deals') AND sql IS NOT NULL").fetchall()
    for name, _sql in indexes:
        conn.execute(f"DROP INDEX {name}")
    sellers = [r[0] for r in conn.execute(
        "SELECT id FROM people WHERE team = 'sales' ORDER BY id")]
    seconds = SPAN_DAYS * 86400
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO imports (kind, file, preset, source_label, started_at, finished_at, "
                 "rows, inserted, newest_at) VALUES ('leads', 'hubspot-leads.csv', 'hubspot', "
                 "'HubSpot export', '2026-11-28T06:00:00Z', '2026-11-28T06:01:10Z', :n, :n, "
                 "'2026-11-28T05:58:00Z')", {"n": leads})
    conn.execute("INSERT INTO imports (kind, file, preset, source_label, started_at, finished_at, "
                 "rows, inserted, newest_at) VALUES ('events', 'hubspot-events.csv', 'hubspot', "
                 "'HubSpot export', '2026-11-28T06:01:10Z', '2026-11-28T06:03:40Z', 0, 0, "
                 "'2026-11-28T05:59:00Z')")
    seller_case = "CASE seller " + " ".join(
        f"WHEN {i} THEN {pid}" for i, pid in enumerate(sellers)) + " END"
    # leads: created_at spread evenly over the span; 70 % become MQLs 0-5 days later.
    conn.execute(f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {leads}),
        base AS (
            SELECT i,
                   unixepoch('{SPAN_START}') + CAST((i - 1) * {seconds}.0 / {leads} AS INTEGER)
                       + {h('i', 1)} % 3600 AS created_s,
                   {h('i', 2)} % 100 AS r_mql, {h('i', 3)} % 100 AS r_decision,
                   {h('i', 4)} % 100 AS r_meeting, {h('i', 5)} % 100 AS r_outcome,
                   {h('i', 6)} % {len(sellers)} AS seller, {h('i', 7)} % {len(SOURCES)} AS src,
                   {h('i', 8)} % {len(REASONS)} AS reason, {h('i', 9)} AS r9
            FROM n),
        staged AS (
            SELECT *, CASE WHEN r_mql < 70 THEN created_s + r9 % (5 * 86400) END AS mql_s
            FROM base),
        flagged AS (
            SELECT *, mql_s IS NOT NULL AND r_decision < 50 AND r_meeting < 20 AS deal FROM staged)
        INSERT INTO leads (id, external_id, name, company, email, source, campaign, stage, owner,
                           owner_id, created_at, mql_at, assigned_at, accepted_at, rejected_at,
                           rejected_reason, meeting_at, opportunity_at, won_at, lost_at,
                           lost_reason, amount, currency, import_id, updated_at)
        SELECT i, 'L' || i, 'Lead ' || i, 'Company ' || (i % 50000), 'lead' || i || '@example.no',
               {_pick('src', SOURCES)},
               'Campaign ' || (src * 50
                               + (created_s - unixepoch('{SPAN_START}')) / (21 * 86400) % 50),
               CASE WHEN mql_s IS NULL THEN 'lead' ELSE 'mql' END,
               'Seller ' || printf('%02d', seller + 1), {seller_case},
               {ts('created_s')},
               {ts('mql_s')},
               CASE WHEN mql_s IS NOT NULL AND r9 % 10 <> 0
                    THEN {ts('mql_s + r9 % 7200')} END,
               CASE WHEN mql_s IS NOT NULL AND r_decision < 50
                    THEN {ts('mql_s + 86400 + r9 % 345600')} END,
               CASE WHEN mql_s IS NOT NULL AND r_decision >= 50 AND r_decision < 80
                    THEN {ts('mql_s + 86400 + r9 % 345600')} END,
               CASE WHEN mql_s IS NOT NULL AND r_decision >= 50 AND r_decision < 80
                    THEN {_pick('reason', REASONS)} END,
               CASE WHEN mql_s IS NOT NULL AND r_decision < 50 AND r_meeting < 40
                    THEN {ts('mql_s + 3 * 86400 + r9 % 604800')} END,
               CASE WHEN deal
                    THEN {ts('mql_s + 10 * 86400 + r9 % 604800')} END,
               CASE WHEN deal AND r_outcome < 35
                    THEN {ts('mql_s + 30 * 86400 + r9 % 3888000')} END,
               CASE WHEN deal AND r_outcome >= 60
                    THEN {ts('mql_s + 30 * 86400 + r9 % 3888000')} END,
               CASE WHEN deal AND r_outcome >= 60
                    THEN 'Chose competitor' END,
               CASE WHEN deal
                    THEN 20000 + r9 % 480000 END,
               'NOK', 1, '2026-11-28T06:00:00Z'
        FROM flagged""")
    print(f"leads: {time.perf_counter() - started:.1f} s", flush=True)
    # events: 2..8 per lead (5 on average), the first 0-48 h after mql_at (or created_at).
    conn.execute(f"""
        WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 7),
        ev AS (
            SELECT l.id AS lead_id, l.owner AS owner, l.owner_id AS owner_id, k.j AS j,
                   unixepoch(coalesce(l.mql_at, l.created_at)) AS base_s,
                   {h('l.id * 8 + k.j', 11)} AS r
            FROM leads l JOIN k ON k.j < 2 + {h('l.id', 10)} % 7)
        INSERT INTO lead_events (lead_id, type, outcome, at, person, person_id, import_id)
        SELECT lead_id,
               CASE r % 10 WHEN 0 THEN 'note' WHEN 1 THEN 'stage' WHEN 2 THEN 'email'
                    WHEN 3 THEN 'email' WHEN 4 THEN 'linkedin' WHEN 5 THEN 'sms' ELSE 'call' END,
               CASE WHEN r % 10 IN (0, 1) THEN NULL WHEN r % 3 = 0 THEN 'connected'
                    ELSE 'attempted' END,
               strftime('%Y-%m-%dT%H:%M:%SZ',
                        base_s + CASE WHEN j = 0 THEN r % 172800
                                      ELSE j * 172800 + r % 259200 END, 'unixepoch'),
               owner, owner_id, 2
        FROM ev ORDER BY lead_id, j""")
    print(f"events: {time.perf_counter() - started:.1f} s", flush=True)
    conn.execute(f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL
                                SELECT i + 1 FROM n WHERE i < {len(SOURCES) * 50 - 1})
        INSERT INTO campaigns (name, channel, source, owner, starts, ends, spend, currency)
        SELECT 'Campaign ' || i, 'paid', {_pick('i / 50', SOURCES)}, 'Marketer ' || (i % 4 + 1),
               date('2024-01-01', '+' || (i % 50) * 21 || ' days'),
               date('2024-01-01', '+' || ((i % 50) * 21 + 20) || ' days'),
               10000 + {h('i', 12)} % 90000, 'NOK'
        FROM n""")
    insert_deals(conn, deals, leads, sellers)
    print(f"deals: {time.perf_counter() - started:.1f} s", flush=True)
    conn.execute("COMMIT")
    for name, sql in indexes:
        conn.execute(sql)
    print(f"indexes: {time.perf_counter() - started:.1f} s", flush=True)
    # No ANALYZE: a user's store has no planner statistics either.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    report(workspace.db_path, out, started)


def report(db: Path, out: Path, started: float) -> None:
    conn = sqlite3.connect(db)
    counts = conn.execute("SELECT (SELECT COUNT(*) FROM leads), (SELECT COUNT(*) FROM lead_events),"
                          " (SELECT COUNT(*) FROM deals)").fetchone()
    conn.close()
    size = db.stat().st_size / 1e6
    print(f"{out}: {counts[0]:,} leads, {counts[1]:,} events, {counts[2]:,} deals, "
          f"{size:,.0f} MB, {time.perf_counter() - started:.1f} s")


def insert_deals(conn: sqlite3.Connection, deals: int, leads: int, sellers: list[int]) -> None:
    """Deals created evenly over the span, each on a lead picked by hash (so some leads have
    several): 30 % won and 30 % lost 1-121 days after creation, the rest open; 5 % without an
    amount; 30 % with a source of their own; owners among the sellers."""
    if not deals:
        return
    seconds = SPAN_DAYS * 86400
    seller_case = "CASE seller " + " ".join(
        f"WHEN {i} THEN {pid}" for i, pid in enumerate(sellers)) + " END"
    conn.execute(f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {deals}),
        base AS (
            SELECT i, {h('i', 21)} % {leads} + 1 AS lead_id,
                   unixepoch('{SPAN_START}') + CAST((i - 1) * {seconds}.0 / {deals} AS INTEGER)
                       + {h('i', 22)} % 3600 AS created_s,
                   {h('i', 23)} % 100 AS r_status, {h('i', 24)} AS r,
                   {h('i', 25)} % {len(sellers)} AS seller, {h('i', 26)} % 100 AS r_src
            FROM n)
        INSERT INTO deals (id, external_id, lead_id, lead_ref, name, owner, owner_id, pipeline,
                           stage, status, created_at, closed_at, amount, currency, lost_reason,
                           source, campaign, import_id, updated_at)
        SELECT i, 'D' || i, lead_id, 'L' || lead_id, 'Deal ' || i,
               'Seller ' || printf('%02d', seller + 1), {seller_case}, 'default',
               CASE WHEN r_status < 30 THEN 'Closed Won' WHEN r_status < 60 THEN 'Closed Lost'
                    ELSE 'Proposal' END,
               CASE WHEN r_status < 30 THEN 'won' WHEN r_status < 60 THEN 'lost' ELSE 'open' END,
               {ts('created_s')},
               CASE WHEN r_status < 60 THEN {ts('created_s + 86400 + r % (120 * 86400)')} END,
               CASE WHEN r % 20 <> 0 THEN 10000 + r % 490000 END, 'NOK',
               CASE WHEN r_status >= 30 AND r_status < 60 THEN 'Price' END,
               CASE WHEN r_src < 30 THEN {_pick('r_src % 6', SOURCES)} END, NULL, 1,
               '2026-11-28T06:00:00Z'
        FROM base""")


def deals_only(out: Path, leads: int, deals: int) -> None:
    """Replace the deals of the store in ``out``."""
    db = out / "data" / "smarketing.db"
    if not db.exists():
        raise SystemExit(f"no store at {db}; run bench/gen_store.py without --deals-only first")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.create_function("h", 2, mix, deterministic=True)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                           "AND tbl_name = 'deals' AND sql IS NOT NULL").fetchall()
    sellers = [r[0] for r in conn.execute(
        "SELECT id FROM people WHERE team = 'sales' ORDER BY id")]
    started = time.perf_counter()
    conn.execute("BEGIN")
    for name, _sql in indexes:
        conn.execute(f"DROP INDEX {name}")
    conn.execute("DELETE FROM deals")
    insert_deals(conn, deals, leads, sellers)
    for name, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.close()
    report(db, out, started)


def ts(seconds_sql: str) -> str:
    """SQL turning Unix seconds into the store's UTC text form."""
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {seconds_sql}, 'unixepoch')"


def _pick(index_sql: str, values: list[str]) -> str:
    cases = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"(CASE {index_sql} {cases} END)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scorecard-ws")
    parser.add_argument("--deals-only", action="store_true",
                        help="(re)generate only the deals of an existing store")
    args = parser.parse_args()
    if args.deals_only:
        deals_only(args.out, args.leads, args.deals)
    else:
        build(args.out, args.leads, args.deals)


if __name__ == "__main__":
    main()
