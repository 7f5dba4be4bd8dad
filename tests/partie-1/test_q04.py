"""Question 4: where `mlflow server` puts artifacts, run for real.

The server commands come from `snippets/partie-1/q04.sh`, the file the page
shows. Each test reads one named section of that file, replaces the host by
127.0.0.1, the port by a free one and the folders by temporary ones, starts
the server, and runs the client `snippets/partie-1/q05.py` against it.
"""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port
from mlflow_server import (
    ARTIFACT_PATH,
    SHELL_FILE,
    experiment_id_of,
    http_status,
    printed_value,
    q04_command,
    rest_get,
    rest_post,
    run_client,
    run_id_of,
    start_server,
    stop_server,
)
from snippet_runner import (
    REPO_ROOT,
    SnippetRun,
)

# ---------------------------------------------------------------------------
# Question 4: the two server variants of q04.sh
# ---------------------------------------------------------------------------

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server_root(tmp_path_factory) -> Path:
    """Folder that stands for the central machine: /srv and /mnt."""
    root = tmp_path_factory.mktemp("machine-centrale")
    (root / "srv").mkdir()
    (root / "partage").mkdir()
    return root


@pytest.fixture(scope="module")
def proxied_server(server_root):
    """The [proxy] command of q04.sh, running."""
    port = free_port()
    workdir = server_root / "proxy"
    workdir.mkdir()
    server = start_server(
        q04_command("proxy", server_root, port), workdir, port
    )
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def proxied_run(proxied_server, server_root) -> SnippetRun:
    """The client snippet, run once against the proxied server."""
    return run_client(proxied_server, server_root / "poste-alice")


@pytest.fixture(scope="module")
def root_server(proxied_run, server_root):
    """The [racine] command of q04.sh, on the same backend store.

    It starts after the client has used the proxied server, as when a team
    restarts its server with other flags: the experiment created before
    keeps its artifact location.
    """
    port = free_port()
    workdir = server_root / "racine"
    workdir.mkdir()
    server = start_server(
        q04_command("racine", server_root, port), workdir, port
    )
    try:
        yield server
    finally:
        stop_server(server)


def test_shell_file_is_valid_bash():
    completed = subprocess.run(
        ["bash", "-n", str(SHELL_FILE)], capture_output=True, text=True
    )
    assert completed.returncode == 0, (
        f"{SHELL_FILE.relative_to(REPO_ROOT)} is not valid bash: "
        f"{completed.stderr}"
    )


def test_proxied_experiment_uses_artifact_proxy_uri(proxied_run):
    location = printed_value(proxied_run, "Artefacts de l’expérimentation")
    assert location.startswith("mlflow-artifacts:/"), (
        f"with the [proxy] command of q04.sh, a new experiment should get an "
        f"mlflow-artifacts:/ location, got {location!r}; keep "
        "--default-artifact-root out of that command"
    )


def test_proxied_artifact_lands_under_destination(proxied_run, server_root):
    experiment_id = experiment_id_of(proxied_run)
    stored = (
        server_root
        / "srv"
        / "artefacts"
        / experiment_id
        / run_id_of(proxied_run)
        / "artifacts"
        / ARTIFACT_PATH
    )
    assert stored.is_file(), (
        f"the artifact should be stored by the server under "
        f"--artifacts-destination, at {stored}; check the [proxy] command "
        "of q04.sh"
    )
    assert json.loads(stored.read_text()) == {"horizon": 7, "alpha": 0.5}, (
        f"{stored} does not contain what q05.py logged"
    )


def test_proxied_client_writes_nothing_locally(proxied_run):
    leftovers = sorted(path.name for path in proxied_run.workdir.iterdir())
    assert "mlruns" not in leftovers, (
        "a client of the proxied server should store no artifact in its own "
        f"folder, found {leftovers}"
    )
    assert "mlflow.db" not in leftovers, (
        "a client of the proxied server should create no local store in its "
        f"own folder, found {leftovers}"
    )


def test_proxied_artifact_downloads_over_http(proxied_run, proxied_server):
    experiment_id = experiment_id_of(proxied_run)
    url = (
        f"{proxied_server.url}/api/2.0/mlflow-artifacts/artifacts/"
        f"{experiment_id}/{run_id_of(proxied_run)}/artifacts/{ARTIFACT_PATH}"
    )
    with urllib.request.urlopen(url, timeout=30) as response:
        downloaded = json.load(response)
    assert downloaded == {"horizon": 7, "alpha": 0.5}, (
        f"the proxied server returned {downloaded} for {url}"
    )


@pytest.fixture(scope="module")
def root_run(root_server, proxied_run, server_root) -> SnippetRun:
    """The client snippet, run against the restarted server without proxy.

    The experiment of the first run is renamed first, so that the client
    creates its experiment again and the new one gets the root.
    """
    rest_post(
        root_server,
        "/api/2.0/mlflow/experiments/update",
        {
            "experiment_id": experiment_id_of(proxied_run),
            "new_name": "ancienne",
        },
    )
    return run_client(root_server, server_root / "poste-bob")


def test_root_leaves_existing_experiments_alone(root_server, proxied_run):
    old = rest_get(
        root_server,
        "/api/2.0/mlflow/experiments/get",
        experiment_id=experiment_id_of(proxied_run),
    )["experiment"]
    assert old["artifact_location"].startswith("mlflow-artifacts:/"), (
        "an experiment created before the restart with the [racine] command "
        "should keep its mlflow-artifacts:/ location, got "
        f"{old['artifact_location']!r}"
    )


def test_root_applies_to_new_experiments(root_server, server_root):
    created = rest_post(
        root_server,
        "/api/2.0/mlflow/experiments/create",
        {"name": "equipe-vision"},
    )
    new = rest_get(
        root_server,
        "/api/2.0/mlflow/experiments/get",
        experiment_id=created["experiment_id"],
    )["experiment"]
    expected = str(server_root / "partage" / "mlflow-artefacts")
    assert (
        new["artifact_location"].removeprefix("file://").startswith(expected)
    ), (
        "a new experiment should get a folder under --default-artifact-root "
        f"{expected}, got {new['artifact_location']!r}"
    )


def test_root_server_does_not_serve_artifacts(root_server):
    status = http_status(
        f"{root_server.url}/api/2.0/mlflow-artifacts/artifacts"
    )
    assert status == 503, (
        "with --no-serve-artifacts the artifact proxy endpoint should answer "
        f"503, got {status}"
    )


def test_root_client_writes_under_root(root_run, server_root):
    root = server_root / "partage" / "mlflow-artefacts"
    location = printed_value(root_run, "Artefacts de l’expérimentation")
    assert location.removeprefix("file://").startswith(str(root)), (
        f"the new experiment should live under {root}, got {location!r}"
    )
    stored = (
        root
        / experiment_id_of(root_run)
        / run_id_of(root_run)
        / "artifacts"
        / ARTIFACT_PATH
    )
    assert stored.is_file(), (
        "without proxy the client should write the artifact itself under "
        f"--default-artifact-root, at {stored}"
    )
