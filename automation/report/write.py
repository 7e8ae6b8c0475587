"""Writing the report files into the run folder, and reading them back for `sc-cancel report`.

Both files are private (0600) like the rest of the run folder. The free-text fields pass through the
redactor once more on the way out: a report built by hand, or before a buyer name was registered, must
still not carry one. (Only those fields: the redactor's phone pattern would also eat ISO dates.)
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from automation.artifacts import RunFolder
from automation.errors import BadInputError
from automation.redact import REDACTOR, Redactor
from automation.report.model import RunReport
from automation.report.render_html import render_html

JSON_NAME = "report.json"
HTML_NAME = "report.html"


def redacted(report: RunReport, redactor: Redactor = REDACTOR) -> RunReport:
    """The report with its free text (reasons, outcome reasons, error message, warnings) redacted."""

    def text(value: str | None) -> str | None:
        return None if value is None else redactor(value)

    requests = tuple(
        r.model_copy(update={"reason": text(r.reason), "outcome_reason": text(r.outcome_reason)})
        for r in report.requests
    )
    error = report.error
    if error is not None:
        error = error.model_copy(update={"message": redactor(error.message)})
    # An e-mail's subject carries the buyer's name: never kept, whoever built the report.
    unconfirmed = tuple(u.model_copy(update={"subject": None}) for u in report.unconfirmed)
    warnings = tuple(w.model_copy(update={"message": redactor(w.message)}) for w in report.warnings)
    return report.model_copy(
        update={"requests": requests, "error": error, "unconfirmed": unconfirmed, "warnings": warnings}
    )


def _write_private(path: Path, text: str) -> Path:
    """Write via a temporary file created 0600, then rename: a reader never sees half a report."""
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path


def write_html(folder: Path, report: RunReport, *, generated_at: datetime | None = None) -> Path:
    return _write_private(folder / HTML_NAME, render_html(report, folder, generated_at=generated_at))


def write_reports(
    folder: RunFolder, report: RunReport, *, generated_at: datetime | None = None
) -> tuple[Path, Path]:
    """Write `report.json` and `report.html` into the run folder; returns their paths (json, html)."""
    clean = redacted(report)
    json_path = _write_private(folder.path / JSON_NAME, clean.model_dump_json(indent=2) + "\n")
    return json_path, write_html(folder.path, clean, generated_at=generated_at)


def load_report(path: Path) -> RunReport:
    """A report.json read back; a broken one is bad input naming the file."""
    try:
        return RunReport.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read the report: {exc.strerror}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(document)"
        raise BadInputError(f"{path}: not an sc-cancel report: {where}: {first['msg']}") from None
