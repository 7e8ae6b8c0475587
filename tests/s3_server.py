"""A real S3 endpoint for the artifact store's tests: moto's server (`moto_server`) on a free loopback port,
in its own process, checking credentials.

Why a process and not the in-process mock: the agent talks to it over HTTP exactly as it would to MinIO
or AWS, through its own boto3 client in its own process. Why credentials are checked: moto accepts any
key unless `INITIAL_NO_AUTH_ACTION_COUNT` is set; here the first three calls (create a user, its key,
its policy) go unchecked, and every later call must be signed with that user's key, so a wrong key is
refused as a real store would refuse it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from server_kit import free_port, stop_child, wait_until_answering

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
REGION = "us-east-1"
START_TIMEOUT_S = 30.0
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str

    def client(self, *, secret_key: str | None = None) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
        )

    def make_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def settings(self, bucket: str, prefix: str, key_var: str, secret_var: str) -> dict[str, Any]:
        """The settings keys pointing the agent at this server, credentials as environment references."""
        return {
            "artifacts": f"s3://{bucket}/{prefix}",
            "artifacts_endpoint": self.endpoint,
            "artifacts_access_key": {"env": key_var},
            "artifacts_secret_key": {"env": secret_var},
        }


def _answers(endpoint: str) -> bool:
    try:
        urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
    except OSError:
        return False
    return True


@contextlib.contextmanager
def running_s3_server(workdir: Path) -> Iterator[S3Server]:
    """Start moto's server on 127.0.0.1, make a user whose key every later call must carry, stop after."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3", "AWS_DEFAULT_REGION": REGION}
    log = (workdir / "moto.log").open("wb")
    process = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    try:
        wait_until_answering(
            lambda: _answers(endpoint),
            process,
            what=f"moto_server at {endpoint}",
            timeout=START_TIMEOUT_S,
            log=lambda: (workdir / "moto.log").read_text(errors="replace"),
        )
        iam = boto3.client(
            "iam", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
        )
        iam.create_user(UserName="sc-cancel")
        key = iam.create_access_key(UserName="sc-cancel")["AccessKey"]
        iam.put_user_policy(UserName="sc-cancel", PolicyName="all", PolicyDocument=json.dumps(ALLOW_ALL))
        yield S3Server(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    finally:
        stop_child(process)
        log.close()
