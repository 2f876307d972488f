"""The mapping format: how the columns of an export feed the store's fields.

A mapping is a YAML file (the presets in ``smarketing_tui/presets/`` are
mappings too). Every problem is reported as ``file:line:col: what, expected``.
See the README section "Importing exports" for the format with an example.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from smarketing_tui.errors import InputError, UserError
from smarketing_tui.importing.fields import (ENGAGEMENT_LEAD_BY, FIELDS, KINDS, LEAD_BY,
                                            MAPPING_REQUIRED, STAGES)
from smarketing_tui.importing.values import DATE_FAMILIES, normalise_date_format
from smarketing_tui.timeutil import zone
from smarketing_tui.yamlfile import (YamlDict, YamlList, check_keys, load_yaml, require_list,
                                     require_mapping, suggest)

PRESETS = ("hubspot", "salesforce", "pipedrive", "zoho", "hubspot-forms", "google-ads", "generic")

_TOP_KEYS = ("kind", "source_label", "description", "signature", "timezone", "date_format",
             "decimal", "external_id", "fields", "constants", "stage_implies", "implied_from",
             "stop_at_blank_line", "lead_by")
_FIELD_KEYS = ("column", "also_named", "join", "date_format", "decimal", "values", "default",
               "prefix", "optional", "required", "when")
_TIMESTAMP_FIELDS = {name for kind in FIELDS.values() for name, f in kind.items()
                     if f.type == "timestamp"}


@dataclass(frozen=True)
class FieldSpec:
    """Where one field's value comes from."""

    field: str
    columns: tuple[str, ...]                   # more than one: joined with ``join``
    also_named: tuple[str, ...] = ()           # other header names for a single column
    join: str = " "
    date_format: str | None = None             # a family (values.DATE_FAMILIES) or a
                                               # strptime pattern
    decimal: str | None = None
    values: dict[str, str | None] | None = None  # casefolded cell text -> value
    fallback: str | None = None                # the value map's "*" entry
    has_fallback: bool = False
    default: Any = None
    prefix: str = ""
    optional: bool = False
    required: bool = False
    derived: bool = False                      # currency read from the money field's column
    when: tuple[str, frozenset[str]] | None = None  # (column, casefolded texts): read the
                                                    # value only on rows where it holds one
    where: tuple[str, int, int] = ("?", 0, 0)  # mapping file, line, column

    def error(self, message: str) -> InputError:
        file, line, column = self.where
        return InputError(message, file=file, line=line or None, column=column or None)


@dataclass(frozen=True)
class Mapping:
    """A whole mapping: one kind of import from one kind of export."""

    kind: str
    source_label: str
    fields: dict[str, FieldSpec]
    constants: dict[str, Any] = field(default_factory=dict)
    timezone: str | None = None                # None: the workspace's
    date_format: str = "auto"
    decimal: str = "auto"
    stage_implies: dict[str, str] = field(default_factory=dict)
    implied_from: FieldSpec | None = None
    stop_at_blank_line: bool = False
    signature: tuple[str, ...] = ()
    preset: str | None = None
    path: str | None = None
    lead_by: str = "external_id"               # deals: how the lead column names the lead


def preset_path(name: str, kind: str = "leads") -> Path:
    """The YAML file of a shipped preset for one import kind: ``<name>.yaml`` for leads,
    ``<name>-<kind>.yaml`` for the others (so ``--preset hubspot`` means the contacts
    export for leads and the deals export for deals)."""
    file = f"{name}.yaml" if kind == "leads" else f"{name}-{kind}.yaml"
    return Path(str(resources.files("smarketing_tui") / "presets" / file))


def preset_kinds(name: str) -> tuple[str, ...]:
    """The import kinds a shipped preset has a mapping for."""
    return tuple(kind for kind in KINDS if preset_path(name, kind).is_file())


def load_preset(name: str, kind: str) -> Mapping:
    """A shipped preset, checked against the import kind."""
    if name not in PRESETS:
        raise UserError(f"unknown preset {name!r}{suggest(name, PRESETS)}; "
                        f"expected one of: {', '.join(PRESETS)}")
    path = preset_path(name, kind)
    if not path.is_file():
        found = preset_kinds(name)
        kinds = " and ".join(found) if len(found) < 3 else \
            ", ".join(found[:-1]) + " and " + found[-1]
        raise UserError(f"preset {name} imports {kinds} only; import {kind} with --mapping "
                        "MAP.yaml (or a file whose columns are named after the fields)")
    mapping = _load(path, kind, optional_by_default=True)
    return replace(mapping, preset=name, path=None)


