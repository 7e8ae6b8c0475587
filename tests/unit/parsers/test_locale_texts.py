"""The locale files: all present and complete, usable by the selector files, and errors that say where."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from automation.errors import BadInputError, ExitCode
from automation.parsers import locale_texts
from automation.parsers.locale_texts import LocaleTexts, load_all_locale_texts, load_locale_texts
from automation.yaml_source import YamlError

SELECTORS = Path(__file__).resolve().parents[3] / "selectors"
LOCALES = ["de_DE", "en_GB", "en_US", "es_ES", "fr_FR", "it_IT", "ja_JP"]
API_REASONS = [
    "NoInventory",
    "BuyerCanceled",
    "GeneralAdjustment",
    "ShippingAddressUndeliverable",
    "CustomerExchange",
    "PricingError",
]


@pytest.fixture(scope="module")
def texts() -> dict[str, LocaleTexts]:
    return load_all_locale_texts(SELECTORS)


@pytest.fixture
def locale_dir(tmp_path: Path) -> Path:
    """A copy of the real en_US file in a scratch selectors folder, for editing."""
    (tmp_path / "locales").mkdir()
    shutil.copy(SELECTORS / "locales" / "en_US.yaml", tmp_path / "locales" / "en_US.yaml")
    locale_texts.clear_cache()
    return tmp_path


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "locales" / "en_US.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_ui_locale_has_a_file(texts: dict[str, LocaleTexts]) -> None:
    assert sorted(texts) == LOCALES


def test_no_init_py_under_selectors() -> None:
    """An `__init__.py` under selectors/ would shadow the standard library's `selectors` module."""
    assert not list(SELECTORS.rglob("__init__.py"))


def test_each_file_names_its_own_locale_and_language(texts: dict[str, LocaleTexts]) -> None:
    for name, value in texts.items():
        assert value.locale == name
        assert value.language == name[:2]


def test_every_text_key_the_selector_files_use_exists_in_every_locale(texts: dict[str, LocaleTexts]) -> None:
    used: set[str] = set()
    for path in SELECTORS.glob("*.yaml"):
        used |= set(
            re.findall(r"\b(?:name|label|text)_key:\s*([A-Za-z_]+)", path.read_text(encoding="utf-8"))
        )
    for name, value in texts.items():
        missing = sorted(key for key in used if not value.ui_texts(key))
        assert not missing, f"{name} lacks UI texts {missing}"


def test_ui_texts_is_a_text_lookup(texts: dict[str, LocaleTexts]) -> None:
    assert texts["en_US"].ui_texts("show_filters") == ["Show filters"]
    assert "Bestellung stornieren" in texts["de_DE"].ui_texts("cancel_order")
    assert texts["en_US"].ui_texts("no_such_label") == []


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_labels_the_six_cancel_reasons(texts: dict[str, LocaleTexts], locale: str) -> None:
    reasons = texts[locale].cancel_reasons.by_code()
    assert list(reasons) == API_REASONS
    for code, labels in reasons.items():
        for label in labels:
            assert texts[locale].reason_code(label) == code


@pytest.mark.parametrize(
    ("locale", "label", "code"),
    [
        ("en_GB", "Buyer Cancelled", "BuyerCanceled"),
        ("en_US", "  buyer   canceled ", "BuyerCanceled"),
        ("de_DE", "Käuferstorno", "BuyerCanceled"),
        ("fr_FR", "Annulé par l'acheteur", "BuyerCanceled"),
        ("fr_FR", "Annule par l’acheteur", "BuyerCanceled"),
        ("en_US", "NoInventory", "NoInventory"),
        ("en_US", "Changed my mind", None),
    ],
)
def test_reason_code_matches_loosely(
    texts: dict[str, LocaleTexts], locale: str, label: str, code: str
) -> None:
    assert texts[locale].reason_code(label) == code


def test_all_files_have_the_same_keys() -> None:
    def keys(node: object, prefix: str = "") -> set[str]:
        if isinstance(node, dict):
            out = set()
            for key, value in node.items():
                out.add(f"{prefix}{key}")
                out |= keys(value, f"{prefix}{key}.")
            return out
        return set()

    shapes = {
        path.stem: keys(yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in (SELECTORS / "locales").glob("*.yaml")
    }
    reference = shapes["en_US"]
    for name, shape in shapes.items():
        assert shape == reference, f"{name}: {sorted(shape ^ reference)}"


def test_loading_is_cached_per_folder(locale_dir: Path) -> None:
    first = load_locale_texts("en_US", locale_dir)
    assert load_locale_texts("en_US", locale_dir) is first
    assert load_all_locale_texts(locale_dir)["en_US"] is first
    locale_texts.clear_cache()
    assert load_locale_texts("en_US", locale_dir) is not first


def test_unknown_key_names_file_line_and_field(locale_dir: Path) -> None:
    _edit(locale_dir, "  show_filters: [Show filters]", "  show_filter: [Show filters]")
    with pytest.raises(YamlError) as caught:
        load_locale_texts("en_US", locale_dir)
    message = str(caught.value)
    assert re.search(r"en_US\.yaml:\d+:\d+: ui\.show_filter: unknown field", message)
    assert "ui.show_filters: required field is missing" in message
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_bad_lexicon_pattern_is_reported(locale_dir: Path) -> None:
    _edit(locale_dir, "    - do not ~ {cancel}", "    - ~ do not {cancel}")
    with pytest.raises(BadInputError, match=r"lexicon\.negations.*must start and end with a word"):
        load_locale_texts("en_US", locale_dir)


def test_bad_date_layout_is_reported(locale_dir: Path) -> None:
    _edit(locale_dir, '"{mon} {d}, {y}"', '"{month} {d}, {y}"')
    with pytest.raises(BadInputError, match=r"dates\.patterns.*unknown placeholder \{month\}"):
        load_locale_texts("en_US", locale_dir)


def test_unknown_time_zone_is_reported(locale_dir: Path) -> None:
    _edit(locale_dir, "zone: America/Los_Angeles", "zone: America/Springfield")
    with pytest.raises(BadInputError, match=r"marketplace\.zone.*unknown IANA time zone"):
        load_locale_texts("en_US", locale_dir)


def test_twelve_months_are_required(locale_dir: Path) -> None:
    _edit(locale_dir, "    - [December, Dec]\n", "")
    with pytest.raises(BadInputError, match=r"dates\.months"):
        load_locale_texts("en_US", locale_dir)


def test_file_must_name_its_own_locale(locale_dir: Path) -> None:
    _edit(locale_dir, "locale: en_US", "locale: en_GB")
    with pytest.raises(BadInputError, match="says locale 'en_GB', expected 'en_US'"):
        load_locale_texts("en_US", locale_dir)


def test_missing_locale_lists_the_available_ones(locale_dir: Path) -> None:
    with pytest.raises(BadInputError, match=r"no texts for locale 'pt_BR' \(available: en_US\)"):
        load_locale_texts("pt_BR", locale_dir)


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="locale texts folder not found"):
        load_all_locale_texts(tmp_path)
