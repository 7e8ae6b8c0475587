"""Random draws for generated scenarios: orders, official requests and buyer threads.

Every draw comes from the one `random.Random` it is given, in a fixed order, so a seed always gives
the same scenario. The shapes follow a real FBM seller's week: mostly unshipped orders, pending ones
young, shipped ones older; requests cluster on recent unshipped orders (older ones were dealt with);
buyers write soon after ordering.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from automation.sandbox.generator_phrases import PHRASES, PRODUCTS, REASON_KEYS, Product, product_title
from automation.sandbox.generator_text import compose_inquiry, compose_ordinary, pick_ordinary_kind
from automation.sandbox.scenario import Fulfillment, OrderStatus

PURCHASE_WINDOW = timedelta(days=10)
SELF_CANCEL_WINDOW = timedelta(minutes=30)
"""Buyers cancel by themselves within 30 minutes; a request to the seller comes later (ref §0)."""

REASON_WEIGHTS = (34, 14, 8, 18, 9, 5, 12)  # follows REASON_KEYS: most buyers ordered by mistake
ASIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
REQUEST_WEIGHT = {"unshipped": 1.0, "pending": 0.25, "shipped": 0.12, "canceled": 0.12}
INQUIRY_WEIGHT = {"unshipped": 1.0, "pending": 0.3, "shipped": 0.25, "canceled": 0.1}
AFN_WEIGHT = 0.3
DECOY_KINDS = ("do_not_cancel", "cancelled_item", "other_order")
PREFERRED_STATUS = {"cancelled_item": "canceled", "return": "shipped", "thanks": "shipped"}

Data = dict[str, Any]


def iso(moment: datetime) -> str:
    """UTC, to the second, with a `Z`: how scenario files write times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def weighted_sample(rng: Random, population: Sequence[str], weights: Sequence[float], k: int) -> list[str]:
    """k distinct items, each drawn with probability proportional to its weight (Efraimidis-Spirakis)."""
    keys = [rng.random() ** (1.0 / w) if w > 0 else 0.0 for w in weights]
    chosen = heapq.nlargest(k, range(len(population)), key=keys.__getitem__)
    return [population[i] for i in chosen]


def _later(rng: Random, start: datetime, end: datetime, mean: timedelta) -> datetime:
    """A moment after `start`, usually soon after (buyers act early), never after `end`."""
    room = (end - start).total_seconds()
    if room <= 1:
        return end
    delay = rng.expovariate(1.0 / mean.total_seconds())
    if delay > room:
        delay = rng.uniform(0, room)
    return start + timedelta(seconds=int(delay))


def _purchased(order: Data) -> datetime:
    return datetime.fromisoformat(order["purchased_at"])


