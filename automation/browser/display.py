"""Can a person see a headed browser's window here? Asked before `login --headed` waits for one.

A server has no display at all (no `DISPLAY`, no `WAYLAND_DISPLAY`): a headed browser cannot even start.
Under `xvfb-run` it starts on a virtual screen that nobody watches unless they connect to it (x11vnc); a
headed sign-in would wait there for nothing. `xvfb-run` gives itself away by its private
`XAUTHORITY` file (`/tmp/xvfb-run.XXXXXX/Xauthority`), which is all that can be known from inside.
"""

from __future__ import annotations

from collections.abc import Mapping


def no_display(env: Mapping[str, str]) -> bool:
    return not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY")


def virtual_display(env: Mapping[str, str]) -> bool:
    """True when the display looks like the one `xvfb-run` made (no screen anyone sees by default)."""
    return not env.get("WAYLAND_DISPLAY") and "/xvfb-run." in env.get("XAUTHORITY", "")
