"""Recordings: `record` captures a scan of the sandbox, `scrub` promotes it without secrets or buyer
data, and `scan --replay` runs offline from it to the result captured; the committed recording replays
with no sandbox running at all."""

from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from error_document import error_document
from test_trace import PASSWORD, run_cli, write_yaml

from automation.runtime import Runtime

REPO = Path(__file__).resolve().parents[2]
RECORDING = REPO / "recordings" / "scan" / "demo-small"
VARYING = ("scanned_at",)


@pytest.fixture(autouse=True)
def _runner_wired() -> None:
    """`scan --replay` and `record` need the runner to pass `replay_har` and `capture` to the session."""
    fields = Runtime.__dataclass_fields__
    assert "replay_har" in fields, "runner.Runtime lacks replay_har: apply the issue-5 runner wiring"
    assert "capture" in fields, "runner.Runtime lacks capture: apply the issue-5 runner wiring"


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    """The scan document without what differs between two scans of the same pages (time taken)."""
    stats = {k: v for k, v in document["stats"].items() if k != "seconds"}
    return {**{k: v for k, v in document.items() if k not in VARYING}, "stats": stats}


def replay(workdir: Path, recording: Path) -> tuple[int, dict[str, Any] | None, str]:
    done = run_cli(workdir, "scan", "--replay", str(recording), "--json")
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else None, done.stderr


def test_the_committed_recording_replays_offline_to_its_expected_result(tmp_path: Path) -> None:
    expected = json.loads((RECORDING / "expected.json").read_text(encoding="utf-8"))
    # The recording covers both channels and both kinds, so a replay exercises every parser.
    assert {s for r in expected["requests"] for s in r["sources"]} == {"manage_orders", "messages"}
    assert {r["kind"] for r in expected["requests"]} == {"official", "inquiry"}
    meta = yaml.safe_load((RECORDING / "meta.yaml").read_text(encoding="utf-8"))
    assert meta["scrubbed"] is True
    assert meta["source"] == "sandbox (scrubbed)"

    code, document, stderr = replay(tmp_path / "work", RECORDING)
    assert code == 0, stderr[-3000:]
    assert document is not None
    assert comparable(document) == comparable(expected)
    assert "sandbox" not in stderr.lower().replace("(scrubbed)", "")  # no sandbox was started


def test_a_request_missing_from_the_recording_is_aborted_never_fetched(tmp_path: Path) -> None:
    recording = tmp_path / "recording"
    shutil.copytree(RECORDING, recording)
    har = json.loads((recording / "network.har").read_text(encoding="utf-8"))
    entries = har["log"]["entries"]
    har["log"]["entries"] = [e for e in entries if "/messaging/api/threads?" not in e["request"]["url"]]
    assert len(har["log"]["entries"]) < len(entries)
    (recording / "network.har").write_text(json.dumps(har), encoding="utf-8")
    config = write_yaml(tmp_path / "settings.yaml", {"format": 1, "browser": {"timeout_seconds": 3}})
    done = run_cli(
        tmp_path / "work",
        *("scan", "--replay", str(recording), "--json", "--config", str(config)),
        env={"SC_CANCEL_RETRY_SCALE": "0.05"},  # the same tries, less waiting between them
    )
    assert done.returncode == 5, done.stderr[-3000:]  # the site "kept failing": nothing was fetched
    error_document(done.stdout, 5)


