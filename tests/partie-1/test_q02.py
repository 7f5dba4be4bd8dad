"""Behaviour behind docs/partie-1/q02.md: a tracked run is found again.

The page states that snippets/partie-1/q02.py records a param, a metric, a
description and a tag, and that MLflow adds the user and the script path by
itself. It also states that the filter on param and tag returns the newest
run when the script has run several times.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mlflow import MlflowClient
from snippet_runner import REPO_ROOT, SnippetRun, run_snippet

SNIPPET = "snippets/partie-1/q02.py"
EXPERIMENT = "q02-suivi"
SEARCH = "params.alpha = '0.5' AND tags.jeu_de_donnees = 'diabetes'"


@pytest.fixture(scope="module")
def q02_run(tmp_path_factory) -> SnippetRun:
    """Run the snippet once for the module, in its own folder and store."""
    result = run_snippet(REPO_ROOT / SNIPPET, tmp_path_factory.mktemp("q02"))
    assert result.returncode == 0, result.describe()
    return result


@pytest.fixture(scope="module")
def client(q02_run) -> MlflowClient:
    return MlflowClient(
        tracking_uri=f"sqlite:///{q02_run.workdir / 'mlflow.db'}"
    )


@pytest.fixture(scope="module")
def printed_run(q02_run, client):
    """Return the run whose id the first launch printed."""
    match = re.search(r"ridge-reference ([0-9a-f]{32})", q02_run.stdout)
    assert match, f"{SNIPPET} printed no run id:\n{q02_run.stdout}"
    return client.get_run(match.group(1))


@pytest.fixture(scope="module")
def experiment_id(client) -> str:
    experiment = client.get_experiment_by_name(EXPERIMENT)
    assert experiment is not None, (
        f"{SNIPPET} created no experiment named {EXPERIMENT!r}"
    )
    return experiment.experiment_id


def test_run_stores_what_the_code_logged(printed_run):
    run = printed_run
    assert run.data.params == {"alpha": "0.5"}, (
        f"{SNIPPET}: params are {run.data.params}; the page shows the "
        "string '0.5'"
    )
    assert round(run.data.metrics["rmse"], 2) == 55.57, (
        f"{SNIPPET}: rmse is {run.data.metrics['rmse']}, the page shows "
        "55.57; update snippets/partie-1/q02.out and the page"
    )
    assert run.data.tags["mlflow.note.content"].startswith("Référence"), (
        f"{SNIPPET}: start_run(description=...) must be stored in the tag "
        "mlflow.note.content, as the page says"
    )
    assert run.info.status == "FINISHED", (
        f"{SNIPPET}: the run ended with status {run.info.status}"
    )
    assert run.info.end_time >= run.info.start_time, (
        f"{SNIPPET}: the run has no valid start and end times"
    )


def test_mlflow_adds_user_and_script(printed_run):
    run = printed_run

    assert run.data.tags.get("mlflow.user"), (
        "MLflow did not add the mlflow.user tag that docs/partie-1/q02.md "
        "says it adds by itself"
    )
    source = Path(run.data.tags.get("mlflow.source.name", ""))
    assert source.name == "q02.py", (
        f"mlflow.source.name is {str(source)!r}; docs/partie-1/q02.md says "
        "MLflow records the script that was launched"
    )


def test_search_returns_newest_of_two_launches(q02_run, client, experiment_id):
    again = run_snippet(REPO_ROOT / SNIPPET, q02_run.workdir)
    assert again.returncode == 0, again.describe()

    runs = client.search_runs(
        [experiment_id],
        filter_string=SEARCH,
        order_by=["attributes.start_time DESC"],
    )
    assert len(runs) == 2, (
        f"two launches of {SNIPPET} must leave two matching runs, found "
        f"{len(runs)}"
    )
    newest = runs[0].info.run_id
    assert newest in again.stdout, (
        f"the second launch of {SNIPPET} printed another run than the "
        f"newest one ({newest}):\n{again.stdout}"
    )
