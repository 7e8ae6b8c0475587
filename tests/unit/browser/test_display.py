"""Whether a headed browser's window can be seen, from the environment alone (`login --headed`)."""

from __future__ import annotations

from automation.browser.display import no_display, virtual_display


def test_no_display_without_x_or_wayland() -> None:
    assert no_display({})
    assert no_display({"DISPLAY": ""})
    assert not no_display({"DISPLAY": ":0"})
    assert not no_display({"WAYLAND_DISPLAY": "wayland-0"})


def test_xvfb_run_is_told_by_its_private_xauthority_file() -> None:
    assert virtual_display({"DISPLAY": ":99", "XAUTHORITY": "/tmp/xvfb-run.YatumG/Xauthority"})
    assert not virtual_display({"DISPLAY": ":0", "XAUTHORITY": "/home/op/.Xauthority"})
    assert not virtual_display({"DISPLAY": ":0"})
    assert not virtual_display(
        {"WAYLAND_DISPLAY": "wayland-0", "XAUTHORITY": "/tmp/xvfb-run.YatumG/Xauthority"}
    )
