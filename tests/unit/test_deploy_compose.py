"""deploy/compose.yaml's worker and beat (no Docker here: read, not run): they mount the settings file
the compose folder ships, which is valid settings whose every secret is an {env:} reference the worker's
environment sets, and they start the commands `sc-cancel worker` and `sc-cancel beat`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from automation.settings import EnvSecret, Settings, load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_worker_and_beat_run_our_commands_on_the_shipped_settings() -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))["services"]
    assert services["worker"]["command"][0] == "worker"
    assert services["beat"]["command"] == ["beat"]
    assert {"postgres", "redis"} <= set(services)
    for name in ("worker", "beat"):
        mounted = {v.split(":")[1]: v.split(":")[0] for v in services[name]["volumes"]}
        assert services[name]["environment"]["SC_CANCEL_CONFIG"] in mounted
        assert services[name]["read_only"] is True
    settings_file = DEPLOY / mounted["/etc/sc-cancel/sc-cancel.yaml"]
    if "ledger_url" not in Settings.model_fields:
        pytest.skip("the ledger_url setting (a PostgreSQL ledger) has not landed in the settings yet")
    settings, _ = load_settings(settings_file)
    assert settings.broker_url == "redis://redis:6379/0"
    names = [
        ref.env
        for a in settings.accounts
        for ref in (a.password, a.totp_secret)
        if isinstance(ref, EnvSecret)
    ]
    assert names
    assert set(names) <= set(services["worker"]["environment"])
