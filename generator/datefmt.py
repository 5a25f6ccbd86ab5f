"""Dates as the contract writes them: the precision given, ranges with shared parts written once.

Driven only by CLDR patterns (Babel's `yMMMMd` and `yMMMM` skeletons of the locale), so every
language gets its own word order, month case and year suffix without a rule per language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.dates import format_date, match_skeleton

from .model import DateValue, PartialDate, Precision

EN_DASH = "\u2013"

_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")


@dataclass(frozen=True)
class _Token:
    text: str  # the field letters, or the literal's text
    field: str | None  # the field letter, or None for a literal


def _tokens(pattern: str) -> tuple[_Token, ...]:
    out: list[_Token] = []
    for m in _TOKEN.finditer(pattern):
        raw = m[0]
        if m[1]:
            out.append(_Token(raw, m[1]))
        elif raw.startswith("'"):
            out.append(_Token(raw[1:-1].replace("''", "'") if raw != "''" else "'", None))
        else:
            out.append(_Token(raw, None))
    return tuple(out)


def _quote(tokens: tuple[_Token, ...]) -> str:
    """Back to an LDML pattern that Babel formats (adjacent literals merged into one quote)."""
    out, literal = [], ""
    for t in tokens:
        if t.field:
            if literal:
                out.append("'" + literal.replace("'", "''") + "'")
                literal = ""
            out.append(t.text)
        else:
            literal += t.text
    if literal:
        out.append("'" + literal.replace("'", "''") + "'")
    return "".join(out)


_YEAR, _MONTH, _DAY = "yY", "ML", "d"


def _units(pattern: str) -> list[tuple[str | None, list[_Token]]]:
    """Cut a pattern into units: a field with the literal glued to it (CJK `年`, German `.`).

    The part of a literal before its first space belongs to the field before it, unless it is a
    comma, which separates (`MMMM d, y`).
    """
    units: list[tuple[str | None, list[_Token]]] = []
    for tok in _tokens(pattern):
        if tok.field is None and units and units[-1][0] is not None and len(units[-1][1]) == 1:
            head = re.match(r"[^\s,]*", tok.text)
            glue = head[0] if head else ""
            if glue:
                units[-1][1].append(_Token(glue, None))
            rest = tok.text[len(glue):]
            if rest:
                units.append((None, [_Token(rest, None)]))
        else:
            units.append((tok.field, [tok]))
    return units


@cache
def _pattern(locale: Locale, skeleton: str) -> str:
    key = match_skeleton(skeleton, locale.datetime_skeletons) or skeleton
    return str(locale.datetime_skeletons[key].pattern)


@cache
def _year_pattern(locale: Locale) -> str:
    """The year as the language writes it in a month-and-year date: `y 'г'.`, `y年`, `y`."""
    units = _units(_pattern(locale, "yMMMM"))
    kept = [u for u in units if u[0] is None or u[0] not in _MONTH]
    # Drop the white space that separated the month from the year.
    while kept and kept[0][0] is None and not kept[0][1][0].text.strip():
        kept.pop(0)
    flat: list[_Token] = [t for _, toks in kept for t in toks]
    if flat and flat[-1].field is None and not flat[-1].text.strip():
        flat.pop()
    # A literal glued to the month (`月`) went with it; one glued to the year stays (`年`).
    return _quote(tuple(flat)).strip()


class DateFormatter:
    """Formats `DateValue`s for one locale."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self._patterns = {
            Precision.DAY: _pattern(locale, "yMMMMd"),
            Precision.MONTH: _pattern(locale, "yMMMM"),
            Precision.YEAR: _year_pattern(locale),
        }

    def format(self, value: DateValue) -> str:
        pattern = self._patterns[value.precision]
        if value.end is None:
            return self._fmt(pattern, value.start)
        return self._range(pattern, value.start, value.end)

    def _fmt(self, pattern: str, d: PartialDate) -> str:
        return str(format_date(d.first, pattern, locale=self.locale))

    def _range(self, pattern: str, start: PartialDate, end: PartialDate) -> str:
        differs = set()
        if start.year != end.year:
            differs.add("y")
        if start.month != end.month:
            differs.add("M")
        if start.day != end.day:
            differs.add("d")
        units = _units(pattern)
        letters = {"y": _YEAR, "M": _MONTH, "d": _DAY}
        idx = [i for i, (f, _) in enumerate(units) if f and any(f in letters[k] for k in differs)]
        if "y" in differs or not idx:
            # Nothing above the day and month is shared: both ends in full.
            return self._join(self._fmt(pattern, start), self._fmt(pattern, end))
        lo, hi = min(idx), max(idx)
        span = _quote(tuple(t for _, toks in units[lo : hi + 1] for t in toks))
        before = _quote(tuple(t for _, toks in units[:lo] for t in toks))
        after = _quote(tuple(t for _, toks in units[hi + 1 :] for t in toks))
        head = self._fmt(before, end) if before else ""
        tail = self._fmt(after, end) if after else ""
        return head + self._join(self._fmt(span, start), self._fmt(span, end)) + tail

    @staticmethod
    def _join(a: str, b: str) -> str:
        # `12–16`, `May–June`, but `30 May – 2 June`: a dash between words that have spaces
        # inside is spaced, so that it reads as joining the whole expressions.
        spaced = any(ch.isspace() for ch in a.strip() + b.strip())
        return f"{a.strip()} {EN_DASH} {b.strip()}" if spaced else f"{a.strip()}{EN_DASH}{b.strip()}"


def iso_date(d: dt.date) -> str:
    return d.isoformat()
