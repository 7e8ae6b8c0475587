"""Is a Buyer-Seller Messages thread an official cancellation request, a buyer asking to cancel, or neither?

The distinction is the seller's metric (field-notes.md §0): a thread in Amazon's legacy request template
is an official request (cancelling it with Buyer Canceled is free), while a buyer's own words asking to
cancel are an inquiry (cancelling for it counts against the Cancellation Rate). Decoys must stay out of
both: "please do not cancel", a question about an item that was already cancelled, a return, "noise
cancelling". The buyer may write in any of the seven languages, mix them, and misspell.

How a message is read:
1. The subject in a legacy template (`templates.py`) decides `official` by itself; the body, if given,
   yields the order, reason and request time.
2. Otherwise the text is cut into clauses: sentences, then at contrastive words ("but", "aber") and
   before "please"-like words, so a negation never reaches across them.
3. Each clause holding a cancel term is judged, strongest first: negated ("do not ~ {cancel}") >
   context (already cancelled, a return, another sense) > request (a cue such as "please", "could you",
   or a clause that starts with the verb: "Cancel my order") > mere mention.
4. Any request clause makes the thread an `inquiry`, about the order id named in or next to that clause,
   else the thread's order. With nothing decisive in a cut-off snippet the verdict is `undecided`, and the
   caller opens the thread and asks again with the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from automation.models import Record
from automation.parsers.lexicon import CompiledLexicon, compile_lexicon
from automation.parsers.normalize import find_order_ids, fold, nfkc
from automation.parsers.patterns import Pattern, pattern_matches, words
from automation.parsers.templates import is_inquiry_subject, legacy_request_subject, read_legacy_body

if TYPE_CHECKING:
    from automation.parsers.locale_texts import LocaleTexts

Kind = Literal["official", "inquiry", "other", "undecided"]
_SENTENCES = re.compile(r"(?:[.!?;…]+|,|\s[-–—]\s)(?=\s|$)|[。！？；，、\n\r]+|\.{3}|[:：](?=\D|$)")
_EVIDENCE_CHARS = 200
SUBJECT = -1


class Verdict(Record):
    """What a thread is, about which order, and the words that decided it."""

    kind: Kind
    order_id: str | None = None
    reason: str | None = None
    """The buyer's reason, from a legacy template body."""
    requested_at: datetime | None = None
    """When the request was made (UTC), from a legacy template body."""
    language: str | None = None
    """ISO 639-1 code of the words that decided (or of the template's locale)."""
    evidence: str | None = None
    """The subject or sentence that decided, as written."""


@dataclass(frozen=True)
class _Clause:
    sentence: str
    index: int
    folded: str
    words: tuple[str, ...]
    cancel_at: tuple[bool, ...]
    cjk_text: str
    cancel_language: str | None


FindingKind = Literal["negated", "context", "request", "mention"]


@dataclass(frozen=True)
class _Finding:
    kind: FindingKind
    clause: _Clause
    language: str | None


def classify(
    subject: str,
    text: str,
    *,
    thread_order_id: str | None,
    truncated: bool,
    texts: Mapping[str, LocaleTexts],
) -> Verdict:
    """Classify one thread from its subject and its (latest buyer message's) text.

    `texts` holds the locales to read with; their order sets the preference where two locales read a
    text differently (put the account's locale first). `truncated` says the text is a cut-off snippet.
    """
    lexicon = compile_lexicon(texts)
    official = legacy_request_subject(subject, texts, lexicon)
    if official is not None:
        body = read_legacy_body(text, official.locale, texts)
        subject_ids = find_order_ids(subject)
        return Verdict(
            kind="official",
            order_id=(subject_ids[0] if subject_ids else None) or body.order_id or thread_order_id,
            reason=body.reason,
            requested_at=body.requested_at,
            language=texts[official.locale].language,
            evidence=subject.strip(),
        )
    sentences = _sentences(text)
    clauses = [c for i, s in enumerate(sentences) for c in _clauses(s, i, lexicon)]
    if not is_inquiry_subject(subject, texts):
        clauses = [*_clauses(subject, SUBJECT, lexicon), *clauses]
    findings = [f for f in (_judge(c, lexicon) for c in clauses) if f is not None]
    request = next((f for f in findings if f.kind == "request"), None)
    if request is not None:
        order_id = _order_for(request.clause, subject, sentences, thread_order_id)
        cut_short = truncated and request.clause.index == len(sentences) - 1
        if not (cut_short and not find_order_ids(request.clause.sentence)):
            return _verdict("inquiry", request, order_id, text, lexicon)
    if truncated:
        return Verdict(kind="undecided", order_id=thread_order_id)
    decoy = next((f for f in findings if f.kind in ("negated", "context")), None)
    return _verdict("other", decoy or next(iter(findings), None), thread_order_id, text, lexicon)


