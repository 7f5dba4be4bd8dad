"""Question 12: what MLflow stores and derives from an input example.

The snippet `snippets/partie-1/q12.py` runs once for the module and copies
the model to `modele/` in its working folder. The server test then runs
the two commands of `snippets/partie-1/q12.sh` from that folder: a real
`mlflow models serve` on 127.0.0.1 and the `curl` request that sends
`serving_input_example.json` to it.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import mlflow
import pandas as pd
import pytest
import yaml
from conftest import free_port, skip_or_fail
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LinearRegression
from snippet_runner import REPO_ROOT, SnippetRun, run_snippet

SNIPPET = REPO_ROOT / "snippets" / "partie-1" / "q12.py"
SHELL_FILE = REPO_ROOT / "snippets" / "partie-1" / "q12.sh"
PAGE_PORT = "5001"
# `mlflow models serve` returns 200 on /ping after about 10 s on an idle
# machine, and took up to a minute on a loaded 2-core one.
SERVER_START_TIMEOUT = 180
SERVER_STOP_TIMEOUT = 30


@pytest.fixture(scope="module")
def q12_run(tmp_path_factory) -> SnippetRun:
    result = run_snippet(SNIPPET, tmp_path_factory.mktemp("q12"))
    assert result.returncode == 0, result.describe()
    return result


@pytest.fixture(scope="module")
def model_dir(q12_run) -> Path:
    path = q12_run.workdir / "modele"
    assert (path / "MLmodel").is_file(), (
        f"{SNIPPET.name} should download the model folder to ./modele"
    )
    return path


def example_predictions(model_dir: Path) -> list[float]:
    """Predict the rows of input_example.json with the model loaded here."""
    example = json.loads((model_dir / "input_example.json").read_text())
    rows = pd.DataFrame(example["data"], columns=example["columns"])
    loaded = mlflow.pyfunc.load_model(str(model_dir))
    return [float(value) for value in loaded.predict(rows)]


def read_section(section: str) -> str:
    """Return the command of a named section of q12.sh, comments dropped."""
    text = SHELL_FILE.read_text(encoding="utf-8")
    start = f"# --8<-- [start:{section}]"
    end = f"# --8<-- [end:{section}]"
    assert start in text, (
        f"{SHELL_FILE.name} has no marker {start!r}; add it before the "
        f"command of section [{section}]"
    )
    assert end in text, (
        f"{SHELL_FILE.name} has no marker {end!r}; add it after the "
        f"command of section [{section}]"
    )
    body = text.split(start, 1)[1].split(end, 1)[0]
    command = "\n".join(
        line
        for line in body.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    assert PAGE_PORT in command, (
        f"section [{section}] of {SHELL_FILE.name} no longer uses port "
        f"{PAGE_PORT}; update PAGE_PORT in this test with the shell file"
    )
    return command


def test_example_files_saved_with_model(model_dir):
    for name in ("input_example.json", "serving_input_example.json"):
        assert (model_dir / name).is_file(), (
            f"{name} is missing from the model logged by {SNIPPET.name}; "
            "pass input_example= to log_model"
        )


def test_mlmodel_points_to_both_examples(model_dir):
    mlmodel = yaml.safe_load((model_dir / "MLmodel").read_text())
    info = mlmodel["saved_input_example_info"]
    assert info["artifact_path"] == "input_example.json", (
        f"MLmodel should name input_example.json, got {info}"
    )
    assert info["serving_input_path"] == "serving_input_example.json", (
        f"MLmodel should name serving_input_example.json, got {info}"
    )


def test_serving_example_is_dataframe_split(model_dir):
    body = json.loads((model_dir / "serving_input_example.json").read_text())
    assert list(body) == ["dataframe_split"], (
        "serving_input_example.json should hold one dataframe_split "
        f"payload, got the keys {list(body)}"
    )


def test_signature_inferred_from_example(model_dir):
    mlmodel = yaml.safe_load((model_dir / "MLmodel").read_text())
    inputs = json.loads(mlmodel["signature"]["inputs"])
    assert [(c["name"], c["type"]) for c in inputs] == [
        ("surface", "double"),
        ("pieces", "double"),
    ], f"signature inferred from the float example is wrong: {inputs}"


def test_snippet_replays_serving_example(q12_run, model_dir):
    response = json.loads((q12_run.workdir / "predictions.json").read_text())
    assert response["predictions"] == pytest.approx(
        example_predictions(model_dir)
    ), "mlflow.models.predict on serving_input_example.json gave other values"


def test_integer_example_gives_integer_schema(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    try:
        model = LinearRegression().fit(
            pd.DataFrame({"surface": [50.0, 80.0], "pieces": [2.0, 3.0]}),
            [150.0, 240.0],
        )
        example = pd.DataFrame({"surface": [50, 80], "pieces": [2, 3]})
        with (
            pytest.warns(UserWarning, match="integer column"),
            mlflow.start_run(),
        ):
            info = mlflow.sklearn.log_model(
                model, name="model", input_example=example
            )
        types = [c["type"] for c in info.signature.inputs.to_dict()]
        assert types == ["long", "long"], (
            f"an integer example should give a long schema, got {types}"
        )
        loaded = mlflow.pyfunc.load_model(info.model_uri)
        with pytest.raises(MlflowException, match="float64 to int64"):
            loaded.predict(pd.DataFrame({"surface": [52.5], "pieces": [2]}))
    finally:
        mlflow.set_tracking_uri(None)


def stop(process: subprocess.Popen) -> None:
    """Stop the server by its PID, then what is left of its process group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


@pytest.mark.server
def test_served_model_accepts_serving_example(q12_run, model_dir):
    if shutil.which("curl") is None:
        skip_or_fail("curl is not installed")
    port = str(free_port())
    serve = shlex.split(read_section("serve").replace(PAGE_PORT, port))
    assert serve[0] == "mlflow", f"expected an mlflow command: {serve}"
    request = read_section("requete").replace(PAGE_PORT, port)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    # The server starts `uvicorn` by name, as from an activated venv.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    log_path = q12_run.workdir / "serve.log"

    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "mlflow", *serve[1:]],
            cwd=q12_run.workdir,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            assert process.poll() is None, (
                f"mlflow models serve exited with {process.returncode}:\n"
                + log_path.read_text(errors="replace")
            )
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/ping", timeout=5
                ):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, (
                    f"mlflow models serve did not answer /ping within "
                    f"{SERVER_START_TIMEOUT} s:\n"
                    + log_path.read_text(errors="replace")
                )
                time.sleep(1)

        completed = subprocess.run(
            ["bash", "-c", request],
            cwd=q12_run.workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        stop(process)

    assert completed.returncode == 0, (
        f"the [requete] command of {SHELL_FILE.name} failed:\n"
        f"{completed.stdout}{completed.stderr}"
    )
    response = json.loads(completed.stdout)
    assert response["predictions"] == pytest.approx(
        example_predictions(model_dir)
    ), f"the served model answered {response}, not the pyfunc predictions"
