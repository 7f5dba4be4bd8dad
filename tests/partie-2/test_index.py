"""Partie 2: the team workflow of the page, run against a real server.

The commands come from `snippets/partie-2/index_equipe.sh`, the file the
page shows. The [serveur] section starts `mlflow server` on 127.0.0.1 with a
free port, a SQLite backend store and proxied artifacts, all in a temporary
folder. That folder is also a git repository holding a committed copy of
`snippets/partie-2/index.py`, so the `mlflow.source.git.commit` tag is real.
Each member section then runs as its own process, under that member's login
name, and its output is compared with `index_equipe.<section>.out`.
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
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import free_port
from snippet_runner import (
    REPO_ROOT,
    SnippetRun,
    expected_output_pattern,
    first_difference,
    forbidden_warnings,
    normalize_output,
    run_snippet,
)

pytestmark = pytest.mark.server

SNIPPETS = REPO_ROOT / "snippets" / "partie-2"
SCRIPT = SNIPPETS / "index.py"
SHELL_FILE = SNIPPETS / "index_equipe.sh"
SCRIPT_IN_REPO = Path("snippets") / "partie-2" / "index.py"

EXPERIMENT = "prix-logements"
REGISTERED_MODEL = "prix-logements"
DATA_FILE = Path("donnees") / "logements-v1.csv"
MEMBERS = ("alice", "bruno", "chloe", "david")

# On a loaded 2-core machine, `mlflow server` returns 200 on /health after
# 13 to 45 s, and one client command takes 10 to 40 s.
SERVER_START_TIMEOUT = 240
SERVER_STOP_TIMEOUT = 30
CLIENT_TIMEOUT = 300


# ---------------------------------------------------------------------------
# Shell sections, git repository, server process, REST calls
# ---------------------------------------------------------------------------


def shell_section(section: str) -> list[list[str]]:
    """Return the commands of a named section of the shell file, as argv.

    Comment lines are dropped and backslash continuations are joined.
    """
    text = SHELL_FILE.read_text(encoding="utf-8")
    start = f"# --8<-- [start:{section}]"
    end = f"# --8<-- [end:{section}]"
    for marker in (start, end):
        assert marker in text, (
            f"{SHELL_FILE.relative_to(REPO_ROOT)} has no marker {marker!r}; "
            f"put [start:{section}] and [end:{section}] around the commands"
        )
    body = text.split(start, 1)[1].split(end, 1)[0]
    commands, pending = [], ""
    for line in body.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped.removesuffix("\\") + " "
            continue
        commands.append(shlex.split(pending + stripped))
        pending = ""
    assert commands, f"section [{section}] of {SHELL_FILE.name} is empty"
    return commands


def substitute(argv: list[str], replacements: dict[str, str]) -> list[str]:
    """Replace each key by its value in every argument, and require each key.

    A key found nowhere means the shell file changed under the test, so the
    test fails instead of running a command the page does not show.
    """
    unused = [old for old in replacements if not any(old in a for a in argv)]
    assert not unused, (
        f"the command {shlex.join(argv)!r} of {SHELL_FILE.name} no longer "
        f"contains {unused}; update the test together with the shell file"
    )
    result = []
    for arg in argv:
        for old, new in replacements.items():
            arg = arg.replace(old, new)
        result.append(arg)
    return result


def git(repo: Path, *args: str) -> str:
    """Run a git command in the test repository and return its output."""
    completed = subprocess.run(
        [
            "git",
            "-c",
            "user.name=Équipe de test",
            "-c",
            "user.email=equipe@example.invalid",
            *args,
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, (
        f"git {' '.join(args)} failed in {repo}: {completed.stderr}"
    )
    return completed.stdout.strip()


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log_path: Path
    artifacts: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(argv: list[str], workdir: Path, port: int, artifacts: Path):
    """Start `mlflow server` with this interpreter and wait for /health.

    No MLFLOW_* variable of the test process leaks in, because the server
    reads some of them as defaults for its flags. The GenAI job runner is
    switched off: it adds processes that no step of the scenario uses.
    """
    assert argv[0] == "mlflow", f"expected an mlflow command, got {argv[0]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    log_path = workdir / "server.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "mlflow", *argv[1:], "--workers", "1"],
            cwd=workdir,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log_path, artifacts)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{shlex.join(argv)} exited with code {process.returncode} "
                f"before answering /health:\n{server.log()}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=5):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    stop_server(server)
    pytest.fail(
        f"{shlex.join(argv)} did not answer /health within "
        f"{SERVER_START_TIMEOUT} s:\n{server.log()}"
    )


def stop_server(server: Server) -> None:
    """Stop the server by its PID, then what is left of its own session."""
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


def rest(server: Server, path: str, body: dict | None = None, **query):
    """Call the REST API (GET with a query, or POST with a JSON body)."""
    url = f"{server.url}/api/2.0/mlflow/{path}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def describe(result: SnippetRun, command: list[str]) -> str:
    return (
        f"`{shlex.join(command)}` exited {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )


# ---------------------------------------------------------------------------
# The scenario: one repository, one server, four members
# ---------------------------------------------------------------------------


@dataclass
class Team:
    repo: Path
    commit: str
    server: Server
    tracking_uri: str


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """A git repository with the script committed, and the team server."""
    repo = tmp_path_factory.mktemp("depot-equipe")
    (repo / SCRIPT_IN_REPO).parent.mkdir(parents=True)
    shutil.copy(SCRIPT, repo / SCRIPT_IN_REPO)
    (repo / ".gitignore").write_text("donnees/\nserveur/\n")
    git(repo, "init", "--quiet")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "Ajoute le script de l’équipe")
    commit = git(repo, "rev-parse", "HEAD")

    workdir = repo / "serveur"
    artifacts = workdir / "artefacts"
    artifacts.mkdir(parents=True)
    port = free_port()
    [command] = shell_section("serveur")
    argv = substitute(
        command,
        {
            "postgresql://mlflow@db.interne.example:5432/mlflow": (
                f"sqlite:///{workdir / 'mlflow.db'}"
            ),
            "s3://equipe-ml/mlflow": str(artifacts),
            "0.0.0.0": "127.0.0.1",
            "5000": str(port),
            "mlflow.interne.example": "127.0.0.1",
        },
    )
    server = start_server(argv, workdir, port, artifacts)
    try:
        [export] = shell_section("connexion")
        assert export[0] == "export", (
            f"[connexion] of {SHELL_FILE.name} should be one export line"
        )
        name, _, value = export[1].partition("=")
        assert name == "MLFLOW_TRACKING_URI", (
            f"[connexion] of {SHELL_FILE.name} should set "
            f"MLFLOW_TRACKING_URI, it sets {name}"
        )
        tracking_uri = substitute(
            [value], {"mlflow.interne.example": "127.0.0.1", "5000": str(port)}
        )[0]
        assert tracking_uri == server.url, (
            f"[connexion] points at {value}, which is not the address of "
            "the [serveur] command"
        )
        yield Team(repo, commit, server, tracking_uri)
    finally:
        stop_server(server)


def run_member(team: Team, member: str, command: list[str]) -> SnippetRun:
    """Run one `python snippets/partie-2/index.py …` line as `member`."""
    assert command[:2] == ["python", str(SCRIPT_IN_REPO)], (
        f"{SHELL_FILE.name} should only run `python {SCRIPT_IN_REPO} …` in "
        f"member sections, found {shlex.join(command)!r}"
    )
    # MLflow fills `mlflow.user` from the login name, as getpass reads it.
    login = {name: member for name in ("LOGNAME", "USER", "LNAME", "USERNAME")}
    return run_snippet(
        team.repo / SCRIPT_IN_REPO,
        team.repo,
        extra_env={"MLFLOW_TRACKING_URI": team.tracking_uri, **login},
        args=tuple(command[2:]),
        timeout=CLIENT_TIMEOUT,
    )


@pytest.fixture(scope="module")
def outputs(team) -> dict[str, str]:
    """Play the member sections in order; return each section's stdout."""
    printed = {}
    for member in MEMBERS:
        printed[member] = ""
        for command in shell_section(member):
            result = run_member(team, member, command)
            assert result.returncode == 0, (
                describe(result, command)
                + f"\n--- server log ---\n{team.server.log()}"
            )
            problems = forbidden_warnings(result.stderr)
            assert not problems, (
                f"`{shlex.join(command)}` printed warnings outside "
                "tests/allowed_warnings.py:\n" + "\n".join(problems)
            )
            printed[member] += result.stdout
    return printed


