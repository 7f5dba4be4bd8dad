"""Behaviour of snippets/partie-1/q09.py: a CI gate driven by the registry.

The snippet runs two candidates through the same step: each one becomes a
new version of `prix_maisons`, gets a `validation_status` tag from its R²
on a validation set, and receives the alias `champion` only if approved.
These tests read the SQLite store the snippet wrote.
"""

from __future__ import annotations

import mlflow
import pandas as pd
import pytest
from conftest import snippet_store
from mlflow import MlflowClient

SNIPPET = "snippets/partie-1/q09.py"
NAME = "prix_maisons"
R2_THRESHOLD = 0.8  # SEUIL_R2 in the snippet
HOUSE = pd.DataFrame({"surface": [70.0], "pieces": [3.0]})


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Run the snippet once and point MLflow at the store it wrote."""
    with snippet_store(tmp_path_factory, str(SNIPPET)) as (result, client):
        yield result, client


def version_details(client: MlflowClient, version: str) -> tuple[str, float]:
    """Return the validation tag of a version and the R² of its run."""
    model_version = client.get_model_version(NAME, version)
    run = client.get_run(model_version.run_id)
    return (
        model_version.tags.get("validation_status"),
        run.data.metrics["r2_validation"],
    )


def test_each_candidate_is_a_version(store):
    _, client = store
    versions = sorted(
        int(v.version) for v in client.search_model_versions(f"name='{NAME}'")
    )
    assert versions == [1, 2], (
        f"{SNIPPET} should register one version per candidate (1 and 2), "
        f"found {versions}; check registered_model_name= in etape_ci"
    )


def test_good_candidate_approved(store):
    _, client = store
    status, r2 = version_details(client, "1")
    assert r2 >= R2_THRESHOLD, (
        f"{SNIPPET}: the linear model should pass the R² gate, got {r2:.3f}"
    )
    assert status == "approved", (
        f"{SNIPPET}: version 1 passed the gate and should be tagged "
        f"validation_status=approved, found {status!r}"
    )


def test_weak_candidate_rejected(store):
    _, client = store
    status, r2 = version_details(client, "2")
    assert r2 < R2_THRESHOLD, (
        f"{SNIPPET}: the over-regularised Ridge should fail the R² gate, "
        f"got {r2:.3f}"
    )
    assert status == "rejected", (
        f"{SNIPPET}: version 2 failed the gate and should be tagged "
        f"validation_status=rejected, found {status!r}"
    )


def test_rejection_keeps_champion(store):
    _, client = store
    champion = client.get_model_version_by_alias(NAME, "champion")
    assert str(champion.version) == "1", (
        f"{SNIPPET}: a rejected candidate must not move the alias; champion "
        f"should stay on version 1, found version {champion.version}"
    )


def test_served_prediction_is_champion(store):
    result, _ = store
    champion = mlflow.pyfunc.load_model(f"models:/{NAME}@champion")
    version_1 = mlflow.pyfunc.load_model(f"models:/{NAME}/1")
    served = float(champion.predict(HOUSE)[0])
    assert served == float(version_1.predict(HOUSE)[0]), (
        f"models:/{NAME}@champion should load version 1 after {SNIPPET}"
    )

    line = f"prédiction servie\u00a0: {served:.0f}\u00a0k€"
    assert line in result.stdout, (
        f"{SNIPPET} should print {line!r}, the champion's prediction; "
        f"stdout was:\n{result.stdout}"
    )
