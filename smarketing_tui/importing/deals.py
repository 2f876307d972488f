"""Deals: how a staged deal row becomes a ``deals`` row, its lead, and what a lead
derives from its deals.

A deal names its lead by the lead's external id, or by e-mail when the mapping says
``lead_by: email``; a deal whose lead is not in the store is kept with ``lead_id`` NULL
(and linked when a later leads import brings the lead). Where a lead has deals, its
``won_at``, ``amount`` and ``currency`` come from its first won deal (earliest close
date), replacing what a contacts export said; ``lost_at`` is the latest close date when
every deal is lost (else NULL: a lead with an open or won deal is not lost);
``opportunity_at`` is the earliest deal's creation when the lead has none. All of it is
set-based SQL over temp tables, so a million deals cost a few sorts, not a Python loop.
"""

from __future__ import annotations

import sqlite3

from smarketing_tui.importing.plan import Output

#: Deal fields that are staged but not stored: they feed closed_at.
STAGED_ONLY = ("won_at", "lost_at")
LEAD_EMAILS = "temp.import_lead_emails"
BULK_LEADS = 50_000  # deriving more leads than this (and an eighth of all): rebuild indexes
_ID_CEILING = 999_999_999_999  # above any deal id: max() of (ceiling - id) is the lowest id
SCOPE = "temp.import_derive_scope"


def lead_lookup(lead_by: str, ref: str) -> str:
    """SQL for the id of the lead that ``ref`` (SQL text) names; NULL when none does."""
    # Of several ids ("5101;5102", as HubSpot lists a deal's associated contacts) the first.
    first = f"CASE WHEN instr({ref}, ';') THEN rtrim(substr({ref}, 1, instr({ref}, ';') - 1)) " \
            f"ELSE {ref} END"
    if lead_by == "email":
        return f"(SELECT e.id FROM {LEAD_EMAILS} e WHERE e.email = lower({first}))"
    return f"(SELECT l.id FROM main.leads l WHERE l.external_id = {first})"


def prepare_lookup(conn: sqlite3.Connection, lead_by: str) -> None:
    """Build what :func:`lead_lookup` reads: for e-mails, a temp table of each lead's
    e-mail folded to lower case (the first lead with an e-mail wins)."""
    if lead_by != "email":
        return
    conn.execute(f"DROP TABLE IF EXISTS {LEAD_EMAILS}")
    conn.execute(f"CREATE TABLE {LEAD_EMAILS} (email TEXT PRIMARY KEY, id INTEGER NOT NULL) "
                 "WITHOUT ROWID")
    conn.execute(f"INSERT OR IGNORE INTO {LEAD_EMAILS} (email, id) SELECT lower(trim(email)), id "
                 "FROM main.leads WHERE email IS NOT NULL AND trim(email) != '' ORDER BY id")


