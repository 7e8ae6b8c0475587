"""Jinja2 environments for HTML pages: autoescape on, and escaping as `html.escape` does.

Neutral ground, like `yaml_positions`: the agent's run report and the sandbox's pages both render through
here, and it knows nothing of either. Every `{{ value }}` is escaped with the standard library's entities
(`&quot;`, `&#x27;`), the ones these pages have always carried; a value marked safe (`Markup`, or a
filter's output such as the page-data JSON) is written as it is.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup


def _escaped(value: Any) -> Any:
    """Runs on every `{{ }}` before autoescape: nothing shows as "None", text is escaped once."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=True))


def html_environment(folder: Path) -> Environment:
    """Templates from `folder`; a name a template uses but nobody passed is an error, not blank."""
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=True,
        finalize=_escaped,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
