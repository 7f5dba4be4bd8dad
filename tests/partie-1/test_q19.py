"""Behaviour of snippets/partie-1/q19.py: `mlflow.models.evaluate` and gate.

The snippet evaluates a logistic regression and a random classifier on the
same test set, then applies `MetricThreshold` gates through
`mlflow.validate_evaluation_results`. These tests read the metrics and
artifacts each evaluation logged, and run the same gate on them.
"""

from __future__ import annotations

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.models import MetricThreshold
from mlflow.models.evaluation import EvaluationResult
from mlflow.models.evaluation.validation import ModelValidationFailedException
from snippet_runner import REPO_ROOT, run_snippet

SNIPPET = "snippets/partie-1/q19.py"
GOOD, WEAK = "regression_logistique", "hasard"

# What the default evaluator of MLflow 3.17.2 logs for a binary classifier.
EXPECTED_METRICS = {
    "accuracy_score",
    "example_count",
    "f1_score",
    "log_loss",
    "precision_recall_auc",
    "precision_score",
    "recall_score",
    "roc_auc",
    "score",
    "true_positives",
    "false_positives",
    "true_negatives",
    "false_negatives",
}
EXPECTED_PLOTS = {
    "calibration_curve_plot.png",
    "confusion_matrix.png",
    "lift_curve_plot.png",
    "precision_recall_curve_plot.png",
    "roc_curve_plot.png",
}
# The thresholds of the snippet's gate.
THRESHOLDS = {
    "accuracy_score": MetricThreshold(threshold=0.9, greater_is_better=True),
    "roc_auc": MetricThreshold(threshold=0.9, greater_is_better=True),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Run the snippet once and return its stdout, client and runs by name."""
    workdir = tmp_path_factory.mktemp("q19")
    result = run_snippet(REPO_ROOT / SNIPPET, workdir)
    assert result.returncode == 0, result.describe()

    uri = f"sqlite:///{workdir / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri)
    found = client.search_runs(
        [client.get_experiment_by_name("Default").experiment_id]
    )
    return result, client, {run.info.run_name: run for run in found}


@pytest.mark.parametrize("name", [GOOD, WEAK])
def test_evaluation_logs_classifier_metrics(runs, name):
    _, _, by_name = runs
    assert name in by_name, (
        f"{SNIPPET} should create a run named {name!r}, found "
        f"{sorted(by_name)}"
    )
    missing = EXPECTED_METRICS - set(by_name[name].data.metrics)
    assert not missing, (
        f"{SNIPPET}: mlflow.models.evaluate should log {sorted(missing)} "
        f"on run {name!r}; check model_type='classifier' and targets="
    )


@pytest.mark.parametrize("name", [GOOD, WEAK])
def test_evaluation_writes_plots(runs, name):
    _, client, by_name = runs
    run_id = by_name[name].info.run_id
    paths = {artifact.path for artifact in client.list_artifacts(run_id)}
    missing = EXPECTED_PLOTS - paths
    assert not missing, (
        f"{SNIPPET}: the evaluation of {name!r} should write the plots "
        f"{sorted(missing)} as run artifacts, found {sorted(paths)}"
    )


def test_gate_passes_good_model(runs):
    _, _, by_name = runs
    run = by_name[GOOD]
    result = EvaluationResult(metrics=run.data.metrics, artifacts={})
    # Raises ModelValidationFailedException if a threshold is missed.
    mlflow.validate_evaluation_results(THRESHOLDS, result)
    assert run.data.tags.get("validation_status") == "approved", (
        f"{SNIPPET} should tag run {GOOD!r} validation_status=approved"
    )


def test_gate_rejects_weak_model(runs):
    _, _, by_name = runs
    run = by_name[WEAK]
    result = EvaluationResult(metrics=run.data.metrics, artifacts={})
    with pytest.raises(ModelValidationFailedException, match="accuracy"):
        mlflow.validate_evaluation_results(THRESHOLDS, result)
    assert run.data.tags.get("validation_status") == "rejected", (
        f"{SNIPPET} should tag run {WEAK!r} validation_status=rejected"
    )


def test_stdout_reports_gate_outcome(runs):
    result, _, _ = runs
    for line in (
        f"{GOOD}\u00a0: seuils atteints",
        f"{WEAK}\u00a0: ModelValidationFailedException",
    ):
        assert line in result.stdout, (
            f"{SNIPPET} should print {line!r}; stdout was:\n{result.stdout}"
        )
