"""One widget per agenda section type; ``SECTION_VIEWS`` maps a type to its widget class."""

from __future__ import annotations

from smarketing_tui.tui.sections.action_review import ActionReviewView
from smarketing_tui.tui.sections.base import SectionContext, SectionView
from smarketing_tui.tui.sections.checkin import CheckinView

SECTION_VIEWS: dict[str, type[SectionView]] = {
    view.SECTION_TYPE: view
    for view in (CheckinView, ActionReviewView)
}

__all__ = ["SECTION_VIEWS", "SectionContext", "SectionView"]
