"""Running one import: stream, validate, stage, upsert — all or nothing.

Rows are converted in Python and written in batches to a staging table in a
private temporary database; the checks that need the whole file (duplicate ids,
events whose lead is unknown) and the upsert into the store are then set-based SQL.

Reading, staging and checking take no write lock on the store, so a meeting can
record a decision meanwhile; a bad file is refused before the lock is ever taken.
The merge into the store's tables is one write transaction (its lookups made
again inside it), so a failed, interrupted or killed import leaves the store as
it was, or fully imported.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import time
from contextlib import contextmanager
from datetime import datetime
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from smarketing_tui.errors import UserError
from smarketing_tui.importing import deals, engagements
from smarketing_tui.importing.csvsource import CsvSource, open_csv
from smarketing_tui.importing.fields import FIELDS, FIRST_CONTACT_TYPES
from smarketing_tui.importing.mapping import Mapping
from smarketing_tui.importing.plan import Output, RowPlan, build_plan
from smarketing_tui.importing.values import BadValue, Suspicious
from smarketing_tui.timeutil import now_utc, utc_iso, zone

MAX_PROBLEMS = 10
CACHE_KIB = 8 * 1024         # page cache per database while importing (main and temp):
                             # 2 to 8 MB loaded a million leads as fast as 32 MB or faster
                             # (the index builds took less), at about half the memory
LOOKUP_CACHE_KIB = 32 * 1024  # the store's cache while rows look their lead up as they
                             # are staged: a million leads' external-id index is about
                             # 17 MB, and each of a file's leads lands on a random page
SORT_THREADS = 2
BULK_ROWS = 50_000           # inserting more than this (and more than the table holds):
                             # drop the table's indexes and build them again afterwards
PROGRESS_EVERY = 20_000
STAGE_DB = "import_stage"    # a private temporary database, attached for one import:
                             # detaching it frees the staged rows at once, where dropping a
                             # TEMP table walks all its pages
STAGING = f"{STAGE_DB}.import_staging"
REJECTS = "temp.import_rejects"
_TABLES = {"leads": "leads", "events": "lead_events", "campaigns": "campaigns",
           "activities": "activities", "deals": "deals", "engagements": "engagements"}
_NOT_NULL_DEFAULTS = {("campaigns", "spend"): "0", ("activities", "quantity"): "1",
                      ("deals", "status"): "'open'"}
_STAMPED = ("leads", "deals")  # tables with an updated_at column

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    """One bad cell (or row): where, what, and what was expected."""

    line: int
    column: str | None
    reason: str
    expected: str | None = None

    def render(self, label: str) -> str:
        """``FILE:LINE: column 'X': reason, expected what`` (one line)."""
        text = f"{label}:{self.line}: "
        if self.column:
            text += f"column '{self.column}': "
        text += self.reason
        if self.expected:
            text += f", expected {self.expected}"
        return text.replace("\n", " ")

    def short(self) -> str:
        """The same without the file, for the rejects file's reason column."""
        return self.render("line").replace("line:", "line ", 1)


@dataclass
class ImportReport:
    """What an import did (or, on a dry run or failure, would have done)."""

    kind: str
    file: str
    source_label: str
    preset: str | None
    mapping: str | None
    read_as: str = ""
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    bad_rows: int = 0
    newest_at: str | None = None
    problems: list[Problem] = field(default_factory=list)
    suspicious: list[Suspicious] = field(default_factory=list)  # read, but look wrong
    missing_columns: list[str] = field(default_factory=list)
    first_contacts_derived: int = 0
    deals_without_lead: int = 0      # deals kept with no lead: their lead is not in the store
    leads_derived: int = 0           # leads whose won/lost dates or amount changed by deals
    without_lead: int = 0            # engagements left out: their click id names no lead
    rejects_path: Path | None = None
    dry_run: bool = False
    import_id: int | None = None
    seconds: float = 0.0

    def problem_lines(self) -> list[str]:
        return [p.render(self.file) for p in self.problems]

    def warning_lines(self) -> list[str]:
        """One line per kind of suspicious value (dates before 1990, ...)."""
        return [s.render(self.file) for s in self.suspicious]


class ImportRejected(UserError):
    """Bad rows and no ``--skip-invalid``: nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        good = report.rows - report.bad_rows
        rows = "row" if report.bad_rows == 1 else "rows"
        super().__init__(
            f"{report.bad_rows} bad {rows} in {report.file}; nothing imported (fix the file, or "
            f"use --skip-invalid to import the {good} good row{'s' if good != 1 else ''} and "
            "write the bad ones to a rejects file)")


class ImportWarned(UserError):
    """Suspicious values and ``--strict``: nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(f"{report.file} has suspicious values (the warnings above) and "
                         "--strict is on; nothing imported (fix the file, or import it "
                         "without --strict)")


