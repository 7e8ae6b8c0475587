"""What a run needs from outside, handed in by the command line: folders, browser settings, clock, hooks.

Nothing below the commands reads the environment or global settings; they read a `Runtime`. `Prepared`
is the other input every browser-driving command loads first: the selector files and locale texts,
validated before any browser starts, so bad input stops the command before it touches a site.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger

from automation.ledger import LEDGER_FILE_NAME, LedgerLocation
from automation.locators import SelectorFile, load_all_selector_files
from automation.parsers.locale_texts import LocaleTexts, load_all_locale_texts
from automation.settings import BrowserSettings
from automation.sources.context import RetryPolicy
from automation.verified_texts import check_folder as check_verified_texts

if TYPE_CHECKING:
    from automation.artifacts_store import S3Store
    from automation.ledger import Ledger
    from automation.report import ReportTrigger, RunReport
    from automation.targets import Target


@dataclass
class Runtime:
    """Everything a run needs from outside: folders, browser settings, clock, where to announce."""

    data_dir: Path
    runs_dir: Path
    selectors_dir: Path
    browser: BrowserSettings
    env: Mapping[str, str]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    announce: Callable[[str], None] = field(default=logger.info)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sandbox_session_minutes: float = 720.0
    sandbox_mail: bool | None = None
    """A mailbox (a throwaway Dovecot) for the built-in sandbox: True for any (`--mail`), False for none
    (`--no-mail`), None for the bundled demo's only."""
    after_run: Callable[[RunReport, Ledger], None] | None = None
    """Called with every finished run's report (notifications, clean-up); its failures are logged only."""
    replay_har: Path | None = None
    """`scan --replay`: every request is answered from this HAR, the rest aborted (no site, no sign-in)."""
    capture: bool = False
    """`sc-cancel record`: capture the run's network, bodies included, into <run folder>/capture/."""
    store: S3Store | None = None
    """Where finished run folders are uploaded (`artifacts: s3://...`); None: they stay in `runs_dir`."""
    run_started: Callable[[str, Path, ReportTrigger | None], None] | None = None
    """Called with a run's id, folder and trigger (what started a targeted run, else None) as soon as
    they exist: a run in a worker process tells its parent, which can then close that run as failed,
    trigger included, if it must stop the process (`run_timeout`)."""

    ledger: LedgerLocation | None = None
    """The ledger from the settings (`ledger_url`); None: the SQLite file in `data_dir`."""
    order_lookup_ttl: timedelta | None = None
    """How long a cached order look-up may be reused by later runs (`order_lookup_ttl`); None: never."""

    @property
    def ledger_path(self) -> Path:
        return self.data_dir / LEDGER_FILE_NAME

    @property
    def ledger_location(self) -> LedgerLocation:
        return self.ledger or LedgerLocation.sqlite(self.ledger_path)

    def storage_state(self, target: Target) -> Path:
        return self.data_dir / "sessions" / f"{target.key}.json"


@dataclass
class Prepared:
    """Selector files and texts, validated before any browser starts (bad input stops the run)."""

    selectors: dict[str, SelectorFile]
    texts: dict[str, LocaleTexts]

    @classmethod
    def load(cls, selectors_dir: Path) -> Prepared:
        prepared = cls(load_all_selector_files(selectors_dir), load_all_locale_texts(selectors_dir))
        fields = {key: file.fields.keys() for key, file in prepared.selectors.items()}
        banners = {locale: t.manage_orders.request_banners for locale, t in prepared.texts.items()}
        check_verified_texts(selectors_dir, fields, banners)
        return prepared

    def lookup(self, locale: str) -> Callable[[str], list[str]]:
        texts = self.texts[locale]
        return texts.ui_texts
