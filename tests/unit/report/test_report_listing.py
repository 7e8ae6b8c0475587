"""`sc-cancel report`: the run list from report.json files, plain or as a table, and finding a report."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from report_kit import finished_run

from automation.errors import BadInputError, SiteFailingError
from automation.models import CancellationRequest, Channel, RequestKind
from automation.report import list_runs, open_report, print_run_list

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def make_run(runs_dir: Path, run_id: str, started: datetime, *, failed: bool = False, n: int = 0) -> Path:
    requests = [
        CancellationRequest(
            order_id=f"113-000000{i}-000000{i}", kind=RequestKind.OFFICIAL, sources=(Channel.MANAGE_ORDERS,)
        )
        for i in range(n)
    ]
    return finished_run(
        runs_dir,
        run_id,
        {},
        started_at=started,
        finished_at=started + timedelta(seconds=42),
        requests=requests,
        new={r.order_id for r in requests[:1]},
        error=SiteFailingError("503") if failed else None,
    )


class TtyBuffer(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def runs_dir(tmp_path: Path) -> Path:
    runs = tmp_path / "runs"
    make_run(runs, "20261126T120000Z-aaaa", T0, n=2)
    make_run(runs, "20261126T130000Z-bbbb", T0 + timedelta(hours=1), failed=True)
    make_run(runs, "20261126T140000Z-cccc", T0 + timedelta(hours=2), n=1)
    (runs / "20261126T150000Z-dddd").mkdir()  # a run that died before writing its report
    broken = runs / "20261126T160000Z-eeee"
    broken.mkdir()
    (broken / "report.json").write_text("{not json")
    return runs


def test_newest_first_with_limit_skipping_broken_and_missing(runs_dir: Path) -> None:
    rows = list_runs(runs_dir, limit=2)
    assert [r.run_id for r in rows] == ["20261126T140000Z-cccc", "20261126T130000Z-bbbb"]
    assert rows[1].status == "failed"
    assert rows[1].exit_code == 5
    all_rows = list_runs(runs_dir, limit=10)
    assert len(all_rows) == 3
    oldest = all_rows[-1]
    assert (oldest.requests, oldest.new, oldest.seconds) == (2, 1, 42.0)
    assert oldest.html == runs_dir / "20261126T120000Z-aaaa" / "report.html"


def test_no_runs_dir_means_no_runs(tmp_path: Path) -> None:
    assert list_runs(tmp_path / "nothing", limit=5) == []


def test_plain_output_when_not_a_terminal(runs_dir: Path) -> None:
    out = io.StringIO()
    print_run_list(list_runs(runs_dir, limit=10), out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == [
        "run", "account", "command", "started", "status", "exit", "requests", "new", "done", "failed", "s"
    ]  # fmt: skip
    assert lines[1].split()[0] == "20261126T140000Z-cccc"
    assert "2026-11-26 13:00:00 UTC  failed  5" in lines[2]
    assert "─" not in out.getvalue()
    assert "\x1b[" not in out.getvalue()


@pytest.mark.parametrize("columns", ["160", "80"])
def test_rich_table_on_a_terminal_keeps_run_ids_whole(
    runs_dir: Path, columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    out = TtyBuffer()
    print_run_list(list_runs(runs_dir, limit=10), out)
    text = out.getvalue()
    assert "Recent runs" in text
    assert "─" in text or "━" in text
    for run_id in ("20261126T120000Z-aaaa", "20261126T130000Z-bbbb", "20261126T140000Z-cccc"):
        assert run_id in text
    assert "11-26 13:00" in text
    assert "failed 5" in text


def test_empty_list_says_so() -> None:
    out = io.StringIO()
    print_run_list([], out)
    assert out.getvalue() == "no runs with a report yet\n"


def test_open_latest_exact_and_prefix(runs_dir: Path) -> None:
    assert open_report(runs_dir) == runs_dir / "20261126T140000Z-cccc" / "report.html"
    assert (
        open_report(runs_dir, "20261126T120000Z-aaaa") == runs_dir / "20261126T120000Z-aaaa" / "report.html"
    )
    assert open_report(runs_dir, "20261126T13") == runs_dir / "20261126T130000Z-bbbb" / "report.html"


@pytest.mark.parametrize(
    ("run_id", "message"),
    [
        ("20261126T1", "ambiguous"),
        ("20991231", "no report for run '20991231'"),
        ("../etc", "not a run id"),
        ("20261126T150000Z-dddd", "no report for run"),
    ],
)
def test_open_refuses_what_it_cannot_find(runs_dir: Path, run_id: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message) as caught:
        open_report(runs_dir, run_id)
    assert caught.value.exit_code == 2


def test_open_latest_with_no_runs(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no run has written a report yet"):
        open_report(tmp_path)


def test_run_folders_live_in_the_data_folder_so_report_finds_them_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """By default run folders go to <data_dir>/runs/<run-id>/, not under the current folder: `report`
    run from another folder (with the same data folder) lists them."""
    from automation.cli import main
    from automation.commands.invocation import Invocation
    from automation.commands.options import command_line
    from automation.settings import resolve_settings

    data = tmp_path / "data"
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    environ = {"SC_CANCEL_DATA_DIR": str(data), "HOME": str(tmp_path)}
    args = build_args("report")
    invocation = Invocation(args, resolve_settings(environ, command_line(args)))
    assert invocation.runtime().runs_dir == data.resolve() / "runs"

    make_run(data / "runs", "20261126T120000Z-aaaa", T0, n=2)
    assert main(["report"], environ=environ) == 0
    assert "20261126T120000Z-aaaa" in capsys.readouterr().out
    assert main(["report", "--data-dir", str(data), "--latest"], environ={"HOME": str(tmp_path)}) == 0
    assert capsys.readouterr().out.strip() == str(
        data.resolve() / "runs" / "20261126T120000Z-aaaa" / "report.html"
    )


def build_args(*argv: str) -> object:
    from automation.cli import build_parser

    return build_parser().parse_args(list(argv))