def rejects_path_for(path: Path) -> Path:
    """Where ``--skip-invalid`` writes bad rows: ``<stem>.rejects.csv`` beside the input."""
    return path.with_name(f"{path.stem}.rejects.csv")


def run_import(conn: sqlite3.Connection, mapping: Mapping, path: Path | str, *,
               workspace_tz: str, dry_run: bool = False, skip_invalid: bool = False,
               strict: bool = False, progress: Progress | None = None,
               label: str | None = None) -> ImportReport:
    """Import one file into the store (see the module docstring).

    Raises :class:`ImportRejected` when rows are bad and ``skip_invalid`` is off,
    :class:`ImportWarned` when values look wrong (``report.suspicious``) and ``strict``
    is on, and :class:`~smarketing_tui.errors.InputError` for a file or mapping that
    cannot be read at all. Both leave the store untouched.
    """
    started = time.perf_counter()
    path = Path(path)
    label = label or str(path)
    zone(workspace_tz)
    source = open_csv(path, label)
    report = ImportReport(kind=mapping.kind, file=label, source_label=mapping.source_label,
                          preset=mapping.preset, mapping=mapping.path, read_as=source.describe(),
                          dry_run=dry_run)
    previous_isolation = conn.isolation_level
    conn.isolation_level = None
    cache_sizes = [conn.execute(f"PRAGMA {db}.cache_size").fetchone()[0] for db in ("main", "temp")]
    looks_up = mapping.kind in ("deals", "events")
    conn.execute(f"PRAGMA main.cache_size = -{LOOKUP_CACHE_KIB if looks_up else CACHE_KIB}")
    conn.execute(f"PRAGMA temp.cache_size = -{CACHE_KIB}")
    threads = conn.execute("PRAGMA threads").fetchone()[0]
    conn.execute(f"PRAGMA threads = {SORT_THREADS}")  # CREATE INDEX sorts in parallel
    foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    committed = False
    conn.execute(f"ATTACH DATABASE '' AS {STAGE_DB}")
    try:
        conn.execute(f"PRAGMA {STAGE_DB}.cache_size = -{CACHE_KIB}")
        # Parse, stage and check with no write lock on the store (a WAL reader blocks no
        # writer): a meeting can record a decision meanwhile. Only the merge takes it.
        conn.execute("BEGIN")
        plan = build_plan(mapping, source.header, conn, workspace_tz, label)
        report.missing_columns = plan.missing
        if mapping.kind == "deals":
            deals.prepare_lookup(conn, mapping.lead_by)
        elif mapping.kind == "engagements":
            mapping = replace(mapping, lead_by=engagements.effective_lead_by(
                mapping.lead_by, {o.name for o in plan.outputs}, label))
        _create_temp_tables(conn, plan)
        _stage(conn, source, plan, mapping, report, skip_invalid, progress)
        if looks_up:  # the lookups are done: index builds size their sorts by the cache
            conn.execute(f"PRAGMA main.cache_size = -{CACHE_KIB}")
        _whole_file_checks(conn, mapping, plan, report, skip_invalid)
        report.suspicious = plan.suspicions.all()
        if report.bad_rows and not skip_invalid:
            raise ImportRejected(report)
        if strict and report.suspicious:
            raise ImportWarned(report)
        report.skipped = report.bad_rows
        report.newest_at = _newest(conn, plan, workspace_tz)  # reads the staged rows only
        if dry_run:
            _count(conn, mapping, plan, report)
        else:
            # data_version changes when another connection commits: unchanged after the
            # lock is taken, the store is the one the rows were looked up in.
            read_version = _data_version(conn)
            conn.execute("COMMIT")  # ends the read; the staged rows stay (a temporary database)
            # The merge writes ids looked up in the store as it is under the lock, so
            # SQLite's per-row reference checks are off for it (a pragma that only
            # changes outside a transaction); when the store changed since staging they
            # are made once, over the table, before the commit.
            conn.execute("PRAGMA foreign_keys = OFF")
            _begin_merge(conn)
            store_changed = _data_version(conn) != read_version
            if store_changed:
                _look_up_again(conn, mapping, plan)
            _count(conn, mapping, plan, report)
            report.import_id = _record_import(conn, report, label)
            _write(conn, mapping, plan, report)
            if mapping.kind == "events":
                report.first_contacts_derived = derive_first_contacts(conn, from_staging=True)
            if mapping.kind == "deals":
                _after_deals(conn, plan, report)
            elif mapping.kind == "leads":
                _after_leads(conn, report)
            _finish_record(conn, report)
            if store_changed and foreign_keys:
                _check_references(conn, _TABLES[mapping.kind])
            temp_rejects = None
            if report.skipped:
                report.rejects_path = rejects_path_for(path)
                temp_rejects = _write_rejects(conn, path, label, report.rejects_path)
            conn.execute("COMMIT")
            committed = True
            if temp_rejects is not None:
                os.replace(temp_rejects, report.rejects_path)
    finally:
        source.close()
        if not committed and conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")
        conn.execute(f"DETACH DATABASE {STAGE_DB}")
        for table in (REJECTS, _TOUCHED):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        deals.drop_temp_tables(conn)
        engagements.drop_temp_tables(conn)
        conn.execute(f"PRAGMA threads = {threads}")
        for db, size in zip(("main", "temp"), cache_sizes):
            conn.execute(f"PRAGMA {db}.cache_size = {size}")
        conn.isolation_level = previous_isolation
    report.seconds = time.perf_counter() - started
    return report


