"""Question 8: what a model signature records and enforces."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature
from sklearn.linear_model import LinearRegression

X = pd.DataFrame({"surface": [50.0, 80.0, 120.0], "pieces": [2.0, 3.0, 5.0]})
Y = [150.0, 240.0, 390.0]


@pytest.fixture
def tracking(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    yield
    mlflow.set_tracking_uri(None)


def log(model, **kwargs):
    with mlflow.start_run():
        return mlflow.sklearn.log_model(model, name="model", **kwargs)


def test_snippet_shows_both_rejections(snippet):
    result = snippet("snippets/partie-1/q08.py")
    assert result.returncode == 0, result.describe()
    assert "Model is missing inputs ['pieces']" in result.stdout
    assert "Can not safely convert int64 to float64" in result.stdout


def test_signature_written_to_mlmodel(tracking):
    model = LinearRegression().fit(X, Y)
    info = log(model, signature=infer_signature(X, model.predict(X)))
    inputs = info.signature.inputs.to_dict()
    assert [(c["name"], c["type"]) for c in inputs] == [
        ("surface", "double"),
        ("pieces", "double"),
    ]


def test_columns_reordered_by_name(tracking):
    model = LinearRegression().fit(X, Y)
    info = log(model, signature=infer_signature(X, model.predict(X)))
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    swapped = X[["pieces", "surface"]]
    assert list(loaded.predict(swapped)) == pytest.approx(
        list(model.predict(X))
    )


def test_no_signature_enforces_nothing(tracking):
    model = LinearRegression().fit(X, Y)
    info = log(model)
    assert info.signature is None
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    # Integers would be rejected by a double schema; here nothing checks.
    loaded.predict(pd.DataFrame({"surface": [50, 80], "pieces": [2, 3]}))


def test_missing_column_rejected(tracking):
    model = LinearRegression().fit(X, Y)
    info = log(model, signature=infer_signature(X, model.predict(X)))
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    with pytest.raises(MlflowException, match=r"missing inputs \['pieces'\]"):
        loaded.predict(X[["surface"]])


def test_int32_columns_accepted_for_double(tracking):
    model = LinearRegression().fit(X, Y)
    info = log(model, signature=infer_signature(X, model.predict(X)))
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    small_ints = pd.DataFrame({"surface": [50, 80], "pieces": [2, 3]})
    predictions = loaded.predict(small_ints.astype("int32"))
    assert len(predictions) == 2


def test_no_signature_key_in_mlmodel(tracking):
    info = log(LinearRegression().fit(X, Y))
    model_dir = Path(mlflow.artifacts.download_artifacts(info.model_uri))
    mlmodel = (model_dir / "MLmodel").read_text(encoding="utf-8")
    assert "flavors:" in mlmodel
    assert "signature:" not in mlmodel
