"""A person's word on held requests, dismissals, several ids at once, and what a second word changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ledger_kit import SHA_A, SHA_B, START, FakeClock, decision, request

from automation.errors import BadInputError
from automation.ledger import ApprovalVerdict, Ledger
from automation.models import Approval, Channel, DecisionKind, RequestKind

ACCOUNT = "seller-0123456789ab"


def _decide(
    ledger: Ledger,
    order_id: str,
    kind: DecisionKind,
    *,
    approve: str | None = None,
    request_kind: RequestKind = RequestKind.OFFICIAL,
    sha: str = SHA_A,
) -> None:
    ledger.record_decision(
        ACCOUNT, None, decision(order_id, kind, approve), rules_sha256=sha, request_kind=request_kind
    )


def _scan(ledger: Ledger, official: str = "", inquiries: str = "") -> None:
    requests = [request(o) for o in official] + [
        request(o, kind=RequestKind.INQUIRY, sources=(Channel.MESSAGES,), thread_ids=(f"t-{o}",))
        for o in inquiries
    ]
    ledger.record_scan(ACCOUNT, None, requests, marketplace=None)


def test_approving_a_held_official_request_makes_it_a_cancel_and_a_held_inquiry_a_reply(
    ledger: Ledger,
) -> None:
    _scan(ledger, official="O", inquiries="I")
    _decide(ledger, "O", DecisionKind.HOLD)
    _decide(ledger, "I", DecisionKind.HOLD, request_kind=RequestKind.INQUIRY)
    assert ledger.approval_state(ACCOUNT, "O") is None

    given = ledger.approve(ACCOUNT, ["O", "I"], by="dana", note="looked at both")

    assert [(g.order_id, g.now.action, g.before, g.changed) for g in given] == [
        ("O", DecisionKind.CANCEL, None, True),
        ("I", DecisionKind.REPLY, None, True),
    ]
    assert ledger.approval_state(ACCOUNT, "O") is Approval.MANUAL
    assert ledger.approval_of(ACCOUNT, "I").action is DecisionKind.REPLY  # type: ignore[union-attr]
    # The rules decide hold again on the next run, under another rules file: the approval still holds.
    _decide(ledger, "O", DecisionKind.HOLD, sha=SHA_B)
    assert ledger.approval_of(ACCOUNT, "O").action is DecisionKind.CANCEL  # type: ignore[union-attr]
    # The request turned out to be an inquiry: an approval given for an official request lapses.
    _decide(ledger, "O", DecisionKind.HOLD, sha=SHA_B, request_kind=RequestKind.INQUIRY)
    assert ledger.approval_of(ACCOUNT, "O") is None
    events = [e for e in ledger.history(ACCOUNT) if e.event == "approval"]
    assert [(e.order_id, e.action, e.state, e.approver) for e in events] == [
        ("O", "cancel", "approved", "dana"),
        ("I", "reply", "approved", "dana"),
    ]


def test_an_ignored_or_undecided_request_cannot_be_approved_and_nothing_is_recorded(ledger: Ledger) -> None:
    _scan(ledger, official="OGU")
    _decide(ledger, "O", DecisionKind.HOLD)
    _decide(ledger, "G", DecisionKind.IGNORE)

    with pytest.raises(BadInputError) as caught:
        ledger.approve(ACCOUNT, ["O", "G", "U"], by="dana")

    message = str(caught.value)
    assert "order G: nothing to approve (decision ignore" in message
    assert "order U: not decided yet" in message
    assert "sc-cancel run" in message
    assert ACCOUNT not in message, "messages never show the internal account key"
    assert ledger.approval_of(ACCOUNT, "O") is None


def test_a_dismissed_request_is_never_acted_on_whatever_the_rules_say_later(
    ledger: Ledger, clock: FakeClock
) -> None:
    _scan(ledger, official="ABH")
    _decide(ledger, "A", DecisionKind.CANCEL, approve="auto")
    _decide(ledger, "B", DecisionKind.CANCEL, approve="manual")
    _decide(ledger, "H", DecisionKind.HOLD)
    clock.advance(minutes=5)

    given = ledger.dismiss(ACCOUNT, ["A", "B", "H"], by="dana", note="cancelled by phone")

    assert all(g.now.dismissed and g.now.verdict is ApprovalVerdict.REJECTED for g in given)
    assert [ledger.approval_state(ACCOUNT, o) for o in "ABH"] == [Approval.REJECTED] * 3
    assert ledger.pending_approvals(ACCOUNT) == []
    # A rules edit that now says reply does not bring it back: the person handled it by hand.
    _decide(ledger, "B", DecisionKind.REPLY, approve="auto", sha=SHA_B)
    word = ledger.approval_of(ACCOUNT, "B")
    assert word is not None
    assert word.dismissed
    assert word.note == "cancelled by phone"
    assert word.at == START + timedelta(minutes=5)
    assert [e.state for e in ledger.history(ACCOUNT, order_id="B") if e.event == "approval"] == ["dismissed"]
    with pytest.raises(BadInputError, match="--note"):
        ledger.dismiss(ACCOUNT, ["A"], by="dana", note=" ")


def test_a_second_word_says_what_it_changed(ledger: Ledger, clock: FakeClock) -> None:
    _scan(ledger, official="A")
    _decide(ledger, "A", DecisionKind.CANCEL, approve="manual")
    [first] = ledger.approve(ACCOUNT, ["A"], by="dana")
    clock.advance(minutes=1)

    [again] = ledger.approve(ACCOUNT, ["A"], by="eve")
    assert not again.changed
    assert again.now == first.now, "approving twice records nothing"

    [rejected] = ledger.reject(ACCOUNT, ["A"], by="eve")
    assert rejected.changed
    assert rejected.before == first.now
    assert (rejected.now.verdict, rejected.now.by) == (ApprovalVerdict.REJECTED, "eve")

    [dismissed] = ledger.dismiss(ACCOUNT, ["A"], by="eve", note="by hand")
    [twice] = ledger.dismiss(ACCOUNT, ["A"], by="eve", note="by hand")
    assert dismissed.changed
    assert dismissed.before == rejected.now
    assert not twice.changed
    assert len([e for e in ledger.history(ACCOUNT) if e.event == "approval"]) == 3


def test_standings_say_what_is_not_decided_held_or_waiting(ledger: Ledger) -> None:
    _scan(ledger, official="ACHNX", inquiries="I")
    _decide(ledger, "A", DecisionKind.CANCEL, approve="manual")
    _decide(ledger, "C", DecisionKind.CANCEL, approve="auto")
    _decide(ledger, "H", DecisionKind.HOLD)
    _decide(ledger, "X", DecisionKind.IGNORE)
    # Decided while it was an inquiry; it is official now: not decided for what it is.
    _decide(ledger, "I", DecisionKind.REPLY, approve="auto", request_kind=RequestKind.OFFICIAL)
    ledger.dismiss(ACCOUNT, ["X"], by="dana", note="by hand")

    standings = {s.request.order_id: s for s in ledger.standings(ACCOUNT)}

    assert sorted(standings) == ["A", "C", "H", "I", "N"], "dismissed requests are settled"
    assert [o for o, s in sorted(standings.items()) if not s.decided] == ["I", "N"]
    assert standings["H"].decision is not None
    assert standings["H"].decision.decision is DecisionKind.HOLD
    assert standings["A"].word is None
