"""Every built page in Chromium: offline, quiet, Mermaid only if needed."""

from __future__ import annotations

import subprocess
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import REPO_ROOT

MERMAID_BUILD = "/js/mermaid.min.js"

# Attributes through which a page makes the browser fetch something.
# `<link rel="canonical">` and plain links are not fetched.
FETCHED = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
}
FETCHED_LINK_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "modulepreload",
    "prefetch",
    "manifest",
    "apple-touch-icon",
}


def fetched_urls(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    urls = []
    for tag, attribute in FETCHED.items():
        urls += [
            element[attribute]
            for element in soup.find_all(tag)
            if element.get(attribute)
        ]
    for link in soup.find_all("link", href=True):
        if FETCHED_LINK_RELS & set(link.get("rel", [])):
            urls.append(link["href"])
    return urls


def test_mermaid_build_matches_its_record(site_dir):
    completed = subprocess.run(
        ["bash", "scripts/update_mermaid.sh", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert (site_dir / "js" / "LICENSE-mermaid.txt").is_file(), (
        "the site publishes mermaid.min.js without its licence notice; keep "
        "docs/js/LICENSE-mermaid.txt"
    )


def test_built_pages_reference_no_other_host(site_pages):
    failures = []
    for page in site_pages:
        html = page.file.read_text(encoding="utf-8")
        for url in fetched_urls(html):
            if urlsplit(url).netloc:
                failures.append(
                    f"/{page.path}: loads from another host: {url}"
                )
    assert not failures, "\n".join(failures)


def test_built_pages_load_mermaid_lazily(site_pages):
    failures = []
    for page in site_pages:
        html = page.file.read_text(encoding="utf-8")
        if "mermaid.min.js" in html:
            failures.append(
                f"/{page.path}: names mermaid.min.js in its HTML; only "
                "js/diagram-loader.js may load it (see "
                "scripts/hooks/mermaid_loader.py)"
            )
        if "js/diagram-loader.js" not in html:
            failures.append(
                f"/{page.path}: has no js/diagram-loader.js; without it "
                "Material fetches Mermaid from a CDN. Keep it in "
                "`extra_javascript` of mkdocs.yml"
            )
    assert not failures, "\n".join(failures)


@pytest.mark.browser
def test_pages_load_offline_without_errors(offline_site, site_pages):
    failures = []
    for site_page in site_pages:
        log = offline_site.visit(site_page.path)
        # Scroll to the end, as a reader would, so that lazy parts load.
        offline_site.page.evaluate(
            "window.scrollTo(0, document.body.scrollHeight)"
        )
        offline_site.page.wait_for_timeout(200)
        for problem in log.problems():
            failures.append(f"/{site_page.path}: {problem}")
        mermaid = [url for url in log.requests if url.endswith(MERMAID_BUILD)]
        if mermaid and not site_page.diagrams:
            failures.append(
                f"/{site_page.path}: downloaded mermaid.min.js but has no "
                "diagram"
            )
    assert not failures, "\n".join(failures)
