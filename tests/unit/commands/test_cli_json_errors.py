"""With --json, a failed command still prints one JSON document on standard output: the error document
(`{"format": 1, "error": {"exit_code": N, "message": "..."}}`), the details going to standard error.

These failures all happen before any browser starts, so `cli.main` runs in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from error_document import error_document

from automation.cli import main


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no ./sc-cancel.yaml from the repository or elsewhere
    return tmp_path


def run_main(workdir: Path, *argv: str) -> int:
    return main(list(argv), environ={"SC_CANCEL_DATA_DIR": str(workdir / "data"), "HOME": str(workdir)})


@pytest.mark.parametrize("command", ["scan", "run"])
def test_a_missing_scenario_prints_the_error_document(
    command: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_main(workdir, command, "--json", "--scenario", str(workdir / "missing.yaml"))
    out = capsys.readouterr()
    assert code == 2
    error = error_document(out.out)
    assert error["exit_code"] == 2
    assert "missing.yaml" in str(error["message"])
    assert "missing.yaml" in out.err, "the details still go to standard error"


def test_a_broken_rules_file_prints_the_error_document(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = workdir / "rules.yaml"
    rules.write_text("format: 1\nrules: [\n", encoding="utf-8")
    code = run_main(workdir, "run", "--json", "--rules", str(rules))
    out = capsys.readouterr()
    assert code == 2
    error = error_document(out.out)
    assert error["exit_code"] == 2
    assert "rules.yaml:" in str(error["message"])


def test_a_bad_command_line_with_json_prints_the_error_document(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_main(workdir, "scan", "--json", "--no-such-option")
    out = capsys.readouterr()
    assert code == 2
    assert "--no-such-option" in str(error_document(out.out)["message"])


@pytest.mark.parametrize("command", [["plan"], ["history"]])
def test_other_json_commands_print_it_too(
    command: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No ledger yet: a tool reading `plan --json` or `history --json` gets the same error shape."""
    code = run_main(workdir, *command, "--json")
    out = capsys.readouterr()
    assert code == 2
    assert "no ledger" in str(error_document(out.out)["message"])


def test_without_json_standard_output_stays_empty(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_main(workdir, "scan", "--scenario", str(workdir / "missing.yaml"))
    out = capsys.readouterr()
    assert code == 2
    assert out.out == ""
    assert "missing.yaml" in out.err


def test_the_message_is_one_line_without_secrets() -> None:
    from automation.output import error_document
    from automation.redact import REDACTOR

    REDACTOR.add("hunter2-password", "password")
    document = error_document(
        5, 'kept failing (Page.goto: net::ERR\nCall log:\n  - navigating to "x"\n) hunter2-password'
    )
    message = document["error"]["message"]
    assert "\n" not in message
    assert message.startswith('kept failing (Page.goto: net::ERR Call log: - navigating to "x" )')
    assert "hunter2-password" not in message


def test_the_sandbox_commands_bad_input_is_exit_code_2_with_its_place(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sandbox raises its own errors (it shares none with the agent); the command line maps them."""
    scenario = workdir / "scenario.yaml"
    scenario.write_text("format: 1\nlocale: en_XX\n", encoding="utf-8")
    assert run_main(workdir, "sandbox", "serve", "--scenario", str(scenario)) == 2
    assert f"{scenario}:2:1: locale: expected " in capsys.readouterr().err
    generate = ("sandbox", "generate", "--orders", "1", "--requests", "5", "--threads", "0", "--seed", "1")
    assert run_main(workdir, *generate) == 2
    assert "cannot generate a scenario" in capsys.readouterr().err
