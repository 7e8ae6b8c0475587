"""Everything one sandbox app serves from, built once from a scenario and shared by its routes."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from automation.sandbox.assets import Assets
from automation.sandbox.clock import SandboxClock
from automation.sandbox.faults import FaultPlan
from automation.sandbox.i18n import Texts
from automation.sandbox.localfmt import LocalFormat
from automation.sandbox.mail_outbox import SandboxMail
from automation.sandbox.marketplaces import Marketplace, marketplace_for
from automation.sandbox.scenario import Scenario
from automation.sandbox.sessions import SessionBook, Signer, default_secret
from automation.sandbox.signin_flow import PendingSignIns
from automation.sandbox.state import SandboxState
from automation.sandbox.verification import VerificationMail


@dataclass
class SandboxContext:
    scenario: Scenario
    texts: Texts
    marketplace: Marketplace
    fmt: LocalFormat
    clock: SandboxClock
    state: SandboxState
    sessions: SessionBook
    faults: FaultPlan
    pending: PendingSignIns
    assets: Assets
    verification: VerificationMail = field(default_factory=VerificationMail)
    """The sandbox-only e-mailed code step, switched on through `/__sandbox/verification`."""
    mail: SandboxMail | None = None
    """Amazon's e-mails to the seller, written into a Maildir when the sandbox was given one."""

    @classmethod
    def build(cls, scenario: Scenario, *, session_minutes: float, secret: bytes | None) -> SandboxContext:
        texts = Texts(scenario.locale)
        marketplace = marketplace_for(scenario.marketplace_id)
        fmt = LocalFormat(texts, marketplace)
        clock = SandboxClock(scenario.now)
        account = scenario.account
        signer = Signer(secret or default_secret(account.email, account.password))
        return cls(
            scenario=scenario,
            texts=texts,
            marketplace=marketplace,
            fmt=fmt,
            clock=clock,
            state=SandboxState(scenario, texts, fmt, clock),
            sessions=SessionBook(
                signer, account.email, session_minutes * 60, scenario.faults.session_expires_after
            ),
            faults=FaultPlan(scenario.faults),
            pending=PendingSignIns(),
            assets=Assets(),
        )

    @property
    def stores(self) -> list[str]:
        """The account's stores; a scenario without any gets one named after its marketplace."""
        if self.scenario.account.stores:
            return list(self.scenario.account.stores)
        return [self.texts("nav.default_store", country=self.marketplace.country)]

    def store_name(self, index: int | None) -> str:
        stores = self.stores
        return stores[index] if index is not None and 0 <= index < len(stores) else stores[0]


def context_of(request: Request) -> SandboxContext:
    context: SandboxContext = request.app.state.sandbox
    return context
