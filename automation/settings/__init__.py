"""Settings: what a settings file may say (`model`; `references` for how it points at a secret,
`places` for the URLs it names), its secret references resolved when needed
(`secrets`), and the precedence defaults < settings file < environment < command line applied once
(`resolve`). The one package that reads the settings file and the environment.
"""

from automation.settings.model import (
    Account,
    BrowserSettings,
    Mailbox,
    Marketplace,
    Notifications,
    Schedule,
    Settings,
    TraceMode,
    parse_duration,
)
from automation.settings.references import (
    REFERENCE_FORMS,
    EnvSecret,
    FileSecret,
    KeyringRef,
    KeyringSecret,
    SecretRef,
)
from automation.settings.resolve import (
    DEFAULT_SETTINGS_FILE,
    REPO_SELECTORS,
    CommandLine,
    Environment,
    ResolvedSettings,
    default_data_dir,
    load_settings,
    resolve_settings,
)
from automation.settings.secrets import describe_ref, normalize_totp_secret, resolve_secret

__all__ = [
    "DEFAULT_SETTINGS_FILE",
    "REFERENCE_FORMS",
    "REPO_SELECTORS",
    "Account",
    "BrowserSettings",
    "CommandLine",
    "EnvSecret",
    "Environment",
    "FileSecret",
    "KeyringRef",
    "KeyringSecret",
    "Mailbox",
    "Marketplace",
    "Notifications",
    "ResolvedSettings",
    "Schedule",
    "SecretRef",
    "Settings",
    "TraceMode",
    "default_data_dir",
    "describe_ref",
    "load_settings",
    "normalize_totp_secret",
    "parse_duration",
    "resolve_secret",
    "resolve_settings",
]
