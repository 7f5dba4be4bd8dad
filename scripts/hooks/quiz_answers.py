"""MkDocs hook: derive every shown answer of Partie 01 from one source.

The answer letter of a question lives only in the front matter of its page
(`docs/partie-1/qNN.md`). This hook validates all question pages when the
build starts, then:

* inserts `Réponse : x) <option>` as the first paragraph of each page's
  answer block;
* replaces the markers below with tables generated from the pages.

Markers, each alone on a line:

* `<!-- quiz:questions -->`: table of the 20 questions (no answers);
* `<!-- quiz:grille -->`: the answer grid, letters only;
* `<!-- quiz:corrige -->`: the printable key, letter and justification.

An unknown `<!-- quiz:… -->` marker, or a broken question page, stops the
build with the file, the line and the fix.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quiz import (
    ANSWER_BLOCK_HEADER,
    Question,
    QuizFormatError,
    answer_line,
    load_questions,
)

MARKER = re.compile(r"^<!-- quiz:([\w-]+) -->$", re.MULTILINE)
QUESTION_PAGE = re.compile(r"^partie-1/q(\d\d)\.md$")

_questions: list[Question] = []


# --- Loading and validation --------------------------------------------------


def on_config(config):
    global _questions
    try:
        _questions = load_questions(Path(config["docs_dir"]))
    except QuizFormatError as error:
        raise PluginError(f"Invalid question page: {error}") from error
    except FileNotFoundError as error:
        raise PluginError(
            f"Question page not found: {error.filename}. Every question "
            "from q01 to q20 needs its page in docs/partie-1/"
        ) from error
    return config


# --- Rendering ---------------------------------------------------------------


def _questions_table() -> str:
    rows = ["| N° | Thème | Page |", "|---:|---|---|"]
    for question in _questions:
        rows.append(
            f"| {question.number} | {question.short_title} "
            f"| [Question {question.number}]({question.slug}.md) |"
        )
    return "\n".join(rows)


def _answer_grid() -> str:
    header = "| " + " | ".join(f"Q{q.number}" for q in _questions) + " |"
    rule = "|" + "---|" * len(_questions)
    letters = "| " + " | ".join(f"{q.answer})" for q in _questions) + " |"
    return "\n".join([header, rule, letters])


def _printable_key() -> str:
    rows = [
        "| N° | Thème | Réponse | Justification |",
        "|---:|---|:---:|---|",
    ]
    for question in _questions:
        rows.append(
            f"| [{question.number}]({question.slug}.md#reponse) "
            f"| {question.short_title} "
            f"| **{question.answer})** | {question.summary} |"
        )
    return "\n".join(rows)


RENDERERS = {
    "questions": _questions_table,
    "grille": _answer_grid,
    "corrige": _printable_key,
}


def _replace_markers(markdown: str, src_path: str) -> str:
    def render(match: re.Match) -> str:
        name = match.group(1)
        if name not in RENDERERS:
            line = markdown.count("\n", 0, match.start()) + 1
            raise PluginError(
                f"docs/{src_path}:{line}: unknown marker quiz:{name}. "
                f"Use one of {sorted(RENDERERS)}"
            )
        return RENDERERS[name]()

    return MARKER.sub(render, markdown)


def _insert_answer_line(markdown: str, question: Question) -> str:
    header = "\n".join(ANSWER_BLOCK_HEADER) + "\n"
    if markdown.count(header) != 1:
        raise PluginError(
            f"{question.path}: the answer block header changed after "
            "validation. Rebuild; if this persists, check other plugins"
        )
    return markdown.replace(
        header, header + "\n" + answer_line(question) + "\n"
    )


def on_page_markdown(markdown, page, config, files):
    src_path = page.file.src_uri
    match = QUESTION_PAGE.match(src_path)
    if match:
        markdown = _insert_answer_line(markdown, _questions[int(match[1]) - 1])
    return _replace_markers(markdown, src_path)
