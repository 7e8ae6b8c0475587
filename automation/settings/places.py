"""Where a setting points: the URLs and places a settings file names (a mail host, the ledger, the
broker, the run artifacts), checked for shape and for a password written where it does not belong.

Apart from the models so that code which only needs to check a URL (the Celery app, the ledger's
engine) takes these few functions without the whole settings schema.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    """`localhost`, 127.0.0.0/8 or ::1."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_broker_url(url: str) -> str:
    """A Redis URL (`redis://`, `rediss://` or `unix://`), with no password written in it: a password
    travels in a secret reference to the whole URL, since settings files get copied and printed."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"'{url}' is not a Redis URL like redis://127.0.0.1:6379/0")
    if parts.password:
        raise ValueError(
            "the URL contains a password; give the whole URL as a secret reference instead, e.g. "
            "broker_url: {env: SC_CANCEL_BROKER_URL}"
        )
    return url


def check_ledger_url(url: str) -> str:
    """`ledger_url`: a SQLite or PostgreSQL URL with no password in it (that goes in ledger_password, a
    secret reference), since settings files get copied and printed."""
    parts = urlsplit(url)
    if parts.scheme.split("+")[0] not in ("sqlite", "postgresql"):
        raise ValueError(
            f"'{url}' is not a ledger URL like sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        )
    if parts.password:
        raise ValueError(
            "the URL contains a password; remove it and give it as ledger_password, a secret reference "
            "such as {env: SC_CANCEL_LEDGER_PASSWORD}"
        )
    return url


S3_ONLY_SETTINGS = ("artifacts_endpoint", "artifacts_region", "artifacts_access_key", "artifacts_secret_key")
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def check_artifacts_place(value: str) -> None:
    """`artifacts`: a folder, or `s3://bucket[/prefix]` with a valid bucket name (ValueError otherwise)."""
    if not value.strip():
        raise ValueError("give a folder or s3://bucket/prefix")
    if "://" not in value:
        return
    if not value.startswith("s3://"):
        raise ValueError(f"'{value}': only s3:// URLs are stores; otherwise give a folder")
    bucket = value[len("s3://") :].split("/", 1)[0]
    if not _BUCKET_RE.match(bucket):
        raise ValueError(
            f"'{bucket}' is not an S3 bucket name (3-63 lower-case letters, digits, dots and dashes)"
        )
