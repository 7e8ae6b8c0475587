"""What happens around runs, built from the settings: notifications after each run, the retention
purge, and the scheduler's per-round checks (runs that stopped happening, the daily summary).

The CLI builds these once per command and hands them to the runner (`Runtime.after_run`) and the
scheduler; each is a plain callable so the runner stays free of settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from automation.errors import ExitCode
from automation.ledger import Ledger, LedgerLocation
from automation.notify.notifier import Notifier, notification_urls
from automation.notify.run_events import HALTED, check_stale, events_for_run
from automation.notify.summary import daily_summary
from automation.report import RunReport
from automation.retention import purge
from automation.settings import Settings, parse_duration
from automation.yaml_source import YamlDocument

if TYPE_CHECKING:
    from automation.artifacts_store import S3Store

HISTORY_RUNS = 10


@dataclass
class RunHooks:
    settings: Settings
    notifier: Notifier | None
    runs_dir: Path
    clock: Callable[[], datetime]
    store: S3Store | None = None
    """The artifact store the retention rules apply to as well (an S3 bucket), if any."""

    @classmethod
    def build(
        cls,
        settings: Settings,
        env: Mapping[str, str],
        *,
        data_dir: Path,
        runs_dir: Path,
        clock: Callable[[], datetime],
        source: YamlDocument | None = None,
        store: S3Store | None = None,
    ) -> RunHooks:
        """Resolve notification URLs now, so a broken reference stops the command before any browser
        (with the settings file's line when `source` is given)."""
        n = settings.notifications
        urls = notification_urls(n, env, source=source)
        notifier = (
            Notifier(urls, state_path=data_dir / "notified.json", clock=clock, events=n.events)
            if urls
            else None
        )
        return cls(settings, notifier, runs_dir, clock, store)

    def after_run(self, report: RunReport, ledger: Ledger) -> None:
        """Notify what the run calls for, then apply the retention settings."""
        now = self.clock()
        if self.notifier is not None:
            history = [
                HALTED if r.exit_code == ExitCode.STOPPED else r.status
                for r in ledger.recent_runs(report.account_key, HISTORY_RUNS)
                if r.run_id != report.run_id
            ]
            events = events_for_run(
                report,
                history,
                now,
                ship_by_warning=parse_duration(self.settings.notifications.ship_by_warning),
            )
            sent = self.notifier.notify_all(events)
            if sent:
                logger.info("{} notification(s) sent", sent)
        s = self.settings
        removed = purge(
            ledger,
            self.runs_dir,
            retention_days=s.retention_days,
            keep_runs=s.keep_runs,
            keep_runs_days=s.keep_runs_days,
            now=now,
            store=self.store,
        )
        if removed.folders_removed or removed.ledger_rows:
            logger.debug(
                "retention: {} run folders removed, {} ledger rows scrubbed",
                len(removed.folders_removed),
                removed.ledger_rows,
            )

    def round_checks(
        self, ledger_path: Path | LedgerLocation, accounts: Sequence[Any], started_at: datetime
    ) -> None:
        """Once per scheduler round: alert on accounts whose runs stopped, send the daily summary."""
        if self.notifier is None or not ledger_path.exists():
            return
        now = self.clock()
        n = self.settings.notifications
        with Ledger.open(ledger_path, clock=self.clock) as ledger:
            for target in accounts:
                last = ledger.last_run(target.key, "run")
                finished = last.finished_at if last is not None and last.finished_at else started_at
                event = check_stale(
                    finished, now, stale_after=parse_duration(n.stale_after), account=target.name
                )
                if event is not None:
                    self.notifier.notify(event)
            if n.daily_summary_at and _past(now, n.daily_summary_at):
                self.notifier.notify(daily_summary(ledger, {t.name: t.key for t in accounts}, now))


def _past(now: datetime, hh_mm: str) -> bool:
    """Whether the local time of day has passed `hh_mm` (the summary is de-duplicated per day)."""
    hour, minute = (int(part) for part in hh_mm.split(":", 1))
    return now.astimezone().time() >= time(hour, minute)
