"""The fonts of the PDF, and the characters they cannot print.

The PDF sees only these fonts (pdf.py isolates WeasyPrint from the system's): the bundled ones
of `FONTS` (Noto Serif, Noto Sans, Noto Naskh Arabic), and, for Chinese, Japanese and Korean,
the faces named in `SYSTEM_FONTS`, read from a system package (Noto CJK is about 90 MB: too large
to bundle). A character none of them has would come out as an empty box; it is found here before
layout, from the fonts' character maps, and reported at its place in the data. So is a character
of a script whose system fonts are not installed, with the package that installs them. fontTools
comes with WeasyPrint; this module does not load WeasyPrint, so that `check` can use it.

Reading a font's character map with fontTools takes longer than the rest of a `check`; the code
points of each font are kept in the user's cache (usercache.py), keyed by the font file's
path, size and modification time, so that a check loads fontTools only when a font changed.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path

from . import usercache
from .errors import Position, Problem
from .fontset import FAMILIES, FONTS, SYSTEM_FONTS
from .model import Document, Localized, Plural, Text

MAX_NAMED = 5  # characters named per text; the rest are counted


def _cmap(path: Path, family: str | None = None) -> set[int]:
    from fontTools.ttLib import TTCollection, TTFont  # type: ignore[import-untyped]

    if path.suffix.lower() != ".ttc":
        with TTFont(path, lazy=True) as font:
            return set(font.getBestCmap())
    with TTCollection(path, lazy=True) as collection:
        for font in collection.fonts:
            if font["name"].getDebugName(1) == family:
                return set(font.getBestCmap())
    return set()  # the collection lacks the face: its characters are missing, and said so


# --- the code points of each font, kept in the user's cache ------------------------------------

CACHE_FILE = "glyphs-v2.json"  # the name changes with the format: an old one is never misread
_LAST = 0x10FFFF


def _ranges(points: Iterable[int]) -> list[list[int]]:
    """[[first, last], ...]: a font's code points come in runs, a few hundred per font."""
    out: list[list[int]] = []
    for p in sorted(points):
        if out and out[-1][1] == p - 1:
            out[-1][1] = p
        else:
            out.append([p, p])
    return out


def _checked(ranges: object) -> list[list[int]] | None:
    """`ranges` as the cache file holds them, if they are exactly what `_ranges` writes: a file
    damaged or written by something else is never believed."""
    if not isinstance(ranges, list):
        return None
    last = -1
    for pair in ranges:
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(v) is int for v in pair)
                and last < pair[0] <= pair[1] <= _LAST):
            return None
        last = pair[1]
    return ranges


