"""Warnings about rules that load fine but may never do what their author meant (`sc-cancel rules check`).

A `reason_matches` expression is searched in the buyer's reason as the store shows it, in the store's
language: `(?i)mistake|cheaper` holds for a US store and never for a German or Japanese one. The known
reason texts of each locale (`selectors/locales/*.yaml`, `buyer_reasons`) show whether an expression can
match at all. It is a warning, not an error: a store may show a wording the locale files do not know yet.
Pure: the caller passes the rules and the texts.
"""

from __future__ import annotations

from collections.abc import Sequence

from automation.parsers.reasons import ReasonKey, ReasonText
from automation.rules.loader import LoadedRules


def reason_pattern_warnings(
    loaded: LoadedRules, known: Sequence[ReasonText], locales: Sequence[str] | None = None
) -> list[str]:
    """One warning per rule whose `reason_matches` matches no known reason text.

    With `locales` (the locales of the accounts using the file), every locale in which the expression
    matches none of that locale's texts is named; without, the expression is checked against every
    locale's texts together and warned about only when it matches none of them.
    """
    warnings: list[str] = []
    for index, rule in enumerate(loaded.ruleset.rules):
        pattern = rule.when.reason_matches
        if pattern is None:
            continue
        hits = [t for t in known if pattern.search(t.text)]
        if locales is None:
            if hits:
                continue
            found = "matches none of the buyer reasons the locale files know, in any language"
        else:
            matched = {t.locale for t in hits}
            missing = sorted({name for name in locales if name not in matched})
            if not missing:
                continue
            found = (
                f"matches none of the buyer reasons known in {', '.join(missing)}: it would never hold for "
                f"{'that store' if len(missing) == 1 else 'those stores'}"
            )
        place = _where(loaded, ("rules", index, "when", "reason_matches"))
        warnings.append(
            f"{place}: rule '{rule.name}': when.reason_matches: \"{pattern.pattern}\" {found} "
            f"— {_advice(hits)}"
        )
    return warnings


def _advice(hits: Sequence[ReasonText]) -> str:
    keys = [key for key in ReasonKey if any(t.key is key for t in hits)]
    if keys:
        return (
            f"use `reason_in: [{', '.join(keys)}]` instead (the reasons it matches in other languages), "
            "which works in every language"
        )
    every = ", ".join(ReasonKey)
    return f"use `reason_in` with sc-cancel's reason keys ({every}), which works in every language"


def _where(loaded: LoadedRules, loc: tuple[str | int, ...]) -> str:
    if loaded.document is None:
        return str(loaded.path)
    return loaded.document.where(loc)
