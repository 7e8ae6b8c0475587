"""pydantic's validation errors said in plain words, each at its place in the YAML file a person wrote.

One pipeline for every hand-edited file (the agent's settings, rules and selector files, the sandbox's
scenarios): `file:line:column: field: what is wrong — what to do`, with the accepted values and a "did you
mean" for a misspelt key or choice, in file order. Neutral ground like `yaml_positions`: it knows pydantic
and YAML, nothing of the agent or the sandbox; a kind of file adapts it through a `Voice` (how it names a
place and what it advises) and passes its own error class.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from automation.yaml_positions import Loc, Position, YamlDocument, YamlFileError

M = TypeVar("M", bound=BaseModel)

HINTED = "value_with_hint"
"""The error type of `hinted_error`: a validator's own message with its own advice."""

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
    "pattern_type": "a regular expression in quotes",
    "pattern_str_type": "a regular expression in quotes",
    "datetime_type": "a date and time like 2026-11-26T12:00:00Z",
    "datetime_parsing": "a date and time like 2026-11-26T12:00:00Z",
    "date_type": "a date like 2026-11-26",
    "date_parsing": "a date like 2026-11-26",
}
"""pydantic's error types in the words a person reads: what the field takes."""

_BOUNDS = {
    "greater_than_equal": ("ge", "must be {limit} or more"),
    "greater_than": ("gt", "must be more than {limit}"),
    "less_than_equal": ("le", "must be {limit} or less"),
    "less_than": ("lt", "must be less than {limit}"),
}


def hinted_error(message: str, hint: str) -> PydanticCustomError:
    """A validation error that says what is wrong and what to do; both reach the person as written."""
    return PydanticCustomError(HINTED, "{message}", {"message": message, "hint": hint})


def shown(value: Any) -> str:
    """A value as the person wrote it in YAML."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def field_path(loc: Loc) -> str:
    """`accounts[0].marketplaces[1].base_url`; `(top level)` for the document itself."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "(top level)"


def did_you_mean(value: Any, choices: Iterable[str]) -> str:
    """`did you mean 'kind'? ` for a near miss (or a word of a longer choice), else nothing."""
    if not isinstance(value, str):
        return ""
    options = list(choices)
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if not close and len(value) >= 4:
        close = [c for c in options if value.lower() in c.lower()][:1]
    return f"did you mean '{close[0]}'? " if close else ""


def unknown_field_hint(key: str, allowed: list[str]) -> str:
    """`did you mean 'kind'? allowed here: kind, order_status, ...` for a misspelt key."""
    return f"{did_you_mean(key, allowed)}allowed here: {', '.join(allowed)}"


@dataclass(frozen=True)
class Voice:
    """How one kind of file speaks to the person who edits it; the defaults suit most files."""

    label: Callable[[YamlDocument, Loc], str] = lambda _doc, loc: field_path(loc)
    """The name of a place: its field path, and any context that helps find it in a long file."""
    hint: Callable[[Loc], str | None] = lambda _loc: None
    """What to do about a problem with the field at this path, when the file's kind has advice."""
    show: Callable[[Any], str] = shown
    """How a wrong value is quoted back."""
    unknown: str = "unknown field '{key}' (check the spelling)"
    """The words for a key the model does not have."""
    patterns: Mapping[str, str] = field(default_factory=dict)
    """Regular expressions a field must match, by what a match is (`an Amazon marketplace id`)."""


DEFAULT_VOICE = Voice()


@dataclass(frozen=True)
class Problem:
    """One line of an error message, and where it stands in the file (for file order)."""

    position: Position | None
    text: str

    @property
    def order(self) -> tuple[int, int]:
        return (self.position.line, self.position.column) if self.position else (0, 0)


def problem_at(
    doc: YamlDocument, loc: Loc, message: str, hint: str | None, voice: Voice, *, field_loc: Loc | None = None
) -> Problem:
    """`file:line:column: label: message — hint`; `field_loc` names a field the file does not have (a
    missing one), placed at `loc`, its container."""
    text = f"{doc.where(loc)}: {voice.label(doc, loc if field_loc is None else field_loc)}: {message}"
    hint = (hint or "").strip()
    return Problem(doc.position_of(loc), f"{text} — {hint}" if hint else text)


