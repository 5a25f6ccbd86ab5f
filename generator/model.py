"""The frozen, typed objects that the stages hand to each other."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from pathlib import Path

from .errors import Position

# --- texts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A string from a data file with the place it was written, to point errors inside it."""

    value: str
    pos: Position
    literal: bool = False  # a `|` block: line k of the value is line pos.line + 1 + k of the file
    indent: int = 0

    def pos_at(self, offset: int) -> Position:
        if not self.literal:
            return self.pos
        line = self.value.count("\n", 0, offset)
        column = offset - (self.value.rfind("\n", 0, offset) + 1)
        return Position(self.pos.file, self.pos.line + 1 + line, self.indent + column + 1)

    def pos_of(self, needle: str) -> Position:
        found = self.value.find(needle)
        return self.pos_at(found) if found >= 0 else self.pos


@dataclass(frozen=True)
class Localized:
    """L or LM: one text per language, or one plain text for all of them."""

    pos: Position
    texts: Mapping[str, Text] = field(default_factory=dict)
    everywhere: Text | None = None

    def get(self, lang: str) -> Text | None:
        return self.everywhere if self.everywhere is not None else self.texts.get(lang)


@dataclass(frozen=True)
class PluralForms:
    """A text per CLDR plural category (`other` always present), or one text for every number."""

    pos: Position
    forms: Mapping[str, Text]


@dataclass(frozen=True)
class Plural:
    """LP: per language, plural forms."""

    pos: Position
    langs: Mapping[str, PluralForms] = field(default_factory=dict)
    everywhere: PluralForms | None = None

    def get(self, lang: str) -> PluralForms | None:
        return self.everywhere if self.everywhere is not None else self.langs.get(lang)


# --- dates -------------------------------------------------------------------------------------


class Precision(IntEnum):
    YEAR = 1
    MONTH = 2
    DAY = 3


_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int = 0
    day: int = 0

    @property
    def precision(self) -> Precision:
        return Precision.DAY if self.day else Precision.MONTH if self.month else Precision.YEAR

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> dt.date:
        if self.day:
            return self.first
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse `2006`, `2006-12` or `2006-12-20`; ValueError says what is wrong."""
        m = _DATE.fullmatch(text)
        if not m:
            raise ValueError(f"{text!r} is not a date; expected 2006, 2006-12 or 2006-12-20")
        year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
        if year < 1:
            raise ValueError(f"{text!r} is not a date: there is no year 0")
        if m[2] and not 1 <= month <= 12:
            raise ValueError(f"{text!r} is not a date: there is no month {month}")
        if m[3]:
            try:
                dt.date(year, month, day)
            except ValueError:
                raise ValueError(f"{text!r} is not a date: {calendar.month_name[month]} {year} "
                                 f"has no day {day}") from None
        return cls(year, month, day)


@dataclass(frozen=True)
class DateValue:
    """D: a date of year, month or day precision, or a range of two of the same precision."""

    start: PartialDate
    end: PartialDate | None = None

    @property
    def precision(self) -> Precision:
        return self.start.precision

    @property
    def first(self) -> dt.date:
        return self.start.first

    @property
    def last(self) -> dt.date:
        return (self.end or self.start).last

    @property
    def iso(self) -> str:
        def one(d: PartialDate) -> str:
            parts = [f"{d.year:04d}", f"{d.month:02d}" if d.month else "", f"{d.day:02d}" if d.day else ""]
            return "-".join(p for p in parts if p)

        return one(self.start) + (f"/{one(self.end)}" if self.end else "")

    @classmethod
    def parse(cls, text: str) -> DateValue:
        if "/" not in text:
            return cls(PartialDate.parse(text.strip()))
        a, _, b = text.partition("/")
        start, end = PartialDate.parse(a.strip()), PartialDate.parse(b.strip())
        if start.precision != end.precision:
            raise ValueError(f"{text!r}: both ends of a range must have the same precision")
        if end <= start:
            raise ValueError(f"{text!r}: a range must end after it starts")
        return cls(start, end)


# --- the document ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    pos: Position
    title: Localized
    date: DateValue | None
    publisher: Localized | None
    url: str | None
    symbol: str | None
    un_symbol: bool  # the key is a UN document symbol: the link goes to the ODS in each language


@dataclass(frozen=True)
class Member:
    pos: Position
    code: str | None
    name: Localized | None  # None: the generator supplies the country's name
    abbr: Localized | None = None
    joined: DateValue | None = None


@dataclass(frozen=True)
class Group:
    key: str
    pos: Position
    name: Localized
    as_of: DateValue | None
    note: Localized | None
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Citation:
    key: str
    pos: Position


@dataclass(frozen=True)
class Event:
    pos: Position
    date: DateValue
    text: Localized
    cite: tuple[Citation, ...]
    tags: tuple[str, ...]
    rank: tuple[int, int]  # (file index in include order, index in that file): ties break as written


@dataclass(frozen=True)
class TextSection:
    pos: Position
    heading: Localized | None
    text: Localized


@dataclass(frozen=True)
class ChronologySection:
    pos: Position
    heading: Localized | None
    tags: tuple[str, ...] = ()
    from_: DateValue | None = None
    to: DateValue | None = None

    def admits(self, event: Event) -> bool:
        if self.tags and not set(self.tags) & set(event.tags):
            return False
        if self.from_ and event.date.last < self.from_.first:
            return False
        return not (self.to and event.date.first > self.to.last)


@dataclass(frozen=True)
class AnnexSection:
    pos: Position
    heading: Localized | None
    group: Citation
    order: str = "alphabetical"  # or "as-listed"


@dataclass(frozen=True)
class Fact:
    pos: Position
    value: Decimal
    label: Plural
    unit: str | None


@dataclass(frozen=True)
class FactsSection:
    pos: Position
    heading: Localized | None
    facts: tuple[Fact, ...]


Section = TextSection | ChronologySection | AnnexSection | FactsSection


@dataclass(frozen=True)
class Document:
    id: str
    path: Path
    display: str  # the path as the user named it, for messages
    pos: Position
    languages: tuple[str, ...]
    title: Localized
    subtitle: Localized | None
    issuer: Localized | None
    date: DateValue | None
    template: str
    paper: str
    sources: Mapping[str, Source]
    groups: Mapping[str, Group]
    events: tuple[Event, ...]
    sections: tuple[Section, ...]
    files: tuple[Path, ...]  # this file and every file it includes, in the order first reached
    opened: tuple[Path, ...]  # the same files by the paths they were opened by (links kept)
    digests: tuple[str, ...]  # of the bytes read of each: what was validated
    displays: tuple[str, ...] = ()  # the same files as messages name them

    @property
    def source_language(self) -> str:
        return self.languages[0]
