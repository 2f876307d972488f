"""``smarketing check``: validate every YAML file of a workspace.

Each kind of file registers its validator in ``VALIDATORS`` by how the file is
recognised; a file that no validator claims is only checked for YAML syntax.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from smarketing_tui.errors import UserError
from smarketing_tui.businesshours import check_holiday_country
from smarketing_tui.workspace import Workspace, load_settings
from smarketing_tui.yamlfile import load_yaml


def _validate_sla(path: Path, workspace: Workspace) -> None:
    from smarketing_tui.sla import load_sla

    load_sla(path, workspace.settings())


def _validate_agenda(path: Path, workspace: Workspace) -> None:
    from smarketing_tui.agenda import load_agenda

    load_agenda(path, workspace.settings())


def _validator_for(path: Path, data: object) -> Callable[[Path, Workspace], None] | None:
    if isinstance(data, dict) and "commitments" in data:
        return _validate_sla
    if isinstance(data, dict) and "sections" in data:
        return _validate_agenda
    return None


def check_workspace(workspace: Workspace) -> list[tuple[Path, str]]:
    """Validate settings and agendas; returns (file, one-line message) per bad file."""
    problems: list[tuple[Path, str]] = []
    try:
        settings = load_settings(workspace.settings_path)
        check_holiday_country(settings.business_hours)  # not at load: it imports holidays
    except UserError as error:
        problems.append((workspace.settings_path, str(error)))
    for path in sorted(workspace.agendas_dir.glob("*.y*ml")):
        try:
            data = load_yaml(path)
            validator = _validator_for(path, data)
            if validator is not None:
                validator(path, workspace)
        except UserError as error:
            problems.append((path, str(error)))
    return problems
