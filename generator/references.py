"""Stage 3, resolve references: number the footnotes of an edition and say what each one cites.

Also the parity rule: every edition must carry the source-language edition's footnotes, in the
same order, unit by unit (a section, or an event of a chronology).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .errors import Collector, Position, Problem
from .localize import Annex, Chronology, Edition, Prose, When, member_name, when
from .markup import Note
from .model import Localized
from .schema import missing_translation


@dataclass(frozen=True)
class SourceRef:
    key: str
    symbol: str | None
    title: str
    publisher: str | None
    date: When | None
    url: str | None


@dataclass(frozen=True)
class GroupRef:
    key: str
    name: str
    members: tuple[str, ...]  # in the edition's collation order, whatever order an annex uses


Reference = SourceRef | GroupRef


@dataclass(frozen=True)
class Footnote:
    number: int
    note: Note
    unit: tuple[int, int]  # (section index, event index within the section or -1)


@dataclass(frozen=True)
class Resolved:
    edition: Edition
    footnotes: tuple[Footnote, ...]
    references: dict[str, Reference]


def walk(edition: Edition) -> Iterator[tuple[tuple[int, int], Position, Note]]:
    """Every note of the edition in reading order, with its unit and the unit's place."""
    for i, block in enumerate(edition.blocks):
        if isinstance(block, Prose):
            for note in block.fragment.notes:
                yield (i, -1), block.pos, note
        elif isinstance(block, Chronology):
            for j, entry in enumerate(block.entries):
                for note in entry.fragment.notes:
                    yield (i, j), entry.event.pos, note
                if entry.cite is not None:
                    yield (i, j), entry.event.pos, entry.cite
        elif isinstance(block, Annex) and block.note is not None:
            for note in block.note.notes:
                yield (i, -1), block.pos, note


def resolve(edition: Edition, problems: Collector) -> Resolved:
    footnotes = tuple(Footnote(n, note, unit)
                      for n, (unit, _, note) in enumerate(walk(edition), start=1))
    doc = edition.doc
    # Unknown keys were reported while localizing; they get no reference.
    keys = sorted({k for f in footnotes for k in f.note.keys if k in doc.sources or k in doc.groups})
    pick = _Picker(edition.lang, problems)
    return Resolved(edition, footnotes, {k: reference(edition, k, pick) for k in keys})


class _Picker:
    """Picks a text in the edition's language; a missing one (in an included file) is a problem."""

    def __init__(self, lang: str, problems: Collector) -> None:
        self.lang = lang
        self.problems = problems

    def __call__(self, value: Localized, what: str) -> str:
        t = value.get(self.lang)
        if t is None:
            self.problems.add(value.pos, missing_translation(what, self.lang))
            return ""
        return t.value.strip()


def reference(edition: Edition, key: str, pick: _Picker) -> Reference:
    doc, fmt = edition.doc, edition.fmt
    if key in doc.groups:
        group = doc.groups[key]
        members = [member_name(m, fmt, pick) for m in group.members]
        return GroupRef(key, pick(group.name, f"the name of group {key!r}"),
                        tuple(sorted(members, key=fmt.sort_key)))
    s = doc.sources[key]
    url = s.url
    if s.un_symbol and s.symbol:
        where = fmt.undocs_language
        url = f"https://undocs.org/{where + '/' if where else ''}{s.symbol.replace(' ', '')}"
    return SourceRef(key, s.symbol, pick(s.title, f"the title of source {key!r}"),
                     pick(s.publisher, f"the publisher of source {key!r}") if s.publisher else None,
                     when(fmt, s.date) if s.date is not None else None, url)


def check_parity(editions: Sequence[Resolved]) -> list[Problem]:
    """Each edition's footnotes against the first (the source language's), unit by unit."""
    if len(editions) < 2:
        return []
    base = editions[0]
    problems: list[Problem] = []
    base_units = _units(base)
    for other in editions[1:]:
        units = _units(other)
        for unit in sorted(base_units.keys() | units.keys()):
            mine, theirs = base_units.get(unit, ((), None)), units.get(unit, ((), None))
            if mine[0] == theirs[0]:
                continue
            pos = mine[1] or theirs[1]
            assert pos is not None
            problems.append(Problem(pos, (
                f"footnotes differ between editions in {_describe(base, unit)}: "
                f"{base.edition.lang} has {_show(mine[0])}, {other.edition.lang} has {_show(theirs[0])}; "
                "every edition must cite the same sources in the same order")))
    return problems


def _units(r: Resolved) -> dict[tuple[int, int], tuple[tuple[tuple[str, ...], ...], Position]]:
    out: dict[tuple[int, int], tuple[tuple[tuple[str, ...], ...], Position]] = {}
    for unit, pos, note in walk(r.edition):
        seq, _ = out.get(unit, ((), pos))
        out[unit] = ((*seq, note.signature), pos)
    return out


def _describe(r: Resolved, unit: tuple[int, int]) -> str:
    section, event = unit
    block = r.edition.blocks[section]
    name = f"section {section + 1}" + (f" ({block.heading!r})" if block.heading else "")
    if event >= 0 and isinstance(block, Chronology):
        entry = block.entries[event]
        return f"the event of {entry.event.date.iso} in {name}"
    return name


def _show(seq: tuple[tuple[str, ...], ...]) -> str:
    if not seq:
        return "no footnote"
    parts = []
    for sig in seq:
        kind, keys = sig[0], sig[1:]
        cites = "; ".join("@" + k for k in keys)
        parts.append(f"^[{cites}]" if kind == "^" else f"[{cites}]")
    return ", ".join(parts)
