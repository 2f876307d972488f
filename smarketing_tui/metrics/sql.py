"""SQL pieces and result shaping shared by the metric modules (no metric lives here)."""

from __future__ import annotations

import math
from typing import Any, Callable

TOUCH = "e.type NOT IN ('note', 'stage')"

# Percentiles by linear interpolation between the two nearest ranks (as numpy's
# default): rank r = (n - 1) q, value = x[floor r] + (x[ceil r] - x[floor r]) * frac r.
PERCENTILE_CTES = """
    vals AS ({values}),
    ranked AS (SELECT g, k, x, ROW_NUMBER() OVER (PARTITION BY g, k ORDER BY x) - 1 AS i,
                      COUNT(*) OVER (PARTITION BY g, k) AS n FROM vals)"""
PERCENTILE_SELECT = """
    SELECT g, k, MAX(n),
           MAX(CASE WHEN i = CAST((n - 1) * 0.5 AS INTEGER) THEN x END),
           MAX(CASE WHEN i = min(n - 1, CAST((n - 1) * 0.5 AS INTEGER) + 1) THEN x END),
           MAX(CASE WHEN i = CAST((n - 1) * 0.9 AS INTEGER) THEN x END),
           MAX(CASE WHEN i = min(n - 1, CAST((n - 1) * 0.9 AS INTEGER) + 1) THEN x END),
           NULL
    FROM ranked GROUP BY g, k"""


def interpolate(low: float | None, high: float | None, q: float, n: int) -> float | None:
    if n == 0 or low is None:
        return None
    rank = (n - 1) * q
    fraction = rank - math.floor(rank)
    return low + ((high if high is not None else low) - low) * fraction


def share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


ratio = share


def collect(rows: list[tuple], by: str | None, names: tuple[str, ...],
            value: Callable[[dict], Any]) -> dict:
    """Rows ``(group, n1, n2, ...)`` -> {group: (value, counts)}; a total row always exists."""
    result = {}
    for row in rows:
        counts = {name: int_if_whole(v) for name, v in zip(names, row[1:])}
        result[row[0]] = (None, counts)
    if by is None and None not in result:
        result[None] = (None, {name: 0 for name in names})
    return {key: (value(counts), counts) for key, (_v, counts) in result.items()}


def ensure_total(result: dict, by: str | None, empty: Callable[[], tuple]) -> dict:
    if by is None and None not in result:
        result[None] = empty()
    return result


def int_if_whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def median_rows(engine, sql: str, w, by: str | None, dimensions=None) -> dict:
    """{group: (median, {"won": n, "median", "p90"})} for a query ``w(g, days)`` (a CTE text)."""
    full = f"""
        WITH w AS MATERIALIZED ({sql}),
        {PERCENTILE_CTES}
        SELECT g, 'bands', COUNT(*), 0, 0, 0, 0, 0 FROM w GROUP BY g"""
    stats = engine.percentile_rows(full, w, by, ("days",), dimensions)
    result = {}
    for key, entry in stats.items():
        median, p90, n = entry.get("days", (None, None, 0))
        result[key] = (median, {"won": n, "median": median, "p90": p90})
    return ensure_total(result, by, lambda: (None, {"won": 0, "median": None, "p90": None}))
