"""Question 18: `mlflow server` with PostgreSQL as its backend store.

Both sections of `snippets/partie-1/q18.sh` run against a real PostgreSQL:
`mlflow db upgrade` creates the schema in a fresh database, then the server
starts on it and the client `snippets/partie-1/q05.py` logs a run through
it. The run must then be in PostgreSQL's tables, and its artifact on disk.

The server comes from MLFLOW_TEST_POSTGRES_URI, for example
postgresql://mlflow:mlflow@127.0.0.1:5432/mlflow_test, whose role needs
CREATEDB: each test module creates its own database and drops it at the
end. Without that variable, or when PostgreSQL refuses the connection, the
tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from contextlib import closing
from urllib.parse import unquote, urlsplit

import mlflow_server as servers
import psycopg2
import pytest
from conftest import free_port, skip_or_fail
from snippet_runner import REPO_ROOT, SnippetRun, forbidden_warnings

SHELL_FILE = REPO_ROOT / "snippets" / "partie-1" / "q18.sh"
SQLITE_OUTPUT = REPO_ROOT / "snippets" / "partie-1" / "q16.out"
POSTGRES_URI_VARIABLE = "MLFLOW_TEST_POSTGRES_URI"
# The part of the q18.sh URI after the driver name. The tests replace it by
# the user, host, port and name of their own database.
SHELL_DATABASE = "mlflow@db.equipe.interne/mlflow"

pytestmark = pytest.mark.server


def connect(uri: str):
    """Open an autocommit psycopg2 connection, as CREATE DATABASE needs."""
    connection = psycopg2.connect(uri, connect_timeout=10)
    connection.autocommit = True
    return connection


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """A fresh, empty database on the PostgreSQL of MLFLOW_TEST_POSTGRES_URI.

    Yields the parts the tests need: the psycopg2 URI of the new database,
    the `user@host:port/name` that replaces the one of q18.sh, and the
    password, which the commands receive through PGPASSWORD as q18.sh advises.
    """
    base_uri = os.environ.get(POSTGRES_URI_VARIABLE)
    if not base_uri:
        skip_or_fail(
            f"{POSTGRES_URI_VARIABLE} is not set; set it to a PostgreSQL URI "
            "whose role has CREATEDB"
        )
    try:
        admin = connect(base_uri)
    except psycopg2.OperationalError as error:
        skip_or_fail(f"connection to {POSTGRES_URI_VARIABLE} failed: {error}")

    parts = urlsplit(base_uri)
    name = f"mlflow_q18_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {
            "uri": parts._replace(path=f"/{name}").geturl(),
            "target": (
                f"{unquote(parts.username or '')}@{parts.hostname}:"
                f"{parts.port or 5432}/{name}"
            ),
            "password": unquote(parts.password or ""),
        }
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def migration(postgres, tmp_path_factory) -> SnippetRun:
    """The [migration] section of q18.sh, run once on the fresh database."""
    workdir = tmp_path_factory.mktemp("migration")
    result = servers.run_shell_section(
        SHELL_FILE,
        "migration",
        {SHELL_DATABASE: postgres["target"]},
        workdir,
        {"PGPASSWORD": postgres["password"]},
    )
    assert result.returncode == 0, (
        f"the [migration] section of q18.sh failed:\n{result.describe()}"
    )
    return result


@pytest.fixture(scope="module")
def postgres_server(postgres, migration, tmp_path_factory):
    """The [serveur] section of q18.sh, on the migrated database."""
    server_root = tmp_path_factory.mktemp("machine-centrale")
    port = free_port()
    argv = servers.substitute(
        servers.read_shell_command(SHELL_FILE, "serveur"),
        {
            SHELL_DATABASE: postgres["target"],
            "0.0.0.0": "127.0.0.1",
            "mlflow.equipe.interne:5000": f"127.0.0.1:{port}",
            "5000": str(port),
            "/srv/mlflow": str(server_root / "srv"),
        },
    )
    server = servers.start_server(
        argv, server_root, port, {"PGPASSWORD": postgres["password"]}
    )
    try:
        yield server, server_root
    finally:
        servers.stop_server(server)


@pytest.fixture(scope="module")
def postgres_run(postgres_server, tmp_path_factory) -> SnippetRun:
    """The client snippet, run once against the PostgreSQL-backed server."""
    server, _ = postgres_server
    return servers.run_client(server, tmp_path_factory.mktemp("poste"))


def query(postgres, sql: str, *params):
    """Run one query on the test database and return all its rows."""
    with closing(connect(postgres["uri"])) as connection:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def test_shell_file_is_valid_bash():
    completed = subprocess.run(
        ["bash", "-n", str(SHELL_FILE)], capture_output=True, text=True
    )
    assert completed.returncode == 0, (
        f"{SHELL_FILE.relative_to(REPO_ROOT)} is not valid bash: "
        f"{completed.stderr}"
    )


def test_shell_file_names_psycopg2_driver():
    # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3, which the
    # project does not install. So q18.sh must name the psycopg2 driver.
    argv = servers.read_shell_command(SHELL_FILE, "serveur")
    uri = argv[argv.index("--backend-store-uri") + 1]
    assert uri.startswith("postgresql+psycopg2://"), (
        f"q18.sh passes {uri!r} to --backend-store-uri; write "
        "postgresql+psycopg2:// so that SQLAlchemy uses psycopg2"
    )


def test_migration_creates_mlflow_schema(postgres, migration):
    problems = forbidden_warnings(migration.stderr)
    assert not problems, (
        "mlflow db upgrade printed unreviewed warnings:\n"
        + "\n".join(problems)
    )
    versions = query(postgres, "SELECT version_num FROM alembic_version")
    assert len(versions) == 1, (
        f"mlflow db upgrade should stamp one schema version, got {versions}"
    )
    # The question 16 page states that both stores share this version.
    sqlite_version = (
        SQLITE_OUTPUT.read_text(encoding="utf-8")
        .split("Version du schéma\u00a0: ", 1)[1]
        .split()[0]
    )
    assert versions[0][0] == sqlite_version, (
        f"PostgreSQL got schema version {versions[0][0]}, but "
        f"{SQLITE_OUTPUT.relative_to(REPO_ROOT)} shows {sqlite_version} for "
        "SQLite; update that page if MLflow's schema changed"
    )
    tables = {
        row[0]
        for row in query(
            postgres,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public'",
        )
    }
    missing = {"experiments", "runs", "params", "metrics"} - tables
    assert not missing, (
        f"mlflow db upgrade should create MLflow's tables, {missing} missing"
    )


def test_run_is_stored_in_postgres(postgres, postgres_run):
    run_id = servers.run_id_of(postgres_run)
    rows = query(
        postgres,
        "SELECT e.name, r.status FROM runs r "
        "JOIN experiments e ON e.experiment_id = r.experiment_id "
        "WHERE r.run_uuid = %s",
        run_id,
    )
    assert rows == [(servers.EXPERIMENT_NAME, "FINISHED")], (
        f"run {run_id} should be a FINISHED run of experiment "
        f"{servers.EXPERIMENT_NAME} in PostgreSQL's runs table, got {rows}"
    )


def test_params_and_metrics_are_in_postgres(postgres, postgres_run):
    run_id = servers.run_id_of(postgres_run)
    params = query(
        postgres, "SELECT key, value FROM params WHERE run_uuid = %s", run_id
    )
    assert params == [("modele", "ridge")], (
        f"the params table should hold modele=ridge for run {run_id}, "
        f"got {params}"
    )
    metrics = query(
        postgres,
        "SELECT key, value FROM latest_metrics WHERE run_uuid = %s",
        run_id,
    )
    assert metrics == [("rmse", 12.5)], (
        f"the latest_metrics table should hold rmse=12.5 for run {run_id}, "
        f"got {metrics}"
    )


def test_artifact_stays_out_of_postgres(postgres_server, postgres_run):
    _, server_root = postgres_server
    experiment_id = servers.experiment_id_of(postgres_run)
    stored = (
        server_root
        / "srv"
        / "artefacts"
        / experiment_id
        / servers.run_id_of(postgres_run)
        / "artifacts"
        / servers.ARTIFACT_PATH
    )
    assert stored.is_file(), (
        f"the artifact should be a file under --artifacts-destination, at "
        f"{stored}, not a row in PostgreSQL"
    )
    assert json.loads(stored.read_text()) == {"horizon": 7, "alpha": 0.5}, (
        f"{stored} does not contain what q05.py logged"
    )
