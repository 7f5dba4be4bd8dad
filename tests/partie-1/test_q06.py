"""Behaviour behind docs/partie-1/q06.md: comparing runs visually.

The page states that snippets/partie-1/q06.py logs a full metric history
per run, and that the runs table shows the value of the last step rather
than the best one. It also names the comparison views of the web UI shipped
with MLflow 3.17.2. The UI was not driven in a browser, so the last test checks
that the installed web app still contains every label the page quotes.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import pytest
from mlflow import MlflowClient
from snippet_runner import REPO_ROOT, SnippetRun, run_snippet

SNIPPET = "snippets/partie-1/q06.py"
EXPERIMENT = "q06-courbes"
STEPS = 50
WEB_APP_JS = Path(mlflow.__file__).parent / "server" / "js" / "build"

# Labels of the web UI that docs/partie-1/q06.md quotes or describes.
UI_LABELS = (
    # Runs table and comparison page.
    'defaultMessage:"Compare"',
    'defaultMessage:"Show diff only"',
    'defaultMessage:"Parallel Coordinates Plot"',
    'defaultMessage:"Scatter Plot"',
    'defaultMessage:"Box Plot"',
    'defaultMessage:"Contour Plot"',
    'defaultMessage:"Parameters"',
    'defaultMessage:"Metrics"',
    'defaultMessage:"Tags"',
    # Chart view and its chart types.
    'defaultMessage:"Chart view"',
    'defaultMessage:"Bar chart"',
    'defaultMessage:"Line chart"',
    'defaultMessage:"Scatter chart"',
    'defaultMessage:"Parallel coordinates"',
    'defaultMessage:"Contour chart"',
    'defaultMessage:"Difference view"',
    'defaultMessage:"Image grid"',
    # X axis choices of a line chart.
    'defaultMessage:"Step"',
    'defaultMessage:"Time (wall)"',
    'defaultMessage:"Time (relative)"',
    # Chart view of the logged models tab.
    "mlflow.logged_model.list.view-mode-chart-tooltip",
)


@pytest.fixture(scope="module")
def q06_run(tmp_path_factory) -> SnippetRun:
    """Run the snippet once for the module, in its own folder and store."""
    result = run_snippet(REPO_ROOT / SNIPPET, tmp_path_factory.mktemp("q06"))
    assert result.returncode == 0, result.describe()
    return result


@pytest.fixture(scope="module")
def client(q06_run) -> MlflowClient:
    return MlflowClient(
        tracking_uri=f"sqlite:///{q06_run.workdir / 'mlflow.db'}"
    )


@pytest.fixture(scope="module")
def runs(client):
    experiment = client.get_experiment_by_name(EXPERIMENT)
    assert experiment is not None, (
        f"{SNIPPET} created no experiment named {EXPERIMENT!r}"
    )
    found = client.search_runs([experiment.experiment_id])
    assert sorted(run.info.run_name for run in found) == [
        "gb-lr-0.1",
        "gb-lr-0.5",
    ], f"{SNIPPET} must leave exactly the two runs the page shows"
    return found


def test_history_keeps_every_step(client, runs):
    for run in runs:
        history = client.get_metric_history(run.info.run_id, "accuracy")

        steps = sorted(point.step for point in history)
        assert steps == list(range(1, STEPS + 1)), (
            f"{SNIPPET}: run {run.info.run_name} logged steps {steps}, "
            f"expected 1 to {STEPS}, one per tree"
        )


def test_table_shows_last_step_not_best(client, runs):
    for run in runs:
        history = client.get_metric_history(run.info.run_id, "accuracy")
        last = max(history, key=lambda point: point.step)
        best = max(point.value for point in history)

        table_value = run.data.metrics["accuracy"]
        assert table_value == last.value, (
            f"run {run.info.run_name}: the runs table shows {table_value}, "
            f"not the value {last.value} of the last step; rewrite the trap "
            "paragraph of docs/partie-1/q06.md"
        )
        assert table_value < best, (
            f"{SNIPPET}: run {run.info.run_name} peaks at its last step, so "
            "the output no longer shows the trap; choose other settings"
        )


def test_web_app_has_quoted_labels():
    bundles = sorted(WEB_APP_JS.rglob("*.js"))
    assert bundles, f"no web app found under {WEB_APP_JS}"
    text = "\n".join(path.read_text(encoding="utf-8") for path in bundles)

    for label in UI_LABELS:
        assert label in text, (
            f"the MLflow {mlflow.__version__} web app no longer contains "
            f"{label!r}; check the UI and update docs/partie-1/q06.md"
        )
