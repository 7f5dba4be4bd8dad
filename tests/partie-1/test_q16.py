"""Question 16: SQLite is MLflow's default store, one file in the folder.

`snippets/partie-1/q16.py` runs here with MLFLOW_TRACKING_URI unset, the
way a student starts on a laptop, so the checks cover MLflow's real default
(sqlite:///mlflow.db since MLflow 3.7), not a URI set by the test runner.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from snippet_runner import (
    REPO_ROOT,
    SnippetRun,
    expected_output_pattern,
    normalize_output,
    snippet_env,
)

SNIPPET = REPO_ROOT / "snippets" / "partie-1" / "q16.py"
SQLITE_HEADER = b"SQLite format 3\x00"


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> SnippetRun:
    """q16.py, run once from a fresh folder with no MLFLOW_TRACKING_URI."""
    workdir = tmp_path_factory.mktemp("poste-local")
    env = snippet_env(workdir)
    del env["MLFLOW_TRACKING_URI"]
    completed = subprocess.run(
        [sys.executable, str(SNIPPET)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    run = SnippetRun(
        path=SNIPPET,
        returncode=completed.returncode,
        stdout=completed.stdout,
        stderr=completed.stderr,
        workdir=workdir,
    )
    assert run.returncode == 0, run.describe()
    return run


def test_default_uri_is_mlflow_db_in_folder(default_run):
    first_line = default_run.stdout.splitlines()[0]
    expected = f"sqlite:///{default_run.workdir}/mlflow.db"
    assert first_line == f"URI de suivi\u00a0: {expected}", (
        "with MLFLOW_TRACKING_URI unset, MLflow 3.7+ should use mlflow.db in "
        f"the current folder, {SNIPPET.name} printed {first_line!r}"
    )


def test_default_store_is_one_sqlite_file(default_run):
    database = default_run.workdir / "mlflow.db"
    assert database.is_file(), (
        f"no mlflow.db was created in {default_run.workdir}"
    )
    with database.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    assert header == SQLITE_HEADER, (
        f"{database} should be an SQLite database, starts with {header!r}"
    )


def test_artifacts_stay_outside_database(default_run):
    artifact_root = default_run.workdir / "mlruns"
    notes = list(artifact_root.rglob("notes.txt"))
    assert len(notes) == 1, (
        f"the artifact notes.txt should be a file under {artifact_root}, "
        f"found {notes}"
    )
    assert notes[0].read_text() == "essai local", (
        f"{notes[0]} does not contain what q16.py logged"
    )


def test_run_readable_with_plain_sqlite(default_run):
    database_path = default_run.workdir / "mlflow.db"
    with closing(sqlite3.connect(database_path)) as database:
        rows = database.execute(
            "SELECT e.name, r.status FROM runs r "
            "JOIN experiments e ON e.experiment_id = r.experiment_id"
        ).fetchall()
    assert rows == [("dev-local", "FINISHED")], (
        f"the runs table of mlflow.db should hold the finished run of "
        f"{SNIPPET.name} in experiment dev-local, got {rows}"
    )


def test_output_matches_page_with_default_store(default_run):
    expected_file = SNIPPET.with_suffix(".out")
    expected = normalize_output(expected_file.read_text(encoding="utf-8"))
    actual = normalize_output(default_run.stdout)
    assert expected_output_pattern(expected).fullmatch(actual), (
        f"with the default store {SNIPPET.name} printed:\n{actual}\n"
        f"which differs from {expected_file.relative_to(REPO_ROOT)}"
    )
