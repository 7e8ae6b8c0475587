"""What only a person can answer at sign-in: a captcha, an e-mailed or texted verification code, a
one-time code when no TOTP secret is configured.

Headless runs stop there (exit code 3). `sc-cancel login --prompt` hands each of them to a `Person` (the
terminal): the captcha's picture is fetched as the page shows it and passed on as bytes, the page's own
words about where a code was sent are passed with the question, and the answer is typed into the page.
A code Seller Central refuses ends the sign-in (exit code 7) rather than asking again: a loop of wrong
codes is how accounts get locked. A captcha may be misread; a new one is asked for a few times.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urljoin

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from automation.errors import PageChangedError, PersonNeededError, SignInRejectedError

if TYPE_CHECKING:
    from automation.browser.signin import Credentials

CAPTCHA_TRIES = 3


class Person(Protocol):
    """Someone at hand who answers what a script cannot (`login --prompt`: the terminal)."""

    def one_time_code(self) -> str:
        """The current code of the authenticator app (or of the text message)."""
        ...

    def verification_code(self, page_says: str) -> str:
        """The code Seller Central just e-mailed or texted; `page_says` is the page's own explanation."""
        ...

    def captcha_characters(self, image: bytes, suffix: str) -> str:
        """The characters of the captcha picture `image` (a file suffix such as `.jpg` says its type)."""
        ...


class InterstitialError(PersonNeededError):
    """A step only a person can take; `what` names it for someone looking at the browser window."""

    def __init__(self, message: str, *, what: str) -> None:
        super().__init__(message)
        self.what = what


def _shown(locator: Locator) -> bool:
    return bool(locator.count()) and locator.first.is_visible()


class Interstitials:
    """Answers the captcha and verification pages of one sign-in through a person."""

    def __init__(self, page: Page, element: Callable[[str], Locator], person: Person) -> None:
        self.page = page
        self._el = element
        self.person = person
        self.captchas = 0
        self.verification_answered = False

    def answer(self, step: str, creds: Credentials) -> None:
        if step == "captcha":
            self._captcha(creds)
        else:
            self._verification()

    def _error_text(self) -> str:
        box = self._el("error_box")
        return " ".join(box.first.inner_text().split()) if _shown(box) else ""

    def _captcha(self, creds: Credentials) -> None:
        if self.captchas >= CAPTCHA_TRIES:
            said = self._error_text()
            raise SignInRejectedError(
                f"Seller Central did not accept the captcha's characters {CAPTCHA_TRIES} times"
                + (f" ({said})" if said else "")
                + "; run `sc-cancel login --prompt` again"
            )
        self.captchas += 1
        image, suffix = self._captcha_image()
        characters = self.person.captcha_characters(image, suffix)
        # On the sign-in form's own captcha variant the password has to be typed again.
        password = self._el("password")
        if _shown(password) and password.first.is_editable() and not password.first.input_value():
            password.first.fill(creds.password.get_secret_value())
        self._el("captcha_guess").first.fill(characters)
        submit = self._el("captcha_submit")
        (submit if _shown(submit) else self._el("submit")).first.click()

    def _captcha_image(self) -> tuple[bytes, str]:
        """The picture as the site serves it (same cookies as the page); a screenshot of it otherwise."""
        image = self._el("captcha_image")
        if not _shown(image):
            raise PageChangedError(
                f"sign-in: {self.page.url} asks for a captcha but shows no captcha picture; update "
                "`captcha_image` in selectors/signin.yaml",
                page_key="signin",
            )
        src = image.first.get_attribute("src") or ""
        if src and not src.startswith("data:"):
            try:
                response = self.page.request.get(urljoin(self.page.url, src))
                kind = response.headers.get("content-type", "").split(";")[0].strip()
                suffix = mimetypes.guess_extension(kind) if kind.startswith("image/") else None
                if response.ok and suffix:
                    return response.body(), suffix
            except PlaywrightError:
                pass
        return image.first.screenshot(), ".png"

    def _verification(self) -> None:
        if self.verification_answered:
            said = self._error_text()
            raise SignInRejectedError(
                "Seller Central did not accept the verification code"
                + (f": {said}" if said else " and asked for one again")
                + "; run `sc-cancel login --prompt` again for a new code"
            )
        code_box = self._el("verification_code")
        if not _shown(code_box):
            send = self._el("verification_send")
            if _shown(send):  # "Choose where to receive the One Time Password": the preselected choice
                send.first.click()
                return
            raise PageChangedError(
                f"sign-in: {self.page.url} asks for a verification but shows no code box; update "
                "`verification_code` in selectors/signin.yaml",
                page_key="signin",
            )
        message = self._el("verification_message")
        page_says = " ".join(message.first.inner_text().split()) if _shown(message) else ""
        code = self.person.verification_code(page_says)
        code_box.first.fill(code)
        self._el("verification_submit").first.click()
        self.verification_answered = True
