"""Check, and optionally fix, French typography in the Markdown sources.

Rules, applied to prose only (code blocks, inline code, URLs, HTML tags,
include lines and block options are skipped):

* a non-breaking space (U+00A0 or the narrow U+202F) before `:`, `;`, `!`
  and `?`, never an ordinary space or no space;
* a non-breaking space after « and before »;
* the typographic apostrophe ’ between letters, not the straight '.

Usage:
    python scripts/check_typography.py [--fix] PATH...

Each problem is printed as `file:line:column: problem. fix`, and the exit
status is 1 when a problem remains. `--fix` rewrites the files in place
with U+00A0 before `:` and inside « », and U+202F before `; ! ?`.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
NON_BREAKING = NBSP + NARROW_NBSP

# Files quoted verbatim from elsewhere, whose typography is not ours to fix.
EXEMPT_FILES = {
    "docs/enonce.md": "the exam statement, reproduced exactly as given",
}

# Spans that are not prose: replaced by a neutral filler before checking.
NON_PROSE = re.compile(
    r"`[^`]*`"  # inline code
    r"|\]\([^)]*\)"  # link target
    r"|<[^>\n]*>"  # HTML tag or autolink
    r"|https?://\S+"  # bare URL
    r"|\{[#.:][^}]*\}"  # attribute list
    r"|\{\s*#[^}]*\}"
)
SKIPPED_LINE = re.compile(
    r"^\s*(?:--8<--|///|\|?\s*:?-{3,}|\*\[[^\]]+\]:|    (?:type|attrs|open):)"
)
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def mask(line: str) -> str:
    """Replace non-prose spans with 'x' so columns stay aligned."""
    return NON_PROSE.sub(lambda m: "x" * len(m.group(0)), line)


def prose_lines(text: str):
    """Yield (line number, line) for every prose line of a Markdown file."""
    in_fence = None
    in_front_matter = False
    for number, line in enumerate(text.split("\n"), start=1):
        if number == 1 and line == "---":
            in_front_matter = True
            continue
        if in_front_matter:
            if line == "---":
                in_front_matter = False
                continue
            # Only the values shown to readers are prose.
            key, _, value = line.partition(":")
            yield number, " " * (len(key) + 1) + value
            continue
        fence = FENCE.match(line)
        if in_fence:
            if (
                fence
                and fence.group(1)[0] == in_fence[0]
                and len(fence.group(1)) >= len(in_fence)
            ):
                in_fence = None
            continue
        if fence:
            in_fence = fence.group(1)
            continue
        if SKIPPED_LINE.match(line):
            continue
        yield number, line


def find_problems(
    path: Path, text: str
) -> list[tuple[int, int, int, str, str]]:
    """Return (line, start, end, message, replacement) for each problem.

    `start` and `end` are 0-based offsets in the original line: `--fix`
    replaces line[start:end] with the replacement.
    """
    problems = []

    def report(number, start, end, message, replacement):
        problems.append((number, start, end, message, replacement))

    for number, line in prose_lines(text):
        masked = mask(line)
        for index, char in enumerate(masked):
            before = masked[index - 1] if index else ""
            after = masked[index + 1] if index + 1 < len(masked) else ""
            if char in ":;!?":
                # Only punctuation that ends a word: skip "16:9" or "!=".
                if after not in ("", " ", NBSP, NARROW_NBSP, "*", "»", ")"):
                    continue
                expected_space = NBSP if char == ":" else NARROW_NBSP
                if before == " ":
                    report(
                        number,
                        index - 1,
                        index,
                        f"ordinary space before '{char}'",
                        expected_space,
                    )
                elif before and (before.isalnum() or before in "*)»’_."):
                    report(
                        number,
                        index,
                        index,
                        f"no space before '{char}'",
                        expected_space,
                    )
            elif char == "«":
                if after == " ":
                    report(
                        number,
                        index + 1,
                        index + 2,
                        "ordinary space after '«'",
                        NBSP,
                    )
                elif after and after not in NON_BREAKING:
                    report(
                        number,
                        index + 1,
                        index + 1,
                        "no space after '«'",
                        NBSP,
                    )
            elif char == "»":
                if before == " ":
                    report(
                        number,
                        index - 1,
                        index,
                        "ordinary space before '»'",
                        NBSP,
                    )
                elif before and before not in NON_BREAKING:
                    report(number, index, index, "no space before '»'", NBSP)
            elif char == "'" and before.isalpha() and after.isalpha():
                report(number, index, index + 1, "straight apostrophe", "’")
    return problems


def fix_text(text: str, problems) -> str:
    """Apply the replacements of `find_problems` to the text."""
    lines = text.split("\n")
    # Apply from the right so the offsets of earlier problems stay valid.
    for number, start, end, _message, replacement in sorted(
        problems, key=lambda p: (p[0], p[1]), reverse=True
    ):
        line = lines[number - 1]
        lines[number - 1] = line[:start] + replacement + line[end:]
    return "\n".join(lines)


def markdown_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.md")))
        elif path.suffix == ".md":
            files.append(path)
        else:
            raise SystemExit(f"{path}: not a Markdown file or folder")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument(
        "--fix", action="store_true", help="rewrite the files in place"
    )
    args = parser.parse_args(argv)

    remaining = 0
    for path in markdown_files(args.paths):
        relative = path.resolve().relative_to(Path.cwd().resolve())
        if str(relative) in EXEMPT_FILES:
            continue
        text = path.read_text(encoding="utf-8")
        problems = find_problems(path, text)
        if args.fix and problems:
            path.write_text(fix_text(text, problems), encoding="utf-8")
            problems = find_problems(path, path.read_text(encoding="utf-8"))
        for number, start, _end, message, _replacement in problems:
            print(
                f"{relative}:{number}:{start + 1}: {message}. Use a "
                "non-breaking space (U+00A0, or U+202F before ; ! ?) and ’, "
                "or run scripts/check_typography.py --fix"
            )
        remaining += len(problems)
    return 1 if remaining else 0


if __name__ == "__main__":
    sys.exit(main())
