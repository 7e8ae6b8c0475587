"""The sandbox scenario file, formats 1 and 2: what the sandbox Seller Central serves.

Format 2 adds `layout` (`spa`, today's single-page screens and the default, or `classic`, server-rendered
list pages); every format 1 file stays valid and means what it meant.

The format is a fixed interface (docs/interfaces.md, from shared/design/sandbox-scenario.md): other tools
write these files, so every field keeps its name and meaning, unknown fields are errors naming the file,
line and field, and a newer `format` is refused with a message saying so.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from automation.sandbox.errors import ScenarioError
from automation.yaml_positions import Loc, YamlDocument, load_yaml, parse_yaml
from automation.yaml_problems import Voice, field_path, validate

SUPPORTED_FORMAT = 2

ORDER_ID_RE = re.compile(r"^\d{3}-\d{7}-\d{7}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Locale(StrEnum):
    EN_US = "en_US"
    EN_GB = "en_GB"
    DE_DE = "de_DE"
    FR_FR = "fr_FR"
    ES_ES = "es_ES"
    IT_IT = "it_IT"
    JA_JP = "ja_JP"


# Official marketplace ids (shared/reference/seller-central.md section 8).
MARKETPLACE_IDS: dict[str, str] = {
    "ATVPDKIKX0DER": "US",
    "A2EUQ1WTGCTBG2": "CA",
    "A1AM78C64UM0Y8": "MX",
    "A2Q3Y263D00KWC": "BR",
    "A28R8C7NBKEWEA": "IE",
    "A1RKKUPIHCS9HS": "ES",
    "A1F83G8C2ARO7P": "UK",
    "A13V1IB3VIYZZH": "FR",
    "AMEN7PMS3EDWL": "BE",
    "A1805IZSGTT6HS": "NL",
    "A1PA6795UKMFR9": "DE",
    "APJ6JRA9NG5V4": "IT",
    "A2NODRKZP88ZB9": "SE",
    "AE08WJ6YKNBMC": "ZA",
    "A1C3SOZRARQ6R3": "PL",
    "ARBP9OOSHTCHU": "EG",
    "A33AVAJ2PDY3EV": "TR",
    "A17E79C6D8DWNP": "SA",
    "A2VIGQ35RCS4UG": "AE",
    "A21TJRUUN4KGV": "IN",
    "A19VAU5U5O7RUS": "SG",
    "A39IBJ37TRP1C6": "AU",
    "A1VC38T7YXB528": "JP",
}

DEFAULT_MARKETPLACE: dict[Locale, str] = {
    Locale.EN_US: "ATVPDKIKX0DER",
    Locale.EN_GB: "A1F83G8C2ARO7P",
    Locale.DE_DE: "A1PA6795UKMFR9",
    Locale.FR_FR: "A13V1IB3VIYZZH",
    Locale.ES_ES: "A1RKKUPIHCS9HS",
    Locale.IT_IT: "APJ6JRA9NG5V4",
    Locale.JA_JP: "A1VC38T7YXB528",
}


class Layout(StrEnum):
    """How the sandbox draws its list pages: the same state behind two kinds of Seller Central."""

    SPA = "spa"
    CLASSIC = "classic"


class Rollout(StrEnum):
    MANAGE_ORDERS = "manage_orders"
    MESSAGES = "messages"
    BOTH = "both"


class OrderStatus(StrEnum):
    PENDING = "pending"
    UNSHIPPED = "unshipped"
    SHIPPED = "shipped"
    CANCELED = "canceled"


class Fulfillment(StrEnum):
    MFN = "mfn"
    AFN = "afn"


def _utc(value: datetime) -> datetime:
    """Times without a zone are read as UTC; all times are kept in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _order_id(value: str) -> str:
    if not ORDER_ID_RE.match(value):
        raise ValueError(f"'{value}' is not an order id like 111-1234567-1234567 (3-7-7 digits)")
    return value


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
OrderId = Annotated[str, AfterValidator(_order_id)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Account(_Strict):
    email: str
    password: str = Field(min_length=1)
    totp_secret: str | None = None
    stores: list[str] | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL_RE.match(value):
            raise ValueError(f"'{value}' is not an e-mail address")
        return value

    @field_validator("totp_secret")
    @classmethod
    def _totp(cls, value: str | None) -> str | None:
        if value is None:
            return None
        compact = value.replace(" ", "").upper()
        try:
            raw = base64.b32decode(compact + "=" * (-len(compact) % 8))
        except (binascii.Error, ValueError):
            raise ValueError("must be base32 (letters A-Z and digits 2-7)") from None
        if len(raw) * 8 < 160:
            bits = len(raw) * 8
            raise ValueError(f"is {bits} bits; RFC 6238 secrets need at least 160 bits (32 characters)")
        return compact

    @field_validator("stores")
    @classmethod
    def _stores(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("list at least one store, or leave `stores` out")
        if any(not s.strip() for s in value):
            raise ValueError("store names must not be empty")
        if len(set(value)) != len(value):
            raise ValueError("store names must be unique")
        return value


class Item(_Strict):
    sku: str = Field(min_length=1)
    asin: str | None = None
    title: str = Field(min_length=1)
    quantity: int = Field(ge=1)
    price: Decimal = Field(ge=0)


class CancelRequest(_Strict):
    reason: str = Field(min_length=1)
    requested_at: UtcDatetime
    channel: Rollout | None = None


class Order(_Strict):
    id: OrderId
    purchased_at: UtcDatetime
    status: OrderStatus
    fulfillment: Fulfillment = Fulfillment.MFN
    ship_by: date | None = None
    buyer_name: str = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    cancel_request: CancelRequest | None = None


class Faults(_Strict):
    seed: int = 0
    slow_share: float = Field(default=0.0, ge=0.0, le=1.0)
    slow_seconds: float = Field(default=3.0, ge=0.0)
    error_share: float = Field(default=0.0, ge=0.0, le=1.0)
    session_expires_after: int | None = Field(default=None, ge=1)
    captcha_at_signin: bool = False
    changed_layout: bool = False
    cancel_confirm_delay_s: float = Field(default=0.0, ge=0.0)


class Message(_Strict):
    order_id: OrderId | None = None
    buyer_name: str = Field(min_length=1)
    subject: str = Field(min_length=1)
    body: str = Field(min_length=1)
    received_at: UtcDatetime


class Scenario(_Strict):
    format: int
    locale: Locale
    layout: Layout = Layout.SPA
    marketplace: str | None = None
    now: UtcDatetime | None = None
    rollout: Rollout = Rollout.MANAGE_ORDERS
    account: Account
    orders: list[Order] = Field(default_factory=list)
    faults: Faults = Field(default_factory=Faults)
    messages: list[Message] = Field(default_factory=list)

    @field_validator("format")
    @classmethod
    def _format(cls, value: int) -> int:
        if value > SUPPORTED_FORMAT:
            raise ValueError(
                f"format {value} is newer than this sc-cancel understands (up to {SUPPORTED_FORMAT}); "
                "upgrade sc-cancel"
            )
        if value < 1:
            raise ValueError("format must be 1 or 2")
        return value

    @field_validator("layout")
    @classmethod
    def _layout_needs_format_2(cls, value: Layout, info: ValidationInfo) -> Layout:
        """Runs only when the file writes `layout`: a format 1 file never had it."""
        if info.data.get("format", SUPPORTED_FORMAT) < 2:
            raise ValueError("is a format 2 field: write `format: 2` at the top, or leave `layout` out")
        return value

    @field_validator("marketplace")
    @classmethod
    def _marketplace(cls, value: str | None) -> str | None:
        if value is not None and value not in MARKETPLACE_IDS:
            raise ValueError(f"'{value}' is not an Amazon marketplace id (e.g. ATVPDKIKX0DER for the US)")
        return value

    @model_validator(mode="after")
    def _unique_orders(self) -> Scenario:
        seen: set[str] = set()
        for order in self.orders:
            if order.id in seen:
                raise ValueError(f"order {order.id} is listed twice")
            seen.add(order.id)
        return self

    @property
    def marketplace_id(self) -> str:
        return self.marketplace or DEFAULT_MARKETPLACE[self.locale]

    def channel_of(self, order: Order) -> Rollout | None:
        """Where an order's official request appears: its own channel, else the scenario's rollout."""
        if order.cancel_request is None:
            return None
        return order.cancel_request.channel or self.rollout


def _label(doc: YamlDocument, loc: Loc) -> str:
    """The field, and the order or message it is in, so a person finds it in a long file."""
    context = None
    if len(loc) >= 2 and loc[0] == "orders" and isinstance(loc[1], int):
        try:
            context = f"order {doc.data['orders'][loc[1]].get('id', '#' + str(loc[1] + 1))}"
        except (AttributeError, IndexError, KeyError, TypeError):
            context = None
    elif len(loc) >= 2 and loc[0] == "messages" and isinstance(loc[1], int):
        context = f"message #{loc[1] + 1}"
    return f"{field_path(loc)} ({context})" if context else field_path(loc)


VOICE = Voice(label=_label)


def _duplicate_orders(doc: YamlDocument) -> list[str]:
    """Each repeated order id at its own line: the model's check sees only the whole list (line 1)."""
    orders = doc.data.get("orders")
    first: dict[str, int] = {}
    problems: list[str] = []
    for i, order in enumerate(orders if isinstance(orders, list) else []):
        order_id = order.get("id") if isinstance(order, dict) else None
        if not isinstance(order_id, str):
            continue
        if order_id in first:
            earlier = doc.position_of(("orders", first[order_id], "id"))
            problems.append(
                f"{doc.where(('orders', i, 'id'))}: {_label(doc, ('orders', i, 'id'))}: listed twice; "
                f"first at line {earlier.line if earlier else '?'}"
            )
        else:
            first[order_id] = i
    return problems


def _validate(doc: YamlDocument) -> Scenario:
    if not isinstance(doc.data, dict):
        where = doc.where(())
        raise ScenarioError(doc.path, [f"{where}: a scenario is a mapping with format, locale, account..."])
    if duplicates := _duplicate_orders(doc):
        raise ScenarioError(doc.path, duplicates)
    return validate(Scenario, doc, VOICE, error=ScenarioError)


def load_scenario(path: Path) -> Scenario:
    """Read and strictly validate a scenario file; errors name file, line and field (`ScenarioError`)."""
    return _validate(load_yaml(path, error=ScenarioError))


def parse_scenario(text: str, path: Path = Path("<scenario>")) -> Scenario:
    """Validate scenario text (for tests and generated scenarios)."""
    return _validate(parse_yaml(text, path, error=ScenarioError))
