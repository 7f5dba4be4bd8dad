"""The printable answer key fits on one A4 page."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_answer_key_prints_on_one_page(browser, site_url, tmp_path):
    page = browser.new_page()
    try:
        page.goto(site_url + "partie-1/corrige/")
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4")
    finally:
        page.close()

    # Each page of a PDF is one `/Type /Page` object (not `/Pages`).
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, (
        f"partie-1/corrige prints on {pages} A4 pages; shorten the `resume` "
        "lines of the question pages or adjust "
        "docs/stylesheets/impression.css"
    )


def test_answer_key_prints_every_answer(browser, site_url):
    page = browser.new_page()
    try:
        page.goto(site_url + "partie-1/corrige/")
        page.emulate_media(media="print")
        rows = page.locator(".corrige table tbody tr")
        assert rows.count() == 20
        for index in range(20):
            assert rows.nth(index).is_visible(), f"row {index + 1} hidden"
    finally:
        page.close()
