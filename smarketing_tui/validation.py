"""``smarketing check``: validate every YAML file of a workspace.

``smarketing.yaml`` is checked as settings. Each YAML file in ``agendas/`` is an SLA when it is
named ``sla.yaml``, is named by an agenda's ``sla:`` key or holds ``commitments``; every other
one is an agenda, whatever its shape (a list or a bare value is a mistake, not a file to skip).
Each file is reported once, with its first mistake.
"""

from __future__ import annotations

from pathlib import Path

from smarketing_tui.errors import UserError
from smarketing_tui.businesshours import check_holiday_country
from smarketing_tui.workspace import Settings, Workspace, load_settings
from smarketing_tui.yamlfile import load_yaml


def _sla_names(parsed: dict[Path, object]) -> set[str]:
    """File names the agendas give as their SLA (beside sla.yaml)."""
    names = {"sla.yaml"}
    for data in parsed.values():
        if isinstance(data, dict) and isinstance(data.get("sla"), str):
            names.add(Path(data["sla"].strip()).name)
    return names


def check_workspace(workspace: Workspace) -> list[tuple[Path, str]]:
    """Validate settings, agendas and SLAs; returns (file, one-line message) per bad file."""
    from smarketing_tui.agenda import load_agenda
    from smarketing_tui.sla import load_sla

    problems: list[tuple[Path, str]] = []
    try:
        settings = load_settings(workspace.settings_path)
        check_holiday_country(settings.business_hours)  # not at load: it imports holidays
    except UserError as error:
        problems.append((workspace.settings_path, str(error)))
        settings = Settings()  # the other files are still checked, against the defaults
    paths = sorted(workspace.agendas_dir.glob("*.y*ml"))
    parsed: dict[Path, object] = {}
    for path in paths:
        try:
            parsed[path] = load_yaml(path)
        except UserError as error:
            problems.append((path, str(error)))
    sla_names = _sla_names(parsed)
    for path, data in parsed.items():
        is_sla = path.name in sla_names or (isinstance(data, dict) and "commitments" in data)
        try:
            if is_sla:
                load_sla(path, settings)
            else:
                load_agenda(path, settings)
        except UserError as error:
            problems.append((path, str(error)))
    problems.sort(key=lambda problem: (problem[0] != workspace.settings_path, str(problem[0])))
    return problems
