"""From a mapping and a file's header to a fast per-row converter.

The converter is generated once per import as one small function (the way
``collections.namedtuple`` builds its classes), so each row costs one call
plus one call per cell that needs parsing; plain text cells are passed
through untouched and trimmed in SQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Callable

from smarketing_tui.errors import InputError
from smarketing_tui.importing.fields import FIELDS, Field
from smarketing_tui.importing.mapping import FieldSpec, Mapping
from smarketing_tui.importing.values import (NUMBER_EXPECTED, BadValue, Suspicions,
                                             currency_parser, date_expected, date_parser,
                                             number_parser, timestamp_parser)
from smarketing_tui.store import resolve_person
from smarketing_tui.yamlfile import suggest

#: Number fields that hold money: a negative one is flagged as suspicious.
MONEY_FIELDS = frozenset({"amount", "spend"})
#: Date fields that may lie in the future (plans), so they are not flagged for it.
PLANNED_DATES = frozenset({"starts", "ends"})

@dataclass
class Output:
    """One field as staged: a column of the staging table."""

    name: str
    label: str | None          # the export column it comes from (for error messages)
    expression: str | None = None  # SQL computing the value from other staged fields

    @property
    def sql(self) -> str:
        """SQL for the field's value, reading staging row ``s``."""
        return self.expression or f's."{self.name}"'


@dataclass
class _Part:
    """How one field is produced: code for the generated function, and a checker."""

    field: str
    label: str
    code: str
    check: Callable[[list[str]], Any]
    outputs: list[Output]


@dataclass
class RowPlan:
    """Everything needed to turn rows of one file into staging rows."""

    outputs: list[Output]
    convert: Callable[[int, list[str]], tuple]
    parts: list[_Part]
    width: int
    missing: list[str] = field(default_factory=list)      # optional columns not in the file
    labels: dict[str, str] = field(default_factory=dict)  # field -> export column
    newest_fields: list[str] = field(default_factory=list)
    suspicions: Suspicions = field(default_factory=Suspicions)  # noted by the parsers
    kind: str = "leads"

    def diagnose(self, row: list[str]) -> list[tuple[str, BadValue]]:
        """Every bad cell of a row that failed conversion: (column, problem)."""
        found = []
        for part in self.parts:
            try:
                part.check(row)
            except BadValue as problem:
                found.append((part.label, problem))
        return found


def _find_column(header: list[str], spec: FieldSpec, column: str) -> int | None:
    for name in (column, *(spec.also_named if len(spec.columns) == 1 else ())):
        if name in header:
            return header.index(name)
        folded = [h.casefold() for h in header]
        if name.casefold() in folded:
            return folded.index(name.casefold())
    return None


def _cell_function(spec: FieldSpec, known: Field, parse: Callable[[str], Any],
                   expected: str) -> Callable[[str], Any]:
    """Wrap a type parser with the mapping's value map, default, prefix and required."""
    values, fallback, has_fallback = spec.values, spec.fallback, spec.has_fallback
    default = None if spec.default is None else str(spec.default)
    prefix = spec.prefix
    required = spec.required or known.required
    plain = not values and not has_fallback and default is None and not prefix and not required
    if plain:
        return parse

    def cell(text: str) -> Any:
        text = text.strip()
        if values is not None or has_fallback:
            key = text.casefold()
            if values is not None and key in values:
                text = values[key] or ""
            elif text and has_fallback:
                if fallback is None:
                    return None
                text = fallback
        if not text:
            if default is not None:
                text = default
            elif required:
                raise BadValue("empty", expected)
            else:
                return None
        if prefix:
            text = prefix + text
        return parse(text)

    return cell


def _memoized(cell: Callable[[str], Any], namespace: dict[str, Any], name: str,
              limit: int = 10_000) -> Callable[[str], Any]:
    """Remember results by exact cell text (stages, owners: few distinct values).

    The memo is also put in ``namespace`` so generated code can look it up inline.
    """
    memo: dict[str, Any] = {}
    namespace[name] = memo

    def run(text: str) -> Any:
        try:
            return memo[text]
        except KeyError:
            pass
        value = cell(text)
        if len(memo) < limit:
            memo[text] = value
        return value

    return run


