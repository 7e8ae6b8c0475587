"""Seller Central's home page: the top bar, a welcome card and widgets that lead to the two screens."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from automation.sandbox.context import SandboxContext
from automation.sandbox.guard import protected_page, redirect
from automation.sandbox.layout import screen
from automation.sandbox.sessions import Session


@protected_page
async def home(request: Request, ctx: SandboxContext, session: Session) -> Response:
    waiting = ctx.state.threads.counts()["responseNeeded"]
    return screen(ctx, session, "home.html", title=ctx.texts("home.title"), waiting=waiting)


async def root(request: Request) -> Response:
    return redirect("/home")


@protected_page
async def product(request: Request, ctx: SandboxContext, session: Session) -> Response:
    """Product links open here: the storefront is not part of the sandbox, so a page says so."""
    asin = request.path_params["asin"]
    return screen(ctx, session, "product.html", title=asin, asin=asin, storefront=ctx.marketplace.storefront)


ROUTES = [
    Route("/", root, methods=["GET"]),
    Route("/home", home, methods=["GET"]),
    Route("/dp/{asin}", product, methods=["GET"]),
]
