"""Settings: the example files load, mistakes name file, line and field (exit code 2), secrets are only
ever references resolved from the environment or the OS keyring, and precedence is defaults < file <
environment < command line."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from automation.commands.invocation import Invocation
from automation.commands.options import command_line
from automation.errors import BadInputError, ExitCode
from automation.notify import notification_urls
from automation.settings import (
    CommandLine,
    EnvSecret,
    KeyringRef,
    KeyringSecret,
    Settings,
    default_data_dir,
    load_settings,
    normalize_totp_secret,
    parse_duration,
    resolve_secret,
    resolve_settings,
)
from automation.targets import Target, check_secrets, resolve_targets
from automation.yaml_source import YamlError

REPO_ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = REPO_ROOT / "config.example.yaml"
TWO_ACCOUNTS = REPO_ROOT / "config.two-accounts.example.yaml"

MINIMAL = """\
format: 1
accounts:
  - name: shop
    email: seller@example.com
    password: {env: SHOP_PASSWORD}
    marketplaces:
      - base_url: https://sellercentral.amazon.com/
"""


def write(tmp_path: Path, text: str, name: str = "settings.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> str:
    with pytest.raises(YamlError) as caught:
        load_settings(path)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    return str(caught.value)


# ---- the example files ---------------------------------------------------------------------------


def test_the_one_account_example_loads_with_references_only() -> None:
    settings, _ = load_settings(EXAMPLE)
    (account,) = settings.accounts
    assert account.name == "shop-na"
    assert isinstance(account.password, EnvSecret)
    assert isinstance(account.totp_secret, KeyringSecret)
    assert [m.store for m in account.marketplaces] == ["Your Store - United States", "Your Store - Canada"]
    assert all(m.base_url == "https://sellercentral.amazon.com" for m in account.marketplaces)
    assert account.rules == REPO_ROOT / "rules.yaml"  # relative to the settings file
    assert account.schedule.interval == timedelta(minutes=10)
    assert account.schedule.jitter_delta == timedelta(minutes=1)
    assert settings.notifications.urls == [EnvSecret(env="SC_CANCEL_NOTIFY_URL")]


def test_the_two_account_example_points_each_account_at_its_own_sandbox() -> None:
    settings, _ = load_settings(TWO_ACCOUNTS)
    assert [a.name for a in settings.accounts] == ["sandbox-east", "sandbox-west"]
    urls = [a.marketplaces[0].base_url for a in settings.accounts]
    assert urls == ["http://127.0.0.1:8765", "http://127.0.0.1:8766"]
    for account in settings.accounts:
        assert account.rules == REPO_ROOT / "rules.example.yaml"
        assert account.rules.is_file()
        assert account.schedule.interval > timedelta(0)
    env = {"SC_CANCEL_SANDBOX_PASSWORD": "pw", "SC_CANCEL_SANDBOX_TOTP": "JBSWY3DPEHPK3PXP"}
    targets = resolve_targets(scenario=None, base_url=None, settings=settings, account=None, env=env)
    assert len({t.key for t in targets}) == 2  # same e-mail, different sites: separate state and locks
    assert [t.password().get_secret_value() for t in targets] == ["pw", "pw"]
    only = resolve_targets(scenario=None, base_url=None, settings=settings, account="sandbox-west", env=env)
    assert [t.name for t in only] == ["sandbox-west"]


@pytest.mark.parametrize("path", [EXAMPLE, TWO_ACCOUNTS])
def test_the_examples_hold_no_secret_values(path: Path) -> None:
    """Every password and TOTP secret in the examples is a reference (the model refuses strings)."""
    settings, doc = load_settings(path)
    for index, account in enumerate(settings.accounts):
        raw = doc.data["accounts"][index]
        assert isinstance(raw["password"], dict)
        assert account.totp_secret is None or isinstance(raw["totp_secret"], dict)


# ---- mistakes, with file, line and field ---------------------------------------------------------


def test_a_plain_string_password_is_refused_helpfully_without_echoing_it(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("{env: SHOP_PASSWORD}", "hunter2-not-a-reference"))
    message = problems(path)
    assert f"{path}:5:5: accounts[0].password:" in message
    assert "secrets never go in the settings file" in message
    assert "{env: VARIABLE_NAME}" in message
    assert "keyring" in message
    assert "hunter2" not in message


def test_a_plain_string_totp_secret_is_refused_too(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "    totp_secret: JBSWY3DPEHPK3PXP\n")
    message = problems(path)
    assert f"{path}:8:5: accounts[0].totp_secret:" in message
    assert "JBSWY3DPEHPK3PXP" not in message


def test_a_bad_duration_names_its_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "    schedule:\n      every: often\n      jitter: 30s\n")
    message = problems(path)
    assert f"{path}:9:7: accounts[0].schedule.every:" in message
    assert "'often' is not a duration like 90s, 10m, 2h or 1d" in message


def test_unknown_fields_and_missing_ones_are_named(tmp_path: Path) -> None:
    text = MINIMAL.replace("    email: seller@example.com\n", "    e-mail: seller@example.com\n")
    message = problems(write(tmp_path, text))
    assert ":4:5: accounts[0].e-mail: unknown field" in message
    assert "accounts[0].email: required field is missing" in message


def test_a_bad_base_url_and_a_bad_locale_are_named(tmp_path: Path) -> None:
    text = MINIMAL.replace("https://sellercentral.amazon.com/", "sellercentral.amazon.com")
    text += "        locale: en_AU\n"
    message = problems(write(tmp_path, text))
    assert ":7:9: accounts[0].marketplaces[0].base_url: 'sellercentral.amazon.com' is not a URL" in message
    assert ":8:9: accounts[0].marketplaces[0].locale:" in message


def test_duplicate_account_names_and_newer_formats_are_refused(tmp_path: Path) -> None:
    account = MINIMAL.split("accounts:\n", 1)[1]
    message = problems(write(tmp_path, MINIMAL + account))
    assert "account names must be unique: shop" in message
    message = problems(write(tmp_path, MINIMAL.replace("format: 1", "format: 2"), "newer.yaml"))
    assert ":1:1: format: format 2 is newer than this sc-cancel understands; upgrade sc-cancel" in message


def test_settings_that_are_not_a_mapping_and_missing_files(tmp_path: Path) -> None:
    assert "settings are a mapping" in problems(write(tmp_path, "- just\n- a list\n"))
    assert "file not found" in problems(tmp_path / "nowhere.yaml")


def test_an_empty_file_means_the_defaults(tmp_path: Path) -> None:
    settings, _ = load_settings(write(tmp_path, ""))
    assert settings == Settings()


def test_an_unknown_account_name_lists_the_known_ones(tmp_path: Path) -> None:
    settings, _ = load_settings(write(tmp_path, MINIMAL))
    with pytest.raises(BadInputError, match=r"no account named 'shop-eu' in the settings \(known: shop\)"):
        settings.account("shop-eu")


def test_durations() -> None:
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("1.5h") == timedelta(minutes=90)
    assert parse_duration(" 2 d ") == timedelta(days=2)
    assert parse_duration(45) == timedelta(seconds=45)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("10 minutes")


# ---- precedence ----------------------------------------------------------------------------------


def invocation(environ: dict[str, str], **options: object) -> Invocation:
    """A command as `cli.main` builds it: its options, and the settings resolved from them."""
    args = argparse.Namespace(**options)
    return Invocation(args, resolve_settings(environ, command_line(args)))


def test_data_dir_precedence_default_file_environment_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./sc-cancel.yaml
    home = {"XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert invocation(home).settings.data_dir == tmp_path / "xdg" / "sc-cancel"
    assert default_data_dir(home) == tmp_path / "xdg" / "sc-cancel"
    path = write(tmp_path, "data_dir: state\n")
    from_file, _ = load_settings(path)
    assert from_file.data_dir == tmp_path / "state"  # relative to the settings file
    assert invocation(home, config=path).settings.data_dir == tmp_path / "state"
    env = {**home, "SC_CANCEL_DATA_DIR": str(tmp_path / "env")}
    assert invocation(env, config=path).settings.data_dir == tmp_path / "env"
    assert invocation(env, config=path, data_dir=tmp_path / "cli").settings.data_dir == tmp_path / "cli"


def test_which_settings_file_command_line_then_environment_then_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    none = resolve_settings({}, CommandLine())
    assert (none.keep_runs, none.config_file) == (Settings().keep_runs, None)
    write(tmp_path, "keep_runs: 1\n", "sc-cancel.yaml")
    assert resolve_settings({}, CommandLine()).keep_runs == 1
    env_file = write(tmp_path, "keep_runs: 2\n", "env.yaml")
    env = {"SC_CANCEL_CONFIG": str(env_file)}
    assert resolve_settings(env, CommandLine()).keep_runs == 2
    cli_file = write(tmp_path, "keep_runs: 3\n", "cli.yaml")
    assert resolve_settings(env, CommandLine(config=cli_file)).keep_runs == 3


def test_command_line_browser_options_override_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "browser:\n  headless: true\n  slow_mo_ms: 0\n  executable: /from/file\n")
    rt = invocation(
        {"XDG_DATA_HOME": str(tmp_path)},
        config=path,
        headed=True,
        slow_mo=250,
        trace="on",
        selectors=None,
        pause_on_error=False,
    ).runtime()
    assert rt.browser.headless is False
    assert rt.browser.slow_mo_ms == 250
    assert str(rt.browser.trace) == "on"
    assert rt.browser.executable == Path("/from/file")
    from_env = invocation({"XDG_DATA_HOME": str(tmp_path), "SC_CANCEL_CHROMIUM": "/from/env"}, config=path)
    assert from_env.settings.browser.executable == Path("/from/env")
    assert from_env.settings.browser.headless is True


# ---- secrets: environment and keyring ------------------------------------------------------------


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring, as an OS keyring would answer."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_env_references_resolve_at_use_and_say_which_variable_is_missing() -> None:
    ref = EnvSecret(env="SHOP_PASSWORD")
    assert resolve_secret(ref, {"SHOP_PASSWORD": "s3cret"}, "password").get_secret_value() == "s3cret"
    assert "s3cret" not in repr(resolve_secret(ref, {"SHOP_PASSWORD": "s3cret"}, "password"))
    with pytest.raises(
        BadInputError, match="account 'shop' password: the environment variable SHOP_PASSWORD"
    ):
        resolve_secret(ref, {}, "account 'shop' password")


def test_keyring_references_resolve_from_the_os_keyring(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("sc-cancel", "seller@example.com", "from-keyring")
    ref = KeyringSecret(keyring=KeyringRef(username="seller@example.com"))
    assert resolve_secret(ref, {}, "password").get_secret_value() == "from-keyring"


def test_an_empty_keyring_says_how_to_store_the_secret(memory_keyring: MemoryKeyring) -> None:
    ref = KeyringSecret(keyring=KeyringRef(service="shop", username="seller@example.com"))
    with pytest.raises(BadInputError, match=r"keyring set shop seller@example.com"):
        resolve_secret(ref, {}, "password")


def test_an_unusable_keyring_is_bad_input_not_a_crash() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        ref = KeyringSecret(keyring=KeyringRef(username="seller@example.com"))
        with pytest.raises(BadInputError, match="the OS keyring cannot be read"):
            resolve_secret(ref, {}, "password")
    finally:
        keyring.set_keyring(previous)


def test_targets_resolve_secrets_only_when_signing_in(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    text = MINIMAL + "    totp_secret: {keyring: {username: shop-totp}}\n"
    settings, _ = load_settings(write(tmp_path, text))
    (target,) = resolve_targets(scenario=None, base_url=None, settings=settings, account=None, env={})
    assert target.marketplaces[0].base_url == "https://sellercentral.amazon.com"  # trailing / dropped
    with pytest.raises(BadInputError, match="SHOP_PASSWORD is not set"):
        target.password()
    memory_keyring.set_password("sc-cancel", "shop-totp", "JBSWY3DPEHPK3PXP")
    totp = target.totp_secret()
    assert totp is not None
    assert totp.get_secret_value() == "JBSWY3DPEHPK3PXP"


def test_a_zero_interval_is_refused_where_it_is_written(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "    schedule:\n      every: 0s\n      jitter: 0s\n")
    assert f"{path}:9:7: accounts[0].schedule.every: '0s' must be more than 0, e.g. 10m" in problems(path)


# ---- secrets checked before any browser starts ---------------------------------------------------

SPACED_TOTP = "onrs 2y3b nzrw k3bn onqw 4zdc n54c 2zdf"
"""scenario_kit.TOTP_SECRET as an authenticator's set-up screen shows it: groups of four, lower case."""


