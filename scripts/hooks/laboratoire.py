"""MkDocs hook: generate the code catalogue of `docs/laboratoire.md`.

The marker `<!-- laboratoire:catalogue -->` (alone on a line) becomes one
section per snippet of `snippets/`. A section lists the pages that show the
snippet, its whole module docstring and the command that runs it. When the
snippet defines public functions or classes, mkdocstrings documents them
(`::: name`).

A snippet without a module docstring stops the build: the catalogue would
have nothing to say about it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

MARKER = "<!-- laboratoire:catalogue -->"
INCLUDE_LINE = re.compile(r'^\s*--8<--\s+"(snippets/[^":]+)', re.MULTILINE)
PAGE = "laboratoire.md"


def _including_pages(docs_dir: Path) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {}
    for page in sorted(docs_dir.rglob("*.md")):
        relative = page.relative_to(docs_dir).as_posix()
        for target in INCLUDE_LINE.findall(page.read_text(encoding="utf-8")):
            pages.setdefault(target, [])
            if relative not in pages[target]:
                pages[target].append(relative)
    return pages


def _documented_names(tree: ast.Module) -> list[str]:
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
        and not node.name.startswith("_")
        and ast.get_docstring(node)
    ]


def _entry(path: Path, root: Path, pages: list[str]) -> str:
    relative = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstring = ast.get_docstring(tree)
    if not docstring:
        raise PluginError(
            f"{relative}:1: snippet has no module docstring. Start it with a "
            "French docstring that says what it demonstrates"
        )
    title, _, rest = docstring.partition("\n")
    # The whole docstring body, so its lists survive; indented command lines
    # become list items, since a bare code block would escape the tests.
    summary = "\n".join(
        f"- `{line.strip()}`" if line.startswith("    ") else line
        for line in rest.strip().split("\n")
    )
    links = ", ".join(
        f"[{page.removesuffix('.md').removesuffix('/index')}]({page})"
        for page in pages
    )
    lines = [
        f"### `{relative}`",
        "",
        title.strip(),
        "",
    ]
    if summary:
        lines += [summary, ""]
    lines += [
        f"- Montré dans\u00a0: {links or 'aucune page'}",
        f"- Lancer\u00a0: `python {relative}`",
        "",
    ]
    for name in _documented_names(tree):
        lines += [
            f"::: {path.stem}.{name}",
            "    options:",
            "      heading_level: 4",
            "      show_root_heading: true",
            "      show_root_full_path: false",
            "",
        ]
    return "\n".join(lines)


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != PAGE:
        return markdown
    if markdown.count(MARKER) != 1:
        raise PluginError(
            f"docs/{PAGE}: expected the marker {MARKER} exactly once"
        )
    docs_dir = Path(config["docs_dir"])
    root = docs_dir.parent
    pages = _including_pages(docs_dir)
    entries = [
        _entry(path, root, pages.get(path.relative_to(root).as_posix(), []))
        for path in sorted((root / "snippets").rglob("*.py"))
    ]
    return markdown.replace(MARKER, "\n\n".join(entries))
