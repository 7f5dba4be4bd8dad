"""Behaviour behind docs/partie-1/q14.md: tags and search filters.

The page states that snippets/partie-1/q14.py tags an experiment and its
runs, and that filters on those tags find the expected runs in the expected
order. It also lists the filter syntax MLflow 3.17.2 rejects, and states
that tags on a registered model and a model version are searchable too.
"""

from __future__ import annotations

import pytest
from conftest import snippet_store
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from snippet_runner import SnippetRun

SNIPPET = "snippets/partie-1/q14.py"
EXPERIMENT = "q14-etiquettes"

# Filters the page shows as rejected, with the start of MLflow's message.
REJECTED_FILTERS = {
    "tags.famille = 'arbre' OR tags.famille = 'foret'": (
        r"Invalid clause\(s\) in filter string"
    ),
    "params.max_depth = 5": r"Expected a quoted string value for parameter",
    "tags.version-donnees = 'v2'": r"Invalid comparison clause",
    "tags.famille IN ('arbre', 'foret')": (
        r"Expected a quoted string value for tag"
    ),
}

# Filters the page shows as accepted, with the runs each must return.
ACCEPTED_FILTERS = {
    "params.max_depth = '5'": {"arbre-5", "foret-5"},
    "tags.`version-donnees` = 'v2'": {
        "arbre-2",
        "arbre-5",
        "foret-2",
        "foret-5",
    },
    "tags.`mlflow.runName` LIKE 'foret-%'": {"foret-2", "foret-5"},
    "tags.mlflow.runName LIKE 'foret-%'": {"foret-2", "foret-5"},
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Run the snippet once for the module, in its own folder and store."""
    with snippet_store(tmp_path_factory, SNIPPET) as (result, client):
        yield result, client


@pytest.fixture(scope="module")
def q14_run(store) -> SnippetRun:
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


def test_experiment_found_by_its_tag(client, experiment_id):
    found = client.search_experiments(
        filter_string="tags.equipe = 'risque-credit'"
    )

    assert [e.experiment_id for e in found] == [experiment_id], (
        f"{SNIPPET}: filtering experiments on tags.equipe found "
        f"{[e.name for e in found]}, expected only {EXPERIMENT!r}"
    )
    assert found[0].tags.get("priorite") == "haute", (
        f"{SNIPPET}: the experiment lacks the tag priorite='haute' that "
        "set_experiment_tags must add"
    )


def test_tag_and_metric_filter_ranks_forests(client, experiment_id):
    runs = client.search_runs(
        [experiment_id],
        filter_string="tags.famille = 'foret' AND metrics.accuracy > 0.92",
        order_by=["metrics.accuracy DESC"],
    )

    names = [run.info.run_name for run in runs]
    assert names == ["foret-5", "foret-2"], (
        f"{SNIPPET}: the tag and metric filter returned {names}; the page "
        "shows foret-5 then foret-2"
    )
    statuses = [run.data.tags["statut"] for run in runs]
    assert statuses == ["candidat", "ecarte"], (
        f"{SNIPPET}: set_tag gave the statuses {statuses}, the page shows "
        "candidat then ecarte"
    )


def test_tag_filter_excludes_other_family(client, experiment_id):
    runs = client.search_runs(
        [experiment_id], filter_string="tags.famille = 'arbre'"
    )

    names = sorted(run.info.run_name for run in runs)
    assert names == ["arbre-2", "arbre-5"], (
        f"{SNIPPET}: tags.famille = 'arbre' returned {names}; each run must "
        "carry the famille tag given to start_run"
    )


@pytest.mark.parametrize("filter_string", sorted(REJECTED_FILTERS))
def test_filter_is_rejected(client, experiment_id, filter_string):
    with pytest.raises(MlflowException, match=REJECTED_FILTERS[filter_string]):
        client.search_runs([experiment_id], filter_string=filter_string)


@pytest.mark.parametrize("filter_string", sorted(ACCEPTED_FILTERS))
def test_filter_is_accepted(client, experiment_id, filter_string):
    runs = client.search_runs([experiment_id], filter_string=filter_string)

    names = {run.info.run_name for run in runs}
    assert names == ACCEPTED_FILTERS[filter_string], (
        f"{filter_string!r} returned {sorted(names)}, expected "
        f"{sorted(ACCEPTED_FILTERS[filter_string])}; update "
        "snippets/partie-1/q14.out and docs/partie-1/q14.md"
    )


def test_run_tag_can_be_replaced(client, experiment_id):
    run = client.search_runs(
        [experiment_id], filter_string="attributes.run_name = 'foret-2'"
    )[0]

    original = run.data.tags["statut"]
    try:
        client.set_tag(run.info.run_id, "statut", "candidat")

        updated = client.get_run(run.info.run_id).data.tags["statut"]
        assert updated == "candidat", (
            "set_tag on an existing key must replace its value, as "
            f"docs/partie-1/q14.md says; got {updated!r}"
        )
    finally:
        # The other tests of this module read the same store.
        client.set_tag(run.info.run_id, "statut", original)


def test_model_tags_are_searchable(tmp_path):
    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    client.create_registered_model("scoring", tags={"domaine": "credit"})
    client.create_registered_model("autre", tags={"domaine": "fraude"})
    version = client.create_model_version(
        "scoring", source=str(tmp_path / "model")
    )
    client.set_model_version_tag(
        "scoring", version.version, "validation", "approuvee"
    )

    models = client.search_registered_models("tags.domaine = 'credit'")
    assert [m.name for m in models] == ["scoring"], (
        "search_registered_models on a tag returned "
        f"{[m.name for m in models]}, expected ['scoring']"
    )
    versions = client.search_model_versions(
        "name = 'scoring' AND tags.validation = 'approuvee'"
    )
    assert [v.version for v in versions] == [version.version], (
        "search_model_versions on a tag returned "
        f"{[v.version for v in versions]}, expected [{version.version}]"
    )