def account_targets(path: Path, env: dict[str, str]) -> list[Target]:
    settings, doc = load_settings(path)
    return resolve_targets(scenario=None, base_url=None, settings=settings, account=None, env=env, source=doc)


def secret_problems_of(path: Path, env: dict[str, str]) -> str:
    with pytest.raises(BadInputError) as caught:
        check_secrets(account_targets(path, env))
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    return str(caught.value)


@pytest.mark.parametrize(
    "written", [SPACED_TOTP, SPACED_TOTP.upper(), "ONRS-2Y3B-NZRW-K3BN-ONQW-4ZDC-N54C-2ZDF", " ONRS2Y3B\n"]
)
def test_a_totp_secret_is_normalised_as_authenticator_screens_write_it(written: str) -> None:
    expected = "ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF" if len(written) > 12 else "ONRS2Y3B"
    assert normalize_totp_secret(written) == expected


@pytest.mark.parametrize("written", ["", "   ", "ONRS 2Y3B 0189", "ONRS2Y3BN"])
def test_a_totp_secret_that_is_not_base32_is_refused_without_echoing_it(written: str) -> None:
    with pytest.raises(ValueError, match="base32") as caught:
        normalize_totp_secret(written)
    assert not written.strip() or written.strip() not in str(caught.value)


def test_a_spaced_totp_secret_from_the_environment_reaches_sign_in_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "    totp_secret: {env: SHOP_TOTP}\n")
    (target,) = account_targets(path, {"SHOP_PASSWORD": "pw", "SHOP_TOTP": SPACED_TOTP})
    check_secrets([target])
    totp = target.totp_secret()
    assert totp is not None
    assert totp.get_secret_value() == "ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF"