def drop_temp_tables(conn: sqlite3.Connection) -> None:
    for table in (LEAD_EMAILS, SCOPE, "temp.import_deal_rollup"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")


def closed_expression(names: set[str]) -> str | None:
    """SQL for a staged deal's closed_at: the close date, else the won or lost time that
    matches its status; NULL for an open deal (an open deal's close date is a forecast)."""
    options = []
    if "closed_at" in names:
        options.append('s."closed_at"')
    if "status" in names:
        outcome = [f"WHEN '{status}' THEN s.\"{status}_at\"" for status in ("won", "lost")
                   if f"{status}_at" in names]
        if outcome:
            options.append(f"CASE s.\"status\" {' '.join(outcome)} END")
    if not options:
        return None
    value = options[0] if len(options) == 1 else f"coalesce({', '.join(options)})"
    if "status" not in names:
        return value
    return f"CASE WHEN s.\"status\" IN ('won', 'lost') THEN {value} END"


def deal_outputs(outputs: list[Output], lead_id_sql: str) -> list[Output]:
    """The columns a deals import writes, as SQL over a staged row ``s``."""
    names = {o.name for o in outputs}
    written = [o for o in outputs
               if o.name not in ("lead", "closed_at", *STAGED_ONLY)]
    if "lead" in names:
        label = next(o.label for o in outputs if o.name == "lead")
        written.append(Output("lead_ref", label, 's."lead"'))
        written.append(Output("lead_id", label, lead_id_sql))
    closed = closed_expression(names)
    if closed is not None:
        label = next((o.label for o in outputs if o.name == "closed_at"), None)
        written.append(Output("closed_at", label, closed))
    return written


def link_orphan_deals(conn: sqlite3.Connection) -> int:
    """Give deals without a lead the lead their reference names, now that it may exist
    (by external id, or by e-mail for a reference with an @). Returns how many."""
    if conn.execute("SELECT 1 FROM main.deals WHERE lead_id IS NULL AND lead_ref IS NOT NULL "
                    "LIMIT 1").fetchone() is None:
        return 0
    prepare_lookup(conn, "email")
    cursor = conn.execute(
        "UPDATE main.deals SET lead_id = CASE WHEN instr(lead_ref, '@') THEN "
        f"{lead_lookup('email', 'lead_ref')} ELSE {lead_lookup('external_id', 'lead_ref')} END "
        "WHERE lead_id IS NULL AND lead_ref IS NOT NULL")
    linked = cursor.rowcount
    conn.execute(f"DROP TABLE IF EXISTS {LEAD_EMAILS}")
    return linked


def derive_from_deals(conn: sqlite3.Connection, scope_sql: str | None = None) -> int:
    """Set each lead's won_at, amount, currency, lost_at, lost_reason and opportunity_at
    from its deals (see the module docstring); ``scope_sql`` selects the lead ids to
    derive (default: every lead with a deal). Returns how many leads changed."""
    scope = ""
    if scope_sql is not None:
        conn.execute(f"DROP TABLE IF EXISTS {SCOPE}")
        conn.execute(f"CREATE TABLE {SCOPE} (lead_id INTEGER PRIMARY KEY)")
        conn.execute(f"INSERT OR IGNORE INTO {SCOPE} SELECT lead_id FROM ({scope_sql}) "
                     "WHERE lead_id IS NOT NULL")
        scope = f" AND lead_id IN (SELECT lead_id FROM {SCOPE})"
    rollup = "temp.import_deal_rollup"
    conn.execute(f"DROP TABLE IF EXISTS {rollup}")
    # One pass over the deals, grouped by lead: counts, the first creation, and the ids of
    # the first won deal (earliest close, then lowest id) and of the last lost one (latest
    # close, then lowest id), each packed after its sort key (timestamps are fixed-width
    # text) so that min() and max() find them; then those two deals' columns by id.
    conn.execute(f"""
        CREATE TABLE {rollup} AS
        WITH counts AS (
            SELECT lead_id, count(*) AS deals, sum(status = 'lost') AS lost,
                   min(created_at) AS first_created,
                   min(CASE WHEN status = 'won' THEN coalesce(closed_at, '~')
                            || printf('%012d', id) END) AS won_key,
                   max(CASE WHEN status = 'lost' THEN coalesce(closed_at, '')
                            || printf('%012d', {_ID_CEILING} - id) END) AS lost_key
            FROM main.deals WHERE lead_id IS NOT NULL{scope} GROUP BY lead_id)
        SELECT c.lead_id, won.id IS NOT NULL AS has_won, won.closed_at AS won_at,
               won.amount, won.currency, c.first_created,
               CASE WHEN c.lost = c.deals THEN lost.closed_at END AS lost_at,
               CASE WHEN c.lost = c.deals THEN lost.lost_reason END AS lost_reason
        FROM counts c
        LEFT JOIN main.deals won ON won.id = CAST(substr(c.won_key, -12) AS INTEGER)
        LEFT JOIN main.deals lost
            ON lost.id = {_ID_CEILING} - CAST(substr(c.lost_key, -12) AS INTEGER)""")
    new = {
        "won_at": "r.won_at",
        "amount": "CASE WHEN r.has_won THEN coalesce(r.amount, l.amount) ELSE l.amount END",
        "currency": "CASE WHEN r.has_won THEN coalesce(r.currency, l.currency) "
                    "ELSE l.currency END",
        "lost_at": "r.lost_at",
        "lost_reason": "coalesce(r.lost_reason, l.lost_reason)",
        "opportunity_at": "coalesce(l.opportunity_at, r.first_created)",
    }
    sets = ", ".join(f"{name} = {value}" for name, value in new.items())
    changed = " OR ".join(f"({value}) IS NOT l.{name}" for name, value in new.items())
    candidates = conn.execute(f"SELECT count(*) FROM {rollup}").fetchone()[0]
    rebuild = []
    if candidates > BULK_LEADS and candidates * 8 > conn.execute(
            "SELECT max(rowid) FROM main.leads").fetchone()[0]:
        # Many leads change: rebuilding the indexes on the derived dates once sorts their
        # keys, where updating them in place moves each key to a random page.
        rebuild = _indexes_on(conn, "leads", set(new))
        for name, _ in rebuild:
            conn.execute(f'DROP INDEX main."{name}"')
    cursor = conn.execute(f"UPDATE main.leads AS l SET {sets} FROM {rollup} AS r "
                          f"WHERE l.id = r.lead_id AND ({changed})")
    for _, create in rebuild:  # in the same transaction as everything else
        conn.execute(create)
    conn.execute(f"DROP TABLE {rollup}")
    conn.execute(f"DROP TABLE IF EXISTS {SCOPE}")
    return cursor.rowcount


def _indexes_on(conn: sqlite3.Connection, table: str, columns: set[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes on any of ``columns``."""
    rows = conn.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'index' "
                        "AND tbl_name = ? AND sql IS NOT NULL", (table,)).fetchall()
    return [(name, sql) for name, sql in rows if any(
        column in columns for column, in conn.execute(
            "SELECT name FROM pragma_index_info(?)", (name,)))]
