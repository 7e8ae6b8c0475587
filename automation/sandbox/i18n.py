"""The sandbox's own text tables, one YAML file per locale in `i18n/`.

The sandbox and the agent share no text tables (architecture.md): if they did, a wrong text would agree
with itself and no test could catch it. Every visible text, the banner, the reasons, the statuses, the
legacy request template and the date formats live here, so a translation review touches one file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from automation.sandbox.scenario import Locale

I18N_DIR = Path(__file__).resolve().parent / "i18n"


def table_path(locale: Locale) -> Path:
    return I18N_DIR / f"{locale.value}.yaml"


@cache
def load_table(locale: Locale) -> dict[str, Any]:
    """Read one locale's table; cached because every request of a sandbox uses the same one."""
    with table_path(locale).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{table_path(locale)}: a text table is a mapping of sections")
    return data


def flat_keys(table: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted keys of a table (lists are leaves), to check that every locale defines the same texts."""
    keys: set[str] = set()
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            keys |= flat_keys(value, dotted + ".")
        else:
            keys.add(dotted)
    return keys


class Texts:
    """One locale's texts: `texts("orders.count_other", n=3)`; a missing key fails loudly."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self.table = load_table(locale)

    @property
    def html_lang(self) -> str:
        return self.locale.value.replace("_", "-")

    def raw(self, dotted: str) -> Any:
        node: Any = self.table
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"text '{dotted}' is missing from {table_path(self.locale).name}")
            node = node[part]
        return node

    def __call__(self, dotted: str, **values: object) -> str:
        text = self.raw(dotted)
        if not isinstance(text, str):
            raise TypeError(f"text '{dotted}' is not a string")
        return text.format(**values) if values else text

    def count(self, prefix: str, n: int) -> str:
        """`<prefix>_one` for 1, else `<prefix>_other` (enough for the seven locales served)."""
        return self(f"{prefix}_one" if n == 1 else f"{prefix}_other", n=n)

    def sections(self, *names: str) -> dict[str, Any]:
        """The named sections, for a page's script to render with."""
        return {name: self.table[name] for name in names}
