"""Signing in with a settings file's account: secrets written as operators have them (a TOTP secret in
an authenticator's groups, a password in a file), secrets checked before any browser starts, and
rejections that name the setting to fix.

The agent runs as `sc-cancel` in a subprocess against a sandbox on loopback whose account has a password
and a TOTP secret, like a real Seller Central account with two-step verification.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from run_support import Agent, AgentRun, SandboxMaker, make_sandbox, order, write_yaml
from scenario_kit import PASSWORD, TOTP_SECRET, order_id, scenario, settings_account

__all__ = ["make_sandbox"]  # the fixture, used by name

SPACED_TOTP = " ".join(TOTP_SECRET[i : i + 4] for i in range(0, len(TOTP_SECRET), 4)).lower()
"""The secret as an authenticator's set-up screen shows it: `onrs 2y3b nzrw ...`."""
OTHER_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
"""Well-formed, but another account's authenticator secret."""


def store() -> dict[str, Any]:
    return scenario(
        [order(1, request="Order Created by Mistake"), order(2)], account={"totp_secret": TOTP_SECRET}
    )


def account(name: str, base_url: str, **secrets: Any) -> dict[str, Any]:
    return settings_account(name, base_url, **secrets)


def settings_file(folder: Path, *accounts: dict[str, Any]) -> Path:
    return write_yaml(folder / "sc-cancel.yaml", {"format": 1, "accounts": list(accounts)})


def place(config: Path, key: str, nth: int = 0) -> str:
    """`file:line:column` of the nth `key:` written in the settings file, as messages give it."""
    found = [
        (number, line.index(f"{key}:") + 1)
        for number, line in enumerate(config.read_text(encoding="utf-8").splitlines(), 1)
        if line.lstrip(" -").startswith(f"{key}:")
    ]
    line, column = found[nth]
    return f"{config}:{line}:{column}"


def scan_shop(
    tmp_path: Path, sandbox: Any, *, password: str, totp: str, json: bool = False
) -> tuple[Path, AgentRun]:
    """Scan one account whose password and TOTP secret come from SHOP_PASSWORD and SHOP_TOTP."""
    config = settings_file(
        tmp_path,
        account(
            "shop", sandbox.base_url, password={"env": "SHOP_PASSWORD"}, totp_secret={"env": "SHOP_TOTP"}
        ),
    )
    run = Agent(tmp_path)(
        "scan",
        *(["--json"] if json else []),
        "--config",
        str(config),
        target=False,
        env={"SHOP_PASSWORD": password, "SHOP_TOTP": totp},
    )
    return config, run


def test_a_totp_secret_written_in_an_authenticators_groups_signs_in(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(store())
    _config, run = scan_shop(tmp_path, sandbox, password=PASSWORD, totp=SPACED_TOTP, json=True)

    assert run.returncode == 0, run.stderr
    assert [r["order_id"] for r in run.json()["requests"]] == [order_id(1)]
    assert SPACED_TOTP not in run.stderr


def test_a_password_from_a_file_next_to_the_settings_signs_in(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(store())
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "password").write_text(PASSWORD + "\n", encoding="utf-8")  # as `echo ... >` writes it
    (secrets / "password").chmod(0o600)
    config = settings_file(
        tmp_path,
        account(
            "shop",
            sandbox.base_url,
            password={"file": "secrets/password"},  # relative to the settings file's folder
            totp_secret={"env": "SHOP_TOTP"},
        ),
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    run = Agent(elsewhere)(
        "scan", "--json", "--config", str(config), target=False, env={"SHOP_TOTP": TOTP_SECRET}
    )

    assert run.returncode == 0, run.stderr
    assert [r["order_id"] for r in run.json()["requests"]] == [order_id(1)]
    assert PASSWORD not in run.stderr


def test_every_accounts_secrets_are_checked_before_any_browser_starts(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    reached: list[str] = []
    sandbox = make_sandbox(store(), hook=lambda method, path: reached.append(path))
    config = settings_file(
        tmp_path,
        account(
            "east", sandbox.base_url, password={"env": "EAST_PASSWORD"}, totp_secret={"env": "EAST_TOTP"}
        ),
        account("west", sandbox.base_url, password={"env": "WEST_PASSWORD"}),
    )

    run = Agent(tmp_path)(
        "scan",
        "--config",
        str(config),
        target=False,
        env={"EAST_PASSWORD": PASSWORD, "EAST_TOTP": "0NRS 2Y3B NZRW K3BN"},  # a zero for an O
    )

    assert run.returncode == 2, run.stderr
    assert (
        f"{place(config, 'totp_secret')}: accounts[0].totp_secret: the TOTP secret in the environment "
        "variable EAST_TOTP is not base32"
    ) in run.stderr
    west = place(config, "password", 1)
    assert f"{west}: accounts[1].password: the environment variable WEST_PASSWORD is not set" in run.stderr
    assert "0NRS" not in run.stderr
    assert reached == []  # no browser came to the site
    assert "Traceback" not in run.stderr


def test_a_wrong_password_names_the_setting_it_comes_from(tmp_path: Path, make_sandbox: SandboxMaker) -> None:
    sandbox = make_sandbox(store())
    config, run = scan_shop(tmp_path, sandbox, password="an-old-password", totp=TOTP_SECRET)

    assert run.returncode == 7, run.stderr
    assert "Seller Central rejected the sign-in" in run.stderr
    assert "Your password is incorrect" in run.stderr
    setting = f"accounts[0].password (the environment variable SHOP_PASSWORD; {place(config, 'password')})"
    assert setting in run.stderr
    assert "an-old-password" not in run.stderr


def test_a_wrong_one_time_code_names_the_totp_setting_and_the_clock(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(store())
    config, run = scan_shop(tmp_path, sandbox, password=PASSWORD, totp=OTHER_TOTP)

    assert run.returncode == 7, run.stderr
    assert "Seller Central rejected the one-time code" in run.stderr
    setting = f"accounts[0].totp_secret (the environment variable SHOP_TOTP; {place(config, 'totp_secret')})"
    assert setting in run.stderr
    assert "clock" in run.stderr
    assert "NTP" in run.stderr
    assert OTHER_TOTP not in run.stderr
