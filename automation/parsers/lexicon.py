"""The classifier's word lists of every loaded locale, merged and compiled once.

A buyer may write in any of the seven languages or mix two, so all lexicons are read together; their
phrases use the pattern language of `patterns.py`. Cancel terms tolerate one typo (edit distance 1, a
swap of two neighbours counting as one) in words of five letters or more: "cancle", "cancell",
"storniren", "anuller". The `lookalikes` list names real words that a typo rule would otherwise take for
a cancel term ("cancer", "annual").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from automation.parsers.memo import by_values_identity
from automation.parsers.normalize import fold
from automation.parsers.patterns import Pattern, compile_patterns, has_cjk, within_one_edit, words

if TYPE_CHECKING:
    from automation.parsers.locale_texts import LocaleTexts

_MAX_MEMO_WORDS = 50_000
FUZZY_MIN_LENGTH = 5
"""Words shorter than this must match exactly: one edit in a short word makes too many other words."""


@dataclass(frozen=True)
class CancelTerm:
    value: str
    stem: bool
    language: str

    def matches(self, word: str) -> bool:
        v = self.value
        if self.stem:
            if word.startswith(v):
                return True
            fuzzy_ok = len(v) >= FUZZY_MIN_LENGTH and len(word) >= FUZZY_MIN_LENGTH
            return fuzzy_ok and (within_one_edit(word[: len(v)], v) or within_one_edit(word[: len(v) + 1], v))
        if word == v:
            return True
        return len(v) >= FUZZY_MIN_LENGTH and len(word) >= FUZZY_MIN_LENGTH and within_one_edit(word, v)


@dataclass(frozen=True)
class CompiledLexicon:
    """All languages' lexicons together: a buyer may write in any of them, or mix two."""

    word_terms: tuple[CancelTerm, ...]
    cjk_terms: tuple[tuple[str, str], ...]
    lookalikes: frozenset[str]
    negations: tuple[Pattern, ...]
    contexts: tuple[Pattern, ...]
    cues: tuple[Pattern, ...]
    request_forms: Mapping[str, str]
    fillers: frozenset[str]
    start_words: frozenset[str]
    break_splitter: re.Pattern[str] | None
    start_splitter: re.Pattern[str] | None
    vocabulary: Mapping[str, frozenset[str]]
    """Word -> the languages whose lexicon uses it: a vote for the language a message is written in."""
    _terms_by_word: dict[str, CancelTerm | None] = field(default_factory=dict, compare=False, repr=False)

    def cancel_term(self, word: str) -> CancelTerm | None:
        """The cancel term a word is (typos included), or None; lookalikes never are."""
        if word in self._terms_by_word:
            return self._terms_by_word[word]
        found = None
        if word not in self.lookalikes:
            found = next((term for term in self.word_terms if term.matches(word)), None)
        if len(self._terms_by_word) < _MAX_MEMO_WORDS:
            self._terms_by_word[word] = found
        return found

    def cjk_cancel_terms(self, text: str) -> list[tuple[str, str]]:
        return [(term, lang) for term, lang in self.cjk_terms if term in text]

    def language_of(self, tokens: Sequence[str], cjk_text: str, fallback: str | None) -> str | None:
        """The language most of the words belong to; `fallback` on a tie (or with no known word)."""
        votes: dict[str, int] = {}
        for token in tokens:
            for language in self.vocabulary.get(token, ()):
                votes[language] = votes.get(language, 0) + 1
        if self.cjk_cancel_terms(cjk_text):
            for _, language in self.cjk_terms:
                votes[language] = votes.get(language, 0) + 1
        if not votes:
            return fallback
        best = max(votes.values())
        leaders = [language for language, count in votes.items() if count == best]
        return fallback if fallback in leaders else leaders[0]


@by_values_identity
def compile_lexicon(texts: Mapping[str, LocaleTexts]) -> CompiledLexicon:
    """Merge and compile the lexicons of every loaded locale (once per set of loaded locales)."""
    word_terms: list[CancelTerm] = []
    cjk_terms: list[tuple[str, str]] = []
    lookalikes: set[str] = set()
    negations: list[tuple[str, str]] = []
    contexts: list[tuple[str, str]] = []
    cues: list[tuple[str, str]] = []
    request_forms: dict[str, str] = {}
    fillers: set[str] = set()
    breaks: list[str] = []
    starts: list[str] = []
    vocabulary: dict[str, set[str]] = {}
    for locale_texts in texts.values():
        lex, lang = locale_texts.lexicon, locale_texts.language
        for term in lex.cancel_terms:
            folded = fold(term)
            if has_cjk(folded):
                if (folded, lang) not in cjk_terms:
                    cjk_terms.append((folded, lang))
            else:
                word_terms.append(CancelTerm(folded.rstrip("*"), folded.endswith("*"), lang))
        lookalikes.update(fold(w) for w in lex.lookalikes)
        negations.extend((p, lang) for p in lex.negations)
        contexts.extend((p, lang) for p in (*lex.already_cancelled, *lex.returns, *lex.other_senses))
        cues.extend((p, lang) for p in lex.request_cues)
        for form in lex.request_forms:
            folded = fold(form)
            if has_cjk(folded):
                cues.append((form, lang))
            else:
                request_forms.setdefault(folded, lang)
        fillers.update(fold(w) for w in lex.fillers)
        breaks.extend(fold(w) for w in lex.clause_breaks)
        starts.extend(fold(w) for w in lex.clause_starts)
        for phrase in (
            *lex.cancel_terms,
            *lex.request_cues,
            *lex.request_forms,
            *lex.negations,
            *lex.already_cancelled,
            *lex.returns,
            *lex.fillers,
            *lex.clause_starts,
        ):
            for word in words(fold(phrase.replace("*", ""))):
                if word != "cancel":
                    vocabulary.setdefault(word, set()).add(lang)
    cjk_cancel = [t for t, _ in cjk_terms] or ["\uffff"]
    unique_terms = tuple(dict.fromkeys(word_terms))
    return CompiledLexicon(
        word_terms=unique_terms,
        cjk_terms=tuple(cjk_terms),
        lookalikes=frozenset(lookalikes),
        negations=compile_patterns(negations, cjk_cancel),
        contexts=compile_patterns(contexts, cjk_cancel),
        cues=compile_patterns(cues, cjk_cancel, fuzzy=True),
        request_forms=request_forms,
        fillers=frozenset(fillers),
        start_words=frozenset(w for s in starts for w in words(s)),
        break_splitter=re.compile(_alternation(breaks)) if breaks else None,
        start_splitter=re.compile(f"(?=(?:{_alternation(starts)}))") if starts else None,
        vocabulary={word: frozenset(langs) for word, langs in vocabulary.items()},
    )


def _alternation(phrases: Sequence[str]) -> str:
    """Latin phrases as whole words (any spacing between them), Japanese ones anywhere."""
    latin = sorted({p for p in phrases if not has_cjk(p)}, key=len, reverse=True)
    cjk = sorted({p for p in phrases if has_cjk(p)}, key=len, reverse=True)
    parts = []
    if latin:
        body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in latin)
        parts.append(rf"(?<![^\W_])(?:{body})(?![^\W_])")
    parts.extend(re.escape(p) for p in cjk)
    return "|".join(parts)
