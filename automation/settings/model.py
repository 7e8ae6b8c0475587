"""What a settings file may say: the models that validate it, with their defaults.

Secrets never live in the settings file: a password, TOTP secret or notification URL is a *reference*
(`{env: NAME}`, `{file: PATH}` or `{keyring: {service, username}}`), resolved by `settings.secrets`
when it is needed.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from automation.errors import BadInputError
from automation.parsers.email_senders import DEFAULT_SENDERS, check_sender_pattern
from automation.settings.places import (
    S3_ONLY_SETTINGS,
    check_artifacts_place,
    check_broker_url,
    check_ledger_url,
    is_loopback,
)
from automation.settings.references import (
    SecretRef,
    reference_shape,
    secret_reference,
)
from automation.strict_model import StrictModel as _Strict

SETTINGS_FORMAT = 1

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str | int | float) -> timedelta:
    """`90s`, `10m`, `2h`, `1d` (or a number of seconds) as a timedelta."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return timedelta(seconds=float(text))
    match = _DURATION_RE.match(str(text))
    if not match:
        raise ValueError(f"'{text}' is not a duration like 90s, 10m, 2h or 1d")
    return timedelta(seconds=float(match.group(1)) * _DURATION_UNITS[match.group(2)])


class TraceMode(StrEnum):
    ON = "on"
    OFF = "off"
    RETAIN_ON_FAILURE = "retain-on-failure"


class BrowserSettings(_Strict):
    executable: Path | None = Field(
        default=None, description="Chromium to use; default: found automatically (see README)."
    )
    headless: bool = True
    slow_mo_ms: int = Field(default=0, ge=0)
    timeout_seconds: float = Field(default=20.0, gt=0, description="Default wait for any page element.")
    navigation_timeout_seconds: float = Field(default=30.0, gt=0)
    trace: TraceMode = TraceMode.RETAIN_ON_FAILURE
    pause_on_error: bool = False


class Marketplace(_Strict):
    """One marketplace of an account: a store in the account picker, its site and language."""

    base_url: str = Field(
        description="Seller Central for this marketplace, e.g. https://sellercentral.amazon.com"
    )
    marketplace: str | None = Field(default=None, description="Marketplace id, e.g. ATVPDKIKX0DER.")
    store: str | None = Field(default=None, description="Store name as the account picker shows it.")
    locale: Literal["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "ja_JP"] = "en_US"

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"'{value}' is not a URL like https://sellercentral.amazon.com")
        return value.rstrip("/")


def _duration_text(value: str) -> str:
    parse_duration(value)
    return value


DurationText = Annotated[str, AfterValidator(_duration_text)]
"""A duration as the settings file writes it (`10m`, `2h`), checked when the file is read."""


class Schedule(_Strict):
    every: DurationText = Field(default="10m", description="How often to run, e.g. 10m or 1h.")
    jitter: DurationText = Field(
        default="1m", description="Random extra delay up to this much, so runs do not align."
    )

    @field_validator("every")
    @classmethod
    def _positive(cls, value: str) -> str:
        # Caught here, with file and line, rather than when the scheduled loop starts.
        if parse_duration(value) <= timedelta(0):
            raise ValueError(f"'{value}' must be more than 0, e.g. 10m")
        return value

    @property
    def interval(self) -> timedelta:
        return parse_duration(self.every)

    @property
    def jitter_delta(self) -> timedelta:
        return parse_duration(self.jitter)


# ---- accounts[].mailbox: the seller's mailbox, read over IMAP for Amazon's cancellation e-mails ----
# Without it an account has no e-mail channel. Plain IMAP (`security: none`) is refused for anything but
# a loopback host: the password and the buyers' mail would cross the network in the clear.

Security = Literal["ssl", "starttls", "none"]
DEFAULT_PORTS: dict[str, int] = {"ssl": 993, "starttls": 143, "none": 143}


