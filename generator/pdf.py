"""Stage 5, print: the print rendering of an edition → PDF bytes, through WeasyPrint.

Imported only when a PDF is made: `import weasyprint` costs about 0.4 s, which `check` and
HTML-only builds never pay.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .errors import RenderError
from .render import Page

FONTS = Path(str(resources.files("generator") / "fonts"))


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str | None
    lang: str


class _Fetcher(URLFetcher):  # type: ignore[misc]
    """Serves only the bundled fonts: a document never makes WeasyPrint read a file or the net."""

    def __init__(self) -> None:
        super().__init__(allow_redirects=False, fail_on_errors=True)

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.parent == FONTS.resolve() and path.suffix == ".ttf" and path.is_file():
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/ttf"})
        raise ValueError(f"resource refused: {url}")


@cache
def _fonts() -> FontConfiguration:
    # One per process: sharing it across documents saves 5-7 % of the time per document.
    return FontConfiguration()


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


MAX_LAYOUTS = 4


def write_pdf(make_page: Callable[[frozenset[int]], Page]) -> tuple[bytes, list[str]]:
    """The PDF, and what WeasyPrint warned about while making it.

    WeasyPrint sometimes floats a footnote to the page after its call, when the note does not
    fit under the call's line. After each layout the pages' anchors say where every call and
    note stand; a paragraph holding a misplaced call is then kept whole, and laid out again.
    """
    fonts = _fonts()
    capture = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(capture)
    keep: frozenset[int] = frozenset()
    try:
        base = FONTS.as_uri() + "/"
        for _ in range(MAX_LAYOUTS):
            page = make_page(keep)
            css = weasyprint.CSS(string=page.print_css, base_url=base, font_config=fonts,
                                 url_fetcher=_Fetcher())
            html = weasyprint.HTML(string=page.html, base_url=base, url_fetcher=_Fetcher())
            document = html.render(stylesheets=[css], font_config=fonts)
            misplaced = misplaced_footnotes(document)
            if not misplaced or misplaced <= keep:
                break
            keep |= misplaced
        data = document.write_pdf()
    except FatalURLFetchingError as e:  # a BaseException: `except Exception` would miss it
        raise RenderError(f"{e}: {e.__cause__}") from e
    except Exception as e:
        raise RenderError(f"the PDF engine failed: {type(e).__name__}: {e}") from e
    finally:
        logger.removeHandler(capture)
    warnings = capture.messages + [f"footnote {n} is printed on another page than its call"
                                   for n in sorted(misplaced)]
    return bytes(data), warnings


def misplaced_footnotes(document: Any) -> frozenset[int]:
    """Numbers of the footnotes whose note is not on the page of its call."""
    page_of: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            page_of[anchor] = number
    return frozenset(int(name[len("fnref-"):]) for name, page in page_of.items()
                     if name.startswith("fnref-") and page_of.get("fn-" + name[len("fnref-"):]) != page)
