"""Custom SQL metrics: parameters, the counts behind them, and the read-only guard."""

from __future__ import annotations

import pytest
from scorecard_data import SETTINGS, lead, new_store, utc

from smarketing_tui.customsql import run_readonly, sql_parameters
from smarketing_tui.errors import UserError
from smarketing_tui.metrics import CustomMetric, MetricsEngine
from smarketing_tui.periods import parse_period
from smarketing_tui import store
from smarketing_tui.store import open_readonly

NOVEMBER = parse_period("2026-11", "Europe/Oslo")


@pytest.fixture
def conn(tmp_path):
    connection = new_store(tmp_path)
    lead(connection, mql_at="2026-11-02T09:00:00Z", source="demo request")
    lead(connection, mql_at="2026-11-20T09:00:00Z", source="demo request")
    lead(connection, mql_at="2026-11-03T09:00:00Z", source="web")
    yield connection
    connection.close()


def engine(conn, sql, unit="count"):
    return MetricsEngine(conn, SETTINGS, custom_metrics={"demo": CustomMetric("demo", sql, unit)})


def test_custom_metric_gets_start_end_and_as_of(conn):
    sql = ("SELECT COUNT(*) AS value, :as_of AS seen_as_of FROM leads "
           "WHERE source = 'demo request' AND mql_at >= :start AND mql_at < :end")
    # As of 10 Nov, :end is cut at the moment: only the 2 Nov demo request is in.
    result = engine(conn, sql).compute("demo", NOVEMBER, utc("2026-11-10T00:00:00Z"))
    assert (result.value, result.counts) == (1, {"seen_as_of": "2026-11-10T00:00:00Z"})
    # After November: both.
    assert engine(conn, sql).compute("demo", NOVEMBER, utc("2026-12-10T00:00:00Z")).value == 2


def test_custom_metric_value_is_the_first_column_without_a_value_column(conn):
    result = engine(conn, "SELECT COUNT(*) AS n FROM leads").compute(
        "demo", NOVEMBER, utc("2026-12-10T00:00:00Z"))
    assert (result.value, result.counts) == (3, {})


def test_custom_metric_null_is_no_data_and_text_is_an_error(conn):
    later = utc("2026-12-10T00:00:00Z")
    assert engine(conn, "SELECT NULL").compute("demo", NOVEMBER, later).value is None
    with pytest.raises(UserError) as error:
        engine(conn, "SELECT 'many'").compute("demo", NOVEMBER, utc("2026-12-10T00:00:00Z"))
    assert str(error.value) == ("custom metric demo: its SQL returned 'many'; expected a number "
                                "(or NULL for no data)")


@pytest.mark.parametrize("sql, tried", [
    ("DELETE FROM leads", "delete leads"),
    ("UPDATE leads SET source = 'x'", "update leads"),
    ("INSERT INTO leads (external_id) VALUES ('z')", "insert leads"),
    ("CREATE TABLE sneaky (a)", "create table sneaky"),
    ("DROP TABLE leads", "drop table leads"),
    ("PRAGMA user_version = 99", "pragma user_version"),
    ("ATTACH DATABASE ':memory:' AS other", "attach :memory:"),
])
def test_custom_sql_that_tries_to_write_is_refused(conn, sql, tried):
    with pytest.raises(UserError) as error:
        engine(conn, sql).compute("demo", NOVEMBER, utc("2026-12-10T00:00:00Z"))
    assert str(error.value) == (f"custom metric demo: its SQL may only read the store, but it "
                                f"tries to {tried}")
    # ... and nothing changed.
    assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT source) FROM leads").fetchone() == (3, 2)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION


def test_the_schema_table_cannot_be_changed_either(conn):
    with pytest.raises(UserError) as error:
        engine(conn, "DELETE FROM sqlite_master").compute("demo", NOVEMBER,
                                                         utc("2026-12-10T00:00:00Z"))
    assert str(error.value) == ("custom metric demo: SQL error: table sqlite_master may not be "
                                "modified")
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'leads'").fetchone() \
        == (1,)


def test_guard_is_lifted_after_the_custom_query(conn):
    with pytest.raises(UserError):
        engine(conn, "DELETE FROM leads").compute("demo", NOVEMBER, utc("2026-12-10T00:00:00Z"))
    # The store's own writes still work.
    conn.execute("UPDATE leads SET source = 'web' WHERE id = 1")


def test_read_only_connection_also_refuses(tmp_path, conn):
    readonly = open_readonly(tmp_path / "store.db")
    with pytest.raises(UserError, match="may only read the store"):
        run_readonly(readonly, "DELETE FROM leads", {}, "custom metric demo")
    readonly.close()


def test_sql_errors_and_parameters_are_reported(conn):
    with pytest.raises(UserError) as error:
        engine(conn, "SELECT nope FROM leads").compute("demo", NOVEMBER,
                                                      utc("2026-12-10T00:00:00Z"))
    assert str(error.value) == "custom metric demo: SQL error: no such column: nope"
    # Parameters inside string literals are not parameters.
    assert sql_parameters("SELECT ':x', :start, :end -- :comment\n") == ["end", "start"]