def load_mapping(path: Path | str, kind: str, base: Mapping | None = None) -> Mapping:
    """A mapping file; on top of ``base`` (a preset) when given."""
    return _load(Path(path), kind, base=base)


def _load(path: Path, kind: str, *, base: Mapping | None = None,
          optional_by_default: bool = False) -> Mapping:
    data = load_yaml(path)
    if not isinstance(data, YamlDict):
        line, column = (data.line, data.column) if isinstance(data, YamlList) else (None, None)
        raise InputError("a mapping file must be a YAML mapping of keys such as kind:, fields:",
                         file=str(path), line=line, column=column)
    check_keys(data, _TOP_KEYS, "a mapping")
    declared = data.get("kind")
    if declared is not None:
        if declared not in KINDS:
            raise data.error(f"kind {declared!r} is not one of: {', '.join(KINDS)}", "kind")
        if declared != kind:
            raise data.error(f"this mapping is for importing {declared}, not {kind}; use "
                             f"'smarketing import {declared}'", "kind")
    known = FIELDS[kind]
    label = _text(data, "source_label") or (base.source_label if base else None)
    if label is None:
        label = f"{path.stem} export"

    tz = _text(data, "timezone")
    if tz is not None:
        try:
            zone(tz)
        except UserError:
            raise data.error(f"unknown time zone {tz!r}, expected an IANA name such as "
                             "Europe/Oslo or America/New_York", "timezone") from None
    date_format = _date_format(data, "date_format")
    decimal = _decimal(data, "decimal")

    fields: dict[str, FieldSpec] = dict(base.fields) if base else {}
    if "external_id" in data:
        if "external_id" not in known:
            raise data.error(f"{kind} have no external_id", "external_id", value=False)
        fields["external_id"] = _field_spec("external_id", data["external_id"], data,
                                            "external_id", kind, optional_by_default)
    if data.get("fields") is not None:
        raw_fields = require_mapping(data["fields"], data, "fields", "fields")
        for name, raw in raw_fields.items():
            if name not in known:
                raise raw_fields.error(
                    f"{kind} have no field {name!r}{suggest(name, known)}; expected one of: "
                    + ", ".join(known), name, value=False)
            if name == "external_id" and "external_id" in data:
                raise raw_fields.error("external_id is given twice (here and at the top)", name,
                                       value=False)
            if raw is None:  # `field: null` removes a field the preset maps
                fields.pop(name, None)
                continue
            fields[name] = _field_spec(name, raw, raw_fields, name, kind, optional_by_default)

    constants: dict[str, Any] = dict(base.constants) if base else {}
    if data.get("constants") is not None:
        raw_constants = require_mapping(data["constants"], data, "constants", "constants")
        for name, value in raw_constants.items():
            if name not in known:
                raise raw_constants.error(f"{kind} have no field {name!r}{suggest(name, known)}",
                                          name, value=False)
            spec = known[name]
            if spec.type == "choice" and str(value) not in spec.choices:
                raise raw_constants.error(f"{value!r} is not a valid {name}, expected one of: "
                                          + ", ".join(spec.choices), name)
            if spec.type == "number" and (
                    isinstance(value, bool) or not isinstance(value, (int, float))
                    or not math.isfinite(value) or abs(value) >= 1e15):
                raise raw_constants.error(f"{name} must be a finite number with at most 15 "
                                          "digits before the decimal point", name)
            if isinstance(data.get("fields"), YamlDict) and name in data["fields"]:
                raise raw_constants.error(f"{name} is both a constant and read from a column "
                                          "(under fields:); keep one", name, value=False)
            constants[name] = value
            fields.pop(name, None)

    derive_currency(fields, constants, known)

    stage_implies = dict(base.stage_implies) if base else {}
    if data.get("stage_implies") is not None:
        if "stage" not in known:
            raise data.error(f"{kind} have no stage", "stage_implies", value=False)
        raw_implies = require_mapping(data["stage_implies"], data, "stage_implies",
                                      "stage_implies")
        for stage, target in raw_implies.items():
            if stage not in STAGES:
                raise raw_implies.error(f"{stage!r} is not a stage{suggest(stage, STAGES)}, "
                                        f"expected one of: {', '.join(STAGES)}", stage, value=False)
            if target not in _TIMESTAMP_FIELDS or target not in known:
                stamps = [n for n in known if n in _TIMESTAMP_FIELDS]
                raise raw_implies.error(f"{target!r} is not a timestamp field of {kind}"
                                        f"{suggest(str(target), stamps)}, expected one of: "
                                        + ", ".join(stamps), stage)
            stage_implies[stage] = target
    implied_from = base.implied_from if base else None
    if data.get("implied_from") is not None:
        implied_from = _field_spec("implied_from", data["implied_from"], data, "implied_from",
                                   kind, optional_by_default)

    for name in MAPPING_REQUIRED[kind]:
        if name not in fields and name not in constants:
            raise data.error(f"the mapping does not say which column holds {name} "
                             f"(needed to import {kind}); add it under fields:")
    signature = tuple(str(c) for c in require_list(data["signature"], data, "signature",
                                                   "signature")) if "signature" in data else ()
    lead_by = _text(data, "lead_by")
    if lead_by is not None:
        if kind not in ("deals", "engagements"):
            raise data.error(f"lead_by is for importing deals or engagements, not {kind}",
                             "lead_by", value=False)
        allowed = ENGAGEMENT_LEAD_BY if kind == "engagements" else LEAD_BY
        if lead_by not in allowed:
            raise data.error(f"lead_by {lead_by!r} must be one of: {', '.join(allowed)}",
                             "lead_by")
    stop = data.get("stop_at_blank_line", base.stop_at_blank_line if base else False)
    if not isinstance(stop, bool):
        raise data.error("stop_at_blank_line must be true or false", "stop_at_blank_line")
    return Mapping(
        kind=kind, source_label=label, fields=fields, constants=constants,
        timezone=tz if tz is not None else (base.timezone if base else None),
        date_format=date_format or (base.date_format if base else "auto"),
        decimal=decimal or (base.decimal if base else "auto"),
        stage_implies=stage_implies, implied_from=implied_from, stop_at_blank_line=stop,
        signature=signature or (base.signature if base else ()),
        preset=base.preset if base else None, path=str(path),
        lead_by=lead_by or (base.lead_by if base else "external_id"))


