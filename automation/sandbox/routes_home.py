"""Seller Central's home page: the top bar, a welcome card and widgets that lead to the two screens."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from automation.sandbox.context import SandboxContext
from automation.sandbox.guard import protected_page, redirect
from automation.sandbox.layout import document, esc, html, top_nav
from automation.sandbox.sessions import Session


@protected_page
async def home(request: Request, ctx: SandboxContext, session: Session) -> Response:
    t = ctx.texts
    waiting = ctx.state.threads.counts()["responseNeeded"]
    body = (
        f'{top_nav(ctx, session)}<main id="sc-home" class="sc-main">'
        f'<div class="a-box welcome-card"><h1>{esc(t("home.welcome"))}</h1></div>'
        '<div class="home-widgets">'
        f'<div class="a-box home-widget" data-widget="orders"><h2>{esc(t("home.orders_heading"))}</h2>'
        f"<p>{esc(t('home.orders_text'))}</p>"
        f'<a data-test-tag="widget-manage-orders" href="/orders-v3">{esc(t("nav.manage_orders"))}</a></div>'
        f'<div class="a-box home-widget" data-widget="messages"><h2>{esc(t("home.messages_heading"))}</h2>'
        f'<p class="response-needed-count">{esc(t("home.response_needed", n=waiting))}</p>'
        '<a data-test-tag="widget-messages" href="/messaging/inbox?fi=responseNeeded">'
        f"{esc(t('nav.messages'))}</a>"
        "</div></div></main>"
    )
    return html(document(ctx, t("home.title"), body, scripts=("sc.js",)))


async def root(request: Request) -> Response:
    return redirect("/home")


@protected_page
async def product(request: Request, ctx: SandboxContext, session: Session) -> Response:
    """Product links open here: the storefront is not part of the sandbox, so a page says so."""
    asin = request.path_params["asin"]
    body = (
        f'{top_nav(ctx, session)}<main class="sc-main"><h1>{esc(asin)}</h1>'
        f"<p>{esc(ctx.marketplace.storefront)}</p></main>"
    )
    return html(document(ctx, asin, body, scripts=("sc.js",)))


ROUTES = [
    Route("/", root, methods=["GET"]),
    Route("/home", home, methods=["GET"]),
    Route("/dp/{asin}", product, methods=["GET"]),
]
