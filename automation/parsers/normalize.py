"""Text folding shared by the parsers and the classifier: one definition of "the same text".

Seller Central shows the same word with different case, accents, spacing (no-break and narrow no-break
spaces in EU prices), full-width forms (JP) and curly apostrophes. Every comparison in the parsers folds
both sides with `fold`, so a locale file can be written as the page shows it and still match. Accents are
dropped only from Latin letters: decomposing Japanese kana would split voiced marks off (ガ -> カ + ゛).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "＇": "'"})
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63]")
_SPACES = re.compile(r"\s+")
ORDER_ID_RE = re.compile(r"(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])")
"""Amazon's 3-7-7 order id (seller-central.md §6); other shapes (MCF) are not retail FBM orders."""
_CJK_START = 0x2E80
"""Code points from here on (CJK, kana, full-width forms) are written without spaces between words."""


def is_cjk(char: str) -> bool:
    """True for characters of scripts written without spaces between words (Japanese here)."""
    return ord(char) >= _CJK_START


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).casefold()
    out = []
    for part in folded:
        if 0x300 <= ord(part) < 0x370:  # a combining accent typed separately (e + ´)
            continue
        if ord(part) < 0x250:  # Latin: drop the accent, keep the letter
            base = unicodedata.normalize("NFD", part)
            out.append("".join(c for c in base if not unicodedata.combining(c)))
        else:
            out.append(part)
    return "".join(out).translate(_APOSTROPHES)


def fold(text: str) -> str:
    """Case-folded, accent-free (Latin), NFKC text with single spaces and straight apostrophes."""
    return fold_with_map(text)[0]


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the index of the original character it came from.

    The map lets a match found in folded text be reported with the page's own spelling.
    """
    chars: list[str] = []
    origin: list[int] = []
    pending_space = False
    for index, char in enumerate(text):
        folded = _fold_char(char)
        for part in folded:
            if part.isspace():
                pending_space = bool(chars)
                continue
            if pending_space:
                chars.append(" ")
                origin.append(index)
                pending_space = False
            chars.append(part)
            origin.append(index)
    return "".join(chars), origin


def compact(text: str) -> str:
    """Folded text with every non-alphanumeric character removed: for comparing labels and subjects.

    "Amazon-Kunde", "Amazon Kunde" and "amazon kunde:" all become "amazonkunde". "cancell" is spelled
    "cancel" so that the US and UK spellings compare equal.
    """
    return "".join(c for c in fold(text) if c.isalnum()).replace("cancell", "cancel")


def chunks_in_order(text: str, chunks: tuple[str, ...], *, anchored: bool) -> bool:
    """Every chunk of a subject template's literal parts appears in `text`, in order, without overlap;
    with `anchored`, the first one opens it. How a compacted subject is told to fit its template, in
    Seller Central's thread subjects and in Amazon's e-mail subjects alike."""
    position = 0
    for i, chunk in enumerate(chunks):
        found = text.find(chunk, position)
        if found < 0 or (i == 0 and anchored and found != 0):
            return False
        position = found + len(chunk)
    return True


def nfkc(text: str) -> str:
    """NFKC with ASCII hyphens: full-width digits and dashes in order ids become plain ones."""
    return _DASHES.sub("-", unicodedata.normalize("NFKC", text))


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def find_order_ids(text: str) -> list[str]:
    """Every 3-7-7 order id in the text, in order of appearance, without repeats."""
    seen: list[str] = []
    for match in ORDER_ID_RE.finditer(nfkc(text)):
        if match.group(0) not in seen:
            seen.append(match.group(0))
    return seen


_LABEL_SEPARATOR = re.compile(r"\s*[:：]\s*")


def split_label(line: str, labels: tuple[str, ...], *, require_colon: bool = False) -> str | None:
    """The value after one of `labels` at the start of `line` ("Quantity: 2" -> "2"), else None.

    The label is compared folded and with or without its colon (with it only, for `require_colon`:
    free text such as a message body must not be read as a label); the value keeps the page's spelling.
    Longer labels are tried first so "Cancellation reason" wins over "Reason".
    """
    folded, origin = fold_with_map(line.strip())
    stripped = line.strip()
    for label in sorted(labels, key=len, reverse=True):
        key = fold(label).rstrip(":： ")
        if not key or not folded.startswith(key):
            continue
        rest = folded[len(key) :]
        colon = _LABEL_SEPARATOR.match(rest)
        if colon:
            start = len(key) + colon.end()
        elif require_colon or (rest and not rest.startswith(" ")):
            continue  # "Quantity" must not match "Quantityx", nor "理由" match "理由が…"
        else:
            start = len(key) + (1 if rest else 0)
        if start >= len(folded):
            return ""
        return stripped[origin[start] :].strip()
    return None
