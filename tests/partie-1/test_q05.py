"""Question 5: a central `mlflow server` shares runs across the team.

The server is the [proxy] command of `snippets/partie-1/q04.sh`. Two users,
alice and bob, run the [client] section of `snippets/partie-1/q05.sh` from
their own folders, and bob must see alice's run. Without a server, the same
script keeps each user's runs in a private SQLite file.
"""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import mlflow_server as servers
import pytest
from conftest import free_port
from snippet_runner import (
    REPO_ROOT,
    SnippetRun,
    forbidden_warnings,
    run_snippet,
)

CLIENT_SHELL = REPO_ROOT / "snippets" / "partie-1" / "q05.sh"

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    """The [proxy] command of q04.sh, running on 127.0.0.1."""
    server_root = tmp_path_factory.mktemp("machine-centrale")
    (server_root / "srv").mkdir()
    port = free_port()
    server = servers.start_server(
        servers.q04_command("proxy", server_root, port), server_root, port
    )
    try:
        yield server
    finally:
        servers.stop_server(server)


def run_client_shell(server, workdir: Path, user: str) -> SnippetRun:
    """Run the [client] section of q05.sh as `user`, from `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    result = servers.run_shell_section(
        CLIENT_SHELL,
        "client",
        {
            "http://mlflow.equipe.interne:5000": server.url,
            "snippets/partie-1/q05.py": str(servers.CLIENT),
        },
        workdir,
        # getpass.getuser(), which MLflow uses for the mlflow.user tag,
        # reads LOGNAME first, then USER.
        {"LOGNAME": user, "USER": user},
    )
    assert result.returncode == 0, (
        f"the [client] section of q05.sh failed for {user}:\n"
        f"{result.describe()}\n--- server log ---\n{server.log()}"
    )
    problems = forbidden_warnings(result.stderr)
    assert not problems, (
        f"q05.py printed warnings against the server for {user}:\n"
        + "\n".join(problems)
    )
    return result


@pytest.fixture(scope="module")
def alice_run(team_server, tmp_path_factory) -> SnippetRun:
    folder = tmp_path_factory.mktemp("poste-alice")
    return run_client_shell(team_server, folder, "alice")


@pytest.fixture(scope="module")
def bob_run(team_server, alice_run, tmp_path_factory) -> SnippetRun:
    folder = tmp_path_factory.mktemp("poste-bob")
    return run_client_shell(team_server, folder, "bob")


def test_client_shell_file_is_valid_bash():
    completed = subprocess.run(
        ["bash", "-n", str(CLIENT_SHELL)], capture_output=True, text=True
    )
    assert completed.returncode == 0, (
        f"{CLIENT_SHELL.relative_to(REPO_ROOT)} is not valid bash: "
        f"{completed.stderr}"
    )


def test_teammate_sees_colleague_run(alice_run, bob_run):
    alice_run_id = servers.run_id_of(alice_run)
    assert servers.printed_value(bob_run, "Exécutions visibles") == "2", (
        "bob should see his run and alice's run on the shared server:\n"
        f"{bob_run.stdout}"
    )
    assert f"- {alice_run_id} par alice" in bob_run.stdout, (
        f"bob's listing should contain alice's run {alice_run_id}:\n"
        f"{bob_run.stdout}"
    )


def test_server_keeps_each_author(team_server, alice_run, bob_run):
    experiment = servers.rest_get(
        team_server,
        "/api/2.0/mlflow/experiments/get-by-name",
        experiment_name=servers.EXPERIMENT_NAME,
    )["experiment"]
    found = servers.rest_post(
        team_server,
        "/api/2.0/mlflow/runs/search",
        {"experiment_ids": [experiment["experiment_id"]]},
    )["runs"]
    authors = sorted(
        tag["value"]
        for run in found
        for tag in run["data"]["tags"]
        if tag["key"] == "mlflow.user"
    )
    assert authors == ["alice", "bob"], (
        f"the shared experiment should hold one run by alice and one by bob, "
        f"got authors {authors}"
    )


def test_clients_write_nothing_locally(alice_run, bob_run):
    for run in (alice_run, bob_run):
        leftovers = sorted(path.name for path in run.workdir.iterdir())
        assert leftovers == [], (
            f"a client of the central server should write nothing in its "
            f"folder {run.workdir}, found {leftovers}"
        )


def test_server_rejects_unlisted_host(team_server):
    request = urllib.request.Request(
        f"{team_server.url}/api/2.0/mlflow/experiments/search",
        data=b'{"max_results": 1}',
        headers={
            "Content-Type": "application/json",
            "Host": "autre-nom.equipe.interne:5000",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 403, (
        "a Host header outside --allowed-hosts of q04.sh should get 403, "
        f"got {status}"
    )


def test_local_stores_stay_private(tmp_path):
    # Without MLFLOW_TRACKING_URI each user writes to the mlflow.db of
    # their own folder, which is what a local `mlflow ui` shows.
    for user in ("alice", "bob"):
        folder = tmp_path / user
        folder.mkdir()
        result = run_snippet(servers.CLIENT, folder)
        assert result.returncode == 0, result.describe()
        assert servers.printed_value(result, "Exécutions visibles") == "1", (
            f"{user}'s local store should hold only {user}'s run:\n"
            f"{result.stdout}"
        )
