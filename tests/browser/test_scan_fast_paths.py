"""The inbox's in-page steps (automation/pages/element.py, js/*.js) and the candidates they cannot use.

"Load more" and opening a thread are done with the CSS candidates of selectors/messages.yaml in one
script each, because Playwright locators walk a 3,000-entry list on every call. Roles, labels, texts and
XPath cannot be used in such a script, so when the CSS candidates find nothing the page objects fall back
to all candidates ("Load more") or to the thread's URL (the pane). This store needs both steps: its
legacy request and its buyer inquiry sit below the first 50 threads, and neither preview decides.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from scan_support import inquiry, message, official, run_agent, write_scenario
from scenario_kit import order, scenario

from automation.settings import REPO_SELECTORS

MESSAGES_ONLY = order(2, request="Other", channel="messages")
"""Its legacy thread (received 75 minutes ago) gives the reason and time only when opened."""
ASKS = order(3)
ASKS_MESSAGE = message(
    ASKS,
    f"Inquiry from Amazon customer {ASKS['buyer_name']} (Order: {ASKS['id']})",
    "Hello, I ordered this last night together with a few other things for my sister's birthday party "
    "next week, and I have since found out that she already has one. Could you please cancel it?",
    minutes_ago=300,
)
ORDINARY = [order(n) for n in range(5, 61)]
QUESTIONS = [
    message(
        o,
        f"Product details inquiry from Amazon customer {o['buyer_name']} (Order: {o['id']})",
        "Does it come in blue?",
        minutes_ago=n,
    )
    for n, o in enumerate(ORDINARY, start=5)
]
EXPECTED = sorted(
    [official(MESSAGES_ONLY, ["messages"]), inquiry(ASKS, ASKS_MESSAGE)], key=lambda e: e["order_id"]
)


def _without_css_for_the_inbox_steps(folder: Path) -> Path:
    """A copy of selectors/ whose "Load more" CSS no longer matches (its role candidate still does) and
    whose thread pane has only an XPath candidate."""
    copy = folder / "selectors"
    shutil.copytree(REPO_SELECTORS, copy)
    path = copy / "messages.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["elements"]["load_more"] = [
        {"css": "#load-more-renamed"},
        {"role": "button", "name_key": "load_more"},
    ]
    data["elements"]["thread_view"] = [{"xpath": "//section[@id='thread-view']"}]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return copy


def test_the_inbox_steps_read_past_the_first_load_with_and_without_usable_css(tmp_path: Path) -> None:
    store = write_scenario(
        tmp_path, scenario([MESSAGES_ONLY, ASKS, *ORDINARY], messages=[*QUESTIONS, ASKS_MESSAGE])
    )
    fast = run_agent(tmp_path / "fast", scenario=store)
    edited = _without_css_for_the_inbox_steps(tmp_path)
    fallback = run_agent(tmp_path / "fallback", "--selectors", str(edited), scenario=store)

    threads = len(QUESTIONS) + 2  # the questions, the inquiry, and the legacy request's thread
    for run in (fast, fallback):
        document = run.document()
        assert [{k: r[k] for k in EXPECTED[0]} for r in document["requests"]] == EXPECTED
        assert document["stats"]["threads_seen"] == threads
        assert "retrying" not in run.stderr, "a step failed and was retried:\n" + run.stderr[-3000:]