def test_record_then_scrub_then_replay(tmp_path: Path) -> None:
    scenario = write_yaml(
        tmp_path / "scenario.yaml", yaml.safe_load((RECORDING / "scenario.yaml").read_text())
    )
    work = tmp_path / "work"
    done = run_cli(work, "record", "--scenario", str(scenario), "--name", "round-trip")
    assert done.returncode == 0, done.stderr[-3000:]
    (capture,) = (work / "data" / "runs").glob("*/capture")
    assert {p.name for p in capture.iterdir()} >= {
        "network.har",
        "trace.zip",
        "expected.json",
        "capture.yaml",
        "selectors-check.json",
    }
    assert stat.S_IMODE(capture.stat().st_mode) == 0o700
    assert stat.S_IMODE((capture / "network.har").stat().st_mode) == 0o600
    raw = (capture / "network.har").read_text(encoding="utf-8")
    assert "Marco Bellini" in raw  # a capture is not scrubbed yet
    assert "session-token=" in raw
    with zipfile.ZipFile(capture / "trace.zip") as trace:
        assert "trace.trace" in trace.namelist()

    done = run_cli(work, "scrub", str(capture), "--recordings", str(tmp_path / "recordings"))
    assert done.returncode == 0, done.stderr[-3000:]
    recording = tmp_path / "recordings" / "scan" / "round-trip"
    assert sorted(p.name for p in recording.iterdir()) == [
        "expected.json",
        "meta.yaml",
        "network.har",
        "scenario.yaml",
    ]
    clean = (recording / "network.har").read_text(encoding="utf-8")
    buyers = [o["buyer_name"] for o in yaml.safe_load(scenario.read_text())["orders"]]
    for secret in [
        *buyers,
        "marco.bellini@mail.example",
        "206 555 0142",
        "session-token=",
        "seller@example.com",
    ]:
        assert secret not in clean, secret
    for text in (clean, (recording / "expected.json").read_text(), (recording / "meta.yaml").read_text()):
        assert PASSWORD not in text
    meta = yaml.safe_load((recording / "meta.yaml").read_text(encoding="utf-8"))
    assert meta["page_key"] == "scan"
    assert meta["name"] == "round-trip"
    assert meta["account"] == "seller@example.invalid"
    assert meta["selectors_verified_on"]["manage_orders"] == "2026-11-26"

    code, document, stderr = replay(tmp_path / "replay", recording)
    assert code == 0, stderr[-3000:]
    assert document is not None
    expected = json.loads((recording / "expected.json").read_text(encoding="utf-8"))
    assert comparable(document) == comparable(expected)
    assert len(expected["requests"]) == 5


def test_scrub_refuses_to_overwrite_and_names_bad_input(tmp_path: Path) -> None:
    recordings = tmp_path / "recordings"
    (recordings / "scan" / "demo-small").mkdir(parents=True)
    capture = tmp_path / "capture"
    capture.mkdir()
    done = run_cli(tmp_path / "work", "scrub", str(capture), "--page-key", "scan", "--name", "x")
    assert done.returncode == 2
    assert "network.har is missing" in done.stderr
    for name in ("network.har", "capture.yaml"):
        shutil.copyfile(RECORDING / ("network.har" if name == "network.har" else "meta.yaml"), capture / name)
    args = (
        "scrub",
        str(capture),
        "--page-key",
        "scan",
        "--name",
        "demo-small",
        "--recordings",
        str(recordings),
    )
    done = run_cli(tmp_path / "work", *args)
    assert done.returncode == 2
    assert "exists; pass --force" in done.stderr
    done = run_cli(tmp_path / "work", "scrub", str(capture), "--page-key", "Scan Page", "--name", "x")
    assert done.returncode == 2
    assert "--page-key 'Scan Page'" in done.stderr


def test_replay_refuses_a_bad_recording_naming_the_file(tmp_path: Path) -> None:
    recording = tmp_path / "recording"
    shutil.copytree(RECORDING, recording)
    meta = recording / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    code, document, stderr = replay(tmp_path / "work", recording)
    assert code == 2
    assert document is not None
    assert set(document) == {"format", "error"}, "an error, never a result"
    assert document["error"]["exit_code"] == 2
    assert f"{meta}:" in stderr
    assert "colour" in stderr
    os.remove(recording / "network.har")
    code, _document, stderr = replay(tmp_path / "work", recording)
    assert code == 2
    assert "network.har is missing" in stderr
    done = run_cli(tmp_path / "work", "scan", "--replay", str(RECORDING), "--scenario", str(meta))
    assert done.returncode == 2
    assert "drop --scenario" in done.stderr
