"""Secret references resolved: a password, TOTP secret or notification URL fetched at the moment it is
needed, from the environment mapping the command was given, a file only its owner may read, or the OS
keyring. Messages name the setting (and its file and line), never the secret.
"""

from __future__ import annotations

import base64
import binascii
import re
import stat
from collections.abc import Mapping
from pathlib import Path

from pydantic import SecretStr

from automation.errors import BadInputError
from automation.settings.references import EnvSecret, FileSecret, SecretRef


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
