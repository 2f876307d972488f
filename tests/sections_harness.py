"""Mount one section view over a real MeetingSession, as the meeting screen would.

The view tests drive the view with the Pilot and then assert on the store.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import App, ComposeResult

from smarketing_tui.agenda import Agenda, SectionSpec
from smarketing_tui.meeting import MeetingSession
from smarketing_tui.timeutil import parse_utc
from smarketing_tui.tui.sections.base import SectionContext


def make_agenda(workspace, specs: list[SectionSpec], *, cadence: str = "weekly",
                period: str = "last-week") -> Agenda:
    return Agenda(path=workspace.agendas_dir / "weekly.yaml", name="weekly.yaml",
                  title="Weekly smarketing meeting", cadence=cadence, planned_minutes=45,
                  sla_path=workspace.sla_path, period_spec=period, sections=tuple(specs))


def make_context(workspace, section_type: str, *, team: str | None = None,
                 options: dict | None = None, now: str = "2026-11-23T08:00:00Z",
                 period: str = "last-week") -> SectionContext:
    """A meeting started at ``now`` (UTC) whose only section is of ``section_type``."""
    spec = SectionSpec(position=0, title=section_type.replace("_", " ").capitalize(),
                       type=section_type, timebox_minutes=5, team=team, options=options or {})
    agenda = make_agenda(workspace, [spec], period=period)
    moment: datetime = parse_utc(now)
    session = MeetingSession.start(workspace, agenda, clock=lambda: moment)
    return SectionContext(workspace=workspace, settings=session.settings, agenda=agenda,
                          section=spec, session=session)


class SectionTestApp(App):
    """Mounts one section view, as the meeting screen would."""

    def __init__(self, view_class, context: SectionContext) -> None:
        super().__init__()
        self.view_class = view_class
        self.context = context

    def compose(self) -> ComposeResult:
        yield self.view_class(self.context, id="section-view")

    @property
    def section_view(self):
        return self.screen.query_one("#section-view")


def demo_context(tmp_path, section_type: str, *, agenda: str = "weekly.yaml",
                 now: str = "2026-11-23T08:00:00Z", team: str | None = None) -> SectionContext:
    """A meeting of the demo workspace (built for ``now``'s day) at its section of ``section_type``.

    Callers set SMARKETING_NOW to ``now`` so the store's stamps and the clock agree.
    """
    from smarketing_tui.agenda import load_agenda
    from smarketing_tui.demo import build_demo

    moment = parse_utc(now)
    workspace = build_demo(tmp_path / "demo", today=moment.date())
    agenda_obj = load_agenda(workspace.agendas_dir / agenda, workspace.settings())
    spec = next(s for s in agenda_obj.sections
                if s.type == section_type and (team is None or s.team == team))
    session = MeetingSession.start(workspace, agenda_obj, clock=lambda: moment)
    session.go_to(spec.position)
    return SectionContext(workspace=workspace, settings=session.settings, agenda=agenda_obj,
                          section=spec, session=session)
