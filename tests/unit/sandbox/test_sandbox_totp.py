"""One-time codes: RFC 6238's own test vectors, and one 30-second step of drift either way."""

from __future__ import annotations

import pytest

from automation.sandbox import totp

# RFC 6238 Appendix B, SHA-1, secret "12345678901234567890"; the RFC prints 8 digits, we use the last 6.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
RFC_VECTORS = [
    (59, "287082"),
    (1111111109, "081804"),
    (1111111111, "050471"),
    (1234567890, "005924"),
    (2000000000, "279037"),
    (20000000000, "353130"),
]


@pytest.mark.parametrize(("unix_time", "code"), RFC_VECTORS)
def test_codes_match_the_rfc_vectors(unix_time: int, code: str) -> None:
    assert totp.code_at(RFC_SECRET, unix_time) == code
    assert totp.verify(RFC_SECRET, code, unix_time)


def test_one_step_of_drift_is_accepted_and_two_are_not() -> None:
    now = 1_800_000_015.0
    assert totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, now - 30), now)
    assert totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, now + 30), now)
    assert not totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, now - 60), now)
    assert not totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, now + 60), now)


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abcdef", "12 34 5"])
def test_malformed_codes_are_refused(bad: str) -> None:
    assert not totp.verify(RFC_SECRET, bad, 59)


def test_spaces_a_person_types_are_ignored() -> None:
    assert totp.verify(RFC_SECRET, " 287 082 ", 59)