def _choice_parser(known: Field, spec: FieldSpec) -> Callable[[str], str | None]:
    choices = set(known.choices)
    synonyms = known.synonyms()
    mapped = sorted(k for k in (spec.values or {}))
    hint = "one of: " + ", ".join(known.choices)
    if mapped:
        hint += " (or a value the mapping maps: " + ", ".join(repr(m) for m in mapped[:8]) + \
                (", ..." if len(mapped) > 8 else "") + ")"

    def parse(text: str) -> str | None:
        text = text.strip()
        if not text:
            return None
        if text in choices:
            return text
        folded = text.casefold()
        if folded in choices:
            return folded
        if folded in synonyms:
            return synonyms[folded]
        raise BadValue(f"{text!r} is not a known {known.name}"
                       f"{suggest(folded, list(choices) + list(synonyms))}", hint)

    return parse


def _text_parser(text: str) -> str | None:
    text = text.strip()
    return text or None


def build_plan(mapping: Mapping, header: list[str], conn: sqlite3.Connection,
               workspace_tz: str, label: str) -> RowPlan:
    """Resolve the mapping's columns in ``header`` and generate the row converter."""
    known_fields = FIELDS[mapping.kind]
    tz = mapping.timezone or workspace_tz
    namespace: dict[str, Any] = {}
    parts: list[_Part] = []
    missing: list[str] = []
    labels: dict[str, str] = {}
    people: dict[str, tuple[str | None, int | None]] = {}

    def person(text: str) -> tuple[str | None, int | None]:
        hit = people.get(text)
        if hit is None:
            person_id, name = resolve_person(conn, text)
            hit = people[text] = (name, person_id)
        return hit

    suspicions = Suspicions()
    timestamp_caches: dict = {}   # shared by this file's timestamp columns

    def type_parser(spec: FieldSpec, known: Field, column: str | None = None,
                    memo: dict | None = None) -> tuple[Callable[[str], Any], str]:
        date_format = spec.date_format or mapping.date_format
        note = suspicions.noter(column) if column is not None else None
        if known.type == "timestamp":
            # An open deal's close date is its forecast (closed_at keeps it only once closed).
            forecast = mapping.kind == "deals" and known.name == "closed_at"
            return (timestamp_parser(date_format, tz, note=note, future_ok=forecast,
                                     caches=timestamp_caches),
                    date_expected(date_format))
        if known.type == "date":
            planned = known.name in PLANNED_DATES  # a campaign may end next month
            return (date_parser(date_format, tz, workspace_tz, note=note, future_ok=planned),
                    date_expected(date_format))
        if known.type == "number":
            money = known.name in MONEY_FIELDS
            return (number_parser(spec.decimal or mapping.decimal, note=note if money else None,
                                  memo=memo), NUMBER_EXPECTED)
        if known.name == "currency":
            return currency_parser(), "a currency such as NOK"
        if known.type == "choice":
            return _choice_parser(known, spec), "one of: " + ", ".join(known.choices)
        if known.type == "person":
            def parse_person(text: str) -> tuple[str | None, int | None]:
                text = text.strip()
                return person(text) if text else (None, None)
            return parse_person, "a person"
        return _text_parser, known.expected

    for name, spec in mapping.fields.items():
        known = known_fields[name]
        indexes = []
        for column in spec.columns:
            index = _find_column(header, spec, column)
            if index is None:
                break
            indexes.append(index)
        if len(indexes) < len(spec.columns):
            absent = [c for c in spec.columns if _find_column(header, spec, c) is None]
            if spec.optional and not known.required:
                missing.extend(c for c in absent if c not in missing)
                continue
            where = f" ({mapping.preset} preset)" if mapping.preset else ""
            raise InputError(
                f"column {absent[0]!r} for {name}{where} is not in the file"
                f"{suggest(absent[0], header)}; its columns are: " + ", ".join(header),
                file=label) if mapping.preset else spec.error(
                f"column {absent[0]!r} (for {name}) is not in {label}"
                f"{suggest(absent[0], header)}; its columns are: " + ", ".join(header))
        column_label = " + ".join(header[i] for i in indexes)
        labels[name] = column_label
        amounts: dict = {}   # a number column's repeated cells, filled by its parser
        parse, expected = type_parser(spec, known, column_label, amounts)
        cell = _cell_function(spec, known, parse, expected)
        slot = f"p{len(parts)}"
        memo = known.type in ("choice", "person") or (known.type == "text" and cell is not parse
                                                      and not known.required)
        if memo:
            cell = _memoized(cell, namespace, f"m{len(parts)}")
        namespace[slot] = cell
        if len(indexes) > 1:
            joiner = spec.join
            picks = tuple(indexes)

            def joined(row: list[str], picks=picks, joiner=joiner, cell=cell) -> Any:
                return cell(joiner.join(t for t in (row[i].strip() for i in picks) if t))
            namespace[slot] = check = joined
            code = f"{slot}(row)"
            if cell is _text_parser and joiner == " " and len(indexes) == 2:
                # Inline for the common first + last name: no call per row.
                first, last = (f"row[{i}]" for i in indexes)
                code = f"(({first}.strip() + ' ' + {last}.strip()).strip() or None)"
        else:
            index = indexes[0]
            cell_code = f"row[{index}]"
            if cell is _text_parser:    # plain text: strip inline, empty is NULL
                code = f"({cell_code}.strip() or None)"
            elif known.type == "text" and known.required and not (
                    spec.values or spec.has_fallback or spec.prefix or spec.default is not None):
                code = f"({cell_code}.strip() or {slot}({cell_code}))"  # the call reports empty
            elif memo:                  # few distinct values: a dict lookup, no call
                code = f"(m{len(parts)}[{cell_code}] if {cell_code} in m{len(parts)} " \
                       f"else {slot}({cell_code}))"
            elif known.type == "number" and cell is parse:  # repeated amounts: no call
                namespace[f"m{len(parts)}"] = amounts
                code = f"(m{len(parts)}[{cell_code}] if {cell_code} in m{len(parts)} " \
                       f"else {slot}({cell_code}))"
            elif known.type in ("timestamp", "date") and cell is parse:
                code = f"({slot}({cell_code}) if {cell_code} else None)"  # empty: no call
            else:
                code = f"{slot}({cell_code})"

            def check(row: list[str], index=index, cell=cell) -> Any:
                return cell(row[index])
        if spec.when is not None:
            when_column, wanted = spec.when
            when_index = _find_column(header, FieldSpec(field=name, columns=(when_column,)),
                                      when_column)
            if when_index is None:
                if spec.optional:
                    missing.extend([when_column] if when_column not in missing else [])
                    labels.pop(name, None)
                    continue
                raise spec.error(f"column {when_column!r} (when of {name}) is not in {label}"
                                 f"{suggest(when_column, header)}; its columns are: "
                                 + ", ".join(header))
            slot_when = f"w{len(parts)}"
            namespace[slot_when] = wanted
            nothing = "(None, None)" if known.type == "person" else "None"
            code = (f"({code} if row[{when_index}].strip().casefold() in {slot_when} "
                    f"else {nothing})")

            def check(row: list[str], inner=check, index=when_index, wanted=wanted) -> Any:
                return inner(row) if row[index].strip().casefold() in wanted else None
        if known.type == "person":
            outputs = [Output(name, column_label), Output(f"{name}_id", column_label)]
            code = f"*{code}"
        else:
            outputs = [Output(name, column_label)]
        parts.append(_Part(name, column_label, code, check, outputs))

    # Constants: converted once, then the same value on every row.
    for name, value in mapping.constants.items():
        known = known_fields[name]
        parse, _ = type_parser(FieldSpec(field=name, columns=()), known)
        converted = parse(str(value))
        slot = f"k{len(parts)}"
        if known.type == "person":
            namespace[slot] = converted
            parts.append(_Part(name, f"constant {name}", f"*{slot}", lambda row: None,
                               [Output(name, None), Output(f"{name}_id", None)]))
        else:
            namespace[slot] = converted
            parts.append(_Part(name, f"constant {name}", slot, lambda row: None,
                               [Output(name, None)]))

    # Stage implications need their target fields as columns, even when no column feeds them;
    # activities need a team column, filled from the person's team when the file has none.
    has_stage = any(p.field == "stage" for p in parts)
    needed = set(mapping.stage_implies.values()) if has_stage else set()
    if mapping.kind == "activities":
        needed.add("team")
    for target in sorted(needed):
        if not any(p.field == target for p in parts):
            slot = f"n{len(parts)}"
            namespace[slot] = None
            parts.append(_Part(target, target, slot, lambda row: None, [Output(target, None)]))

    outputs = [o for p in parts for o in p.outputs]
    body = ", ".join(p.code for p in parts)
    timestamp_fields = [o.name for o in outputs
                        if known_fields.get(o.name) and known_fields[o.name].type == "timestamp"]
    if mapping.stage_implies and any(o.name == "stage" for o in outputs):
        stage_at, namespace["implied"] = _implications(mapping, outputs, timestamp_fields,
                                                       header, tz, label, parts,
                                                       suspicions)
        namespace["implying"] = frozenset(mapping.stage_implies)
        source = (f"def convert(line, row):\n    values = (line, {body})\n"
                  f"    if values[{stage_at}] in implying:\n"
                  f"        return implied(values, row)\n    return values\n")
    else:
        source = f"def convert(line, row):\n    return (line, {body})\n"
    exec(compile(source, f"<import plan for {label}>", "exec"), namespace)
    convert = namespace["convert"]
    return RowPlan(kind=mapping.kind, outputs=outputs, convert=convert, parts=parts,
                   width=len(header), missing=missing, labels=labels, suspicions=suspicions,
                   newest_fields=timestamp_fields
                   + [o.name for o in outputs  # an end date is a plan, not news
                      if known_fields.get(o.name) and known_fields[o.name].type == "date"
                      and o.name != "ends"])


