"""Behaviour of the Partie 3 page on the data pipeline.

`snippets/partie-3/pipeline_de_donnees.py` builds a raw batch with every
fault the page names, validates and cleans it, quarantines the bad rows
with their reason, writes the day's Parquet partition and logs a quality
report to MLflow. These tests check exactly which rows were kept, fixed and
rejected, then read what the snippet wrote.
"""

from __future__ import annotations

import importlib.util
import json
import sys

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient
from snippet_runner import REPO_ROOT, run_snippet

SNIPPET = "snippets/partie-3/pipeline_de_donnees.py"
DAY = "2026-03-01"

# The rows the page lists as rejected, in arrival order, with their reasons.
EXPECTED_QUARANTINE = [
    ("T-0100", "identifiant en conflit"),
    ("T-0204", "montant non numérique"),
    ("T-0205", "montant hors plage"),
    ("T-0206", "montant manquant"),
    ("T-0207", "client manquant"),
    ("", "identifiant manquant"),
    ("T-0208", "horodatage invalide"),
    ("T-0209", "horodatage hors du lot"),
    ("T-0210", "pays inconnu"),
    ("T-0211", "montant hors plage\u202f; pays inconnu"),
    ("T-0100", "identifiant en conflit"),
]


def load_pipeline():
    """Import the snippet as a module; its main() only runs as a script."""
    name = "pipeline_de_donnees"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / SNIPPET)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


pipeline = load_pipeline()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The snippet's raw batch, validated and cleaned in-process."""
    path = tmp_path_factory.mktemp("lot") / f"transactions_{DAY}.csv"
    pipeline.make_landing_batch(path, DAY)
    raw, unexpected = pipeline.read_batch(path)
    clean, quarantine, report = pipeline.validate_and_clean(raw, DAY)
    return raw, unexpected, clean, quarantine, report


def test_quarantine_holds_exactly_the_faulty_rows(batch):
    _, _, _, quarantine, _ = batch
    found = list(
        zip(quarantine["transaction_id"], quarantine["raison"], strict=True)
    )
    assert found == EXPECTED_QUARANTINE, (
        f"{SNIPPET}: the quarantine should hold exactly the faulty rows with "
        f"their reasons, in arrival order; found {found}"
    )


def test_conflicting_id_rejects_both_copies(batch):
    _, _, clean, quarantine, _ = batch
    copies = quarantine[quarantine["transaction_id"] == "T-0100"]
    assert len(copies) == 2, (
        f"{SNIPPET}: both rows with id T-0100 should go to quarantine"
    )
    assert "T-0100" not in set(clean["transaction_id"]), (
        f"{SNIPPET}: no copy of a conflicting id may be published"
    )


def test_exact_duplicate_kept_once(batch):
    raw, _, clean, _, report = batch
    assert (raw["transaction_id"] == "T-0050").sum() == 2, (
        f"{SNIPPET}: the raw batch should replay row T-0050 once"
    )
    assert (clean["transaction_id"] == "T-0050").sum() == 1, (
        f"{SNIPPET}: an exact duplicate should be dropped, not quarantined"
    )
    assert report["doublons_exacts_supprimes"] == 1, (
        f"{SNIPPET}: the report should count 1 exact duplicate"
    )


def test_repairable_formats_are_fixed(batch):
    _, _, clean, _, report = batch
    rows = clean.set_index("transaction_id")
    assert rows.loc["T-0201", "amount"] == 12.5, (
        f"{SNIPPET}: '12,50' should become the number 12.5"
    )
    assert rows.loc["T-0202", "country"] == "FR", (
        f"{SNIPPET}: ' fr ' should become 'FR'"
    )
    assert rows.loc["T-0203", "channel"] == "inconnu", (
        f"{SNIPPET}: an empty channel should be imputed as 'inconnu'"
    )
    assert report["corrections"] == {
        "montant_virgule": 1,
        "pays_normalise": 1,
        "canal_impute": 1,
    }, f"{SNIPPET}: the report should count each fix once"


def test_outliers_flagged_not_removed(batch):
    _, _, clean, _, report = batch
    flagged = sorted(clean.loc[clean["amount_outlier"], "transaction_id"])
    assert flagged == ["T-0107", "T-0212"], (
        f"{SNIPPET}: the robust z-score should flag T-0212 (48 000) and "
        f"T-0107 (1.62), found {flagged}"
    )
    assert report["valeurs_aberrantes"] == flagged, (
        f"{SNIPPET}: the report should list the flagged ids"
    )


def test_clean_rows_respect_the_contract(batch):
    _, unexpected, clean, _, report = batch
    assert unexpected == ["debug"], (
        f"{SNIPPET}: read_batch should report the extra column 'debug'"
    )
    assert list(clean.columns) == [
        *pipeline.REQUIRED_COLUMNS,
        "amount_outlier",
    ], f"{SNIPPET}: the clean table has unexpected columns {clean.columns}"
    assert clean["transaction_id"].is_unique, (
        f"{SNIPPET}: published transaction ids must be unique"
    )
    assert (clean["amount"] > 0).all(), (
        f"{SNIPPET}: every published amount must be positive"
    )
    assert (clean["amount"] <= pipeline.MAX_AMOUNT).all(), (
        f"{SNIPPET}: every published amount must be at most MAX_AMOUNT"
    )
    assert clean["timestamp"].dt.strftime("%Y-%m-%d").eq(DAY).all(), (
        f"{SNIPPET}: every published timestamp must fall on {DAY}"
    )
    assert set(clean["country"]) <= pipeline.COUNTRIES, (
        f"{SNIPPET}: every published country must be in COUNTRIES"
    )
    assert set(clean["channel"]) <= pipeline.CHANNELS | {"inconnu"}, (
        f"{SNIPPET}: every published channel must be known or 'inconnu'"
    )
    assert (
        report["lignes_recues"],
        report["lignes_en_quarantaine"],
        report["lignes_valides"],
    ) == (215, 11, 203), (
        f"{SNIPPET}: expected 215 rows received, 11 quarantined and 203 "
        f"published, found {report}"
    )


