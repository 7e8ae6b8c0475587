"""What every command receives: its parsed command line and the settings resolved once for it.

From these it builds what the layers below need (a `Runtime`, the targets, the ledger); nothing here or
below reads the environment or weighs one settings source against another.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.errors import BadInputError
from automation.settings import REPO_SELECTORS, ResolvedSettings, parse_duration

if TYPE_CHECKING:
    from automation.ledger import Ledger, LedgerLocation
    from automation.runtime import Runtime
    from automation.targets import Target

EXAMPLE_RULES = REPO_SELECTORS.parent / "rules.example.yaml"


@dataclass(frozen=True)
class Invocation:
    """One command as run: its command line (`args`) and its settings (`settings`)."""

    args: argparse.Namespace
    settings: ResolvedSettings

    def option(self, name: str) -> Any:
        """An option of the command line, None where this command has no such option."""
        return getattr(self.args, name, None)

    def runtime(self) -> Runtime:
        from automation.artifacts_store import open_store
        from automation.notify.hooks import RunHooks
        from automation.runtime import Runtime
        from automation.sources.context import RetryPolicy

        s = self.settings
        store = open_store(s)
        hooks = RunHooks.build(
            s,
            s.environ,
            data_dir=s.data_dir,
            runs_dir=s.runs_dir,
            clock=lambda: datetime.now(UTC),
            source=s.source,
            store=store,
        )
        return Runtime(
            store=store,
            after_run=hooks.after_run,
            retry=RetryPolicy().scaled(s.retry_scale),
            data_dir=s.data_dir,
            runs_dir=s.runs_dir,
            selectors_dir=s.selectors_dir,
            browser=s.browser,
            env=dict(s.environ),
            announce=lambda message: print(message, file=sys.stderr, flush=True),
            sandbox_mail=self.option("mail"),
            ledger=self.ledger_location,
            order_lookup_ttl=None if s.order_lookup_ttl is None else parse_duration(s.order_lookup_ttl),
        )

    def targets(self) -> list[Target]:
        from automation.targets import resolve_targets

        return resolve_targets(
            scenario=self.option("scenario"),
            base_url=self.option("base_url"),
            settings=self.settings,
            account=self.option("account"),
            env=self.settings.environ,
            source=self.settings.source,
        )

    def check_secrets(self, targets: list[Target]) -> list[Target]:
        """`targets`, once every secret they sign in with was fetched and found well-formed: a missing
        or malformed secret stops the command before any browser starts (exit code 2)."""
        from automation.targets import check_secrets

        check_secrets(targets)
        return targets

    def one_target(self) -> Target:
        targets = self.targets()
        if len(targets) > 1:
            names = ", ".join(t.name for t in targets)
            raise BadInputError(f"this command works on one account; pick one with --account ({names})")
        return targets[0]

    @property
    def ledger_path(self) -> Path:
        from automation.ledger import LEDGER_FILE_NAME

        return self.settings.data_dir / LEDGER_FILE_NAME

    @property
    def ledger_location(self) -> LedgerLocation:
        """The ledger from `ledger_url` and `ledger_password` (its reference resolved here), else the
        SQLite file in the data folder."""
        from automation.ledger import LedgerLocation
        from automation.ledger.engine import parse_ledger_url
        from automation.settings.secrets import resolve_secret

        s = self.settings
        if s.ledger_url is None:
            return LedgerLocation.sqlite(self.ledger_path)
        parse_ledger_url(s.ledger_url)
        password = None
        if s.ledger_password is not None:
            password = resolve_secret(s.ledger_password, s.environ, "ledger_password").get_secret_value()
        return LedgerLocation(s.ledger_url, password)

    def existing_ledger(self) -> Ledger:
        """The ledger, for commands that only read or amend it: refused when no scan has made one."""
        from automation.ledger import Ledger

        where = self.ledger_location
        if not where.exists():
            raise BadInputError(
                f"no ledger in {self.settings.data_dir} yet: run `sc-cancel scan` or `sc-cancel run` first"
            )
        return Ledger.open(where)

    def rules_file(self, target: Target) -> Path:
        """`--rules`, else the account's rules file, else the example rules."""
        return self.option("rules") or target.rules or EXAMPLE_RULES
