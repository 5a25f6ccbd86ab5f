"""Translating the data: PO files out and in, and translations that went stale.

Translators work in PO tools (Poedit, Weblate, OmegaT), not in YAML. `export` writes one PO file
per document and language, one entry per localized value, its data path as the context;
`import` writes translations back into the YAML by replacing only the characters of the values
it changes, so comments, key order, quoting and layout of everything else stay as they were.

A fingerprint of the source-language text is kept for every translation in a file beside the
data file (`<id>.i18n.json`): when the source text changes, its translations are stale.
"""

from __future__ import annotations

import gettext
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polib
import yaml
from babel.messages.plurals import get_plural

from .errors import DataError, Position, Problem
from .i18n import locale_of
from .markup import parse
from .model import Text
from .reading import TooLarge, content_digest, read_capped
from .yamltree import MAX_FILE_BYTES, Mapping, Node, Scalar, Sequence, read, read_text

PLURAL_ORDER = ("zero", "one", "two", "few", "many", "other")


# --- the localized values of a data file -------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One localized value of a data file: where it is, what kind, and its YAML node."""

    path: str  # e.g. sections[2].text, sources['A/RES/61/180'].title
    kind: str  # "L", "LM" (Markdown) or "LP" (plural forms)
    node: Mapping  # language → text (or → plural forms)

    def source(self, lang: str) -> str | dict[str, str] | None:
        return _value(self.node.get(lang), self.kind)

    def fingerprint_text(self, lang: str) -> str | None:
        value = self.source(lang)
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, dict) else value


def _value(node: Node | None, kind: str) -> str | dict[str, str] | None:
    if isinstance(node, Scalar) and not node.is_null:
        return node.value if kind != "LP" else {"other": node.value}
    if kind == "LP" and isinstance(node, Mapping):
        return {k.value: v.value for k, v in node.items if isinstance(v, Scalar)}
    return None


def units(root: Mapping) -> Iterator[Unit]:
    """Every localized value written as a mapping of languages (a plain text needs no translation)."""

    def unit(parent: Node | None, key: str, path: str, kind: str) -> Iterator[Unit]:
        node = parent.get(key) if isinstance(parent, Mapping) else None
        if isinstance(node, Mapping):
            yield Unit(path, kind, node)

    def mapping_items(node: Node | None) -> Iterator[tuple[str, Node]]:
        if isinstance(node, Mapping):
            yield from ((k.value, v) for k, v in node.items)

    def seq(node: Node | None) -> Iterator[tuple[int, Node]]:
        if isinstance(node, Sequence):
            yield from enumerate(node.items)

    for key in ("title", "subtitle", "issuer"):
        yield from unit(root, key, key, "L")
    for key, src in mapping_items(root.get("sources")):
        yield from unit(src, "title", f"sources[{key!r}].title", "L")
        yield from unit(src, "publisher", f"sources[{key!r}].publisher", "L")
    for key, group in mapping_items(root.get("groups")):
        yield from unit(group, "name", f"groups[{key!r}].name", "L")
        yield from unit(group, "note", f"groups[{key!r}].note", "LM")
        members = group.get("members") if isinstance(group, Mapping) else None
        for i, member in seq(members):
            yield from unit(member, "name", f"groups[{key!r}].members[{i}].name", "L")
            yield from unit(member, "abbr", f"groups[{key!r}].members[{i}].abbr", "L")
    for i, event in seq(root.get("events")):
        yield from unit(event, "text", f"events[{i}].text", "LM")
    for i, section in seq(root.get("sections")):
        yield from unit(section, "heading", f"sections[{i}].heading", "L")
        yield from unit(section, "text", f"sections[{i}].text", "LM")
        facts = section.get("facts") if isinstance(section, Mapping) else None
        for j, fact in seq(facts):
            yield from unit(fact, "label", f"sections[{i}].facts[{j}].label", "LP")


def languages(root: Mapping) -> list[str]:
    node = root.get("languages")
    return [n.value for n in node.items if isinstance(n, Scalar)] if isinstance(node, Sequence) else []


# --- fingerprints ------------------------------------------------------------------------------


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def sidecar(data: Path) -> Path:
    return data.with_name(data.stem + ".i18n.json")


Fingerprints = dict[str, dict[str, dict[str, str]]]  # path → language → {fingerprint, source}


def read_fingerprints(data: Path, display: str | None = None) -> Fingerprints:
    """The fingerprints kept beside `data` (none when there is no sidecar); DataError, naming the
    sidecar as `display` names the data, when it cannot be read as one."""
    return read_record(data, display)[0]


