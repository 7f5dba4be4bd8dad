"""French search: accents optional, answers kept out of the index.

Material reads the search box on key-up, so queries are typed key by key.
"""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import DOCS_DIR

# Each word is searched as written and without its accents: both queries
# must give the same results. « artéfact » is the spelling the site does
# not use, so it checks the other direction.
ACCENTED_WORDS = [
    "déploiement",
    "expérimentation",
    "artéfact",
    "reproductibilité",
    "métrique",
]

TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")
MIN_CHECKED_LENGTH = 40
ELEMENT_ID = re.compile(r"\bid: *([\w-]+)|#([\w-]+)")


def squeeze(text: str) -> str:
    """Drop markup and all white space, so index and page text compare."""
    return SPACE.sub("", TAG.sub("", text))


def excluded_blocks() -> list[tuple[str, str]]:
    """List (page path, element id) of the blocks the sources exclude.

    Material drops the `data-search-exclude` attribute from the built HTML,
    so the excluded blocks are read from the Markdown sources.
    """
    blocks = []
    for source in sorted(DOCS_DIR.rglob("*.md")):
        text = source.read_text(encoding="utf-8")
        for line in text.splitlines():
            if "data-search-exclude" not in line:
                continue
            match = ELEMENT_ID.search(line)
            assert match, (
                f"{source.relative_to(DOCS_DIR.parent)}: a block marked "
                "data-search-exclude has no id, so no test can check that "
                "search leaves it out; give it an id"
            )
            page = source.relative_to(DOCS_DIR).with_suffix("").as_posix()
            page = page.removesuffix("index")
            blocks.append((f"{page}/" if page else "", match[1] or match[2]))
    return blocks


def test_search_index_leaves_out_excluded_blocks(site_dir):
    index = json.loads(
        (site_dir / "search" / "search_index.json").read_text("utf-8")
    )
    indexed = [
        (doc["location"], squeeze(doc["text"])) for doc in index["docs"]
    ]
    blocks = excluded_blocks()
    assert len(blocks) >= 20, (
        f"only {len(blocks)} blocks marked data-search-exclude in docs/; "
        "the 20 answer blocks of partie-1 should be"
    )
    failures = []
    for path, element_id in blocks:
        page = site_dir / path / "index.html"
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        block = soup.find(id=element_id)
        if block is None:
            failures.append(f"/{path}: no element #{element_id} in the page")
            continue
        for paragraph in block.find_all(["p", "li", "td"]):
            text = squeeze(paragraph.get_text())
            if len(text) < MIN_CHECKED_LENGTH:
                continue
            # The same words may be indexed on another page, where they
            # are not excluded: only this page's entries count.
            for location, doc_text in indexed:
                if location.split("#")[0] == path and text in doc_text:
                    failures.append(
                        f"/{path}#{element_id}: excluded from search but "
                        f"indexed under {location}: "
                        f"{paragraph.get_text()[:60]!r}"
                    )
    assert not failures, "\n".join(failures)


def fold(text: str) -> str:
    """Lower-case and drop accents, as the site's search does."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(page, query: str) -> tuple[str, list[str]]:
    """Type `query` in the search box; return the count line and the pages.

    Pages come without `?h=` or `#section`, each once, in result order.
    """
    box = page.locator("input.md-search__input")
    box.click()  # the search box sits in the header on a desktop screen
    box.fill("")
    box.press_sequentially(query, delay=40)
    page.wait_for_function(
        """(query) => {
          const box = document.querySelector("input.md-search__input");
          const meta = document.querySelector(".md-search-result__meta");
          return box.value === query && meta
            && !/Taper|Initialisation/i.test(meta.textContent);
        }""",
        arg=query,
        timeout=15_000,
    )
    page.wait_for_timeout(300)  # the count line is rewritten per key
    count = page.locator(".md-search-result__meta").text_content().strip()
    links = page.eval_on_selector_all(
        ".md-search-result__link", "links => links.map(a => a.href)"
    )
    pages = []
    for link in links:
        path = urlsplit(link).path.lstrip("/")
        if path not in pages:
            pages.append(path)
    return count, pages


def titled_pages(site_dir, word: str) -> set[str]:
    """Pages whose title contains `word`, accents aside."""
    index = json.loads(
        (site_dir / "search" / "search_index.json").read_text("utf-8")
    )
    return {
        doc["location"]
        for doc in index["docs"]
        if "#" not in doc["location"] and fold(word) in fold(doc["title"])
    }


@pytest.mark.browser
def test_search_ignores_accents(offline_site, site_dir):
    offline_site.visit("", wait_until="networkidle")
    page = offline_site.page
    failures = []
    for word in ACCENTED_WORDS:
        count, pages = search(page, word)
        plain_count, plain_pages = search(page, fold(word))
        if not plain_pages:
            failures.append(f"query {fold(word)!r}: no result ({plain_count})")
        if (plain_count, plain_pages) != (count, pages):
            failures.append(
                f"query {fold(word)!r} gives {plain_count} {plain_pages[:4]}, "
                f"but {word!r} gives {count} {pages[:4]}"
            )
        missing = titled_pages(site_dir, word) - set(plain_pages)
        if missing:
            failures.append(
                f"query {fold(word)!r} misses the pages titled with "
                f"{word!r}: {sorted(missing)}"
            )
    assert not failures, "\n".join(failures)
    assert not offline_site.log.problems(), offline_site.log.problems()
