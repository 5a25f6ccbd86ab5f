"""Typed readers for the data format's value kinds (L, LM, LP, D, lists, keys), with messages.

Each reader takes a node, returns the value or None, and records every problem in a Collector,
so that a whole file is checked in one pass and all of its problems are reported at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from .errors import Collector, Position
from .i18n import language_problem, plural_categories
from .model import DateValue, Localized, Plural, PluralForms, Precision, Text
from .yamltree import Mapping, Node, Scalar, Sequence, kind_of

T = TypeVar("T")

# Characters that make two keys look the same, or text run the other way, without being seen.
_INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_NUMBER = re.compile(r"[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?")


MAX_TEXT = 100_000  # characters of one text: about 40 printed pages
MAX_REPORTED = 200  # problems of one document; a hostile file could otherwise hold 100,000s


class Reader:
    def __init__(self, problems: Collector, languages: tuple[str, ...]) -> None:
        self.problems = problems
        self.languages = languages
        self.stopped = False

    @property
    def full(self) -> bool:
        return len(self.problems.problems) >= MAX_REPORTED

    def error(self, pos: Position, message: str) -> None:
        if not self.full:
            self.problems.add(pos, message)
        elif not self.stopped:
            self.stopped = True
            self.problems.add(pos, f"more than {MAX_REPORTED} problems; the others are not shown")

    # --- structure ---------------------------------------------------------------------------

    def mapping(self, node: Node, what: str, fields: dict[str, bool]) -> dict[str, Node] | None:
        """A mapping with only `fields` (name → required); unknown keys get a suggestion."""
        if not isinstance(node, Mapping):
            self.error(node.pos, f"{what} must be a mapping, not {kind_of(node)}")
            return None
        out: dict[str, Node] = {}
        for key, value in node.items:
            if key.value not in fields:
                if not self.full:  # the suggestion costs a comparison with every field
                    self.error(key.pos, unknown_key(key.value, fields, what))
                else:
                    self.error(key.pos, "")
                continue
            out[key.value] = value
        for name, required in fields.items():
            if required and (name not in out or _null(out[name])):
                self.error(node.pos if name not in out else out[name].pos,
                           f"{what} needs {name!r}")
                out.pop(name, None)
            elif name in out and _null(out[name]):
                del out[name]
        return out

    def seq(self, node: Node, what: str) -> tuple[Node, ...] | None:
        if not isinstance(node, Sequence):
            self.error(node.pos, f"{what} must be a list, not {kind_of(node)}")
            return None
        return node.items

    def key(self, node: Scalar, what: str) -> bool:
        problem = invisible_problem(node, what)
        if problem:
            self.error(node.pos, problem)
            return False
        if not node.value.strip():
            self.error(node.pos, f"{what} must not be empty")
            return False
        return True

    # --- scalars -----------------------------------------------------------------------------

    def text(self, node: Node, what: str) -> Text | None:
        if not isinstance(node, Scalar) or node.is_null:
            self.error(node.pos, f"{what} must be text, not {kind_of(node)}")
            return None
        if len(node.value) > MAX_TEXT:
            # Markdown parsing of a pathological text takes time in proportion to its length.
            self.error(node.pos, f"{what} is {len(node.value):,} characters long; a text may have "
                                 f"at most {MAX_TEXT:,}")
            return None
        return text_of(node)

    def word(self, node: Node, what: str) -> str | None:
        t = self.text(node, what)
        if t is None:
            return None
        if not self.key(node, what):  # type: ignore[arg-type]
            return None
        return t.value.strip()

    def choice(self, node: Node, what: str, choices: tuple[str, ...]) -> str | None:
        value = self.word(node, what)
        if value is not None and value not in choices:
            self.error(node.pos, f"{what} must be one of {', '.join(choices)}, not {value!r}")
            return None
        return value

    def number(self, node: Node, what: str) -> Decimal | None:
        if not isinstance(node, Scalar) or not node.plain or not _NUMBER.fullmatch(node.value):
            self.error(node.pos, f"{what} must be a number such as 400 or 12.5 (unquoted, no "
                                 f"leading zeros), not {kind_of(node)}")
            return None
        try:
            return Decimal(node.value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            self.error(node.pos, f"{what} is not a number")
            return None

    def date(self, node: Node, what: str, *, full: bool = False) -> DateValue | None:
        if not isinstance(node, Scalar) or node.is_null:
            self.error(node.pos, f"{what} must be a date such as 2006-12-20, not {kind_of(node)}")
            return None
        try:
            value = DateValue.parse(node.value.strip())
        except ValueError as e:
            self.error(node.pos, f"{what}: {e}")
            return None
        if full and (value.end is not None or value.precision != Precision.DAY):
            self.error(node.pos, f"{what} must be a full date such as 2006-12-20, not {node.value!r}")
            return None
        return value

    # --- localized values ----------------------------------------------------------------------

    def localized(self, node: Node, what: str) -> Localized | None:
        """L and LM: a plain text for every language, or a mapping language → text."""
        if isinstance(node, Scalar):
            t = self.text(node, what)
            return Localized(node.pos, everywhere=t) if t else None
        texts = self._by_language(node, what, lambda n, w, _: self.text(n, w))
        return Localized(node.pos, texts=texts) if texts is not None else None

    def plural(self, node: Node, what: str) -> Plural | None:
        """LP: a plain text, or per language a plain text or a mapping plural category → text."""
        if isinstance(node, Scalar):
            t = self.text(node, what)
            return Plural(node.pos, everywhere=PluralForms(node.pos, {"other": t})) if t else None
        langs = self._by_language(node, what, self._forms)
        return Plural(node.pos, langs=langs) if langs is not None else None

    def _forms(self, node: Node, what: str, lang: str) -> PluralForms | None:
        if isinstance(node, Scalar):
            t = self.text(node, what)
            return PluralForms(node.pos, {"other": t}) if t else None
        if not isinstance(node, Mapping):
            self.error(node.pos, f"{what} must be text or a mapping of plural forms, not {kind_of(node)}")
            return None
        allowed = plural_categories(lang)
        order = ("zero", "one", "two", "few", "many", "other")
        forms: dict[str, Text] = {}
        for key, value in node.items:
            if key.value not in order:
                self.error(key.pos, f"{key.value!r} is not a CLDR plural category; expected one of "
                                    + ", ".join(c for c in order if c in allowed))
            elif key.value not in allowed:
                self.error(key.pos, f"the language {lang!r} has no plural category {key.value!r}; "
                                    "its categories are "
                                    + ", ".join(c for c in order if c in allowed))
            else:
                t = self.text(value, f"{what} {key.value}")
                if t:
                    forms[key.value] = t
        if "other" not in forms:
            self.error(node.pos, f"{what} needs the plural category 'other'")
            return None
        return PluralForms(node.pos, forms)

    def _by_language(self, node: Node, what: str,
                     read: Callable[[Node, str, str], T | None]) -> dict[str, T] | None:
        if not isinstance(node, Mapping):
            self.error(node.pos, f"{what} must be text or a mapping of language to text, "
                                 f"not {kind_of(node)}")
            return None
        out: dict[str, T] = {}
        for key, value in node.items:
            problem = invisible_problem(key, "language") or language_problem(key.value)
            if problem:
                self.error(key.pos, problem)
                continue
            item = read(value, f"{what} ({key.value})", key.value)
            if item is not None:
                out[key.value] = item
        for lang in self.languages:
            if lang not in out and lang not in _codes(node):
                self.error(node.pos, missing_translation(what, lang))
        return out


def invisible_problem(node: Scalar, what: str) -> str | None:
    """A key, code or id holding a character that hides (zero-width) or turns text around (bidi)."""
    bad = _INVISIBLE.search(node.value)
    if not bad:
        return None
    return (f"{what} {node.value!r} holds the invisible character U+{ord(bad[0]):04X} "
            f"({unicodedata.name(bad[0], 'control')}); remove it")


def missing_translation(what: str, lang: str) -> str:
    return (f"{what} has no text for {lang!r}; every edition needs one (add {lang}: ..., "
            "or write one plain text for every language)")


def unknown_key(key: str, fields: dict[str, bool] | tuple[str, ...], what: str) -> str:
    names = list(fields)
    import difflib  # here: only a misspelt key pays for it

    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown key {key!r} in {what}{hint} (expected: {', '.join(names)})"


def text_of(node: Scalar) -> Text:
    return Text(node.value, node.pos, node.style == "|", node.indent)


def _codes(node: Mapping) -> set[str]:
    return {k.value for k, _ in node.items}


def _null(node: Node) -> bool:
    return isinstance(node, Scalar) and node.is_null
