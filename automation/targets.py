"""Which Seller Central to talk to, as whom: from the command line, the settings file, or a scenario.

`--scenario F` means the built-in sandbox serving F, signing in with F's account; `--base-url U` points
at a Seller Central that is already running (with `--scenario F` too: F's account, no sandbox of our
own); a settings file lists real accounts; with none of these, the bundled demo scenario is served.
State (ledger rows, saved session, lock) is keyed per (base URL, e-mail), or per (scenario file, e-mail)
for the built-in sandbox, so consecutive runs against the same site are incremental.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from pydantic import SecretStr

from automation.errors import BadInputError
from automation.marketplaces import zone_for
from automation.settings import (
    Account,
    Schedule,
    SecretRef,
    Settings,
    describe_ref,
    normalize_totp_secret,
    parse_duration,
    resolve_secret,
)
from automation.yaml_source import YamlDocument, YamlError

DEMO_SCENARIO = Path(__file__).resolve().parent / "sandbox" / "scenarios" / "demo.yaml"


@dataclass(frozen=True)
class MarketplaceTarget:
    """One marketplace of a target; `base_url` None means "the embedded sandbox, once started"."""

    base_url: str | None
    marketplace: str | None
    store: str | None
    locale: str

    @property
    def zone(self) -> str:
        return zone_for(self.marketplace, self.locale)


@dataclass(frozen=True)
class MailboxTarget:
    """An account's mailbox (`accounts[i].mailbox`), its password fetched when needed."""

    host: str
    port: int
    security: str
    username: str
    password: Callable[[], SecretStr] = field(repr=False)
    folders: tuple[str, ...]
    since_days: int
    senders: tuple[str, ...]
    notice_grace: timedelta
    setting: str = "mailbox"
    """How messages name it: `accounts[0].mailbox`; `setting + ".password"` names the password."""


@dataclass(frozen=True)
class Target:
    name: str
    key: str
    email: str
    password: Callable[[], SecretStr] = field(repr=False)
    totp_secret: Callable[[], SecretStr | None] = field(repr=False)
    marketplaces: tuple[MarketplaceTarget, ...]
    rules: Path | None = None
    schedule: Schedule = field(default_factory=Schedule)
    sandbox_scenario: Path | None = None
    """Start the built-in sandbox serving this scenario for the run."""
    password_setting: str = "the password"
    """Which setting the password comes from, and where that points (for sign-in messages)."""
    totp_setting: str = "the TOTP secret"
    mailbox: MailboxTarget | None = None
    """The e-mail channel, when the account has one."""
    sandbox_mail: bool = False
    """The bundled demo: its built-in sandbox gets a mailbox where Dovecot is installed (a `--scenario`
    sandbox only with `--mail`), so the demo shows all three channels."""

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox_scenario is not None

    def secret_problems(self) -> list[str]:
        """Every secret fetched once, before any browser starts: each problem names its setting."""
        problems = []
        mailbox = () if self.mailbox is None else (self.mailbox.password,)
        for fetch in (self.password, self.totp_secret, *mailbox):
            try:
                fetch()
            except BadInputError as exc:
                problems.append(str(exc))
        return problems


def check_secrets(targets: list[Target]) -> None:
    """Stop (exit code 2) before any browser starts when a secret of any account cannot be had or is
    malformed, naming every such setting at once."""
    problems = [problem for target in targets for problem in target.secret_problems()]
    if problems:
        raise BadInputError("\n".join(problems))


def state_key(origin: str, email: str) -> str:
    """A short, stable, file-name-safe key for (site, e-mail)."""
    digest = hashlib.sha256(f"{origin}|{email.lower()}".encode()).hexdigest()[:12]
    slug = re.sub(r"[^a-z0-9]+", "-", email.lower().split("@")[0])[:20].strip("-") or "account"
    return f"{slug}-{digest}"


def _from_scenario(path: Path, base_url: str | None) -> Target:
    from automation.sandbox.errors import ScenarioError
    from automation.sandbox.scenario import load_scenario

    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:  # the sandbox's own error: to the agent, a bad input file (exit code 2)
        raise YamlError(exc.path, exc.problems) from None
    account = scenario.account
    password = SecretStr(account.password)
    totp = SecretStr(account.totp_secret) if account.totp_secret else None
    store = account.stores[0] if account.stores else None
    origin = base_url.rstrip("/") if base_url else f"sandbox:{path.resolve()}"
    market = MarketplaceTarget(
        base_url=base_url.rstrip("/") if base_url else None,
        marketplace=scenario.marketplace_id,
        store=store,
        locale=str(scenario.locale),
    )
    return Target(
        name="sandbox" if base_url is None else "scenario",
        key=state_key(origin, account.email),
        email=account.email,
        password=lambda: password,
        totp_secret=lambda: totp,
        marketplaces=(market,),
        sandbox_scenario=None if base_url else path.resolve(),
        password_setting=f"account.password of the scenario {path}",
        totp_setting=f"account.totp_secret of the scenario {path}",
    )


