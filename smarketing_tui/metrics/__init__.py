"""The metrics: each one a :class:`Metric` object in :data:`CATALOGUE`, computed in SQL.

Every metric is computed for a :class:`~smarketing_tui.periods.Period` *as of*
a moment: facts stamped after ``as_of`` are treated as not yet known, and a
running period is cut at ``as_of``. Aggregation happens in SQLite; Python only
turns the counts it gets back into a value. The meanings are written down in
the README (section "Metrics") and pinned by tests on hand-made data.

* ``model.py``: the :class:`Metric` object, the catalogue, the results, parameters.
* ``engine.py``: :class:`MetricsEngine` (periods to SQL bounds, exclusions, drill-downs).
* ``leads.py``, ``deals.py``, ``spend.py``, ``attribution.py`` (by engagements): the
  metrics themselves, one object each.

Adding a metric is one :class:`Metric` in one of those modules (and its line in the
README and a hand-computed test, which ``tests/test_metrics_registry.py`` checks).
"""

from smarketing_tui.metrics.model import (CATALOGUE, CLOCKS, CUSTOM_PARAMETERS, DIMENSIONS,
                                          TOUCH_DIMENSIONS,
                                          EXCLUDE_FIELDS, FIRST_CONTACT_RULES, NON_TOUCH_TYPES,
                                          UNITS, CustomMetric, DrillResult, ExcludeRule, Group,
                                          Metric, MetricDef, MetricResult, Param, check_params,
                                          fold, known_metric_names, parse_metric_spec, register)
from smarketing_tui.metrics.engine import MetricsEngine, Window
from smarketing_tui.metrics import leads, deals, spend, attribution  # noqa: E402,F401  (they register)

__all__ = ["CATALOGUE", "CLOCKS", "CUSTOM_PARAMETERS", "DIMENSIONS", "EXCLUDE_FIELDS",
           "FIRST_CONTACT_RULES", "NON_TOUCH_TYPES", "TOUCH_DIMENSIONS", "UNITS", "CustomMetric", "DrillResult",
           "ExcludeRule", "Group", "Metric", "MetricDef", "MetricResult", "MetricsEngine",
           "Param", "Window", "check_params", "fold", "known_metric_names",
           "parse_metric_spec", "register"]
