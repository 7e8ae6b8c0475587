"""Finds a Chromium that Playwright can drive.

`playwright install` cannot download browsers on machines without internet, so the agent also uses the
distribution's builds. Order: the setting or `SC_CANCEL_CHROMIUM`; Playwright's bundled browser when
installed; Debian's `chromium-headless-shell` for headless runs (about 2x faster to start, half the
memory, no outside requests); then `chromium`, `chromium-browser`, `google-chrome` on PATH.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from automation.errors import NoBrowserError

HEADLESS_SHELLS = ("/usr/lib/chromium/chromium-headless-shell", "chromium-headless-shell")
FULL_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Debian's /usr/bin/chromium is a shell wrapper adding flags and stderr noise; the real binary is here.
DEBIAN_REAL_CHROMIUM = Path("/usr/lib/chromium/chromium")


@dataclass(frozen=True)
class ChromiumChoice:
    """What to launch: `path` None means Playwright's own bundled browser."""

    path: Path | None
    origin: str

    @property
    def is_headless_shell(self) -> bool:
        return self.path is not None and "headless-shell" in self.path.name


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _which(name: str, which: Callable[[str], str | None]) -> Path | None:
    if "/" in name:
        path = Path(name)
        return path if _executable(path) else None
    found = which(name)
    return Path(found) if found else None


def bundled_chromium() -> Path | None:
    """Playwright's own Chromium, if `playwright install chromium` worked on this machine."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dependency
        return None
    try:
        with sync_playwright() as pw:
            path = Path(pw.chromium.executable_path)
    except Exception:
        return None
    return path if _executable(path) else None


def find_chromium(
    *,
    headless: bool,
    configured: Path | None = None,
    env: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    bundled: Callable[[], Path | None] = bundled_chromium,
) -> ChromiumChoice:
    """Pick the browser; raise `NoBrowserError` (exit code 8) with what was tried when none works."""
    env = os.environ if env is None else env
    explicit = configured or (Path(env["SC_CANCEL_CHROMIUM"]) if env.get("SC_CANCEL_CHROMIUM") else None)
    if explicit is not None:
        path = _which(str(explicit), which)
        if path is None:
            raise NoBrowserError(
                f"the configured Chromium '{explicit}' does not exist or is not executable "
                "(setting browser.executable or SC_CANCEL_CHROMIUM)"
            )
        return ChromiumChoice(path, "setting")
    bundled_path = bundled()
    if bundled_path is not None:
        return ChromiumChoice(bundled_path, "playwright")
    if headless:
        for name in HEADLESS_SHELLS:
            path = _which(name, which)
            if path is not None:
                return ChromiumChoice(path, "debian-headless-shell")
    for name in FULL_BROWSERS:
        path = _which(name, which)
        if path is not None:
            if path == Path("/usr/bin/chromium") and _executable(DEBIAN_REAL_CHROMIUM):
                path = DEBIAN_REAL_CHROMIUM
            return ChromiumChoice(path, "path")
    tried = ", ".join((*HEADLESS_SHELLS, *FULL_BROWSERS)) if headless else ", ".join(FULL_BROWSERS)
    raise NoBrowserError(
        "no usable Chromium found (tried SC_CANCEL_CHROMIUM, Playwright's bundled browser, "
        f"{tried}). Install one: `sudo apt-get install chromium chromium-headless-shell` "
        "(or run `make setup`)"
    )