def _points(ranges: Iterable[list[int]]) -> frozenset[int]:
    """The code points of several fonts' ranges: the ranges merged first, so that each point is
    added once (the fonts share most of theirs)."""
    merged: list[list[int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return frozenset(itertools.chain.from_iterable(range(a, b + 1) for a, b in merged))


def _stamp(path: Path, family: str | None) -> tuple[str, int, int] | None:
    """What tells that a font file is the one whose code points were kept: its path (and the
    face, in a collection) as the key, its size and modification time."""
    try:
        info = path.stat()
    except OSError:
        return None
    return f"{path.absolute()}\0{family or ''}", info.st_size, info.st_mtime_ns  # no path holds a NUL


def _read_cache() -> dict[str, dict[str, object]]:
    return {k: v for k, v in usercache.read_table(CACHE_FILE, "fonts").items() if isinstance(v, dict)}


class _FontCache:
    """The code points of each font file (as ranges), from the cache file when its stamp still
    matches, else read with fontTools and written back."""

    def __init__(self) -> None:
        self.entries = _read_cache()
        self.new: dict[str, dict[str, object]] = {}

    def ranges(self, path: Path, family: str | None = None) -> list[list[int]]:
        stamp = _stamp(path, family)
        if stamp is None:  # fontTools says what is wrong with the file
            return _ranges(_cmap(path, family))
        key, size, mtime_ns = stamp
        entry = self.entries.get(key)
        if entry is not None and entry.get("size") == size and entry.get("mtime_ns") == mtime_ns:
            kept = _checked(entry.get("ranges"))
            if kept is not None:
                return kept
        ranges = _ranges(_cmap(path, family))
        self.new[key] = {"size": size, "mtime_ns": mtime_ns, "ranges": ranges}
        return ranges

    def save(self) -> None:
        """Write the fonts read since the last save, with the entries of the file as it is now
        (another process may have written it) whose font files still exist."""
        usercache.update_table(CACHE_FILE, "fonts", self.new,
                               keep=lambda key: Path(key.partition("\0")[0]).is_file())
        self.entries.update(self.new)
        self.new = {}


@cache
def _font_cache() -> _FontCache:
    return _FontCache()


@cache
def coverage() -> frozenset[int]:
    """Every code point one of the bundled fonts has a glyph for."""
    fonts = _font_cache()
    points = _points(r for path in sorted(FONTS.glob("*.ttf")) for r in fonts.ranges(path))
    fonts.save()
    return points


@cache
def _system_coverage(faces: tuple[tuple[str, Path], ...]) -> frozenset[int]:
    # One file per family: the bold faces of a family have the characters of its regular one.
    first = dict(reversed(faces))
    fonts = _font_cache()
    points = _points(r for family, path in first.items() for r in fonts.ranges(path, family))
    fonts.save()
    return points


def _installed_coverage() -> frozenset[int]:
    points: frozenset[int] = frozenset()
    for system in SYSTEM_FONTS:
        if not system.absent():
            points |= _system_coverage(system.paths())
    return points


def _printable(char: str) -> bool:
    # Controls, format characters (soft hyphen, the word joiner and bidi isolates the typography
    # inserts, zero-width joiners) and line separators are never drawn with a glyph of their own.
    return unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp")


def missing(text: str) -> list[str]:
    """The distinct characters of `text` no font of the PDF has, in order of first appearance
    (the system fonts' characters are looked up only when the bundled fonts lack some)."""
    have = coverage()
    chars = [c for c in dict.fromkeys(text) if ord(c) not in have and _printable(c)]
    if chars:
        more = _installed_coverage()
        chars = [c for c in chars if ord(c) not in more]
    return chars


def describe(char: str) -> str:
    """`'ა' (U+10D0 GEORGIAN LETTER AN)`."""
    name = unicodedata.name(char, "")
    return f"{char!r} (U+{ord(char):04X}{' ' + name if name else ''})"


def _named(chars: list[str]) -> str:
    named = ", ".join(describe(c) for c in chars[:MAX_NAMED])
    return named + (f" and {len(chars) - MAX_NAMED} more" if len(chars) > MAX_NAMED else "")


def message(chars: list[str]) -> str:
    """What is wrong with `chars` (as `missing` found them): a script whose fonts are not
    installed, or characters no font of the PDF has."""
    parts = []
    rest = list(chars)
    for system in SYSTEM_FONTS:
        absent = system.absent()
        needing = [c for c in rest if system.needs(c)] if absent else []
        if needing:
            rest = [c for c in rest if c not in needing]
            parts.append(
                f"the {system.script} script needs the fonts {' and '.join(system.families)}, not "
                f"installed here (no {absent[0]}): install Debian's package {system.package}, or set "
                f"{system.variable} to the folder of its files; the PDF would show empty boxes for "
                f"{_named(needing)}")
    if rest:
        parts.append(f"the fonts ({', '.join(FAMILIES)}) have no glyph for {_named(rest)}: the PDF "
                     "would show an empty box; write the text with other characters")
    return "; ".join(parts)


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
        for name in _field_names(type(value)):
            yield from _texts(getattr(value, name), langs)


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    # Asked for every object of the document: `dataclasses.fields` builds its answer each time.
    return tuple(f.name for f in dataclasses.fields(kind))


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
        for name in _field_names(type(value)):
            yield from _strings(getattr(value, name), here if isinstance(here, Position) else pos)


def document_problems(doc: Document, langs: Iterable[str]) -> list[Problem]:
    """A problem for each text of the data with characters the PDF's fonts lack."""
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
    """Characters the PDF's fonts lack in text the data does not hold in an L text: a symbol,
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