def _begin_merge(conn: sqlite3.Connection) -> None:
    """Take the store's write lock for the merge (waiting up to the busy timeout)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise UserError(f"the store is busy ({exc}): another session is writing to it; "
                        "try again in a moment") from None


def _data_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA main.data_version").fetchone()[0]


def _check_references(conn: sqlite3.Connection, table: str) -> None:
    """Fail the import when a row of ``table`` names a person or lead that is not there
    (another session deleted it while the file was being read)."""
    row = conn.execute(f"PRAGMA main.foreign_key_check({table})").fetchone()
    if row is not None:
        named = {"people": "person", "leads": "lead"}.get(row[2], f"row of {row[2]}")
        raise UserError(f"a {named} this file names "
                        "was deleted from the store while the file was being read; nothing "
                        "imported (run the import again)")


def _look_up_again(conn: sqlite3.Connection, mapping: Mapping, plan: RowPlan) -> None:
    """Resolve the staged rows' leads again under the write lock (called when another
    session wrote to the store since the rows were staged).

    Staging looked them up without a lock, so another session may have changed the
    leads since. A lead that is gone now fails the import as a whole.
    """
    if not any(o.name == "lead" for o in plan.outputs):
        return
    if mapping.kind == "deals":  # an unknown lead is kept, not bad: refresh the link
        deals.prepare_lookup(conn, mapping.lead_by)
        conn.execute(f"UPDATE {STAGING} AS s SET lead_id = {_lead_id_sql(mapping, 's.lead')}")
        return
    if mapping.kind == "engagements":  # by id, e-mail, click id or campaign and day
        engagements.link_leads(conn, STAGING, mapping.lead_by)
        if not engagements.unknown_lead_is_bad(mapping.lead_by):
            return
    else:
        conn.execute(f"UPDATE {STAGING} AS s SET lead_id = {_lead_id_sql(mapping, 's.lead')}")
    row = conn.execute(f"SELECT line, lead FROM {STAGING} WHERE lead_id IS NULL "
                       "ORDER BY line LIMIT 1").fetchone()
    if row is not None:
        raise UserError(f"line {row[0]}: the lead {row[1]!r} was deleted from the store "
                        "while this file was being read; nothing imported (run the import "
                        "again)")


_NULL_ADAPTER = (type(None), sqlite3.PrepareProtocol)


def _as_null(value: None) -> None:
    return None


@contextmanager
def _null_binding() -> Iterator[None]:
    """Bind ``None`` without the sqlite3 module's adapter search while rows are inserted.

    CPython's sqlite3 searches for an adapter for every parameter that is not an int,
    float, str or bytes: for ``None`` (the registry, then ``__adapt__`` and
    ``__conform__``) that costs about three times binding a string, and a lead row has
    four or five empty cells. A registered adapter is found first; returning ``None``, it
    binds NULL as before. The registry is process-wide, so it is removed again after.
    """
    if _NULL_ADAPTER in sqlite3.adapters:
        yield
        return
    sqlite3.register_adapter(type(None), _as_null)
    try:
        yield
    finally:
        sqlite3.adapters.pop(_NULL_ADAPTER, None)


# ----------------------------------------------------------------------------- staging

def _create_temp_tables(conn: sqlite3.Connection, plan: RowPlan) -> None:
    conn.execute(f"DROP TABLE IF EXISTS {STAGING}")
    conn.execute(f"DROP TABLE IF EXISTS {REJECTS}")
    columns = ", ".join(f'"{o.name}"' for o in plan.outputs)
    extra = ", lead_id INTEGER" if any(o.name == "lead" for o in plan.outputs) else ""
    conn.execute(f"CREATE TABLE {STAGING} (line INTEGER PRIMARY KEY, {columns}{extra})")
    conn.execute(f"CREATE TABLE {REJECTS} (line INTEGER PRIMARY KEY, reason TEXT NOT NULL)")


def _rows(conn: sqlite3.Connection, source: CsvSource, plan: RowPlan, mapping: Mapping,
          report: ImportReport, skip_invalid: bool,
          progress: Progress | None) -> Iterator[tuple]:
    """Converted rows, ``(line, value, ...)``; bad rows are recorded, not yielded."""
    convert, width = plan.convert, plan.width
    suspicions = plan.suspicions
    noted = suspicions.pending   # filled by the parsers while a row converts
    rows = 0
    reader, offset, previous = source.reader(), source.header_line, 0
    try:
        for row in reader:  # source.rows() inlined: this loop runs once per row
            line = previous + 1 + offset
            previous = reader.line_num
            if not row:
                if mapping.stop_at_blank_line:
                    break
                continue
            if len(row) != width:
                if len(row) < width:
                    row = row + [""] * (width - len(row))
                elif any(cell.strip() for cell in row[width:]):
                    rows += 1
                    _bad(conn, report, skip_invalid, [Problem(
                        line, None, f"has {len(row)} cells but the header has {width}",
                        "one cell per column (a value with the delimiter in it must be quoted)")])
                    continue
            try:
                values = convert(line, row)
            except BadValue:
                suspicions.discard()
                if not any(cell.strip() for cell in row):
                    if mapping.stop_at_blank_line:
                        break
                    continue  # a row of empty cells (Excel writes ";;;;") is a blank line
                rows += 1
                problems = [Problem(line, column, bad.reason, bad.expected)
                            for column, bad in plan.diagnose(row)]
                suspicions.discard()
                _bad(conn, report, skip_invalid, problems)
                continue
            if noted:
                suspicions.settle(line)
            rows += 1
            if progress is not None and not rows % PROGRESS_EVERY:
                progress(source.position(), source.size)
            yield values
    except (csv.Error, UnicodeDecodeError) as exc:
        raise source.failure(exc, previous + 1 + offset) from None
    report.rows = rows
    if progress is not None:
        progress(source.size, source.size)


def _stage(conn: sqlite3.Connection, source: CsvSource, plan: RowPlan, mapping: Mapping,
           report: ImportReport, skip_invalid: bool, progress: Progress | None) -> None:
    staged = [f'"{o.name}"' for o in plan.outputs]
    values = [f"?{number}" for number in range(1, len(staged) + 2)]
    names = [o.name for o in plan.outputs]
    if "lead" in names:  # looked up as the row goes in: no second write of every row
        staged.append("lead_id")
        values.append(_lead_id_sql(mapping, f"?{names.index('lead') + 2}"))
    with _null_binding():
        conn.executemany(f"INSERT INTO {STAGING} (line, {', '.join(staged)}) "
                         f"VALUES ({', '.join(values)})",
                         _rows(conn, source, plan, mapping, report, skip_invalid, progress))


def _lead_id_sql(mapping: Mapping, ref: str) -> str:
    """SQL for the id of the lead a staged row's ``ref`` (SQL text) names, NULL for none."""
    if mapping.kind == "deals":
        return deals.lead_lookup(mapping.lead_by, ref)
    return f"(SELECT l.id FROM main.leads l WHERE l.external_id = {ref})"


