"""Partie 3 overview: the exam statement, the platform diagram, the synthesis.

The overview quotes the exam, draws the platform's life cycle as one Mermaid
flowchart, lists the major choices with the alternative each one rejects,
and gives an exam-length synthesis whose stated length is checked here.
The figures it quotes are checked against the cost model by
`test_infrastructure_et_couts.py`, and its diagrams are drawn in Chromium by
`tests/browser/test_diagrams.py`.
"""

from __future__ import annotations

import itertools
import re

from bs4 import BeautifulSoup
from conftest import DOCS_DIR

PAGE = DOCS_DIR / "partie-3" / "index.md"
EXAM = DOCS_DIR / "enonce.md"
SUBPAGES = (
    "architecture.md",
    "infrastructure-et-couts.md",
    "experimentations-et-versions.md",
    "pipeline-de-donnees.md",
    "deploiement-et-surveillance.md",
)
# The life cycle the overview diagram must follow, as node ids.
LIFE_CYCLE = (
    "sources",
    "ingestion",
    "stockage",
    "traitement",
    "variables",
    "entrainement",
    "suivi",
    "service",
    "surveillance",
)
EDGE = re.compile(r"(\w+)\s*-[-.]*>(?:\|[^|]*\|)?\s*(?=(\w+))")


def page_text() -> str:
    return PAGE.read_text(encoding="utf-8")


def section(heading: str) -> str:
    text = page_text()
    assert heading in text, f"{PAGE.name} has no section {heading!r}"
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def words(text: str) -> list[str]:
    """Split a text into words, French typography set aside."""
    text = text.replace("’", "'").replace("**", "")
    text = re.sub(r"[\u00a0\u202f]", " ", text)
    text = re.sub(r"\s+([:;?!])", r"\1", text)
    return text.split()


def test_exam_statement_is_quoted_in_full():
    exam = EXAM.read_text(encoding="utf-8")
    statement = exam.split("# Partie 03", 1)[1].split("\n# Annexe", 1)[0]
    statement = statement.split("\n", 1)[1]
    quote = section("## L’énoncé").split("\n", 3)[3]
    quote = "\n".join(line.removeprefix("    ") for line in quote.splitlines())

    assert words(quote) == words(statement), (
        f"{PAGE.name}: the quoted statement differs from {EXAM.name}; copy "
        "the Partie 03 statement again (only typography may change)"
    )


def test_links_to_every_subpage():
    text = page_text()
    for subpage in SUBPAGES:
        assert f"]({subpage})" in text, f"{PAGE.name} must link to {subpage}"
        assert (PAGE.parent / subpage).is_file(), f"{subpage} does not exist"


def test_overview_diagram_follows_life_cycle():
    diagram = re.search(r"```mermaid\n(.*?)```", page_text(), re.S).group(1)
    edges = set(EDGE.findall(diagram))

    for source, target in itertools.pairwise(LIFE_CYCLE):
        assert (source, target) in edges, (
            f"{PAGE.name}: the overview diagram lacks the step "
            f"{source} --> {target}"
        )
    assert ("surveillance", "entrainement") in edges, (
        f"{PAGE.name}: monitoring must lead back to training"
    )


def test_every_major_choice_names_rejected_alternative():
    table = [
        line
        for line in section("## Les choix majeurs").splitlines()
        if line.startswith("|")
    ]
    header, _rule, *rows = table

    assert "Alternative écartée" in header
    assert len(rows) >= 10, f"{PAGE.name}: the table of choices is too short"
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 4, f"{PAGE.name}: expected 4 cells in {row}"
        assert all(cells), (
            f"{PAGE.name}: every choice needs its domain, choice, "
            f"justification and rejected alternative: {row}"
        )


def test_synthesis_answers_five_subquestions():
    synthesis = section("## Synthèse en version d’examen")
    for number in range(1, 6):
        assert re.search(rf"^\*\*{number}\. ", synthesis, re.M), (
            f"{PAGE.name}: the synthesis has no paragraph for sub-question "
            f"{number}"
        )


def test_synthesis_length_is_as_stated():
    synthesis = section("## Synthèse en version d’examen")
    stated = re.search(r"\*Environ (\d+) mots, soit (\d+) minutes", synthesis)
    assert stated, f"{PAGE.name}: state the synthesis length and time"
    body = synthesis.split("\n", 3)[3]
    count = len([w for w in body.split() if re.search(r"\w", w)])
    minutes = int(stated.group(2))

    assert abs(count - int(stated.group(1))) <= 0.1 * int(stated.group(1)), (
        f"{PAGE.name}: the synthesis has {count} words, not about "
        f"{stated.group(1)}; update the stated length"
    )
    # Handwriting in an exam: roughly 15 to 30 words a minute.
    assert 15 <= count / minutes <= 30, (
        f"{PAGE.name}: {count} words in {minutes} minutes is not a "
        "handwriting pace; update the stated time"
    )


def test_built_pages_hold_three_diagrams(site_dir):
    counts = {}
    for page in ("partie-3", "partie-3/architecture"):
        html = (site_dir / page / "index.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        counts[page] = len(soup.select("pre.mermaid"))

    assert counts["partie-3"] >= 1, "the overview diagram is missing"
    assert sum(counts.values()) >= 3, (
        f"Partie 3 needs the overview, topology and commit-to-production "
        f"diagrams; the built pages hold {counts}"
    )
    chart = site_dir / "partie-3" / "infrastructure-et-couts-seuil.svg"
    assert chart.is_file(), "the cost chart is not copied into the built site"
