"""Mermaid diagrams: drawn offline, after instant navigation, in both palettes.

Diagrams render lazily (docs/js/diagram-loader.js), so each test scrolls
through the page as a reader would before it inspects the SVG.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

# docs/js/diagram-loader.js never draws a diagram below 75 % of its natural
# size; 0.74 leaves room for rounding to whole pixels.
MINIMUM_SCALE = 0.74


def diagram_pages(site_pages):
    pages = [page for page in site_pages if page.diagrams]
    assert pages, (
        'no built page contains a Mermaid diagram (<pre class="mermaid">), '
        "so the diagram checks have nothing to check; the essays of "
        "partie-2 and partie-3 are expected to have some"
    )
    return pages


def render_and_check(site, page) -> tuple[list[str], list[dict]]:
    """Render every diagram of `page`; return the failures and the diagrams."""
    failures = []
    log = site.visit(page.path)
    waiting = site.render_diagrams()
    if waiting:
        failures.append(
            f"/{page.path}: {waiting} of {page.diagrams} diagram(s) still "
            "not drawn after scrolling to each of them"
        )
    diagrams = site.describe_diagrams()
    for number, diagram in enumerate(diagrams, start=1):
        if not diagram["svg"]:
            failures.append(f"/{page.path}: diagram {number} has no SVG")
        elif diagram["type"] == "error":
            failures.append(
                f"/{page.path}: diagram {number} is Mermaid's syntax-error "
                "picture; fix the diagram source"
            )
    if len(diagrams) != page.diagrams:
        failures.append(
            f"/{page.path}: {len(diagrams)} diagram(s) drawn, "
            f"{page.diagrams} in the HTML"
        )
    failures += [f"/{page.path}: {problem}" for problem in log.problems()]
    return failures, diagrams


def test_diagrams_render_on_desktop_in_light_palette(
    new_offline_site, site_pages
):
    site = new_offline_site(color_scheme="light", viewport=DESKTOP)
    failures = []
    for page in diagram_pages(site_pages):
        page_failures, _ = render_and_check(site, page)
        failures += page_failures
    assert not failures, "\n".join(failures)


def test_diagrams_stay_legible_on_phone_in_dark_palette(
    new_offline_site, site_pages
):
    light = new_offline_site(color_scheme="light", viewport=PHONE)
    dark = new_offline_site(color_scheme="dark", viewport=PHONE)
    failures = []
    for page in diagram_pages(site_pages):
        light_failures, light_diagrams = render_and_check(light, page)
        dark_failures, dark_diagrams = render_and_check(dark, page)
        failures += light_failures + dark_failures

        page_width = dark.page.evaluate("document.documentElement.scrollWidth")
        if page_width > PHONE["width"]:
            failures.append(
                f"/{page.path}: the page is {page_width} px wide on a "
                f"{PHONE['width']} px phone; a diagram must scroll inside "
                "its own block (stylesheets/extra.css)"
            )

        pairs = zip(light_diagrams, dark_diagrams, strict=False)
        for number, (in_light, in_dark) in enumerate(pairs, start=1):
            if not (in_light["svg"] and in_dark["svg"]):
                continue
            scale = in_dark["renderedWidth"] / in_dark["naturalWidth"]
            if scale < MINIMUM_SCALE:
                failures.append(
                    f"/{page.path}: diagram {number} is drawn at "
                    f"{scale:.0%} of its size on a phone; its text is "
                    "too small (docs/js/diagram-loader.js keeps 75 %)"
                )
            if in_dark["scrollable"] and not in_dark["focusable"]:
                failures.append(
                    f"/{page.path}: diagram {number} scrolls sideways but "
                    "cannot take keyboard focus"
                )
            if set(in_light["textColors"]) == set(in_dark["textColors"]):
                failures.append(
                    f"/{page.path}: diagram {number} has the same text "
                    f"colours in both palettes ({in_dark['textColors'][:3]}"
                    "…); diagrams must follow the light and dark palettes"
                )
    assert not failures, "\n".join(failures)


def test_diagrams_render_after_instant_navigation(offline_site, site_pages):
    target = diagram_pages(site_pages)[0]
    # Material intercepts clicks only once it has read the sitemap.
    offline_site.visit("", wait_until="networkidle")
    page = offline_site.page
    page.evaluate("window.__sameDocument = true")

    target_url = offline_site.base_url + target.path
    clicked = page.evaluate(
        """(url) => {
          const link = [...document.querySelectorAll("a[href]")]
            .find((a) => a.href === url);
          if (link) { link.click(); }
          return Boolean(link);
        }""",
        target_url,
    )
    assert clicked, (
        f"the home page has no link to /{target.path}; the navigation "
        "should list every page"
    )
    # The URL changes first; the new content follows once fetched.
    page.wait_for_url(target_url)
    title = BeautifulSoup(target.file.read_text("utf-8"), "html.parser").title
    page.wait_for_function(
        "(title) => document.title === title", arg=title.text
    )
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.__sameDocument === true"), (
        f"clicking a link to /{target.path} reloaded the whole page: "
        "Material's instant navigation did not take over (check "
        "`navigation.instant` and `site_url` in mkdocs.yml)"
    )
    waiting = offline_site.render_diagrams()
    assert waiting == 0, (
        f"/{target.path} reached by instant navigation: {waiting} "
        "diagram(s) never drawn"
    )
    drawn = [d for d in offline_site.describe_diagrams() if d["svg"]]
    assert len(drawn) == target.diagrams, (
        f"/{target.path} reached by instant navigation: {len(drawn)} of "
        f"{target.diagrams} diagram(s) drawn as SVG"
    )
    assert not offline_site.log.problems(), (
        f"/{target.path} reached by instant navigation: "
        + "; ".join(offline_site.log.problems())
    )
