"""Browser tests: Debian's Chromium through pytest-playwright, and sandboxes to point it at.

`playwright install` cannot work here (no CDN), so the launch is pointed at Debian's binaries
(shared/reference/environment.md §3): the fast headless shell by default, the full Chromium with
`--headed` (run under `xvfb-run -a`), or whatever `SC_CANCEL_CHROMIUM` names. Every test under
tests/browser gets the `browser` marker, so `-m "not browser"` skips them all.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from automation.sandbox.scenario import Scenario, load_scenario, parse_scenario
from automation.sandbox.server import SandboxServer

HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
FULL_CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1600, "height": 1000}  # the two-pane inbox needs >= 1400 px (ref §3.1)
BROWSER_DIR = Path(__file__).resolve().parent

ScenarioSource = Scenario | Path | dict[str, Any]
SandboxFactory = Callable[..., SandboxServer]


def pick_chromium(headed: bool) -> str:
    """`SC_CANCEL_CHROMIUM` wins; else the headless shell when headless and installed; else Chromium."""
    chosen = os.environ.get("SC_CANCEL_CHROMIUM")
    if chosen:
        return chosen
    if not headed and shutil.which(HEADLESS_SHELL):
        return HEADLESS_SHELL
    return FULL_CHROMIUM


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    headed = browser_type_launch_args.get("headless") is False
    return {
        **browser_type_launch_args,
        "executable_path": pick_chromium(headed),
        "args": ["--disable-gpu", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": VIEWPORT}


def to_scenario(source: ScenarioSource) -> Scenario:
    """A scenario from a dict (validated like a file, so mistakes name the field), a path, or as is."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Path):
        return load_scenario(source)
    return parse_scenario(yaml.safe_dump(source, allow_unicode=True, sort_keys=False))


class _Sandboxes:
    """Starts sandboxes on demand and stops every one of them when its fixture's scope ends."""

    def __init__(self) -> None:
        self.servers: list[SandboxServer] = []

    def __call__(self, source: ScenarioSource, **options: Any) -> SandboxServer:
        server = SandboxServer(to_scenario(source), **options).start()
        self.servers.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()


@pytest.fixture
def sandbox_factory() -> Iterator[SandboxFactory]:
    """`sandbox_factory(scenario_dict_or_path, session_minutes=..., secret=...)` -> a started
    `SandboxServer`, stopped after the test."""
    sandboxes = _Sandboxes()
    yield sandboxes
    sandboxes.stop_all()


@pytest.fixture(scope="module")
def module_sandbox_factory() -> Iterator[SandboxFactory]:
    """The same, for one sandbox shared by a module's tests (stopped after the module)."""
    sandboxes = _Sandboxes()
    yield sandboxes
    sandboxes.stop_all()