def _bad(conn: sqlite3.Connection, report: ImportReport, skip_invalid: bool,
         problems: list[Problem]) -> None:
    report.bad_rows += 1
    room = MAX_PROBLEMS - len(report.problems)
    if room > 0:
        report.problems.extend(problems[:room])
    if skip_invalid:
        conn.execute(f"INSERT OR REPLACE INTO {REJECTS} (line, reason) VALUES (?, ?)",
                     (problems[0].line, "; ".join(p.short() for p in problems)))


def _whole_file_checks(conn: sqlite3.Connection, mapping: Mapping, plan: RowPlan,
                       report: ImportReport, skip_invalid: bool) -> None:
    """Checks that need every row: duplicate keys, unknown leads, activity teams."""
    names = {o.name for o in plan.outputs}
    found: list[Problem] = []
    total = 0
    key = _key(mapping, plan)
    if key is not None:
        column = plan.labels.get(key, key)
        # Finding whether any key repeats (a sort that stops at the first) costs a third
        # of listing every repeat with its first line, which only a bad file needs.
        any_repeat = conn.execute(f"SELECT 1 FROM {STAGING} WHERE \"{key}\" IS NOT NULL "
                                  f"GROUP BY \"{key}\" HAVING count(*) > 1 LIMIT 1").fetchone()
        query = (f"SELECT line, value, first FROM (SELECT line, \"{key}\" AS value, "
                 f"min(line) OVER (PARTITION BY \"{key}\") AS first FROM {STAGING} "
                 f"WHERE \"{key}\" IS NOT NULL) WHERE line > first ORDER BY line")
        duplicates = conn.execute(query).fetchall() if any_repeat else []
        total += len(duplicates)
        found += [Problem(line, column, f"{value!r} is already on line {first}",
                          f"each {key.replace('_', ' ')} once per file")
                  for line, value, first in duplicates]
    if "lead" in names and mapping.kind == "engagements":
        # Staging looked the lead up by id only; engagements find theirs by e-mail, click id
        # or campaign and day too.
        engagements.link_leads(conn, STAGING, mapping.lead_by)
    unknown_is_bad = mapping.kind != "deals" and (  # an unknown deal's lead is kept, not bad
        mapping.kind != "engagements" or engagements.unknown_lead_is_bad(mapping.lead_by))
    if "lead" in names and unknown_is_bad:
        column = plan.labels.get("lead", "lead")
        rows = conn.execute(f"SELECT line, lead FROM {STAGING} WHERE lead_id IS NULL "
                            "AND lead IS NOT NULL ORDER BY line").fetchall()
        total += len(rows)
        found += [Problem(line, column, f"no lead has the id {value!r}",
                          "the id of a lead already imported (import the leads first)")
                  for line, value in rows]
    if mapping.kind == "engagements":
        incomplete = engagements.incomplete_rows(conn, STAGING, names, plan.labels,
                                                  mapping.lead_by)
        total += len(incomplete)
        found += [Problem(*row) for row in incomplete]
    if mapping.kind == "activities":
        if "person_id" in names and "team" in names:
            conn.execute(f"UPDATE {STAGING} SET team = (SELECT team FROM main.people p "
                         f"WHERE p.id = {STAGING}.person_id) WHERE team IS NULL")
        if "team" in names:
            column = plan.labels.get("team", "team")
            rows = conn.execute(f"SELECT line FROM {STAGING} WHERE team IS NULL "
                                "ORDER BY line").fetchall()
            total += len(rows)
            found += [Problem(line, column, "empty, and the person is not in smarketing.yaml",
                              "marketing or sales") for (line,) in rows]
    if not total:
        return
    found.sort(key=lambda p: p.line)
    lines = sorted({p.line for p in found})
    report.bad_rows += len(lines)
    report.problems = sorted(report.problems + found, key=lambda p: p.line)[:MAX_PROBLEMS]
    if skip_invalid:
        reasons: dict[int, list[str]] = {}
        for problem in found:
            reasons.setdefault(problem.line, []).append(problem.short())
        conn.executemany(f"INSERT OR REPLACE INTO {REJECTS} (line, reason) VALUES (?, ?)",
                         [(line, "; ".join(texts)) for line, texts in reasons.items()])
        conn.executemany(f"DELETE FROM {STAGING} WHERE line = ?", [(line,) for line in lines])


