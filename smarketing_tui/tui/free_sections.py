"""Views of the two simple section types the meeting screen owns: ``discussion`` and
``lead_definition``. The other types live in :mod:`smarketing_tui.tui.sections`."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from smarketing_tui.agenda import SECTION_TYPES
from smarketing_tui.timeutil import counted, format_datetime
from smarketing_tui.tui import messages
from smarketing_tui.tui.sections.base import SectionView
from smarketing_tui.tui.sections.common import clean, reflow


class DiscussionView(SectionView):
    """A free section: what was decided, to do and noted here, as it is recorded.
    Also the view of any section type that has no view of its own."""

    SECTION_TYPE = "discussion"
    LISTS_RECORDS = True
    DEFAULT_CSS = """
    DiscussionView > VerticalScroll { padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="discussion-body")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        section = self.context.section
        found = self.context.session.section_records(section.position)
        text = Text()
        text.append(clean(section.title) + "\n", style="bold")
        if section.type not in ("discussion", "lead_definition"):
            text.append(SECTION_TYPES.get(section.type, section.type) + "\n", style="dim")
        text.append("Talk it through; n adds a note, d a decision, a an action item.\n",
                    style="dim")
        for heading, items, show in (
                ("Decisions", found["decisions"], lambda d: d.text),
                ("Action items", found["actions"],
                 lambda a: f"{a.text} — {a.owner or 'no owner'}, due {a.due or '–'}"),
                ("Notes", found["notes"], lambda n: n["text"])):
            text.append(f"\n{heading}\n", style="bold")
            if not items:
                text.append("  none yet\n", style="dim")
            for item in items:
                text.append("  • ")
                text.append(clean(show(item)))  # Text.append never parses markup
                text.append("\n")
        self.query_one("#discussion-body", Static).update(text)

    @on(messages.MeetingRecordsChanged)
    def _records_changed(self) -> None:
        self.reload()


class LeadDefinitionView(DiscussionView):
    """The SLA's definition of a sales-ready lead, its earlier versions, and what was said."""

    SECTION_TYPE = "lead_definition"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Loading the lead definition…", style="dim"), id="definition")
            yield Static(id="discussion-body")

    def on_mount(self) -> None:
        super().on_mount()
        self._load()

    @work(thread=True, exclusive=True, group="lead-definition")
    def _load(self) -> None:
        from smarketing_tui.errors import UserError
        from smarketing_tui.sla import lead_definition_history, load_sla, record_lead_definition
        from smarketing_tui.store import connect

        session = self.context.session
        try:
            sla = load_sla(self.context.agenda.sla_path, session.settings)
        except UserError as error:
            self.app.call_from_thread(self._show, None, [], str(error))
            return
        conn = connect(session.db_path)
        try:
            record_lead_definition(conn, sla.lead_definition)
            history = lead_definition_history(conn)
        finally:
            conn.close()
        self.app.call_from_thread(self._show, sla.lead_definition, history, None)

    def _show(self, definition: str | None, history: list[tuple[str, str]],
              error: str | None) -> None:
        tz = self.context.settings.timezone
        text = Text()
        text.append("Our definition of a sales-ready lead\n", style="bold")
        if error:
            text.append(error + "\n", style="bold red")
        elif not definition:
            text.append(f"{self.context.agenda.sla_path.name} has no lead_definition yet. Agree on "
                        "one here and write it into the SLA file.\n", style="italic")
        else:
            # The SLA file's text as plain text, its lines joined so it wraps at the width.
            text.append(clean(reflow(definition)) + "\n")
            if history:
                count = len(history)
                text.append(f"In force since {format_datetime(history[-1][0], tz)}",
                            style="dim")
                text.append(f" · {counted(count, 'version')} on record\n", style="dim")
            for seen, old in reversed(history[:-1]):
                text.append(f"\nBefore {format_datetime(seen, tz)}… was:\n", style="dim")
                text.append(clean(reflow(old)) + "\n", style="dim")
        text.append("\nA change agreed here: record it with d, then edit lead_definition in the "
                    "SLA file.\n", style="dim")
        self.query_one("#definition", Static).update(text)


FREE_SECTION_VIEWS: dict[str, type[SectionView]] = {
    view.SECTION_TYPE: view for view in (DiscussionView, LeadDefinitionView)
}
