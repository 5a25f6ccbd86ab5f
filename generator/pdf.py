"""Stage 5, print: the print rendering of an edition → PDF bytes, through WeasyPrint.

Imported only when a PDF is made: `import weasyprint` costs about 0.4 s, which `check` and
HTML-only builds never pay.

WeasyPrint sees only the bundled fonts: before it is imported (fontconfig reads its
configuration when WeasyPrint first asks for fonts), FONTCONFIG_FILE names a configuration that
lists the package's font folder and nothing else, so that no system font can stand in for a
missing glyph and the output does not depend on the machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import mimetypes
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib import request
from urllib.parse import unquote, urlparse
from xml.etree.ElementTree import Element, SubElement, tostring
from xml.sax.saxutils import escape as xml_escape

from . import usercache
from .errors import OutputError, RenderError
from .fontset import FONTS, SYSTEM_FONTS
from .output import templates_folder
from .reading import NotAFile, TooLarge, read_capped
from .render import Page


def fontconfig_file() -> Path:
    """A fontconfig configuration that knows the PDF's fonts only, written once per content: the
    bundled folder, and of each system package of SYSTEM_FONTS exactly the faces it names.

    fontconfig lists folders, not files: the package's folder is listed, and a `selectfont`
    accepts only the named files (other files of the folder are rejected by their name) and, in
    those collections, only the named families' faces (Noto CJK's .ttc files also hold the
    Japanese, Korean and traditional Chinese faces, and monospaced ones). Missing files are
    listed all the same: glyphs.py reports a script whose fonts are not installed before layout.

    It lives in the user's cache (or a folder of the user's own in the temporary folder): the
    installed package may be read-only. Its name is a hash of its content, so processes never
    see each other's half-written file, and a package moved elsewhere gets its own.
    """
    base = usercache.folder()
    cache_dir = base / "fontconfig-cache"
    faces = [(family, path) for system in SYSTEM_FONTS for family, path in system.paths()]
    folders = sorted({str(path.parent) for _, path in faces})
    files = sorted({str(path) for _, path in faces})

    def pattern(*elements: tuple[str, str]) -> str:
        return ("      <pattern>"
                + "".join(f'<patelt name="{name}"><string>{xml_escape(value)}</string></patelt>'
                          for name, value in elements)
                + "</pattern>\n")

    config = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
              "<fontconfig>\n"
              f"  <dir>{xml_escape(str(FONTS.resolve()))}</dir>\n"
              + "".join(f"  <dir>{xml_escape(folder)}</dir>\n" for folder in folders)
              + "  <selectfont>\n    <acceptfont>\n"
              + "".join(f"      <glob>{xml_escape(file)}</glob>\n" for file in files)
              + "".join(pattern(("family", family), ("file", str(path))) for family, path in faces)
              + "    </acceptfont>\n    <rejectfont>\n"
              + "".join(f"      <glob>{xml_escape(folder)}/*</glob>\n" for folder in folders)
              + "".join(pattern(("file", file)) for file in files)
              + "    </rejectfont>\n  </selectfont>\n"
              f"  <cachedir>{xml_escape(str(cache_dir))}</cachedir>\n"
              "</fontconfig>\n")
    digest = hashlib.sha256(config.encode()).hexdigest()[:16]
    name = f"fonts-{digest}.conf"
    path = base / name
    try:
        usercache.ready()
        if not path.is_file():
            usercache.write(name, config.encode(), durable=True)  # reused by its name alone
    except usercache.Untrusted as e:
        raise RenderError(f"the cache folder {base} is not a folder of this user's that only they "
                          "can write into: remove it, or set XDG_CACHE_HOME") from e
    except OSError as e:
        raise RenderError(f"cannot make the cache folder {base}: {e.strerror or e}") from e
    except OutputError as e:
        cause = e.__cause__
        raise RenderError(f"cannot write the font configuration {path}: "
                          f"{(cause.strerror or cause) if isinstance(cause, OSError) else e}") from e
    return path


os.environ["FONTCONFIG_FILE"] = str(fontconfig_file())

import weasyprint  # noqa: E402 - FONTCONFIG_FILE must be set first
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

from . import footnote_policy  # noqa: E402

footnote_policy.apply()

FACING_OVER = 4  # pages: a longer document is printed on facing pages
# The date an attachment carries when the edition has none: any fixed date keeps builds
# byte-identical; WeasyPrint would otherwise stamp the time of the build.
FIXED_DATE = dt.datetime(1980, 1, 1)


@dataclass(frozen=True)
class Attachment:
    name: str  # as the PDF lists it
    data: bytes
    description: str


@dataclass(frozen=True)
class Archive:
    """What the PDF carries besides its pages."""

    variant: str | None = None
    attachments: tuple[Attachment, ...] = ()  # embedded by the PDF/A-3 variants only
    date: str | None = None  # the edition's date, ISO 8601 (2014, 2014-05 or 2014-05-16)


# The largest bundled font is 0.7 MB. A resource over the cap is refused before it is read: a
# template's image or a font swapped for a huge or endless file cannot exhaust the memory.
MAX_RESOURCE = 8 * 2**20  # bytes
_MAX_DATA_URL = MAX_RESOURCE * 4 // 3 + 1024  # its base64 text, with room for a media type


@cache
def _roots() -> tuple[Path, ...]:
    """The folders whose files WeasyPrint may read: the bundled fonts and the templates."""
    return (FONTS.resolve(), templates_folder().resolve())


class _Refused(ValueError):
    """A URL the fetcher does not serve; its message names the URL."""


def _shown(url: str) -> str:
    return url if len(url) <= 100 else url[:100] + "…"


def _over_cap(url: str) -> _Refused:
    return _Refused(f"resource refused: {_shown(url)} (over the cap of {MAX_RESOURCE} bytes)")


class _Fetcher(URLFetcher):  # type: ignore[misc]
    """Serves `data:` URLs and the regular files inside the templates and bundled fonts, up to
    MAX_RESOURCE bytes; nothing else: a document never makes WeasyPrint read another file or
    reach the network, and no redirect is followed.

    The paths are resolved first, so a symlink inside those folders that points out of them is
    refused. The bundled fonts (Noto Naskh Arabic among them) are fetched through print.css's
    @font-face; the Noto CJK faces are never fetched: WeasyPrint finds them through fontconfig
    alone (fontconfig_file), by the family names the stylesheet gives.
    """

    def __init__(self) -> None:
        super().__init__(allow_redirects=False, fail_on_errors=True)

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        scheme = parsed.scheme.lower()
        if scheme == "data":
            if len(url) > _MAX_DATA_URL:
                raise _over_cap(url)
            with request.DataHandler().data_open(request.Request(url)) as response:
                return URLFetcherResponse(url, response.read(), dict(response.headers))
        if scheme == "file" and not parsed.netloc:
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(root) for root in _roots()) and path.is_file():
                # Not through a link: the file may have been swapped since it was resolved.
                try:
                    data = read_capped(path, MAX_RESOURCE, follow=False)
                except TooLarge:
                    raise _over_cap(url) from None
                except NotAFile:
                    raise _Refused(f"resource refused: {_shown(url)}") from None
                except OSError as e:
                    raise _Refused(f"resource refused: {_shown(url)} ({e.strerror})") from e
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, data, {"Content-Type": kind})
        raise _Refused(f"resource refused: {_shown(url)}")


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


MAX_LAYOUTS = 8  # each fix may move the pages after it; it takes one or two layouts

# The page count is known only after layout, but it can be guessed from the text's length, so
# that the first layout is made on the right kind of pages: about 2,600 characters a page with
# the footnotes (measured on the first document and the benchmark's corpus; an East Asian
# character is twice as wide). A wrong guess costs one layout more, never other bytes: facing or
# not is still decided by the page count of a layout.
CHARS_PER_PAGE = 2600
_WIDE = re.compile("[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]")
_TAG = re.compile(r"<[^>]*>")


def looks_long(html: str) -> bool:
    """Whether a print rendering probably takes more than FACING_OVER pages."""
    text = _TAG.sub("", html[html.find("<body"):])
    return len(text) + len(_WIDE.findall(text)) > (FACING_OVER + 0.5) * CHARS_PER_PAGE


@dataclass(frozen=True)
class _Stylesheet:
    css: Any  # weasyprint.CSS
    warnings: tuple[str, ...]  # what WeasyPrint said while parsing it


_STYLESHEETS: dict[str, _Stylesheet] = {}
MAX_STYLESHEETS = 16  # a build has a few: one per template, paper, language and page kind


def _stylesheet(text: str) -> _Stylesheet:
    """The parsed print stylesheet, once per process: parsing it loads its @font-face fonts.

    Its parsing warnings are kept with it and said again by every PDF that uses it, so that a
    PDF's warnings (and --strict) do not depend on which document a worker built first.
    """
    found = _STYLESHEETS.get(text)
    if found is None:
        capture = _Capture()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(capture)
        try:
            css = weasyprint.CSS(string=text, base_url=FONTS.as_uri() + "/", font_config=_fonts(),
                                 url_fetcher=_Fetcher())
        finally:
            logger.removeHandler(capture)
        found = _Stylesheet(css, tuple(capture.messages))
        if len(_STYLESHEETS) >= MAX_STYLESHEETS:
            del _STYLESHEETS[next(iter(_STYLESHEETS))]
        _STYLESHEETS[text] = found
    return found

# make_page(keep, breaks, facing): the print rendering, with the paragraphs of the footnotes in
# `keep` kept whole, those in `breaks` starting a page, on facing pages or not.
MakePage = Callable[[frozenset[int], frozenset[int], bool], Page]


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    warnings: list[str]
    pages: int
    layouts: int  # how many times the edition was laid out


def write_pdf(make_page: MakePage, archive: Archive = Archive()) -> Printed:
    """The PDF, and what WeasyPrint warned about while making it.

    The page count is known only after layout, and a document of more than FACING_OVER pages is
    printed on facing pages. Both stylesheets give the text block the same width, so pages break
    alike: the first layout is made on the kind of pages the text's length suggests
    (`looks_long`), and laid out again on the other kind only when its page count says the guess
    was wrong.

    WeasyPrint sometimes floats a footnote to the page after its call, when the note does not
    fit under the call's line. After each layout the pages' anchors say where every call and
    note stand; a paragraph holding a misplaced call is then kept whole, and laid out again; if
    its note is still misplaced, the paragraph starts a page.
    """
    fonts = _fonts()
    capture = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(capture)
    keep: frozenset[int] = frozenset()
    breaks: frozenset[int] = frozenset()
    layouts = 0
    base = FONTS.as_uri() + "/"

    def lay_out(facing: bool) -> Any:
        nonlocal layouts
        layouts += 1
        page = make_page(keep, breaks, facing)
        sheet = _stylesheet(page.print_css)
        capture.messages.extend(sheet.warnings)
        html = weasyprint.HTML(string=page.html, base_url=base, url_fetcher=_Fetcher())
        return html.render(stylesheets=[sheet.css], font_config=fonts)

    attempt = 0
    try:
        # Asked of the facing rendering: a caller that rendered one already (for its glyph check)
        # renders again only for a short document, whose rendering is cheap.
        facing = looks_long(make_page(keep, breaks, True).html)
        while attempt < MAX_LAYOUTS:
            document = lay_out(facing)
            if attempt == 0 and facing != (len(document.pages) > FACING_OVER):
                facing = not facing  # the guess was wrong: decided by this layout's page count
                document = lay_out(facing)
            attempt += 1
            misplaced = misplaced_footnotes(document)
            if not misplaced or misplaced <= breaks:
                break
            if misplaced & keep <= breaks and attempt + 1 < MAX_LAYOUTS and \
                    misplaced - keep <= unbroken_paragraphs(document):
                # Keeping whole a paragraph that is not broken across pages changes nothing: the
                # next layout would be this one, with the same notes misplaced, and would start
                # their paragraphs on a page. That is done at once, and counted as two attempts.
                attempt += 1
                breaks |= misplaced
            else:
                breaks |= misplaced & keep
            keep |= misplaced
        data = _write(document, archive)
    except FatalURLFetchingError as e:  # a BaseException: `except Exception` would miss it
        cause = e.__cause__
        raise RenderError(str(cause) if isinstance(cause, _Refused) else f"{e}: {cause}") from e
    except Exception as e:
        raise RenderError(f"the PDF engine failed: {type(e).__name__}: {e}") from e
    finally:
        logger.removeHandler(capture)
    # Each layout repeats the stylesheet's warnings: they are said once.
    warnings = list(dict.fromkeys(capture.messages)) + [
        f"footnote {n} is printed on another page than its call" for n in sorted(misplaced)]
    return Printed(bytes(data), warnings, len(document.pages), layouts)


def _write(document: Any, archive: Archive) -> bytes:
    metadata = document.metadata
    if archive.date:
        # The edition's date, not the time of the build: the same inputs give the same bytes.
        metadata.created = archive.date
    options: dict[str, Any] = {}
    if archive.variant:
        options["pdf_variant"] = archive.variant
    if archive.variant == "pdf/a-3u":
        options["pdf_tags"] = True  # PDF/A-3u with the structure tree of PDF/UA-1
    if archive.variant in ("pdf/a-3b", "pdf/a-3u") and archive.attachments:
        when = _attachment_date(archive.date)
        options["attachments"] = [
            weasyprint.Attachment(file_obj=io.BytesIO(a.data), name=a.name, description=a.description,
                                  created=when, modified=when, relationship="Source")
            for a in archive.attachments]
    return bytes(document.write_pdf(finisher=_Finisher(archive), **options))


def _attachment_date(date: str | None) -> dt.datetime:
    if date:
        year, month, day = ([int(p) for p in date.split("/")[0].split("-")] + [1, 1])[:3]
        return dt.datetime(year, month, day)
    return FIXED_DATE


XMP_NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
          "dc": "http://purl.org/dc/elements/1.1/",
          "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}
ATTACHMENT_TYPE = "/application#2fyaml"  # RFC 9512; never the machine's mime.types guess


class _Finisher:
    """Completes the PDF that WeasyPrint made, before it is written.

    Every PDF gets XMP metadata (WeasyPrint writes it for the variants only), with the language,
    subject and date WeasyPrint leaves out; embedded data files get one media type everywhere.
    """

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def __call__(self, document: Any, pdf: Any) -> None:
        metadata = document.metadata
        if "Metadata" not in pdf.catalog:
            metadata.include_in_pdf(pdf, "", None, None, compress=True)
        stream = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
        extra = self._rdf(metadata)
        stream.stream = [b"".join(_to_bytes(part) for part in stream.stream)
                         .replace(b"</rdf:RDF>", extra + b"</rdf:RDF>", 1)]
        for obj in pdf.objects:
            if isinstance(obj, dict) or not hasattr(obj, "extra"):
                continue
            if obj.extra.get("Type") == "/EmbeddedFile":
                obj.extra["Subtype"] = ATTACHMENT_TYPE

    def _rdf(self, metadata: Any) -> bytes:
        rdf, dc = XMP_NS["rdf"], XMP_NS["dc"]
        description = Element(f"{{{rdf}}}Description", {f"{{{rdf}}}about": ""})

        def bag(name: str, kind: str, values: Sequence[str]) -> None:
            holder = SubElement(SubElement(description, f"{{{dc}}}{name}"), f"{{{rdf}}}{kind}")
            for value in values:
                SubElement(holder, f"{{{rdf}}}li").text = value

        if metadata.lang:
            bag("language", "Bag", [metadata.lang])
        subject = metadata.description or metadata.title
        if subject:
            bag("subject", "Bag", [subject])
        if self.archive.date:
            bag("date", "Seq", [self.archive.date])
        if self.archive.variant == "pdf/a-3u":
            SubElement(description, f"{{{XMP_NS['pdfuaid']}}}part").text = "1"
        return tostring(description, encoding="unicode").encode("utf-8")


def _to_bytes(part: object) -> bytes:
    return part if isinstance(part, bytes) else str(part).encode("utf-8")


def unbroken_paragraphs(document: Any) -> frozenset[int]:
    """Numbers of the footnotes whose call is in a paragraph (<p>, not in a table) laid out whole
    on one page: keeping it whole cannot move it."""
    from weasyprint.formatting_structure import boxes

    pages_of: dict[int, set[int]] = {}  # id of a paragraph's element → the pages it is on
    calls: dict[int, int | None] = {}  # footnote number → id of its paragraph's element, or None

    def walk(box: Any, page: int, holder: Any, in_table: bool) -> None:
        element = getattr(box, "element", None)
        tag = getattr(box, "element_tag", None)
        if tag in ("table", "tr", "td", "th"):
            in_table = True
        if isinstance(box, boxes.BlockBox) and element is not None:
            holder = element if tag == "p" and not in_table else None
            if holder is not None:
                pages_of.setdefault(id(holder), set()).add(page)
        if element is not None and tag == "a" and isinstance(box, boxes.InlineBox):
            name = element.get("id") or ""
            if name.startswith("fnref-"):
                calls[int(name[len("fnref-"):])] = id(holder) if holder is not None else None
        for child in getattr(box, "children", ()):
            walk(child, page, holder, in_table)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number, None, False)
    return frozenset(n for n, holder in calls.items() if holder is not None and len(pages_of[holder]) == 1)


def misplaced_footnotes(document: Any) -> frozenset[int]:
    """Numbers of the footnotes whose note is not on the page of its call."""
    page_of: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            page_of[anchor] = number
    return frozenset(int(name[len("fnref-"):]) for name, page in page_of.items()
                     if name.startswith("fnref-") and page_of.get("fn-" + name[len("fnref-"):]) != page)
