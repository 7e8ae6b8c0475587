"""Run artifacts in an S3 bucket, end to end: a real `sc-cancel run` against the sandbox whose report, page
and evidence land in moto's S3 server on loopback, `sc-cancel report` reading them back, and a wrong key
that loses nothing (exit 11 naming the setting, the run's work done, its folder sent by the next run)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from run_support import (
    AUTO_CANCEL_OFFICIAL,
    Agent,
    SandboxMaker,
    accepted_cancellations,
    make_sandbox,
    order,
    rules,
    write_yaml,
)
from s3_server import S3Server
from scenario_kit import PASSWORD, order_id, scenario

__all__ = ["make_sandbox"]  # the fixture, used by name

KEY_VAR, SECRET_VAR = "SC_TEST_S3_KEY", "SC_TEST_S3_SECRET"


def test_a_run_stores_its_folder_in_the_bucket_and_a_wrong_key_loses_nothing(
    tmp_path: Path, make_sandbox: SandboxMaker, s3_server: S3Server
) -> None:
    data = scenario([order(1, request="Order Created by Mistake"), order(2)])
    sandbox = make_sandbox(data)
    bucket = s3_server.make_bucket("browser-runs")
    config = write_yaml(
        tmp_path / "sc-cancel.yaml",
        {"format": 1, **s3_server.settings(bucket, "shop", KEY_VAR, SECRET_VAR)},
    )
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    agent = Agent(tmp_path, sandbox)
    wrong = {KEY_VAR: s3_server.access_key, SECRET_VAR: "wrong-secret-key-for-the-test"}
    right = {KEY_VAR: s3_server.access_key, SECRET_VAR: s3_server.secret_key}

    # A wrong secret key: the cancellation still happens, the command says which setting to check and
    # exits 11, and the run's folder (report included) stays on the machine.
    first = agent(
        "run", "--json", "--execute", "--rules", str(rules_file), "--config", str(config), env=wrong
    )

    assert first.returncode == 11, first.stderr
    assert accepted_cancellations(sandbox.state()) == [order_id(1)]
    assert first.json()["requests"][0]["outcome"] == "done"
    assert "artifacts_access_key / artifacts_secret_key" in first.stderr
    assert "wrong-secret-key" not in first.stderr
    kept = [p.parent for p in (agent.data_dir / "runs").glob("*/report.json")]
    assert len(kept) == 1
    assert s3_server.keys(bucket) == []

    # Fixed: the next run uploads its own folder and the one left behind, and keeps nothing here. It
    # meets a changed page (exit 4): its message names the screenshot where it now is, in the bucket.
    changed = make_sandbox({**data, "faults": {"changed_layout": True}}, name="changed.yaml")
    second = Agent(tmp_path, changed)("scan", "--trace", "on", "--config", str(config), env=right)

    assert second.returncode == 4, second.stderr
    keys = s3_server.keys(bucket)
    runs = {key.split("/")[1] for key in keys}
    named = re.search(
        rf"\(screenshot: s3://{bucket}/(shop/[^/]+/error-\w+\.png); `sc-cancel report ", second.stderr
    )
    assert named, second.stderr
    assert named.group(1) in keys
    run_id = named.group(1).split("/")[1]
    assert f"run folder stored in s3://{bucket}/shop/{run_id}/ (sc-cancel report {run_id}" in second.stderr
    assert kept[0].name in runs
    assert len(runs) == 2
    assert any(key.endswith("/trace.zip") for key in keys)
    assert sum(key.endswith("/report.json") for key in keys) == 2
    assert list((agent.data_dir / "runs").glob("*/report.json")) == []

    # `report` reads the bucket: both runs listed, the latest opened from its copy.
    listing = agent("report", "--config", str(config), target=False, env=right)
    assert listing.returncode == 0, listing.stderr
    assert all(run_id in listing.stdout for run_id in runs)
    latest = agent("report", "--latest", "--config", str(config), target=False, env=right)
    assert latest.returncode == 0, latest.stderr
    page = Path(latest.stdout.strip())
    assert page.parent.name in runs
    assert page.parent.name != kept[0].name
    assert page.parent.name in page.read_text(encoding="utf-8")  # the page of that run
    stored = json.loads(
        s3_server.client().get_object(Bucket=bucket, Key=f"shop/{kept[0].name}/report.json")["Body"].read()
    )
    assert stored["status"] == "ok"
    # No credential in any stored object.
    for key in keys:
        body = s3_server.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        for secret in (s3_server.secret_key, s3_server.access_key, PASSWORD):
            assert secret.encode() not in body, key
