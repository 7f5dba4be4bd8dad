"""The French typography checker finds and fixes what it promises."""

from __future__ import annotations

import pytest
from check_typography import NARROW_NBSP, NBSP, find_problems, fix_text

CASES = {
    "space before colon": ("Réponse : b", f"Réponse{NBSP}: b"),
    "no space before question mark": ("MLflow?", f"MLflow{NARROW_NBSP}?"),
    "space before semicolon": ("un ; deux", f"un{NARROW_NBSP}; deux"),
    "guillemets": ("« champion »", f"«{NBSP}champion{NBSP}»"),
    "straight apostrophe": ("l'alias", "l’alias"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_problem_found_and_fixed(case, tmp_path):
    wrong, right = CASES[case]
    problems = find_problems(tmp_path / "page.md", wrong + "\n")
    assert problems, f"{wrong!r} should be reported"
    assert fix_text(wrong + "\n", problems) == right + "\n"
    assert not find_problems(tmp_path / "page.md", right + "\n")


@pytest.mark.parametrize(
    "text",
    [
        "`mlflow server --host 0.0.0.0:5000 ; echo`",
        "[lien](https://mlflow.org/docs/latest/ml/?a=b)",
        "```\nprint('a : b')\n```",
        '--8<-- "snippets/partie-1/q08.py:signature"',
        "| N° | Réponse |\n|---:|:---:|",
        "un ratio 16:9 et 10:30",
    ],
)
def test_code_and_markup_are_ignored(text, tmp_path):
    assert not find_problems(tmp_path / "page.md", text + "\n")
