"""`broker_url`: a Redis URL without a password, or a secret reference to a whole URL that carries one;
the resolved password never reaches a log (it joins the redactor)."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.errors import BadInputError
from automation.fleet import broker_url_of
from automation.redact import REDACTOR
from automation.settings import CommandLine, resolve_settings
from automation.yaml_source import YamlError


def settings_file(tmp_path: Path, broker: str) -> Path:
    path = tmp_path / "sc-cancel.yaml"
    path.write_text(f"format: 1\nbroker_url: {broker}\n", encoding="utf-8")
    return path


def resolved(tmp_path: Path, broker: str, **environ: str) -> str:
    settings = resolve_settings(
        environ, CommandLine(config=settings_file(tmp_path, broker), data_dir=tmp_path)
    )
    return broker_url_of(settings)


def test_a_password_written_in_the_url_is_refused_naming_the_line_and_the_way_out(tmp_path: Path) -> None:
    with pytest.raises(YamlError) as refused:
        resolved(tmp_path, "redis://:hunter2secret@redis:6379/0")
    message = str(refused.value)
    assert "sc-cancel.yaml:2" in message
    assert "broker_url" in message
    assert "{env: SC_CANCEL_BROKER_URL}" in message
    assert "hunter2secret" not in message


def test_a_referenced_url_carries_its_password_which_is_redacted(tmp_path: Path) -> None:
    url = resolved(tmp_path, "{env: BROKER}", BROKER="redis://:s3cr3t-broker-pw@redis:6379/1")
    assert url == "redis://:s3cr3t-broker-pw@redis:6379/1"
    assert "s3cr3t-broker-pw" not in REDACTOR(f"connecting to {url}")


def test_workers_without_a_broker_are_told_what_to_add(tmp_path: Path) -> None:
    path = tmp_path / "sc-cancel.yaml"
    path.write_text("format: 1\n", encoding="utf-8")
    settings = resolve_settings({}, CommandLine(config=path, data_dir=tmp_path))
    with pytest.raises(BadInputError, match="broker_url is not set"):
        broker_url_of(settings)
