"""A run's folder: `<data_dir>/runs/<run-id>/` (or the `runs_dir` setting), private, holding evidence for
people debugging a run.

Screenshots and the page's HTML on every error, the trace, the report. Created with mode 0700 (its files
0600): they show orders and buyers. Old folders are pruned by count and age.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger

from automation.redact import REDACTOR

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


@dataclass
class RunFolder:
    path: Path
    mask_css: tuple[str, ...] = ()
    """Elements holding buyer names and addresses, hidden in screenshots (selectors/common.yaml)."""

    @classmethod
    def create(cls, runs_dir: Path, run_id: str, mask_css: tuple[str, ...] = ()) -> RunFolder:
        runs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = runs_dir / run_id
        path.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
        return cls(path, mask_css)

    def file(self, name: str) -> Path:
        return self.path / name

    def write_text(self, name: str, text: str) -> Path:
        target = self.path / name
        target.write_text(text, encoding="utf-8")
        os.chmod(target, 0o600)
        return target

    def screenshot(self, page: Page, name: str) -> Path | None:
        """A full-page screenshot with buyer names and addresses masked; None if the page is gone."""
        target = self.path / f"{name}.png"
        try:
            masks: list[Locator] = [page.locator(css) for css in self.mask_css]
            page.screenshot(path=str(target), full_page=True, mask=masks, timeout=10_000)
        except Exception as exc:
            logger.debug("screenshot {} failed: {}", name, exc)
            return None
        os.chmod(target, 0o600)
        return target

    def page_html(self, page: Page, name: str) -> Path | None:
        """The page's HTML as rendered, with secrets and buyer data redacted."""
        try:
            html = page.content()
        except Exception as exc:
            logger.debug("page html {} failed: {}", name, exc)
            return None
        return self.write_text(f"{name}.html", REDACTOR(html))

    def evidence(self, page: Page, name: str) -> list[Path]:
        return [p for p in (self.screenshot(page, name), self.page_html(page, name)) if p is not None]


def prune_runs(runs_dir: Path, *, keep: int, max_age_days: int, now: float | None = None) -> list[Path]:
    """Delete run folders beyond the newest `keep`, and any older than `max_age_days`."""
    if not runs_dir.is_dir():
        return []
    now = time.time() if now is None else now
    folders = sorted(
        (p for p in runs_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    removed = []
    for index, folder in enumerate(folders):
        too_old = now - folder.stat().st_mtime > max_age_days * 86400
        if index >= keep or too_old:
            with contextlib.suppress(OSError):
                shutil.rmtree(folder)
                removed.append(folder)
    return removed
