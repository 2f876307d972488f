"""Every registered metric is complete, documented in the README and named in a hand-computed test.

What "named in a hand-computed test" checks, honestly: some test function in
tests/test_metrics*.py or tests/test_sections_funnel_domain.py holds the metric's name as
a string and asserts an equality against a number it writes out (``== 3``,
``pytest.approx(0.75)``). It cannot prove the number was worked out by hand; the
comments beside those asserts carry the arithmetic, and review checks them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from scorecard_data import SETTINGS, new_store, utc

from smarketing_tui.metrics import (CATALOGUE, DIMENSIONS, TOUCH_DIMENSIONS, Metric,
                                    MetricsEngine, UNITS)
from smarketing_tui.periods import parse_period

ROOT = Path(__file__).resolve().parent.parent
NOVEMBER = parse_period("2026-11", "Europe/Oslo")
AS_OF = utc("2026-12-10T12:00:00Z")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    conn = new_store(tmp_path_factory.mktemp("registry"))
    yield MetricsEngine(conn, SETTINGS)
    conn.close()


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_every_metric_is_complete(engine, name):
    metric = CATALOGUE[name]
    assert isinstance(metric, Metric) and metric.name == name
    assert metric.unit in UNITS
    assert set(metric.dimensions) - {"reason"} <= set(DIMENSIONS) | set(TOUCH_DIMENSIONS)
    result = engine.compute(name, NOVEMBER, AS_OF)
    # The counts it shows and the one its breakdown sorts by are counts it computes.
    assert set(metric.shown_counts) <= set(result.counts), metric.shown_counts
    assert metric.sort_key in result.counts
    drilled = engine.drill(name, NOVEMBER, AS_OF)
    assert drilled.columns and drilled.title and (drilled.rows, drilled.total) == ([], 0)
    for by in metric.dimensions:
        assert engine.compute(name, NOVEMBER, AS_OF, by=by).by == by


def test_a_metric_missing_a_piece_fails_when_it_is_made():
    def nothing(*_args):
        return {}

    with pytest.raises(TypeError):
        Metric("half_done", "count", "Leads of some kind in the period.", nothing)  # type: ignore
    with pytest.raises(TypeError, match="drill_title must be text naming only"):
        Metric("bad_title", "count", "Leads of some kind in the period.", nothing, nothing,
               "Leads within {hours} hours", "mqls", ())
    with pytest.raises(TypeError, match="unit"):
        Metric("bad_unit", "euros", "Leads of some kind in the period.", nothing, nothing,
               "Leads", "mqls", ())


def _readme_metric_rows() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Metrics, the SLA and the scorecard", 1)[1].split(
        "### The SLA file", 1)[0]
    rows = {}
    for line in section.splitlines():
        line = line.replace("\\|", "/")  # an escaped | inside a cell
        match = re.match(r"\|\s*`([a-z_]+)`[^|]*\|\s*([a-z]+)\s*\|([^|]+)\|", line)
        if match:
            rows[match[1]] = (match[2], match[3].strip())
    return rows


def test_every_metric_is_documented_in_the_readme_with_its_unit_and_meaning():
    rows = _readme_metric_rows()
    for name, metric in CATALOGUE.items():
        assert name in rows, f"README's metric section has no row for {name}"
        unit, meaning = rows[name]
        assert unit == metric.unit, name
        assert len(meaning) >= 20, name
    assert set(rows) == set(CATALOGUE), "the README lists a metric that is not registered"


def _pinning_tests() -> dict[str, set[str]]:
    """{metric name: test functions naming it that assert an equality to a written number}."""
    files = [*sorted((ROOT / "tests").glob("test_metrics*.py")),
             ROOT / "tests" / "test_sections_funnel_domain.py",
             ROOT / "tests" / "test_samples_metrics.py"]
    found: dict[str, set[str]] = {}
    for path in files:
        if path.name == Path(__file__).name:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            names = {n.value for n in ast.walk(node)
                     if isinstance(n, ast.Constant) and n.value in CATALOGUE}
            if names and any(_pins_a_number(a) for a in ast.walk(node)
                             if isinstance(a, ast.Assert)):
                for name in names:
                    found.setdefault(name, set()).add(f"{path.name}::{node.name}")
    return found


def _pins_a_number(node: ast.Assert) -> bool:
    for compare in ast.walk(node.test):
        if isinstance(compare, ast.Compare) and any(isinstance(op, ast.Eq) for op in compare.ops):
            for side in [compare.left, *compare.comparators]:
                for part in ast.walk(side):
                    if (isinstance(part, ast.Constant) and isinstance(part.value, (int, float))
                            and not isinstance(part.value, bool)):
                        return True
    return False


def test_every_metric_is_named_in_a_test_that_pins_its_value():
    found = _pinning_tests()
    missing = [name for name in CATALOGUE if name not in found]
    assert missing == []