def experiment_runs(team: Team) -> list[dict]:
    experiment = rest(
        team.server, "experiments/get-by-name", experiment_name=EXPERIMENT
    )["experiment"]
    found = rest(
        team.server,
        "runs/search",
        {"experiment_ids": [experiment["experiment_id"]], "max_results": 100},
    )
    return found.get("runs", [])


def tags_of(run: dict) -> dict[str, str]:
    return {tag["key"]: tag["value"] for tag in run["data"].get("tags", [])}


def rmse_of(run: dict) -> float:
    metrics = {m["key"]: m["value"] for m in run["data"]["metrics"]}
    return metrics["rmse"]


def champion(team: Team) -> dict:
    return rest(
        team.server,
        "registered-models/alias",
        name=REGISTERED_MODEL,
        alias="champion",
    )["model_version"]


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


def test_shell_file_is_valid_bash():
    completed = subprocess.run(
        ["bash", "-n", str(SHELL_FILE)], capture_output=True, text=True
    )
    assert completed.returncode == 0, (
        f"{SHELL_FILE.relative_to(REPO_ROOT)} is not valid bash: "
        f"{completed.stderr}"
    )


@pytest.mark.parametrize("member", MEMBERS)
def test_member_output_matches_out_file(outputs, member):
    expected_file = SNIPPETS / f"index_equipe.{member}.out"
    expected = normalize_output(expected_file.read_text(encoding="utf-8"))
    actual = normalize_output(outputs[member])
    assert expected_output_pattern(expected).fullmatch(actual), (
        f"the [{member}] commands of {SHELL_FILE.name} printed something "
        f"else than {expected_file.relative_to(REPO_ROOT)}, at "
        f"{first_difference(expected, actual)}. Update the .out file only "
        "if the new output is right for the pinned MLflow."
    )