def _key(mapping: Mapping, plan: RowPlan) -> str | None:
    names = {o.name for o in plan.outputs}
    if mapping.kind == "campaigns":
        return "name"
    return "external_id" if "external_id" in names else None


# ------------------------------------------------------------- after the rows are in

_TOUCHED = "temp.import_touched_leads"


def _after_deals(conn: sqlite3.Connection, plan: RowPlan, report: ImportReport) -> None:
    """Count the deals whose lead is unknown; derive their leads' won and lost dates."""
    these = f"main.deals t JOIN {STAGING} s ON t.external_id = s.external_id"
    # A written deal's lead is its staged one, else the one it had (empty cells keep
    # old values): the leads they had are in _TOUCHED, so only deals staged without
    # one are looked up.
    staged_lead = any(o.name == "lead" for o in plan.outputs)
    # Into a table that had no deals, every deal is a staged one, with its staged lead.
    first_deals = report.inserted == conn.execute("SELECT count(*) FROM main.deals").fetchone()[0]
    if first_deals and staged_lead:
        report.deals_without_lead = conn.execute(
            f"SELECT count(*) FROM {STAGING} WHERE lead_id IS NULL").fetchone()[0]
    else:
        unlinked = " AND s.lead_id IS NULL" if staged_lead else ""
        report.deals_without_lead = conn.execute(
            f"SELECT count(*) FROM {these} WHERE t.lead_id IS NULL{unlinked}").fetchone()[0]
    # The leads of these deals now, and (from before the write) the leads they had;
    # into a table that had no deals, that is every lead with a deal.
    scope = f"SELECT lead_id FROM {_TOUCHED}"
    if staged_lead:
        scope += f" UNION ALL SELECT lead_id FROM {STAGING}"
    report.leads_derived = deals.derive_from_deals(conn, None if first_deals else scope)


