"""Selector files (`selectors/<page_key>.yaml`) loaded into typed candidates and resolved on a page.

Selectors are data so that an operator can follow a changed page by editing YAML, never code. Each
element lists candidates in preference order (test id, role and name, label, CSS; XPath last since it
does not pierce shadow roots); at run time they are combined with `Locator.or_()` so one auto-wait covers
them all, and `sc-cancel selectors check` resolves each one separately to show drift early. Visible texts
are never written here: a candidate refers to a text key of `selectors/locales/<locale>.yaml`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from automation.errors import BadInputError
from automation.selector_keys import ListSpec, ThreadsSpec
from automation.strict_model import StrictModel
from automation.verified_texts import load_verified_texts
from automation.yaml_source import YamlError, load_model

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

SELECTOR_FORMAT = 1
PAGE_KEYS = ("common", "signin", "manage_orders", "order_details", "cancel_order", "messages")

TextLookup = Callable[[str], Sequence[str]]


class Candidate(StrictModel):
    """One way to find an element. Exactly one of the finders is set."""

    test_id: str | None = Field(default=None, description="data-test-id value")
    role: str | None = Field(default=None, description="ARIA role, with `name` or `name_key`")
    name_key: str | None = Field(default=None, description="locale text key for the accessible name")
    label_key: str | None = Field(default=None, description="locale text key of the element's label")
    text_key: str | None = Field(default=None, description="locale text key of the element's text")
    css: str | None = None
    xpath: str | None = Field(default=None, description="last resort: does not pierce shadow roots")
    exact: bool = False

    @model_validator(mode="after")
    def _one_finder(self) -> Candidate:
        finders = [
            f for f in ("test_id", "role", "label_key", "text_key", "css", "xpath") if getattr(self, f)
        ]
        if len(finders) != 1:
            raise ValueError("give exactly one of test_id, role, label_key, text_key, css, xpath")
        if self.name_key and not self.role:
            raise ValueError("name_key goes with role")
        return self

    def describe(self) -> str:
        for finder in ("test_id", "role", "label_key", "text_key", "css", "xpath"):
            value = getattr(self, finder)
            if value:
                extra = f" name={self.name_key}" if finder == "role" and self.name_key else ""
                return f"{finder}={value}{extra}"
        return "?"  # pragma: no cover - validated above


class SelectorFile(StrictModel):
    """One page's selectors."""

    page: str
    format: int = SELECTOR_FORMAT
    url_path: str | None = None
    verified_on: date | None = None
    source: str | None = None
    landmarks: list[str] = Field(
        default_factory=list, description="elements proving the page is what we expect"
    )
    may_be_absent: list[str] = Field(
        default_factory=list,
        description="elements a page often does not show (error boxes, empty states, other sign-in steps): "
        "`selectors check` reports them missing as expected, not as drift; default: none",
    )
    elements: dict[str, list[Candidate]] = Field(default_factory=dict)
    fields: dict[str, list[str]] = Field(
        default_factory=dict, description="CSS candidates used inside rows when reading tables and lists"
    )
    responses: dict[str, str] = Field(
        default_factory=dict,
        description="URL globs of the JSON the page itself fetches, awaited after a click that reloads data",
    )
    lists: dict[str, ListSpec] = Field(
        default_factory=dict, description="how each list of rows is found, reloads, grows and names its rows"
    )
    threads: ThreadsSpec | None = Field(default=None, description="how threads are told apart and read")
    signed_in: list[str] | None = Field(
        default=None,
        description="common.yaml: elements showing a signed-in page (default: its landmarks); any "
        "landmark of the page asked for counts too",
    )

    @model_validator(mode="after")
    def _consistent(self) -> SelectorFile:
        if self.format > SELECTOR_FORMAT:
            raise ValueError(f"format {self.format} is newer than this sc-cancel understands")
        for key, names in (("landmarks", self.landmarks), ("may_be_absent", self.may_be_absent)):
            missing = [name for name in names if name not in self.elements]
            if missing:
                raise ValueError(f"{key} name unknown elements: {', '.join(missing)}")
        for name, candidates in self.elements.items():
            if not candidates:
                raise ValueError(f"element '{name}' lists no candidates")
        for name, css in self.fields.items():
            if not css:
                raise ValueError(f"field '{name}' lists no candidates")
        for name, spec in self.lists.items():
            unknown = [e for e in spec.elements() if e not in self.elements]
            unknown += [f for f in spec.fields() if f not in self.fields]
            if spec.response is not None and spec.response not in self.responses:
                unknown.append(spec.response)
            if unknown:
                raise ValueError(
                    f"lists.{name} names unknown elements, fields or responses: {', '.join(unknown)}"
                )
        link = self.threads.link if self.threads is not None else None
        if link is not None and link not in self.fields:
            raise ValueError(f"threads.link names an unknown field: {link}")
        missing = [name for name in self.signed_in or [] if name not in self.elements]
        if missing:
            raise ValueError(f"signed_in names unknown elements: {', '.join(missing)}")
        return self

    def signed_in_elements(self) -> list[str]:
        return list(self.signed_in) if self.signed_in is not None else list(self.landmarks)

    def candidates(self, element: str) -> list[Candidate]:
        try:
            return self.elements[element]
        except KeyError:
            raise BadInputError(
                f"selectors/{self.page}.yaml has no element '{element}' (the agent needs it)"
            ) from None

    def field(self, name: str) -> list[str]:
        try:
            return self.fields[name]
        except KeyError:
            raise BadInputError(
                f"selectors/{self.page}.yaml has no field '{name}' (the agent needs it)"
            ) from None


