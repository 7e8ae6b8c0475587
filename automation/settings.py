"""Settings: the one place that reads the settings file and the environment.

Precedence is defaults < settings file < environment (`SC_CANCEL_*`) < command line. Secrets never
live in the settings file: a password or TOTP secret is a *reference* (`{env: NAME}`, `{file: PATH}` or
`{keyring: {service, username}}`) resolved into a `SecretStr` when it is checked (before any browser
starts) and again at sign-in time.
"""

from __future__ import annotations

import base64
import binascii
import re
import stat
from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from automation.errors import BadInputError
from automation.yaml_source import YamlDocument, YamlError, load_yaml, validate_document

SETTINGS_FORMAT = 1
DEFAULT_SETTINGS_FILE = Path("sc-cancel.yaml")
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "ja_JP")
REPO_SELECTORS = Path(__file__).resolve().parent.parent / "selectors"

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EnvSecret(_Strict):
    env: str = Field(description="Name of the environment variable holding the secret.")


class FileSecret(_Strict):
    file: Path = Field(
        description="A file holding the secret (its final newline is dropped); only its owner may read it. "
        "A relative path is relative to the settings file's folder."
    )


class KeyringRef(_Strict):
    service: str = "sc-cancel"
    username: str


class KeyringSecret(_Strict):
    keyring: KeyringRef = Field(description="Where the secret is stored in the OS keyring.")


SecretRef = EnvSecret | KeyringSecret | FileSecret
REFERENCE_FORMS = (
    "{env: VARIABLE_NAME}, {file: /path/to/secret} or {keyring: {service: sc-cancel, username: NAME}}"
)


REFERENCE_KEYS = ("env", "file", "keyring")


def reference_shape(value: object) -> object:
    """Refuse a mapping that is no secret reference in one message (a union of three models would give
    one confusing line per model), naming the key that was probably meant."""
    if isinstance(value, dict) and (len(value) != 1 or next(iter(value)) not in REFERENCE_KEYS):
        from automation.yaml_source import unknown_field_hint

        wrong = [str(k) for k in value if k not in REFERENCE_KEYS]
        hint = unknown_field_hint(wrong[0], list(REFERENCE_KEYS)) if wrong else "give only one of them"
        raise ValueError(
            f"a secret reference has exactly one key, env, file or keyring ({hint}): write {REFERENCE_FORMS}"
        )
    return value


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


class Schedule(_Strict):
    every: str = Field(default="10m", description="How often to run, e.g. 10m or 1h.")
    jitter: str = Field(default="1m", description="Random extra delay up to this much, so runs do not align.")

    @field_validator("every", "jitter")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value

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

    @field_validator("password", "totp_secret", mode="before")
    @classmethod
    def _no_plain_secret(cls, value: object) -> object:
        if isinstance(value, str):
            raise ValueError(f"secrets never go in the settings file; write {REFERENCE_FORMS}")
        return reference_shape(value)


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

    @field_validator("stale_after", "ship_by_warning")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[str] | None) -> list[str] | None:
        from automation.notify.event import ALL_EVENTS

        unknown = sorted(set(value or ()) - ALL_EVENTS)
        if unknown:
            raise ValueError(f"unknown event(s) {', '.join(unknown)}; known: {', '.join(sorted(ALL_EVENTS))}")
        return value

    stale_after: str = Field(default="1h", description="Alert when no scheduled run finished for this long.")
    ship_by_warning: str = Field(default="24h", description="Alert for requests this close to ship-by.")


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
    notifications: Notifications = Field(default_factory=Notifications)
    accounts: list[Account] = Field(default_factory=list)

    @field_validator("format")
    @classmethod
    def _format(cls, value: int) -> int:
        if value > SETTINGS_FORMAT:
            raise ValueError(f"format {value} is newer than this sc-cancel understands; upgrade sc-cancel")
        if value < 1:
            raise ValueError("format must be 1")
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


class Environment(BaseModel):
    """The `SC_CANCEL_*` environment variables that settings honour (read here and nowhere else)."""

    model_config = ConfigDict(frozen=True)

    data_dir: Path | None = None
    chromium: Path | None = None
    config: Path | None = None
    retry_scale: float | None = None
    """`SC_CANCEL_RETRY_SCALE`: multiplies the waits between retries (tests use 0.05: same tries, less
    waiting); unset means the normal backoff."""

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> Environment:
        def path(name: str) -> Path | None:
            value = env.get(name)
            return Path(value).expanduser() if value else None

        return cls(
            data_dir=path("SC_CANCEL_DATA_DIR"),
            chromium=path("SC_CANCEL_CHROMIUM"),
            config=path("SC_CANCEL_CONFIG"),
            retry_scale=_positive_number(env, "SC_CANCEL_RETRY_SCALE"),
        )


def _positive_number(env: Mapping[str, str], name: str) -> float | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number < float("inf"):
        raise BadInputError(
            f"environment variable {name}={value!r}: give a number above 0 (e.g. 0.1), or unset it"
        )
    return number


def default_data_dir(env: Mapping[str, str]) -> Path:
    """A per-user data folder: $XDG_DATA_HOME/sc-cancel or ~/.local/share/sc-cancel."""
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sc-cancel"


SETTINGS_FILE_HINT = (
    "check the path, or copy config.example.yaml to sc-cancel.yaml and edit it; without a settings file "
    "sc-cancel works against the built-in sandbox"
)