def _setting(index: int, key: str, ref: SecretRef, source: YamlDocument | None) -> tuple[str, str]:
    """How messages name one secret setting: `file:line:col: accounts[0].password` to start a problem
    found before sign-in, and `accounts[0].password (the environment variable X; file:line:col)` for
    a sign-in that Seller Central rejected."""
    name = f"accounts[{index}].{key}"
    if source is None:
        return name, f"{name} ({describe_ref(ref)})"
    where = source.where(("accounts", index, key))
    return f"{where}: {name}", f"{name} ({describe_ref(ref)}; {where})"


def _from_account(
    account: Account, index: int, env: Mapping[str, str], base_url: str | None, source: YamlDocument | None
) -> Target:
    markets = tuple(
        MarketplaceTarget(
            base_url=(base_url or m.base_url).rstrip("/"),
            marketplace=m.marketplace,
            store=m.store,
            locale=m.locale,
        )
        for m in account.marketplaces
    )
    origin = markets[0].base_url or ""
    password_ref, totp_ref = account.password, account.totp_secret
    password_where, password_setting = _setting(index, "password", password_ref, source)

    def password() -> SecretStr:
        return resolve_secret(password_ref, env, password_where)

    totp_where, totp_setting = ("", "the TOTP secret")
    if totp_ref is not None:
        totp_where, totp_setting = _setting(index, "totp_secret", totp_ref, source)

    def totp() -> SecretStr | None:
        if totp_ref is None:
            return None
        raw = resolve_secret(totp_ref, env, totp_where)
        try:
            return SecretStr(normalize_totp_secret(raw.get_secret_value()))
        except ValueError as exc:
            raise BadInputError(f"{totp_where}: the TOTP secret in {describe_ref(totp_ref)} {exc}") from None

    return Target(
        name=account.name,
        mailbox=_mailbox(account, index, env, source),
        key=state_key(origin, account.email),
        email=account.email,
        password=password,
        totp_secret=totp,
        marketplaces=markets,
        rules=account.rules,
        schedule=account.schedule,
        password_setting=password_setting,
        totp_setting=totp_setting,
    )


def _mailbox(
    account: Account, index: int, env: Mapping[str, str], source: YamlDocument | None
) -> MailboxTarget | None:
    box = account.mailbox
    if box is None:
        return None
    ref = box.password
    name = f"accounts[{index}].mailbox"
    where = (
        f"{name}.password"
        if source is None
        else f"{source.where(('accounts', index, 'mailbox', 'password'))}: {name}.password"
    )

    def password() -> SecretStr:
        return resolve_secret(ref, env, where)

    return MailboxTarget(
        host=box.host,
        port=box.effective_port,
        security=box.security,
        username=box.username,
        password=password,
        folders=tuple(box.folders),
        since_days=box.since_days,
        senders=tuple(box.senders),
        notice_grace=parse_duration(box.notice_grace),
        setting=name,
    )


def resolve_targets(
    *,
    scenario: Path | None,
    base_url: str | None,
    settings: Settings | None,
    account: str | None,
    env: Mapping[str, str],
    source: YamlDocument | None = None,
) -> list[Target]:
    """The accounts a command works on, in the order of the settings file; `source` (the settings file
    as read) lets messages about an account's secrets give the file and line."""
    if base_url is not None and not re.match(r"^https?://[^/\s]+", base_url):
        raise BadInputError(f"--base-url '{base_url}' is not a URL like http://127.0.0.1:8765")
    if scenario is not None:
        return [_from_scenario(scenario, base_url)]
    if settings is not None and settings.accounts:
        chosen = {a.name for a in settings.account(account)}
        return [
            _from_account(a, index, env, base_url, source)
            for index, a in enumerate(settings.accounts)
            if a.name in chosen
        ]
    if base_url is not None:
        raise BadInputError(
            "--base-url needs an account to sign in with: add --scenario FILE (the sandbox scenario "
            "that site serves) or --config FILE with an account"
        )
    if account is not None:
        raise BadInputError("--account needs a settings file with accounts (--config FILE)")
    return [replace(_from_scenario(DEMO_SCENARIO, None), sandbox_mail=True)]
