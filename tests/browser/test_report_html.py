"""The run report opens in Chromium, shows the run's key figures, embeds its evidence and asks the
network for nothing; a screenshot in test-results/ shows how it looks at 1600 px."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from playwright.sync_api import Page, expect

from automation.artifacts import RunFolder
from automation.errors import PageChangedError
from automation.models import CancellationRequest, Channel, OrderStatus, RequestKind, ScanStats
from automation.report import build_report, write_reports

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTED = datetime(2026, 11, 26, 12, 0, 3, tzinfo=UTC)
FINISHED = datetime(2026, 11, 26, 12, 1, 15, tzinfo=UTC)


class Outcome:
    def __init__(
        self,
        decision: str,
        rule: str,
        approval: str | None,
        outcome: str | None,
        why: str = "",
        *,
        earlier: bool = False,
    ) -> None:
        self.decision = decision
        self.rule = rule
        self.approval = approval
        self.outcome = outcome
        self.outcome_reason = why or None
        self.earlier = earlier


def requests() -> list[CancellationRequest]:
    def request(n: int, kind: RequestKind, *sources: Channel) -> CancellationRequest:
        return CancellationRequest(
            order_id=f"113-000000{n}-000000{n}",
            kind=kind,
            sources=sources,
            reason="Order created by mistake" if kind is RequestKind.OFFICIAL else "buyer's own words",
            requested_at=STARTED,
            order_status=OrderStatus.UNSHIPPED,
            ship_by=date(2026, 11, 28),
        )

    return [
        request(1, RequestKind.OFFICIAL, Channel.MANAGE_ORDERS, Channel.MESSAGES),
        request(2, RequestKind.OFFICIAL, Channel.MANAGE_ORDERS),
        request(3, RequestKind.INQUIRY, Channel.MESSAGES),
        request(4, RequestKind.OFFICIAL, Channel.MANAGE_ORDERS),
    ]


def write_sample_report(page: Page, runs_dir: Path) -> Path:
    """A `run` that cancelled one order, skipped one, failed one and waits on one, then hit a changed
    page; the evidence screenshot is a real one taken by Chromium."""
    folder = RunFolder.create(runs_dir, "20261126T120003Z-ab12")
    page.set_content("<h1 style='color:#b3261e'>Messages: layout changed</h1><p>no inbox list here</p>")
    page.screenshot(path=str(folder.path / "error-messages.png"))
    (folder.path / "error-messages.html").write_text("<html>redacted page</html>")
    report = build_report(
        run_id=folder.path.name,
        command="run",
        account="main-store",
        account_key="seller-0123456789ab",
        folder=folder.path,
        started_at=STARTED,
        finished_at=FINISHED,
        requests=requests(),
        new={"113-0000001-0000001", "113-0000003-0000003"},
        outcomes={
            "113-0000001-0000001": Outcome(
                "cancel", "official-auto", "auto", "done", "canceled, Buyer Canceled"
            ),
            "113-0000002-0000002": Outcome("cancel", "official-auto", "auto", "skipped", "already shipped"),
            "113-0000003-0000003": Outcome("cancel", "inquiry-manual", "pending", "planned", "waiting"),
            "113-0000004-0000004": Outcome("cancel", "official-auto", "auto", "failed", "no confirmation"),
        },
        stats=ScanStats(orders_seen=12, threads_seen=7, pages_visited=9, seconds=70.5),
        error=PageChangedError("the inbox list is missing", page_key="messages"),
        marketplaces=["ATVPDKIKX0DER"],
        base_url="http://127.0.0.1:8765",
        timings={"sign_in": 3.2, "manage_orders": 21.5, "messages": 40.1, "actions": 6.0},
        rules_path=Path("/etc/sc-cancel/rules.yaml"),
        rules_sha256="c0ffee" * 10 + "abcd",
        execute=True,
    )
    return write_reports(folder, report, generated_at=FINISHED)[1]


def test_report_opens_and_shows_the_run(page: Page, tmp_path: Path) -> None:
    html_path = write_sample_report(page, tmp_path / "runs")
    remote: list[str] = []
    page.on(
        "request",
        lambda request: (
            remote.append(request.url) if not request.url.startswith(("file:", "data:")) else None
        ),
    )
    page.goto(html_path.as_uri())

    expect(page.get_by_role("heading", name="Run 20261126T120003Z-ab12")).to_be_visible()
    expect(page.locator(".status .badge")).to_have_text("FAILED")
    expect(page.locator(".status .code")).to_contain_text("exit code 4: a Seller Central page changed")
    cards = page.locator(".strip .card")
    expect(cards).to_have_count(6)
    expect(cards.nth(0).locator(".figure")).to_have_text("4")
    expect(cards.nth(1).locator(".figure")).to_have_text("2")
    expect(cards.nth(2).locator(".figure")).to_have_text("3 / 1")
    expect(cards.nth(3).locator(".figure")).to_have_text("3 / 2")
    expect(cards.nth(3)).to_contain_text("Manage Orders / Messages · in more than one: 1")
    expect(cards.nth(5).locator(".figure")).to_have_text("1 done")
    expect(cards.nth(5)).to_contain_text("skipped 1 · failed 1 · planned 1")

    rows = page.locator("table tbody tr").filter(has=page.locator("td.mono"))
    expect(rows).to_have_count(4)
    expect(rows.nth(3)).to_contain_text("failed")
    expect(rows.nth(3)).to_contain_text("no confirmation")
    expect(page.locator("section.error")).to_contain_text("the inbox list is missing")
    expect(page.locator("section.error")).to_contain_text(
        "sc-cancel selectors check --live --account main-store"
    )
    expect(page.get_by_text("113-0000003-0000003 — approve with")).to_be_visible()
    expect(page.get_by_text("c0ffee" * 10 + "abcd")).to_be_visible()

    evidence = page.locator("section.error img")
    expect(evidence).to_have_count(1)
    assert evidence.evaluate("img => img.complete && img.naturalWidth > 0")
    first, last = cards.nth(0).bounding_box(), cards.nth(5).bounding_box()
    assert first is not None
    assert last is not None
    assert first["y"] == last["y"], "the summary strip fits one row at 1600 px"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # type: ignore[index]
    assert remote == []

    shots = REPO_ROOT / "test-results"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "report-html.png"), full_page=True)


def test_a_second_run_counts_only_its_own_actions_and_a_rejection_reads_plainly(
    page: Page, tmp_path: Path
) -> None:
    """The earlier run's cancellation is shown as such, not counted as done by this run; a request a
    person rejected reads "rejected", with its reason and no stray punctuation."""
    folder = RunFolder.create(tmp_path / "runs", "20261126T130003Z-cd34")
    report = build_report(
        run_id=folder.path.name,
        command="run",
        account="main-store",
        account_key="seller-0123456789ab",
        folder=folder.path,
        started_at=STARTED,
        finished_at=FINISHED,
        requests=requests()[:3],
        outcomes={
            "113-0000001-0000001": Outcome(
                "cancel", "official-auto", "auto", "done", "canceled, Buyer Canceled", earlier=True
            ),
            "113-0000002-0000002": Outcome(
                "cancel", "official-auto", "rejected", None, "rejected by a person"
            ),
            "113-0000003-0000003": Outcome("reply", "inquiries", "auto", "done", "reply sent"),
        },
        execute=True,
    )
    html_path = write_reports(folder, report, generated_at=FINISHED)[1]
    page.goto(html_path.as_uri())

    actions = page.locator(".strip .card").nth(5)
    expect(actions.locator(".figure")).to_have_text("1 done")
    expect(actions).to_contain_text("earlier runs: 1 done")
    rows = page.locator("table tbody tr").filter(has=page.locator("td.mono"))
    expect(rows.nth(0).locator("td").last).to_have_text("done (an earlier run)canceled, Buyer Canceled")
    rejected = rows.nth(1).locator("td").last
    expect(rejected).to_have_text("rejectedrejected by a person")
    assert ":" not in rejected.inner_text()


def test_the_three_channels_side_by_side_the_unconfirmed_emails_and_the_warnings(
    page: Page, tmp_path: Path
) -> None:
    """Each request says, per channel, whether it was seen there; e-mails no page confirmed are listed
    by order id, time and why (never their subject, which carries the buyer's name); warnings shown."""
    from automation.scan_email import Unconfirmed
    from automation.sources.email import MailboxWarning

    buyer = "Ottoline Brackenbury-Sze"
    received = datetime(2026, 11, 26, 11, 58, 2, tzinfo=UTC)
    folder = RunFolder.create(tmp_path / "runs", "20261126T140003Z-ef56")
    seen = [
        *requests()[:3],
        CancellationRequest(
            order_id="113-0000005-0000005",
            kind=RequestKind.OFFICIAL,
            sources=(Channel.EMAIL, Channel.MANAGE_ORDERS),
            order_status=OrderStatus.UNSHIPPED,
        ),
    ]
    emails = [
        Unconfirmed(
            "113-0000006-0000006", received, f"from Amazon customer {buyer}", "no_request_on_page", new=True
        ),
        Unconfirmed("113-0000007-0000007", received, f"Cancel now {buyer}", "sender_not_allowed"),
    ]
    down = MailboxWarning("accounts[0].mailbox.folders: no folder Amazon on 127.0.0.1:1143")
    report = build_report(
        run_id=folder.path.name,
        command="scan",
        account="main-store",
        account_key="seller-0123456789ab",
        folder=folder.path,
        started_at=STARTED,
        finished_at=FINISHED,
        requests=seen,
        stats=ScanStats(orders_seen=12, threads_seen=7, pages_visited=11, seconds=70.5, emails_seen=4),
        unconfirmed=[u.as_report() for u in emails],
        warnings=[down.as_report()],
    )
    html_path = write_reports(folder, report, generated_at=FINISHED)[1]
    page.goto(html_path.as_uri())

    requests_table = page.locator("section").filter(has=page.get_by_role("heading", name="Requests (4)"))
    headers = requests_table.locator("thead th.channel")
    expect(headers).to_have_text(["Manage Orders", "Messages", "E-mail"])
    marks = {
        order: requests_table.locator("tbody tr")
        .filter(has_text=order)
        .locator("td.channel")
        .all_inner_texts()
        for order in ("113-0000001-0000001", "113-0000003-0000003", "113-0000005-0000005")
    }
    assert marks == {
        "113-0000001-0000001": ["✓", "✓", "—"],
        "113-0000003-0000003": ["—", "✓", "—"],
        "113-0000005-0000005": ["✓", "—", "✓"],
    }
    unconfirmed = page.locator("section.unconfirmed")
    expect(unconfirmed.get_by_role("heading")).to_have_text("Unconfirmed e-mails (2)")
    rows = unconfirmed.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("113-0000006-0000006")
    expect(rows.nth(0)).to_contain_text("2026-11-26 11:58:02 UTC")
    expect(rows.nth(0)).to_contain_text("no_request_on_page")
    expect(rows.nth(1)).to_contain_text("a likely spoof")
    expect(unconfirmed).to_contain_text("Nothing is ever cancelled for them")
    expect(page.locator("section.warnings li")).to_have_text(
        ["E-mail accounts[0].mailbox.folders: no folder Amazon on 127.0.0.1:1143"]
    )
    expect(
        page.locator(".kv dt", has_text="E-mails read").locator("xpath=following-sibling::dd[1]")
    ).to_have_text("4")
    text = page.locator("body").inner_text()
    assert buyer not in text
    assert "from Amazon customer" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # type: ignore[index]

    shots = REPO_ROOT / "test-results"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "report-html-email.png"), full_page=True)
