"""The domain never imports Textual, and the CLI's report path stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "smarketing_tui"
DOMAIN_MODULES = sorted(
    "smarketing_tui." + str(path.relative_to(PACKAGE).with_suffix("")).replace("/", ".")
    for path in PACKAGE.rglob("*.py")
    if not path.relative_to(PACKAGE).parts[0] in ("tui", "commands")
    and path.name not in ("__main__.py", "cli.py"))


def test_there_are_domain_modules_to_check():
    assert "smarketing_tui.store" in DOMAIN_MODULES and "smarketing_tui.records" in DOMAIN_MODULES


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_does_not_import_textual(module):
    code = (f"import sys, {module}; "
            "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
            "print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"{module} pulls in {result.stdout.strip()}"
