"""The agent's YAML files (settings, rules, selectors, locale texts, recordings): read with their places,
and every problem raised as a `YamlError`, a `BadInputError` (exit code 2).

The reading and the wording live in the neutral `yaml_positions` and `yaml_problems`, which the sandbox's
scenario loader uses too; this module gives them the agent's error class. No browser access.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from automation import yaml_positions, yaml_problems
from automation.errors import BadInputError
from automation.yaml_positions import Loc, Position, YamlDocument, YamlFileError
from automation.yaml_problems import DEFAULT_VOICE, Voice, unknown_field_hint

__all__ = [
    "Loc",
    "Position",
    "Voice",
    "YamlDocument",
    "YamlError",
    "load_model",
    "load_yaml",
    "parse_yaml",
    "unknown_field_hint",
    "validate_document",
]

M = TypeVar("M", bound=BaseModel)


class YamlError(BadInputError, YamlFileError):
    """A YAML file is unreadable or invalid; the message lists every problem with its place."""


def parse_yaml(text: str, path: Path) -> YamlDocument:
    """Parse YAML text; a syntax error names its place."""
    return yaml_positions.parse_yaml(text, path, error=YamlError)


def load_yaml(path: Path, *, missing_hint: str = "check the path") -> YamlDocument:
    """Read and parse a YAML file; a missing, unreadable or non-UTF-8 file is a `YamlError` too."""
    return yaml_positions.load_yaml(path, error=YamlError, missing_hint=missing_hint)


def validate_document(model: type[M], doc: YamlDocument, voice: Voice = DEFAULT_VOICE) -> M:
    """Validate a parsed document against a pydantic model; every problem in one `YamlError`."""
    return yaml_problems.validate(model, doc, voice, error=YamlError)


def load_model(model: type[M], path: Path, voice: Voice = DEFAULT_VOICE) -> M:
    """Read, parse and validate a YAML file in one step."""
    return validate_document(model, load_yaml(path), voice)
