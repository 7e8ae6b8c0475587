"""The error document a failed command prints on standard output with `--json` (docs/interfaces.md)."""

from __future__ import annotations

import json


def error_document(stdout: str, exit_code: int | None = None) -> dict[str, object]:
    """The `error` part of `{"format": 1, "error": {"exit_code": N, "message": "..."}}`, checked whole:
    the only document on standard output, nothing else beside it, and the exit code it names."""
    document = json.loads(stdout)
    assert set(document) == {"format", "error"}, document
    assert document["format"] == 1
    error = document["error"]
    assert isinstance(error, dict)
    assert set(error) == {"exit_code", "message"}
    if exit_code is not None:
        assert error["exit_code"] == exit_code, error
    return error