def load_settings(path: Path, *, given_by: str | None = None) -> tuple[Settings, YamlDocument]:
    """Read and validate a settings file; problems name file, line and field (exit code 2).

    `given_by` says where the file's name came from (`--config`, `SC_CANCEL_CONFIG`), so that a file
    that is not there is reported with the place to correct.
    """
    if not path.exists():
        source = f" (given by {given_by})" if given_by else ""
        raise YamlError(path, [f"{path}: settings file not found{source}: {SETTINGS_FILE_HINT}"])
    doc = load_yaml(path)
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise YamlError(path, [f"{doc.where(())}: settings are a mapping (format, accounts, ...)"])
    settings = validate_document(Settings, doc)
    base = path.resolve().parent

    def rel(p: Path | None) -> Path | None:
        return None if p is None else (p if p.is_absolute() else base / p).resolve()

    def ref(r: SecretRef) -> SecretRef:
        if isinstance(r, FileSecret):
            return FileSecret(file=rel(r.file.expanduser()) or r.file)
        return r

    accounts = [
        a.model_copy(
            update={
                "rules": rel(a.rules),
                "password": ref(a.password),
                "totp_secret": None if a.totp_secret is None else ref(a.totp_secret),
            }
        )
        for a in settings.accounts
    ]
    urls = [u if isinstance(u, str) else ref(u) for u in settings.notifications.urls]
    settings = settings.model_copy(
        update={
            "data_dir": rel(settings.data_dir),
            "runs_dir": rel(settings.runs_dir),
            "selectors_dir": rel(settings.selectors_dir),
            "accounts": accounts,
            "notifications": settings.notifications.model_copy(update={"urls": urls}),
        }
    )
    return settings, doc


def describe_ref(ref: SecretRef) -> str:
    """Where a reference points, in words, for messages (never the secret itself)."""
    if isinstance(ref, EnvSecret):
        return f"the environment variable {ref.env}"
    if isinstance(ref, FileSecret):
        return f"the file {ref.file}"
    return f"the OS keyring (service '{ref.keyring.service}', user '{ref.keyring.username}')"


TOTP_SECRET_HINT = (
    "a TOTP secret is the base32 text (letters A-Z, digits 2-7) the authenticator set-up screen shows, "
    "complete; spaces and dashes between the groups are fine"
)


def normalize_totp_secret(text: str) -> str:
    """A TOTP secret as pyotp needs it: authenticator set-up screens show it in lower- or upper-case
    groups (`bmix tpuc z4fq ...`), sometimes joined by dashes; the code is computed from the base32
    letters alone. A value that is not base32 raises ValueError (its message never repeats it)."""
    compact = re.sub(r"[\s-]+", "", text).upper().rstrip("=")
    if not compact:
        raise ValueError(f"is empty; {TOTP_SECRET_HINT}")
    try:
        base64.b32decode(compact + "=" * (-len(compact) % 8))
    except (binascii.Error, ValueError):
        raise ValueError(f"is not base32 ({len(compact)} characters); {TOTP_SECRET_HINT}") from None
    return compact


NO_KEYRING_HINT = (
    "on a server without a desktop session there is usually no OS keyring: write {env: VARIABLE_NAME} "
    "(set in the service's environment) or {file: /path/to/secret} (a file only you can read: chmod 600) "
    "instead"
)


def resolve_secret(ref: SecretRef, env: Mapping[str, str], what: str) -> SecretStr:
    """Fetch a secret from the environment, a file or the OS keyring, at the moment it is needed.

    `what` names the setting (with its file and line when known) at the start of every message.
    """
    if isinstance(ref, EnvSecret):
        value = env.get(ref.env)
        if not value:
            raise BadInputError(
                f"{what}: the environment variable {ref.env} is not set; set it (e.g. in the service's "
                "environment file) or change the reference"
            )
        return SecretStr(value)
    if isinstance(ref, FileSecret):
        return SecretStr(_read_secret_file(ref.file, what))
    try:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        raise BadInputError(f"{what}: the keyring package is not installed; {NO_KEYRING_HINT}") from None
    try:
        value = keyring.get_password(ref.keyring.service, ref.keyring.username)
    except NoKeyringError:
        raise BadInputError(
            f"{what}: the OS keyring cannot be read: this machine has none; {NO_KEYRING_HINT}"
        ) from None
    except KeyringError as exc:
        raise BadInputError(f"{what}: the OS keyring cannot be read ({exc}); {NO_KEYRING_HINT}") from None
    if not value:
        raise BadInputError(
            f"{what}: nothing in the OS keyring for service '{ref.keyring.service}', "
            f"user '{ref.keyring.username}' (store it with: keyring set {ref.keyring.service} "
            f"{ref.keyring.username})"
        )
    return SecretStr(value)


def _read_secret_file(path: Path, what: str) -> str:
    """A secret file's text without its final newline; refused when other users may read or change it
    (the same rule ssh applies to private keys)."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise BadInputError(f"{what}: {path} is not a file; point {{file: ...}} at the file holding it")
        if mode & 0o077:
            raise BadInputError(
                f"{what}: other users can read or change {path} (mode {stat.S_IMODE(mode):o}); "
                f"run `chmod 600 {path}`"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInputError(
            f"{what}: the file {path} is not found; create it (chmod 600) or fix the path "
            "(a relative path is relative to the settings file's folder)"
        ) from None
    except UnicodeDecodeError:
        raise BadInputError(f"{what}: {path} is not UTF-8 text") from None
    except OSError as exc:
        raise BadInputError(f"{what}: cannot read {path}: {exc.strerror}; check its owner and mode") from None
    value = text.rstrip("\r\n")
    if not value:
        raise BadInputError(f"{what}: the file {path} is empty; write the secret into it")
    return value


Seconds = Annotated[float, Field(ge=0)]
