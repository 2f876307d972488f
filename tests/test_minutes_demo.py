"""Minutes of the demo's finished meeting: golden files, and the HTML in headless Chromium.

The demo is deterministic for a seed and a day; the clock is frozen. When the demo
data or the minutes layout change on purpose, regenerate the goldens with
``SMARKETING_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_minutes_demo.py`` and read the diff.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from smarketing_tui import records
from smarketing_tui.demo import build_demo
from smarketing_tui.minutes import load_minutes, render, resolve_meeting
from smarketing_tui.store import open_store
from test_minutes_browser import _Decisions, open_in_chromium

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 11, 30)
NOW = "2026-11-30T08:00:00Z"


@pytest.fixture(scope="module")
def demo_minutes(tmp_path_factory):
    previous = os.environ.get("SMARKETING_NOW")
    os.environ["SMARKETING_NOW"] = NOW
    try:
        workspace = build_demo(tmp_path_factory.mktemp("demo") / "ws", today=TODAY)
        settings = workspace.settings()
        db = open_store(workspace.db_path, settings)
        try:
            meeting_id = resolve_meeting(db.conn, "last", settings.timezone)
            minutes = load_minutes(db.conn, meeting_id, settings)
            decisions = [d.text for d in records.list_decisions(db.conn, meeting_id)]
            texts = {fmt: render(minutes, fmt) for fmt in ("md", "html", "json", "ics")}
        finally:
            db.close()
    finally:
        if previous is None:
            os.environ.pop("SMARKETING_NOW", None)
        else:
            os.environ["SMARKETING_NOW"] = previous
    return minutes, decisions, texts


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_demo_minutes_match_the_golden_files(demo_minutes, fmt):
    _, _, texts = demo_minutes
    golden = GOLDEN / f"demo-minutes.{fmt}"
    if os.environ.get("SMARKETING_UPDATE_GOLDEN"):
        golden.write_bytes(texts[fmt].encode("utf-8"))
    assert texts[fmt] == golden.read_bytes().decode("utf-8"), (
        f"{golden.name} differs; if the demo or the layout changed on purpose, regenerate with "
        "SMARKETING_UPDATE_GOLDEN=1 and review the diff")


def test_demo_minutes_hold_every_decision_and_open_item(demo_minutes):
    minutes, decisions, texts = demo_minutes
    assert decisions, "the demo's finished meeting should have decisions"
    document = json.loads(texts["json"])
    assert [d["text"] for s in document["sections"] for d in s["decisions"]] == decisions
    assert texts["ics"].count("BEGIN:VTODO") == len(minutes.open_action_items)


def test_demo_html_renders_in_chromium_without_console_errors(demo_minutes, tmp_path):
    _, decisions, texts = demo_minutes
    page = tmp_path / "demo.html"
    page.write_text(texts["html"], encoding="utf-8")
    dom, console = open_in_chromium(page, tmp_path / "profile")
    assert console == []
    parser = _Decisions()
    parser.feed(dom)
    assert [" ".join(text.split()) for text in parser.decisions] == [
        " ".join(text.split()) for text in decisions]