#: Number fields that hold money, whose cells may carry the currency ($22,700.00).
MONEY_FIELDS = ("amount", "spend")


def derive_currency(fields: dict[str, FieldSpec], constants: dict[str, Any],
                    known: dict) -> None:
    """When a mapping feeds a money field but says nothing about the currency, the
    currency is read from the money field's own column: ``$22,700.00`` is USD,
    ``1 234,50 NOK`` NOK, ``22700`` none (the store keeps what it had)."""
    if fields.get("currency") is not None and fields["currency"].derived:
        del fields["currency"]  # derived from a base's money column: derive again
    money = next((fields[name] for name in MONEY_FIELDS if name in fields), None)
    if money is None or "currency" not in known or "currency" in fields \
            or "currency" in constants:
        return
    fields["currency"] = FieldSpec(field="currency", columns=money.columns,
                                   also_named=money.also_named, join=money.join,
                                   optional=True, derived=True, where=money.where)


def _text(data: YamlDict, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise data.error(f"{key} must be text", key)
    return str(value)


def _date_format(data: YamlDict, key: str) -> str | None:
    value = _text(data, key)
    if value is None:
        return None
    try:
        return normalise_date_format(value)
    except ValueError as exc:
        raise data.error(f"{exc}, expected one of: " + ", ".join(DATE_FAMILIES)
                         + " or a strptime pattern such as %d.%m.%Y %H:%M or "
                         "%d %b, %Y %H:%M:%S", key) from None


def _decimal(data: YamlDict, key: str) -> str | None:
    value = _text(data, key)
    if value is None:
        return None
    if value not in (",", ".", "auto"):
        raise data.error(f"decimal {value!r} must be \",\", \".\" or auto", key)
    return value


def _columns(value: Any, parent: YamlDict | YamlList, key: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, YamlList):
        if not value:
            raise value.error(f"{what} lists no columns")
        for index, item in enumerate(value):
            if not isinstance(item, (str, int)) or isinstance(item, bool):
                raise value.error("a column name must be text", index)
        return tuple(str(item) for item in value)
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return (str(value),)
    raise _error_at(parent, key, f"{what} must be a column name or a list of column names")


def _error_at(parent: YamlDict | YamlList, key: Any, message: str) -> InputError:
    return parent.error(message, key)


def _field_spec(name: str, raw: Any, parent: YamlDict, key: str, kind: str,
                optional_by_default: bool) -> FieldSpec:
    line, column = parent.where(key)
    where = (parent.file, line, column)
    if not isinstance(raw, YamlDict):
        return FieldSpec(field=name, columns=_columns(raw, parent, key, name), where=where,
                         optional=optional_by_default)
    check_keys(raw, _FIELD_KEYS, f"field {name}")
    if "column" not in raw:
        raise raw.error(f"field {name} needs column: (the column's name in the export)")
    spec = FieldSpec(field=name, columns=_columns(raw["column"], raw, "column", name),
                     where=where, optional=optional_by_default)
    known = FIELDS[kind].get(name)
    changes: dict[str, Any] = {}
    if "also_named" in raw:
        changes["also_named"] = _columns(raw["also_named"], raw, "also_named", "also_named")
    if "join" in raw:
        changes["join"] = str(raw["join"])
    if "date_format" in raw:
        changes["date_format"] = _date_format(raw, "date_format")
    if "decimal" in raw:
        changes["decimal"] = _decimal(raw, "decimal")
    if "prefix" in raw:
        changes["prefix"] = str(raw["prefix"])
    for flag in ("optional", "required"):
        if flag in raw:
            if not isinstance(raw[flag], bool):
                raise raw.error(f"{flag} must be true or false", flag)
            changes[flag] = raw[flag]
    if "default" in raw:
        changes["default"] = raw["default"]
    if "when" in raw:
        changes["when"] = _when(raw, name)
    if raw.get("values") is not None:
        table = require_mapping(raw["values"], raw, "values", "values")
        values: dict[str, str | None] = {}
        for source, target in table.items():
            if target is not None:
                target = str(target)
                if known is not None and known.type == "choice" and target not in known.choices:
                    raise table.error(f"{target!r} is not a valid {name}"
                                      f"{suggest(target, known.choices)}, expected one of: "
                                      + ", ".join(known.choices), source)
            if source == "*":
                changes["fallback"], changes["has_fallback"] = target, True
                continue
            for text in _key_texts(source):
                values[text] = target
        changes["values"] = values
    return replace(spec, **changes)


def _when(raw: YamlDict, name: str) -> tuple[str, frozenset[str]]:
    """``when: {column: Stage, equals: Closed Won}`` (or ``equals: [Closed Won, Won]``)."""
    example = "such as when: {column: Stage, equals: Closed Won}"
    condition = require_mapping(raw["when"], raw, "when", f"{name}.when")
    check_keys(condition, ("column", "equals"), f"when of field {name}")
    if "column" not in condition or "equals" not in condition:
        raise condition.error(f"when needs column: and equals: ({example})")
    column = condition["column"]
    if not isinstance(column, (str, int)) or isinstance(column, bool) or not str(column).strip():
        raise condition.error(f"when's column must be one column name ({example})", "column")
    equals = condition["equals"]
    items = list(equals) if isinstance(equals, YamlList) else [equals]
    if not items or any(item is None or isinstance(item, (YamlDict, YamlList)) for item in items):
        raise condition.error(f"when's equals must be a cell text or a list of them ({example})",
                              "equals")
    return str(column), frozenset(text for item in items for text in _key_texts(item))


def _key_texts(key: Any) -> tuple[str, ...]:
    """YAML reads Yes/No/true as booleans; a value map means the cell texts."""
    if key is True:
        return ("true", "yes", "on", "1", "ja", "sann")
    if key is False:
        return ("false", "no", "off", "0", "nei", "usann")
    if isinstance(key, float) and key.is_integer():
        return (str(int(key)), str(key))
    return (str(key).strip().casefold(),)
