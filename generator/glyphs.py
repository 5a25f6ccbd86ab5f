"""The bundled fonts, and the characters they cannot print.

The PDF sees only the fonts of `FONTS` (pdf.py isolates WeasyPrint from the system's), so a
character none of them has would come out as an empty box. It is found here before layout, from
the fonts' character maps, and reported at its place in the data. fontTools comes with
WeasyPrint; this module does not load WeasyPrint, so that `check` can use it.
"""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from .errors import Position, Problem
from .model import Document, Localized, Plural, Text

FONTS = Path(str(resources.files("generator") / "fonts"))
MAX_NAMED = 5  # characters named per text; the rest are counted


@cache
def coverage() -> frozenset[int]:
    """Every code point one of the bundled fonts has a glyph for."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    points: set[int] = set()
    for path in sorted(FONTS.glob("*.ttf")):
        with TTFont(path, lazy=True) as font:
            points.update(font.getBestCmap())
    return frozenset(points)


def _printable(char: str) -> bool:
    # Controls, format characters (soft hyphen, joiners, bidi marks) and line separators are
    # never drawn with a glyph of their own.
    return unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp")


def missing(text: str) -> list[str]:
    """The distinct characters of `text` no bundled font has, in order of first appearance."""
    have = coverage()
    return list(dict.fromkeys(c for c in text if ord(c) not in have and _printable(c)))


def describe(char: str) -> str:
    """`'ა' (U+10D0 GEORGIAN LETTER AN)`."""
    name = unicodedata.name(char, "")
    return f"{char!r} (U+{ord(char):04X}{' ' + name if name else ''})"


def message(chars: list[str]) -> str:
    named = ", ".join(describe(c) for c in chars[:MAX_NAMED])
    more = f" and {len(chars) - MAX_NAMED} more" if len(chars) > MAX_NAMED else ""
    return (f"the bundled fonts (Noto Serif, Noto Sans) have no glyph for {named}{more}: "
            "the PDF would show an empty box; write the text with other characters")


def _texts(value: object, langs: Iterable[str]) -> Iterator[Text]:
    """Every Text of the data that an edition in one of `langs` may print."""
    if isinstance(value, Text):
        yield value
    elif isinstance(value, Localized):
        if value.everywhere is not None:
            yield value.everywhere
        for lang in langs:
            if lang in value.texts:
                yield value.texts[lang]
    elif isinstance(value, Plural):
        for forms in (value.everywhere, *(value.langs.get(lang) for lang in langs)):
            if forms is not None:
                yield from forms.forms.values()
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item, langs)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item, langs)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _texts(getattr(value, f.name), langs)


def _strings(value: object, pos: Position) -> Iterator[tuple[str, Position]]:
    """Every plain string of the data (a symbol, a unit...) with the place of what holds it."""
    if isinstance(value, str):
        yield value, pos
    elif isinstance(value, Text):
        yield value.value, value.pos
    elif isinstance(value, Localized | Plural):
        return  # their texts are document_problems' part
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                yield key, pos
            yield from _strings(item, pos)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item, pos)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type) and not isinstance(value, Position):
        here = getattr(value, "pos", pos)
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name), here if isinstance(here, Position) else pos)


def document_problems(doc: Document, langs: Iterable[str]) -> list[Problem]:
    """A problem for each text of the data with characters the bundled fonts lack."""
    langs = tuple(langs)
    problems = []
    seen: set[tuple[Position, str]] = set()
    for text in _texts(doc, langs):
        chars = missing(text.value)
        if chars and (text.pos, text.value) not in seen:
            seen.add((text.pos, text.value))
            problems.append(Problem(text.pos_of(chars[0]), message(chars)))
    return problems


_TAG = re.compile(r"<[^>]*>")
_CSS_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?|\\(.)")


def printed_text(page_html: str, print_css: str) -> str:
    """What a print rendering puts on paper: the body's text and the stylesheet's strings."""
    body = page_html[page_html.find("<body"):]
    text = html.unescape(_TAG.sub(" ", body))
    strings = (_CSS_ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else m[2], s)
               for s in _CSS_STRING.findall(re.sub(r"/\*.*?\*/", "", print_css, flags=re.S)))
    return text + " " + " ".join(strings)


def rendering_problems(doc: Document, lang: str, text: str) -> list[Problem]:
    """Characters the bundled fonts lack in text the data does not hold in an L text: a symbol,
    a unit, an entity of Markdown, or words the generator adds (names, catalog words)."""
    in_texts = {c for t in _texts(doc, [lang]) for c in t.value}  # document_problems' part
    chars = [c for c in missing(text) if c not in in_texts]
    if not chars:
        return []
    by_place: dict[Position, list[str]] = {}
    for char in chars:
        places = sorted({pos for s, pos in _strings(doc, doc.pos) if char in s}) or [doc.pos]
        by_place.setdefault(places[0], []).append(char)
    where = f" in the {lang} edition"
    return [Problem(pos, message(found) + (where if pos == doc.pos else ""))
            for pos, found in sorted(by_place.items())]
