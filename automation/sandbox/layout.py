"""The HTML around every page: document head, Seller Central's top bar, and single-page-app shells.

Pages are Jinja2 templates in `templates/`, autoescaped (`html_templates`): every value from a scenario is
escaped on the way out. `esc()` stays for the single-page apps' root elements, one line each.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.responses import HTMLResponse

from automation.html_templates import html_environment
from automation.sandbox.context import SandboxContext
from automation.sandbox.scenario import Layout
from automation.sandbox.sessions import Session

NO_STORE = {"Cache-Control": "no-store"}
# Each layout's top bar: `classic` has its own ids and classes, so only its own selectors recognise it.
NAV_TEMPLATES = {Layout.SPA: "top_nav.html", Layout.CLASSIC: "classic/top_nav.html"}


def page_json(data: dict[str, Any]) -> Markup:
    """Inline JSON for a page's script; `</` is escaped so no text can end the script element."""
    return Markup(json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"))


PAGES = html_environment(Path(__file__).resolve().parent / "templates")
PAGES.filters["page_json"] = page_json


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def render(ctx: SandboxContext, template: str, **values: Any) -> str:
    """A template with the locale's texts (`t`) and the asset URLs (`asset`) at hand."""
    return PAGES.get_template(template).render(t=ctx.texts, asset=ctx.assets.url, **values)


def html(content: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(content, status_code=status_code, headers=NO_STORE)


def screen(
    ctx: SandboxContext,
    session: Session,
    template: str,
    *,
    title: str,
    scripts: tuple[str, ...] = ("sc.js",),
    **values: Any,
) -> HTMLResponse:
    """A signed-in page (`screen.html` or a template extending it): the top bar over its main part."""
    store = ctx.store_name(session.store)
    nav = NAV_TEMPLATES[ctx.scenario.layout]
    content = render(
        ctx, template, title=title, store=store, scripts=scripts, body_class="", nav=nav, **values
    )
    return html(content)


def shell(
    ctx: SandboxContext, session: Session, *, title: str, root: str, script: str, data: dict[str, Any]
) -> HTMLResponse:
    """A single-page screen: top bar, the app's root holding the loading spinner, and its script.
    `root` is the app's HTML with a `{spinner}` placeholder where the spinner goes."""
    spinner = render(ctx, "spinner.html").strip()
    root_html = Markup(root.replace("{spinner}", spinner))
    scripts = ("sc.js", "kat.js", script)
    return screen(ctx, session, "shell.html", title=title, root=root_html, data=data, scripts=scripts)
