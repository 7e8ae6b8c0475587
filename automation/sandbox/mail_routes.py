"""`POST /__sandbox/mail`: an e-mail a test wants in the seller's mailbox, beyond the scenario's.

The scenario format is fixed, so e-mails that come from no request or message of it (a spoofed notice,
Amazon's notice for an order with no request, a refund notice) are asked for here while the sandbox
runs. Like every `/__sandbox/*` route it is never protected or faulted (docs/sandbox-pages.md).
"""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from automation.sandbox.context import SandboxContext, context_of
from automation.sandbox.layout import NO_STORE
from automation.sandbox.mail_compose import (
    ForwardedMessage,
    cancel_request_notice,
    forwarded_message,
    free_mail,
)
from automation.sandbox.scenario import OrderId, UtcDatetime


class _Mail(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    at: UtcDatetime | None = None
    """When it was sent (its Date and file time); default: the scenario clock's now."""


class NoticeMail(_Mail):
    """Amazon's cancellation-request notice for any order id; `from` replaces Amazon's address."""

    kind: Literal["cancel_request"]
    order_id: OrderId
    sender: str | None = Field(default=None, alias="from")


class BuyerMail(_Mail):
    """A forwarded buyer message; `from` replaces the buyer's anonymous address."""

    kind: Literal["buyer_message"]
    order_id: OrderId | None = None
    buyer_name: str = Field(min_length=1)
    subject: str = Field(min_length=1)
    body: str = Field(min_length=1)
    sender: str | None = Field(default=None, alias="from")


class FreeMail(_Mail):
    """Any e-mail: sender, subject and body as given, `headers` added (or replacing the defaults)."""

    kind: Literal["raw"]
    sender: str = Field(min_length=1, alias="from")
    subject: str
    body: str
    html: bool = False
    headers: dict[str, str] = Field(default_factory=dict)


MailRequest = TypeAdapter(Annotated[NoticeMail | BuyerMail | FreeMail, Field(discriminator="kind")])


def compose(ctx: SandboxContext, asked: NoticeMail | BuyerMail | FreeMail) -> tuple[EmailMessage, datetime]:
    """The e-mail asked for, with a fresh Message-ID: a posted e-mail is always a new one."""
    assert ctx.mail is not None
    site = ctx.mail.site
    at = asked.at or ctx.clock.now()
    message_id = make_msgid(domain=site.ses_domain)
    if isinstance(asked, NoticeMail):
        message = cancel_request_notice(site, asked.order_id, at, sender=asked.sender)
    elif isinstance(asked, BuyerMail):
        forwarded = ForwardedMessage(
            message_id, asked.order_id, asked.buyer_name, asked.subject, asked.body, at
        )
        message = forwarded_message(site, forwarded, sender=asked.sender)
    else:
        headers = {"Message-ID": message_id, **asked.headers}
        message = free_mail(
            site,
            sender=asked.sender,
            subject=asked.subject,
            body=asked.body,
            at=at,
            html=asked.html,
            headers=headers,
            key=message_id,
        )
        return message, at
    del message["Message-ID"]
    message["Message-ID"] = message_id
    return message, at


async def post_mail(request: Request) -> Response:
    ctx = context_of(request)
    if ctx.mail is None:
        return JSONResponse(
            {"error": "this sandbox writes no e-mail: start it with --maildir DIR"}, status_code=409
        )
    try:
        asked = MailRequest.validate_python(json.loads(await request.body() or b"{}"))
    except (ValueError, ValidationError) as exc:
        problems = exc.errors() if isinstance(exc, ValidationError) else [{"msg": str(exc)}]
        where = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())) or 'body'}: {e['msg']}" for e in problems
        )
        return JSONResponse(
            {"error": f"{where} (send kind cancel_request, buyer_message or raw; see docs/sandbox-pages.md)"},
            status_code=400,
        )
    message, at = compose(ctx, asked)
    written = ctx.mail.deliver([(message, at)])
    answer = {"message_id": str(message["Message-ID"]), "files": [f"new/{p.name}" for p in written]}
    return JSONResponse(answer, status_code=201, headers=NO_STORE)


ROUTES = [Route("/__sandbox/mail", post_mail, methods=["POST"])]
