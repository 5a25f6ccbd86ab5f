"""The web edition as Chromium lays it out: at desktop and phone widths, in every language of
the first document, each block's heading stands above its content and nothing makes the page
scroll sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from .browser import chromium_page
from .conftest import Edition

WIDTHS = [1280, 390]  # a desktop window; a phone held upright


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_headings_stand_above_their_blocks_and_nothing_scrolls_sideways(
        first_document: dict[str, Edition], tmp_path: Path, lang: str, width: int) -> None:
    page_file = tmp_path / f"first.{lang}.html"
    page_file.write_text(first_document[lang].html, "utf-8")
    with chromium_page(tmp_path / "profile", width) as (page, _):
        page.goto(page_file.as_uri())
        sections = page.locator("main section:has(> h2)")
        assert sections.count() >= 5
        kinds = set()
        for i in range(sections.count()):
            section = sections.nth(i)
            kinds.add(section.get_attribute("class"))
            heading = section.locator("> h2").bounding_box()
            content = section.locator("> :not(h2)").first.bounding_box()
            assert heading is not None and content is not None
            # Below the heading, flush with it: not beside it, as a grid or flex row would put it.
            assert content["y"] >= heading["y"] + heading["height"], (section.get_attribute("id"),
                                                                      heading, content)
            assert content["x"] == pytest.approx(heading["x"], abs=1)
        assert {"block facts", "block chronology", "block text"} <= kinds
        # The widest thing on the page fits the window.
        widest = page.locator("html").evaluate("html => html.scrollWidth")
        assert widest <= width, f"{widest} px wide at {width} px"
