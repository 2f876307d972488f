#!/usr/bin/env python3
"""Set-up and everyday tasks on a fresh clone, with only Python 3.11+ installed.

    python3 dev.py demo    # make .venv, install, open the app on demo data
    python3 dev.py test    # make .venv, install with test extras, run the whole suite and
                           # check the message catalogues

Extra arguments go to the command: ``python3 dev.py test -k minutes``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project (editable) unless already up to date."""
    if sys.version_info < (3, 11):
        sys.exit(f"smarketing-tui needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = f"{extras}:{(ROOT / 'pyproject.toml').stat().st_mtime_ns}"
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    spec = f".[{extras}]" if extras else "."
    print(f"Installing smarketing-tui{f' [{extras}]' if extras else ''} into .venv ...", flush=True)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                   cwd=ROOT, check=True)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", spec],
                   cwd=ROOT, check=True)
    STAMP.write_text(wanted)


def ensure_catalogues() -> None:
    """Compile the message catalogues again when a .po is newer than its .mo (the install
    compiles them; this catches a translation edited since)."""
    stale = [po for po in (ROOT / "smarketing_tui" / "locale").glob("*/LC_MESSAGES/*.po")
             if not po.with_suffix(".mo").exists()
             or po.with_suffix(".mo").stat().st_mtime_ns < po.stat().st_mtime_ns]
    if stale:
        subprocess.run([str(BIN / "python"), "-c",
                        "import build_hooks; build_hooks.compile_catalogues()"],
                       cwd=ROOT, check=True)


def ensure_system_tools() -> None:
    """The minutes and serve tests drive headless Chromium: install it if missing."""
    missing = [pkg for pkg, exe in (("chromium", "chromium"),) if shutil.which(exe) is None]
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"Installing {', '.join(missing)} with apt-get ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env,
                       stdout=subprocess.DEVNULL)
    else:
        sys.exit(f"The tests need {' and '.join(missing)}; install with your package manager "
                 f"(e.g. sudo apt-get install {' '.join(missing)}) and run again.")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    if task == "demo":
        ensure_venv("")
        ensure_catalogues()
        return subprocess.call([str(BIN / "smarketing"), "demo", *rest], cwd=ROOT)
    ensure_venv("test")
    ensure_catalogues()
    ensure_system_tools()
    code = subprocess.call([str(BIN / "python"), "-m", "pytest", "-n", "2", "-q", *rest],
                           cwd=ROOT)
    # The message catalogues against the code: every message translated, none stale, the
    # same placeholders (the suite checks it too; this names each problem).
    checked = subprocess.call([str(BIN / "python"), "tools/catalogues.py", "check"], cwd=ROOT)
    return code or checked


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