def test_every_secret_problem_of_every_account_is_named_with_file_line_and_setting(tmp_path: Path) -> None:
    second = MINIMAL.split("accounts:\n", 1)[1].replace("name: shop", "name: shop-eu")
    second = second.replace("SHOP_PASSWORD", "SHOP_EU_PASSWORD")
    path = write(tmp_path, MINIMAL + "    totp_secret: {env: SHOP_TOTP}\n" + second)
    message = secret_problems_of(path, {"SHOP_PASSWORD": "pw", "SHOP_TOTP": "not base32 at all!"})
    assert f"{path}:8:5: accounts[0].totp_secret" in message
    assert "SHOP_TOTP" in message
    assert "base32" in message
    assert "not base32 at all" not in message  # a wrong secret may still be a secret
    assert f"{path}:11:5: accounts[1].password" in message
    assert "the environment variable SHOP_EU_PASSWORD is not set" in message


def test_a_file_reference_is_read_relative_to_the_settings_file_without_its_final_newline(
    tmp_path: Path,
) -> None:
    (tmp_path / "secrets").mkdir()
    secret = tmp_path / "secrets" / "shop-password"
    secret.write_text("pass word with spaces \n", encoding="utf-8")
    secret.chmod(0o600)
    text = MINIMAL.replace("{env: SHOP_PASSWORD}", "{file: secrets/shop-password}")
    path = write(tmp_path, text)
    (target,) = account_targets(path, {})
    check_secrets([target])
    assert target.password().get_secret_value() == "pass word with spaces "


