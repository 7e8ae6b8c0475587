"""The command line: the global options work before and after the subcommand, on every command."""

from __future__ import annotations

import argparse

import pytest

from automation.cli import build_parser


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every runnable command, nested ones included (`rules check`, `sandbox serve`...)."""
    paths: list[tuple[str, ...]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths.extend(command_paths(sub, (*prefix, name)))
    return paths or [prefix]


REQUIRED = {
    ("approve",): ["111-1234567-1234567"],
    ("reject",): ["111-1234567-1234567"],
    ("dismiss",): ["111-1234567-1234567", "--note", "handled by phone"],
    ("rules", "check"): ["rules.yaml"],
    ("rules", "explain"): ["rules.yaml"],
    ("scrub",): ["capture"],
    ("sandbox", "generate"): ["--orders", "5", "--requests", "1", "--threads", "2", "--seed", "1"],
    ("ledger", "copy"): ["--to", "postgresql+psycopg://sc@127.0.0.1/sc"],
}
"""Positional arguments some commands need before they parse."""

PATHS = command_paths(build_parser())


def argv_for(path: tuple[str, ...]) -> list[str]:
    return [*path, *REQUIRED.get(path, [])]


def test_every_command_is_covered() -> None:
    assert {
        ("scan",),
        ("run",),
        ("history",),
        ("rules", "check"),
        ("sandbox", "serve"),
        ("sandbox", "generate"),
    } <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_verbose_and_quiet_after_the_subcommand(path: tuple[str, ...]) -> None:
    parser = build_parser()
    after = parser.parse_args([*argv_for(path), "-v"])
    assert after.verbose == 1
    assert after.quiet is False
    assert parser.parse_args([*argv_for(path), "-vv"]).verbose == 2
    assert parser.parse_args([*argv_for(path), "--quiet"]).quiet is True


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_global_options_before_the_subcommand_still_count(path: tuple[str, ...]) -> None:
    parser = build_parser()
    before = parser.parse_args(["-v", "-q", *argv_for(path)])
    assert before.verbose == 1
    assert before.quiet is True
    plain = parser.parse_args(argv_for(path))
    assert plain.verbose == 0
    assert plain.quiet is False