class ScenarioDraw:
    """Draws one scenario's orders, requests and threads from one random stream."""

    def __init__(self, rng: Random, locale: str, now: datetime, unshipped_only: bool) -> None:
        self.rng = rng
        self.locale = locale
        self.phrases = PHRASES[locale]
        self.now = now
        self.unshipped_only = unshipped_only
        # One ASIN per SKU, as in a real catalogue.
        self.asins = {
            sku: "B0" + "".join(rng.choices(ASIN_ALPHABET, k=8)) for p in PRODUCTS for sku in p.skus
        }

    # ---- orders ----------------------------------------------------------------------------------

    def buyer_name(self) -> str:
        first = self.rng.choice(self.phrases.first_names)
        last = self.rng.choice(self.phrases.last_names)
        return f"{last} {first}" if self.phrases.family_name_first else f"{first} {last}"

    def order_id(self) -> str:
        prefix = self.rng.choice(self.phrases.order_prefixes)
        return f"{prefix}-{self.rng.randrange(10**7):07d}-{self.rng.randrange(10**7):07d}"

    def orders(self, count: int) -> list[Data]:
        """`count` orders with distinct ids, oldest first."""
        seen: set[str] = set()
        orders: list[Data] = []
        while len(orders) < count:
            order_id = self.order_id()
            if order_id not in seen:
                seen.add(order_id)
                orders.append(self._order(order_id))
        return sorted(orders, key=lambda o: o["purchased_at"])

    def _order(self, order_id: str) -> Data:
        age = timedelta(seconds=self.rng.randint(45 * 60, int(PURCHASE_WINDOW.total_seconds())))
        purchased = self.now - age
        afn = not self.unshipped_only and self.rng.random() < 0.05
        return {
            "id": order_id,
            "purchased_at": iso(purchased),
            "status": self._status(age),
            "fulfillment": (Fulfillment.AFN if afn else Fulfillment.MFN).value,
            "ship_by": (purchased + timedelta(days=self.rng.choice((2, 2, 3)))).date().isoformat(),
            "buyer_name": self.buyer_name(),
            "items": self._items(),
        }

    def _status(self, age: timedelta) -> str:
        if self.unshipped_only:
            return OrderStatus.UNSHIPPED.value
        days = age.total_seconds() / 86400
        weights = {
            "unshipped": 70.0,
            "pending": 8.0 if days < 1 else 1.5,
            "shipped": 4 + 5 * days,
            "canceled": 6.0,
        }
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _items(self) -> list[Data]:
        count = self.rng.choices((1, 2, 3), weights=(78, 17, 5))[0]
        products: list[Product] = []
        while len(products) < count:
            product = self.rng.choices(PRODUCTS, weights=[p.weight for p in PRODUCTS])[0]
            if product not in products:
                products.append(product)
        return [
            {
                "sku": (sku := self.rng.choice(p.skus)),
                "asin": self.asins[sku],
                "title": product_title(p, self.locale),
                "quantity": self.rng.choices((1, 2, 3), weights=(85, 12, 3))[0],
                "price": self._price(p.usd_low, p.usd_high),
            }
            for p in products
        ]

    def _price(self, low: float, high: float) -> float | int:
        local = self.rng.uniform(low, high) * self.phrases.currency_per_usd
        if self.phrases.whole_prices:
            return max(100, round(local / 100) * 100 - self.rng.choice((0, 20, 20, 80)))
        return round(math.floor(local) + self.rng.choice((0.99, 0.99, 0.49, 0.95, 0.0)), 2)

    # ---- official requests -----------------------------------------------------------------------

    def add_requests(self, orders: list[Data], count: int, in_messages: int) -> list[str]:
        """Put `count` requests on distinct orders, `in_messages` of them in Messages; their order ids."""
        weights = [self._request_weight(o) for o in orders]
        chosen = weighted_sample(self.rng, [o["id"] for o in orders], weights, count)
        messages = set(self.rng.sample(chosen, in_messages))
        by_id = {o["id"]: o for o in orders}
        for order_id in chosen:
            channel = self.rng.choice(("messages", "both")) if order_id in messages else "manage_orders"
            by_id[order_id]["cancel_request"] = self._request(by_id[order_id], channel)
        return chosen

    def _request_weight(self, order: Data) -> float:
        age_days = (self.now - _purchased(order)).total_seconds() / 86400
        afn = AFN_WEIGHT if order["fulfillment"] == Fulfillment.AFN else 1.0
        return REQUEST_WEIGHT[order["status"]] * afn * (1 + 4 * math.exp(-age_days))

    def _request(self, order: Data, channel: str) -> Data:
        reason = self.rng.choices(range(len(REASON_KEYS)), weights=REASON_WEIGHTS)[0]
        requested = _later(self.rng, _purchased(order) + SELF_CANCEL_WINDOW, self.now, timedelta(hours=3))
        return {"reason": self.phrases.reasons[reason], "requested_at": iso(requested), "channel": channel}

    # ---- threads ---------------------------------------------------------------------------------

    def inquiries(self, orders: list[Data], requested: set[str], count: int) -> list[Data]:
        """`count` buyer messages asking to cancel, on orders without an official request where possible."""
        if count == 0:
            return []
        quiet = [o for o in orders if o["id"] not in requested] or orders
        weights = [
            INQUIRY_WEIGHT[o["status"]] * (AFN_WEIGHT if o["fulfillment"] == Fulfillment.AFN else 1.0)
            for o in quiet
        ]
        targets = weighted_sample(self.rng, [o["id"] for o in quiet], weights, min(count, len(quiet)))
        # More inquiries than quiet orders: some buyers write twice.
        targets += [self.rng.choice(targets) for _ in range(count - len(targets))]
        by_id = {o["id"]: o for o in orders}
        messages = []
        for order_id in targets:
            order = by_id[order_id]
            subject, body = compose_inquiry(self.rng, self.phrases, order["buyer_name"], order_id)
            received = _later(
                self.rng, _purchased(order) + timedelta(minutes=10), self.now, timedelta(hours=8)
            )
            messages.append(self._message(order, order["buyer_name"], subject, body, received))
        return messages

    def ordinary(self, orders: list[Data], requested: set[str], asked: set[str], count: int) -> list[Data]:
        """`count` ordinary buyer messages: questions, thanks and decoys that only mention cancelling.

        They stay off orders with inquiries, and decoys off orders with requests too, so what a correct
        scan finds is exactly the requests and inquiries drawn above.
        """
        pool = [o for o in orders if o["id"] not in asked] or orders
        pool_quiet = [o for o in pool if o["id"] not in requested] or pool
        by_status = {
            (quiet, status): [o for o in (pool_quiet if quiet else pool) if o["status"] == status]
            for quiet in (False, True)
            for status in set(PREFERRED_STATUS.values())
        }
        messages = []
        for _ in range(count):
            kind = pick_ordinary_kind(self.rng)
            order = self._order_for(kind, pool, pool_quiet, by_status)
            name = order["buyer_name"] if order else self.buyer_name()
            # Buyers name a product the short way: "the Ceramic coffee mug", not its listing title.
            title = (order or self.rng.choice(orders))["items"][0]["title"].split(",")[0]
            other = self.rng.choice(orders)["id"]
            if order is not None and other == order["id"]:
                other = self.order_id()
            order_id = order["id"] if order else None
            subject, body = compose_ordinary(
                self.rng, self.phrases, kind, name=name, order_id=order_id, other_order=other, title=title
            )
            if order is None:
                received = self.now - timedelta(
                    seconds=self.rng.randint(60, int(PURCHASE_WINDOW.total_seconds()))
                )
            else:
                received = _later(
                    self.rng, _purchased(order) + timedelta(minutes=10), self.now, timedelta(days=2)
                )
            messages.append(self._message(order, name, subject, body, received))
        return messages

    def _order_for(
        self,
        kind: str,
        pool: list[Data],
        pool_quiet: list[Data],
        by_status: dict[tuple[bool, str], list[Data]],
    ) -> Data | None:
        """The order a message is about; returns and thank-yous mostly on shipped orders, and so on."""
        if kind == "product" and self.rng.random() < 0.4:
            return None  # a question before buying
        quiet = kind in DECOY_KINDS
        wanted = PREFERRED_STATUS.get(kind)
        if wanted and self.rng.random() < 0.7 and (fitting := by_status[quiet, wanted]):
            return self.rng.choice(fitting)
        return self.rng.choice(pool_quiet if quiet else pool)

    @staticmethod
    def _message(order: Data | None, name: str, subject: str, body: str, received: datetime) -> Data:
        message: Data = {"order_id": order["id"]} if order else {}
        message.update({"buyer_name": name, "subject": subject, "body": body, "received_at": iso(received)})
        return message
