"""MkDocs hook: give the verbatim exam statement a valid heading outline.

`docs/enonce.md` is a byte-for-byte copy of the exam (a test compares it
with the original). The exam uses a level-1 heading for each part and jumps
to level 4 in its grading grid, which screen readers report as a broken
outline. This hook shifts the levels at render time only: the first
heading stays the page title, the other level-1 headings become level 2,
and level-4 headings become level 3.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

PAGE = "enonce.md"
HEADING = re.compile(r"^(#{1,6}) ", re.MULTILINE)
NEW_LEVEL = {1: 2, 4: 3}


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != PAGE:
        return markdown
    headings = list(HEADING.finditer(markdown))
    if not headings or len(headings[0].group(1)) != 1:
        raise PluginError(
            f"docs/{PAGE}: expected the exam to start with a level-1 title"
        )

    def shift(match: re.Match) -> str:
        if match.start() == headings[0].start():
            return match.group(0)
        level = len(match.group(1))
        if level not in NEW_LEVEL:
            line = markdown.count("\n", 0, match.start()) + 1
            raise PluginError(
                f"docs/{PAGE}:{line}: unexpected level-{level} heading; "
                f"extend NEW_LEVEL in scripts/hooks/enonce.py"
            )
        return "#" * NEW_LEVEL[level] + " "

    return HEADING.sub(shift, markdown)
