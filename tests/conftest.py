"""Shared fixtures: a small workspace with known people, and its store."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

from smarketing_tui.store import open_store
from smarketing_tui.workspace import Workspace, init_workspace, load_settings

# Property tests draw the same examples on every run: the suite must not pass or fail by chance
# (a failure found while writing a test becomes an explicit case instead).
settings.register_profile("smarketing", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("smarketing")

PEOPLE_YAML = textwrap.dedent("""\
    name: Testfirma AS
    timezone: Europe/Oslo
    currency: NOK
    business_hours:
      days: [mon, tue, wed, thu, fri]
      start: "08:00"
      end: "16:00"
    people:
      - name: Kari Nordmann
        team: marketing
        email: kari@example.no
        aliases: [kari@testfirma.no, "1001"]
      - name: Ola Hansen
        team: sales
        email: ola@example.no
        aliases: [ola@testfirma.no, "2002", "O. Hansen"]
      - name: Pål Sørensen
        team: sales
        aliases: ["2003"]
    """)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh workspace with three known people; the environment cannot leak in."""
    monkeypatch.delenv("SMARKETING_WORKSPACE", raising=False)
    monkeypatch.delenv("SMARKETING_NOW", raising=False)
    ws = init_workspace(tmp_path / "ws")
    ws.settings_path.write_text(PEOPLE_YAML, encoding="utf-8")
    open_store(ws.db_path, load_settings(ws.settings_path)).close()
    return ws


@pytest.fixture
def db(workspace: Workspace):
    """The workspace's store, open; closed after the test."""
    database = open_store(workspace.db_path, workspace.settings())
    yield database
    database.close()


@pytest.fixture
def demo_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The demo workspace as of DEMO_NOW (meeting_fixtures), the clock frozen there."""
    from meeting_fixtures import DEMO_NOW

    from smarketing_tui.demo import build_demo
    from smarketing_tui.timeutil import parse_utc

    monkeypatch.setenv("SMARKETING_NOW", DEMO_NOW)
    monkeypatch.delenv("SMARKETING_WORKSPACE", raising=False)
    return build_demo(tmp_path / "demo", today=parse_utc(DEMO_NOW).date())
