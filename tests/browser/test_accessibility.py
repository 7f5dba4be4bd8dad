"""axe-core on every page: no violation, light on desktop, dark on a phone.

axe-core comes with the `axe-playwright-python` package. Diagrams are drawn
before the check, so that their labels are checked too (the fixtures open
Material's shadow roots, which axe then enters).
"""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")

# Lighthouse's desktop and mobile screens: some rules (target-size) depend
# on the layout, which changes with the width.
DESKTOP = {"width": 1350, "height": 940}
PHONE = {"width": 412, "height": 823}
RUN_AXE = "axe.run(document, { resultTypes: ['violations'] })"


def describe(violation: dict) -> str:
    targets = [
        " ".join(map(str, node["target"])) for node in violation["nodes"][:3]
    ]
    more = len(violation["nodes"]) - len(targets)
    suffix = f" and {more} more" if more > 0 else ""
    return (
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"at {targets}{suffix}"
    )


# Each combination runs in two halves of the site, so that parallel test
# workers share the slowest test of the suite.
@pytest.mark.parametrize(
    ("scheme", "viewport", "half"),
    [
        ("light", DESKTOP, 0),
        ("light", DESKTOP, 1),
        ("dark", PHONE, 0),
        ("dark", PHONE, 1),
    ],
    ids=["light-desktop-1", "light-desktop-2", "dark-phone-1", "dark-phone-2"],
)
def test_pages_have_no_axe_violation(
    new_offline_site, site_pages, scheme, viewport, half
):
    site = new_offline_site(color_scheme=scheme, viewport=viewport)
    site.context.add_init_script(path=AXE_SCRIPT)
    failures = []
    for page in site_pages[half::2]:
        site.visit(page.path)
        if page.diagrams and site.render_diagrams():
            failures.append(f"/{page.path}: diagrams not drawn, not checked")
        results = site.page.evaluate(RUN_AXE)
        for violation in results["violations"]:
            failures.append(f"/{page.path}: {describe(violation)}")
    assert not failures, (
        f"{scheme} palette, {viewport['width']} px wide:\n"
        + "\n".join(failures)
    )
