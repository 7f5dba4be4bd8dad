"""Parse and validate the Partie 01 question pages.

Each page `docs/partie-1/qNN.md` follows one contract, and both the MkDocs
hook and the tests read pages through this module, so a page that breaks
the contract fails the build and the tests with the same message.

The contract:

* YAML front matter with `reponse` (one of a, b, c, d), `titre_court` (the
  short title used in tables) and `resume` (a one-line justification for the
  printable key). The answer letter is written there and nowhere else.
* One `<div class="question" markdown>` block with the question in bold on
  one line and the four options `- a) …` to `- d) …` in order.
* One answer block opened by the three lines of `ANSWER_BLOCK_HEADER` and
  closed by `///` alone on a line. The hook inserts `Réponse : x)` as its
  first paragraph.
* Inside the answer block, the lead-ins of `REQUIRED_LEAD_INS`, one list item
  `- **x)** …` for each wrong option, at least one link to the official
  MLflow documentation and at least one link to another question page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

LETTERS = ("a", "b", "c", "d")
QUESTION_COUNT = 20

ANSWER_BLOCK_HEADER = (
    "/// details | Afficher la réponse",
    "    type: success",
    '    attrs: {id: reponse, data-search-exclude: "true"}',
)
ANSWER_BLOCK_END = "///"

# Spaces that French typography puts before `:` and inside « »; the parser
# treats them like an ordinary space.
SPACE = r"[ \u00a0\u202f]"

REQUIRED_LEAD_INS = (
    "**Pourquoi c’est la bonne réponse**",
    "**Pourquoi les autres options sont fausses**",
    "**Pour aller plus loin**",
)
FRONT_MATTER_KEYS = {"reponse", "titre_court", "resume"}

OPTION_LINE = re.compile(r"^- ([a-d])\) (.+)$")
REBUTTAL_LINE = re.compile(r"^- \*\*([a-d])\)\*\* ")
STEM_LINE = re.compile(r"^\*\*(.+)\*\*$")
OFFICIAL_DOC_LINK = re.compile(r"\]\(https://mlflow\.org/docs/[^)\s]+\)")
QUESTION_LINK = re.compile(r"\]\((?:\.\./partie-1/)?q(\d\d)\.md(?:#[\w-]+)?\)")


class QuizFormatError(ValueError):
    """A question page that breaks the contract, located by file and line."""

    def __init__(self, path: Path, line: int, problem: str, fix: str) -> None:
        self.path = path
        self.line = line
        super().__init__(f"{path}:{line}: {problem}. {fix}")


@dataclass(frozen=True)
class Question:
    """One question page, as parsed from its Markdown source."""

    number: int
    path: Path
    short_title: str
    summary: str
    answer: str
    stem: str
    options: dict[str, str]
    rebutted: tuple[str, ...]
    answer_block_start: int
    """Index of the first line after the answer block header."""

    @property
    def slug(self) -> str:
        return f"q{self.number:02d}"

    @property
    def answer_text(self) -> str:
        return self.options[self.answer]


def question_paths(docs_dir: Path) -> list[Path]:
    """Return the paths of the 20 question pages, in exam order."""
    return [
        docs_dir / "partie-1" / f"q{number:02d}.md"
        for number in range(1, QUESTION_COUNT + 1)
    ]


def split_front_matter(path: Path, text: str) -> tuple[dict, list[str], int]:
    """Split a page into its front matter and its body lines.

    Returns the front matter, the body lines and the 1-based line number of
    the first body line.
    """
    lines = text.split("\n")
    if not lines or lines[0] != "---":
        raise QuizFormatError(
            path,
            1,
            "front matter is missing",
            "Start the page with `---`, the keys reponse, titre_court and "
            "resume, then `---`",
        )
    try:
        end = lines.index("---", 1)
    except ValueError:
        raise QuizFormatError(
            path,
            1,
            "front matter is not closed",
            "Add a line `---` after the last key",
        ) from None
    meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    if not isinstance(meta, dict):
        raise QuizFormatError(
            path,
            2,
            "front matter is not a mapping",
            "Write one `key: value` pair per line",
        )
    return meta, lines[end + 1 :], end + 2


def parse_question(path: Path, number: int) -> Question:
    """Parse and validate one question page, or raise QuizFormatError."""
    text = path.read_text(encoding="utf-8")
    meta, body, first_line = split_front_matter(path, text)

    def fail(index: int, problem: str, fix: str) -> QuizFormatError:
        return QuizFormatError(path, first_line + index, problem, fix)

    missing = FRONT_MATTER_KEYS - meta.keys()
    if missing:
        raise QuizFormatError(
            path,
            1,
            f"front matter lacks {sorted(missing)}",
            "Add each missing key to the front matter",
        )
    unknown = meta.keys() - FRONT_MATTER_KEYS
    if unknown:
        raise QuizFormatError(
            path,
            1,
            f"front matter has unknown keys {sorted(unknown)}",
            f"Use only {sorted(FRONT_MATTER_KEYS)}",
        )
    answer = str(meta["reponse"]).strip()
    if answer not in LETTERS:
        raise QuizFormatError(
            path,
            1,
            f"reponse is {meta['reponse']!r}",
            "Set reponse to one of a, b, c, d",
        )
    for key in ("titre_court", "resume"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise QuizFormatError(
                path,
                1,
                f"{key} is empty",
                f"Write the {key} as one line of text",
            )

    stem, options = _parse_question_block(body, fail)
    start, end = _find_answer_block(body, fail)
    rebutted = _check_answer_block(body, start, end, answer, number, fail)

    return Question(
        number=number,
        path=path,
        short_title=meta["titre_court"].strip(),
        summary=meta["resume"].strip(),
        answer=answer,
        stem=stem,
        options=options,
        rebutted=rebutted,
        answer_block_start=start,
    )


def _parse_question_block(body: list[str], fail) -> tuple[str, dict[str, str]]:
    opening = [
        i
        for i, line in enumerate(body)
        if line.strip() == '<div class="question" markdown>'
    ]
    if len(opening) != 1:
        raise fail(
            0,
            f"found {len(opening)} question blocks",
            'Put the question in exactly one `<div class="question" '
            "markdown>` … `</div>` block",
        )
    start = opening[0]
    try:
        end = next(
            i
            for i in range(start + 1, len(body))
            if body[i].strip() == "</div>"
        )
    except StopIteration:
        raise fail(
            start,
            "question block is not closed",
            "Close it with `</div>` alone on a line",
        ) from None

    stems = []
    options: dict[str, str] = {}
    for i in range(start + 1, end):
        line = body[i].rstrip()
        if match := STEM_LINE.match(line):
            stems.append(match.group(1))
        elif match := OPTION_LINE.match(line):
            letter = match.group(1)
            if letter in options:
                raise fail(
                    i,
                    f"option {letter}) appears twice",
                    "Keep one line per option",
                )
            options[letter] = match.group(2).strip()
        elif line:
            raise fail(
                i,
                f"unexpected line in question block: {line!r}",
                "Keep only the bold question and the four options",
            )
    if len(stems) != 1:
        raise fail(
            start,
            f"found {len(stems)} bold question lines",
            "Write the question once, in bold, on one line",
        )
    if tuple(options) != LETTERS:
        raise fail(
            start,
            f"options are {list(options)}",
            "List the four options a) to d) in the exam's order",
        )
    return stems[0], options


def _find_answer_block(body: list[str], fail) -> tuple[int, int]:
    headers = [
        i for i, line in enumerate(body) if line == ANSWER_BLOCK_HEADER[0]
    ]
    if not headers:
        raise fail(
            0,
            "answer block is missing",
            "Add the answer block: " + " / ".join(ANSWER_BLOCK_HEADER),
        )
    if len(headers) > 1:
        raise fail(
            headers[1],
            "page has two answer blocks",
            "Keep one answer block per question page",
        )
    start = headers[0]
    header = tuple(body[start : start + len(ANSWER_BLOCK_HEADER)])
    if header != ANSWER_BLOCK_HEADER:
        raise fail(
            start,
            "answer block header differs from the contract",
            "Use exactly: " + " / ".join(ANSWER_BLOCK_HEADER),
        )
    content_start = start + len(ANSWER_BLOCK_HEADER)
    try:
        end = next(
            i
            for i in range(content_start, len(body))
            if body[i] == ANSWER_BLOCK_END
        )
    except StopIteration:
        raise fail(
            start,
            "answer block is not closed",
            "Close it with `///` alone on a line",
        ) from None
    return content_start, end


def _check_answer_block(
    body: list[str], start: int, end: int, answer: str, number: int, fail
) -> tuple[str, ...]:
    block = body[start:end]
    text = "\n".join(block)

    for lead_in in REQUIRED_LEAD_INS:
        if block.count(lead_in) != 1:
            raise fail(
                start,
                f"answer block needs {lead_in} once",
                "Add the lead-in on its own line",
            )

    rebutted = []
    for offset, line in enumerate(block):
        if match := REBUTTAL_LINE.match(line):
            letter = match.group(1)
            if letter == answer:
                raise fail(
                    start + offset,
                    f"option {letter}) is the answer but is rebutted as wrong",
                    "Rebut only the three wrong options",
                )
            if letter in rebutted:
                raise fail(
                    start + offset,
                    f"option {letter}) is rebutted twice",
                    "Keep one paragraph per wrong option",
                )
            rebutted.append(letter)
    expected = [letter for letter in LETTERS if letter != answer]
    if sorted(rebutted) != expected:
        raise fail(
            start,
            f"rebutted options are {sorted(rebutted)}, expected {expected}",
            "Rebut each wrong option in a list item `- **x)** …`",
        )

    if not OFFICIAL_DOC_LINK.search(text):
        raise fail(
            start,
            "answer block has no link to mlflow.org/docs",
            "Link the official MLflow documentation of the concept",
        )
    linked = {int(n) for n in QUESTION_LINK.findall(text)} - {number}
    if not linked:
        raise fail(
            start,
            "answer block links no related question",
            "Link at least one related question page, e.g. (q05.md)",
        )
    return tuple(rebutted)


def load_questions(docs_dir: Path) -> list[Question]:
    """Parse every question page; raise on the first broken one."""
    return [
        parse_question(path, number)
        for number, path in enumerate(question_paths(docs_dir), start=1)
    ]


def answer_line(question: Question) -> str:
    """Render the first paragraph of the answer block."""
    return f"**Réponse\u00a0: {question.answer})** {question.answer_text}"
