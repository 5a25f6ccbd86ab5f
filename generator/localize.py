"""Stage 2, localize: a `Document` and a language → an `Edition`, every value in that language.

Texts are picked (a missing one is an error, never a fallback), Markdown is parsed, dates,
numbers and names are formatted, chronologies filtered and ordered, annexes collated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .errors import Collector, Position
from .i18n import CATALOG_DOMAIN, Formatter, has_catalog, locale_of
from .markup import Fragment, Note, parse
from .model import (
    AnnexSection,
    ChronologySection,
    DateValue,
    Document,
    Event,
    FactsSection,
    Group,
    Localized,
    Member,
    Plural,
    Section,
    TextSection,
)
from .schema import missing_translation


@dataclass(frozen=True)
class When:
    text: str  # as the edition's language writes it
    start: str  # ISO 8601, for <time datetime>
    end: str | None


@dataclass(frozen=True)
class Prose:
    pos: Position
    heading: str | None
    fragment: Fragment


@dataclass(frozen=True)
class Entry:
    when: When
    fragment: Fragment  # the event's text; its `cite` is the last of its notes
    cite: Note | None
    event: Event


@dataclass(frozen=True)
class Chronology:
    pos: Position
    heading: str | None
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Annex:
    pos: Position
    heading: str | None
    group_key: str
    name: str
    as_of: When | None
    note: Fragment | None
    members: tuple[str, ...]  # in the order the section asks for


@dataclass(frozen=True)
class Figure:
    value: Decimal
    value_text: str
    label: str


@dataclass(frozen=True)
class Facts:
    pos: Position
    heading: str | None
    figures: tuple[Figure, ...]


Block = Prose | Chronology | Annex | Facts


@dataclass(frozen=True)
class Edition:
    doc: Document
    lang: str
    fmt: Formatter
    title: str
    subtitle: str | None
    issuer: str | None
    date: When | None
    blocks: tuple[Block, ...]
    warnings: tuple[str, ...] = ()  # what is worth saying but does not stop the build


def localize(doc: Document, lang: str, *, report_missing: bool = True) -> tuple[Edition, Collector]:
    """The edition of `doc` in `lang`; the Collector holds every problem found on the way.

    `report_missing=False` when the loader already found problems: a text it could not read
    is then missing here too, and is not reported a second time.
    """
    return _Localizer(doc, lang, report_missing).edition()


class _Localizer:
    def __init__(self, doc: Document, lang: str, report_missing: bool) -> None:
        self.doc = doc
        self.lang = lang
        self.fmt = Formatter(lang)
        self.problems = Collector()
        self.report_missing = report_missing

    def missing(self, pos: Position, what: str) -> None:
        if self.report_missing:
            self.problems.add(pos, missing_translation(what, self.lang))

    def edition(self) -> tuple[Edition, Collector]:
        doc = self.doc
        edition = Edition(
            doc=doc, lang=self.lang, fmt=self.fmt,
            title=self.prose(doc.title, "title") or "",
            subtitle=self.prose(doc.subtitle, "subtitle"),
            issuer=self.prose(doc.issuer, "issuer"),
            date=self.when(doc.date) if doc.date else None,
            blocks=tuple(self.block(s) for s in doc.sections),
            warnings=catalog_warnings(self.lang))
        self.check_unshown()
        return edition, self.problems

    def check_unshown(self) -> None:
        """Texts no section of this document shows are still checked: links, images, keys."""
        for event in self.doc.events:
            if (t := event.text.get(self.lang)) is not None:
                self.problems.extend(parse(t, self.known)[1])
        for group in self.doc.groups.values():
            if group.note is not None and (t := group.note.get(self.lang)) is not None:
                self.problems.extend(parse(t, self.known)[1])

    # --- values --------------------------------------------------------------------------------

    def text(self, value: Localized, what: str) -> str:
        t = value.get(self.lang)
        if t is None:
            self.missing(value.pos, what)
            return ""
        return t.value.strip()

    def opt(self, value: Localized | None, what: str) -> str | None:
        return self.text(value, what) if value is not None else None

    def prose(self, value: Localized | None, what: str) -> str | None:
        """A plain text shown as prose (title, heading, label), in the language's typography."""
        text = self.opt(value, what)
        return self.fmt.typeset(text) if text else text

    def markdown(self, value: Localized, what: str) -> Fragment:
        t = value.get(self.lang)
        if t is None:
            self.missing(value.pos, what)
            return Fragment((), ())
        fragment, problems = parse(t, self.known, self.fmt.typography)
        self.problems.extend(problems)
        return fragment

    def known(self, key: str) -> bool:
        return key in self.doc.sources or key in self.doc.groups

    def plural(self, value: Plural, n: Decimal, what: str) -> str:
        forms = value.get(self.lang)
        if forms is None:
            self.missing(value.pos, what)
            return ""
        return self.fmt.plural(forms, n)

    def when(self, value: DateValue) -> When:
        return when(self.fmt, value)

    # --- sections ------------------------------------------------------------------------------

    def block(self, section: Section) -> Block:
        heading = self.prose(section.heading, "heading")
        if isinstance(section, TextSection):
            return Prose(section.pos, heading, self.markdown(section.text, "the text"))
        if isinstance(section, ChronologySection):
            events = [e for e in self.doc.events if section.admits(e)]
            return Chronology(section.pos, heading, tuple(self.entry(e) for e in events))
        if isinstance(section, AnnexSection):
            return self.annex(section, heading)
        assert isinstance(section, FactsSection)
        return Facts(section.pos, heading, tuple(
            Figure(f.value,
                   self.fmt.amount(f.value, f.unit) if f.unit else self.fmt.number(f.value),
                   self.fmt.typeset(self.plural(f.label, f.value, "label")))
            for f in section.facts))

    def entry(self, event: Event) -> Entry:
        fragment = self.markdown(event.text, "the event's text")
        cite = Note(tuple(c.key for c in event.cite)) if event.cite else None
        return Entry(self.when(event.date), fragment, cite, event)

    def annex(self, section: AnnexSection, heading: str | None) -> Annex:
        group = self.doc.groups.get(section.group.key)
        if group is None:  # reported by the loader
            return Annex(section.pos, heading, section.group.key, "", None, None, ())
        members = self.members(group)
        if section.order == "alphabetical":
            members = sorted(members, key=self.fmt.sort_key)
        return Annex(section.pos, heading, group.key, self.prose(group.name, "the group's name") or "",
                     self.when(group.as_of) if group.as_of else None,
                     self.markdown(group.note, "note") if group.note else None, tuple(members))

    def members(self, group: Group) -> list[str]:
        return [self.member(m) for m in group.members]

    def member(self, m: Member) -> str:
        return member_name(m, self.fmt, self.text)


def when(fmt: Formatter, value: DateValue) -> When:
    """A date as the edition writes it, with its ends in ISO 8601 for `<time datetime>`."""
    start, _, end = value.iso.partition("/")
    return When(fmt.date(value), start, end or None)


def member_name(m: Member, fmt: Formatter, pick: Callable[[Localized, str], str]) -> str:
    """A member as every edition shows it: the country's name, or `name (abbr)`."""
    if m.name is None:
        assert m.code is not None
        return fmt.country(m.code)
    name = pick(m.name, "a member's name")
    return f"{name} ({pick(m.abbr, 'abbr')})" if m.abbr else name


def catalog_warnings(lang: str) -> tuple[str, ...]:
    """One warning for a language whose catalog of the template's own words does not exist."""
    if has_catalog(lang):
        return ()
    name = str(locale_of(lang))
    po = f"generator/locale/{name}/LC_MESSAGES/{CATALOG_DOMAIN}.po"
    return (f"{lang}: no catalog for the template's own words ({po}): they are shown in English; "
            f"create it with `pybabel init -D {CATALOG_DOMAIN} -i generator/locale/{CATALOG_DOMAIN}.pot "
            f"-d generator/locale -l {name}` and translate it",)