def _after_leads(conn: sqlite3.Connection, report: ImportReport) -> None:
    """Link deals that were waiting for these leads; derive the leads that have deals
    (a deal's won date wins over the one the leads export carries)."""
    if conn.execute("SELECT 1 FROM main.deals LIMIT 1").fetchone() is None:
        return
    deals.link_orphan_deals(conn)
    scope = (f"SELECT t.id AS lead_id FROM {STAGING} s JOIN main.leads t "
             "ON t.external_id = s.external_id")
    report.leads_derived = deals.derive_from_deals(conn, scope)


def _quoted(name: str) -> str:
    return f'"{name}"'


def _secondary_indexes(conn: sqlite3.Connection, table: str,
                       written: set[str]) -> list[tuple[str, str]]:
    """The indexes to drop before a bulk insert and build again after it: building an
    index sorts once, where inserting a million keys lands them at random places.

    A partial index on columns the insert does not write (``col IS NOT NULL`` on a
    column the file lacks) stays: it gets no entries, and rebuilding it would scan
    the whole table for nothing.
    """
    indexes = conn.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'index' "
                           "AND tbl_name = ? AND sql IS NOT NULL", (table,)).fetchall()
    partial = {name for name, in conn.execute(
        "SELECT name FROM pragma_index_list(?) WHERE partial", (table,))}
    return [(name, sql) for name, sql in indexes if name not in partial or any(
        column in written for column, in conn.execute(
            "SELECT name FROM pragma_index_info(?)", (name,)))]


# ----------------------------------------------------------------------------- writing

@dataclass
class _Sql:
    table: str
    match: str                   # join condition between staging s and table t
    columns: list[Output]        # staging columns written to the table
    updatable: list[Output]      # columns an existing row takes from the file


def _sql(mapping: Mapping, plan: RowPlan) -> _Sql:
    table = _TABLES[mapping.kind]
    key = _key(mapping, plan)
    outputs = [o for o in plan.outputs if o.name != "lead"]
    if mapping.kind == "events":
        outputs.append(Output("lead_id", None))
    elif mapping.kind == "deals":
        outputs = deals.deal_outputs(plan.outputs, "s.lead_id")
    if key is not None:
        key_output = next(o for o in outputs if o.name == key)
        match = f"t.\"{key}\" = {key_output.sql}"
        updatable = [o for o in outputs if o.name != key]
    elif mapping.kind == "events":
        by_name = {o.name: o for o in outputs}
        match = ("t.lead_id = s.lead_id AND t.type = s.type AND t.at = s.at AND "
                 f"t.outcome IS {by_name['outcome'].sql if 'outcome' in by_name else 'NULL'} AND "
                 f"t.person IS {by_name['person'].sql if 'person' in by_name else 'NULL'}")
        updatable = [o for o in outputs if o.name == "note"]
    else:  # activities without ids: one row per team, person, date, kind and title
        by_name = {o.name: o for o in outputs}
        match = " AND ".join(
            f"t.\"{name}\" IS {by_name[name].sql if name in by_name else 'NULL'}"
            for name in ("team", "date", "kind", "title", "person"))
        updatable = [o for o in outputs if o.name == "quantity"]
    return _Sql(table, match, outputs, updatable)


def _changed(sql: _Sql) -> str:
    """SQL true when a staged row would change its matched row t (empty cells keep old values)."""
    tests = []
    for output in sql.updatable:
        if output.name.endswith("_id") and output.name not in ("external_id", "lead_id"):
            continue  # person ids change together with the person's name, below
        value = output.sql
        test = f"({value} IS NOT NULL AND {value} IS NOT t.\"{output.name}\")"
        id_name = f"{output.name}_id"
        if any(o.name == id_name for o in sql.updatable):
            test = (f"({value} IS NOT NULL AND ({value} IS NOT t.\"{output.name}\" "
                    f"OR s.\"{id_name}\" IS NOT t.\"{id_name}\"))")
        tests.append(test)
    return " OR ".join(tests) or "0"


