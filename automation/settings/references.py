"""Secret references: how a settings file points at a secret (`{env: NAME}`, `{file: PATH}`,
`{keyring: {service, username}}`) without holding it. The models here only check the reference's
shape; `settings.secrets` resolves one when it is needed.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from automation.strict_model import StrictModel as _Strict


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


def secret_reference(value: object) -> object:
    """A secret's setting: only a reference, never the secret written out (`reference_shape` checks
    the reference), for every key that holds one."""
    if isinstance(value, str):
        raise ValueError(f"secrets never go in the settings file; write {REFERENCE_FORMS}")
    return reference_shape(value)