class Mailbox(_Strict):
    host: str = Field(min_length=1, description="The IMAP server, e.g. imap.gmail.com.")
    port: int | None = Field(
        default=None, ge=1, le=65535, description="Default: 993 for ssl, 143 for starttls and none."
    )
    security: Security = Field(
        default="ssl", description="ssl | starttls | none (none only for a loopback host)"
    )
    username: str = Field(min_length=1)
    password: SecretRef = Field(
        description="Where the mailbox password comes from (an app password for Gmail)."
    )
    folders: list[str] = Field(
        default_factory=lambda: ["INBOX"],
        min_length=1,
        description="Searched read-only (EXAMINE); nothing is moved, flagged or deleted.",
    )
    since_days: int = Field(default=14, ge=1, le=365, description="How far back the first read goes.")
    senders: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SENDERS), min_length=1, description="Only these senders count."
    )
    notice_grace: DurationText = Field(
        default="2h",
        description="How long after Seller Central's request time (site clock) its e-mail may be missing.",
    )

    @field_validator("password", mode="before")
    @classmethod
    def _no_plain_secret(cls, value: object) -> object:
        return secret_reference(value)

    @field_validator("senders")
    @classmethod
    def _sender_patterns(cls, values: list[str]) -> list[str]:
        return [check_sender_pattern(v) for v in values]

    @field_validator("folders")
    @classmethod
    def _folder_names(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.strip():
                raise ValueError("a folder name may not be empty (INBOX, or a folder such as Amazon)")
        return values

    @model_validator(mode="after")
    def _plain_only_on_loopback(self) -> Mailbox:
        if self.security == "none" and not is_loopback(self.host):
            raise ValueError(
                f"security: none sends the password in the clear; it is allowed only for a loopback host "
                f"(127.0.0.1, localhost), not '{self.host}': use ssl (port 993) or starttls (port 143)"
            )
        return self

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else DEFAULT_PORTS[self.security]


class Account(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="Short name used by --account.")
    email: str
    password: SecretRef = Field(
        description="Where the password comes from: {env: NAME}, {file: PATH} or {keyring: {...}}."
    )
    totp_secret: SecretRef | None = Field(
        default=None, description="Where the TOTP secret comes from, if any."
    )
    marketplaces: list[Marketplace] = Field(min_length=1)
    rules: Path | None = Field(default=None, description="Rules file for this account.")
    schedule: Schedule = Field(default_factory=Schedule)
    mailbox: Mailbox | None = Field(default=None, description="The e-mail channel; none without it.")

    @field_validator("password", "totp_secret", mode="before")
    @classmethod
    def _no_plain_secret(cls, value: object) -> object:
        return secret_reference(value)


class Notifications(_Strict):
    urls: list[Annotated[SecretRef | str, BeforeValidator(reference_shape)]] = Field(
        default_factory=list, description="Apprise URLs, or references to them ({env: NAME}, {file: PATH})."
    )
    events: list[str] | None = Field(default=None, description="Only these events; default: all.")
    daily_summary_at: str | None = Field(default="08:00", description="Local time of the daily summary.")

    @field_validator("daily_summary_at")
    @classmethod
    def _hh_mm(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", value):
            raise ValueError(f"'{value}' is not a time of day like 08:00")
        return value

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[str] | None) -> list[str] | None:
        from automation.notify.event import ALL_EVENTS

        unknown = sorted(set(value or ()) - ALL_EVENTS)
        if unknown:
            raise ValueError(f"unknown event(s) {', '.join(unknown)}; known: {', '.join(sorted(ALL_EVENTS))}")
        return value

    stale_after: DurationText = Field(
        default="1h", description="Alert when no scheduled run finished for this long."
    )
    ship_by_warning: DurationText = Field(
        default="24h", description="Alert for requests this close to ship-by."
    )


def _concurrency(value: object) -> object:
    """`concurrency`: a whole number of 1 or more, or `auto`; one message for every other value."""
    if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return value
    raise ValueError(f"expected a whole number of 1 or more, or auto, got {value!r}")


class Settings(_Strict):
    format: int = SETTINGS_FORMAT
    data_dir: Path | None = None
    runs_dir: Path | None = None
    selectors_dir: Path | None = None
    browser: BrowserSettings = Field(default_factory=BrowserSettings)
    actions_enabled: bool = Field(default=True, description="Master switch; false holds every action.")
    retention_days: int = Field(default=30, ge=1, description="Buyer personal data is purged after this.")
    keep_runs: int = Field(default=50, ge=1, description="Run folders kept (older ones are pruned).")
    keep_runs_days: int = Field(default=30, ge=1)
    run_timeout: DurationText = Field(
        default="20m",
        description="A run still going after this is stopped and reported failed; also how long an e-mail "
        "trigger of `watch` waits for a run holding the lock.",
    )
    order_lookup_ttl: DurationText | None = Field(
        default=None,
        description="How long an order's status and fulfillment, looked up for a request only Messages "
        "names, may be reused by later runs instead of read again, e.g. 15m; unset: the current run "
        "only. Shipped and canceled orders, which cannot change, are always reused.",
    )
    concurrency: Annotated[int | Literal["auto"], BeforeValidator(_concurrency)] = Field(
        default="auto",
        description="Accounts run at once by `schedule`/`watch`: a number, or auto (from the cores and "
        "the free memory, printed at start).",
    )
    broker_url: Annotated[SecretRef | str, BeforeValidator(reference_shape)] | None = Field(
        default=None,
        description="Celery broker (Redis) for `sc-cancel worker` and `beat`: redis://HOST:PORT/DB, or a "
        "secret reference ({env: NAME}, {file: PATH}) to a URL that carries a password.",
    )
    ledger_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the ledger, never with a password: sqlite:///PATH or "
        "postgresql+psycopg://USER@HOST:PORT/DB; default sqlite:///<data_dir>/ledger.sqlite3.",
    )
    ledger_password: SecretRef | None = Field(
        default=None, description="Reference to the ledger database's password ({env: NAME}, {file: PATH})."
    )
    notifications: Notifications = Field(default_factory=Notifications)
    accounts: list[Account] = Field(default_factory=list)
    artifacts: str | None = Field(
        default=None,
        description="Where run folders go: a local folder (default <data_dir>/runs) or s3://bucket/prefix.",
    )
    artifacts_endpoint: str | None = Field(
        default=None, description="An S3-compatible endpoint URL (MinIO, Ceph...); default: AWS's own."
    )
    artifacts_region: str | None = Field(default=None, description="The bucket's region, if it needs one.")
    artifacts_access_key: SecretRef | None = Field(
        default=None,
        description="Reference to the S3 access key id; default: boto3's own chain (AWS_*, a role).",
    )
    artifacts_secret_key: SecretRef | None = Field(
        default=None, description="Reference to the S3 secret access key (with artifacts_access_key)."
    )

    @field_validator("ledger_url")
    @classmethod
    def _ledger_url(cls, value: str | None) -> str | None:
        return None if value is None else check_ledger_url(value)

    @field_validator("artifacts_access_key", "artifacts_secret_key", "ledger_password", mode="before")
    @classmethod
    def _artifact_key_reference(cls, value: object) -> object:
        return secret_reference(value)

    @field_validator("artifacts")
    @classmethod
    def _artifacts_place(cls, value: str | None) -> str | None:
        if value is not None:
            check_artifacts_place(value)
        return value

    @field_validator("artifacts_endpoint")
    @classmethod
    def _artifacts_endpoint(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s@]+(/\S*)?$", value):
            raise ValueError(
                f"'{value}' is not an endpoint URL like https://s3.example.com:9000 (no user or password "
                "in it: give those as artifacts_access_key and artifacts_secret_key references)"
            )
        return value

    @model_validator(mode="after")
    def _s3_options_need_s3(self) -> Settings:
        given = [name for name in S3_ONLY_SETTINGS if getattr(self, name) is not None]
        if given and not (self.artifacts or "").startswith("s3://"):
            raise ValueError(
                f"{', '.join(given)} apply only to an S3 store: set artifacts: s3://bucket/prefix"
            )
        if (self.artifacts_access_key is None) != (self.artifacts_secret_key is None):
            raise ValueError("give both artifacts_access_key and artifacts_secret_key, or neither")
        return self

    @field_validator("format")
    @classmethod
    def _format(cls, value: int) -> int:
        if value > SETTINGS_FORMAT:
            raise ValueError(f"format {value} is newer than this sc-cancel understands; upgrade sc-cancel")
        if value < 1:
            raise ValueError("format must be 1")
        return value

    @field_validator("broker_url")
    @classmethod
    def _broker(cls, value: SecretRef | str | None) -> SecretRef | str | None:
        if isinstance(value, str):
            check_broker_url(value)
        return value

    @model_validator(mode="after")
    def _unique_accounts(self) -> Settings:
        names = [a.name for a in self.accounts]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"account names must be unique: {', '.join(dupes)}")
        return self

    def account(self, name: str | None) -> list[Account]:
        """The accounts a command works on: one by name, or all."""
        if name is None:
            return list(self.accounts)
        found = [a for a in self.accounts if a.name == name]
        if not found:
            known = ", ".join(a.name for a in self.accounts) or "none"
            raise BadInputError(f"no account named '{name}' in the settings (known: {known})")
        return found
