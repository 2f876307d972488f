"""One widget per agenda section type; :func:`view_class` gives a type's widget class.

The view modules are imported lazily, one at a time: the meeting screen opens
with only the first section's view loaded (importing all of them, with the
domain modules behind them, was a tenth of the start-up). ``SECTION_VIEWS``
(every type mapped to its class) is still there for code that wants them all;
reading it imports every view.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smarketing_tui.tui.sections.base import SectionContext, SectionView

# section type -> (module in this package, class name)
VIEW_MODULES: dict[str, tuple[str, str]] = {
    "checkin": ("checkin", "CheckinView"),
    "action_review": ("action_review", "ActionReviewView"),
    "activity": ("activity", "ActivityView"),
    "scorecard": ("scorecard", "ScorecardView"),
    "funnel": ("funnel", "FunnelView"),
    "issues": ("issues", "IssuesView"),
    "talking_points": ("talking_points", "TalkingPointsView"),
    "wrapup": ("wrapup", "WrapupView"),
}


def view_class(kind: str) -> type[SectionView] | None:
    """The view class of a section type (importing only its module), or None if it has none."""
    if kind not in VIEW_MODULES:
        return None
    module, name = VIEW_MODULES[kind]
    return getattr(import_module(f"{__name__}.{module}"), name)


def __getattr__(name: str):
    if name == "SECTION_VIEWS":
        views = {kind: view_class(kind) for kind in VIEW_MODULES}
        globals()["SECTION_VIEWS"] = views
        return views
    if name in ("SectionContext", "SectionView"):
        from smarketing_tui.tui.sections import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SECTION_VIEWS", "VIEW_MODULES", "SectionContext", "SectionView", "view_class"]
