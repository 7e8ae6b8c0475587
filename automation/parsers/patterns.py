"""The lexicon's small pattern language: words, stems, gaps and the `{cancel}` slot.

Locale files write the classifier's phrases in it so that an operator can add a phrasing without
touching code (selectors/locales/README.md):

- `word` matches that word, `stem*` any word starting with the stem;
- `~` skips up to 3 words (`~5`: up to 5), so "do not ~ {cancel}" also matches "do not want you to cancel";
- `{cancel}` matches any cancel term of any language, typos included (the caller marks those words);
- a pattern holding Japanese characters is matched inside the text (no spaces needed), `~` skipping up to
  4 characters.

Matching works on folded text (`normalize.fold`): case, accents and apostrophe styles do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from automation.parsers.normalize import fold, is_cjk

CANCEL_SLOT = "{cancel}"
DEFAULT_GAP = 3
CJK_GAP_CHARS = 4

_WORD_CHARS = r"[^\W_\u2e80-\U0010ffff]"
_TOKEN_RE = re.compile(rf"{_WORD_CHARS}+(?:'{_WORD_CHARS}+)*")
_GAP_RE = re.compile(r"^~(\d*)$")
# fmt: off
_ELISIONS = frozenset({"l", "d", "n", "j", "s", "c", "m", "t", "qu", "jusqu", "lorsqu", "puisqu",
                       "un", "dell", "all", "nell", "sull", "dall", "quell", "po"})
# fmt: on
"""French and Italian elided words split from the next word ("n'annulez" -> "n", "annulez"); English
contractions ("don't", "I'd") stay one word."""


def words(folded: str) -> list[str]:
    """The words of a folded text; Japanese runs are not words (they are matched as substrings)."""
    out: list[str] = []
    for token in _TOKEN_RE.findall(folded):
        head, sep, tail = token.partition("'")
        if sep and head in _ELISIONS and tail:
            out.extend((head, tail))
        else:
            out.append(token)
    return out


def has_cjk(text: str) -> bool:
    return any(is_cjk(c) for c in text)


def within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance of at most 1 (one insertion, deletion, change or swap)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


@dataclass(frozen=True)
class Step:
    """One element of a word pattern."""

    kind: Literal["word", "stem", "gap", "cancel"]
    value: str = ""
    size: int = 0


def parse_word_pattern(pattern: str) -> tuple[Step, ...]:
    """Steps of a pattern without Japanese characters; a `ValueError` says what is wrong with it."""
    steps: list[Step] = []
    for raw in pattern.split():
        gap = _GAP_RE.match(raw)
        if gap:
            steps.append(Step("gap", size=int(gap.group(1) or DEFAULT_GAP)))
        elif raw == CANCEL_SLOT:
            steps.append(Step("cancel"))
        else:
            stem = raw.endswith("*")
            parts = words(fold(raw.rstrip("*")))
            if not parts:
                raise ValueError(f"pattern {pattern!r}: {raw!r} is not a word")
            steps.extend(Step("word", part) for part in parts[:-1])
            steps.append(Step("stem" if stem else "word", parts[-1]))
    if not steps or steps[0].kind == "gap" or steps[-1].kind == "gap":
        raise ValueError(f"pattern {pattern!r}: must start and end with a word, not with ~")
    return tuple(steps)


def check_pattern(pattern: str) -> None:
    """Validate one lexicon pattern (used by the locale file model)."""
    if not pattern.strip():
        raise ValueError("empty pattern")
    if has_cjk(pattern):
        cjk_regex(pattern, ("x",))
    else:
        parse_word_pattern(pattern)


def cjk_regex(pattern: str, cancel_terms: Sequence[str]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(t) for t in sorted(cancel_terms, key=len, reverse=True))
    out = []
    for raw in pattern.split():
        gap = _GAP_RE.match(raw)
        if gap:
            out.append(f".{{0,{int(gap.group(1) or CJK_GAP_CHARS)}}}?")
            continue
        for i, piece in enumerate(raw.split(CANCEL_SLOT)):
            if i:
                out.append(f"(?:{alternation})")
            out.append(re.escape(fold(piece).replace(" ", "")))
    return re.compile("".join(out))


@dataclass(frozen=True)
class Pattern:
    """A compiled lexicon pattern, with its text as written and its language (the verdict's language)."""

    source: str
    language: str
    steps: tuple[Step, ...] | None
    regex: re.Pattern[str] | None
    fuzzy: bool = False
    """Words of 5+ letters also match with one typo ("plesae" for "please"): for request cues, where a
    missed cue loses a buyer's request; never for negations, where a near-miss would invert a verdict."""


FUZZY_WORD_LENGTH = 5


def _word_matches(token: str, word: str, fuzzy: bool) -> bool:
    if token == word:
        return True
    return fuzzy and min(len(token), len(word)) >= FUZZY_WORD_LENGTH and within_one_edit(token, word)


def _match_at(
    steps: tuple[Step, ...],
    si: int,
    tokens: Sequence[str],
    ti: int,
    cancel_at: Sequence[bool],
    *,
    fuzzy: bool = False,
) -> bool:
    if si == len(steps):
        return True
    step = steps[si]
    if step.kind == "gap":
        return any(
            _match_at(steps, si + 1, tokens, ti + skip, cancel_at, fuzzy=fuzzy)
            for skip in range(step.size + 1)
            if ti + skip <= len(tokens)
        )
    if ti >= len(tokens):
        return False
    token = tokens[ti]
    if step.kind == "cancel":
        ok = cancel_at[ti]
    elif step.kind == "stem":
        ok = token.startswith(step.value)
    else:
        ok = _word_matches(token, step.value, fuzzy)
    return ok and _match_at(steps, si + 1, tokens, ti + 1, cancel_at, fuzzy=fuzzy)


def pattern_matches(
    pattern: Pattern, tokens: Sequence[str], cancel_at: Sequence[bool], cjk_text: str
) -> bool:
    """Whether a pattern occurs in a clause (its words, cancel flags and space-free folded text)."""
    if pattern.regex is not None:
        return pattern.regex.search(cjk_text) is not None
    assert pattern.steps is not None
    return any(
        _match_at(pattern.steps, 0, tokens, start, cancel_at, fuzzy=pattern.fuzzy)
        for start in range(len(tokens))
    )


def compile_patterns(
    patterns: Sequence[tuple[str, str]], cjk_cancel: Sequence[str], *, fuzzy: bool = False
) -> tuple[Pattern, ...]:
    out: list[Pattern] = []
    seen: set[tuple[str, str]] = set()
    for source, language in patterns:
        if (source, language) in seen:
            continue
        seen.add((source, language))
        if has_cjk(source):
            out.append(Pattern(source, language, None, cjk_regex(source, cjk_cancel)))
        else:
            out.append(Pattern(source, language, parse_word_pattern(source), None, fuzzy))
    return tuple(out)