def test_a_file_reference_other_users_can_read_is_refused_with_the_chmod_to_run(tmp_path: Path) -> None:
    secret = tmp_path / "shop-password"
    secret.write_text("s3cret\n", encoding="utf-8")
    secret.chmod(0o644)
    path = write(tmp_path, MINIMAL.replace("{env: SHOP_PASSWORD}", "{file: shop-password}"))
    message = secret_problems_of(path, {})
    assert f"{path}:5:5: accounts[0].password" in message
    assert f"chmod 600 {secret}" in message
    assert "s3cret" not in message


def test_a_missing_or_empty_secret_file_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("{env: SHOP_PASSWORD}", "{file: /nowhere/shop-password}"))
    message = secret_problems_of(path, {})
    assert f"{path}:5:5: accounts[0].password" in message
    assert "/nowhere/shop-password" in message
    assert "not found" in message
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    empty.chmod(0o600)
    path = write(tmp_path, MINIMAL.replace("{env: SHOP_PASSWORD}", f"{{file: {empty}}}"), "empty.yaml")
    assert "is empty" in secret_problems_of(path, {})


def test_a_machine_without_a_keyring_is_told_to_use_env_or_file_references() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        ref = KeyringSecret(keyring=KeyringRef(username="seller@example.com"))
        with pytest.raises(BadInputError) as caught:
            resolve_secret(ref, {}, "accounts[0].password")
    finally:
        keyring.set_keyring(previous)
    message = str(caught.value)
    assert "accounts[0].password" in message
    assert "{env: " in message
    assert "{file: " in message
    assert "keyrings.alt" not in message  # keyring's own advice is not the way on a server


