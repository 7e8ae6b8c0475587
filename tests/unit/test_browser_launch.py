"""How the browser is launched small: Chromium's flags and the Node driver's heap option."""

from __future__ import annotations

from automation.browser.session import (
    HEADLESS_BLINK,
    NODE_HEAP_OPTION,
    SMALL_BROWSER_ARGS,
    SessionOptions,
    launch_args,
    small_node_heap,
)


def test_a_headless_browser_runs_without_gpu_process_and_zygotes() -> None:
    args = launch_args(SessionOptions(headless=True, env={}))
    assert set(SMALL_BROWSER_ARGS) <= set(args)
    assert HEADLESS_BLINK in args
    # Playwright's own --disable-features/--enable-features lists are never replaced (a second flag
    # of the same name would win over them).
    assert not any(a.startswith(("--disable-features", "--enable-features")) for a in args)


def test_a_headed_browser_keeps_its_gpu_process() -> None:
    args = launch_args(SessionOptions(headless=False, env={}))
    assert not set(SMALL_BROWSER_ARGS) & set(args)


def test_the_driver_heap_option_joins_node_options_once() -> None:
    env = {"NODE_OPTIONS": "--dns-result-order=ipv4first"}
    small_node_heap(env)
    small_node_heap(env)
    assert env["NODE_OPTIONS"] == f"--dns-result-order=ipv4first {NODE_HEAP_OPTION}"


def test_an_operators_own_young_generation_size_is_kept() -> None:
    env = {"NODE_OPTIONS": "--max-semi-space-size=8"}
    small_node_heap(env)
    assert env["NODE_OPTIONS"] == "--max-semi-space-size=8"
    empty: dict[str, str] = {}
    small_node_heap(empty)
    assert empty["NODE_OPTIONS"] == NODE_HEAP_OPTION
