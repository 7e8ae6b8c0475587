"""Selector files as data: the shipped ones load, candidates say how they find an element, and a broken
file is refused before any browser starts, with the file, the place and what is wrong. (Resolving
candidates on a page needs a browser: tests/browser/test_selectors_check.py.)"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from automation.errors import BadInputError, ExitCode
from automation.locators import (
    PAGE_KEYS,
    Candidate,
    SelectorFile,
    load_all_selector_files,
    load_selector_file,
)
from automation.yaml_source import YamlError

SELECTORS = Path(__file__).resolve().parents[2] / "selectors"

SMALL = """\
page: messages
landmarks: [thread_list]
may_be_absent: [error_alert]
elements:
  thread_list:
    - test_id: thread-list
    - role: list
      name_key: inbox_label
    - css: "#threads"
  error_alert:
    - text_key: error_text
      exact: true
fields:
  subject: [".subject", "h3"]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "selectors"


def write(folder: Path, page_key: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{page_key}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(folder: Path, page_key: str, text: str) -> str:
    path = write(folder, page_key, text)
    with pytest.raises(YamlError) as caught:
        load_selector_file(folder, page_key)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    message = str(caught.value)
    assert str(path) in message
    return message


def test_the_shipped_selector_files_all_load() -> None:
    files = load_all_selector_files(SELECTORS)
    assert tuple(files) == PAGE_KEYS
    for key, selector_file in files.items():
        assert selector_file.page == key
        assert all(name in selector_file.elements for name in selector_file.landmarks)


def test_candidates_come_in_the_files_order_and_describe_themselves(folder: Path) -> None:
    write(folder, "messages", SMALL)
    selector_file = load_selector_file(folder, "messages")
    assert [c.describe() for c in selector_file.candidates("thread_list")] == [
        "test_id=thread-list",
        "role=list name=inbox_label",
        "css=#threads",
    ]
    (alert,) = selector_file.candidates("error_alert")
    assert (alert.describe(), alert.exact) == ("text_key=error_text", True)
    assert selector_file.field("subject") == [".subject", "h3"]
    assert selector_file.landmarks == ["thread_list"]
    assert selector_file.may_be_absent == ["error_alert"]


def test_an_element_or_field_the_agent_needs_but_the_file_lacks_is_named(folder: Path) -> None:
    write(folder, "messages", SMALL)
    selector_file = load_selector_file(folder, "messages")
    with pytest.raises(BadInputError, match=r"selectors/messages\.yaml has no element 'reply_box'"):
        selector_file.candidates("reply_box")
    with pytest.raises(BadInputError, match=r"selectors/messages\.yaml has no field 'buyer'"):
        selector_file.field("buyer")


@pytest.mark.parametrize(
    ("finders", "problem"),
    [
        ({}, "give exactly one of"),
        ({"test_id": "a", "css": "b"}, "give exactly one of"),
        ({"css": "b", "name_key": "label"}, "name_key goes with role"),
    ],
)
def test_a_candidate_has_exactly_one_finder(finders: dict[str, str], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        Candidate.model_validate(finders)


def test_candidates_and_files_are_frozen_and_refuse_unknown_keys() -> None:
    candidate = Candidate(xpath="//table")
    assert candidate.describe() == "xpath=//table"
    with pytest.raises(ValidationError):
        candidate.css = "table"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="tset_id"):
        Candidate.model_validate({"tset_id": "a"})
    with pytest.raises(ValidationError, match="landmark"):
        SelectorFile.model_validate({"page": "messages", "landmark": []})


def test_a_candidate_with_two_finders_is_refused_at_its_line(folder: Path) -> None:
    message = refused(folder, "messages", "page: messages\nelements:\n  x:\n    - test_id: a\n      css: b\n")
    assert "messages.yaml:4:" in message
    assert "elements.x[0]" in message
    assert "give exactly one of test_id, role, label_key, text_key, css, xpath" in message


def test_a_misspelt_key_is_refused_with_the_allowed_ones(folder: Path) -> None:
    message = refused(folder, "messages", SMALL + "landmark: [thread_list]\n")
    assert "messages.yaml:15:1:" in message
    assert "unknown field" in message
    assert "landmarks" in message


CONTRADICTIONS = [
    ("landmarks: [thread_list]", "landmarks: [thread_lst]", "landmarks name unknown elements: thread_lst"),
    ("may_be_absent: [error_alert]", "may_be_absent: [nope]", "may_be_absent name unknown elements: nope"),
    ('subject: [".subject", "h3"]', "subject: []", "field 'subject' lists no candidates"),
    ("page: messages\n", "page: messages\nformat: 2\n", "format 2 is newer than this sc-cancel"),
]


@pytest.mark.parametrize(("before", "after", "problem"), CONTRADICTIONS)
def test_a_file_that_contradicts_itself_is_refused(
    folder: Path, before: str, after: str, problem: str
) -> None:
    assert before in SMALL
    assert problem in refused(folder, "messages", SMALL.replace(before, after))


def test_an_element_without_candidates_is_refused(folder: Path) -> None:
    message = refused(folder, "messages", "page: messages\nelements:\n  x: []\n")
    assert "element 'x' lists no candidates" in message


def test_a_file_must_say_the_page_it_is_named_for(folder: Path) -> None:
    message = refused(folder, "messages", SMALL.replace("page: messages", "page: common"))
    assert "says page 'common', expected 'messages'" in message


def test_a_file_that_is_not_yaml_is_refused_at_its_place(folder: Path) -> None:
    message = refused(folder, "messages", "page: messages\nelements: [\n")
    assert "messages.yaml:3:" in message
    assert "not valid YAML" in message


def test_a_missing_file_or_folder_is_named(folder: Path, tmp_path: Path) -> None:
    write(folder, "messages", SMALL)
    with pytest.raises(YamlError, match=r"signin\.yaml: selector file not found \(page key 'signin'\)"):
        load_selector_file(folder, "signin")
    with pytest.raises(BadInputError, match="selector folder not found — check --selectors"):
        load_all_selector_files(tmp_path / "nowhere")
    with pytest.raises(YamlError, match=r"common\.yaml: selector file not found"):
        load_all_selector_files(folder)  # every page's file is checked before a browser starts


def test_an_edited_file_is_read_again(folder: Path) -> None:
    path = write(folder, "messages", SMALL)
    assert load_selector_file(folder, "messages").candidates("thread_list")[0].test_id == "thread-list"
    path.write_text(SMALL.replace("thread-list", "inbox-threads"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a later edit, surely
    assert load_selector_file(folder, "messages").candidates("thread_list")[0].test_id == "inbox-threads"


def test_a_copy_of_the_shipped_files_loads_from_another_folder(tmp_path: Path) -> None:
    copy = tmp_path / "mine"
    shutil.copytree(SELECTORS, copy)
    assert load_all_selector_files(copy).keys() == load_all_selector_files(SELECTORS).keys()
