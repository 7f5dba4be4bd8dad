"""The code lab page: its run commands work and its catalogue is complete."""

from __future__ import annotations

import os
import subprocess

from bs4 import BeautifulSoup
from conftest import REPO_ROOT
from snippet_runner import SNIPPETS_DIR, forbidden_warnings

COMMANDS = SNIPPETS_DIR / "laboratoire.sh"


def test_run_commands_work_from_a_checkout(tmp_path):
    # A checkout-like folder, so the default store lands in tmp_path.
    (tmp_path / "snippets").symlink_to(SNIPPETS_DIR)
    (tmp_path / ".venv").symlink_to(REPO_ROOT / ".venv")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MLFLOW_")
    }
    completed = subprocess.run(
        ["bash", str(COMMANDS)],
        cwd=tmp_path,
        env={**env, "PYTHONWARNINGS": "default"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (tmp_path / "mlflow.db").exists(), (
        "snippets/laboratoire.sh must use MLflow's default store, ./mlflow.db"
    )
    assert completed.stdout.rstrip().endswith("1 exécution(s)")
    assert not forbidden_warnings(completed.stderr)


def test_catalogue_lists_every_snippet(site_dir):
    html = (site_dir / "laboratoire" / "index.html").read_text(
        encoding="utf-8"
    )
    text = BeautifulSoup(html, "html.parser").get_text()
    for path in sorted(SNIPPETS_DIR.rglob("*.py")):
        relative = path.relative_to(REPO_ROOT).as_posix()
        assert relative in text, (
            f"docs/laboratoire.md does not list {relative}"
        )
        assert f"python {relative}" in text
