"""Question 7: what a run records so that it can be reproduced.

The snippet `snippets/partie-1/q07.py` is copied into a fresh git
repository, committed, and run from there once for the module, so MLflow
detects a git checkout as it would in a student's clone. The tests read the
run from the snippet's SQLite store.
"""

from __future__ import annotations

import getpass
import shutil
import subprocess
from pathlib import Path

import mlflow
import pytest
import yaml
from conftest import skip_or_fail
from mlflow import MlflowClient
from mlflow.entities import Run
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from snippet_runner import REPO_ROOT, SnippetRun, run_snippet

SNIPPET = REPO_ROOT / "snippets" / "partie-1" / "q07.py"
EXPERIMENT_NAME = "diabete"


def git(repository: Path, *args: str) -> str:
    completed = subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            *args,
        ],
        cwd=repository,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """Return a one-commit git repository with a copy of the snippet."""
    if shutil.which("git") is None:
        skip_or_fail("git is not installed")
    repository = tmp_path_factory.mktemp("depot")
    git(repository, "init", "--quiet")
    shutil.copy(SNIPPET, repository / SNIPPET.name)
    git(repository, "add", SNIPPET.name)
    git(repository, "commit", "--quiet", "-m", "Ajoute le script")
    return repository


@pytest.fixture(scope="module")
def q07_run(checkout, tmp_path_factory) -> SnippetRun:
    result = run_snippet(
        checkout / SNIPPET.name, tmp_path_factory.mktemp("q07")
    )
    assert result.returncode == 0, result.describe()
    return result


@pytest.fixture(scope="module")
def client(q07_run) -> MlflowClient:
    return MlflowClient(f"sqlite:///{q07_run.workdir / 'mlflow.db'}")


@pytest.fixture(scope="module")
def run(client) -> Run:
    experiment = client.get_experiment_by_name(EXPERIMENT_NAME)
    assert experiment is not None, (
        f"{SNIPPET.name} should log its run in the experiment "
        f"{EXPERIMENT_NAME!r}"
    )
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1, f"expected one run, got {len(runs)}"
    return runs[0]


def test_git_commit_tag_equals_head(run, checkout):
    head = git(checkout, "rev-parse", "HEAD")
    recorded = run.data.tags.get("mlflow.source.git.commit")
    assert recorded == head, (
        f"a run started from a git checkout should record HEAD ({head}) in "
        f"mlflow.source.git.commit, got {recorded!r}; GitPython must be "
        "installed"
    )


def test_git_branch_tag_is_recorded(run, checkout):
    branch = git(checkout, "rev-parse", "--abbrev-ref", "HEAD")
    recorded = run.data.tags.get("mlflow.source.git.branch")
    assert recorded == branch, (
        f"mlflow.source.git.branch should be {branch!r}, got {recorded!r}"
    )


def test_source_name_is_the_script(run, checkout):
    recorded = run.data.tags.get("mlflow.source.name")
    assert recorded == str(checkout / SNIPPET.name), (
        f"mlflow.source.name should be the path of the script, got "
        f"{recorded!r}"
    )


def test_user_tag_is_the_current_user(run):
    recorded = run.data.tags.get("mlflow.user")
    assert recorded == getpass.getuser(), (
        f"mlflow.user should be {getpass.getuser()!r}, got {recorded!r}"
    )


def test_params_are_stored_as_strings(run):
    assert run.data.params == {
        "alpha": "0.5",
        "test_size": "0.25",
        "random_state": "42",
    }, f"unexpected params for {SNIPPET.name}: {run.data.params}"


def test_metrics_and_tags_recorded(run):
    assert set(run.data.metrics) == {"rmse", "r2"}, (
        f"{SNIPPET.name} should log rmse and r2, got {set(run.data.metrics)}"
    )
    assert run.data.tags.get("equipe") == "santé", (
        f"the tag equipe is missing or wrong: {run.data.tags.get('equipe')!r}"
    )


def test_dataset_digest_matches_rebuilt_data(run):
    # Rebuild the training set from the logged params alone: this is the
    # reproducibility the page promises.
    data = load_diabetes(as_frame=True).frame
    train, _ = train_test_split(
        data,
        test_size=float(run.data.params["test_size"]),
        random_state=int(run.data.params["random_state"]),
    )
    rebuilt = mlflow.data.from_pandas(train, targets="target")
    (dataset_input,) = run.inputs.dataset_inputs
    assert dataset_input.dataset.digest == rebuilt.digest, (
        f"logged digest {dataset_input.dataset.digest} differs from the "
        f"digest {rebuilt.digest} of the training set rebuilt from the params"
    )
    assert [(tag.key, tag.value) for tag in dataset_input.tags] == [
        ("mlflow.data.context", "training")
    ], f"the dataset input should carry context=training: {dataset_input.tags}"


def test_dataset_rows_are_not_stored(run, client):
    (dataset_input,) = run.inputs.dataset_inputs
    dataset = dataset_input.dataset
    record = " ".join(
        [dataset.source, dataset.schema, dataset.profile, dataset.digest]
    )
    data = load_diabetes(as_frame=True).frame
    # A few distinctive values of the data: none may appear in the record.
    for value in data["bmi"].head(5):
        assert repr(float(value)) not in record, (
            f"the dataset record contains the value {value!r}; MLflow "
            "should keep only the reference, schema, profile and digest"
        )
    assert client.list_artifacts(run.info.run_id) == [], (
        "the run should hold no artifact: log_input records metadata only, "
        "and the model lives under the LoggedModel"
    )


def test_model_records_its_environment(q07_run):
    model_dir = q07_run.workdir / "modele"
    requirements = (model_dir / "requirements.txt").read_text().splitlines()
    assert f"mlflow=={mlflow.__version__}" in requirements, (
        f"requirements.txt should pin mlflow=={mlflow.__version__}: "
        f"{requirements}"
    )
    assert any(line.startswith("scikit-learn==") for line in requirements), (
        f"requirements.txt should pin scikit-learn: {requirements}"
    )
    python_env = yaml.safe_load((model_dir / "python_env.yaml").read_text())
    assert "-r requirements.txt" in python_env["dependencies"], (
        f"python_env.yaml should point to requirements.txt: {python_env}"
    )
