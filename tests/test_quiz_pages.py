"""The Partie 01 question pages keep their contract.

Each page quotes its question exactly as the exam states it, contains one
answer and rebuts the three other options, and every place of the built
site that shows an answer letter agrees with the page's front matter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import DOCS_DIR, REPO_ROOT
from quiz import (
    LETTERS,
    QUESTION_COUNT,
    QuizFormatError,
    load_questions,
    parse_question,
    question_paths,
)

EXAM_COPY = DOCS_DIR / "enonce.md"
EXAM_ORIGINAL = REPO_ROOT.parent / "shared" / "exam" / "examen-mi-session.md"
EXAM_QUESTION = re.compile(
    r"^\s*(\d+)\. \*\*(.+?)\*\*\s*\n((?:[ \t]+- [a-d]\) .+\n?)+)", re.MULTILINE
)
SPACES = re.compile(r"[ \u00a0\u202f]+")


def normalize_spaces(text: str) -> str:
    """Erase the typographic differences the pages may add to the exam text.

    Pages put non-breaking spaces before `: ; ! ?` and the typographic
    apostrophe where the exam sometimes has the straight one.
    """
    return SPACES.sub(" ", text).replace("'", "’").strip()


def exam_questions() -> dict[int, tuple[str, dict[str, str]]]:
    """Parse the 20 questions and their options from the exam statement."""
    text = EXAM_COPY.read_text(encoding="utf-8")
    part_1 = text.split("# Partie 01")[1].split("# Partie 02")[0]
    questions = {}
    for number, stem, block in EXAM_QUESTION.findall(part_1):
        options = {}
        for line in block.strip("\n").split("\n"):
            letter, option = line.strip()[2], line.strip()[5:]
            options[letter] = option.strip()
        questions[int(number)] = (stem.strip(), options)
    return questions


QUESTIONS = load_questions(DOCS_DIR)
EXAM = exam_questions()
IDS = [f"q{n:02d}" for n in range(1, QUESTION_COUNT + 1)]


def test_exam_statement_has_20_questions():
    assert sorted(EXAM) == list(range(1, QUESTION_COUNT + 1)), (
        "docs/enonce.md must contain the 20 questions of Partie 01 verbatim"
    )


def test_exam_copy_matches_original():
    if not EXAM_ORIGINAL.exists():
        pytest.skip(f"{EXAM_ORIGINAL} is not beside the repository")
    assert EXAM_COPY.read_text(encoding="utf-8") == EXAM_ORIGINAL.read_text(
        encoding="utf-8"
    ), "docs/enonce.md must be a verbatim copy of the exam statement"


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_page_quotes_exam_question(question):
    stem, options = EXAM[question.number]
    assert normalize_spaces(question.stem) == normalize_spaces(stem), (
        f"{question.path}: the question differs from docs/enonce.md; "
        "copy it exactly (only spaces and apostrophes may be typographic)"
    )
    for letter in LETTERS:
        assert normalize_spaces(question.options[letter]) == normalize_spaces(
            options[letter]
        ), f"{question.path}: option {letter}) differs from docs/enonce.md"


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_page_rebuts_three_options(question):
    assert question.answer in LETTERS
    assert sorted(question.rebutted) == sorted(
        set(LETTERS) - {question.answer}
    ), f"{question.path}: rebut exactly the three wrong options"


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_page_does_not_name_its_letter_elsewhere(question):
    text = question.path.read_text(encoding="utf-8")
    body = text.split("---", 2)[2]
    mentions = re.findall(
        rf"(?:réponse|option)[ \u00a0]+{question.answer}\b|"
        rf"\b{question.answer}\) est",
        body,
        re.IGNORECASE,
    )
    assert not mentions, (
        f"{question.path}: the answer letter may only be written in the "
        f"front matter; found {mentions}"
    )


# --- Built site: every place that shows a letter agrees ---------------------


def letter_in_answer_block(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    blocks = soup.select("details#reponse")
    assert len(blocks) == 1, "expected one details#reponse block"
    first = blocks[0].find("p")
    match = re.match(r"Réponse\s*:\s*([a-d])\)", first.get_text())
    assert match, f"answer block starts with {first.get_text()[:40]!r}"
    return match.group(1)


def test_answer_blocks_agree_with_front_matter(site_dir):
    for question in QUESTIONS:
        html = (
            site_dir / "partie-1" / question.slug / "index.html"
        ).read_text(encoding="utf-8")
        assert letter_in_answer_block(html) == question.answer, (
            f"{question.slug}: the built answer block disagrees with "
            f"{question.path}"
        )


def test_overview_grid_agrees(site_dir):
    html = (site_dir / "partie-1" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    grids = soup.select("details#grille-reponses table")
    assert len(grids) == 1, "partie-1/index.md needs one collapsed answer grid"
    headers = [th.get_text(strip=True) for th in grids[0].select("th")]
    letters = [td.get_text(strip=True) for td in grids[0].select("td")]
    assert headers == [f"Q{q.number}" for q in QUESTIONS]
    assert letters == [f"{q.answer})" for q in QUESTIONS]


def test_printable_key_agrees(site_dir):
    html = (site_dir / "partie-1" / "corrige" / "index.html").read_text(
        encoding="utf-8"
    )
    soup = BeautifulSoup(html, "html.parser")
    rows = soup.select("table tbody tr")
    assert len(rows) == QUESTION_COUNT, "the key needs one row per question"
    for question, row in zip(QUESTIONS, rows, strict=True):
        cells = [td.get_text().strip() for td in row.select("td")]
        assert cells[0] == str(question.number)
        assert cells[1] == question.short_title
        assert cells[2] == f"{question.answer})", (
            f"printable key row {question.number} disagrees with "
            f"{question.path}"
        )
        summary = re.sub(r"[`*]", "", question.summary)
        assert normalize_spaces(cells[3]) == normalize_spaces(summary), (
            f"printable key row {question.number} must show the resume of "
            f"{question.path}"
        )


def test_answers_stay_out_of_search(site_dir):
    index = (site_dir / "search" / "search_index.json").read_text(
        encoding="utf-8"
    )
    for question in QUESTIONS:
        assert question.summary[:40] not in index.replace("\\u00a0", "\u00a0")
    assert "Pourquoi c’est la bonne réponse" not in index
    assert "Pourquoi c\\u2019est la bonne r\\u00e9ponse" not in index
    assert "Dans le cadre d" in index or "Dans le cadre d\\u2019" in index, (
        "question texts must stay searchable"
    )


# --- A malformed page fails with its file name and the problem --------------


def write_broken(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{source} no longer contains {old!r}"
    broken = tmp_path / source.name
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    return broken


MODEL = question_paths(DOCS_DIR)[7]
BREAKAGES = {
    "missing answer": ("reponse: b\n", "", "lacks ['reponse']"),
    "answer not a letter": ("reponse: b\n", "reponse: e\n", "reponse is 'e'"),
    "two answer blocks": (
        "/// details | Afficher la réponse\n",
        "/// details | Afficher la réponse\n    type: success\n"
        '    attrs: {id: reponse, data-search-exclude: "true"}\n\n'
        "**Pourquoi c’est la bonne réponse**\n\n///\n\n"
        "/// details | Afficher la réponse\n",
        "two answer blocks",
    ),
    "missing option": (
        "- d) Un résumé des erreurs générées par le modèle\n",
        "",
        "options are ['a', 'b', 'c']",
    ),
    "missing rebuttal": ("- **c)** ", "- c) ", "rebutted options are"),
    "rebutted answer": ("- **a)** ", "- **b)** ", "is the answer but is"),
}


@pytest.mark.parametrize("case", BREAKAGES, ids=list(BREAKAGES))
def test_malformed_page_is_reported(case, tmp_path):
    old, new, expected = BREAKAGES[case]
    broken = write_broken(tmp_path, MODEL, old, new)
    with pytest.raises(QuizFormatError) as raised:
        parse_question(broken, 8)
    message = str(raised.value)
    assert str(broken) in message, "the error must name the file"
    assert re.search(r":\d+: ", message), "the error must give a line"
    assert expected in message


def test_build_fails_on_malformed_page(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(
        REPO_ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "site", "node_modules", "__pycache__", "mlruns"
        ),
    )
    page = copy / "docs" / "partie-1" / "q08.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("- **c)** ", "- c) ", 1),
        encoding="utf-8",
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-d",
            str(tmp_path / "out"),
        ],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, "a malformed page must fail the build"
    assert "q08.md" in output, output
    assert "rebutted options are" in output, output


def test_nav_labels_use_short_titles():
    nav = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for question in QUESTIONS:
        label = f'"Q{question.number} – {question.short_title}"'
        assert f"{label}: partie-1/{question.slug}.md" in nav, (
            f"mkdocs.yml must list {question.slug} as {label}, the "
            f"titre_court of {question.path}"
        )
