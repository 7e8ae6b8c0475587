"""The HTML around every page: document head, Seller Central's top bar, and single-page-app shells.

Pages are built with small f-strings and `esc()` rather than a template engine: they are few and small,
and every value from a scenario goes through `esc()`.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from starlette.responses import HTMLResponse

from automation.sandbox.context import SandboxContext
from automation.sandbox.sessions import Session

NO_STORE = {"Cache-Control": "no-store"}


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def page_data_script(data: dict[str, Any]) -> str:
    """Inline JSON for a page's script; `</` is escaped so no text can end the script element."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script id="sc-page-data" type="application/json">{body}</script>'


def document(
    ctx: SandboxContext, title: str, body: str, *, scripts: tuple[str, ...] = (), body_class: str = ""
) -> str:
    script_tags = "".join(f'<script src="{ctx.assets.url(name)}" defer></script>' for name in scripts)
    return (
        f'<!DOCTYPE html><html lang="{ctx.texts.html_lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f'<link rel="stylesheet" href="{ctx.assets.url("sc.css")}">{script_tags}</head>'
        f'<body class="{esc(body_class)}">{body}</body></html>'
    )


def top_nav(ctx: SandboxContext, session: Session) -> str:
    t = ctx.texts
    return (
        '<header id="sc-top-nav"><div class="nav-left">'
        f'<a class="nav-logo" data-test-tag="nav-home" href="/home" title="{esc(t("nav.home"))}">'
        "seller central</a>"
        '<span id="sc-mkt-picker-switcher-select" class="nav-store">'
        f"{esc(ctx.store_name(session.store))}</span>"
        '<a class="nav-link" data-test-tag="nav-manage-orders" href="/orders-v3">'
        f"{esc(t('nav.manage_orders'))}</a>"
        '<a class="nav-link" data-test-tag="nav-messages" href="/messaging/inbox">'
        f"{esc(t('nav.messages'))}</a>"
        '</div><div class="nav-right">'
        f'<div class="settings-menu" data-test-tag="settings-menu-trigger" tabindex="0" role="button" '
        f'aria-haspopup="true">{esc(t("nav.settings"))} &#9662;'
        f'<div class="settings-menu-items"><a data-test-tag="sign-out" href="/ap/signout">'
        f"{esc(t('nav.sign_out'))}</a></div></div></div></header>"
    )


def html(content: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(content, status_code=status_code, headers=NO_STORE)


def shell(
    ctx: SandboxContext, session: Session, *, title: str, root: str, script: str, data: dict[str, Any]
) -> HTMLResponse:
    """A single-page screen: top bar, the app's root holding the loading spinner, and its script."""
    spinner = (
        '<div id="apploading"><span class="a-spinner" role="progressbar" '
        f'aria-label="{esc(ctx.texts("common.loading"))}"></span></div>'
    )
    body = top_nav(ctx, session) + root.replace("{spinner}", spinner) + page_data_script(data)
    return html(document(ctx, title, body, scripts=("sc.js", "kat.js", script)))
