"""Signing in to Seller Central: password, one-time code, the account picker, and what stops a robot.

The happy path is fully automatic (password from the environment or keyring, one-time code from a TOTP
secret, "remember this browser" ticked so later runs reuse the session). Anything only a person can do
(a captcha, an identity verification, a code with no TOTP secret) stops the run with exit code 3 and the
advice to run `sc-cancel login --prompt` (or `--headed`), unless a `Person` is at hand to ask
(automation/browser/interstitials.py); a rejected password or code stops it with exit code 7.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from loguru import logger
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pydantic import SecretStr

from automation.browser.interstitials import InterstitialError, Interstitials, Person
from automation.errors import BadInputError, PageChangedError, SignInRejectedError
from automation.locators import SelectorFile, resolve
from automation.pages.base import PageContext, TransientPageError
from automation.pages.list_check import check_hint, element_tried

HEADED_HINT = (
    "Run `sc-cancel login --prompt` once in a terminal (it asks there for the code or the captcha's "
    "characters), or `sc-cancel login --headed` on a machine with a screen and finish the sign-in in "
    "the window; the saved session is then used by the headless runs"
)


@dataclass(frozen=True)
class Credentials:
    """What sign-in needs; secrets stay `SecretStr` until typed into the page."""

    email: str
    password: SecretStr
    totp_secret: SecretStr | None = None
    store: str | None = None
    password_setting: str = "the password"
    """Where the password comes from, in words (`accounts[0].password (the environment variable X)`):
    what to fix when Seller Central rejects it."""
    totp_setting: str = "the TOTP secret"


def one_time_code(secret: SecretStr, now: Callable[[], float] = time.time) -> str:
    import pyotp

    return str(pyotp.TOTP(secret.get_secret_value()).at(int(now())))


CLOCK_HINT = (
    "a code is computed from the time, so a rejected code often means this machine's clock is off: "
    "check it with `timedatectl` (NTP synchronized: yes) or sync it with NTP"
)


def rejection_message(site_says: str, submitted: str | None, creds: Credentials) -> str:
    """What Seller Central's error box means for the operator: which setting to check (the e-mail, the
    password's reference, the TOTP secret's) and, for a code, the clock it is computed from."""
    said = f"Seller Central says: {site_says!r}" if site_says else "Seller Central gave no reason"
    if submitted == "otp" and creds.totp_secret is None:
        return (
            f"Seller Central rejected the one-time code ({said}): give the code your authenticator shows "
            "now; if it is right, this machine's clock may be off (check `timedatectl`, sync it with NTP)"
        )
    if submitted == "otp":
        return (
            f"Seller Central rejected the one-time code ({said}). Check {creds.totp_setting}: it must be "
            f"this account's authenticator secret; and {CLOCK_HINT}"
        )
    if submitted == "password":
        return (
            f"Seller Central rejected the sign-in ({said}). Check the e-mail {creds.email} and "
            f"{creds.password_setting}"
        )
    return f"Seller Central rejected the sign-in ({said})"


class SignIn:
    """Drives the sign-in pages from wherever the browser stands to a signed-in page."""

    def __init__(self, page: Page, ctx: PageContext, person: Person | None = None) -> None:
        self.page = page
        self.ctx = ctx
        self.sel = ctx.selectors["signin"]
        self.common = ctx.selectors["common"]
        self.person = person
        """Asked for what only a person can answer; without one, such a step stops the sign-in."""

    def _el(self, name: str) -> Locator:
        return resolve(self.page, self.sel.candidates(name), self.ctx.texts)

    def _common(self, name: str) -> Locator:
        return resolve(self.page, self.common.candidates(name), self.ctx.texts)

    def signed_in(self) -> Locator:
        """A signed-in page: an element of common.yaml's `signed_in` (default: its landmarks, the top
        bar), or any landmark of the agent's pages, among them the page it asked for. A site whose top
        bar differs from the selectors is then still recognised as signed in by the page itself."""
        found = [resolve(self.page, f.candidates(n), self.ctx.texts) for f, n in self._signed_in_names()]
        combined = found[0]
        for locator in found[1:]:
            combined = combined.or_(locator)
        return combined

    def _signed_in_names(self) -> list[tuple[SelectorFile, str]]:
        names = [(self.common, n) for n in self.common.signed_in_elements()]
        for key, selector_file in sorted(self.ctx.selectors.items()):
            if key not in ("common", "signin"):
                names += [(selector_file, n) for n in selector_file.landmarks]
        return names

    def _unrecognised(self) -> PageChangedError:
        """No sign-in step and no signed-in page: what the operator edits, each element a signed-in page
        is recognised by with how many elements each of its candidates matched (a site whose pages all
        changed, say, is signed in but recognised by nothing)."""
        tried = []
        for selector_file, name in self._signed_in_names():
            found = element_tried(self.page, selector_file, name, self.ctx.texts)
            tried.append(f"{selector_file.page}.{name}: {found}")
        signed_in = ", ".join(self.common.signed_in_elements())
        return PageChangedError(
            f"sign-in: {self.page.url} shows none of the expected sign-in steps and no signed-in page; "
            f"Seller Central may have changed it. Edit the elements of `signed_in` ({signed_in}) in "
            "selectors/common.yaml, the landmarks of the page asked for, or selectors/signin.yaml; "
            f"candidates tried: {'; '.join(tried)}. Check the edit with "
            f"`{check_hint(self.ctx.selectors_dir)}`",
            page_key="signin",
            element=self.common.signed_in_elements()[0] if self.common.signed_in_elements() else None,
        )

    def _next_step(self) -> str:
        """Wait for whatever the site shows after a submit and name it."""
        steps = {
            "signed_in": self.signed_in(),
            "error": self._el("error_box"),
            "otp": self._el("otp_code"),
            "picker": self._el("picker"),
            "captcha": self._common("captcha"),
            "verification": self._common("verification"),
            "password": self._el("password"),
        }
        combined = None
        for loc in steps.values():
            combined = loc if combined is None else combined.or_(loc)
        assert combined is not None
        try:
            combined.first.wait_for(state="visible")
        except PlaywrightTimeoutError:
            raise self._unrecognised() from None
        # Order matters: an error box shows on the same page as the fields.
        for name in ("captcha", "verification", "error", "otp", "picker", "signed_in", "password"):
            if steps[name].count() and steps[name].first.is_visible():
                return name
        return "unknown"

    def sign_in(self, creds: Credentials) -> None:
        """From a sign-in page (or any page) to a signed-in page, or an error with its exit code.

        The password and the code are each typed at most once per call: a sign-in form that comes back
        without an error box is treated as a rejection, never retried in a loop that could lock the
        account.
        """
        done: set[str] = set()
        submitted: str | None = None
        interstitials = Interstitials(self.page, self._el, self.person) if self.person else None
        for _attempt in range(12):
            step = self._next_step()
            logger.debug("sign-in step: {}", step)
            if step == "signed_in":
                return
            if step in ("captcha", "verification"):
                what = "a captcha" if step == "captcha" else "a verification code"
                if interstitials is None:
                    raise InterstitialError(
                        f"Seller Central asks for {what} at sign-in. {HEADED_HINT}", what=what
                    )
                interstitials.answer(step, creds)
                continue
            if step == "error":
                text = " ".join(self._el("error_box").first.inner_text().split())
                raise SignInRejectedError(rejection_message(text, submitted, creds))
            if step in done:
                raise SignInRejectedError(rejection_message("", step, creds))
            done.add(step)
            submitted = step
            if step == "password":
                self._submit_password(creds)
            elif step == "otp":
                self._submit_code(creds)
            elif step == "picker":
                self._choose_store(creds)
        raise TransientPageError("sign-in did not finish after several steps")

    def _submit_password(self, creds: Credentials) -> None:
        email = self._el("email")
        if email.count() and email.is_visible() and email.is_editable():
            email.fill(creds.email)
            cont = self._el("continue")
            if cont.count() and cont.is_visible() and not self._el("password").is_visible():
                cont.click()
        self._el("password").fill(creds.password.get_secret_value())
        remember = self._el("remember_me")
        if remember.count() and remember.is_visible() and not remember.is_checked():
            remember.check()
        self._el("submit").click()

    def _submit_code(self, creds: Credentials) -> None:
        if creds.totp_secret is not None:
            code = one_time_code(creds.totp_secret)
        elif self.person is not None:
            code = self.person.one_time_code()
        else:
            raise InterstitialError(
                "Seller Central asks for a one-time code and no TOTP secret is configured. "
                f"Configure `totp_secret` for the account, or: {HEADED_HINT}",
                what="a one-time code (no TOTP secret is configured)",
            )
        self._el("otp_code").fill(code)
        remember = self._el("otp_remember_device")
        if remember.count() and remember.is_visible() and not remember.is_checked():
            remember.check()
        self._el("otp_submit").click()

    def _choose_store(self, creds: Credentials) -> None:
        picker = self._el("picker")
        names = [
            " ".join(n.split()) for n in picker.locator(self.sel.field("store_name")[0]).all_inner_texts()
        ]
        wanted = creds.store or (names[0] if names else None)
        if wanted is None or wanted not in names:
            raise BadInputError(
                f"the account picker offers {', '.join(repr(n) for n in names) or 'no stores'}; "
                f"the configured store {wanted!r} is not among them (fix `store` in the settings)"
            )
        picker.locator(self.sel.field("store_button")[0]).filter(has_text=wanted).first.click()
        self._el("picker_submit").click()
