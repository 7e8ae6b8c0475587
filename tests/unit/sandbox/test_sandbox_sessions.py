"""Signed sessions: tampering, expiry, sign-out, the request allowance of the expiry fault, restarts."""

from __future__ import annotations

from automation.sandbox.sessions import SessionBook, Signer, default_secret

EMAIL = "seller@example.com"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _book(clock: FakeClock, *, limit: int | None = None, password: str = "pw") -> SessionBook:
    return SessionBook(Signer(default_secret(EMAIL, password)), EMAIL, 600, limit, clock=clock)


def test_a_token_is_accepted_until_it_expires() -> None:
    clock = FakeClock()
    book = _book(clock)
    token, session = book.issue(store=0, persistent=True)
    assert book.check(token) == session
    clock.now += 599
    assert book.check(token) is not None
    clock.now += 2
    assert book.check(token) is None


def test_tampered_or_foreign_tokens_are_refused() -> None:
    clock = FakeClock()
    book = _book(clock)
    token, _ = book.issue(store=None, persistent=False)
    body, mac = token.split(".")
    assert book.check(body + "." + mac[:-2] + ("AA" if not mac.endswith("AA") else "BB")) is None
    assert book.check(None) is None
    assert book.check("garbage") is None
    assert _book(clock, password="other").check(token) is None  # another account's secret
    other_email = SessionBook(Signer(default_secret(EMAIL, "pw")), "x@example.com", 600, clock=clock)
    assert other_email.check(token) is None
    assert (
        book.check(book.signer.sign("device", {"em": EMAIL, "exp": clock.now + 99})) is None
    )  # wrong purpose


def test_a_restarted_sandbox_on_the_same_scenario_accepts_the_cookie() -> None:
    clock = FakeClock()
    token, session = _book(clock).issue(store=1, persistent=True)
    restarted = _book(clock)
    assert restarted.check(token) == session
    assert default_secret(EMAIL, "pw") == default_secret(EMAIL, "pw") != default_secret(EMAIL, "pw2")


def test_sign_out_revokes_the_session() -> None:
    book = _book(FakeClock())
    token, session = book.issue(store=0, persistent=False)
    book.revoke(session.sid)
    assert book.check(token) is None


def test_the_request_allowance_ends_a_session_and_a_new_one_starts_fresh() -> None:
    book = _book(FakeClock(), limit=3)
    token, _ = book.issue(store=0, persistent=False)
    assert [book.check(token) is not None for _ in range(5)] == [True, True, True, False, False]
    assert book.check(token, count=False) is None
    fresh, _ = book.issue(store=0, persistent=False)
    assert book.check(fresh) is not None


def test_choosing_a_store_keeps_the_session_and_its_allowance() -> None:
    book = _book(FakeClock(), limit=2)
    token, session = book.issue(store=None, persistent=False)
    assert book.check(token) is not None
    renewed, kept = book.issue(store=1, persistent=False, sid=session.sid)
    assert kept.sid == session.sid
    assert book.check(renewed) is not None
    assert book.check(renewed) is None


def test_device_trust_and_csrf_tokens() -> None:
    clock = FakeClock()
    book = _book(clock)
    trust = book.device_trust_token()
    assert book.device_trusted(trust)
    assert not book.device_trusted(None)
    assert not _book(clock, password="other").device_trusted(trust)
    clock.now += 366 * 86400
    assert not book.device_trusted(trust)
    _, session = book.issue(store=0, persistent=False)
    _, other = book.issue(store=0, persistent=False)
    csrf = book.csrf_token(session)
    assert book.csrf_ok(session, csrf)
    assert not book.csrf_ok(other, csrf)
    assert not book.csrf_ok(session, "forged")
