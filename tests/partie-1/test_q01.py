"""Behaviour behind docs/partie-1/q01.md: track, log, then manage a model.

The page states that snippets/partie-1/q01.py links one run, one logged
model and one registered model version, that the code loading
`models:/diabete-ridge@champion` needs neither the run nor the version
number, and that a second launch creates version 2 and moves the alias.
"""

from __future__ import annotations

import re

import pytest
from mlflow import MlflowClient
from snippet_runner import REPO_ROOT, SnippetRun, run_snippet

SNIPPET = "snippets/partie-1/q01.py"
MODEL_NAME = "diabete-ridge"


@pytest.fixture(scope="module")
def q01_run(tmp_path_factory) -> SnippetRun:
    """Run the snippet once for the module, in its own folder and store."""
    result = run_snippet(REPO_ROOT / SNIPPET, tmp_path_factory.mktemp("q01"))
    assert result.returncode == 0, result.describe()
    return result


@pytest.fixture(scope="module")
def client(q01_run) -> MlflowClient:
    return MlflowClient(
        tracking_uri=f"sqlite:///{q01_run.workdir / 'mlflow.db'}"
    )


def printed_id(stdout: str, pattern: str) -> str:
    match = re.search(pattern, stdout)
    assert match, f"{SNIPPET} printed nothing matching {pattern!r}:\n{stdout}"
    return match.group(1)


def test_version_links_run_and_logged_model(q01_run, client):
    run_id = printed_id(q01_run.stdout, r"exécution ([0-9a-f]{32})")
    model_id = printed_id(q01_run.stdout, r"modèle (m-[0-9a-f]{32})")

    version = client.get_model_version(MODEL_NAME, "1")
    assert version.run_id == run_id, (
        f"version 1 of {MODEL_NAME} comes from run {version.run_id}, not "
        f"from the printed run {run_id}"
    )
    assert version.source == f"models:/{model_id}", (
        f"version 1 of {MODEL_NAME} has source {version.source!r}; MLflow 3 "
        f"registers the logged model models:/{model_id}"
    )
    logged_model = client.get_logged_model(model_id)
    assert logged_model.source_run_id == run_id, (
        f"logged model {model_id} was produced by run "
        f"{logged_model.source_run_id}, not by {run_id}"
    )


def test_run_tracks_param_and_metric(q01_run, client):
    run_id = printed_id(q01_run.stdout, r"exécution ([0-9a-f]{32})")
    run = client.get_run(run_id)

    assert run.data.params == {"alpha": "1.0"}, (
        f"{SNIPPET}: the run stored params {run.data.params}"
    )
    assert 0 < run.data.metrics["r2"] < 1, (
        f"{SNIPPET}: r2 is {run.data.metrics['r2']}, expected a score "
        "between 0 and 1"
    )


def test_second_launch_moves_alias_to_version_two(q01_run, client):
    again = run_snippet(REPO_ROOT / SNIPPET, q01_run.workdir)
    assert again.returncode == 0, again.describe()

    assert f"{MODEL_NAME}@champion → version 2" in again.stdout, (
        f"the second launch of {SNIPPET} must report version 2, as "
        f"docs/partie-1/q01.md says:\n{again.stdout}"
    )
    champion = client.get_model_version_by_alias(MODEL_NAME, "champion")
    assert str(champion.version) == "2", (
        f"after two launches, champion points to version {champion.version}"
    )
    versions = client.search_model_versions(f"name = '{MODEL_NAME}'")
    assert sorted(str(v.version) for v in versions) == ["1", "2"], (
        f"after two launches, {MODEL_NAME} has versions "
        f"{sorted(str(v.version) for v in versions)}, expected 1 and 2"
    )
