"""The sandbox Seller Central as a Starlette app: one app per scenario, all state in memory."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from automation.sandbox import (
    classic_messages,
    classic_orders,
    mail_routes,
    routes_auth,
    routes_cancel,
    routes_home,
    routes_inspect,
    routes_messages,
    routes_orders,
)
from automation.sandbox.context import SandboxContext
from automation.sandbox.mail_outbox import SandboxMail, mail_site
from automation.sandbox.scenario import Layout, Scenario
from automation.sandbox.site_date import SiteDateMiddleware
from automation.sandbox.state import SandboxState

DEFAULT_SESSION_MINUTES = 720.0
# What differs between layouts: the list pages (and the cancel page's URL). Sign-in, home, order details
# and the cancel page are the same pages in both; state, faults and /__sandbox/* are shared by all.
_LAYOUT_ROUTES: dict[Layout, list[BaseRoute]] = {
    Layout.SPA: [*routes_cancel.ROUTES, *routes_orders.ROUTES, *routes_messages.ROUTES],
    Layout.CLASSIC: [*routes_cancel.ROUTES, *classic_orders.ROUTES, *classic_messages.ROUTES],
}


def create_app(
    scenario: Scenario,
    *,
    session_minutes: float = DEFAULT_SESSION_MINUTES,
    secret: bytes | None = None,
    maildir: Path | None = None,
) -> Starlette:
    """Build the app. `secret` signs session cookies; by default it is derived from the scenario's
    account, so a sandbox restarted on the same scenario accepts the cookies it gave out. With
    `maildir`, the scenario's e-mails are written there now (mail_outbox.py), and later ones as they
    happen."""
    context = SandboxContext.build(scenario, session_minutes=session_minutes, secret=secret)
    if maildir is not None:
        context.mail = SandboxMail(maildir, mail_site(scenario, context.texts, context.marketplace))
        state = context.state
        context.mail.write_scenario(state.orders.entries.values(), state.threads.threads.values())
    routes = [
        *routes_inspect.ROUTES,
        *mail_routes.ROUTES,
        Route("/assets/{name}", context.assets.serve, methods=["GET"]),
        *routes_auth.ROUTES,
        *routes_home.ROUTES,
        *_LAYOUT_ROUTES[scenario.layout],
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SiteDateMiddleware, clock=context.clock)])
    app.state.sandbox = context
    return app


def state_of(app: Starlette) -> SandboxState:
    """The live state of an app made by `create_app` (for tests and the server wrapper)."""
    context: SandboxContext = app.state.sandbox
    return context.state
