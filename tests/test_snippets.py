"""Every snippet runs as a student would run it, with its output checked.

Each `snippets/**/*.py` file runs as its own process in a temporary folder
with a fresh SQLite tracking store. It must exit 0, print no warning outside
the reviewed list, and, when a `.out` file sits beside it, print exactly
that output (placeholders such as `<run_id>` stand for values that change).
"""

from __future__ import annotations

import pytest
from snippet_runner import (
    REPO_ROOT,
    SNIPPETS_DIR,
    expected_output_pattern,
    first_difference,
    forbidden_warnings,
    normalize_output,
)

SNIPPETS = sorted(SNIPPETS_DIR.rglob("*.py"))
LEFTOVERS = ("mlruns", "mlartifacts", "mlflow.db")
# Everything a snippet may write in the folder it runs from. A student runs
# snippets from the repository root, so `make clean` removes these names and
# .gitignore ignores them.
STUDENT_LEFTOVERS = {
    "mlflow.db",
    "mlruns",
    "mlartifacts",
    "modele",
    "predictions.json",
    "donnees",
    "lac",
}


@pytest.mark.parametrize(
    "path", SNIPPETS, ids=[str(p.relative_to(REPO_ROOT)) for p in SNIPPETS]
)
def test_snippet_runs_cleanly(path, snippet):
    leftovers_before = {
        name for name in LEFTOVERS if (REPO_ROOT / name).exists()
    }
    result = snippet(str(path.relative_to(REPO_ROOT)))

    assert result.returncode == 0, result.describe()

    problems = forbidden_warnings(result.stderr)
    assert not problems, (
        f"{path.relative_to(REPO_ROOT)} printed warnings outside "
        "tests/allowed_warnings.py; use the non-deprecated API, or add a "
        "reviewed entry if a third-party library raises it:\n"
        + "\n".join(problems)
    )

    expected_file = path.with_suffix(".out")
    if expected_file.exists():
        expected = normalize_output(expected_file.read_text(encoding="utf-8"))
        actual = normalize_output(result.stdout)
        assert expected_output_pattern(expected).fullmatch(actual), (
            f"{path.relative_to(REPO_ROOT)} output differs from "
            f"{expected_file.relative_to(REPO_ROOT)} at "
            f"{first_difference(expected, actual)}. Update the .out file "
            "only if the new output is right for the pinned MLflow."
        )

    written = {entry.name for entry in result.workdir.iterdir()}
    unexpected = sorted(written - STUDENT_LEFTOVERS)
    assert not unexpected, (
        f"{path.relative_to(REPO_ROOT)} writes {unexpected} "
        "in its working folder; add the names to STUDENT_LEFTOVERS, "
        "`make clean` and .gitignore, or write in a temporary folder"
    )

    leftovers_after = {
        name for name in LEFTOVERS if (REPO_ROOT / name).exists()
    }
    assert leftovers_after == leftovers_before, (
        f"{path.relative_to(REPO_ROOT)} wrote "
        f"{sorted(leftovers_after - leftovers_before)} into the repository; "
        "snippets must write only in their working folder"
    )


def test_student_leftovers_are_cleaned_and_ignored():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    clean = next(
        line for line in makefile.splitlines() if line.startswith("\trm -rf")
    ).split()
    ignored = (REPO_ROOT / ".gitignore").read_text(encoding="utf-8").split()
    for name in sorted(STUDENT_LEFTOVERS):
        assert name in clean, f"`make clean` must remove {name}"
        assert any(name in pattern for pattern in ignored), (
            f".gitignore must ignore {name}"
        )
