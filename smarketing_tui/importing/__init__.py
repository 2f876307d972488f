"""Importing CRM and marketing-automation exports into the store.

The pieces, one idea per module: ``csvsource`` (reading real-world CSV),
``values`` (dates and numbers), ``mapping`` (the mapping format and presets),
``plan`` (columns to a row converter) and ``engine`` (the all-or-nothing run).
Nothing here knows about click or Textual.
"""

from __future__ import annotations

from pathlib import Path

from smarketing_tui.errors import UserError
from smarketing_tui.importing.csvsource import open_csv
from smarketing_tui.importing.engine import (ImportRejected, ImportReport, Problem,
                                             derive_first_contacts, rejects_path_for, run_import)
from smarketing_tui.importing.fields import FIELDS, KINDS, MAPPING_REQUIRED
from smarketing_tui.importing.mapping import (PRESETS, FieldSpec, Mapping, derive_currency,
                                              load_mapping, load_preset, preset_kinds)

__all__ = ["ImportRejected", "ImportReport", "Mapping", "PRESETS", "KINDS", "Problem",
           "choose_mapping", "derive_first_contacts", "load_mapping", "load_preset",
           "rejects_path_for", "run_import"]


def choose_mapping(kind: str, path: Path | str, *, preset: str | None = None,
                   mapping_path: Path | str | None = None) -> tuple[Mapping, str | None]:
    """The mapping for an import, and a note when it was chosen for the user.

    ``--mapping`` goes on top of ``--preset`` when both are given. With neither,
    a preset whose signature columns are all in the header is used, else the
    file's own column names when they are the store's field names.
    """
    if kind not in KINDS:
        raise UserError(f"unknown import kind {kind!r}; expected one of: {', '.join(KINDS)}")
    base = load_preset(preset, kind) if preset else None
    if mapping_path is not None:
        return load_mapping(mapping_path, kind, base=base), None
    if base is not None:
        return base, None
    source = open_csv(path)
    header = source.header
    source.close()
    folded = {h.casefold() for h in header}
    for name in PRESETS:
        candidate = load_preset(name, kind) if kind in preset_kinds(name) else None
        if candidate and candidate.signature and all(c.casefold() in folded
                                                      for c in candidate.signature):
            return candidate, (f"the columns look like a {candidate.source_label}; "
                               f"using --preset {name}")
    native = {name: FieldSpec(field=name, columns=(name,), optional=True)
              for name in FIELDS[kind] if name in folded}
    if all(name in native for name in MAPPING_REQUIRED[kind]):
        derive_currency(native, {}, FIELDS[kind])
        return Mapping(kind=kind, source_label=f"{kind} file", fields=native), None
    needed = ", ".join(MAPPING_REQUIRED[kind])
    presets = "|".join(name for name in PRESETS if kind in preset_kinds(name))
    hint = f"--preset {presets} or " if presets else ""
    raise UserError(f"{path}: say how to read this file: {hint}"
                    f"--mapping MAP.yaml (or name its columns after the fields: {needed}, ...)")
