"""The S3 artifact store against a real S3 endpoint (moto's server on loopback, checking credentials):
finished run folders uploaded and removed, `sc-cancel report` reading them back, retention pruning the
bucket, and a wrong endpoint, key or bucket named by its setting with exit code 11 and nothing lost."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import report_kit
import yaml
from s3_server import S3Server

from automation.artifacts_store import PENDING_MARK, S3Store, open_store
from automation.cli import main
from automation.errors import ExitCode, PageChangedError
from automation.retention import PERSONAL_SUFFIXES, purge
from automation.settings import CommandLine, resolve_settings

KEY_VAR, SECRET_VAR = "SC_TEST_S3_KEY", "SC_TEST_S3_SECRET"
_buckets = itertools.count(1)


class Setup:
    """A data folder, a settings file pointing at a fresh bucket, and the environment holding the key."""

    def __init__(self, tmp_path: Path, s3: S3Server, **overrides: object) -> None:
        self.s3 = s3
        self.bucket = s3.make_bucket(f"runs-{next(_buckets)}")
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.data_dir = tmp_path / "data"
        self.config = tmp_path / "sc-cancel.yaml"
        settings = {"format": 1, **s3.settings(self.bucket, "team/a", KEY_VAR, SECRET_VAR), **overrides}
        self.config.write_text(yaml.safe_dump(settings), encoding="utf-8")
        self.env = {
            "SC_CANCEL_DATA_DIR": str(self.data_dir),
            "HOME": str(tmp_path),
            KEY_VAR: s3.access_key,
            SECRET_VAR: s3.secret_key,
        }

    def store(self) -> S3Store:
        store = open_store(resolve_settings(self.env, CommandLine(config=self.config)))
        assert store is not None
        return store

    def cli(self, *argv: str) -> int:
        return main([*argv, "--config", str(self.config)], environ=self.env)


def finished_run(runs_dir: Path, run_id: str, *, failed: bool = True) -> Path:
    """A run folder as a run leaves it: evidence, a trace, report.json and the report page."""
    error = PageChangedError("inbox changed", page_key="messages") if failed else None
    return report_kit.finished_run(runs_dir, run_id, error=error)


@pytest.fixture
def setup(tmp_path: Path, s3_server: S3Server) -> Setup:
    return Setup(tmp_path, s3_server)


def test_a_finished_run_folder_is_uploaded_under_the_prefix_and_removed_here(setup: Setup) -> None:
    store = setup.store()
    folder = finished_run(store.staging, "20261126T120000Z-aa01")

    assert store.publish(folder)

    assert setup.s3.keys(setup.bucket) == [
        f"team/a/20261126T120000Z-aa01/{name}"
        for name in ("error-messages.png", "report.html", "report.json", "trace.zip")
    ]
    assert not folder.exists()
    assert store.failed_since() is None


def test_report_lists_the_runs_of_the_bucket_and_opens_one(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    store = setup.store()
    for run_id in ("20261126T110000Z-aa01", "20261126T120000Z-bb02"):
        store.publish(finished_run(store.staging, run_id))
    capsys.readouterr()

    assert setup.cli("report") == 0
    listing = capsys.readouterr().out
    assert "20261126T110000Z-aa01" in listing
    assert "20261126T120000Z-bb02" in listing

    assert setup.cli("report", "20261126T11") == 0  # a unique prefix
    page = Path(capsys.readouterr().out.strip())
    assert page.name == "report.html"
    assert page.parent.name == "20261126T110000Z-aa01"
    assert "inbox changed" in page.read_text(encoding="utf-8")
    assert not (store.staging / "20261126T110000Z-aa01").exists()  # the bucket's copy, read into a cache

    assert setup.cli("report", "--latest") == 0
    assert Path(capsys.readouterr().out.strip()).parent.name == "20261126T120000Z-bb02"


def test_retention_prunes_the_bucket_by_count_and_age_and_strips_old_evidence(setup: Setup) -> None:
    store = setup.store()
    runs = ["20261126T100000Z-aa01", "20261126T110000Z-bb02", "20261126T120000Z-cc03"]
    for run_id in runs:
        store.publish(finished_run(store.staging, run_id))

    # Kept: the newest two. The evidence of what stays, older than retention_days, goes; the report page
    # is written again from report.json, without the screenshot it embedded.
    later = datetime.now(UTC) + timedelta(days=2)
    done = purge(
        _NoLedger(),
        store.staging,
        retention_days=1,
        keep_runs=2,
        keep_runs_days=30,
        now=later,
        store=store,
    )

    assert len(done.stored_runs_removed) == 1
    left = setup.s3.keys(setup.bucket)
    assert not any(k.startswith(f"team/a/{done.stored_runs_removed[0]}/") for k in left)
    assert sorted(k.rsplit("/", 1)[1] for k in left) == [
        "report.html",
        "report.html",
        "report.json",
        "report.json",
    ]
    page = setup.s3.client().get_object(Bucket=setup.bucket, Key=left[0])["Body"].read()
    assert b"data:image/png" not in page
    assert b"inbox changed" in page

    # By age: everything stored more than keep_runs_days ago goes.
    gone = store.prune(keep=50, max_age_days=30, now=(later + timedelta(days=40)).timestamp())
    assert len(gone) == 2
    assert setup.s3.keys(setup.bucket) == []


def test_personal_suffixes_cover_what_the_store_holds() -> None:
    assert {".png", ".zip", ".html"} <= PERSONAL_SUFFIXES


class _NoLedger:
    def purge_personal_data(self, older_than: datetime) -> int:
        return 0


def test_a_wrong_secret_key_is_named_the_folder_stays_and_the_next_run_sends_it(
    tmp_path: Path, s3_server: S3Server
) -> None:
    setup = Setup(tmp_path, s3_server)
    setup.env[SECRET_VAR] = "not-the-secret-key-0123456789"
    store = setup.store()
    folder = finished_run(store.staging, "20261126T120000Z-aa01")

    assert not store.publish(folder)

    error = store.failed_since()
    assert error is not None
    assert error.exit_code == ExitCode.ARTIFACTS_NOT_STORED == 11
    assert str(error).startswith("artifacts_access_key / artifacts_secret_key:")
    assert "SignatureDoesNotMatch" in str(error)
    assert "not-the-secret-key" not in str(error)
    assert s3_server.access_key not in str(error)
    assert (folder / "report.json").is_file()
    assert (folder / PENDING_MARK).is_file()
    assert setup.s3.keys(setup.bucket) == []

    # Fixed: the next run's upload sends its own folder and the one left behind.
    setup.env[SECRET_VAR] = s3_server.secret_key
    fixed = setup.store()
    assert fixed.publish(finished_run(fixed.staging, "20261126T130000Z-bb02"))
    assert {k.split("/")[2] for k in setup.s3.keys(setup.bucket)} == {
        "20261126T120000Z-aa01",
        "20261126T130000Z-bb02",
    }
    assert not any(k.endswith(PENDING_MARK) for k in setup.s3.keys(setup.bucket))
    assert not folder.exists()


def test_report_lists_and_opens_the_runs_waiting_for_their_upload_marked_as_such(
    tmp_path: Path, s3_server: S3Server, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = Setup(tmp_path, s3_server)
    store = setup.store()
    assert store.publish(finished_run(store.staging, "20261126T110000Z-aa01"))
    setup.env[SECRET_VAR] = "not-the-secret-key-0123456789"
    assert not setup.store().publish(finished_run(store.staging, "20261126T120000Z-bb02", failed=False))
    setup.env[SECRET_VAR] = s3_server.secret_key  # fixed, but no run has uploaded the folder yet
    capsys.readouterr()

    assert setup.cli("report") == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:] if not line.startswith("#")}
    assert out.splitlines()[0].split()[-1] == "uploaded"
    assert rows["20261126T110000Z-aa01"][-1] == "yes"
    assert rows["20261126T120000Z-bb02"][-1] == "no"
    assert f"# 1 run(s) not yet uploaded to the artifact store: their folders wait in {store.staging}" in out

    assert setup.cli("report", "--latest") == 0
    assert Path(capsys.readouterr().out.strip()) == store.staging / "20261126T120000Z-bb02" / "report.html"
    assert setup.cli("report", "20261126T12") == 0
    assert Path(capsys.readouterr().out.strip()).parent == store.staging / "20261126T120000Z-bb02"
    assert setup.cli("report", "20261126T11") == 0  # the stored one, from the bucket's copy
    assert Path(capsys.readouterr().out.strip()).parent == store.cache / "20261126T110000Z-aa01"


def test_reports_config_option_says_what_it_is_for(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"], environ={})
    helped = " ".join(capsys.readouterr().out.split())
    assert "--config CONFIG settings file (for artifacts: a folder or s3://)" in helped
    assert "runs_dir" not in helped


def test_a_wrong_endpoint_and_a_missing_bucket_are_named_and_report_exits_11(
    tmp_path: Path, s3_server: S3Server, capsys: pytest.CaptureFixture[str]
) -> None:
    from server_kit import free_port

    nowhere = Setup(tmp_path / "a", s3_server, artifacts_endpoint=f"http://127.0.0.1:{free_port()}")
    store = nowhere.store()
    assert not store.publish(finished_run(store.staging, "20261126T120000Z-aa01"))
    assert str(store.failed_since()).startswith("artifacts_endpoint: cannot upload")
    assert nowhere.cli("report") == 11
    assert "is artifacts_endpoint right?" in capsys.readouterr().err

    missing = Setup(tmp_path / "b", s3_server, artifacts="s3://no-such-bucket/x")
    assert missing.cli("report") == 11
    err = capsys.readouterr().err
    assert "artifacts: there is no bucket 'no-such-bucket'" in err
    assert s3_server.secret_key not in err


@pytest.mark.parametrize(
    ("settings", "wanted"),
    [
        ({"artifacts": "s3://Bad_Bucket/x"}, "is not an S3 bucket name"),
        ({"artifacts": "ftp://host/x"}, "only s3:// URLs are stores"),
        (
            {"artifacts": "s3://runs/x", "artifacts_endpoint": "http://user:pw@127.0.0.1:9000"},
            "no user or password in it",
        ),
        ({"artifacts_endpoint": "http://127.0.0.1:9000"}, "apply only to an S3 store"),
        ({"artifacts": "s3://runs/x", "artifacts_access_key": "AKIAPLAIN"}, "secrets never go"),
        ({"artifacts": "s3://runs/x", "artifacts_access_key": {"env": "K"}}, "give both"),
    ],
)
def test_bad_artifacts_settings_stop_every_command_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: dict[str, object], wanted: str
) -> None:
    config = tmp_path / "sc-cancel.yaml"
    config.write_text(yaml.safe_dump({"format": 1, **settings}), encoding="utf-8")

    code = main(["report", "--config", str(config)], environ={"SC_CANCEL_DATA_DIR": str(tmp_path)})

    assert code == 2
    assert wanted in capsys.readouterr().err


def test_a_local_artifacts_folder_is_where_runs_go(tmp_path: Path) -> None:
    config = tmp_path / "sc-cancel.yaml"
    config.write_text(yaml.safe_dump({"format": 1, "artifacts": "evidence"}), encoding="utf-8")

    settings = resolve_settings({"SC_CANCEL_DATA_DIR": str(tmp_path / "d")}, CommandLine(config=config))

    assert settings.runs_dir == tmp_path / "evidence"
    assert open_store(settings) is None
