"""One widget per agenda section type; ``SECTION_VIEWS`` maps a type to its widget class."""

from __future__ import annotations

from smarketing_tui.tui.sections.action_review import ActionReviewView
from smarketing_tui.tui.sections.activity import ActivityView
from smarketing_tui.tui.sections.base import SectionContext, SectionView
from smarketing_tui.tui.sections.checkin import CheckinView
from smarketing_tui.tui.sections.funnel import FunnelView
from smarketing_tui.tui.sections.issues import IssuesView
from smarketing_tui.tui.sections.scorecard import ScorecardView
from smarketing_tui.tui.sections.talking_points import TalkingPointsView
from smarketing_tui.tui.sections.wrapup import WrapupView

SECTION_VIEWS: dict[str, type[SectionView]] = {
    view.SECTION_TYPE: view
    for view in (CheckinView, ActionReviewView, ActivityView, ScorecardView, FunnelView,
                 IssuesView, TalkingPointsView, WrapupView)
}

__all__ = ["SECTION_VIEWS", "SectionContext", "SectionView"]
