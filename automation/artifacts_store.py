"""Run folders kept off the machine: an S3-compatible bucket (`artifacts: s3://bucket/prefix`), through boto3.

A run writes its folder on the machine as always (`<data_dir>/runs/<run-id>/`: Playwright writes traces
and screenshots to file paths, and the report page embeds the screenshots from there). Once the report is
written, the finished folder is uploaded under `prefix/<run-id>/` and removed. Uploading the finished
folder, rather than writing each file through to the bucket, keeps the run's own work apart from the
store: a store that is down or refuses the credentials costs no cancellation and loses nothing. The
folder stays on the machine, marked as pending, the command ends with exit code 11 naming the setting,
and the next run uploads it. `sc-cancel report` reads the bucket into a local cache; the retention rules
prune the bucket by count and age, and strip evidence past `retention_days`, as they do a local folder.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from loguru import logger

from automation.errors import ArtifactStoreError
from automation.redact import REDACTOR
from automation.report.model import RunReport
from automation.report.render_html import render_html
from automation.report.write import HTML_NAME, JSON_NAME
from automation.settings import ResolvedSettings, resolve_secret

PENDING_MARK = ".upload-pending"
"""Left in a run folder whose upload failed: the next run's upload takes it too."""
CACHE = Path("cache") / "artifacts"
"""Under the data folder: the copies of reports `sc-cancel report` read from the bucket."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    relative: str
    """The path inside the run folder."""
    modified: float
    """When it was uploaded (a timestamp)."""


@dataclass
class S3Store:
    """One bucket and prefix; `staging` is the local runs folder a run writes into before upload."""

    bucket: str
    prefix: str
    client: Any
    staging: Path
    cache: Path
    endpoint: str | None = None
    failures: list[ArtifactStoreError] = field(default_factory=list)
    """Uploads that failed during this command, for its exit code."""

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def failed_since(self, count: int = 0) -> ArtifactStoreError | None:
        """The last upload failure after the first `count` of this command, if any (exit code 11)."""
        return self.failures[-1] if len(self.failures) > count else None

    def key(self, run_id: str, relative: str) -> str:
        return f"{self.prefix}{run_id}/{relative}"

    def location(self, run_id: str, relative: str) -> str:
        """Where a file of a run folder is once uploaded, as an operator names it: s3://bucket/key."""
        return f"s3://{self.bucket}/{self.key(run_id, relative)}"

    def waiting(self) -> list[Path]:
        """The run folders on this machine whose upload failed, oldest first: the next run sends them."""
        if not self.staging.is_dir():
            return []
        return sorted(p for p in self.staging.iterdir() if (p / PENDING_MARK).is_file())

    # ---- upload ----

    def publish(self, folder: Path) -> bool:
        """Upload `folder`, then any folder an earlier upload left pending, removing each once sent.
        Never raises: a failure is logged, kept in `failures`, and the folder stays (marked pending)."""
        pending = [p for p in self.waiting() if p != folder]
        for each in [folder, *pending]:
            try:
                sent = self._upload(each)
            except ArtifactStoreError as exc:
                self.failures.append(exc)
                with contextlib.suppress(OSError):
                    (each / PENDING_MARK).touch(mode=0o600)
                logger.error("{}; the run folder stays in {} and the next run uploads it", exc, each)
                return False
            if sent:
                shutil.rmtree(each, ignore_errors=True)
                # Said at INFO: the paths logged during the run (trace, screenshots) are gone from here.
                logger.info(
                    "run folder stored in {} (sc-cancel report {} opens it)",
                    self.location(each.name, ""),
                    each.name,
                )
        return True

    def _upload(self, folder: Path) -> bool:
        """Put every file of `folder` (but the marks); False when another process took it meanwhile."""
        files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
        for path in files:
            relative = path.relative_to(folder).as_posix()
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            try:
                with path.open("rb") as body:
                    self._call(
                        "upload",
                        self.client.put_object,
                        Bucket=self.bucket,
                        Key=self.key(folder.name, relative),
                        Body=body,
                        ContentType=content_type,
                    )
            except FileNotFoundError:
                return False  # another run's upload of this pending folder finished first
        return True

    # ---- reading ----

    def runs(self) -> dict[str, list[StoredObject]]:
        """Every run folder in the bucket, by run id."""
        found: dict[str, list[StoredObject]] = {}
        pages = self._call("list", lambda: list(self._pages()))
        for page in pages:
            for item in page.get("Contents", ()):
                rest = item["Key"][len(self.prefix) :]
                run_id, _, relative = rest.partition("/")
                if run_id and relative and not run_id.startswith("."):  # never a path out of the cache
                    found.setdefault(run_id, []).append(
                        StoredObject(item["Key"], relative, item["LastModified"].timestamp())
                    )
        return found

    def _pages(self) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        yield from paginator.paginate(Bucket=self.bucket, Prefix=self.prefix)

    def read(self, key: str) -> bytes:
        answer = self._call("read", self.client.get_object, Bucket=self.bucket, Key=key)
        return bytes(answer["Body"].read())

    def mirror_reports(self) -> Path:
        """The cache folder holding every stored run's report.json (the listing `report` reads); runs
        gone from the bucket are dropped from it."""
        self.cache.mkdir(parents=True, exist_ok=True, mode=0o700)
        runs = self.runs()
        for run_id, objects in runs.items():
            if any(o.relative == JSON_NAME for o in objects):
                target = self.cache / run_id / JSON_NAME
                if not target.is_file():  # a stored report.json never changes
                    _write_private(target, self.read(self.key(run_id, JSON_NAME)))
        for old in self.cache.iterdir():
            if old.is_dir() and old.name not in runs:
                shutil.rmtree(old, ignore_errors=True)
        return self.cache

    def fetch_html(self, run_id: str) -> Path:
        """The run's report.html copied into the cache (again: retention may have rewritten it)."""
        target = self.cache / run_id / HTML_NAME
        names = {o.relative for o in self.runs().get(run_id, [])}
        if HTML_NAME in names:
            _write_private(target, self.read(self.key(run_id, HTML_NAME)))
        return target

    # ---- retention ----

    def prune(self, *, keep: int, max_age_days: int, now: float) -> list[str]:
        """Delete stored runs beyond the newest `keep`, and any uploaded more than `max_age_days` ago."""
        runs = self.runs()
        newest = sorted(runs, key=lambda r: (max(o.modified for o in runs[r]), r), reverse=True)
        removed = []
        for index, run_id in enumerate(newest):
            too_old = now - max(o.modified for o in runs[run_id]) > max_age_days * 86400
            if index >= keep or too_old:
                self._delete([o.key for o in runs[run_id]])
                removed.append(run_id)
        return removed

    def purge_evidence(
        self, personal: frozenset[str], *, cutoff: float, now: datetime
    ) -> tuple[list[str], list[str]]:
        """Delete stored evidence files (suffixes in `personal`) uploaded before `cutoff`; an old
        report page is written again from report.json, without the screenshots it embedded. Returns the
        keys removed and the keys rewritten."""
        removed: list[str] = []
        rewritten: list[str] = []
        for run_id, objects in self.runs().items():
            names = {o.relative for o in objects}
            old = [
                o
                for o in objects
                if o.modified < cutoff
                and Path(o.relative).suffix.lower() in personal
                and o.relative != JSON_NAME
            ]
            html = [o for o in old if o.relative == HTML_NAME]
            gone = [o.key for o in old if o.relative != HTML_NAME or JSON_NAME not in names]
            self._delete(gone)
            removed += gone
            if html and JSON_NAME in names:
                self._rewrite_html(run_id, now)
                rewritten.append(self.key(run_id, HTML_NAME))
        return removed, rewritten

    def _rewrite_html(self, run_id: str, now: datetime) -> None:
        report = RunReport.model_validate_json(self.read(self.key(run_id, JSON_NAME)))
        with tempfile.TemporaryDirectory() as empty:  # no evidence left to embed
            page = render_html(report, Path(empty), generated_at=now)
        self._call(
            "rewrite",
            self.client.put_object,
            Bucket=self.bucket,
            Key=self.key(run_id, HTML_NAME),
            Body=page.encode("utf-8"),
            ContentType="text/html",
        )

    def _delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            batch = [{"Key": k} for k in keys[start : start + 1000]]
            self._call(
                "delete",
                self.client.delete_objects,
                Bucket=self.bucket,
                Delete={"Objects": batch, "Quiet": True},
            )

    def _call(self, doing: str, function: Any, *args: Any, **kwargs: Any) -> Any:
        """Call boto3, turning its failures into an `ArtifactStoreError` that names the setting to fix."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return function(*args, **kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise ArtifactStoreError(store_problem(exc, self, doing)) from None


def store_problem(exc: Exception, store: S3Store, doing: str) -> str:  # noqa: PLR0911 (one message per case)
    """What went wrong with the store, naming the setting to check; never a credential."""
    from botocore.exceptions import (
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        ReadTimeoutError,
    )

    where = store.endpoint or "AWS S3"
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        return (
            f"artifacts_endpoint: cannot {doing} {store.url}: nothing answers at {where}; "
            "is artifacts_endpoint right?"
        )
    if isinstance(exc, NoCredentialsError):
        return (
            f"artifacts_access_key: no credentials for {store.url}: set artifacts_access_key and "
            "artifacts_secret_key (references such as {env: NAME}), or give the machine a role"
        )
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", "")) or str(
            exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        )
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken"):
            return (
                f"artifacts_access_key / artifacts_secret_key: {where} refused the credentials ({code}) "
                f"when asked to {doing} {store.url}; check the values the references point at"
            )
        if code in ("AccessDenied", "403", "AllAccessDisabled"):
            return (
                f"artifacts_access_key: access denied to {store.url} ({code}); the key needs s3:ListBucket, "
                "s3:GetObject, s3:PutObject and s3:DeleteObject on it"
            )
        if code in ("NoSuchBucket", "404"):
            return f"artifacts: there is no bucket '{store.bucket}' at {where}; create it or fix the setting"
        return f"artifacts: {where} answered {code} when asked to {doing} {store.url}"
    return f"artifacts: cannot {doing} {store.url}: {REDACTOR(str(exc))}"


def _write_private(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def open_store(settings: ResolvedSettings) -> S3Store | None:
    """The S3 store the settings name (None: run folders stay in the local folder). Its credentials are
    fetched now, so a missing one stops the command before any browser (exit code 2), and are registered
    with the redactor, so no log line can carry them."""
    if settings.artifacts is None or not settings.artifacts.startswith("s3://"):
        return None
    import boto3
    from botocore.config import Config

    bucket, _, prefix = settings.artifacts[len("s3://") :].partition("/")
    prefix = prefix.strip("/")
    keys: dict[str, str] = {}
    if settings.artifacts_access_key is not None and settings.artifacts_secret_key is not None:
        for name, ref in (
            ("aws_access_key_id", settings.artifacts_access_key),
            ("aws_secret_access_key", settings.artifacts_secret_key),
        ):
            setting = "artifacts_access_key" if name == "aws_access_key_id" else "artifacts_secret_key"
            value = resolve_secret(ref, settings.environ, setting).get_secret_value()
            REDACTOR.add(value, setting)
            keys[name] = value
    client = boto3.client(
        "s3",
        endpoint_url=settings.artifacts_endpoint,
        region_name=settings.artifacts_region or "us-east-1",
        config=Config(
            connect_timeout=5,
            read_timeout=60,
            retries={"max_attempts": 3, "mode": "standard"},
            s3={"addressing_style": "path"} if settings.artifacts_endpoint else {},
        ),
        **keys,
    )
    return S3Store(
        bucket=bucket,
        prefix=f"{prefix}/" if prefix else "",
        client=client,
        staging=settings.runs_dir,
        cache=settings.data_dir / CACHE,
        endpoint=settings.artifacts_endpoint,
    )
