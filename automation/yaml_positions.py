"""YAML that remembers where each value stands, so every message about a file can name its line.

Neutral ground between the agent and its sandbox: the agent's settings, rules and selector files and the
sandbox's scenario files are all read through here, and the two sides stay apart (docs/architecture.md),
so this module holds no concept of either: no exit codes, no settings, no orders. It imports only PyYAML.
A problem is raised as `YamlFileError`, or as the subclass a caller passes in `error=`, which is how each
side gets its own error class (and exit code) for the same message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Loc = tuple[str | int, ...]
"""A path to a value inside a document: `("rules", 2, "when", "kind")`."""

# libyaml's parser when PyYAML was built with it: about five times faster on generated scenarios with
# thousands of orders, with the same nodes and marks (so the same lines and columns) as the pure-Python one.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SYNTAX_HINT = "check the indentation (spaces, not tabs) and the quotes near this place"
"""What a person does about a YAML syntax error: nearly always a shifted line or an unclosed quote."""


class YamlFileError(Exception):
    """A YAML file is unreadable or invalid; the message lists every problem, one per line, with its
    place (`file:line:column: ...`)."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(problems))


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
    positions: dict[Loc, Position] = field(default_factory=dict)
    key_positions: dict[Loc, Position] = field(default_factory=dict)

    def position_of(self, loc: Iterable[str | int]) -> Position | None:
        """The position of the deepest part of `loc` that exists in the file (a key before its value)."""
        parts = tuple(loc)
        while parts:
            if parts in self.key_positions:
                return self.key_positions[parts]
            if parts in self.positions:
                return self.positions[parts]
            parts = parts[:-1]
        return self.positions.get(())

    def where(self, loc: Iterable[str | int]) -> str:
        """`file:line:column` for a path inside the document (the file alone for an empty one)."""
        pos = self.position_of(loc)
        if pos is None:
            return str(self.path)
        return f"{self.path}:{pos.line}:{pos.column}"


def with_syntax_hint(problem: str) -> str:
    """A syntax problem with what to do about it; every YAML file a person edits gets the same."""
    return problem if problem.endswith(SYNTAX_HINT) else f"{problem} — {SYNTAX_HINT}"


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _build(
    loader: yaml.SafeLoader, node: yaml.Node, path: Loc, doc: YamlDocument, error: type[YamlFileError]
) -> Any:
    doc.positions[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            pos = _mark(key_node)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise error(
                    doc.path,
                    [f"{doc.path}:{pos.line}:{pos.column}: a key must be a plain word — {SYNTAX_HINT}"],
                )
            if key in result:
                raise error(
                    doc.path,
                    [f"{doc.path}:{pos.line}:{pos.column}: '{key}' is given twice — remove one of the two"],
                )
            child = (*path, key if isinstance(key, str | int) else str(key))
            doc.key_positions[child] = pos
            result[key] = _build(loader, value_node, child, doc, error)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), doc, error) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, path: Path, *, error: type[YamlFileError] = YamlFileError) -> YamlDocument:
    """Parse YAML text into a `YamlDocument`; a syntax error is an `error` naming its place."""
    doc = YamlDocument(path=path, data=None)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            doc.data = _build(loader, node, (), doc, error)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise error(path, [with_syntax_hint(f"{where}: not valid YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise error(path, [with_syntax_hint(f"{path}: not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return doc


def read_bytes(
    path: Path, *, error: type[YamlFileError] = YamlFileError, missing_hint: str = "check the path"
) -> bytes:
    """A file's bytes; a missing or unreadable file is an `error` saying what to do."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error(path, [f"{path}: file not found — {missing_hint}"]) from None
    except OSError as exc:
        raise error(
            path, [f"{path}: cannot read: {exc.strerror} — check the path and its permissions"]
        ) from None


def decode(raw: bytes, path: Path, *, error: type[YamlFileError] = YamlFileError) -> str:
    """The text of a file that must be UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(path, [f"{path}: not UTF-8 text — save the file as UTF-8 in your editor"]) from None


def load_yaml(
    path: Path, *, error: type[YamlFileError] = YamlFileError, missing_hint: str = "check the path"
) -> YamlDocument:
    """Read and parse a YAML file; every problem, from a missing file on, is an `error`."""
    text = decode(read_bytes(path, error=error, missing_hint=missing_hint), path, error=error)
    return parse_yaml(text, path, error=error)
