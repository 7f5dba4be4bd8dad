"""Behaviour of snippets/partie-1/q13.py: versions, alias, rollback.

The snippet registers two versions of `prix_maisons`, points the alias
`champion` at version 2, then rolls back to version 1. These tests read its
SQLite store and load the models through the same `models:/` URIs.
"""

from __future__ import annotations

import mlflow
import pandas as pd
import pytest
from conftest import snippet_store

SNIPPET = "snippets/partie-1/q13.py"
NAME = "prix_maisons"
HOUSE = pd.DataFrame({"surface": [70.0], "pieces": [3.0]})


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Run the snippet once and point MLflow at the store it wrote."""
    with snippet_store(tmp_path_factory, str(SNIPPET)) as (result, client):
        yield result, client


def predict(model_uri: str) -> float:
    return float(mlflow.pyfunc.load_model(model_uri).predict(HOUSE)[0])


def test_two_versions_registered(store):
    _, client = store
    versions = sorted(
        int(v.version) for v in client.search_model_versions(f"name='{NAME}'")
    )
    assert versions == [1, 2], (
        f"{SNIPPET} should register versions 1 and 2 of {NAME}, found "
        f"{versions}; check registered_model_name= in both log_model calls"
    )


def test_alias_resolves_before_and_after_rollback(store):
    result, _ = store
    lines = [
        line for line in result.stdout.splitlines() if "champion →" in line
    ]
    assert len(lines) == 2, (
        f"{SNIPPET} should print the champion twice (promotion, rollback), "
        f"printed {lines}"
    )
    assert lines[0].startswith("champion → version 2"), (
        f"{SNIPPET}: after promotion the alias should resolve to version 2, "
        f"printed {lines[0]!r}"
    )
    assert lines[1].startswith("champion → version 1"), (
        f"{SNIPPET}: after rollback the alias should resolve to version 1, "
        f"printed {lines[1]!r}"
    )


def test_alias_left_on_version_1(store):
    _, client = store
    champion = client.get_model_version_by_alias(NAME, "champion")
    assert champion.version in (1, "1"), (
        f"{SNIPPET} should end with champion on version 1 (rollback), "
        f"found version {champion.version}"
    )


def test_version_tags_record_verdicts(store):
    _, client = store
    tags = {
        version: client.get_model_version(NAME, version).tags.get(
            "validation_status"
        )
        for version in ("1", "2")
    }
    assert tags["1"] == "approved", (
        f"{SNIPPET}: version 1 should keep validation_status=approved, "
        f"found {tags['1']!r}"
    )
    assert tags["2"] == "rejected", (
        f"{SNIPPET}: version 2 should be tagged validation_status=rejected "
        f"after the rollback, found {tags['2']!r}"
    )


def test_alias_uri_follows_the_alias(store):
    _, client = store
    version_1 = predict(f"models:/{NAME}/1")
    version_2 = predict(f"models:/{NAME}/2")
    assert abs(version_1 - version_2) > 1.0, (
        f"{SNIPPET}: versions 1 and 2 should predict different prices for "
        f"the same house, got {version_1:.1f} and {version_2:.1f}; the two "
        "trainings must use different data"
    )

    try:
        client.set_registered_model_alias(NAME, "champion", 2)
        assert predict(f"models:/{NAME}@champion") == version_2, (
            f"models:/{NAME}@champion should load version 2 while the alias "
            "points at it"
        )

        client.set_registered_model_alias(NAME, "champion", 1)
        assert predict(f"models:/{NAME}@champion") == version_1, (
            f"models:/{NAME}@champion should load version 1 after moving "
            "the alias back"
        )
    finally:
        client.set_registered_model_alias(NAME, "champion", 1)


def test_printed_prices_match_versions(store):
    result, _ = store
    expected = {
        "2": f"{predict(f'models:/{NAME}/2'):.0f}",
        "1": f"{predict(f'models:/{NAME}/1'):.0f}",
    }
    for version, price in expected.items():
        line = f"champion → version {version}\u00a0: {price}\u00a0k€"
        assert line in result.stdout, (
            f"{SNIPPET} should print {line!r}, the prediction of version "
            f"{version}; stdout was:\n{result.stdout}"
        )