def _count(conn: sqlite3.Connection, mapping: Mapping, plan: RowPlan,
           report: ImportReport) -> None:
    if mapping.kind == "engagements":
        engagements.stage_rows(conn, STAGING, {o.name for o in plan.outputs}, mapping.lead_by)
        report.inserted, report.updated, report.unchanged, report.without_lead = \
            engagements.count(conn)
        return
    sql = _sql(mapping, plan)
    inserted, updated, total = conn.execute(
        f"SELECT count(*) FILTER (WHERE t.rowid IS NULL), "
        f"count(*) FILTER (WHERE t.rowid IS NOT NULL AND ({_changed(sql)})), count(*) "
        f"FROM {STAGING} s LEFT JOIN main.{sql.table} t ON {sql.match}").fetchone()
    report.inserted, report.updated = inserted, updated
    report.unchanged = total - inserted - updated


def _write(conn: sqlite3.Connection, mapping: Mapping, plan: RowPlan,
           report: ImportReport) -> None:
    if mapping.kind == "engagements":
        engagements.write(conn, report.import_id, report.inserted, report.updated)
        return
    sql = _sql(mapping, plan)
    import_id = report.import_id
    stamp = utc_iso(now_utc())
    leads = mapping.kind == "leads"
    stamped = mapping.kind in _STAMPED
    first_contact = leads and any(o.name == "first_contact_at" for o in plan.outputs)
    reopens = mapping.kind == "deals" and any(o.name == "status" for o in plan.outputs)
    if mapping.kind == "deals":  # the leads these deals had before, to derive them again
        conn.execute(f"DROP TABLE IF EXISTS {_TOUCHED}")
        no_match = "" if report.updated or report.unchanged else " LIMIT 0"  # all new
        conn.execute(f"CREATE TABLE {_TOUCHED} AS SELECT t.lead_id FROM main.deals t "
                     f"JOIN {STAGING} s ON t.external_id = s.external_id "
                     f"WHERE t.lead_id IS NOT NULL{no_match}")

    if report.updated:
        sets = []
        for output in sql.updatable:
            name = output.name
            if name.endswith("_id") and any(o.name == name[:-3] for o in sql.updatable) \
                    and name not in ("external_id", "lead_id"):
                base = next(o for o in sql.updatable if o.name == name[:-3])
                sets.append(f"\"{name}\" = CASE WHEN {base.sql} IS NOT NULL THEN s.\"{name}\" "
                            f"ELSE t.\"{name}\" END")
            elif name == "closed_at" and reopens:  # a reopened deal has no close date
                sets.append(f"closed_at = CASE WHEN s.status = 'open' THEN NULL "
                            f"ELSE coalesce({output.sql}, t.closed_at) END")
            else:
                sets.append(f"\"{name}\" = coalesce({output.sql}, t.\"{name}\")")
        sets.append(f"import_id = {int(import_id)}")
        if stamped:
            sets.append(f"updated_at = '{stamp}'")
        if first_contact:
            sets.append("first_contact_imported = max(t.first_contact_imported, "
                        "s.first_contact_at IS NOT NULL)")
        conn.execute(f"UPDATE main.{sql.table} AS t SET {', '.join(sets)} "
                     f"FROM {STAGING} AS s WHERE {sql.match} AND ({_changed(sql)})")
    if report.inserted:
        names = [o.name for o in sql.columns] + ["import_id"]
        values = []
        for output in sql.columns:
            default = _NOT_NULL_DEFAULTS.get((mapping.kind, output.name))
            values.append(f"coalesce({output.sql}, {default})" if default else output.sql)
        values.append(str(int(import_id)))
        if stamped:
            names.append("updated_at")
            values.append(f"'{stamp}'")
        if first_contact:
            names.append("first_contact_imported")
            values.append("s.first_contact_at IS NOT NULL")
        rebuild = []
        if report.inserted > BULK_ROWS:
            existing = conn.execute(f"SELECT count(*) FROM main.{sql.table}").fetchone()[0]
            if report.inserted > existing:
                rebuild = _secondary_indexes(conn, sql.table, set(names))
                for name, _ in rebuild:
                    conn.execute(f'DROP INDEX main."{name}"')
        # Counted under this lock: when every staged row is new, none needs looking for
        # (and a SELECT that does not read the table it fills is not first copied aside).
        new_only = "" if not (report.updated or report.unchanged) else \
            f"WHERE NOT EXISTS (SELECT 1 FROM main.{sql.table} AS t WHERE {sql.match}) "
        conn.execute(f"INSERT INTO main.{sql.table} ({', '.join(map(_quoted, names))}) "
                     f"SELECT {', '.join(values)} FROM {STAGING} AS s {new_only}"
                     "ORDER BY s.line")
        for _, create in rebuild:  # same transaction: a kill before COMMIT undoes it all
            conn.execute(create)


