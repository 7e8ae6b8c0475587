"""`sc-cancel rules check` warns (exit code still 0) when a `reason_matches` expression matches none of the
buyer reasons known in the locales of the accounts using the file, or in any locale without settings."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from automation.cli import main

MISTAKE_REGEX = """\
format: 1
rules:
  - name: official requests
    when: {kind: official}
    then: hold
  - name: mistakes
    when:
      kind: official
      reason_matches: "(?i)mistake|cheaper"
    then: hold
"""


def _check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    rules: str,
    settings: str = "",
) -> tuple[int, Path, list[str], str]:
    monkeypatch.chdir(tmp_path)  # no ./sc-cancel.yaml of the repository's folder
    path = tmp_path / "rules.yaml"
    path.write_text(rules, encoding="utf-8")
    environ = {"SC_CANCEL_DATA_DIR": str(tmp_path / "data"), "SHOP_PASSWORD": "not used"}
    if settings:
        (tmp_path / "sc-cancel.yaml").write_text(textwrap.dedent(settings), encoding="utf-8")
        environ["SC_CANCEL_CONFIG"] = str(tmp_path / "sc-cancel.yaml")
    code = main(["rules", "check", str(path)], environ)
    out, err = capsys.readouterr()
    return code, path, [line for line in err.splitlines() if line.startswith("warning: ")], out


def _account(name: str, locale: str, rules: str) -> str:
    return f"""
      - name: {name}
        email: {name}@example.com
        password: {{env: SHOP_PASSWORD}}
        rules: {rules}
        marketplaces:
          - {{base_url: "https://sellercentral.example", locale: {locale}}}
    """


def test_an_english_regex_warns_for_a_german_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = "format: 1\naccounts:" + _account("shop-de", "de_DE", "rules.yaml")
    code, path, warnings, out = _check(tmp_path, monkeypatch, capsys, MISTAKE_REGEX, settings)
    assert code == 0
    assert out.startswith(f"{path}: OK, 2 rule(s)")
    assert warnings == [
        f"warning: {path}:9:7: rule 'mistakes': when.reason_matches: \"(?i)mistake|cheaper\" matches none of "
        "the buyer reasons known in de_DE: it would never hold for that store — use `reason_in: "
        "[created_by_mistake, found_cheaper]` instead (the reasons it matches in other languages), "
        "which works in every language"
    ]


def test_only_the_locales_of_the_accounts_using_the_file_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = (
        "format: 1\naccounts:"
        + _account("shop-jp", "ja_JP", "rules.yaml")
        + _account("shop-us", "en_US", "other-rules.yaml")
        + _account("shop-de", "de_DE", "other-rules.yaml")
    )
    _, _, warnings, _ = _check(tmp_path, monkeypatch, capsys, MISTAKE_REGEX, settings)
    assert len(warnings) == 1
    assert (
        "matches none of the buyer reasons known in ja_JP: it would never hold for that store" in warnings[0]
    )


def test_an_english_regex_is_fine_for_an_english_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = "format: 1\naccounts:" + _account("shop-uk", "en_GB", "rules.yaml")
    code, _, warnings, _ = _check(tmp_path, monkeypatch, capsys, MISTAKE_REGEX, settings)
    assert (code, warnings) == (0, [])


def test_without_settings_a_regex_matching_some_language_is_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, warnings, _ = _check(tmp_path, monkeypatch, capsys, MISTAKE_REGEX)
    assert (code, warnings) == (0, [])


def test_without_settings_a_regex_matching_no_language_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = MISTAKE_REGEX.replace("(?i)mistake|cheaper", "(?i)changed my mind")
    code, path, warnings, _ = _check(tmp_path, monkeypatch, capsys, rules)
    assert code == 0
    assert warnings == [
        f"warning: {path}:9:7: rule 'mistakes': when.reason_matches: \"(?i)changed my mind\" matches none of "
        "the buyer reasons the locale files know, in any language — use `reason_in` with sc-cancel's reason "
        "keys (created_by_mistake, arrives_too_late, shipping_cost_too_high, found_cheaper, "
        "change_shipping_address, change_shipping_speed, change_billing_address, change_payment_method, "
        "other), which works in every language"
    ]


def test_the_example_file_checks_without_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], repo_root: Path
) -> None:
    text = (repo_root / "rules.example.yaml").read_text(encoding="utf-8")
    settings = "format: 1\naccounts:" + _account("shop-jp", "ja_JP", "rules.yaml")
    code, _, warnings, _ = _check(tmp_path, monkeypatch, capsys, text, settings)
    assert (code, warnings) == (0, [])


def test_an_unknown_reason_key_stops_the_check_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = MISTAKE_REGEX.replace('reason_matches: "(?i)mistake|cheaper"', "reason_in: [mistake]")
    code, _, _, out = _check(tmp_path, monkeypatch, capsys, rules)
    assert code == 2
    assert "OK" not in out
