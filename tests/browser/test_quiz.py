"""The answer block of each question page, as a student uses it.

Each page `partie-1/qNN/` hides its answer in `<details id="reponse">`. The
student opens it with the mouse or the keyboard, a link ending in
`#reponse` opens it, and it stays reachable without JavaScript and on paper.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ANSWER = "details#reponse"
SUMMARY = "details#reponse > summary"
# The hook inserts « Réponse : x) … » as the first paragraph of the block.
ANSWER_TEXT = "details#reponse > p:first-of-type"


def question_pages(site_pages):
    pages = [page for page in site_pages if page.is_question]
    assert len(pages) == 20, (
        f"expected the 20 pages partie-1/q01/ to q20/, found {len(pages)}"
    )
    return pages


def is_open(page) -> bool:
    return page.eval_on_selector(ANSWER, "details => details.open")


def check_closed_then_opened(page, path: str, how: str, open_it) -> list[str]:
    if page.locator(ANSWER).count() != 1:
        return [f"/{path}: no single {ANSWER} block"]
    failures = []
    if is_open(page):
        failures.append(f"/{path}: the answer is open before any {how}")
    if page.locator(ANSWER_TEXT).is_visible():
        failures.append(f"/{path}: the answer shows before any {how}")
    open_it()
    if not is_open(page):
        failures.append(f"/{path}: the answer does not open with {how}")
    elif not page.locator(ANSWER_TEXT).is_visible():
        failures.append(
            f"/{path}: the answer opened with {how} but its "
            "text is not visible"
        )
    return failures


def test_answer_opens_with_click_and_keyboard(offline_site, site_pages):
    page = offline_site.page
    failures = []
    for question in question_pages(site_pages):
        offline_site.visit(question.path)
        failures += check_closed_then_opened(
            page,
            question.path,
            "a click",
            lambda: page.click(SUMMARY),
        )

        offline_site.visit(question.path)

        def press_enter():
            page.focus(SUMMARY)
            page.keyboard.press("Enter")

        failures += check_closed_then_opened(
            page,
            question.path,
            "the keyboard (Enter on the summary)",
            press_enter,
        )
        focused = page.evaluate(
            "document.activeElement.matches('details#reponse > summary')"
        )
        if not focused:
            failures.append(f"/{question.path}: the summary takes no focus")
    assert not failures, "\n".join(failures)


def test_answer_opens_from_reponse_link(offline_site, site_pages):
    failures = []
    # Each visit changes the path, so `#reponse` arrives with a full load.
    for question in question_pages(site_pages):
        offline_site.visit(f"{question.path}#reponse")
        page = offline_site.page
        if page.locator(ANSWER).count() != 1:
            failures.append(f"/{question.path}: no single {ANSWER} block")
            continue
        page.wait_for_timeout(100)  # Material opens it once it has mounted
        if not is_open(page):
            failures.append(
                f"/{question.path}#reponse: the answer stays closed"
            )
        elif not page.locator(ANSWER_TEXT).is_visible():
            failures.append(
                f"/{question.path}#reponse: the answer is open but hidden"
            )
    assert not failures, "\n".join(failures)


def test_answer_reachable_without_javascript(new_offline_site, site_pages):
    site = new_offline_site(java_script_enabled=False)
    page = site.page
    failures = []
    for question in question_pages(site_pages):
        site.visit(question.path)
        failures += check_closed_then_opened(
            page,
            question.path,
            "a click with JavaScript off",
            lambda: page.click(SUMMARY),
        )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_answer_printed(new_offline_site, site_pages, javascript):
    site = new_offline_site(java_script_enabled=javascript)
    site.page.emulate_media(media="print")
    failures = []
    state = "on" if javascript else "off"
    for question in question_pages(site_pages):
        site.visit(question.path)
        if not site.page.locator(ANSWER_TEXT).is_visible():
            failures.append(
                f"/{question.path}: the answer is not visible in print "
                f"(emulated print media, JavaScript {state})"
            )
    assert not failures, "\n".join(failures)
