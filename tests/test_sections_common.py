"""Small text helpers of the section views."""

from smarketing_tui.tui.sections.common import one_line


def test_one_line_folds_newlines_and_tabs_into_single_spaces():
    assert one_line("Call\nthe\t webinar  leads") == "Call the webinar leads"


def test_one_line_cuts_to_the_width_with_an_ellipsis_and_no_space_before_it():
    # 10 columns: 9 characters and "…". "Sales books" cut at 9 is "Sales boo".
    assert one_line("Sales books at least 25 meetings", 10) == "Sales boo…"
    # Cut at 6 the text ends in a space ("Sales "): it goes, so "Sales…" (6 columns).
    assert one_line("Sales books", 7) == "Sales…"
    assert one_line("short", 10) == "short"
