"""Settings resolved once: the one place that reads the settings file and the environment.

Every setting comes from its strongest source: defaults < settings file < environment (`SC_CANCEL_*`) <
command line. `resolve_settings` applies that order once, into a frozen `ResolvedSettings` that every
command receives; nothing else reads the environment or picks between sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, InstanceOf

from automation.errors import BadInputError
from automation.settings.model import BrowserSettings, Settings, TraceMode
from automation.settings.references import FileSecret, SecretRef
from automation.yaml_source import YamlDocument, YamlError, load_yaml, validate_document

DEFAULT_SETTINGS_FILE = Path("sc-cancel.yaml")
REPO_SELECTORS = Path(__file__).resolve().parents[2] / "selectors"
LOG_FILE = Path("logs") / "sc-cancel.jsonl"
"""The JSON log, in the data folder."""


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
                "mailbox": None
                if a.mailbox is None
                else a.mailbox.model_copy(update={"password": ref(a.mailbox.password)}),
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
            "artifacts": _local_relative(settings.artifacts, base),
            "artifacts_access_key": settings.artifacts_access_key and ref(settings.artifacts_access_key),
            "artifacts_secret_key": settings.artifacts_secret_key and ref(settings.artifacts_secret_key),
            "ledger_password": settings.ledger_password and ref(settings.ledger_password),
            "broker_url": settings.broker_url
            if settings.broker_url is None or isinstance(settings.broker_url, str)
            else ref(settings.broker_url),
        }
    )
    return settings, doc


def _local_relative(artifacts: str | None, base: Path) -> str | None:
    """`artifacts` as a folder is relative to the settings file's folder, like every path there."""
    if artifacts is None or artifacts.startswith("s3://"):
        return artifacts
    path = Path(artifacts).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def _runs_dir(file: Settings, data_dir: Path) -> Path:
    """Where run folders are written: `artifacts` when it is a folder (`runs_dir` is its older name),
    else `<data_dir>/runs`, which for an S3 store is where a run writes before its folder is uploaded."""
    local = None if file.artifacts is None or file.artifacts.startswith("s3://") else Path(file.artifacts)
    if local is not None and file.runs_dir is not None and local != file.runs_dir:
        raise BadInputError(
            f"artifacts ({local}) and runs_dir ({file.runs_dir}) name two folders: keep artifacts only"
        )
    return local or file.runs_dir or data_dir / "runs"  # in the data folder: `report` finds them anywhere


class CommandLine(BaseModel):
    """What the command line says about settings: None (or False) where it says nothing."""

    model_config = ConfigDict(frozen=True)

    config: Path | None = None
    data_dir: Path | None = None
    selectors_dir: Path | None = None
    headed: bool = False
    slow_mo_ms: int | None = None
    trace: TraceMode | None = None
    pause_on_error: bool = False


class ResolvedSettings(Settings):
    """Every setting after precedence, for one command; the folders are absolute and always set."""

    data_dir: Path
    runs_dir: Path
    selectors_dir: Path
    config_file: Path | None = None
    """The settings file read, if any."""
    source: InstanceOf[YamlDocument] | None = Field(default=None, repr=False)
    """That file as read (places of values), for messages that give its line."""
    environ: Mapping[str, str] = Field(default_factory=dict, repr=False)
    """The process environment, for secret references (`{env: NAME}`) and the browser."""
    retry_scale: float | None = None

    @property
    def log_file(self) -> Path:
        return self.data_dir / LOG_FILE


T = TypeVar("T")


def _first(*values: T | None) -> T | None:
    """The strongest value given: callers list the sources strongest first."""
    return next((v for v in values if v is not None), None)


def resolve_settings(
    environ: Mapping[str, str], given: CommandLine, *, read_file: bool = True
) -> ResolvedSettings:
    """Apply the precedence once: command line, then environment, then settings file, then default.

    `read_file=False` (the sandbox's commands, a program apart from the agent) reads no settings file.
    """
    env = Environment.from_mapping(environ)
    path, given_by = _settings_file(given.config, env.config) if read_file else (None, None)
    file, source = load_settings(path, given_by=given_by) if path is not None else (Settings(), None)
    data_dir = _first(given.data_dir, env.data_dir, file.data_dir) or default_data_dir(environ)
    data_dir = data_dir.expanduser().resolve()
    runs_dir = _runs_dir(file, data_dir)
    selectors_dir = _first(given.selectors_dir, file.selectors_dir) or REPO_SELECTORS
    overrides = {  # over the file's browser settings: SC_CANCEL_CHROMIUM, then the command line's options
        "executable": env.chromium,
        "headless": False if given.headed else None,
        "slow_mo_ms": given.slow_mo_ms,
        "trace": given.trace,
        "pause_on_error": True if given.pause_on_error else None,
    }
    browser: BrowserSettings = file.browser.model_copy(
        update={k: v for k, v in overrides.items() if v is not None}
    )
    return ResolvedSettings.model_validate(
        {
            **dict(file),
            "data_dir": data_dir,
            "runs_dir": runs_dir.expanduser().resolve(),
            "selectors_dir": selectors_dir.expanduser().resolve(),
            "browser": browser,
            "config_file": path,
            "source": source,
            "environ": dict(environ),
            "retry_scale": env.retry_scale,
        }
    )


def _settings_file(option: Path | None, from_env: Path | None) -> tuple[Path | None, str | None]:
    """Which settings file, and what named it: --config, else SC_CANCEL_CONFIG, else ./sc-cancel.yaml."""
    if option is not None:
        return option, "--config"
    if from_env is not None:
        return from_env, "SC_CANCEL_CONFIG"
    return (DEFAULT_SETTINGS_FILE, None) if DEFAULT_SETTINGS_FILE.is_file() else (None, None)
