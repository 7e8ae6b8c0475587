"""The sign-in captcha of the `captcha_at_signin` fault: a person can read it, a script should stop.

The characters are drawn as SVG text, each turned a little, over noise lines: plain to a human eye in a
headed browser, and not present anywhere in the page's DOM, so an agent cannot fill it in by accident.
"""

from __future__ import annotations

import random
import secrets
from html import escape

ALPHABET = "ABCDEFHJKLMNPRTUVWXY34678"  # no look-alikes (0/O, 1/I, 2/Z, 5/S, 9/G)
LENGTH = 6


def new_answer(rng: random.Random | None = None) -> str:
    if rng is not None:
        return "".join(rng.choice(ALPHABET) for _ in range(LENGTH))
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def matches(answer: str, guess: str) -> bool:
    return guess.strip().replace(" ", "").upper() == answer


def svg(answer: str, seed: int = 0) -> str:
    rng = random.Random(seed)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="70" viewBox="0 0 240 70">',
        '<rect width="240" height="70" fill="#f3f3f3"/>',
    ]
    for _ in range(7):
        x1, y1, x2, y2 = (rng.randint(0, 240), rng.randint(0, 70), rng.randint(0, 240), rng.randint(0, 70))
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#9aa" stroke-width="1.5"/>')
    for i, char in enumerate(answer):
        x, y, angle = 18 + i * 36, 48 + rng.randint(-6, 6), rng.randint(-18, 18)
        parts.append(
            f'<text x="{x}" y="{y}" transform="rotate({angle} {x} {y})" font-family="monospace" '
            f'font-size="34" font-weight="bold" fill="#233">{escape(char)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