def in_file_order(problems: Iterable[Problem]) -> list[str]:
    return [p.text for p in sorted(problems, key=lambda p: p.order)]


def clean_loc(loc: Loc, data: Any) -> Loc:
    """The part of a pydantic location that exists in the file.

    pydantic adds markers for unions and validators (`function-after[...]`, `str`, a tag name) that are not
    keys in the YAML; they are skipped so the location points at what the person wrote.
    """
    out: list[str | int] = []
    cursor = data
    for part in loc:
        in_file = (isinstance(cursor, dict) and part in cursor) or (
            isinstance(cursor, list) and isinstance(part, int) and 0 <= part < len(cursor)
        )
        if in_file:
            cursor = cursor[part]
            out.append(part)
        elif not isinstance(cursor, dict | list):
            break
    return tuple(out)


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


def plain_words(kind: str, ctx: Mapping[str, Any], value: Any, raw: str, voice: Voice) -> tuple[str, str]:
    """One pydantic error as (what is wrong, what to do beyond the field's own advice); a validator's
    own message is kept as it is written (it already speaks to the person)."""
    got = f", got {voice.show(value)}"
    advice = ""
    if kind == HINTED:
        message, advice = str(ctx["message"]), str(ctx["hint"])
    elif kind in EXPECTED_TYPES:
        message = f"expected {EXPECTED_TYPES[kind]}{got}"
    elif kind in ("literal_error", "enum"):
        message = f"expected {ctx.get('expected')}{got}"
        advice = did_you_mean(value, re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
    elif kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        message = words.format(limit=ctx.get(key)) + got
    elif kind in ("too_short", "string_too_short"):
        minimum = ctx.get("min_length", 1)
        message = "must not be empty" if minimum <= 1 else f"needs at least {minimum}{got}"
    elif kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        what = voice.patterns.get(pattern)
        message = f"{voice.show(value)} is not " + (what or f"allowed here: it must match {pattern}")
    else:
        message = raw.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return message, advice


def field_problems(
    doc: YamlDocument, errors: Iterable[ErrorDetails], model: type[BaseModel], voice: Voice = DEFAULT_VOICE
) -> list[Problem]:
    """Each pydantic error as a `Problem` at its place in `doc`, validated against `model`."""
    problems: list[Problem] = []
    for err in errors:
        raw_loc = tuple(err["loc"])
        loc = clean_loc(raw_loc, doc.data)
        kind = err["type"]
        field_loc: Loc | None = None
        hint: str | None
        if kind == "extra_forbidden":
            key = str(raw_loc[-1]) if raw_loc else ""
            container = model_at(model, loc[:-1])
            allowed = [f.alias or name for name, f in container.model_fields.items()] if container else []
            message = voice.unknown.format(key=key)
            hint = unknown_field_hint(key, allowed) if allowed else "remove it"
        elif kind == "missing":
            field_loc = (*loc, raw_loc[-1]) if raw_loc and loc[-1:] != raw_loc[-1:] else loc
            message, hint = "required field is missing", voice.hint(field_loc)
        else:
            ctx = err.get("ctx") or {}
            message, guess = plain_words(kind, ctx, err.get("input"), str(err["msg"]), voice)
            hint = guess if kind == HINTED else guess + (voice.hint(loc) or "")
        problems.append(problem_at(doc, loc, message, hint, voice, field_loc=field_loc))
    return problems


def validate(
    model: type[M],
    doc: YamlDocument,
    voice: Voice = DEFAULT_VOICE,
    *,
    error: type[YamlFileError] = YamlFileError,
) -> M:
    """Validate a parsed document against `model`; every problem, in file order, in one `error`."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = field_problems(doc, exc.errors(include_url=False), model, voice)
        raise error(doc.path, in_file_order(problems)) from None
