"""The built site: strict build, stable URLs, nothing from another host."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import DOCS_DIR, REPO_ROOT

PUBLISHED_URLS = REPO_ROOT / "tests" / "published-urls.txt"
ABBREVIATIONS = REPO_ROOT / "includes" / "abbreviations.md"
PLACEHOLDERS = re.compile(r"À RÉDIGER|TODO|FIXME|(?i:lorem ipsum)")


def published_lines(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def html_pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


@pytest.mark.parametrize(
    "url", published_lines(PUBLISHED_URLS.read_text(encoding="utf-8"))
)
def test_published_url_exists(url, site_dir):
    path, _, anchor = url.partition("#")
    page = site_dir / path.strip("/") / "index.html"
    assert page.exists(), (
        f"{url} is published (tests/published-urls.txt) but the build has no "
        f"{page.relative_to(site_dir)}; restore the page or a redirect"
    )
    if anchor:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.find(id=anchor), (
            f"{url}: anchor #{anchor} is published but missing from the page"
        )


def test_published_urls_only_grow():
    log = subprocess.run(
        ["git", "log", "--format=%H", "--", str(PUBLISHED_URLS)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if log.returncode != 0:
        pytest.skip("not a git checkout: the history of the list is unknown")
    current = set(published_lines(PUBLISHED_URLS.read_text(encoding="utf-8")))
    for commit in log.stdout.split():
        old = subprocess.run(
            ["git", "show", f"{commit}:tests/published-urls.txt"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        removed = set(published_lines(old)) - current
        assert not removed, (
            f"tests/published-urls.txt lost {sorted(removed)} since "
            f"{commit[:10]}; published URLs may never be removed"
        )


def test_every_nav_page_is_published(site_dir):
    config = yaml.load(
        (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"),
        Loader=yaml.BaseLoader,
    )
    published = {
        line.partition("#")[0]
        for line in published_lines(PUBLISHED_URLS.read_text(encoding="utf-8"))
    }

    def pages(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from pages(value)
        elif isinstance(node, list):
            for item in node:
                yield from pages(item)

    for source in pages(config["nav"]):
        url = "/" + re.sub(r"(index)?\.md$", "", source)
        url = url if url.endswith("/") else url + "/"
        assert url in published, (
            f"{source} is in the nav but {url} is not in "
            "tests/published-urls.txt; add it there"
        )


def test_pages_load_nothing_from_other_hosts(site_dir):
    problems = []
    for page in html_pages(site_dir):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in (
            ("script", "src"),
            ("link", "href"),
            ("img", "src"),
            ("iframe", "src"),
            ("source", "src"),
        ):
            for element in soup.find_all(tag):
                value = element.get(attribute)
                if (
                    tag == "link"
                    and "stylesheet" not in element.get("rel", [])
                    and "preconnect" not in element.get("rel", [])
                ):
                    continue
                if value and urlparse(value).netloc:
                    problems.append(
                        f"{page.relative_to(site_dir)}: <{tag}> {value}"
                    )
        for style in soup.find_all("style"):
            if re.search(r"@import|url\(\s*['\"]?https?:", style.text):
                problems.append(f"{page.relative_to(site_dir)}: <style> URL")
    assert not problems, "pages load resources from other hosts:\n" + (
        "\n".join(problems)
    )


def test_stylesheets_load_no_web_fonts(site_dir):
    for stylesheet in site_dir.rglob("*.css"):
        text = stylesheet.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"url\(\s*['\"]?https?://", text), (
            f"{stylesheet.relative_to(site_dir)} loads a remote resource"
        )


def test_no_placeholder_text():
    for path in sorted(DOCS_DIR.rglob("*.md")) + sorted(
        (REPO_ROOT / "snippets").rglob("*")
    ):
        if path.is_dir() or path.suffix not in {".md", ".py", ".out", ".sh"}:
            continue
        for number, line in enumerate(
            path.read_text(encoding="utf-8").splitlines(), start=1
        ):
            assert not PLACEHOLDERS.search(line), (
                f"{path.relative_to(REPO_ROOT)}:{number}: placeholder text "
                f"{line.strip()[:60]!r}; write the content"
            )


def test_abbreviations_listed_in_glossary():
    definitions = re.findall(
        r"^\*\[([^\]]+)\]:\s*(.+)$",
        ABBREVIATIONS.read_text(encoding="utf-8"),
        re.M,
    )
    glossary = (DOCS_DIR / "glossaire.md").read_text(encoding="utf-8")
    listed = re.findall(
        r"^- \*\*([^*]+)\*\*[ \u00a0]:[ \u00a0](.+)$", glossary, re.M
    )
    normalize = lambda text: re.sub(r"[ \u00a0\u202f]+", " ", text)  # noqa: E731
    assert [(a, normalize(d)) for a, d in listed] == [
        (a, normalize(d)) for a, d in definitions
    ], (
        "docs/glossaire.md must list every abbreviation of "
        "includes/abbreviations.md with its expansion, in the same order"
    )


def test_abbreviations_explained_on_every_page(site_dir):
    for page in html_pages(site_dir):
        if page.parent.name in {"404"} or page.name != "index.html":
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article")
        if article and "MLOps" in article.get_text():
            assert article.find(
                "abbr", title=re.compile("^Machine Learning")
            ), (
                f"{page.relative_to(site_dir)} shows MLOps without its "
                "abbreviation; is includes/abbreviations.md auto-appended?"
            )


def test_site_metadata(site_dir):
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html.get("lang") == "fr"
    description = soup.find("meta", attrs={"name": "description"})
    assert description and description.get("content"), "site_description"
    assert "Made with" not in html, "extra.generator must be false"
