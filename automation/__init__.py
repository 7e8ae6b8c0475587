"""sc-cancel: keeps Amazon sellers from missing buyer cancellation requests."""

from importlib.metadata import version

__version__ = version("sc-cancel")
"""The installed distribution's version (pyproject.toml's `version`), so the two never disagree."""
