"""A real `mlflow server` for the tests: shell sections, processes, REST.

The server commands come from the shell files that the pages show, such as
`snippets/partie-1/q04.sh`: a test reads one named section, replaces the
host by 127.0.0.1, the port by a free one and the folders by temporary
ones, then starts the server and stops it by PID.
"""

import json
import os
import re
import shlex
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
from snippet_runner import (
    REPO_ROOT,
    SnippetRun,
    forbidden_warnings,
    run_snippet,
    snippet_env,
)

SNIPPETS = REPO_ROOT / "snippets" / "partie-1"
SHELL_FILE = SNIPPETS / "q04.sh"
CLIENT = SNIPPETS / "q05.py"
EXPERIMENT_NAME = "equipe-prevision"
ARTIFACT_PATH = "config/entrainement.json"

# Measured while writing these tests: /health returned 200 after 13 to 45 s
# on a shared 2-core machine. The limit leaves room for a slower CI runner.
SERVER_START_TIMEOUT = 240
SERVER_STOP_TIMEOUT = 30


# ---------------------------------------------------------------------------
# Shared helpers: shell sections, server processes, REST calls
# ---------------------------------------------------------------------------


def read_shell_section(path: Path, section: str) -> str:
    """Return the code of a named section of a shell file, comments dropped.

    The section lies between `# --8<-- [start:<section>]` and
    `# --8<-- [end:<section>]`, the markers the page includes.
    """
    text = path.read_text(encoding="utf-8")
    start = f"# --8<-- [start:{section}]"
    end = f"# --8<-- [end:{section}]"
    assert start in text, (
        f"{path.relative_to(REPO_ROOT)} has no marker {start!r}; add it "
        f"before the command of section [{section}]"
    )
    assert end in text, (
        f"{path.relative_to(REPO_ROOT)} has no marker {end!r}; add it "
        f"after the command of section [{section}]"
    )
    body = text.split(start, 1)[1].split(end, 1)[0]
    code = "\n".join(
        line
        for line in body.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    assert code, f"section [{section}] of {path.name} contains no command"
    return code


def read_shell_command(path: Path, section: str) -> list[str]:
    """Return the only command of a shell section as argv.

    Backslash continuations are joined. A section that contains more than
    one command fails, because a server test starts exactly one process.
    """
    code = read_shell_section(path, section).replace("\\\n", " ")
    assert "\n" not in code, (
        f"section [{section}] of {path.name} should hold one command, "
        f"found:\n{code}"
    )
    return shlex.split(code)


def substitute(argv: list[str], replacements: dict[str, str]) -> list[str]:
    """Replace each key by its value in every argument, and require each key.

    All keys are replaced in one pass, so a value that contains another key
    (a port 45000 contains "5000") is never replaced twice. A key that
    occurs nowhere means the shell file changed under the test, so the test
    fails instead of running a command the page does not show.
    """
    unused = [
        old for old in replacements if not any(old in arg for arg in argv)
    ]
    assert not unused, (
        f"the command {shlex.join(argv)!r} no longer contains {unused}; "
        "update the replacements of the test together with the shell file"
    )
    if not replacements:
        return list(argv)
    keys = sorted(replacements, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(key) for key in keys))
    return [
        pattern.sub(lambda match: replacements[match.group(0)], arg)
        for arg in argv
    ]


