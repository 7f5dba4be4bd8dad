"""Behaviour of the Partie 3 page on experiments and versions.

`snippets/partie-3/experimentations_et_versions.py` runs an Optuna study as
one parent MLflow run with one nested run per trial, prunes weak trials and
registers the best one with the alias `challenger`. These tests read the
SQLite store it wrote.

`snippets/partie-3/experimentations_et_versions_serveur.sh` starts the
team's tracking server: PostgreSQL metadata, proxied artifacts, basic
authentication. Its test runs the script against the PostgreSQL of
MLFLOW_TEST_POSTGRES_URI (a role with CREATEDB), skipped locally and failed
in CI when that server is missing. The artifact destination is a local
folder, because no S3-compatible store runs in the tests; the S3 URI only
changes where the server writes.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from conftest import free_port, skip_or_fail
from mlflow import MlflowClient
from snippet_runner import REPO_ROOT, run_snippet

SNIPPET = "snippets/partie-3/experimentations_et_versions.py"
SERVER_SCRIPT = (
    REPO_ROOT / "snippets/partie-3/experimentations_et_versions_serveur.sh"
)
MODEL_NAME = "detection-fraude"
N_TRIALS = 16
N_STEPS = 5
POSTGRES_URI_VARIABLE = "MLFLOW_TEST_POSTGRES_URI"


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """Run the snippet once; return its output and a client on its store."""
    workdir = tmp_path_factory.mktemp("optuna")
    result = run_snippet(REPO_ROOT / SNIPPET, workdir)
    assert result.returncode == 0, result.describe()
    uri = f"sqlite:///{workdir / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.get_experiment_by_name("detection-fraude")
    assert experiment is not None, (
        f"{SNIPPET} should log into the experiment 'detection-fraude'"
    )
    runs = client.search_runs([experiment.experiment_id], max_results=100)
    parents = [r for r in runs if r.info.run_name == "optuna-hgb"]
    assert len(parents) == 1, (
        f"{SNIPPET} should create exactly one parent run 'optuna-hgb', "
        f"found {len(parents)}"
    )
    parent = parents[0]
    children = [
        r
        for r in runs
        if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id
    ]
    return result, client, parent, children


def test_every_trial_is_a_nested_run(study):
    _, _, _, children = study
    assert len(children) == N_TRIALS, (
        f"{SNIPPET} should log {N_TRIALS} nested runs under the parent, "
        f"found {len(children)}; start each trial with nested=True"
    )
    trials = sorted(int(r.data.tags["optuna.trial"]) for r in children)
    assert trials == list(range(N_TRIALS)), (
        f"{SNIPPET}: the optuna.trial tags should be 0..{N_TRIALS - 1}, "
        f"found {trials}"
    )


def test_pruned_trials_stop_early(study):
    _, client, parent, children = study
    pruned = [r for r in children if r.data.tags["optuna.state"] == "PRUNED"]
    complete = [
        r for r in children if r.data.tags["optuna.state"] == "COMPLETE"
    ]
    assert pruned, f"{SNIPPET} should prune at least one weak trial"
    assert len(pruned) + len(complete) == N_TRIALS, (
        f"{SNIPPET}: every nested run needs optuna.state PRUNED or COMPLETE"
    )
    for run in pruned:
        steps = client.get_metric_history(
            run.info.run_id, "val_average_precision"
        )
        assert len(steps) < N_STEPS, (
            f"{SNIPPET}: pruned trial {run.data.tags['optuna.trial']} "
            f"logged {len(steps)} steps; it should stop before {N_STEPS}"
        )
    for run in complete:
        steps = client.get_metric_history(
            run.info.run_id, "val_average_precision"
        )
        assert [m.step for m in steps] == [20, 40, 60, 80, 100], (
            f"{SNIPPET}: complete trial {run.data.tags['optuna.trial']} "
            f"should log one point per 20 trees, got {[m.step for m in steps]}"
        )
    assert parent.data.metrics["n_trials_pruned"] == len(pruned), (
        f"{SNIPPET}: the parent's n_trials_pruned metric should count the "
        f"{len(pruned)} pruned nested runs"
    )


def test_parent_records_best_trial(study):
    _, _, parent, children = study
    complete = [
        r for r in children if r.data.tags["optuna.state"] == "COMPLETE"
    ]
    best = max(complete, key=lambda r: r.data.metrics["val_average_precision"])
    assert parent.data.metrics["best_val_average_precision"] == pytest.approx(
        best.data.metrics["val_average_precision"]
    ), f"{SNIPPET}: the parent's best score should be the best nested run's"
    for key, value in best.data.params.items():
        assert parent.data.params[f"best_{key}"] == value, (
            f"{SNIPPET}: parent param best_{key} should equal the best "
            f"trial's {key}={value}"
        )


def test_parent_records_training_dataset(study):
    _, _, parent, _ = study
    inputs = parent.inputs.dataset_inputs
    assert len(inputs) == 1, (
        f"{SNIPPET}: the parent run should log one dataset input with "
        f"mlflow.log_input, found {len(inputs)}"
    )
    assert inputs[0].dataset.name == "transactions-train", (
        f"{SNIPPET}: the dataset should be named transactions-train"
    )
    assert inputs[0].dataset.digest, f"{SNIPPET}: the dataset needs a digest"


def test_best_trial_registered_as_challenger(study):
    _, client, parent, children = study
    version = client.get_model_version_by_alias(MODEL_NAME, "challenger")
    assert str(version.version) == "1", (
        f"{SNIPPET} should register version 1 with alias challenger, "
        f"found version {version.version}"
    )
    assert version.run_id == parent.info.run_id, (
        f"{SNIPPET}: the registered model should be logged in the parent "
        "run, so that the version leads back to the whole study"
    )
    assert version.tags.get("validation_status") == "pending", (
        f"{SNIPPET}: a new challenger should carry validation_status=pending"
    )
    trial = version.tags.get("optuna_trial")
    best = max(
        (r for r in children if r.data.tags["optuna.state"] == "COMPLETE"),
        key=lambda r: r.data.metrics["val_average_precision"],
    )
    assert trial == best.data.tags["optuna.trial"], (
        f"{SNIPPET}: the version's optuna_trial tag should name the best "
        f"trial {best.data.tags['optuna.trial']}, found {trial}"
    )


def test_registry_uses_aliases_not_stages(study):
    _, client, _, _ = study
    model = client.get_registered_model(MODEL_NAME)
    assert {k: str(v) for k, v in model.aliases.items()} == {
        "challenger": "1"
    }, f"{SNIPPET} should set only the alias challenger, found {model.aliases}"
    version = client.get_model_version(MODEL_NAME, "1")
    assert version.current_stage == "None", (
        f"{SNIPPET} must not use deprecated registry stages, found "
        f"{version.current_stage}"
    )


# --- The tracking server script, against a real PostgreSQL ---------------


def connect(uri: str):
    connection = psycopg2.connect(uri, connect_timeout=10)
    connection.autocommit = True
    return connection


@pytest.fixture(scope="module")
def databases():
    """Two fresh databases (tracking, accounts) on the test PostgreSQL."""
    base_uri = os.environ.get(POSTGRES_URI_VARIABLE)
    if not base_uri:
        skip_or_fail(
            f"{POSTGRES_URI_VARIABLE} is not set; set it to a PostgreSQL URI "
            "whose role has CREATEDB"
        )
    try:
        admin = connect(base_uri)
    except psycopg2.OperationalError as error:
        skip_or_fail(
            f"PostgreSQL at {POSTGRES_URI_VARIABLE} does not answer: {error}"
        )

    suffix = uuid.uuid4().hex[:12]
    names = {"tracking": f"mlflow_p3_{suffix}", "auth": f"auth_p3_{suffix}"}
    with admin.cursor() as cursor:
        for name in names.values():
            cursor.execute(f'CREATE DATABASE "{name}"')

    parts = urlsplit(base_uri)
    # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3, which the
    # project does not install, so the server gets the psycopg2 driver.
    driver = parts._replace(scheme="postgresql+psycopg2")
    try:
        yield {
            key: driver._replace(path=f"/{name}").geturl()
            for key, name in names.items()
        } | {"password": parts.password or ""}
    finally:
        with admin.cursor() as cursor:
            for name in names.values():
                cursor.execute(
                    f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                )
        admin.close()


def http_status(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def team_server(databases, tmp_path_factory):
    """The server script, started with its secrets in the environment."""
    workdir = tmp_path_factory.mktemp("serveur-equipe")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MLFLOW_")
    }
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
            "MLFLOW_BACKEND_STORE_URI": databases["tracking"],
            "MLFLOW_ARTIFACTS_DESTINATION": str(workdir / "artefacts"),
            "MLFLOW_AUTH_DATABASE_URI": databases["auth"],
            "MLFLOW_FLASK_SERVER_SECRET_KEY": uuid.uuid4().hex,
            "MLFLOW_AUTH_ADMIN_PASSWORD": "Adm1n-" + uuid.uuid4().hex[:8],
            "MLFLOW_AUTH_CONFIG_PATH": str(workdir / "run" / "auth.ini"),
            "MLFLOW_ALLOWED_HOSTS": f"127.0.0.1:{port}",
            "MLFLOW_PORT": str(port),
            "MLFLOW_WORKERS": "1",
            "MLFLOW_DISABLE_TELEMETRY": "true",
        }
    )
    log = (workdir / "server.log").open("w")
    process = subprocess.Popen(
        ["bash", str(SERVER_SCRIPT)],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while http_status_or_none(f"{base}/health") != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    f"{SERVER_SCRIPT.name} did not answer /health on port "
                    f"{port}:\n{(workdir / 'server.log').read_text()}"
                )
            time.sleep(1)
        yield {
            "base": base,
            "env": env,
            "workdir": workdir,
            "pid": process.pid,
        }
    finally:
        # The script execs mlflow server, so its PID leads the group of the
        # uvicorn workers; stop the whole group we started.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def http_status_or_none(url: str) -> int | None:
    try:
        return http_status(url)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def basic_auth(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.mark.server
def test_server_refuses_anonymous_requests(team_server):
    url = f"{team_server['base']}/api/2.0/mlflow/experiments/search"
    assert http_status(f"{url}?max_results=1") == 401, (
        f"{SERVER_SCRIPT.name} should start the basic-auth app, which "
        "answers 401 to a request without credentials"
    )
    wrong = basic_auth("admin", "not-the-password")
    assert http_status(f"{url}?max_results=1", wrong) == 401, (
        f"{SERVER_SCRIPT.name}: a wrong password should get 401"
    )


@pytest.mark.server
def test_server_refuses_unknown_host_header(team_server):
    env = team_server["env"]
    url = f"{team_server['base']}/api/2.0/mlflow/experiments/search"
    headers = basic_auth("admin", env["MLFLOW_AUTH_ADMIN_PASSWORD"])
    headers["Host"] = "attaquant.example"
    assert http_status(f"{url}?max_results=1", headers) == 403, (
        f"{SERVER_SCRIPT.name} should pass MLFLOW_ALLOWED_HOSTS to "
        "--allowed-hosts, so that another Host header gets 403"
    )


@pytest.mark.server
def test_authenticated_run_reaches_postgres_and_artifact_proxy(
    team_server, databases
):
    env = team_server["env"]
    client_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MLFLOW_")
    } | {
        "MLFLOW_TRACKING_URI": team_server["base"],
        "MLFLOW_TRACKING_USERNAME": "admin",
        "MLFLOW_TRACKING_PASSWORD": env["MLFLOW_AUTH_ADMIN_PASSWORD"],
        "MLFLOW_DISABLE_TELEMETRY": "true",
    }
    code = (
        "import json, mlflow\n"
        "mlflow.set_experiment('equipe')\n"
        "with mlflow.start_run() as run:\n"
        "    mlflow.log_param('alpha', 0.1)\n"
        "    mlflow.log_text('bonjour', 'notes/note.txt')\n"
        "experiment = mlflow.get_experiment_by_name('equipe')\n"
        "print(json.dumps({'run_id': run.info.run_id,\n"
        "    'location': experiment.artifact_location}))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=team_server["workdir"],
        env=client_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, (
        f"a client with MLFLOW_TRACKING_USERNAME/PASSWORD could not log a "
        f"run through {SERVER_SCRIPT.name}:\n{completed.stderr}"
    )
    logged = json.loads(completed.stdout.strip().splitlines()[-1])
    assert logged["location"].startswith("mlflow-artifacts:/"), (
        f"{SERVER_SCRIPT.name} should proxy artifacts; the experiment's "
        f"location is {logged['location']}"
    )
    artifact = next(
        (team_server["workdir"] / "artefacts").rglob("notes/note.txt"), None
    )
    assert artifact is not None, (
        f"{SERVER_SCRIPT.name}: the artifact should land under "
        "MLFLOW_ARTIFACTS_DESTINATION"
    )
    uri = databases["tracking"].replace("postgresql+psycopg2", "postgresql")
    with closing(connect(uri)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, value FROM params WHERE run_uuid = %s",
            (logged["run_id"],),
        )
        assert cursor.fetchall() == [("alpha", "0.1")], (
            f"{SERVER_SCRIPT.name}: the run's params should be stored in "
            "the PostgreSQL database of MLFLOW_BACKEND_STORE_URI"
        )


@pytest.mark.server
def test_secrets_stay_out_of_command_line_and_files(team_server):
    env = team_server["env"]
    # The script execs mlflow server, so this PID is the server itself.
    cmdline = Path(f"/proc/{team_server['pid']}/cmdline").read_bytes()
    assert b"postgresql" not in cmdline, (
        f"{SERVER_SCRIPT.name} should let mlflow read the database URI from "
        "MLFLOW_BACKEND_STORE_URI, not pass it on the command line, where "
        f"`ps` shows its password: {cmdline!r}"
    )
    config = Path(env["MLFLOW_AUTH_CONFIG_PATH"])
    assert config.stat().st_mode & 0o077 == 0, (
        f"{SERVER_SCRIPT.name} should write {config.name} readable by its "
        "owner only (umask 077)"
    )
    assert env["MLFLOW_AUTH_ADMIN_PASSWORD"] not in config.read_text(), (
        f"{SERVER_SCRIPT.name} must not write the admin password into "
        f"{config.name}; MLflow reads it from MLFLOW_AUTH_ADMIN_PASSWORD"
    )


def test_server_script_is_valid_bash():
    completed = subprocess.run(
        ["bash", "-n", str(SERVER_SCRIPT)], capture_output=True, text=True
    )
    assert completed.returncode == 0, (
        f"{SERVER_SCRIPT.relative_to(REPO_ROOT)} is not valid bash: "
        f"{completed.stderr}"
    )


def test_server_script_requires_its_secrets(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    completed = subprocess.run(
        ["bash", str(SERVER_SCRIPT)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert completed.returncode != 0, (
        f"{SERVER_SCRIPT.name} should stop when MLFLOW_BACKEND_STORE_URI "
        "is missing, before starting anything"
    )
    assert "MLFLOW_BACKEND_STORE_URI" in completed.stderr, (
        f"{SERVER_SCRIPT.name} should name the missing variable, printed "
        f"{completed.stderr!r}"
    )