def read_record(data: Path, display: str | None = None) -> tuple[Fingerprints, str]:
    """The same, and the digest of the bytes read (`absent` without a sidecar), as plan.py
    fingerprints a file."""
    path = sidecar(data)
    start = Position(str(sidecar(Path(display))) if display else str(path), 1, 1)
    try:
        raw = read_capped(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        return {}, "absent"
    except TooLarge as e:
        raise DataError([Problem(start, f"the translations' record is {e.size:,} bytes; it may have at "
                                        f"most {MAX_FILE_BYTES:,}")]) from None
    except OSError as e:
        raise DataError([Problem(start, f"cannot read the translations' record: {e.strerror}")]) from None
    try:
        loaded = json.loads(raw.decode("utf-8"))
    except ValueError as e:
        where = Position(start.file, e.lineno, e.colno) if isinstance(e, json.JSONDecodeError) else start
        raise DataError([Problem(where, "the translations' record is damaged (not JSON in UTF-8): "
                                        "restore it from version control, or delete it (then no "
                                        "translation is known to be stale)")]) from None
    return (loaded if isinstance(loaded, dict) else {}), content_digest(raw)


def _write_fingerprints(data: Path, prints: Fingerprints) -> None:
    from .output import write_atomic

    text = json.dumps(prints, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    write_atomic(sidecar(data), text.encode("utf-8"))


@dataclass(frozen=True)
class State:
    unit: Unit
    lang: str
    translated: bool
    stale: bool
    previous: str | None  # the source text the translation was made from, when stale


def states(data: Path, display: str, lang: str,
           prints: Fingerprints | None = None) -> tuple[str, list[State]]:
    """The source language, and the state of each value's translation into `lang` (`prints`:
    the sidecar's fingerprints, read already)."""
    root, _ = read(data, display)
    langs = languages(root)
    if not langs:
        raise DataError([Problem(root.pos, "languages must list the document's languages")])
    source = langs[0]
    if prints is None:
        prints = read_fingerprints(data, display)
    out = []
    for u in units(root):
        src = u.fingerprint_text(source)
        if src is None:
            continue
        kept = prints.get(u.path, {}).get(lang)
        stale = kept is not None and kept.get("fingerprint") != fingerprint(src)
        out.append(State(u, lang, u.source(lang) is not None, stale,
                         kept.get("source") if kept and stale else None))
    return source, out


def stale_problems(data: Path, display: str, langs: list[str],
                   prints: Fingerprints | None = None) -> list[Problem]:
    """A place and a message for each translation whose source text changed after it was made."""
    if prints is None:
        prints = read_fingerprints(data, display)
    problems = []
    for lang in langs[1:]:
        source, found = states(data, display, lang, prints)
        for s in found:
            if s.stale and s.translated:
                target = s.unit.node.get(lang)
                pos = target.pos if target is not None else s.unit.node.pos
                problems.append(Problem(pos, f"the {lang} text of {s.unit.path} is stale: its {source} "
                                             "source changed after it was translated"))
    return problems


# --- export ------------------------------------------------------------------------------------


@cache
def _index_categories(lang: str) -> tuple[str, ...]:
    """The CLDR plural category of each gettext plural index of a language."""
    header = str(get_plural(locale_of(lang)).plural_expr)
    expr = gettext.c2py(header)
    locale = locale_of(lang)
    count = get_plural(locale).num_plurals
    cats: list[str] = ["other"] * count
    seen: set[int] = set()
    # Small numbers, then the large round ones some rules single out (French `many`: 1 000 000).
    for n in [*range(0, 1000), *(10**k for k in range(3, 10))]:
        i = expr(n)
        if i not in seen and i < count:
            seen.add(i)
            cats[i] = str(locale.plural_form(n))
    return tuple(cats)


def export(data: Path, lang: str, to: Path, display: str | None = None) -> Path:
    display = display or str(data)
    if (problem := _language_problem(lang)) is not None:
        raise DataError([Problem(Position(display, 1, 1), problem)])
    source, found = states(data, display, lang)
    plural = get_plural(locale_of(lang))
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": data.stem,
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": f"nplurals={plural.num_plurals}; plural={plural.plural_expr};",
        "X-Factsheet-Data": os.path.relpath(data.resolve(), to.resolve()),
        "X-Factsheet-Source-Language": source,
    }
    for s in found:
        u = s.unit
        src_node = u.node.get(source)
        assert src_node is not None
        entry = polib.POEntry(msgctxt=u.path, occurrences=[(display, str(src_node.pos.line))])
        if u.kind == "LM":
            entry.comment = "Markdown: keep every [@key] citation and ^[...] footnote, in the same order."
        value = u.source(source)
        target = u.source(lang) if s.translated else None
        if isinstance(value, dict):
            entry.msgid = value.get("one", value["other"])
            entry.msgid_plural = value["other"]
            cats = _index_categories(lang)
            forms = target if isinstance(target, dict) else {}
            entry.msgstr_plural = {i: forms.get(c, forms.get("other", "")) for i, c in enumerate(cats)}
        else:
            entry.msgid = str(value)
            entry.msgstr = str(target) if isinstance(target, str) else ""
        if s.stale:
            entry.flags.append("fuzzy")
            entry.previous_msgid = s.previous
        po.append(entry)
    to.mkdir(parents=True, exist_ok=True)
    out = to / f"{data.stem}.{lang}.po"
    from .output import write_atomic

    write_atomic(out, str(po).encode("utf-8"))
    return out


def _language_problem(lang: str) -> str | None:
    try:
        locale_of(lang)
    except ValueError as e:
        return str(e)
    return None


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    data: Path
    lang: str
    changed: tuple[str, ...]  # the data paths whose translation changed


def import_po(po_path: Path) -> Imported:
    """Write the PO file's translations into its data file; DataError names every bad entry."""
    po = polib.pofile(str(po_path), wrapwidth=0)
    where = str(po_path)
    rel = po.metadata.get("X-Factsheet-Data")
    lang = po.metadata.get("Language", "")
    if not rel or not lang:
        raise DataError([Problem(Position(where, 1, 1), "not a factsheet PO file: its header has no "
                                                        "X-Factsheet-Data or Language; export it again")])
    data = (po_path.parent / rel).resolve()
    display = os.path.relpath(data)
    text = data.read_text("utf-8")
    root, _ = read(data, display)
    source = languages(root)[0]
    by_path = {u.path: u for u in units(root)}
    spans = _Spans(text)
    edits: list[tuple[int, int, str]] = []
    problems: list[Problem] = []
    changed: list[str] = []
    prints = read_fingerprints(data, display)
    for entry in po:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
            continue
        place = Position(where, entry.linenum or 1, 1)
        u = by_path.get(entry.msgctxt or "")
        if u is None:
            problems.append(Problem(place, f"entry {entry.msgctxt!r}: no such value in {display}; "
                                           "export again"))
            continue
        current = u.source(source)
        new: str | dict[str, str]
        if isinstance(current, dict):
            cats = _index_categories(lang)
            new = {c: entry.msgstr_plural[i] for i, c in enumerate(cats) if entry.msgstr_plural.get(i)}
            if "other" not in new:
                # Keep the written fractional form; else the form of 2 (`1,5 государства`).
                old = u.source(lang)
                new["other"] = (old.get("other") if isinstance(old, dict) else None) or new.get(
                    str(locale_of(lang).plural_form(2)), next(iter(new.values())))
            src_id = current.get("one", current["other"])
        else:
            new = entry.msgstr
            src_id = current or ""
        if entry.msgid != src_id:
            problems.append(Problem(place, f"entry {u.path!r}: its source text changed since the export "
                                           "(the PO file is out of date); export again"))
            continue
        if u.kind == "LM" and isinstance(new, str) and (bad := _markup_problem(entry.msgid, new)):
            problems.append(Problem(place, f"entry {u.path!r}: {bad}"))
            continue
        if not _same(new, u.source(lang)):
            edits.extend(_edits(spans, u, lang, new))
            changed.append(u.path)
        fp_text = u.fingerprint_text(source)
        assert fp_text is not None
        prints.setdefault(u.path, {})[lang] = {"fingerprint": fingerprint(fp_text), "source": fp_text}
    if problems:
        raise DataError(problems)
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    from .output import write_atomic

    if edits:
        write_atomic(data, text.encode("utf-8"))
    _write_fingerprints(data, prints)
    return Imported(data, lang, tuple(changed))


def _same(new: str | dict[str, str], old: str | dict[str, str] | None) -> bool:
    """Whether a translation says what is written already (a plural falls back to `other`)."""
    if isinstance(new, str) or old is None or isinstance(old, str):
        return new == old
    return all(old.get(c, old.get("other")) == text for c, text in new.items())


def _markup_problem(source: str, translation: str) -> str | None:
    """Citations and footnotes must survive translation: same keys, same order, same notes."""
    def signature(text: str) -> tuple[tuple[str, ...], ...]:
        fragment, _ = parse(Text(text, Position("", 1, 1)), lambda key: True)
        return tuple(n.signature for n in fragment.notes)

    def show(sig: tuple[tuple[str, ...], ...]) -> str:
        return ", ".join("[" + "; ".join("@" + k for k in s[1:]) + "]" if s[0] == "@" else "^[...]"
                         for s in sig) or "none"

    want, got = signature(source), signature(translation)
    if want != got:
        return (f"the translation's citations and footnotes ({show(got)}) differ from the source's "
                f"({show(want)}); keep every [@key] and ^[...] as written")
    return None


class _Spans:
    """Where each YAML node starts and ends in the text, by its start (line, column)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[tuple[int, int], tuple[int, int, yaml.Event]] = {}
        self.ends: dict[tuple[int, int], int] = {}
        stack: list[tuple[int, int]] = []
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            start: Any = event.start_mark
            end: Any = event.end_mark
            key = (start.line + 1, start.column + 1)
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                self.spans[key] = (start.index, end.index, event)
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append(key)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                self.ends[stack.pop()] = start.index

    def of(self, node: Node) -> tuple[int, int, yaml.Event]:
        return self.spans[(node.pos.line, node.pos.column)]

    def value_end(self, node: Node) -> int:
        if isinstance(node, Scalar):
            return self.of(node)[1]
        if not node.items:
            return self.of(node)[1]
        last = node.items[-1][1] if isinstance(node, Mapping) else node.items[-1]
        return self.value_end(last)


def _edits(spans: _Spans, u: Unit, lang: str, new: str | dict[str, str]) -> list[tuple[int, int, str]]:
    target = u.node.get(lang)
    if isinstance(new, dict):
        if isinstance(target, Mapping):
            out = []
            for cat in sorted(new, key=PLURAL_ORDER.index):
                node = target.get(cat)
                if isinstance(node, Scalar):
                    if node.value != new[cat]:
                        out.append(_replace(spans, node, new[cat]))
                else:
                    out.append(_insert(spans, target, cat, new[cat]))
            return out
        forms = ", ".join(f"{c}: {_quoted(new[c])}" for c in sorted(new, key=PLURAL_ORDER.index))
        if isinstance(target, Scalar):
            start, end, _ = spans.of(target)
            return [(start, end, "{" + forms + "}")]
        return [_insert(spans, u.node, lang, "{" + forms + "}", raw=True)]
    if isinstance(target, Scalar):
        return [_replace(spans, target, new)]
    return [_insert(spans, u.node, lang, new)]


def _replace(spans: _Spans, node: Scalar, value: str) -> tuple[int, int, str]:
    start, end, _ = spans.of(node)
    if node.style in ("|", ">"):
        region = spans.text[start:end]
        header, _, body = region.partition("\n")
        header = "|" + header[1:]  # a folded block becomes literal: its lines are the text's own
        tail = len(body) - len(body.rstrip("\n"))
        indent = " " * node.indent
        lines = [indent + line if line else "" for line in value.rstrip("\n").split("\n")]
        return start, end, header + "\n" + "\n".join(lines) + "\n" * max(tail, 1)
    return start, end, _flow(value, node.style, _in_flow(spans, start))


def _in_flow(spans: _Spans, index: int) -> bool:
    line_start = spans.text.rfind("\n", 0, index) + 1
    return "{" in spans.text[line_start:index] or "[" in spans.text[line_start:index]


def _insert(spans: _Spans, mapping: Mapping, key: str, value: str, *,
            raw: bool = False) -> tuple[int, int, str]:
    _, _, event = spans.of(mapping)
    flow = bool(getattr(event, "flow_style", False))
    scalar = value if raw else (_flow(value, None, True) if flow or "\n" not in value.strip("\n")
                                else None)
    if flow:
        at = spans.ends[(mapping.pos.line, mapping.pos.column)]
        return at, at, f", {key}: {scalar}"
    indent = " " * (mapping.items[0][0].pos.column - 1)
    if scalar is None:  # several lines: a literal block under the new key
        body = "\n".join(indent + "  " + line if line else "" for line in value.rstrip("\n").split("\n"))
        scalar = "|\n" + body
    at = spans.value_end(mapping)
    if spans.text[at - 1 : at] == "\n":
        return at, at, f"{indent}{key}: {scalar}\n"
    return at, at, f"\n{indent}{key}: {scalar}"


def _flow(value: str, style: str | None, in_flow: bool) -> str:
    if style == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if style is None and _plain_safe(value, in_flow):
        return value
    return _quoted(value)


def _quoted(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, in block and in flow context.
    return json.dumps(value, ensure_ascii=False)


def _plain_safe(value: str, in_flow: bool) -> bool:
    if not value or value != value.strip() or "\n" in value:
        return False
    # Read back as the loader reads data: a plain `~` or `null` would be no value at all there.
    try:
        root, problems = read_text(f"{{k: {value}}}" if in_flow else f"k: {value}", "")
    except DataError:
        return False
    node = root.get("k")
    return (not problems and len(root.items) == 1 and isinstance(node, Scalar) and node.plain
            and not node.is_null and node.value == value)


# --- status ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    lang: str
    translated: int
    stale: int
    missing: int


def status(data: Path, display: str | None = None) -> list[Status]:
    display = display or str(data)
    root, _ = read(data, display)
    out = []
    for lang in languages(root)[1:]:
        _, found = states(data, display, lang)
        out.append(Status(lang, sum(1 for s in found if s.translated and not s.stale),
                          sum(1 for s in found if s.translated and s.stale),
                          sum(1 for s in found if not s.translated)))
    return out