def test_custom_metrics_cannot_be_broken_down(conn):
    with pytest.raises(UserError) as error:
        engine(conn, "SELECT 1").compute("demo", NOVEMBER, utc("2026-12-10T00:00:00Z"), by="source")
    assert str(error.value) == "custom metric demo cannot be broken down --by source"


def _within(seconds, call):
    """Run ``call`` in a thread; fail (instead of hanging the suite) if it is not back in time."""
    import threading

    outcome: dict = {}

    def target():
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the test below
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: the time limit did not stop it"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


FOREVER = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"


def test_a_query_that_never_ends_is_stopped_at_its_time_limit(tmp_path, conn):
    # The limit is made small so the test is quick; the 120 s outer deadline is only there so
    # that a broken limit fails the test instead of hanging the suite.
    metric = CustomMetric("forever", FOREVER, time_limit=0.05)
    engine_ = MetricsEngine(conn, SETTINGS, custom_metrics={"forever": metric})
    with pytest.raises(UserError) as error:
        _within(120, lambda: engine_.compute("forever", NOVEMBER, utc("2026-12-10T00:00:00Z")))
    assert str(error.value) == ("custom metric forever: stopped after 0.05 s, its time limit; "
                                "make the query cheaper or raise its time_limit")
    # The handler is gone afterwards: the connection runs the store's own queries again.
    assert conn.execute("SELECT COUNT(*) FROM leads").fetchone() == (3,)
    # ... and on a read-only connection the same.
    readonly = open_readonly(tmp_path / "store.db")
    with pytest.raises(UserError, match=r"^custom metric demo: stopped after 0.05 s"):
        _within(120, lambda: run_readonly(readonly, FOREVER, {}, "custom metric demo", 0.05))
    readonly.close()


def test_a_query_within_its_limit_is_not_stopped(conn):
    # 10 000 rows counted is far inside the default 10 s.
    sql = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) "
           "SELECT COUNT(*) FROM c")
    assert engine(conn, sql).compute("demo", NOVEMBER, utc("2026-12-10T00:00:00Z")).value == 10000


@pytest.mark.parametrize("sql, message", [
    ("SELECT 1e308 * 10", "its SQL returned infinity in column '1e308 * 10'; expected a finite "
                          "number (or NULL for no data)"),
    ("SELECT -1e308 * 10 AS value", "its SQL returned -infinity in column 'value'; expected a "
                                    "finite number (or NULL for no data)"),
    ("SELECT 1e308", "its SQL returned 1e+308 in column '1e308', out of range; expected a number "
                     "with at most 15 digits before the decimal point"),
    # 10^15 has 16 digits: the first number refused.
    ("SELECT 1000000000000000", "its SQL returned 1e+15 in column '1000000000000000', out of "
                                "range; expected a number with at most 15 digits before the "
                                "decimal point"),
    # A count behind the value is held to the same rule.
    ("SELECT 1 AS value, 1e308 * 10 AS spend", "its SQL returned infinity in column 'spend'"),
])
def test_non_finite_and_out_of_range_results_are_refused(conn, sql, message):
    with pytest.raises(UserError) as error:
        engine(conn, sql).compute("demo", NOVEMBER, utc("2026-12-10T00:00:00Z"))
    assert str(error.value).startswith(f"custom metric demo: {message}")


def test_the_largest_number_allowed_is_kept_exactly(conn):
    # 999 999 999 999 999: 15 digits, the largest whole number allowed.
    result = engine(conn, "SELECT 999999999999999").compute("demo", NOVEMBER,
                                                             utc("2026-12-10T00:00:00Z"))
    assert result.value == 999_999_999_999_999


def test_the_cli_says_stopped_in_one_line_and_exits_2(workspace):
    from click.testing import CliRunner

    from smarketing_tui.cli import cli

    sla = workspace.agendas_dir / "sla.yaml"
    text = sla.read_text(encoding="utf-8")
    assert "\nmetrics:\n" in text
    # time_limit 1 s is the smallest an SLA may set; the query never ends without it.
    sla.write_text(text.replace("\nmetrics:\n", "\nmetrics:\n  forever:\n    time_limit: 1\n"
                                f"    sql: \"{FOREVER}\"\n", 1), encoding="utf-8")
    result = _within(120, lambda: CliRunner().invoke(
        cli, ["-w", str(workspace.root), "metrics", "forever", "--format", "json"]))
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", (
        "Error: custom metric forever: stopped after 1 s, its time limit; make the query "
        "cheaper or raise its time_limit\n"))


def test_a_value_larger_than_10_mb_is_refused_and_the_limit_lifted_after(conn):
    with pytest.raises(UserError) as error:
        engine(conn, "SELECT length(randomblob(900000000))").compute(
            "demo", NOVEMBER, utc("2026-12-10T00:00:00Z"))
    assert str(error.value) == ("custom metric demo: SQL error: string or blob too big (a value "
                                "it builds may be at most 10 MB)")
    # 5 MB is within the limit; afterwards the store's own connection has SQLite's 1 GB again.
    assert engine(conn, "SELECT length(randomblob(5000000))").compute(
        "demo", NOVEMBER, utc("2026-12-10T00:00:00Z")).value == 5_000_000
    assert conn.execute("SELECT length(randomblob(20000000))").fetchone() == (20_000_000,)