def test_runs_record_member_login(team, outputs):
    users = sorted(
        tags_of(run)["mlflow.user"] for run in experiment_runs(team)
    )
    assert users == ["alice", "alice", "bruno"], (
        "the server should hold two runs by alice and one by bruno, as the "
        f"[alice] and [bruno] sections log them; it holds runs by {users}"
    )


def test_runs_record_git_commit(team, outputs):
    for run in experiment_runs(team):
        recorded = tags_of(run).get("mlflow.source.git.commit")
        assert recorded == team.commit, (
            f"run {run['info']['run_name']} should carry the commit of the "
            f"test repository {team.commit}, got {recorded!r}; index.py must "
            "run from its file inside the git checkout"
        )


def test_runs_share_one_dataset_digest(team, outputs):
    digests = set()
    for run in experiment_runs(team):
        inputs = run["inputs"].get("dataset_inputs", [])
        assert len(inputs) == 1, (
            f"run {run['info']['run_name']} should log one dataset with "
            f"mlflow.log_input, it logged {len(inputs)}"
        )
        context = {t["key"]: t["value"] for t in inputs[0]["tags"]}
        assert context.get("mlflow.data.context") == "training", (
            f"run {run['info']['run_name']} should log its dataset with "
            f"context 'training', got {context}"
        )
        digests.add(inputs[0]["dataset"]["digest"])
    assert len(digests) == 1, (
        f"all runs trained on the same file, yet their digests are {digests}"
    )