def test_missing_column_rejects_whole_batch(tmp_path):
    path = tmp_path / "lot.csv"
    pd.DataFrame({"transaction_id": ["T-1"], "timestamp": ["x"]}).to_csv(
        path, index=False
    )
    with pytest.raises(pipeline.SchemaError) as error:
        pipeline.read_batch(path)
    message = str(error.value)
    for column in ("customer_id", "amount", "country", "channel"):
        assert column in message, (
            f"{SNIPPET}: SchemaError should name the missing column "
            f"{column}, said {message!r}"
        )


@pytest.fixture(scope="module")
def script_run(tmp_path_factory):
    """The snippet run twice in one folder, as a re-run of the same day."""
    workdir = tmp_path_factory.mktemp("pipeline")
    runs = [run_snippet(REPO_ROOT / SNIPPET, workdir) for _ in range(2)]
    for result in runs:
        assert result.returncode == 0, result.describe()
    uri = f"sqlite:///{workdir / 'mlflow.db'}"
    return runs, workdir, MlflowClient(tracking_uri=uri)


def test_quality_report_logged_to_mlflow(script_run):
    _, workdir, client = script_run
    experiment = client.get_experiment_by_name("donnees-transactions")
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 2, f"{SNIPPET}: each run should log one MLflow run"

    run = runs[0]
    assert run.data.tags["qualite.decision"] == "publie", (
        f"{SNIPPET}: the batch should pass the quality gate"
    )
    assert run.data.metrics["lignes_en_quarantaine"] == 11, (
        f"{SNIPPET}: the run should log 11 quarantined rows as a metric"
    )
    assert run.data.params["colonnes_inattendues"] == "debug", (
        f"{SNIPPET}: the run should log the unexpected column as a param"
    )

    report_path = client.download_artifacts(
        run.info.run_id, "qualite/rapport.json", str(workdir / "r")
    )
    with open(report_path, encoding="utf-8") as file:
        report = json.load(file)
    assert report["raisons"]["identifiant en conflit"] == 2, (
        f"{SNIPPET}: the logged report should count 2 conflicting rows"
    )

    quarantine = pd.read_csv(
        client.download_artifacts(
            run.info.run_id, "qualite/quarantaine.csv", str(workdir / "q")
        ),
        dtype=str,
        keep_default_na=False,
    )
    logged = list(
        zip(quarantine["transaction_id"], quarantine["raison"], strict=True)
    )
    assert logged == EXPECTED_QUARANTINE, (
        f"{SNIPPET}: the logged quarantine.csv should list the rejected rows"
    )
    datasets = [i.dataset.name for i in run.inputs.dataset_inputs]
    assert datasets == [f"transactions-{DAY}"], (
        f"{SNIPPET}: the published table should be logged as the dataset "
        f"transactions-{DAY}, found {datasets}"
    )


def test_rerun_rewrites_same_partition(script_run):
    runs, workdir, _ = script_run
    partitions = sorted((workdir / "lac" / "curated").iterdir())
    assert [p.name for p in partitions] == [f"date={DAY}"], (
        f"{SNIPPET}: a re-run should rewrite the day's partition, found "
        f"{[p.name for p in partitions]}"
    )
    files = list(partitions[0].iterdir())
    assert [f.name for f in files] == ["part-0.parquet"], (
        f"{SNIPPET}: a re-run should overwrite part-0.parquet, not add files"
    )
    assert len(pd.read_parquet(files[0])) == 203, (
        f"{SNIPPET}: the partition should hold the 203 published rows"
    )
    assert runs[0].stdout == runs[1].stdout, (
        f"{SNIPPET}: the same batch should give the same output twice"
    )


def test_quality_gate_blocks_damaged_batch(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    # With a SQLite store, a new experiment keeps its artifacts in ./mlruns.
    monkeypatch.chdir(tmp_path)
    raw = pd.DataFrame(
        {
            "transaction_id": ["T-1", "T-2", "T-3", "T-4"],
            "timestamp": [f"{DAY} 10:00:00"] * 4,
            "customer_id": ["C-1", "C-2", "", "C-4"],
            "amount": ["10.00", "abc", "12.00", "15.00"],
            "country": ["FR"] * 4,
            "channel": ["web"] * 4,
        }
    )
    clean, quarantine, report = pipeline.validate_and_clean(raw, DAY)
    report["colonnes_inattendues"] = []
    experiment_id = mlflow.set_experiment("porte-qualite").experiment_id
    with pytest.raises(pipeline.QualityGateError):
        pipeline.publish(clean, quarantine, report, tmp_path / "lac")
    assert not (tmp_path / "lac" / "curated").exists(), (
        f"{SNIPPET}: a blocked batch must not write its partition"
    )
    run = MlflowClient(tracking_uri=uri).search_runs([experiment_id])[0]
    assert run.data.tags["qualite.decision"] == "bloque", (
        f"{SNIPPET}: the run of a blocked batch should record the decision"
    )
    assert run.info.status == "FAILED", (
        f"{SNIPPET}: a blocked batch should leave a FAILED run"
    )