@cache
def _load(path: Path, mtime: float) -> SelectorFile:
    return load_model(SelectorFile, path)


def load_selector_file(selectors_dir: Path, page_key: str) -> SelectorFile:
    path = selectors_dir / f"{page_key}.yaml"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise YamlError(path, [f"{path}: selector file not found (page key '{page_key}')"]) from None
    selector_file = _load(path, mtime)
    if selector_file.page != page_key:
        raise YamlError(path, [f"{path}: says page '{selector_file.page}', expected '{page_key}'"])
    return selector_file


def load_all_selector_files(selectors_dir: Path) -> dict[str, SelectorFile]:
    """Validate every selector file before any browser starts."""
    if not selectors_dir.is_dir():
        raise BadInputError(
            f"{selectors_dir}: selector folder not found — check --selectors or the selectors_dir setting"
        )
    files = {key: load_selector_file(selectors_dir, key) for key in PAGE_KEYS}
    load_verified_texts(selectors_dir)  # validated now too, though read only when rows are
    return files


def locate(root: Page | Locator, candidate: Candidate, texts: TextLookup) -> Locator:
    """The Playwright locator for one candidate (text candidates: any of the locale's variants)."""
    import re

    def alternatives(key: str) -> re.Pattern[str] | str:
        options = list(texts(key))
        if not options:
            raise BadInputError(f"selectors/locales has no text '{key}' for this locale")
        if len(options) == 1 and candidate.exact:
            return options[0]
        body = "|".join(re.escape(o) for o in options)
        return re.compile(f"^\\s*(?:{body})\\s*$" if candidate.exact else body, re.IGNORECASE)

    if candidate.test_id:
        return root.locator(f'[data-test-id="{candidate.test_id}"]')
    if candidate.role:
        name = alternatives(candidate.name_key) if candidate.name_key else None
        return root.get_by_role(candidate.role, name=name)  # type: ignore[arg-type]
    if candidate.label_key:
        return root.get_by_label(alternatives(candidate.label_key))
    if candidate.text_key:
        return root.get_by_text(alternatives(candidate.text_key))
    if candidate.css:
        return root.locator(f"css={candidate.css}")
    return root.locator(f"xpath={candidate.xpath}")


def resolve(root: Page | Locator, candidates: Sequence[Candidate], texts: TextLookup) -> Locator:
    """All candidates joined with `or_()`; `.first` keeps strict mode happy when several match."""
    combined: Locator | None = None
    for candidate in candidates:
        loc = locate(root, candidate, texts)
        combined = loc if combined is None else combined.or_(loc)
    assert combined is not None
    return combined.first


@dataclass(frozen=True)
class CandidateCheck:
    page_key: str
    element: str
    candidate: str
    position: int
    matches: int


def check_candidates(
    root: Page, selector_file: SelectorFile, texts: TextLookup, elements: Sequence[str] | None = None
) -> list[CandidateCheck]:
    """Count the matches of every candidate separately (for `sc-cancel selectors check`)."""
    results = []
    for name, candidates in selector_file.elements.items():
        if elements is not None and name not in elements:
            continue
        for position, candidate in enumerate(candidates):
            try:
                count = locate(root, candidate, texts).count()
            except BadInputError:
                count = -1
            results.append(CandidateCheck(selector_file.page, name, candidate.describe(), position, count))
    return results
