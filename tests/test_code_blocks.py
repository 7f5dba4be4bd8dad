"""No untested code block: every block on the site comes from a tested file.

The built HTML is read after includes are resolved. Each code block must
carry the title of the file it comes from (or « Sortie » for a `.out`
file) and its content must be a contiguous part of that file. Each file
that pages include must be reached by a test: `.py` files are run by
`tests/test_snippets.py`, `.out` files are compared there, and any other
file must be named by a test module that executes or validates it. The only
blocks allowed outside these rules are listed, with a reason, in
`tests/code-block-exceptions.yml`.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from conftest import DOCS_DIR, REPO_ROOT
from snippet_runner import SNIPPETS_DIR

EXCEPTIONS_FILE = REPO_ROOT / "tests" / "code-block-exceptions.yml"
INCLUDE_LINE = re.compile(r'^\s*--8<--\s+"([^"]+?)(?::[\w-]+)?"\s*$', re.M)
SECTION_MARKER = re.compile(r"--8<--\s*\[(?:start|end):[\w-]+\]")
OUTPUT_TITLE = "Sortie"


def load_exceptions() -> list[dict]:
    entries = yaml.safe_load(EXCEPTIONS_FILE.read_text(encoding="utf-8"))
    entries = entries or []
    for entry in entries:
        assert {"page", "starts_with", "reason"} <= entry.keys(), (
            f"{EXCEPTIONS_FILE.name}: each entry needs page, starts_with "
            f"and reason; got {entry}"
        )
        assert entry["reason"].strip(), f"{entry}: give the reason"
    return entries


def file_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.rstrip() for line in lines if not SECTION_MARKER.search(line)]


def is_contiguous_part(block: list[str], lines: list[str]) -> bool:
    size = len(block)
    return any(
        lines[start : start + size] == block
        for start in range(len(lines) - size + 1)
    )


def code_blocks(site_dir: Path):
    """Yield (page, title, lines) for every highlighted block of the site."""
    for page in sorted(site_dir.rglob("index.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article")
        if article is None:
            continue
        for block in article.select("div.highlight"):
            # mkdocstrings renders signatures from the snippet files
            # themselves, which tests/test_snippets.py runs.
            if block.find_parent(class_="doc"):
                continue
            code = block.find("code")
            title = block.find(class_="filename")
            text = code.get_text() if code else ""
            lines = [line.rstrip() for line in text.rstrip("\n").split("\n")]
            yield (
                page.relative_to(site_dir).parent.as_posix(),
                title.get_text(strip=True) if title else None,
                lines,
            )


def included_files() -> dict[Path, list[str]]:
    """Map each file that a page includes to the pages that include it."""
    files: dict[Path, list[str]] = {}
    for page in sorted(DOCS_DIR.rglob("*.md")):
        for target in INCLUDE_LINE.findall(page.read_text(encoding="utf-8")):
            path = REPO_ROOT / target
            files.setdefault(path, []).append(str(page.relative_to(REPO_ROOT)))
    return files


def test_every_code_block_comes_from_a_tested_file(site_dir):
    exceptions = load_exceptions()
    outputs = [
        file_lines(path) for path in sorted(SNIPPETS_DIR.rglob("*.out"))
    ]
    problems = []
    used_exceptions = set()
    for page, title, lines in code_blocks(site_dir):
        exception = next(
            (
                index
                for index, entry in enumerate(exceptions)
                if entry["page"] == page
                and lines
                and lines[0].startswith(entry["starts_with"])
            ),
            None,
        )
        if exception is not None:
            used_exceptions.add(exception)
            continue
        if title == OUTPUT_TITLE:
            if not any(lines == output for output in outputs):
                problems.append(
                    f"{page}: « Sortie » block is not the whole content of "
                    f"any snippets/**/*.out file: {lines[:2]}"
                )
            continue
        if not title:
            problems.append(
                f"{page}: code block without title, starting {lines[:1]}; "
                'include it from a file with title="<path>"'
            )
            continue
        source = REPO_ROOT / title
        if not source.is_file():
            problems.append(f"{page}: title {title!r} is not a file")
        elif not is_contiguous_part(lines, file_lines(source)):
            problems.append(
                f"{page}: block titled {title} is not a part of that file; "
                "include it with --8<-- instead of copying it"
            )
    unused = [
        exceptions[index]
        for index in range(len(exceptions))
        if index not in used_exceptions
    ]
    assert not problems, "\n".join(problems)
    assert not unused, (
        f"{EXCEPTIONS_FILE.name} lists blocks that no page has: {unused}"
    )


def test_every_snippet_file_is_included_by_a_page():
    included = included_files()
    for path in sorted(SNIPPETS_DIR.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        assert path in included, (
            f"{path.relative_to(REPO_ROOT)} is included by no page; include "
            "it where it is explained, or delete it"
        )


def test_every_included_file_is_reached_by_a_test():
    test_sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted((REPO_ROOT / "tests").rglob("*.py"))
    )
    for path, pages in sorted(included_files().items()):
        relative = path.relative_to(REPO_ROOT)
        if relative.parts[0] == "includes":
            continue
        assert relative.parts[0] == "snippets", (
            f"{pages} include {relative}; code shown on a page lives in "
            "snippets/"
        )
        if path.suffix in {".py", ".out"}:
            # Run, and compared with their output, by tests/test_snippets.py.
            continue
        assert path.name in test_sources, (
            f"{relative} (included by {pages}) is named by no test module; "
            "add a test that executes or validates it"
        )
