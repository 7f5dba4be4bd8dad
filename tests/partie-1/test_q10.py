"""Behaviour behind docs/partie-1/q10.md: comparing runs with search_runs.

The page states that snippets/partie-1/q10.py ranks four runs by accuracy
and that a second launch prints the same table. It also states that params
sort as text, that an OR filter is rejected, and that a real tracking server
returns the same ranking through `runs/search`, the endpoint its web UI
calls.
"""

from __future__ import annotations

import pytest
from conftest import free_port, snippet_store
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow_server import rest_get, rest_post, start_server, stop_server
from snippet_runner import REPO_ROOT, SnippetRun, run_snippet

SNIPPET = "snippets/partie-1/q10.py"
EXPERIMENT = "q10-comparaison"
RANKING = ["metrics.accuracy DESC", "metrics.f1 DESC"]
EXPECTED_ORDER = ["foret-10-10", "foret-50-5", "foret-10-5", "foret-10-2"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Run the snippet once for the module, in its own folder and store."""
    with snippet_store(tmp_path_factory, SNIPPET) as (result, client):
        yield result, client


@pytest.fixture(scope="module")
def q10_run(store) -> SnippetRun:
    return store[0]


@pytest.fixture(scope="module")
def client(store) -> MlflowClient:
    return store[1]


@pytest.fixture(scope="module")
def experiment_id(client) -> str:
    experiment = client.get_experiment_by_name(EXPERIMENT)
    assert experiment is not None, (
        f"{SNIPPET} created no experiment named {EXPERIMENT!r}; keep the "
        "name the page shows"
    )
    return experiment.experiment_id


def test_search_ranks_runs_by_accuracy(client, experiment_id):
    runs = client.search_runs([experiment_id], order_by=RANKING)

    names = [run.info.run_name for run in runs]
    assert names == EXPECTED_ORDER, (
        f"{SNIPPET}: search_runs ranked {names}, the page shows "
        f"{EXPECTED_ORDER}; update snippets/partie-1/q10.out and the page"
    )
    accuracies = [run.data.metrics["accuracy"] for run in runs]
    assert accuracies == sorted(accuracies, reverse=True), (
        f"{SNIPPET}: accuracies {accuracies} are not in descending order; "
        "order_by must put the best run first"
    )
    assert len(set(accuracies)) == len(accuracies), (
        f"{SNIPPET}: two runs tie on accuracy {accuracies}; choose "
        "configurations whose ranking does not depend on the tie-breaker"
    )


def test_best_run_keeps_its_exact_configuration(client, experiment_id):
    best = client.search_runs([experiment_id], order_by=RANKING, max_results=1)

    assert len(best) == 1, "max_results=1 must return exactly one run"
    assert best[0].info.run_name == "foret-10-10", (
        f"{SNIPPET}: the best run is {best[0].info.run_name}, the page "
        "shows foret-10-10"
    )
    assert best[0].data.params == {"n_estimators": "10", "max_depth": "10"}, (
        f"{SNIPPET}: the best run stored {best[0].data.params}; params must "
        "come back as strings, as docs/partie-1/q10.md explains"
    )


def test_params_sort_as_text(client, experiment_id):
    runs = client.search_runs(
        [experiment_id], order_by=["params.max_depth ASC"]
    )

    depths = [run.data.params["max_depth"] for run in runs]
    assert depths == ["10", "2", "5", "5"], (
        f"sorting on params.max_depth gave {depths}; docs/partie-1/q10.md "
        "says params sort as text, so rewrite that paragraph if MLflow "
        "now sorts them as numbers"
    )


def test_or_filter_raises(client, experiment_id):
    with pytest.raises(MlflowException, match=r"Invalid clause\(s\)"):
        client.search_runs(
            [experiment_id],
            filter_string="metrics.accuracy > 0.94 OR params.max_depth = '2'",
        )


def test_second_launch_prints_same_table(q10_run):
    again = run_snippet(REPO_ROOT / SNIPPET, q10_run.workdir)

    assert again.returncode == 0, again.describe()
    assert again.stdout == q10_run.stdout, (
        f"{SNIPPET} printed a different table on its second launch in the "
        "same folder; it must delete the runs of the previous launch "
        f"first.\n--- first ---\n{q10_run.stdout}\n--- second ---\n"
        f"{again.stdout}"
    )


@pytest.mark.server
def test_server_search_returns_same_ranking(tmp_path, q10_run):
    port = free_port()
    server = start_server(
        [
            "mlflow", "server",
            "--host", "127.0.0.1",
            "--port", str(port),
            "--workers", "1",
            "--backend-store-uri", f"sqlite:///{tmp_path / 'server.db'}",
            "--artifacts-destination", str(tmp_path / "artifacts"),
        ],
        cwd=tmp_path,
        port=port,
    )  # fmt: skip
    try:
        remote = run_snippet(
            REPO_ROOT / SNIPPET,
            tmp_path,
            extra_env={"MLFLOW_TRACKING_URI": server.url},
        )
        assert remote.returncode == 0, (
            f"{remote.describe()}\n--- server log ---\n{server.log()}"
        )

        experiment = rest_get(
            server,
            "/ajax-api/2.0/mlflow/experiments/get-by-name",
            experiment_name=EXPERIMENT,
        )
        experiment_id = experiment["experiment"]["experiment_id"]

        # The same request body the web UI sends to rank its runs table.
        response = rest_post(
            server,
            "/ajax-api/2.0/mlflow/runs/search",
            {"experiment_ids": [experiment_id], "order_by": RANKING},
        )
    finally:
        stop_server(server)

    names = [run["info"]["run_name"] for run in response["runs"]]
    assert names == EXPECTED_ORDER, (
        f"the server's runs/search ranked {names}, the page shows "
        f"{EXPECTED_ORDER}"
    )

    # Against a server, MLflow also prints each run's link in the web UI.
    ui_links = [
        line
        for line in remote.stdout.splitlines()
        if line.startswith("🏃 View run ")
    ]
    assert len(ui_links) == len(EXPECTED_ORDER), (
        f"{SNIPPET} printed {len(ui_links)} run links against a tracking "
        f"server, expected one per run; docs/partie-1/q10.md mentions them"
    )
    printed = [
        line
        for line in remote.stdout.splitlines()
        if not line.startswith(("🏃 View run ", "🧪 View experiment "))
    ]
    assert printed == q10_run.stdout.splitlines(), (
        f"{SNIPPET} printed a different table against a tracking server "
        f"than against a SQLite file.\n--- SQLite ---\n{q10_run.stdout}\n"
        f"--- server ---\n{remote.stdout}"
    )
