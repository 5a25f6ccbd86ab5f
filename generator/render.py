"""Stage 4, render: a resolved edition → HTML, through the document's Jinja template.

Two renderings of one template: `web` (one self-contained file, footnotes as a list with links
both ways) and `print` (the HTML WeasyPrint lays out, footnotes floated to the page bottom).
Markdown is rendered here, in reading order, so footnote numbers are those the references stage
assigned; the template receives only escaped strings and `Markup` built by this module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from typing import Literal

import jinja2
from markupsafe import Markup, escape

from .i18n import Formatter, translations
from .localize import Annex, Block, Chronology, Prose, When
from .markup import Fragment, Note, to_html
from .references import Footnote, GroupRef, Reference, Resolved
from .typography import LRI, PDI, WJ, unbreakable

Target = Literal["web", "print"]


@dataclass(frozen=True)
class RenderedNote:
    number: int
    html: Markup


@dataclass(frozen=True)
class Page:
    """What a template is given: the edition, its blocks and the Markup this module built."""

    html: str
    print_css: str


TOC_MIN_SECTIONS = 5  # a table of contents is worth its space from five headed sections


@dataclass(frozen=True)
class PrintSetup:
    """How the print rendering is laid out; the web rendering ignores it.

    `paper` None: the document's own. `toc`: a table of contents, if the edition has at least
    TOC_MIN_SECTIONS headed sections. `facing`: inner and outer margins, page numbers
    outside (the PDF stage decides it from the page count). `handout`: crop marks and bleed.
    """

    paper: str | None = None
    toc: bool = False
    facing: bool = False
    handout: bool = False


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    heading: str


class _Notes:
    """Footnote calls in reading order, checked against the numbering of the references stage."""

    def __init__(self, resolved: Resolved, target: Target, keep: frozenset[int],
                 annexes: dict[str, str], breaks: frozenset[int] = frozenset()) -> None:
        self.resolved = resolved
        self.breaks = breaks
        self.annexes = annexes  # print only: group key → the anchor of its annex section
        self.keep = keep
        self.target = target
        self.queue = list(resolved.footnotes)
        self.rendered: list[RenderedNote] = []
        self.fmt = resolved.edition.fmt

    def call(self, note: Note, body: str) -> str:
        footnote: Footnote = self.queue.pop(0)
        if footnote.note.signature != note.signature:  # pragma: no cover - a bug, not bad data
            raise AssertionError(f"footnote {footnote.number} rendered out of order")
        n = footnote.number
        self.rendered.append(RenderedNote(n, Markup(body)))
        label = escape(self.fmt.gettext("Footnote %(number)s") % {"number": n})
        if self.target == "print":
            # The call is drawn here, not by ::footnote-call (which print.css empties), because
            # only an <a href> becomes a PDF link: the call leads to its note at the page bottom.
            # The word joiner keeps it to the word before it: a call never starts a line (a line
            # may break between a Chinese character and a digit, or after a closing bracket).
            return (f'{WJ}<a class="fn-call" id="fnref-{n}" href="#fn-{n}" aria-label="{label}">{n}</a>'
                    f'<span class="footnote" id="fn-{n}" data-n="{n}">{body}</span>')
        return (f'<a class="fn-call" id="fnref-{n}" href="#fn-{n}" role="doc-noteref" '
                f'aria-label="{label}"><sup>{n}</sup></a>')

    def citation(self, keys: tuple[str, ...]) -> str:
        return self.fmt.typography.semicolon.join(
            _reference_html(self.resolved.references[k], self.fmt, self.annexes, self.target) for k in keys)


def _reference_html(ref: Reference, fmt: Formatter, annexes: dict[str, str], target: Target) -> str:
    signs = fmt.typography  # the language's commas and stops: `،` in Arabic, `，` and `。` in Chinese
    if isinstance(ref, GroupRef):
        members = fmt.list_of(ref.members)
        name = escape(fmt.typeset(ref.name))
        if ref.key in annexes:
            name = Markup(f'<a class="annex-link" href="#{annexes[ref.key]}">{name}</a>')
        return f"{name}{signs.colon}{escape(members)}"
    parts = []
    if ref.symbol:
        parts.append(f'<span class="symbol">{_ltr(escape(ref.symbol), fmt)}</span>')
    parts.append(f"<cite>{escape(fmt.typeset(ref.title))}</cite>")
    if ref.publisher:
        parts.append(str(escape(fmt.typeset(ref.publisher))))
    if ref.date:
        parts.append(_time(ref.date))
    text = signs.comma.join(parts)
    if ref.url:
        # `20 декабря 2006 г.` already ends the sentence: no second full stop.
        last = ref.date.text if ref.date else ref.publisher or ref.title
        stop = " " if last.endswith(signs.stop.strip()) else signs.stop
        shown = _url_text(ref.url, ref.symbol if target == "print" else None)
        text += f'{stop}<a class="url" href="{escape(ref.url)}">{_ltr(shown, fmt)}</a>'
    return text


def _url_text(url: str, symbol: str | None) -> str:
    """A link's address as printed: it may break anywhere, but not inside the document symbol it
    ends with (`https://undocs.org/en/` then `A/RES/61/180`, never `…/en/A/` then `RES/61/180`)."""
    at = url.find(symbol.replace(" ", "")) if symbol else -1
    if symbol is None or at < 0:
        return str(escape(url))
    end = at + len(symbol.replace(" ", ""))
    return f'{escape(url[:at])}<span class="nowrap">{escape(url[at:end])}</span>{escape(url[end:])}'


def _ltr(html: str, fmt: Formatter) -> str:
    """A symbol or a link in right-to-left text, isolated left-to-right as the typography isolates
    those of the data's texts: the bidirectional algorithm would reorder its parts around the
    slashes, and WeasyPrint has no `unicode-bidi` to do it by CSS."""
    return f"{LRI}{html}{PDI}" if fmt.typography.isolate else html


_TAG = re.compile(r"(<[^>]*>)")
# Text inside these is kept on one line already, or may break anywhere (a link).
_WHOLE = re.compile(r'<(?:time|a class="url"|span class="(?:symbol|date|nowrap)")[ >]')


def _keep_whole(html: str, pattern: re.Pattern[str]) -> str:
    """Print: the symbols and dates of a text, each in a span kept on one line, unhyphenated.
    The data writes them in its prose; those of the references are marked up already. (The web
    edition's text stays as it is: its markup is what other tools and tests read.)"""
    pieces = _TAG.split(html)
    for k in range(0, len(pieces), 2):  # text between tags; a tag before each but the first
        if k and _WHOLE.match(pieces[k - 1]):
            continue
        pieces[k] = pattern.sub(lambda m: f'<span class="nowrap">{m[0]}</span>', pieces[k])
    return "".join(pieces)


def _whole(text: str, pattern: re.Pattern[str] | None) -> Markup:
    """A heading or the title, escaped; in print (`pattern`) its symbols and dates kept on one
    line as in the text."""
    html = str(escape(text))
    return Markup(_keep_whole(html, pattern) if pattern else html)


def _time(when: When) -> str:
    if when.end is None:
        return f'<time class="date" datetime="{when.start}">{escape(when.text)}</time>'
    # A range is one expression kept on one line; its ends are machine-readable on their own.
    return (f'<span class="date" data-start="{when.start}" data-end="{when.end}">'
            f"{escape(when.text)}</span>")


_EMPTY = Markup("")


@dataclass(frozen=True)
class BlockView:
    kind: str
    anchor: str
    heading: str | None
    html: Markup = _EMPTY  # prose
    rows: tuple[tuple[Markup, Markup], ...] = ()  # chronology: (date, text); facts: (value, label)
    breaks: frozenset[int] = frozenset()  # print: chronology rows that start a page
    items: tuple[str, ...] = ()  # annex members
    caption: str = ""  # annex: the group's name
    count: int = 0
    as_of: Markup | None = None
    note: Markup | None = None


def _views(resolved: Resolved, notes: _Notes) -> list[BlockView]:
    views = [_view(block, _anchor(i), notes)
             for i, block in enumerate(resolved.edition.blocks, start=1)]
    if notes.queue:  # pragma: no cover - a bug, not bad data
        raise AssertionError("footnotes left unrendered")
    return views


def _fragment(fragment: Fragment, notes: _Notes, *, inline: bool = False) -> Markup:
    upcoming = [f.number for f in notes.queue[: len(fragment.notes)]]
    keep = frozenset(i for i, n in enumerate(upcoming) if n in notes.keep | notes.breaks)
    html = to_html(fragment, notes, inline=inline, keep=keep)
    if notes.target == "print":
        # The typography joins a call already in Chinese and Japanese: one joiner is enough.
        html = _keep_whole(html.replace(WJ + WJ, WJ), unbreakable(notes.fmt.locale))
    for n in upcoming:
        if n in notes.breaks:
            # Kept whole, the paragraph still lost its note to the next page: it starts that page.
            at = html.rfind('class="keep-together"', 0, html.find(f'id="fnref-{n}"'))
            if at >= 0:
                html = html[:at] + 'class="keep-together page-start"' + html[at + 21:]
    return Markup(html)


def _view(block: Block, anchor: str, notes: _Notes) -> BlockView:
    if isinstance(block, Prose):
        return BlockView("text", anchor, block.heading, html=_fragment(block.fragment, notes))
    if isinstance(block, Chronology):
        rows = []
        breaks = set()
        for i, entry in enumerate(block.entries):
            count = len(entry.fragment.notes) + (entry.cite is not None)
            # A row is never split, yet WeasyPrint may float a note of the page's last row to the
            # next page: such a row starts the next page itself.
            if any(f.number in notes.keep | notes.breaks for f in notes.queue[:count]):
                breaks.add(i)
            text = _fragment(entry.fragment, notes, inline=True)
            if entry.cite is not None:
                text += Markup(notes.call(entry.cite, notes.citation(entry.cite.keys)))
            rows.append((Markup(_time(entry.when)), text))
        return BlockView("chronology", anchor, block.heading, rows=tuple(rows),
                         breaks=frozenset(breaks))
    if isinstance(block, Annex):
        return BlockView("annex", anchor, block.heading, items=block.members, caption=block.name,
                         count=len(block.members),
                         note=_fragment(block.note, notes) if block.note else None,
                         as_of=Markup(_time(block.as_of)) if block.as_of else None)
    rows = [(Markup(f'<span class="nowrap">{escape(f.value_text)}</span>'), Markup(escape(f.label)))
            for f in block.figures]
    return BlockView("facts", anchor, block.heading, rows=tuple(rows))


# --- Jinja -------------------------------------------------------------------------------------


@cache
def _environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("generator.templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["css_string"] = css_string
    env.filters["page_counter"] = page_counter
    env.filters["bookmark"] = bookmark
    return env


def bookmark(text: str) -> str:
    """A heading as the PDF's outline shows it: without the invisible characters the typography
    puts in the text (word joiners, bidirectional isolates, soft hyphens), which a viewer's
    outline would show as boxes or copy into what the reader pastes."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def css_string(text: str) -> Markup:
    """A CSS string literal: only the catalogs' words reach CSS, never data, but escape anyway."""
    return Markup('"' + "".join(c if c.isalnum() or c in " .,:;-–—()/" or (ord(c) > 127 and
                                c not in "\u2028\u2029") else f"\\{ord(c):x} " for c in text) + '"')


def page_counter(text: str) -> Markup:
    """`Page [[page]] of [[pages]]` → `"Page " counter(page) " of " counter(pages)` for @page."""
    out = []
    for part in re.split(r"(\[\[pages?\]\])", str(text)):
        if part == "[[page]]":
            out.append("counter(page)")
        elif part == "[[pages]]":
            out.append("counter(pages)")
        elif part:
            out.append(css_string(part))
    return Markup(" ".join(out))


def _anchor(index: int) -> str:
    return f"section-{index}"


def _annexes(blocks: tuple[Block, ...]) -> dict[str, str]:
    """Group key → the anchor of the first annex that lists it."""
    found: dict[str, str] = {}
    for i, block in enumerate(blocks, start=1):
        if isinstance(block, Annex):
            found.setdefault(block.group_key, _anchor(i))
    return found


def render(resolved: Resolved, target: Target, keep: frozenset[int] = frozenset(),
           setup: PrintSetup = PrintSetup(), breaks: frozenset[int] = frozenset()) -> Page:
    """`keep`: footnote numbers whose calling paragraph must not break across pages; `breaks`:
    those whose paragraph (or chronology row) must start a page."""
    edition = resolved.edition
    notes = _Notes(resolved, target, keep, _annexes(edition.blocks) if target == "print" else {},
                   breaks)
    blocks = _views(resolved, notes)
    toc = [TocEntry(b.anchor, b.heading) for b in blocks if b.heading]
    show_toc = setup.toc and len(toc) >= TOC_MIN_SECTIONS
    env = _environment(edition.lang)
    template = edition.doc.template
    fmt = edition.fmt
    context = {
        "target": target,
        "lang": fmt.tag,
        "dir": fmt.direction,
        # The template's own words are English where the language has no catalog: say so.
        "words_lang": Markup(f' lang="{fmt.words_tag}"') if fmt.words_tag != fmt.tag else _EMPTY,
        "title": edition.title,
        "subtitle": edition.subtitle,
        "issuer": edition.issuer,
        "date": Markup(_time(edition.date)) if edition.date else None,
        "blocks": blocks,
        "toc": toc if target == "print" and show_toc else [],
        "notes": notes.rendered,
        "screen_css": Markup(env.get_template(f"{template}/screen.css").render()),
        "number": fmt.number,
        "whole": partial(_whole, pattern=unbreakable(fmt.locale) if target == "print" else None),
    }
    html = env.get_template(f"{template}/page.html").render(context)
    print_css = env.get_template(f"{template}/print.css").render(
        {"paper": setup.paper or edition.doc.paper, "lang": fmt.tag, "facing": setup.facing,
         "handout": setup.handout})
    return Page(html, print_css)
