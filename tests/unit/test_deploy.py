"""The deployment files, checked as far as this machine allows: the systemd units by `systemd-analyze verify`,
the Dockerfile and the Kubernetes manifests by reading them (no Docker or cluster here). Every command
they run must parse with our own command line, and every file they copy must exist."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from automation.browser.chromium import HEADLESS_SHELLS
from automation.cli import build_parser
from automation.settings import EnvSecret, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SC_CANCEL = ROOT / ".venv" / "bin" / "sc-cancel"
DATA_DIR = "/var/lib/sc-cancel"


def parses(argv: list[str]) -> None:
    """`sc-cancel ARGS...` must be a command our parser accepts (argparse exits 2 otherwise)."""
    assert Path(argv[0]).name == "sc-cancel", argv
    build_parser().parse_args(argv[1:])


# ---- systemd ----


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def test_the_systemd_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    # The units name the installed path; verify checks that ExecStart is executable, so point a copy
    # at this checkout's own sc-cancel.
    for name in ("sc-cancel.service", "sc-cancel.timer"):
        text = (DEPLOY / "systemd" / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("/opt/sc-cancel/.venv/bin/sc-cancel", str(SC_CANCEL)))
    done = subprocess.run(
        [analyze, "verify", str(tmp_path / "sc-cancel.service"), str(tmp_path / "sc-cancel.timer")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # unknown keys are only warnings: none allowed


def test_the_service_runs_one_round_as_a_hardened_non_root_user() -> None:
    service = unit("sc-cancel.service")["Service"]
    argv = shlex.split(service["ExecStart"])
    parses(argv)
    assert argv[1:4] == ["schedule", "--once", "--execute"]
    assert service["Type"] == "oneshot"
    assert service["User"] not in ("root", "0")
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "StateDirectory": "sc-cancel",
        "CapabilityBoundingSet": "",
    }.items():
        assert service[key] == value, key
    assert "MemoryDenyWriteExecute" not in service  # Chromium's JIT needs it off
    environment = (DEPLOY / "systemd" / "sc-cancel.service").read_text(encoding="utf-8")
    assert f"Environment=SC_CANCEL_DATA_DIR={DATA_DIR}\n" in environment  # the parser keeps the last
    timer = unit("sc-cancel.timer")
    assert timer["Timer"]["Unit"] == "sc-cancel.service"
    assert timer["Timer"]["Persistent"] == "true"


# ---- Dockerfile ----


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of each instruction, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", "\n".join(x for x in text.splitlines() if not x.lstrip().startswith("#")))
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
        for line in joined.splitlines()
        if line.strip()
    ]


def test_the_dockerfile_is_debian_bookworm_with_the_headless_shell_and_runs_as_non_root() -> None:
    steps = dockerfile()
    base = [args for op, args in steps if op == "FROM"]
    assert len(base) == 1
    assert base[0].startswith("debian:bookworm")
    installs = " ".join(args for op, args in steps if op == "RUN" and "apt-get install" in args)
    assert "chromium-headless-shell" in installs.split()
    user = [args for op, args in steps if op == "USER"][-1].split(":")[0]
    assert user not in ("root", "0")
    env = " ".join(args for op, args in steps if op == "ENV")
    chromium = re.search(r"SC_CANCEL_CHROMIUM=(\S+)", env)
    assert chromium is not None
    assert chromium.group(1) in HEADLESS_SHELLS
    assert f"SC_CANCEL_DATA_DIR={DATA_DIR}" in env


def test_the_dockerfile_writes_only_to_its_volumes_and_runs_our_commands() -> None:
    steps = dockerfile()
    volumes = next(json_list(args) for op, args in steps if op == "VOLUME")
    assert set(volumes) == {DATA_DIR, "/tmp"}
    env = " ".join(args for op, args in steps if op == "ENV")
    # Every place it writes at run time (home, caches, the data folder) is on a volume.
    for name in ("HOME", "XDG_CACHE_HOME", "SC_CANCEL_DATA_DIR"):
        value = re.search(rf"{name}=(\S+)", env)
        assert value is not None, name
        assert any(value.group(1).startswith(v) for v in volumes), name
    # What it copies exists here.
    for op, args in steps:
        if op == "COPY":
            *sources, _ = args.split()
            for source in sources:
                assert (ROOT / source).exists(), source
    entry = json_list(next(args for op, args in steps if op == "ENTRYPOINT"))
    command = json_list(next(args for op, args in steps if op == "CMD"))
    assert entry[-1] == "sc-cancel"
    parses([entry[-1], *command])


def json_list(text: str) -> list[str]:
    value = yaml.safe_load(text)  # the exec form is a JSON list, which YAML reads too
    assert isinstance(value, list), text
    return [str(v) for v in value]


# ---- Kubernetes ----


def manifests() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            assert {"apiVersion", "kind", "metadata"} <= set(document), path
            found[f"{document['kind']}/{document['metadata']['name']}"] = document
    return found


def pod_spec(manifest: dict[str, Any]) -> dict[str, Any]:
    if manifest["kind"] == "CronJob":
        return dict(manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    return dict(manifest["spec"]["template"]["spec"])


def test_the_manifests_hold_a_worker_a_beat_and_a_forbid_cronjob_running_our_commands() -> None:
    found = manifests()
    worker = found["Deployment/sc-cancel-worker"]
    beat = found["Deployment/sc-cancel-beat"]
    cron = found["CronJob/sc-cancel-shop-na"]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    commands = {name: pod_spec(m)["containers"][0]["command"] for name, m in found.items() if "spec" in m}
    for command in commands.values():
        parses(command)
    assert commands["Deployment/sc-cancel-worker"][1] == "worker"
    assert commands["Deployment/sc-cancel-beat"][1] == "beat"
    cron_command = commands["CronJob/sc-cancel-shop-na"]
    assert cron_command[1:3] == ["schedule", "--once"]
    assert cron_command[cron_command.index("--account") + 1] == "shop-na"
    for manifest in (worker, beat, cron):
        labels = (
            manifest["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
            if (manifest["kind"] == "CronJob")
            else manifest["spec"]["template"]["metadata"]["labels"]
        )
        if manifest["kind"] == "Deployment":
            assert manifest["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_every_pod_is_non_root_with_a_read_only_root_and_its_writes_on_volumes() -> None:
    for name, manifest in manifests().items():
        if manifest["kind"] not in ("Deployment", "CronJob"):
            continue
        spec = pod_spec(manifest)
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] != 0, name
        container = spec["containers"][0]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        assert {DATA_DIR, "/tmp", "/etc/sc-cancel"} <= mounts, name
        assert {"secretRef": {"name": "sc-cancel-secrets"}} in container["envFrom"], name


def test_the_settings_config_map_is_valid_settings_whose_secrets_are_references_to_the_secret(
    tmp_path: Path,
) -> None:
    found = manifests()
    text = found["ConfigMap/sc-cancel-settings"]["data"]["sc-cancel.yaml"]
    path = tmp_path / "sc-cancel.yaml"
    path.write_text(text, encoding="utf-8")
    if "ledger_url" not in Settings.model_fields:
        pytest.skip("the ledger_url setting (a PostgreSQL ledger) has not landed in the settings yet")
    settings, _ = load_settings(path)  # raises, naming the line, if the file is not valid settings
    secret_keys = set(found["Secret/sc-cancel-secrets"]["stringData"])
    references = [
        value.env
        for value in _walk(settings.model_dump(mode="python", round_trip=True))
        if isinstance(value, EnvSecret)
    ] + re.findall(r"\{env: (\w+)\}", text)
    assert references
    assert set(references) <= secret_keys
    cron_account = "shop-na"
    assert cron_account in [a.name for a in settings.accounts]


def _walk(value: object) -> list[object]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _walk(item)]
    if isinstance(value, list):
        return [v for item in value for v in _walk(item)]
    return [value]


# ---- compose (its services are written with the workers) ----


def test_the_compose_file_is_valid_yaml_building_from_our_dockerfile() -> None:
    path = DEPLOY / "compose.yaml"
    if not path.exists():
        pytest.skip("deploy/compose.yaml is not written yet")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    services = document["services"]
    builds = [s["build"] for s in services.values() if "build" in s]
    assert builds, "no service builds the image"
    for build in builds:
        context = path.parent / (build if isinstance(build, str) else build.get("context", "."))
        dockerfile_name = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (context / dockerfile_name).resolve() == (ROOT / "Dockerfile").resolve()
    for service in services.values():
        command = service.get("command")
        if command and "build" in service:  # our image: its command is an sc-cancel command
            argv = shlex.split(command) if isinstance(command, str) else [str(c) for c in command]
            parses(argv if argv[0] == "sc-cancel" else ["sc-cancel", *argv])
