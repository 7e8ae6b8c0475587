"""The sandbox's own errors. The sandbox is a separate program that happens to ship with the agent
(docs/architecture.md): it shares no error classes with it, and the agent's command line maps these to
its exit code for bad input."""

from __future__ import annotations

from automation.yaml_positions import YamlFileError


class SandboxInputError(Exception):
    """Bad input to the sandbox: a scenario file, a port, `generate`'s arguments. Nothing was served or
    written."""

    exit_code = 2
    """How a command line ends on bad input, as argparse and most Unix tools do."""


class ScenarioError(SandboxInputError, YamlFileError):
    """A scenario file is unreadable or invalid; the message lists every problem with its place
    (`file:line:column: field: ...`)."""
