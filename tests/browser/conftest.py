"""Fixtures for the browser tests: the built site in a real, offline Chromium.

The site built by `site_dir` is served by `python -m http.server` on
127.0.0.1 and a free port. Debian's Chromium is driven by Playwright with
`executable_path`, so no browser is ever downloaded. Every request to
another host is blocked twice: Chromium resolves no other host name, and a
Playwright route aborts it and records it for the test that made it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import free_port, skip_or_fail
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Route,
)

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]

# The `site_url` of mkdocs.yml, which the built sitemap.xml repeats.
CONFIGURED_SITE_URL = "http://127.0.0.1:8000/"

# Material draws each diagram in a closed shadow root; open them all so that
# the tests can read the SVG. The page's own scripts behave the same.
OPEN_SHADOW_ROOTS = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, { ...init, mode: "open" });
  };
})();
"""

DIAGRAM_BLOCK = re.compile(r'<pre class="mermaid">')

RENDER_TIMEOUT_MS = 60_000

# Bring each waiting block into view, as a reader would (opening the closed
# blocks around it, such as a quiz answer), until Material has replaced every
# `pre.mermaid` with a rendered `div.mermaid`. Returns how many blocks are
# still waiting when the time runs out.
SCROLL_THROUGH_DIAGRAMS = """
async (timeout) => {
  const deadline = performance.now() + timeout;
  const waiting = () => document.querySelectorAll("pre.mermaid");
  while (waiting().length) {
    if (performance.now() > deadline) {
      return waiting().length;
    }
    const block = waiting()[0];
    for (let details = block.closest("details:not([open])"); details;
         details = details.parentElement.closest("details:not([open])")) {
      details.open = true;
    }
    block.scrollIntoView({ block: "center" });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return 0;
}
"""

# One entry per rendered diagram (shadow roots are opened by the fixtures).
DESCRIBE_DIAGRAMS = """
() => [...document.querySelectorAll("div.mermaid")].map((host) => {
  const svg = host.shadowRoot && host.shadowRoot.querySelector("svg");
  if (!svg) {
    return { svg: false };
  }
  const painted = [...svg.querySelectorAll("*")].filter((element) =>
    [...element.childNodes].some(
      (node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim()
    )
  );
  const color = (element) => element instanceof SVGElement
    ? getComputedStyle(element).fill
    : getComputedStyle(element).color;
  return {
    svg: true,
    type: svg.getAttribute("aria-roledescription"),
    naturalWidth: svg.viewBox.baseVal.width,
    renderedWidth: svg.getBoundingClientRect().width,
    textColors: painted.map(color),
    scrollable: host.scrollWidth > host.clientWidth,
    focusable: host.tabIndex >= 0,
  };
})
"""


# --- Chromium ---------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium (pytest-playwright's `browser` uses this)."""
    if not CHROMIUM.is_file():
        skip_or_fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium) or set CHROMIUM_PATH; the browser "
            "tests never download a browser"
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


# --- The served site --------------------------------------------------------


def _wait_until_served(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"http.server exited with code {server.returncode} before "
                f"serving {url}"
            )
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise TimeoutError(f"http.server did not answer on {url} within 15 s")


@pytest.fixture(scope="session")
def site_url(site_dir) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 and return its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(site_dir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_served(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@dataclass(frozen=True)
class SitePage:
    """One HTML page of the built site."""

    path: str
    """Path from the site root: `""`, `partie-1/q08/`, `404.html`."""
    file: Path
    """The built HTML file."""
    diagrams: int
    """Number of Mermaid blocks in the built HTML."""

    @property
    def is_question(self) -> bool:
        return re.fullmatch(r"partie-1/q\d\d/", self.path) is not None


@pytest.fixture(scope="session")
def site_pages(site_dir) -> list[SitePage]:
    """Every HTML page of the built site, in path order."""
    pages = []
    for file in sorted(site_dir.rglob("*.html")):
        relative = file.relative_to(site_dir).as_posix()
        if relative == "index.html":
            path = ""
        elif relative.endswith("/index.html"):
            path = relative.removesuffix("index.html")
        else:
            path = relative
        html = file.read_text(encoding="utf-8")
        pages.append(SitePage(path, file, len(DIAGRAM_BLOCK.findall(html))))
    assert pages, f"the built site in {site_dir} has no HTML page"
    return pages


# --- Offline browsing ------------------------------------------------------


@dataclass
class PageLog:
    """What one visit did that a test may reject."""

    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [
            *(f"request to another host: {u}" for u in self.external_requests),
            *(f"console error: {text}" for text in self.console_errors),
        ]


class OfflineSite:
    """One browser context on the served site, with nothing else reachable.

    `visit()` loads pages one after another in the same tab, which is much
    faster than a new tab per page, and returns what each visit did.

    The built sitemap lists pages under `CONFIGURED_SITE_URL`, and Material
    navigates instantly only to pages listed there. The tests serve the site
    on another port, so the sitemap is rewritten on the fly to name the
    served address, as a deployment with a matching `site_url` would.
    """

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.log = PageLog()
        origin = re.escape(urlsplit(base_url).netloc + "/")
        context.add_init_script(OPEN_SHADOW_ROOTS)
        context.route(re.compile(rf"^https?://(?!{origin})"), self._block)
        context.route(f"{base_url}sitemap.xml", self._rewrite_sitemap)
        self.page = context.new_page()
        self.page.on(
            "request", lambda request: self.log.requests.append(request.url)
        )
        self.page.on("console", self._console)
        self.page.on(
            "pageerror",
            lambda error: self.log.console_errors.append(str(error)),
        )

    def _block(self, route: Route) -> None:
        self.log.external_requests.append(route.request.url)
        route.abort("blockedbyclient")

    def _rewrite_sitemap(self, route: Route) -> None:
        response = route.fetch()
        body = response.text().replace(CONFIGURED_SITE_URL, self.base_url)
        route.fulfill(response=response, body=body)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.log.console_errors.append(message.text)

    def visit(self, path: str, *, wait_until: str = "load") -> PageLog:
        """Load `path` in the tab and record what it does from then on."""
        self.log = PageLog()
        self.page.goto(self.base_url + path, wait_until=wait_until)
        return self.log

    def render_diagrams(self) -> int:
        """Scroll through the page until every diagram is drawn.

        Returns how many blocks still wait when the time runs out.
        """
        return self.page.evaluate(SCROLL_THROUGH_DIAGRAMS, RENDER_TIMEOUT_MS)

    def describe_diagrams(self) -> list[dict]:
        """Describe each rendered diagram (see DESCRIBE_DIAGRAMS)."""
        return self.page.evaluate(DESCRIBE_DIAGRAMS)


@pytest.fixture
def new_offline_site(browser: Browser, site_url: str):
    """Return a function that opens a French context with the given options."""
    contexts: list[BrowserContext] = []

    def make(**options) -> OfflineSite:
        context = browser.new_context(locale="fr-FR", **options)
        contexts.append(context)
        return OfflineSite(context, site_url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def offline_site(new_offline_site) -> OfflineSite:
    """A French, light-scheme, desktop-sized context on the served site."""
    return new_offline_site(color_scheme="light")
