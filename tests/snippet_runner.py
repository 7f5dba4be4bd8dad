"""Run a snippet as a student would, and judge its output and warnings.

A snippet runs as `python snippets/<page>.py` in a separate process, in its
own temporary folder, with its own SQLite tracking store, so nothing it
writes reaches the repository or another test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from allowed_warnings import ALLOWED_WARNINGS

REPO_ROOT = Path(__file__).resolve().parent.parent
SNIPPETS_DIR = REPO_ROOT / "snippets"

# Python's warning format: "path:line: Category: message".
WARNING_LINE = re.compile(
    r"^(?P<path>\S.*?):(?P<line>\d+): (?P<category>\w+): (?P<message>.*)$"
)
# MLflow's log format: "2026/12/04 20:05:13 WARNING mlflow.x: message".
MLFLOW_LOG_LINE = re.compile(
    r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d "
    r"(?P<level>[A-Z]+) (?P<logger>[\w.]+): (?P<message>.*)$"
)

# Placeholders allowed in a `.out` file for values that change at each run.
PLACEHOLDERS = {
    "<run_id>": r"[0-9a-f]{32}",
    "<model_id>": r"m-[0-9a-f]{32}",
    "<experiment_id>": r"\d+",
    "<horodatage>": (
        r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d)?"
    ),
    "<chemin>": r"\S+",
    "<port>": r"\d+",
    "<commit>": r"[0-9a-f]{40}",
    "<utilisateur>": r"\S+",
    "<durée>": r"\d+(?:\.\d+)?",
}
PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


@dataclass(frozen=True)
class SnippetRun:
    path: Path
    returncode: int
    stdout: str
    stderr: str
    workdir: Path

    def describe(self) -> str:
        return (
            f"{self.path.relative_to(REPO_ROOT)} exited {self.returncode}\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


def snippet_env(
    workdir: Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Build a snippet's environment: its own store, every warning shown."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MLFLOW_")
    }
    env.update(
        {
            "MLFLOW_TRACKING_URI": f"sqlite:///{workdir / 'mlflow.db'}",
            # Show every warning once per location, including the
            # DeprecationWarning that Python hides outside __main__.
            "PYTHONWARNINGS": "default",
            "PYTHONHASHSEED": "0",
            "PYTHONIOENCODING": "utf-8",
            "MPLBACKEND": "Agg",
            "GIT_PYTHON_REFRESH": "quiet",
            # MLflow's usage telemetry would try to reach another host.
            "MLFLOW_DISABLE_TELEMETRY": "true",
        }
    )
    env.update(extra or {})
    return env


def run_snippet(
    path: Path,
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    timeout: float = 300,
) -> SnippetRun:
    """Run `python <path>` from `workdir` and capture its output."""
    completed = subprocess.run(
        [sys.executable, str(path), *args],
        cwd=workdir,
        env=snippet_env(workdir, extra_env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    return SnippetRun(
        path=path,
        returncode=completed.returncode,
        stdout=completed.stdout,
        stderr=completed.stderr,
        workdir=workdir,
    )


def forbidden_warnings(stderr: str) -> list[str]:
    """List the warnings in `stderr` that the reviewed list does not allow.

    Every Python warning must match an entry of ALLOWED_WARNINGS. An MLflow
    log line at WARNING level or above that mentions a deprecation is never
    allowed, because it means a snippet uses an API MLflow wants replaced.
    """
    problems = []
    for line in stderr.splitlines():
        if match := WARNING_LINE.match(line):
            if not any(
                allowed.matches(
                    match["category"], match["path"], match["message"]
                )
                for allowed in ALLOWED_WARNINGS
            ):
                problems.append(line)
        elif match := MLFLOW_LOG_LINE.match(line):
            if match["level"] in {"WARNING", "ERROR"} and re.search(
                r"deprecat", match["message"], re.IGNORECASE
            ):
                problems.append(line)
    return problems


def expected_output_pattern(expected: str) -> re.Pattern:
    """Compile a `.out` file into a pattern, placeholders becoming regexes."""
    parts = []
    position = 0
    for match in PLACEHOLDER.finditer(expected):
        parts.append(re.escape(expected[position : match.start()]))
        parts.append(PLACEHOLDERS[match.group(0)])
        position = match.end()
    parts.append(re.escape(expected[position:]))
    return re.compile("".join(parts))


def normalize_output(text: str) -> str:
    """Drop trailing spaces and blank lines at the end, which pages lose."""
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def first_difference(expected: str, actual: str) -> str:
    """Describe the first line where the output departs from `.out`."""
    expected_lines = expected.splitlines()
    actual_lines = actual.splitlines()
    pairs = zip(expected_lines, actual_lines, strict=False)
    for number, (want, got) in enumerate(pairs, start=1):
        if not expected_output_pattern(want).fullmatch(got):
            return f"line {number}: expected {want!r}, got {got!r}"
    shorter = min(len(expected_lines), len(actual_lines))
    longer = expected_lines if len(expected_lines) > shorter else actual_lines
    return (
        f"expected {len(expected_lines)} lines, got {len(actual_lines)}; "
        f"first extra or missing line: {longer[shorter]!r}"
    )