def derive_first_contacts(conn: sqlite3.Connection, *, from_staging: bool = False) -> int:
    """Set leads.first_contact_at from lead_events where the export did not give it.

    The first touch of a contact type (call, email, meeting, linkedin, sms; any
    outcome) counts. Only leads whose first contact was not imported change;
    with ``from_staging`` only the leads of the events being imported.
    Returns how many leads changed.
    """
    types = ", ".join(f"'{t}'" for t in FIRST_CONTACT_TYPES)
    first = (f"(SELECT min(e.at) FROM main.lead_events e WHERE e.lead_id = leads.id "
             f"AND e.type IN ({types}))")
    scope = f" AND id IN (SELECT lead_id FROM {STAGING})" if from_staging else ""
    cursor = conn.execute(f"UPDATE main.leads SET first_contact_at = {first} "
                          f"WHERE first_contact_imported = 0{scope} "
                          f"AND first_contact_at IS NOT {first}")
    return cursor.rowcount


def _newest(conn: sqlite3.Connection, plan: RowPlan, workspace_tz: str) -> str | None:
    """The newest timestamp (or date, as local midnight) among the staged rows."""
    known = FIELDS_BY_NAME
    names = plan.newest_fields
    columns = []   # (SQL, is a date)
    if plan.kind == "deals":  # an open deal's close date is a forecast, not news
        names = [n for n in names if n == "created_at"]
        closed = deals.closed_expression({o.name for o in plan.outputs})
        if closed is not None:
            columns.append((closed, False))
    columns += [(f's."{name}"', known.get(name) == "date") for name in names]
    if not columns:
        return None
    # One scan of the staged rows for every column's max().
    values = conn.execute(f"SELECT {', '.join(f'max({sql})' for sql, _ in columns)} "
                          f"FROM {STAGING} AS s").fetchone()
    newest = None
    for value, (_, is_date) in zip(values, columns):
        if value is None:
            continue
        if is_date:
            local = datetime.fromisoformat(value).replace(tzinfo=zone(workspace_tz))
            value = utc_iso(local)
        if newest is None or value > newest:
            newest = value
    return newest


FIELDS_BY_NAME = {name: f.type for kind in FIELDS.values() for name, f in kind.items()}


def _record_import(conn: sqlite3.Connection, report: ImportReport, label: str) -> int:
    cursor = conn.execute(
        "INSERT INTO main.imports (kind, file, preset, mapping, source_label, started_at, rows) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (report.kind, label, report.preset, report.mapping, report.source_label,
         utc_iso(now_utc()), report.rows))
    return cursor.lastrowid


def _finish_record(conn: sqlite3.Connection, report: ImportReport) -> None:
    conn.execute(
        "UPDATE main.imports SET finished_at = ?, rows = ?, inserted = ?, updated = ?, "
        "unchanged = ?, skipped = ?, newest_at = ? WHERE id = ?",
        (utc_iso(now_utc()), report.rows, report.inserted, report.updated, report.unchanged,
         report.skipped,
         report.newest_at, report.import_id))


def _write_rejects(conn: sqlite3.Connection, path: Path, label: str, target: Path) -> Path:
    """Stream the input again and copy the rejected rows, with their reason, beside it."""
    temporary = target.with_name(target.name + ".part")
    source = open_csv(path, label)
    reasons = conn.execute(f"SELECT line, reason FROM {REJECTS} ORDER BY line")
    pending = reasons.fetchone()
    try:
        with open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=source.delimiter)
            writer.writerow([*source.header, "reject_reason"])
            for line, row in source.rows():
                if pending is None:
                    break
                if line == pending[0]:
                    writer.writerow([*row, pending[1]])
                    pending = reasons.fetchone()
    except OSError as exc:
        raise UserError(f"cannot write the rejects file {target}: {exc.strerror}") from None
    finally:
        source.close()
    return temporary