def _verdict(
    kind: Kind, finding: _Finding | None, order_id: str | None, text: str, lexicon: CompiledLexicon
) -> Verdict:
    if finding is None:
        return Verdict(kind=kind, order_id=order_id)
    folded = fold(text)
    language = lexicon.language_of(words(folded), folded.replace(" ", ""), finding.language)
    return Verdict(
        kind=kind,
        order_id=order_id,
        language=language,
        evidence=finding.clause.sentence.strip()[:_EVIDENCE_CHARS],
    )


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCES.split(nfkc(text)) if s and s.strip()]


def _clauses(sentence: str, index: int, lexicon: CompiledLexicon) -> list[_Clause]:
    """A sentence's clauses: split at contrastive words ("but", dropped) and before polite openers
    ("please", kept), so a negation does not reach across them. A piece opened by "please" that holds
    no cancel term stays with the clause before it: "cancel it please", "stornieren Sie … bitte nicht".
    """
    folded = fold(sentence)
    pieces = lexicon.break_splitter.split(folded) if lexicon.break_splitter else [folded]
    clauses: list[_Clause] = []
    for piece in pieces:
        parts = lexicon.start_splitter.split(piece) if lexicon.start_splitter else [piece]
        merged: list[_Clause] = []
        for part in parts:
            if not part.strip():
                continue
            clause = _clause(sentence, index, part, lexicon)
            if merged and clause.cancel_language is None:
                merged[-1] = _clause(sentence, index, f"{merged[-1].folded} {part}", lexicon)
            else:
                merged.append(clause)
        clauses.extend(merged)
    return clauses


def _clause(sentence: str, index: int, part: str, lexicon: CompiledLexicon) -> _Clause:
    tokens = tuple(words(part))
    terms = [lexicon.cancel_term(w) for w in tokens]
    cjk_text = part.replace(" ", "")
    cjk_hits = lexicon.cjk_cancel_terms(cjk_text)
    first = next((t.language for t in terms if t is not None), None)
    language = first or (cjk_hits[0][1] if cjk_hits else None)
    return _Clause(sentence, index, part, tokens, tuple(t is not None for t in terms), cjk_text, language)


def _judge(clause: _Clause, lexicon: CompiledLexicon) -> _Finding | None:
    """The strongest reading of one clause, or None when it holds no cancel term."""
    if clause.cancel_language is None:
        return None
    ranked: tuple[tuple[FindingKind, tuple[Pattern, ...]], ...] = (
        ("negated", lexicon.negations),
        ("context", lexicon.contexts),
        ("request", lexicon.cues),
    )
    for kind, patterns in ranked:
        for pattern in patterns:
            if pattern_matches(pattern, clause.words, clause.cancel_at, clause.cjk_text):
                return _Finding(kind, clause, pattern.language)
    opening = next((w for w in clause.words if w not in lexicon.fillers and not w.isdigit()), None)
    if opening is not None and opening in lexicon.request_forms:
        return _Finding("request", clause, lexicon.request_forms[opening])
    return _Finding("mention", clause, clause.cancel_language)


def _order_for(
    clause: _Clause, subject: str, sentences: list[str], thread_order_id: str | None
) -> str | None:
    """The order a request is about: an id in its sentence, else in the next or previous one, else the
    thread's ("Please cancel. The order is 111-…" and "My order 111-…. Please cancel it" both name it)."""
    if clause.index == SUBJECT:
        ids = find_order_ids(subject)
        return ids[0] if ids else thread_order_id
    for neighbour in (clause.index, clause.index + 1, clause.index - 1):
        if 0 <= neighbour < len(sentences):
            ids = find_order_ids(sentences[neighbour])
            if ids:
                return ids[0]
    subject_ids = find_order_ids(subject)
    return thread_order_id or (subject_ids[0] if subject_ids else None)
