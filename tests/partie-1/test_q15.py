"""Behaviour of snippets/partie-1/q15.py and q15.sh against a real server.

q15.py publishes `prix_maisons` with the alias `champion` on a tracking
server. q15.sh then plays the other systems of the company. It resolves the
alias through the REST API with curl, serves the champion with
`mlflow models serve` and calls `/invocations`. Everything binds to
127.0.0.1 and each process started here is stopped by its id.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from conftest import free_port, skip_or_fail
from mlflow_server import start_server, stop_server
from snippet_runner import REPO_ROOT, forbidden_warnings

SNIPPET = "snippets/partie-1/q15.py"
SCRIPT = "snippets/partie-1/q15.sh"
NAME = "prix_maisons"
HOUSE = pd.DataFrame({"surface": [70.0], "pieces": [3.0]})  # as in q15.sh


def signal_group(process: subprocess.Popen, signal_number: int) -> None:
    try:
        os.killpg(process.pid, signal_number)
    except ProcessLookupError:
        pass  # the whole group has already exited


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, with its children.

    The group is signalled even when its leader has exited, so that a child
    left behind (the model server that q15.sh starts) is stopped too.
    """
    signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        signal_group(process, signal.SIGKILL)
        process.wait(timeout=30)


def json_documents(text: str) -> list:
    """Decode the JSON documents printed one after another in `text`."""
    decoder = json.JSONDecoder()
    documents, position = [], 0
    text = text.strip()
    while position < len(text):
        document, end = decoder.raw_decode(text, position)
        documents.append(document)
        position = end
        while position < len(text) and text[position].isspace():
            position += 1
    return documents


@pytest.fixture
def tracking_server(tmp_path):
    """Start a tracking server that proxies artifacts, and yield its URL."""
    port = free_port()
    server_dir = tmp_path / "serveur"
    server_dir.mkdir()
    server = start_server(
        [
            "mlflow",
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--backend-store-uri",
            f"sqlite:///{server_dir / 'server.db'}",
            "--artifacts-destination",
            str(server_dir / "artefacts"),
        ],
        server_dir,
        port,
    )
    try:
        yield server.url
    finally:
        stop_server(server)


@pytest.mark.server
def test_other_systems_reach_champion(
    snippet, tracking_server, tmp_path, monkeypatch
):
    if shutil.which("curl") is None:
        skip_or_fail(f"curl is needed to run {SCRIPT}")

    published = snippet(
        SNIPPET, extra_env={"MLFLOW_TRACKING_URI": tracking_server}
    )
    assert published.returncode == 0, published.describe()
    problems = forbidden_warnings(published.stderr)
    assert not problems, (
        f"{SNIPPET} printed warnings against the server:\n"
        + "\n".join(problems)
    )
    assert f"models:/{NAME}@champion → version 1" in published.stdout, (
        f"{SNIPPET} should publish version 1 with the alias champion on "
        f"the server; stdout was:\n{published.stdout}"
    )

    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": tracking_server,
        "PORT_SERVICE": str(free_port()),
        # `mlflow models serve` must come from the project's environment.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
        f"{os.environ.get('PATH', '')}",
    }
    consumer = subprocess.Popen(
        ["bash", str(REPO_ROOT / SCRIPT)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = consumer.communicate(timeout=300)
    finally:
        stop_group(consumer)
    assert consumer.returncode == 0, (
        f"{SCRIPT} exited {consumer.returncode}\n--- stdout ---\n{stdout}"
        f"\n--- stderr ---\n{stderr}"
    )

    documents = json_documents(stdout)
    assert len(documents) == 2, (
        f"{SCRIPT} should print two JSON documents on stdout (the REST "
        f"answer, then the predictions), printed:\n{stdout}"
    )
    alias_answer, served = documents
    predictions = served["predictions"]

    model_version = alias_answer["model_version"]
    assert model_version["version"] == "1", (
        f"{SCRIPT}: the REST API should resolve {NAME}@champion to version "
        f"1, returned {model_version['version']!r}"
    )
    assert "champion" in model_version.get("aliases", []), (
        f"{SCRIPT}: the REST answer should list the alias champion, "
        f"returned {model_version.get('aliases')}"
    )

    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking_server)
    assert mlflow.get_tracking_uri() == tracking_server, (
        "another test left a global tracking URI set with "
        "mlflow.set_tracking_uri; reset it in that test's teardown"
    )
    champion = mlflow.pyfunc.load_model(f"models:/{NAME}@champion")
    expected = float(champion.predict(HOUSE)[0])
    assert predictions == pytest.approx([expected]), (
        f"{SCRIPT}: /invocations should return the champion's prediction "
        f"{expected:.3f} for the house of the script, returned {predictions}"
    )