def _implications(mapping: Mapping, outputs: list[Output], timestamp_fields: list[str],
                  header: list[str], tz: str, label: str, parts: list[_Part],
                  suspicions: Suspicions):
    """(position of stage in a staged row, a function filling the timestamp the stage
    implies, e.g. won -> won_at, when the row lacks it)."""
    names = [o.name for o in outputs]
    stage_at = names.index("stage") + 1  # +1: the line number leads each staging row
    targets = {stage: names.index(target) + 1 for stage, target in mapping.stage_implies.items()}
    stamps = [names.index(n) + 1 for n in timestamp_fields]
    implied_cell = None
    spec = mapping.implied_from
    if spec is not None:
        index = _find_column(header, spec, spec.columns[0])
        if index is None and not spec.optional:
            raise spec.error(f"column {spec.columns[0]!r} (implied_from) is not in {label}"
                             f"{suggest(spec.columns[0], header)}")
        if index is not None:
            parse = timestamp_parser(spec.date_format or mapping.date_format, tz,
                                     note=suspicions.noter(header[index]))

            def implied_cell(row: list[str], index=index, parse=parse):
                return parse(row[index])
            parts.append(_Part("implied_from", header[index], "", implied_cell, []))

    def implied(values: tuple, row: list[str]) -> tuple:
        target = targets[values[stage_at]]
        if values[target] is not None:
            return values
        moment = implied_cell(row) if implied_cell else None
        if moment is None:
            present = [values[i] for i in stamps if values[i] is not None]
            moment = max(present) if present else None
        if moment is None:
            return values
        changed = list(values)
        changed[target] = moment
        return tuple(changed)

    return stage_at, implied
