"""Stage 1, load: data files (and their includes) → a validated `Document`.

Every problem of a file is collected before anything is raised, so the author sees all of them
at once, each with its `file:line:column`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import Collector, DataError, Position
from .i18n import country_problem, currency_problem, language_problem
from .model import (
    AnnexSection,
    ChronologySection,
    Citation,
    Document,
    Event,
    Fact,
    FactsSection,
    Group,
    Localized,
    Member,
    Section,
    Source,
    TextSection,
)
from .schema import Reader, invisible_problem
from .yamltree import Mapping, Node, Scalar, Sequence, read_file

UN_SYMBOL = re.compile(r"^[A-Z]+(/[A-Za-z0-9.]+)+( \(\d{4}\))?$")
DOCUMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TEMPLATES = ("factsheet",)
INCLUDE_SUFFIXES = (".yaml", ".yml")

TOP = {"title": True, "subtitle": False, "issuer": False, "date": False, "languages": True,
       "template": False, "paper": False, "include": False, "sources": False, "groups": False,
       "events": False, "sections": True}
SOURCE = {"title": True, "date": False, "publisher": False, "url": False, "symbol": False}
GROUP = {"name": True, "as_of": False, "note": False, "members": True}
MEMBER = {"name": True, "abbr": False, "joined": False, "code": False}
EVENT = {"date": True, "text": True, "cite": False, "tags": False}
SECTION_KINDS = ("text", "chronology", "annex", "facts")
SECTION = {"heading": False, **dict.fromkeys(SECTION_KINDS, False), "order": False}
FILTER = {"tags": False, "from": False, "to": False}
FACT = {"value": True, "label": True, "unit": False}


@dataclass
class _File:
    """One data file as read on its own, before its includes are merged in."""

    path: Path
    display: str
    opened: Path  # `path` as it was named: a link is not resolved
    digest: str  # of the bytes read (reading.content_digest)
    sources: dict[str, Source] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    includes: list[tuple[Path, str, Position]] = field(default_factory=list)
    top: dict[str, object] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    cited: list[Citation] = field(default_factory=list)  # keys named outside Markdown


def load(path: Path | str, display: str | None = None) -> Document:
    """Read a data file and everything it includes; raise DataError with every problem."""
    doc, problems = read_document(path, display)
    problems.raise_if_any()
    assert doc is not None
    return doc


def read_document(path: Path | str, display: str | None = None) -> tuple[Document | None, Collector]:
    """The document as far as it could be read, and every problem found on the way.

    A document with problems is still returned when its file could be parsed, so that later
    stages can report their own problems (a refused link, say) in the same run.
    """
    path = Path(path)
    display = display or str(path)
    problems = Collector()
    loader = _Loader(problems)
    main = loader.file(path, display, ())
    if main is None:
        return None, problems
    closure = loader.closure(main)
    for f in closure[1:]:
        loader.check_in_context(f, loader.closure(f))
    return loader.document(main, closure), problems


class _Loader:
    def __init__(self, problems: Collector) -> None:
        self.problems = problems
        self.files: dict[Path, _File | None] = {}

    # --- one file ------------------------------------------------------------------------------

    def file(self, path: Path, display: str, chain: tuple[Path, ...]) -> _File | None:
        real = path.resolve()
        if real in self.files:
            return self.files[real]
        self.files[real] = None
        try:
            root, found, digest = read_file(path, display)
        except DataError as e:
            self.problems.extend(e.problems)
            return None
        if path.resolve() != real:  # a link pointed elsewhere while it was read: which file's bytes?
            self.problems.add(Position(display, 1, 1), "the file was replaced while it was read; try again")
            return None
        self.problems.extend(found)
        f = _File(real, display, path.absolute(), digest)
        self._read_file(f, root)
        self.files[real] = f
        for inc_path, inc_display, pos in f.includes:
            inc_real = inc_path.resolve()
            if inc_real in (*chain, real):
                names = [self._display(p) for p in (*chain, real)]
                cycle = " → ".join([*names[names.index(self._display(inc_real)):], inc_display])
                self.problems.add(pos, f"include cycle: {cycle}")
                continue
            if not inc_path.is_file():
                self.problems.add(pos, f"included file {inc_display} does not exist")
                continue
            self.file(inc_path, inc_display, (*chain, real))
        return f

    def _display(self, real: Path) -> str:
        f = self.files.get(real)
        return f.display if f else str(real)

    def _read_file(self, f: _File, root: Mapping) -> None:
        problems = self.problems
        lang_node = root.get("languages")
        languages = _languages(lang_node, problems) if lang_node is not None else ()
        r = Reader(problems, languages)
        top = r.mapping(root, "the document", TOP)
        if top is None:
            return
        f.top["languages"] = languages
        f.top["title"] = r.localized(top["title"], "title") if "title" in top else None
        for name in ("subtitle", "issuer"):
            if name in top:
                f.top[name] = r.localized(top[name], name)
        if "date" in top:
            f.top["date"] = r.date(top["date"], "date", full=True)
        f.top["template"] = (r.choice(top["template"], "template", TEMPLATES)
                             if "template" in top else "factsheet")
        f.top["paper"] = r.choice(top["paper"], "paper", ("a4", "letter")) if "paper" in top else "a4"
        for item in r.seq(top["include"], "include") or () if "include" in top else ():
            rel = r.text(item, "an include")
            if rel is not None and not rel.value.endswith(INCLUDE_SUFFIXES):
                # Never read a file that is no data file (/etc/passwd, a key): not even to
                # say that it is not YAML.
                r.error(item.pos, f"include {rel.value!r} refused: an included file is a data "
                                  "file, whose name ends in .yaml")
            elif rel is not None:
                target = f.path.parent / rel.value
                f.includes.append((target, os.path.normpath(os.path.join(os.path.dirname(f.display),
                                                                          rel.value)), item.pos))
        if "sources" in top:
            self._sources(r, f, top["sources"])
        if "groups" in top:
            self._groups(r, f, top["groups"])
        for i, node in enumerate(r.seq(top["events"], "events") or () if "events" in top else ()):
            self._event(r, f, node, i)
        for node in r.seq(top["sections"], "sections") or () if "sections" in top else ():
            self._section(r, f, node)

    def _sources(self, r: Reader, f: _File, node: Node) -> None:
        if not isinstance(node, Mapping):
            r.error(node.pos, "sources must be a mapping of key → source")
            return
        for key, value in node.items:
            if not r.key(key, "a source key"):
                continue
            fields = r.mapping(value, f"source {key.value!r}", SOURCE)
            if fields is None:
                continue
            un = bool(UN_SYMBOL.fullmatch(key.value))
            url = r.text(fields["url"], "url") if "url" in fields else None
            if url is not None and (problem := _url_problem(url.value.strip())):
                r.error(url.pos, f"url {url.value!r} refused: {problem}")
                url = None
            symbol = r.text(fields["symbol"], "symbol") if "symbol" in fields else None
            title = (r.localized(fields["title"], f"the title of source {key.value!r}")
                     if "title" in fields else None)
            f.sources[key.value] = Source(
                key=key.value, pos=key.pos, title=title or Localized(key.pos),
                date=r.date(fields["date"], "date") if "date" in fields else None,
                publisher=r.localized(fields["publisher"], "publisher") if "publisher" in fields else None,
                url=url.value.strip() if url else None,
                symbol=symbol.value.strip() if symbol else (key.value if un else None),
                un_symbol=un and url is None)

    def _groups(self, r: Reader, f: _File, node: Node) -> None:
        if not isinstance(node, Mapping):
            r.error(node.pos, "groups must be a mapping of key → group")
            return
        for key, value in node.items:
            if not r.key(key, "a group key"):
                continue
            fields = r.mapping(value, f"group {key.value!r}", GROUP)
            if fields is None:
                continue
            members = tuple(self._members(r, fields.get("members"), key.value, f))
            name = (r.localized(fields["name"], f"the name of group {key.value!r}")
                    if "name" in fields else None)
            f.groups[key.value] = Group(
                key=key.value, pos=key.pos, name=name or Localized(key.pos),
                as_of=r.date(fields["as_of"], "as_of") if "as_of" in fields else None,
                note=r.localized(fields["note"], "note") if "note" in fields else None,
                members=members)

    def _members(self, r: Reader, node: Node | None, group: str, f: _File) -> list[Member]:
        if node is None:
            return []
        out: list[Member] = []
        codes: dict[str, Position] = {}
        names: dict[str, Position] = {}
        source_lang = r.languages[0] if r.languages else None
        for item in r.seq(node, f"the members of group {group!r}") or ():
            if isinstance(item, Scalar):
                code = r.word(item, "a member")
                if code is None:
                    continue
                problem = country_problem(code)
                if problem:
                    r.error(item.pos, problem)
                    continue
                member = Member(item.pos, code, None)
            else:
                fields = r.mapping(item, "a member", MEMBER)
                if fields is None or "name" not in fields:
                    continue
                code = r.word(fields["code"], "code") if "code" in fields else None
                if code is not None and (problem := country_problem(code)):
                    r.error(fields["code"].pos, problem)
                member = Member(item.pos, code, r.localized(fields["name"], "a member's name"),
                                r.localized(fields["abbr"], "abbr") if "abbr" in fields else None,
                                r.date(fields["joined"], "joined") if "joined" in fields else None)
            if member.code:
                if member.code in codes:
                    r.error(item.pos, f"{member.code} is listed twice in group {group!r} "
                                      f"(first at line {codes[member.code].line})")
                    continue
                codes[member.code] = item.pos
            if member.name and source_lang and (t := member.name.get(source_lang)):
                if t.value in names:
                    r.error(item.pos, f"{t.value!r} is listed twice in group {group!r} "
                                      f"(first at line {names[t.value].line})")
                    continue
                names[t.value] = item.pos
            out.append(member)
        if isinstance(node, Sequence) and not node.items:
            r.error(node.pos, f"group {group!r} has no members; list at least one")
        return out

    def _event(self, r: Reader, f: _File, node: Node, index: int) -> None:
        fields = r.mapping(node, "an event", EVENT)
        if fields is None or "date" not in fields or "text" not in fields:
            return
        date = r.date(fields["date"], "date")
        text = r.localized(fields["text"], "the event's text")
        cite = tuple(self._keys(r, f, fields["cite"], "cite")) if "cite" in fields else ()
        tags = tuple(self._words(r, fields["tags"], "tags")) if "tags" in fields else ()
        if date and text:
            f.events.append(Event(node.pos, date, text, cite, tags, (0, index)))

    def _keys(self, r: Reader, f: _File, node: Node, what: str) -> list[Citation]:
        out = []
        for item in r.seq(node, what) or ():
            word = r.word(item, f"a key in {what}")
            if word is not None:
                out.append(Citation(word, item.pos))
        f.cited.extend(out)
        return out

    def _words(self, r: Reader, node: Node, what: str) -> list[str]:
        return [w for item in r.seq(node, what) or () if (w := r.word(item, f"a word in {what}"))]

    def _section(self, r: Reader, f: _File, node: Node) -> None:
        fields = r.mapping(node, "a section", SECTION)
        if fields is None:
            return
        kinds = [k for k in SECTION_KINDS if k in fields]
        if len(kinds) != 1:
            r.error(node.pos, "a section needs exactly one of text, chronology, annex or facts"
                              + (f" (it has {', '.join(kinds)})" if kinds else ""))
            return
        kind = kinds[0]
        if "order" in fields and kind != "annex":
            r.error(fields["order"].pos, "order may stand only beside annex")
        heading = r.localized(fields["heading"], "heading") if "heading" in fields else None
        value = fields[kind]
        section: Section | None = None
        if kind == "text":
            text = r.localized(value, "the text")
            section = TextSection(node.pos, heading, text) if text else None
        elif kind == "chronology":
            section = self._chronology(r, node.pos, heading, value)
        elif kind == "annex":
            key = r.word(value, "annex")
            order = (r.choice(fields["order"], "order", ("alphabetical", "as-listed"))
                     if "order" in fields else "alphabetical")
            if key is not None and order is not None:
                section = AnnexSection(node.pos, heading, Citation(key, value.pos), order)
        else:
            facts = [self._fact(r, item) for item in r.seq(value, "facts") or ()]
            section = FactsSection(node.pos, heading, tuple(x for x in facts if x))
        if section is not None:
            f.sections.append(section)

    def _chronology(self, r: Reader, pos: Position, heading: Localized | None,
                    node: Node) -> ChronologySection | None:
        fields = r.mapping(node, "a chronology filter", FILTER)
        if fields is None:
            return None
        tags = tuple(self._words(r, fields["tags"], "tags")) if "tags" in fields else ()
        if "tags" in fields and isinstance(fields["tags"], Sequence) and not fields["tags"].items:
            r.error(fields["tags"].pos, "tags of a chronology filter must not be empty; "
                                        "leave tags out to show every event")
        start = r.date(fields["from"], "from") if "from" in fields else None
        end = r.date(fields["to"], "to") if "to" in fields else None
        if start and end and start.first > end.last:
            r.error(fields["from"].pos, f"from ({start.iso}) is after to ({end.iso})")
        return ChronologySection(pos, heading, tags, start, end)

    def _fact(self, r: Reader, node: Node) -> Fact | None:
        fields = r.mapping(node, "a fact", FACT)
        if fields is None or "value" not in fields or "label" not in fields:
            return None
        value = r.number(fields["value"], "value")
        label = r.plural(fields["label"], "label")
        unit = r.word(fields["unit"], "unit") if "unit" in fields else None
        if unit is not None and (problem := currency_problem(unit)):
            r.error(fields["unit"].pos, problem)
        if value is None or label is None:
            return None
        return Fact(node.pos, value, label, unit)

    # --- includes and the whole document --------------------------------------------------------

    def closure(self, f: _File) -> list[_File]:
        """The file and everything it includes, transitively, each once, in the order reached."""
        seen: dict[Path, _File] = {}

        def visit(g: _File) -> None:
            if g.path in seen:
                return
            seen[g.path] = g
            for inc, _, _ in g.includes:
                h = self.files.get(inc.resolve())
                if h is not None:
                    visit(h)

        visit(f)
        return list(seen.values())

    def _merged(self, closure: list[_File]) -> tuple[dict[str, Source], dict[str, Group], list[Event]]:
        sources: dict[str, Source] = {}
        groups: dict[str, Group] = {}
        events: list[Event] = []
        for index, g in enumerate(closure):
            for key, s in g.sources.items():
                if key in sources:
                    self.problems.add(s.pos, f"source {key!r} is also defined at {sources[key].pos}")
                sources.setdefault(key, s)
            for key, grp in g.groups.items():
                if key in groups:
                    self.problems.add(grp.pos, f"group {key!r} is also defined at {groups[key].pos}")
                groups.setdefault(key, grp)
            events.extend(Event(e.pos, e.date, e.text, e.cite, e.tags, (index, e.rank[1]))
                          for e in g.events)
        for key in sorted(sources.keys() & groups.keys()):
            self.problems.add(groups[key].pos, f"{key!r} is both a source (at {sources[key].pos}) "
                                               "and a group; a key may name only one")
        return sources, groups, events

    def check_in_context(self, f: _File, closure: list[_File]) -> None:
        sources, groups, _ = self._merged(closure)
        self._check_keys(f, sources, groups)

    def _check_keys(self, f: _File, sources: dict[str, Source], groups: dict[str, Group]) -> None:
        for c in f.cited:
            if c.key not in sources and c.key not in groups:
                self.problems.add(c.pos, f"unknown source or group {c.key!r}; cite a key defined under "
                                         "sources: or groups:" + _suggest(c.key, (*sources, *groups)))
        for s in f.sections:
            if isinstance(s, AnnexSection) and s.group.key not in groups:
                self.problems.add(s.group.pos, f"unknown group {s.group.key!r}; an annex names a key "
                                               "defined under groups:" + _suggest(s.group.key, tuple(groups)))

    def document(self, main: _File, closure: list[_File]) -> Document:
        sources, groups, events = self._merged(closure)
        self._check_keys(main, sources, groups)
        for g in closure[1:]:
            self._check_keys(g, sources, groups)
        doc_id = main.path.stem
        pos = Position(main.display, 1, 1)
        if not DOCUMENT_ID.fullmatch(doc_id):
            self.problems.add(pos, f"the file name {main.path.name!r} cannot name a document: use "
                                   "letters, digits, '.', '_' and '-' only")
        top = main.top
        return Document(
            id=doc_id, path=main.path, display=main.display, pos=pos,
            languages=top.get("languages", ()),  # type: ignore[arg-type]
            title=top.get("title") or Localized(pos),  # type: ignore[arg-type]
            subtitle=top.get("subtitle"),  # type: ignore[arg-type]
            issuer=top.get("issuer"),  # type: ignore[arg-type]
            date=top.get("date"),  # type: ignore[arg-type]
            template=top.get("template") or "factsheet",  # type: ignore[arg-type]
            paper=top.get("paper") or "a4",  # type: ignore[arg-type]
            sources=sources, groups=groups,
            events=tuple(sorted(events, key=_event_order)),
            sections=tuple(main.sections),
            files=tuple(g.path for g in closure),
            opened=tuple(g.opened for g in closure),
            digests=tuple(g.digest for g in closure),
            displays=tuple(g.display for g in closure))


def _url_problem(url: str) -> str | None:
    """Why a source's url cannot be shown as a link, or None."""
    if not url.lower().startswith(("http://", "https://")):
        return "a source's url must be http or https"
    parts = urlsplit(url)
    if not parts.hostname or any(c.isspace() or not c.isprintable() for c in url):
        return "a source's url must be an absolute http or https address, without spaces"
    return None


def _suggest(key: str, names: tuple[str, ...]) -> str:
    import difflib  # here: only a misspelt key pays for it

    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _event_order(e: Event) -> tuple[object, ...]:
    # By the start of the period; the coarser precision first; then as written, this file first.
    return (e.date.first, e.date.precision, e.rank)


def _languages(node: Node, problems: Collector) -> tuple[str, ...]:
    if not isinstance(node, Sequence) or not node.items:
        problems.add(node.pos, "languages must be a non-empty list of language codes, such as [en, ru]")
        return ()
    out: list[str] = []
    for item in node.items:
        if not isinstance(item, Scalar) or item.is_null:
            problems.add(item.pos, "a language must be a code such as en or ru")
            continue
        code = item.value.strip()
        problem = invisible_problem(item, "language") or language_problem(code)
        if problem is not None:
            problems.add(item.pos, problem)
        elif code in out:
            problems.add(item.pos, f"language {code!r} is listed twice")
        else:
            out.append(code)
    return tuple(out)