def run_shell_section(
    path: Path,
    section: str,
    replacements: dict[str, str],
    cwd: Path,
    extra_env: dict[str, str] | None = None,
) -> SnippetRun:
    """Run a shell section with bash, as a student would paste it.

    The environment is the one of a snippet run, with the `mlflow` and
    `python` of this interpreter first on PATH.
    """
    code = substitute([read_shell_section(path, section)], replacements)[0]
    env = snippet_env(cwd, extra_env)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    completed = subprocess.run(
        ["bash", "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    return SnippetRun(
        path=path,
        returncode=completed.returncode,
        stdout=completed.stdout,
        stderr=completed.stderr,
        workdir=cwd,
    )


def as_python_module(argv: list[str]) -> list[str]:
    """Turn `mlflow …` into `python -m mlflow …` for this interpreter."""
    assert argv[0] == "mlflow", f"expected an mlflow command, got {argv[0]!r}"
    return [sys.executable, "-m", "mlflow", *argv[1:]]


def server_env(extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """Build the environment of a server: no MLFLOW_* setting leaks in.

    `mlflow server` reads MLFLOW_BACKEND_STORE_URI and similar variables as
    defaults for its flags, so only the flags of the shell file apply. The
    job runner (GenAI background jobs, seven extra processes) is switched
    off because no test here uses it.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MLFLOW_")
    }
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    env.update(extra_env or {})
    return env


@dataclass
class MlflowServer:
    """A running `mlflow server` process and where to reach it."""

    process: subprocess.Popen
    url: str
    log_path: Path

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(
    argv: list[str],
    cwd: Path,
    port: int,
    extra_env: dict[str, str] | None = None,
) -> MlflowServer:
    """Start a server command and wait until /health returns 200.

    The process gets its own session, so that `stop_server` can end the
    uvicorn workers with it. Output goes to `server.log` in `cwd`.
    """
    log_path = cwd / "server.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            as_python_module(argv),
            cwd=cwd,
            env=server_env(extra_env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = MlflowServer(process, f"http://127.0.0.1:{port}", log_path)
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


def stop_server(server: MlflowServer) -> None:
    """Stop a server by its PID, then end what is left of its process group.

    `mlflow server` forwards SIGTERM to uvicorn, which stops its workers.
    A worker that is still alive after the timeout is killed.
    """
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


def rest_get(server: MlflowServer, path: str, **params: str) -> dict:
    """Call a GET endpoint of the REST API and return the decoded JSON."""
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(
        f"{server.url}{path}?{query}", timeout=30
    ) as r:
        return json.load(r)


def rest_post(server: MlflowServer, path: str, body: dict) -> dict:
    """Call a POST endpoint of the REST API and return the decoded JSON."""
    request = urllib.request.Request(
        f"{server.url}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def http_status(url: str) -> int:
    """Return the HTTP status of a GET request, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run_client(server: MlflowServer, workdir: Path, **env: str) -> SnippetRun:
    """Run the client snippet against a server, from its own folder."""
    workdir.mkdir(parents=True, exist_ok=True)
    result = run_snippet(
        CLIENT, workdir, extra_env={"MLFLOW_TRACKING_URI": server.url, **env}
    )
    assert result.returncode == 0, (
        f"{CLIENT.name} failed against {server.url}:\n{result.describe()}"
        f"\n--- server log ---\n{server.log()}"
    )
    problems = forbidden_warnings(result.stderr)
    assert not problems, (
        f"{CLIENT.name} printed warnings against the server:\n"
        + "\n".join(problems)
    )
    return result


def printed_value(run: SnippetRun, label: str) -> str:
    """Return what the client printed after `label :` (with U+00A0)."""
    prefix = f"{label}\u00a0: "
    for line in run.stdout.splitlines():
        if line.startswith(prefix):
            return line.removeprefix(prefix)
    raise AssertionError(
        f"{CLIENT.name} printed no line starting with {prefix!r}:\n"
        f"{run.stdout}"
    )


def run_id_of(run: SnippetRun) -> str:
    """Return the id of the run the client logged, from its artifact URI."""
    artifact_uri = printed_value(run, "Artefacts de l’exécution")
    return artifact_uri.rstrip("/").split("/")[-2]


def experiment_id_of(run: SnippetRun) -> str:
    """Return the id of the experiment the client used, from its location."""
    location = printed_value(run, "Artefacts de l’expérimentation")
    return location.rstrip("/").rsplit("/", 1)[-1]


def q04_command(section: str, server_root: Path, port: int) -> list[str]:
    """Return a q04.sh command with test paths, 127.0.0.1 and a free port."""
    replacements = {
        "0.0.0.0": "127.0.0.1",
        "mlflow.equipe.interne:5000": f"127.0.0.1:{port}",
        "5000": str(port),
        "/srv/mlflow": str(server_root / "srv"),
    }
    if section == "racine":
        replacements["/mnt/partage"] = str(server_root / "partage")
    return substitute(read_shell_command(SHELL_FILE, section), replacements)