# ---- settings messages ---------------------------------------------------------------------------


def test_a_missing_settings_file_says_where_its_name_came_from_and_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(BadInputError) as by_option:
        resolve_settings({}, CommandLine(config=missing))
    message = str(by_option.value)
    assert str(missing) in message
    assert "--config" in message
    assert "config.example.yaml" in message
    env = {"SC_CANCEL_CONFIG": str(missing)}
    with pytest.raises(BadInputError) as by_env:
        resolve_settings(env, CommandLine())
    assert "SC_CANCEL_CONFIG" in str(by_env.value)


def test_a_settings_indentation_error_gets_the_rules_files_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "format: 1\nbrowser:\n  headless: true\n   slow_mo_ms: 2\n")
    message = problems(path)
    assert message.startswith(f"{path}:4:")
    assert "check the indentation (spaces, not tabs)" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("actions_enabled: yes please\n", ":1:1: actions_enabled: expected true or false, got 'yes please'"),
        ("keep_runs: many\n", ":1:1: keep_runs: expected a whole number, got 'many'"),
        ("keep_runs: 0\n", ":1:1: keep_runs: must be 1 or more, got 0"),
        ("run_timeout: soon\n", ":1:1: run_timeout: 'soon' is not a duration like 90s, 10m, 2h or 1d"),
        ("order_lookup_ttl: a while\n", ":1:1: order_lookup_ttl: 'a while' is not a duration like 90s"),
        ("browser:\n  trace: always\n", "trace: expected 'on', 'off' or 'retain-on-failure', got 'always'"),
        ("browser:\n  timeout_seconds: soon\n", "browser.timeout_seconds: expected a number, got 'soon'"),
        ("accounts: shop\n", "accounts: expected a list, got 'shop'"),
    ],
)
def test_type_mistakes_are_said_in_plain_words_with_the_accepted_values(
    tmp_path: Path, text: str, expected: str
) -> None:
    message = problems(write(tmp_path, text))
    assert expected in message
    assert "Input should" not in message


def test_the_example_copied_as_is_runs_without_notifications_until_the_url_is_set(tmp_path: Path) -> None:
    """Copied as-is, config.example.yaml names SC_CANCEL_NOTIFY_URL, which nobody has set yet."""
    config = tmp_path / "sc-cancel.yaml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SC_CANCEL_")}
    environ["SC_CANCEL_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "automation", "report", "--config", str(config)],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if "SC_CANCEL_NOTIFY_URL" in line]
    assert len(said) == 1, done.stderr
    assert "no notifications" in said[0]


def test_a_notification_reference_that_is_set_but_unreadable_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "notifications:\n  urls:\n    - {file: hook-url}\n")
    settings, doc = load_settings(path)
    with pytest.raises(BadInputError) as caught:
        notification_urls(settings.notifications, {}, source=doc)
    assert f"{path}:3:7: notifications.urls[0]" in str(caught.value)
    assert "not found" in str(caught.value)


def test_a_misspelt_secret_reference_is_one_message_naming_the_forms(tmp_path: Path) -> None:
    text = MINIMAL.replace("{env: SHOP_PASSWORD}", "{evn: SHOP_PASSWORD}")
    text += "notifications:\n  urls:\n    - {env: HOOK, file: hook-url}\n"
    message = problems(write(tmp_path, text))
    lines = message.splitlines()
    assert len(lines) == 2, message
    assert any(":5:5: accounts[0].password: a secret reference has exactly one key" in line for line in lines)
    assert "did you mean 'env'?" in message
    assert any(":10:7: notifications.urls[0]: a secret reference" in line for line in lines)
    assert "{file: /path/to/secret}" in message


def test_order_lookup_ttl_is_unset_by_default_and_a_duration_when_set(tmp_path: Path) -> None:
    assert Settings().order_lookup_ttl is None  # the current run only
    path = write(tmp_path, "order_lookup_ttl: 15m\n")
    ttl = resolve_settings({}, CommandLine(config=path)).order_lookup_ttl
    assert ttl is not None
    assert parse_duration(ttl) == timedelta(minutes=15)


def test_run_timeout_is_a_duration_of_20_minutes_by_default(tmp_path: Path) -> None:
    assert parse_duration(Settings().run_timeout) == timedelta(minutes=20)
    path = write(tmp_path, "run_timeout: 90s\n")
    assert parse_duration(resolve_settings({}, CommandLine(config=path)).run_timeout) == timedelta(seconds=90)
