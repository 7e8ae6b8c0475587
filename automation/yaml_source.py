"""YAML files that remember where each value came from, and errors that say so.

Operators edit settings, rules and scenarios by hand; when something is wrong they need the file, line,
column and field, not a Python traceback. This module loads YAML into plain Python values while keeping
a map from each value's path (`("rules", 2, "when", "kind")`) to its position, and turns pydantic's
`ValidationError` into messages that use it. No browser access.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from automation.errors import BadInputError

Path_ = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it: about five times faster on generated scenarios with
# thousands of orders, with the same nodes and marks (so the same lines and columns) as the pure-Python one.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Position:
    """1-based line and column of a value in its file."""

    line: int
    column: int


@dataclass
class YamlDocument:
    """A parsed YAML file: its data and where each piece of it stands."""

    path: Path
    data: Any
    positions: dict[Path_, Position] = field(default_factory=dict)
    key_positions: dict[Path_, Position] = field(default_factory=dict)

    def position_of(self, loc: Iterable[str | int]) -> Position | None:
        """The position of the deepest part of `loc` that exists in the file."""
        parts = tuple(loc)
        while parts:
            if parts in self.key_positions:
                return self.key_positions[parts]
            if parts in self.positions:
                return self.positions[parts]
            parts = parts[:-1]
        return self.positions.get(())

    def where(self, loc: Iterable[str | int]) -> str:
        """`file:line:column` for a path inside the document."""
        pos = self.position_of(loc)
        if pos is None:
            return str(self.path)
        return f"{self.path}:{pos.line}:{pos.column}"


class YamlError(BadInputError):
    """A YAML file is unreadable or invalid; the message lists every problem with its place."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(problems))


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, doc: YamlDocument, file: Path) -> Any:
    doc.positions[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise YamlError(
                    file,
                    [f"{file}:{_mark(key_node).line}:{_mark(key_node).column}: a key must be a plain word"],
                )
            if key in result:
                pos = _mark(key_node)
                raise YamlError(
                    file, [f"{file}:{pos.line}:{pos.column}: '{key}' is given twice — remove one of the two"]
                )
            child = (*path, key if isinstance(key, str | int) else str(key))
            doc.key_positions[child] = _mark(key_node)
            result[key] = _build(loader, value_node, child, doc, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), doc, file) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


YAML_HINT = "check the indentation (spaces, not tabs) and the quotes near this place"
"""What an operator does about a YAML syntax error: nearly always a shifted line or an unclosed quote."""


def with_yaml_hint(problem: str) -> str:
    """A syntax problem with what to do about it (every YAML file an operator edits gets the same)."""
    hint = "remove one of the two" if "given twice" in problem else YAML_HINT
    return problem if problem.endswith(hint) else f"{problem} — {hint}"


