"""`sc-cancel selectors check`: every candidate resolved on its own, page key by page key, against the
sandbox and against the committed recording; a broken first candidate shows as a fallback, a page whose
landmarks all fail exits 4."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_trace import run_cli, small_scenario, write_yaml

from automation.selectors_check import CheckReport, ElementResult, PageResult

REPO = Path(__file__).resolve().parents[2]
SELECTORS = REPO / "selectors"
RECORDING = REPO / "recordings" / "scan" / "demo-small"
PAGE_KEYS = ["signin", "manage_orders", "common", "order_details", "cancel_order", "messages"]


def elements(report: dict[str, Any], page_key: str) -> dict[str, dict[str, Any]]:
    page = next(p for p in report["pages"] if p["page_key"] == page_key)
    return {e["element"]: e for e in page["elements"]}


def statuses(report: dict[str, Any]) -> dict[str, set[str]]:
    return {p["page_key"]: {e["status"] for e in p["elements"]} for p in report["pages"]}


def copy_selectors(
    tmp_path: Path, orders_table: list[dict[str, str]], empty_state: str | None = None
) -> Path:
    folder = tmp_path / "selectors"
    shutil.copytree(SELECTORS, folder)
    path = folder / "manage_orders.yaml"
    text = path.read_text(encoding="utf-8")
    original = '  orders_table:\n    - css: "table#orders-table"\n'
    assert original in text  # the test edits what the bundled file says
    replacement = "  orders_table:\n" + "".join(f'    - css: "{c["css"]}"\n' for c in orders_table)
    text = text.replace(original, replacement)
    if empty_state is not None:
        text = text.replace("    - test_id: myo-empty-state\n", f'    - css: "{empty_state}"\n')
    path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    return write_yaml(tmp_path / "scenario.yaml", small_scenario(totp=False))


def check(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    done = run_cli(tmp_path / "work", "selectors", "check", "--json", *args)
    report = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, report, done.stderr


def test_the_bundled_selectors_match_the_sandbox(tmp_path: Path, scenario_file: Path) -> None:
    code, report, stderr = check(tmp_path, "--scenario", str(scenario_file))
    assert code == 0, stderr[-3000:]
    assert [p["page_key"] for p in report["pages"]] == PAGE_KEYS
    assert [p["page_key"] for p in report["pages"] if p["skipped"]] == []
    assert report["changed_pages"] == []
    assert all(p["landmark_found"] for p in report["pages"])
    assert not [key for key, found in statuses(report).items() if "fallback" in found]
    for page_key, element in [
        ("signin", "email"),
        ("manage_orders", "orders_table"),
        ("manage_orders", "filter_buyer_requested_cancel"),
        ("common", "top_nav"),
        ("order_details", "cancel_button"),
        ("cancel_order", "reason_select"),
        ("messages", "thread_list"),
        ("messages", "reply_text"),
    ]:
        assert elements(report, page_key)[element]["status"] == "ok", (page_key, element)


def test_a_broken_first_candidate_is_reported_as_a_fallback(tmp_path: Path, scenario_file: Path) -> None:
    selectors = copy_selectors(tmp_path, [{"css": "table#orders-grid-2027"}, {"css": "table#orders-table"}])
    code, report, stderr = check(tmp_path, "--scenario", str(scenario_file), "--selectors", str(selectors))
    assert code == 0, stderr[-3000:]
    table = elements(report, "manage_orders")["orders_table"]
    assert table["status"] == "fallback"
    assert table["candidates"] == [
        {"candidate": "css=table#orders-grid-2027", "matches": 0},
        {"candidate": "css=table#orders-table", "matches": 1},
    ]
    others = [(k, s) for k, found in statuses(report).items() for s in found if s == "fallback"]
    assert others == [("manage_orders", "fallback")]  # nothing else fell back

    done = run_cli(
        tmp_path / "work",
        *("selectors", "check", "--scenario", str(scenario_file), "--selectors", str(selectors)),
    )
    assert done.returncode == 0
    assert (
        "FALLBACK  orders_table (landmark): css=table#orders-grid-2027 -> 0, css=table#orders-table -> 1"
        in (done.stdout)
    )
    assert "1 element(s) matched only through a fallback" in done.stdout


def test_a_page_whose_landmarks_all_fail_exits_4(tmp_path: Path, scenario_file: Path) -> None:
    selectors = copy_selectors(
        tmp_path, [{"css": "table#orders-grid-2027"}], empty_state="#no-such-empty-state"
    )
    config = write_yaml(tmp_path / "settings.yaml", {"format": 1, "browser": {"timeout_seconds": 3}})
    code, report, stderr = check(
        tmp_path, "--scenario", str(scenario_file), "--selectors", str(selectors), "--config", str(config)
    )
    assert code == 4, stderr[-3000:]
    assert report["changed_pages"] == ["manage_orders"]
    assert report["error"]["exit_code"] == 4, "the one JSON document also says how the check ended"
    assert elements(report, "manage_orders")["orders_table"]["status"] == "none"
    assert "no landmark matches on: manage_orders" in stderr


def test_the_committed_recording_passes_the_check_offline(tmp_path: Path) -> None:
    code, report, stderr = check(tmp_path, "--replay", str(RECORDING))
    assert code == 0, stderr[-3000:]
    assert report["source"] == f"the recording {RECORDING}"
    assert [p["page_key"] for p in report["pages"] if p["skipped"]] == []
    assert report["changed_pages"] == []
    assert not [key for key, found in statuses(report).items() if "fallback" in found]


def test_replay_and_live_exclude_each_other(tmp_path: Path) -> None:
    done = run_cli(tmp_path / "work", "selectors", "check", "--live", "--replay", str(RECORDING))
    assert done.returncode == 2
    assert "not allowed with argument" in done.stderr


def test_report_statuses_and_verdicts() -> None:
    ok = ElementResult("table", True, (("css=a", 1), ("css=b", 1)))
    fallback = ElementResult("table", True, (("css=a", 0), ("css=b", 2)))
    missing_text = ElementResult("button", False, (("role=button name=x", -1), ("css=c", 0)))
    assert [ok.status, fallback.status, missing_text.status] == ["ok", "fallback", "none"]
    changed = PageResult("manage_orders", "u", [ElementResult("table", True, (("css=a", 0),)), missing_text])
    either = PageResult("manage_orders", "u", [ElementResult("table", True, (("css=a", 0),)), fallback])
    skipped = PageResult("cancel_order", skipped="no cancellable order")
    report = CheckReport("here", [changed, either, skipped])
    assert [changed.changed, either.changed, skipped.changed] == [True, False, False]
    assert report.changed_pages == ["manage_orders"]
    text = "\n".join(report.lines())
    assert "manage_orders: PAGE CHANGED: no landmark matches" in text
    assert "role=button name=x -> text missing" in text
    assert "cancel_order: not checked (no cancellable order)" in text


def test_an_element_that_may_be_absent_is_absent_as_expected() -> None:
    """An error box or an empty state that is not there is the normal case, not drift; an element the
    selector file expects that matches nothing is still "no match" and counted."""
    error_box = ElementResult("error_box", False, (("css=#err", 0),), may_be_absent=True)
    gone = ElementResult("filter_toggle", False, (("css=#toggle", 0),))
    page = PageResult("manage_orders", "u", [ElementResult("table", True, (("css=a", 1),)), error_box, gone])
    text = "\n".join(CheckReport("here", [page]).lines())
    assert "error_box: absent, as expected" in text
    assert "no match  error_box" not in text
    assert "no match  filter_toggle" in text
    assert "1 expected element(s) matched nothing" in text
    as_json = CheckReport("here", [page]).as_json()["pages"][0]["elements"]
    assert [(e["element"], e["status"], e["may_be_absent"]) for e in as_json] == [
        ("table", "ok", False),
        ("error_box", "none", True),
        ("filter_toggle", "none", False),
    ]


def test_may_be_absent_must_name_elements_of_the_file(tmp_path: Path) -> None:
    from automation.locators import load_selector_file
    from automation.yaml_source import YamlError

    folder = tmp_path / "selectors"
    shutil.copytree(SELECTORS, folder)
    path = folder / "messages.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("may_be_absent: [", "may_be_absent: [no_such_element, ", 1), encoding="utf-8"
    )
    with pytest.raises(YamlError, match="no_such_element"):
        load_selector_file(folder, "messages")


def test_on_the_sandbox_only_elements_that_may_be_absent_match_nothing(
    tmp_path: Path, scenario_file: Path
) -> None:
    code, report, stderr = check(tmp_path, "--scenario", str(scenario_file))
    assert code == 0, stderr[-3000:]
    missing = [
        (p["page_key"], e["element"])
        for p in report["pages"]
        for e in p["elements"]
        if e["status"] == "none" and not e["may_be_absent"]
    ]
    assert missing == []
    assert ("manage_orders", "error_alert") in [
        (p["page_key"], e["element"]) for p in report["pages"] for e in p["elements"] if e["may_be_absent"]
    ]
