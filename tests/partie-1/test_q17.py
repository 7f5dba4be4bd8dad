"""Question 17: `mlflow ui` for one person's local runs, run for real.

`snippets/partie-1/q17.sh` shows two things, both executed here: that
`mlflow ui` is an alias of `mlflow server` (same help text), and the local
command, started in a folder where `snippets/partie-1/q16.py` has logged a
run to the default ./mlflow.db.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import mlflow_server as servers
import pytest
from conftest import free_port
from snippet_runner import (
    REPO_ROOT,
    SnippetRun,
    expected_output_pattern,
    normalize_output,
    run_snippet,
)

SHELL_FILE = REPO_ROOT / "snippets" / "partie-1" / "q17.sh"
ALIAS_OUTPUT = SHELL_FILE.with_suffix(".out")
LOCAL_SCRIPT = REPO_ROOT / "snippets" / "partie-1" / "q16.py"
LOCAL_EXPERIMENT = "dev-local"
LISTEN_STATE = "0A"
LOOPBACK_HEX = "0100007F"


@pytest.fixture(scope="module")
def project_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("projet-local")


@pytest.fixture(scope="module")
def local_run(project_folder) -> SnippetRun:
    """q16.py, run once in the project folder with the default SQLite store."""
    result = run_snippet(LOCAL_SCRIPT, project_folder)
    assert result.returncode == 0, result.describe()
    return result


@pytest.fixture(scope="module")
def local_ui(local_run, project_folder):
    """The [local] command of q17.sh, started in the project folder."""
    port = free_port()
    argv = servers.substitute(
        servers.read_shell_command(SHELL_FILE, "local"), {"5000": str(port)}
    )
    server = servers.start_server(argv, project_folder, port)
    try:
        yield server
    finally:
        servers.stop_server(server)


def listening_addresses(port: int, table: Path) -> list[str]:
    """List the local addresses of the LISTEN sockets on `port` in `table`.

    `table` is /proc/net/tcp or /proc/net/tcp6, where each address is
    written as hexadecimal `ADDRESS:PORT`.
    """
    addresses = []
    for line in table.read_text().splitlines()[1:]:
        fields = line.split()
        address, port_hex = fields[1].split(":")
        if int(port_hex, 16) == port and fields[3] == LISTEN_STATE:
            addresses.append(address)
    return addresses


def test_shell_file_is_valid_bash():
    completed = subprocess.run(
        ["bash", "-n", str(SHELL_FILE)], capture_output=True, text=True
    )
    assert completed.returncode == 0, (
        f"{SHELL_FILE.relative_to(REPO_ROOT)} is not valid bash: "
        f"{completed.stderr}"
    )


def test_ui_help_matches_server_help(tmp_path):
    result = servers.run_shell_section(SHELL_FILE, "alias", {}, tmp_path)
    # diff exits 1 when the files differ: only the usage line should.
    assert result.returncode == 1, (
        "the [alias] section of q17.sh should find exactly the usage line "
        f"different:\n{result.describe()}"
    )
    expected = normalize_output(ALIAS_OUTPUT.read_text(encoding="utf-8"))
    actual = normalize_output(result.stdout)
    assert expected_output_pattern(expected).fullmatch(actual), (
        f"`mlflow ui --help` and `mlflow server --help` now differ by more "
        f"than {ALIAS_OUTPUT.relative_to(REPO_ROOT)} shows:\n{actual}"
    )


@pytest.mark.server
def test_ui_lists_runs_of_local_store(local_ui, local_run):
    experiment = servers.rest_get(
        local_ui,
        "/api/2.0/mlflow/experiments/get-by-name",
        experiment_name=LOCAL_EXPERIMENT,
    )["experiment"]
    found = servers.rest_post(
        local_ui,
        "/api/2.0/mlflow/runs/search",
        {"experiment_ids": [experiment["experiment_id"]]},
    )["runs"]
    logged = servers.printed_value(local_run, "Artefacts").split("/")[-2]
    assert [run["info"]["run_id"] for run in found] == [logged], (
        "`mlflow ui` started with no store flag should show the run that "
        f"q16.py logged in ./mlflow.db ({logged}), got {found}"
    )


@pytest.mark.server
def test_ui_listens_on_loopback_only(local_ui):
    port = local_ui.port
    tcp4 = Path("/proc/net/tcp")
    if not tcp4.exists():
        pytest.skip("/proc/net/tcp is Linux-only; cannot read listen sockets")
    addresses = listening_addresses(port, tcp4)
    assert addresses == [LOOPBACK_HEX], (
        f"`mlflow ui` should listen on 127.0.0.1 only, port {port} listens "
        f"on {addresses} (hex, little-endian)"
    )
    tcp6 = Path("/proc/net/tcp6")
    if tcp6.exists():
        assert listening_addresses(port, tcp6) == [], (
            f"`mlflow ui` should not listen on IPv6 port {port}"
        )