def parse_yaml(text: str, path: Path) -> YamlDocument:
    """Parse YAML text into a `YamlDocument`; syntax errors become a `YamlError` with the place."""
    doc = YamlDocument(path=path, data=None)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.data = None
            return doc
        doc.data = _build(loader, node, (), doc, path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise YamlError(path, [with_yaml_hint(f"{where}: not valid YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise YamlError(path, [with_yaml_hint(f"{path}: not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return doc


def load_yaml(path: Path) -> YamlDocument:
    """Read and parse a YAML file; a missing or unreadable file is a `YamlError` too."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlError(path, [f"{path}: file not found — check the path"]) from None
    except UnicodeDecodeError:
        raise YamlError(path, [f"{path}: not UTF-8 text — save the file as UTF-8 in your editor"]) from None
    except OSError as exc:
        raise YamlError(
            path, [f"{path}: cannot read: {exc.strerror} — check the path and its permissions"]
        ) from None
    return parse_yaml(text, path)


def _field_name(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _clean_loc(loc: tuple[str | int, ...], data: Any) -> tuple[str | int, ...]:
    """Keep only the parts of a pydantic location that exist in the file.

    Pydantic adds markers for unions and validators (`function-after[...]`, `str`, a tag name) that
    are not keys in the YAML; they are skipped so the location points at what the operator wrote.
    """
    out: list[str | int] = []
    cursor = data
    for part in loc:
        if isinstance(cursor, dict) and part in cursor:  # noqa: SIM114 - two branches keep mypy's narrowing
            cursor = cursor[part]
        elif isinstance(cursor, list) and isinstance(part, int) and 0 <= part < len(cursor):
            cursor = cursor[part]
        elif isinstance(cursor, dict | list):
            continue
        else:
            break
        out.append(part)
    return tuple(out)


Describer = Callable[[tuple[str | int, ...], dict[str, Any]], str | None]


def _models_in(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (through Optional, lists, tuples, dicts, Annotated), and whether the
    next part of a location is a mapping key rather than a field name."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _models_in(args[0])
    if origin is dict and len(args) == 2:
        model, _ = _models_in(args[1])
        return model, True
    for arg in args:
        model, keyed = _models_in(arg)
        if model is not None:
            return model, keyed
    return None, False


def model_at(model: type[BaseModel], loc: Iterable[str | int]) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping found at `loc` inside a document."""
    current: type[BaseModel] | None = model
    skip_key = False
    for part in loc:
        if isinstance(part, int):
            continue
        if skip_key:
            skip_key = False
            continue
        if current is None:
            return None
        fields = dict(current.model_fields)
        fields.update({f.alias: f for f in current.model_fields.values() if f.alias})
        if part not in fields:
            return None
        current, skip_key = _models_in(fields[part].annotation)
    return current


def unknown_field_hint(key: str, allowed: list[str]) -> str:
    """`did you mean 'kind'? allowed here: kind, order_status, ...` for a misspelled key."""
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    guess = f"did you mean '{close[0]}'? " if close else ""
    return f"{guess}allowed here: {', '.join(allowed)}"


EXPECTED_TYPES = {
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a mapping (`key: value` lines)",
    "model_type": "a mapping (`key: value` lines)",
    "model_attributes_type": "a mapping (`key: value` lines)",
    "path_type": "a path",
    "url_type": "a URL",
    "datetime_type": "a date and time like 2026-11-26T12:00:00Z",
    "datetime_parsing": "a date and time like 2026-11-26T12:00:00Z",
    "date_type": "a date like 2026-11-26",
    "date_parsing": "a date like 2026-11-26",
}
"""pydantic's error types in the words an operator reads: what the field takes."""


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


_BOUNDS = {
    "greater_than_equal": ("ge", "must be {limit} or more"),
    "greater_than": ("gt", "must be more than {limit}"),
    "less_than_equal": ("le", "must be {limit} or less"),
    "less_than": ("lt", "must be less than {limit}"),
}


def plain_message(kind: str, ctx: dict[str, Any], value: Any, raw: str) -> str:
    """One pydantic error in plain words with the accepted values (`expected true or false, got 'yes'`);
    a validator's own message is kept as it is written (it already speaks to the operator)."""
    got = f", got {_shown(value)}"
    if kind in EXPECTED_TYPES:
        message = f"expected {EXPECTED_TYPES[kind]}{got}"
    elif kind in ("literal_error", "enum"):
        message = f"expected {ctx.get('expected')}{got}"
    elif kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        message = words.format(limit=ctx.get(key)) + got
    elif kind in ("too_short", "string_too_short"):
        minimum = ctx.get("min_length", 1)
        message = "must not be empty" if minimum <= 1 else f"needs at least {minimum}{got}"
    elif kind == "string_pattern_mismatch":
        message = f"{_shown(value)} is not allowed here: it must match {ctx.get('pattern')}"
    else:
        message = raw
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
    return message


def validation_problems(
    doc: YamlDocument,
    exc: ValidationError,
    describe: Describer | None = None,
    model: type[BaseModel] | None = None,
) -> list[str]:
    """One line per pydantic error: `file:line:col: field: message`, with an optional context."""
    problems: list[str] = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]), doc.data)
        field_name = _field_name(loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = "unknown field (check the spelling)"
            container = model_at(model, loc[:-1]) if model is not None and loc else None
            if container is not None:
                allowed = [f.alias or name for name, f in container.model_fields.items()]
                msg = f"unknown field (check the spelling): {unknown_field_hint(str(loc[-1]), allowed)}"
        elif kind == "missing":
            missing = err["loc"][-1]
            field_name = _field_name((*loc, missing)) if loc[-1:] != (missing,) else field_name
            msg = "required field is missing"
        else:
            msg = plain_message(kind, err.get("ctx") or {}, err.get("input"), str(err["msg"]))
        context = describe(loc, err.get("ctx") or {}) if describe else None
        prefix = f"{doc.where(loc)}: {field_name}"
        if context:
            prefix += f" ({context})"
        problems.append(f"{prefix}: {msg}")
    return problems


def validate_document(model: type[M], doc: YamlDocument, describe: Describer | None = None) -> M:
    """Validate a parsed document against a pydantic model, raising `YamlError` with places."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise YamlError(doc.path, validation_problems(doc, exc, describe, model)) from None


def load_model(model: type[M], path: Path, describe: Describer | None = None) -> M:
    """Read, parse and validate a YAML file in one step."""
    return validate_document(model, load_yaml(path), describe)
