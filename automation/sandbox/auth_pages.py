"""The sign-in pages (ref §4): e-mail and password, captcha, e-mailed verification code, one-time code,
account picker; templates in `templates/signin/`.

Ids, names and texts follow docs/sandbox-pages.md so that an agent configured for the real pages'
landmarks finds them here too.
"""

from __future__ import annotations

from typing import Any

from automation.sandbox.context import SandboxContext
from automation.sandbox.layout import render


def _page(ctx: SandboxContext, step: str, **values: Any) -> str:
    """One sign-in step's page: its title from the texts, the sign-in script, the plain white body."""
    return render(
        ctx,
        f"signin/{step}.html",
        title=ctx.texts(f"{step}.title"),
        scripts=("sc.js",),
        body_class="ap-body",
        **values,
    )


def signin_page(ctx: SandboxContext, *, return_to: str, email: str = "", error: str | None = None) -> str:
    return _page(ctx, "signin", return_to=return_to, email=email, error=error)


def captcha_page(ctx: SandboxContext, *, image_url: str, error: str | None = None) -> str:
    return _page(ctx, "captcha", image_url=image_url, error=error)


def cvf_page(ctx: SandboxContext, *, sent_to: str, error: str | None = None) -> str:
    """ "Verify it's you": the code Amazon e-mailed (ids of the real CVF page, ref §4)."""
    return _page(ctx, "cvf", sent_to=sent_to, error=error)


def mfa_page(ctx: SandboxContext, *, error: str | None = None) -> str:
    return _page(ctx, "mfa", error=error)


def picker_page(ctx: SandboxContext, *, return_to: str) -> str:
    return _page(ctx, "picker", return_to=return_to, stores=ctx.stores)
