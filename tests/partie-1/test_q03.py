"""Question 3: a scikit-learn model saved in the MLflow Model format.

The snippet `snippets/partie-1/q03.py` runs once for the module and
downloads the model folder to `modele/` in its working folder. The tests
read that folder and load it through both the generic and the native
interface.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.linear_model import LinearRegression
from snippet_runner import REPO_ROOT, SnippetRun, run_snippet

SNIPPET = REPO_ROOT / "snippets" / "partie-1" / "q03.py"
NEW_ROWS = pd.DataFrame(
    {"surface": [42.0, 70.0, 150.0], "pieces": [1.0, 3.0, 6.0]}
)


@pytest.fixture(scope="module")
def q03_run(tmp_path_factory) -> SnippetRun:
    result = run_snippet(SNIPPET, tmp_path_factory.mktemp("q03"))
    assert result.returncode == 0, result.describe()
    return result


@pytest.fixture(scope="module")
def model_dir(q03_run) -> Path:
    path = q03_run.workdir / "modele"
    assert (path / "MLmodel").is_file(), (
        f"{SNIPPET.name} should download the model folder to ./modele "
        "with mlflow.artifacts.download_artifacts(..., dst_path='modele')"
    )
    return path


@pytest.fixture(scope="module")
def mlmodel(model_dir) -> dict:
    return yaml.safe_load((model_dir / "MLmodel").read_text())


def test_mlmodel_lists_pyfunc_and_sklearn(mlmodel):
    assert set(mlmodel["flavors"]) == {"python_function", "sklearn"}, (
        f"MLmodel written by {SNIPPET.name} should declare exactly the "
        f"flavors python_function and sklearn, got {list(mlmodel['flavors'])}"
    )


def test_pyfunc_flavor_loads_through_sklearn(mlmodel):
    loader = mlmodel["flavors"]["python_function"]["loader_module"]
    assert loader == "mlflow.sklearn", (
        f"the python_function flavor should name mlflow.sklearn as its "
        f"loader_module, got {loader!r}; check the log_model call of "
        f"{SNIPPET.name}"
    )


def test_sklearn_flavor_uses_skops(mlmodel, model_dir):
    sklearn_flavor = mlmodel["flavors"]["sklearn"]
    assert sklearn_flavor["serialization_format"] == "skops", (
        "MLflow 3.17 saves scikit-learn models with skops by default; "
        f"got {sklearn_flavor['serialization_format']!r}"
    )
    assert (model_dir / sklearn_flavor["pickled_model"]).is_file(), (
        f"the weights file {sklearn_flavor['pickled_model']} named by "
        "MLmodel is missing from the model folder"
    )


def test_model_folder_holds_environment_files(model_dir):
    files = {path.name for path in model_dir.iterdir()}
    for name in ("requirements.txt", "python_env.yaml", "conda.yaml"):
        assert name in files, (
            f"{name} is missing from the model folder of {SNIPPET.name}; "
            f"found {sorted(files)}"
        )


def test_pyfunc_predicts_like_native_model(model_dir):
    generic = mlflow.pyfunc.load_model(str(model_dir))
    native = mlflow.sklearn.load_model(str(model_dir))
    assert isinstance(native, LinearRegression), (
        f"mlflow.sklearn.load_model should return the LinearRegression "
        f"logged by {SNIPPET.name}, got {type(native).__name__}"
    )
    assert np.array_equal(
        generic.predict(NEW_ROWS), native.predict(NEW_ROWS)
    ), "pyfunc predictions differ from the native scikit-learn predictions"