def test_champion_is_best_run(team, outputs):
    runs = experiment_runs(team)
    best = min(runs, key=rmse_of)
    version = champion(team)
    assert version["run_id"] == best["info"]["run_id"], (
        f"the alias champion should point at the run with the lowest rmse, "
        f"{best['info']['run_name']}, but points at run {version['run_id']}"
    )
    assert version["version"] == "1", (
        f"the first promotion should create version 1, got {version}"
    )
    tags = {t["key"]: t["value"] for t in version.get("tags", [])}
    assert tags.get("promoted_by") == "chloe", (
        f"the champion version should carry promoted_by=chloe, got {tags}"
    )
    # Without authentication the registry records no registrant, so the
    # page recommends the promoted_by tag.
    assert not version.get("user_id"), (
        "the page says the registry records no user for a version on a "
        f"server without authentication, yet user_id is {version['user_id']}"
    )


def test_champion_model_stores_environment_files(team, outputs):
    model_id = champion(team)["source"].removeprefix("models:/")
    found = list(team.server.artifacts.rglob(f"{model_id}/artifacts"))
    assert len(found) == 1, (
        f"the proxied server should store model {model_id} under "
        f"--artifacts-destination {team.server.artifacts}, found {found}"
    )
    stored = {path.name for path in found[0].iterdir()}
    for name in ("MLmodel", "requirements.txt", "python_env.yaml"):
        assert name in stored, (
            f"the logged model should carry {name} for its environment, "
            f"found {sorted(stored)}"
        )


def test_clients_write_nothing_locally(team, outputs):
    leftovers = {"mlruns", "mlartifacts", "mlflow.db"} & {
        path.name for path in team.repo.iterdir()
    }
    assert not leftovers, (
        f"clients of the team server should write no local store, found "
        f"{sorted(leftovers)} in {team.repo}"
    )


def test_second_promotion_keeps_champion(team, outputs):
    [command] = shell_section("chloe")
    result = run_member(team, "chloe", command)
    assert result.returncode == 0, describe(result, command)
    assert "La version 1 reste champion" in result.stdout, (
        "promoting again with no better run should keep version 1 as "
        f"champion:\n{result.stdout}"
    )
    versions = rest(
        team.server,
        "model-versions/search",
        filter=f"name = '{REGISTERED_MODEL}'",
    )["model_versions"]
    assert len(versions) == 1, (
        f"a promotion without a better run should register nothing, found "
        f"{len(versions)} versions"
    )


def test_reproduction_rejects_changed_data(team, outputs):
    [command] = shell_section("david")
    data_file = team.repo / DATA_FILE
    original = data_file.read_bytes()
    lines = original.decode().splitlines(keepends=True)
    # A colleague corrects one price in place, in the shared snapshot.
    fields = lines[1].rstrip("\n").split(",")
    fields[-1] = str(float(fields[-1]) + 1)
    lines[1] = ",".join(fields) + "\n"
    data_file.write_text("".join(lines))
    try:
        result = run_member(team, "david", command)
    finally:
        data_file.write_bytes(original)
    assert result.returncode != 0, (
        "reproduce should stop when the data no longer match the recorded "
        f"digest:\n{describe(result, command)}"
    )
    assert "ont changé" in result.stderr, (
        f"reproduce should name the changed data file:\n{result.stderr}"
    )


def test_reproduction_rejects_other_commit(team, outputs):
    [command] = shell_section("david")
    (team.repo / "NOTES.md").write_text("Essai d’une autre idée.\n")
    git(team.repo, "add", "NOTES.md")
    git(team.repo, "commit", "--quiet", "-m", "Commit suivant")
    try:
        result = run_member(team, "david", command)
    finally:
        git(team.repo, "reset", "--quiet", "--hard", team.commit)
    assert result.returncode != 0, (
        "reproduce should stop when the checkout is not at the recorded "
        f"commit:\n{describe(result, command)}"
    )
    assert f"git switch --detach {team.commit}" in result.stderr, (
        "reproduce should tell which commit to check out:\n" + result.stderr
    )
