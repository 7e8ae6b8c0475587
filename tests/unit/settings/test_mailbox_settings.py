"""`accounts[].mailbox`: defaults, mistakes named with file and line (exit code 2), plain IMAP only on
loopback, and the password a reference checked with every other secret before any browser starts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from automation.errors import BadInputError, ExitCode
from automation.settings import EnvSecret, FileSecret, load_settings
from automation.targets import Target, check_secrets, resolve_targets
from automation.yaml_source import YamlError

REPO_ROOT = Path(__file__).resolve().parents[3]

ACCOUNT = """\
format: 1
accounts:
  - name: shop
    email: seller@example.com
    password: {env: SHOP_PASSWORD}
    marketplaces:
      - base_url: https://sellercentral.amazon.com/
"""


def settings_file(tmp_path: Path, mailbox: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(ACCOUNT + "    mailbox:\n" + "".join(f"      {line}\n" for line in mailbox.splitlines()))
    return path


def targets_of(path: Path, env: dict[str, str]) -> list[Target]:
    settings, source = load_settings(path)
    return resolve_targets(
        scenario=None, base_url=None, settings=settings, account=None, env=env, source=source
    )


def problems(path: Path) -> str:
    with pytest.raises(YamlError) as caught:
        load_settings(path)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    return str(caught.value)


def test_a_mailbox_gets_its_defaults(tmp_path: Path) -> None:
    path = settings_file(
        tmp_path, "host: imap.example.com\nusername: orders@example.com\npassword: {env: MB}"
    )
    settings, _ = load_settings(path)
    box = settings.accounts[0].mailbox
    assert box is not None
    assert (box.security, box.effective_port, box.folders, box.since_days) == ("ssl", 993, ["INBOX"], 14)
    assert box.senders == ["*@amazon.*", "*@*.amazon.*"]
    assert box.notice_grace == "2h"
    assert isinstance(box.password, EnvSecret)


def test_without_a_mailbox_there_is_no_email_channel(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(ACCOUNT)
    (target,) = targets_of(path, {"SHOP_PASSWORD": "x"})
    assert target.mailbox is None


def test_plain_imap_is_refused_but_on_loopback(tmp_path: Path) -> None:
    message = problems(
        settings_file(tmp_path, "host: imap.example.com\nsecurity: none\nusername: u\npassword: {env: MB}")
    )
    assert "settings.yaml:8:" in message
    assert "accounts[0].mailbox" in message
    assert "only for a loopback host" in message
    for host in ("127.0.0.1", "localhost", "::1"):
        path = settings_file(tmp_path, f"host: '{host}'\nsecurity: none\nusername: u\npassword: {{env: MB}}")
        box = load_settings(path)[0].accounts[0].mailbox
        assert box is not None
        assert box.effective_port == 143


@pytest.mark.parametrize(
    ("mailbox", "line", "expected"),
    [
        (
            "host: imap.example.com\nusername: u\npassword: hunter2",
            11,
            "secrets never go in the settings file",
        ),
        ("host: imap.example.com\nusername: u\npassword: {env: MB}\nsecurity: tls", 12, "starttls"),
        (
            "host: imap.example.com\nusername: u\npassword: {env: MB}\nsenders: [amazon.com]",
            12,
            "sender pattern",
        ),
        ("host: imap.example.com\nusername: u\npassword: {env: MB}\nsince_days: 0", 12, "since_days"),
        ("host: imap.example.com\nusername: u\npassword: {env: MB}\nnotice_grace: soon", 12, "duration"),
        ("host: imap.example.com\nusername: u\npassword: {env: MB}\nfolder: [INBOX]", 12, "folder"),
    ],
    ids=["plain-password", "security", "senders", "since_days", "notice_grace", "misspelt-key"],
)
def test_mistakes_name_file_line_and_field(tmp_path: Path, mailbox: str, line: int, expected: str) -> None:
    message = problems(settings_file(tmp_path, mailbox))
    assert f"settings.yaml:{line}:" in message
    assert "accounts[0].mailbox" in message
    assert expected in message


def test_the_mailbox_password_is_checked_before_any_browser(tmp_path: Path) -> None:
    path = settings_file(
        tmp_path, "host: imap.example.com\nusername: u\npassword: {env: SHOP_MAILBOX_PASSWORD}"
    )
    with pytest.raises(BadInputError) as caught:
        check_secrets(targets_of(path, {"SHOP_PASSWORD": "x"}))
    message = str(caught.value)
    assert "settings.yaml:11:" in message
    assert "accounts[0].mailbox.password" in message
    assert "SHOP_MAILBOX_PASSWORD is not set" in message

    env = {"SHOP_PASSWORD": "x", "SHOP_MAILBOX_PASSWORD": "app-pass"}
    (target,) = targets_of(path, env)
    check_secrets([target])
    assert target.mailbox is not None
    assert target.mailbox.password().get_secret_value() == "app-pass"
    assert target.mailbox.notice_grace == timedelta(hours=2)
    assert target.mailbox.setting == "accounts[0].mailbox"
    assert "app-pass" not in repr(target)


def test_a_mailbox_password_file_is_relative_to_the_settings_file(tmp_path: Path) -> None:
    path = settings_file(tmp_path, "host: imap.example.com\nusername: u\npassword: {file: secrets/mailbox}")
    box = load_settings(path)[0].accounts[0].mailbox
    assert box is not None
    assert isinstance(box.password, FileSecret)
    assert box.password.file == (tmp_path / "secrets" / "mailbox").resolve()


def test_the_example_documents_the_mailbox() -> None:
    text = (REPO_ROOT / "config.example.yaml").read_text(encoding="utf-8")
    for key in ("mailbox:", "security:", "folders:", "since_days:", "senders:", "notice_grace:"):
        assert f"#   {key}" in text or f"# {key}" in text
