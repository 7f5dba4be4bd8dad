"""Question 11: two frameworks tracked side by side and served alike.

The snippet `snippets/partie-1/q11.py` runs once for the module. It logs a
scikit-learn model and a numpy model defined by its code
(`snippets/partie-1/q11_modele.py`) in one experiment. The tests read that
experiment from the snippet's SQLite store.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import yaml
from mlflow import MlflowClient
from mlflow.pyfunc import PyFuncModel
from sklearn.linear_model import LinearRegression
from snippet_runner import REPO_ROOT, SnippetRun, run_snippet

SNIPPET = REPO_ROOT / "snippets" / "partie-1" / "q11.py"
EXPERIMENT_NAME = "prix-logements"
NEW_ROWS = pd.DataFrame(
    {"surface": [42.0, 70.0, 150.0], "pieces": [1.0, 3.0, 6.0]}
)


@pytest.fixture(scope="module")
def q11_run(tmp_path_factory) -> SnippetRun:
    result = run_snippet(SNIPPET, tmp_path_factory.mktemp("q11"))
    assert result.returncode == 0, result.describe()
    return result


@pytest.fixture(scope="module")
def client(q11_run) -> MlflowClient:
    return MlflowClient(f"sqlite:///{q11_run.workdir / 'mlflow.db'}")


@pytest.fixture(scope="module")
def model_dirs(client) -> dict[str, Path]:
    """Map each run's `framework` tag to the local folder of its model."""
    experiment = client.get_experiment_by_name(EXPERIMENT_NAME)
    assert experiment is not None, (
        f"{SNIPPET.name} should log both runs in the experiment "
        f"{EXPERIMENT_NAME!r}"
    )
    folders = {}
    for run in client.search_runs([experiment.experiment_id]):
        models = run.outputs.model_outputs
        assert len(models) == 1, (
            f"run {run.info.run_name} should output one model, "
            f"got {len(models)}"
        )
        logged = client.get_logged_model(models[0].model_id)
        folders[run.data.tags["framework"]] = Path(
            logged.artifact_location.removeprefix("file://")
        )
    return folders


def read_mlmodel(folder: Path) -> dict:
    return yaml.safe_load((folder / "MLmodel").read_text())


def test_both_runs_share_one_experiment(client):
    experiment = client.get_experiment_by_name(EXPERIMENT_NAME)
    runs = client.search_runs([experiment.experiment_id])
    frameworks = sorted(run.data.tags.get("framework") for run in runs)
    assert frameworks == ["numpy", "scikit-learn"], (
        f"the experiment {EXPERIMENT_NAME!r} should hold one scikit-learn "
        f"run and one numpy run, got the framework tags {frameworks}"
    )
    for run in runs:
        assert "rmse" in run.data.metrics, (
            f"run {run.info.run_name} has no rmse metric, so the two "
            "frameworks cannot be compared"
        )


def test_sklearn_model_has_two_flavors(model_dirs):
    flavors = read_mlmodel(model_dirs["scikit-learn"])["flavors"]
    assert set(flavors) == {"python_function", "sklearn"}, (
        f"the scikit-learn model of {SNIPPET.name} should declare the "
        f"flavors python_function and sklearn, got {list(flavors)}"
    )


def test_numpy_model_has_pyfunc_flavor_only(model_dirs):
    flavors = read_mlmodel(model_dirs["numpy"])["flavors"]
    assert set(flavors) == {"python_function"}, (
        f"the numpy model of {SNIPPET.name} has no dedicated flavor and "
        f"should declare python_function only, got {list(flavors)}"
    )
    loader = flavors["python_function"]["loader_module"]
    assert loader == "mlflow.pyfunc.loaders.code_model", (
        "a model defined by its code loads through "
        f"mlflow.pyfunc.loaders.code_model, got {loader!r}"
    )


def test_numpy_model_carries_its_code(model_dirs):
    assert (model_dirs["numpy"] / "q11_modele.py").is_file(), (
        "MLflow should copy q11_modele.py into the numpy model folder; "
        "check python_model= in the pyfunc.log_model call of "
        f"{SNIPPET.name}"
    )


def test_sklearn_pyfunc_predicts_like_native(model_dirs):
    folder = str(model_dirs["scikit-learn"])
    generic = mlflow.pyfunc.load_model(folder)
    native = mlflow.sklearn.load_model(folder)
    assert isinstance(native, LinearRegression), (
        f"expected the LinearRegression of {SNIPPET.name}, "
        f"got {type(native).__name__}"
    )
    assert np.array_equal(
        generic.predict(NEW_ROWS), native.predict(NEW_ROWS)
    ), "scikit-learn: pyfunc predictions differ from native predictions"


def test_numpy_pyfunc_predicts_like_polyval(model_dirs):
    folder = model_dirs["numpy"]
    config = read_mlmodel(folder)["flavors"]["python_function"]["config"]
    generic = mlflow.pyfunc.load_model(str(folder))
    expected = np.polyval(config["coefficients"], NEW_ROWS["surface"])
    assert np.allclose(generic.predict(NEW_ROWS), expected), (
        "numpy: pyfunc predictions differ from np.polyval with the "
        "coefficients stored in model_config"
    )


def test_both_models_load_as_pyfunc(model_dirs):
    for framework, folder in model_dirs.items():
        loaded = mlflow.pyfunc.load_model(str(folder))
        assert isinstance(loaded, PyFuncModel), (
            f"the {framework} model should load as a PyFuncModel, got "
            f"{type(loaded).__name__}"
        )
