"""Buyer messages for generated scenarios: subjects in Amazon's styles, bodies from the phrase tables.

Real inboxes hold the same request in many shapes: with or without a greeting, the order id, a reason
or a signature; on one line or several; polite, curt or shouted; with typos. Bodies are put together
from parts so that a few dozen phrases give thousands of distinct messages, and a classifier cannot
pass by remembering a handful of them.
"""

from __future__ import annotations

from random import Random

from automation.sandbox.generator_phrases import ORDINARY_KINDS, SUBJECT_OF_KIND, LocalePhrases

ORDINARY_WEIGHTS = (25, 20, 8, 12, 6, 6, 8, 15)  # follows ORDINARY_KINDS
PROTECTED_STEMS = ("cancel", "cancle", "annul", "anul", "storn", "stonier")
"""Typos never touch the word that carries the request: that would be a different test."""


def _with_typo(rng: Random, text: str) -> str:
    """Swap two letters inside one longer word, the commonest typing slip."""
    words = text.split(" ")
    candidates = [
        i
        for i, word in enumerate(words)
        if len(word) >= 5 and word.isalpha() and not any(s in word.lower() for s in PROTECTED_STEMS)
    ]
    if not candidates:
        return text
    index = rng.choice(candidates)
    word = words[index]
    at = rng.randrange(1, len(word) - 2)
    words[index] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return " ".join(words)


def _roughen(rng: Random, phrases: LocalePhrases, body: str, typo_share: float) -> str:
    if phrases.word_separator == "":  # no typos or case games in Japanese
        return body
    if rng.random() < typo_share:
        body = _with_typo(rng, body)
    if rng.random() < typo_share / 2:
        body = body.lower()
    return body


def compose_inquiry(rng: Random, phrases: LocalePhrases, name: str, order_id: str) -> tuple[str, str]:
    """A buyer asking, in their own words, to cancel: an inquiry, never an official request."""
    values = {"name": name, "order": order_id}
    greeting = rng.choice(phrases.greetings)
    ask = rng.choice(phrases.asks).format(**values)
    reason = rng.choice(phrases.buyer_reasons)
    closing = rng.choice(phrases.closings).format(**values)
    sep = phrases.word_separator
    if rng.random() < 0.35 or "\n" in closing:
        lines = [greeting, ""] if greeting and rng.random() < 0.5 else [greeting] if greeting else []
        lines += [ask, reason] if reason and rng.random() < 0.5 else [sep.join(p for p in (ask, reason) if p)]
        lines += [closing] if closing else []
        body = "\n".join(lines)
    else:
        body = sep.join(p for p in (greeting, ask, reason, closing) if p)
    subject = phrases.subjects["inquiry"].format(**values)
    return subject, _roughen(rng, phrases, body, typo_share=0.15)


def pick_ordinary_kind(rng: Random) -> str:
    return rng.choices(ORDINARY_KINDS, weights=ORDINARY_WEIGHTS)[0]


def compose_ordinary(
    rng: Random,
    phrases: LocalePhrases,
    kind: str,
    *,
    name: str,
    order_id: str | None,
    other_order: str,
    title: str,
) -> tuple[str, str]:
    """An ordinary buyer message of one kind (a question, a thank-you, or a decoy mentioning cancelling)."""
    style = SUBJECT_OF_KIND[kind]
    if order_id is None:
        style = "product_no_order"
    values = {"name": name, "order": order_id or "", "other_order": other_order, "title": title}
    body = rng.choice(phrases.ordinary[kind]).format(**values)
    subject = phrases.subjects[style].format(**values)
    return subject, _roughen(rng, phrases, body, typo_share=0.05)
