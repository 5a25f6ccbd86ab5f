"""Typography of the data's texts, per language: quotes, dashes, no-break spaces, ranges.

Driven by `RULES`, one row of data per language (a new language is a new row, never a branch in
code). The rules touch only prose: document symbols (`A/RES/61/180`), links, e-mail addresses
and numbers with digits on both sides of a sign are left exactly as written, and in Markdown
only text is typeset: code spans, citations and link targets are not text (`typeset_tokens`).

A text may come in parts (the text tokens of one Markdown paragraph, split by emphasis or links):
quotes are paired across the parts, and every change stays in the part it belongs to.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from babel import Locale
from markdown_it.token import Token

NBSP = "\u00a0"  # NO-BREAK SPACE
NNBSP = "\u202f"  # NARROW NO-BREAK SPACE
WJ = "\u2060"  # WORD JOINER: no line break on either side
LRI, PDI = "\u2066", "\u2069"  # LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE
EN_DASH = "\u2013"
EM_DASH = "\u2014"
APOSTROPHE = "\u2019"


@dataclass(frozen=True)
class Rules:
    """The typographic conventions of one language."""

    quotes: str = "“”‘’"  # outer open, outer close, inner open, inner close
    quote_padding: str = ""  # the space kept inside the outer quotes (French « … »)
    space_before: str = ""  # punctuation set apart from the word before it (French ; : ! ?)
    colon_space: str = NBSP  # the space before `:` when `space_before` has it
    punct_space: str = NNBSP  # the space before the other signs of `space_before`
    dash: str = EN_DASH  # the dash between words (a spaced hyphen, `--` or a spaced dash)
    short_words: frozenset[str] = frozenset()  # one-letter words kept on the line of the next word
    # Words that stay with the number before them (`2006 г.`, `5 млн`) or after them (`p. 5`).
    units: frozenset[str] = frozenset()
    number_signs: frozenset[str] = frozenset({"№", "§", "No.", "Nos."})
    group_space: str | None = None  # `50 000` written with a space is grouped with this space
    isolate: bool = False  # right-to-left text: symbols and links isolated as left-to-right
    # Scripts without spaces may break between any two characters, a footnote call included:
    # a WORD JOINER keeps the call to the character before it.
    join_calls: bool = False
    # Dates written without month names, as the language writes them (`2006年12月20日`): a
    # regular expression, kept on one line in print (`unbreakable`) like dates with month names.
    dates: str = ""
    # Month names in forms CLDR does not list (the Russian prepositional `в октябре 2012 г.`),
    # besides its format and stand-alone ones.
    months: frozenset[str] = frozenset()
    # The punctuation between the parts of a footnote's reference (symbol, title, date; a
    # group's name and its members; two references), and before its link.
    comma: str = ", "
    semicolon: str = "; "
    colon: str = ": "
    stop: str = ". "


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# `2006年12月20日`, `2014年5月12日–16日`, `2010年5月–6月`: a line may break between any two of
# these characters, digits included.
_CJK_DATE = (r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?"
             r"(?:[–-](?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?<![–-]))?(?<=[年月日])")

# Chinese, and with their own quotes Japanese: full-width signs carry their own space.
_CJK = Rules(quotes="“”‘’", number_signs=frozenset({"№", "§"}), join_calls=True, dates=_CJK_DATE,
             comma="，", semicolon="；", colon="：", stop="。")

_SLAVIC_SHORT = _words("в к с о у и а я В К С О У И А Я")
# After a number, never at the start of a line: units and their abbreviations, the year written
# out (`в 2007 году`, `2007 года`), the month of a day (`20 декабря`).
_RU_UNITS = _words("г. гг. в. вв. млн млрд тыс. трлн руб. долл. чел. км м кг т л % "
                   "год года году годом годе годы годов годам годами годах лет "
                   "января февраля марта апреля мая июня июля августа сентября октября ноября декабря")

# One row per language (CLDR language code, or full locale where a variant differs).
RULES: dict[str, Rules] = {
    "en": Rules(units=frozenset({"%", "km", "kg", "per cent"}),
                number_signs=frozenset({"№", "§", "No.", "Nos.", "p.", "pp.", "para.", "paras."})),
    "en_US": Rules(dash=EM_DASH),
    "ru": Rules(quotes="«»„“", dash=EM_DASH, short_words=_SLAVIC_SHORT, units=_RU_UNITS,
                number_signs=frozenset({"№", "§", "п.", "ст.", "с.", "гл.", "т."}),
                months=_words("январе феврале марте апреле мае июне июле августе сентябре октябре "
                              "ноябре декабре")),
    "be": Rules(quotes="«»„“", dash=EM_DASH,
                short_words=_words("у ў і а з в о У Ў І А З В О"),
                units=_words("г. гг. ст. млн млрд тыс. руб. км кг %"),
                months=_words("студзені лютым сакавіку красавіку траўні чэрвені ліпені жніўні верасні "
                              "кастрычніку лістападзе снежні")),
    "uk": Rules(quotes="«»„“", dash=EM_DASH,
                short_words=_words("в у з і й а о В У З І Й А О"),
                units=_words("р. рр. ст. млн млрд тис. грн км кг %")),
    "bg": Rules(quotes="„“’’", dash=EM_DASH, short_words=_words("в с и а у В С И А У")),
    "pl": Rules(quotes="„”«»", short_words=_words("a i o u w z A I O U W Z")),
    "cs": Rules(quotes="„“‚‘", short_words=_words("a i k o s u v z A I K O S U V Z")),
    "sk": Rules(quotes="„“‚‘", short_words=_words("a i k o s u v z A I K O S U V Z")),
    "fr": Rules(quotes="«»“”", quote_padding=NNBSP, space_before=";:!?", semicolon=f"{NNBSP}; ",
                colon=f"{NBSP}: ",
                units=frozenset({"%", "km", "kg", "€", "$"}),
                number_signs=frozenset({"№", "§", "n°", "nos", "p."})),
    "fr_CH": Rules(quotes="«»‹›"),
    "de": Rules(quotes="„“‚‘", units=frozenset({"%", "km", "kg", "Mio.", "Mrd."}),
                number_signs=frozenset({"№", "§", "Nr.", "S."})),
    "de_CH": Rules(quotes="«»‹›"),
    "es": Rules(quotes="«»“”", dash=EM_DASH),
    "it": Rules(quotes="«»“”"),
    "pt": Rules(quotes="«»“”"),
    "nl": Rules(quotes="“”‘’"),
    "sv": Rules(quotes="””’’", units=frozenset({"%", "km", "kg", "kr"})),
    "fi": Rules(quotes="””’’"),
    "da": Rules(quotes="„“‚‘"),
    "nb": Rules(quotes="«»‘’"),
    "ar": Rules(quotes="«»“”", comma="، ", semicolon="؛ "),
    "he": Rules(quotes="”״’׳"),
    "zh": _CJK,
    "zh_Hant": replace(_CJK, quotes="「」『』"),
    "ja": replace(_CJK, quotes="「」『』", comma="、"),
}


@cache
def rules_for(locale: Locale) -> Rules:
    """The language's rules: its own row, else its language's, else the international default."""
    for name in (str(locale), f"{locale.language}_{locale.script}" if locale.script else "",
                 f"{locale.language}_{locale.territory}" if locale.territory else "",
                 locale.language):
        if name in RULES:
            rules = RULES[name]
            break
    else:
        rules = Rules()
    group = locale.number_symbols.get("latn", {}).get("group", ",")
    if group.isspace() and rules.group_space is None:
        rules = replace(rules, group_space=group)
    if locale.character_order == "right-to-left":
        rules = replace(rules, isolate=True)
    return rules


_SYMBOL = r"(?<![\w/])[A-Z]+(?:/[A-Za-z0-9.\-]*[A-Za-z0-9])+(?: \(\d{4}\))?"


@cache
def unbreakable(locale: Locale) -> re.Pattern[str]:
    """What a line must never break nor hyphenate, in text of the language: document symbols
    (`A/RES/61/180` breaks after a slash) and dates (`30 July 2010`, `май–июнь 2010`,
    `20. Dezember 2006`, `July 30, 2010`), found by the language's month names (Babel's)."""
    rules = rules_for(locale)
    months = {name for context in ("format", "stand-alone") for width in ("wide", "abbreviated")
              for name in locale.months[context][width].values()} | rules.months
    month = "(?:" + "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True)) + ")"
    space = "[ \u00a0\u202f]"
    day = r"\d{1,2}\.?(?:[–-]\u2060?\d{1,2}\.?)?"  # the range's word joiner: `_dashes`
    alternatives = [
        _SYMBOL,
        rf"(?<![\w.])(?:{day}{space})?{month}(?:[–-]{month})?{space}\d{{4}}(?!\d)",  # day month year
        rf"(?<![\w.]){month}{space}\d{{1,2}},{space}\d{{4}}(?!\d)",  # month day, year
    ]
    if rules.dates:
        alternatives.append(rules.dates)
    return re.compile("|".join(alternatives))


# --- the engine --------------------------------------------------------------------------------

OPAQUE = "\ue000"  # stands for what is not text inside a paragraph (code, a footnote call)

# What is never typeset: document symbols, links, e-mail addresses; each with what it cannot match
# without. A text is searched for those it may hold only: an alternative that matches nowhere in
# a text changes none of the others' matches, and the e-mail addresses' tries every position.
_PROTECTED = (
    ("/", _SYMBOL),
    (":", r"\b(?:https?|ftp|mailto):[^\s<>\"«»]*[^\s<>\"«».,;:!?)]"),
    ("www.", r"\bwww\.[^\s<>\"«»]*[^\s<>\"«».,;:!?)]"),
    ("@", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("<", r"</?[A-Za-z][^<>\n]*>"),  # raw HTML, shown as text exactly as written
)


@cache
def _protected_pattern(present: tuple[bool, ...]) -> re.Pattern[str] | None:
    alternatives = [pattern for (_, pattern), here in zip(_PROTECTED, present, strict=True) if here]
    return re.compile("|".join(alternatives)) if alternatives else None


def _protected(text: str) -> list[re.Match[str]]:
    pattern = _protected_pattern(tuple(needle in text for needle, _ in _PROTECTED))
    return list(pattern.finditer(text)) if pattern else []

_SPACES = " \u00a0\u202f\u2009"
_CLOSERS = set(".,;:!?)]}»›…" + "。，；：！？）") | {OPAQUE}
_OPENERS = set("([{<«‹„‚“‘—–-/" + _SPACES + "\n\t")


@dataclass
class _Text:
    """The characters of a text, each with the part it came from and whether it may change.

    `parts` never decreases along the text: each part's characters are one run (`sub` gives a
    replacement the part of its first character, which lies between those of its neighbours).
    """

    chars: list[str] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)
    fixed: list[bool] = field(default_factory=list)
    span: list[int] = field(default_factory=list)  # the protected span a character belongs to, or -1
    joined: str | None = None  # `chars` joined, until they change (most passes change nothing)

    def __str__(self) -> str:
        if self.joined is None:
            self.joined = "".join(self.chars)
        return self.joined

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> None:
        """Replace every match that touches no fixed character (an empty match inserts)."""
        matches = list(pattern.finditer(str(self)))
        if not matches:
            return
        self.joined = None
        for m in reversed(matches):
            a, b = m.span()
            inside = a == b and 0 < a < len(self.fixed) and self.fixed[a - 1] and self.fixed[a]
            if inside or any(self.fixed[a:b]):
                continue
            new = repl(m)
            if new == m[0]:
                continue
            # An insertion belongs to the part of the character after it (or before it, at the end).
            part = self.parts[a] if a < len(self.parts) else self.parts[a - 1]
            self.chars[a:b] = list(new)
            self.parts[a:b] = [part] * len(new)
            self.fixed[a:b] = [False] * len(new)
            self.span[a:b] = [-1] * len(new)


def typeset(parts: Sequence[str | None], rules: Rules) -> list[str | None]:
    """The parts of one text, typeset; None stands for something inside it that is not text."""
    text = _Text()
    for i, part in enumerate(parts):
        chars = list(part) if part is not None else [OPAQUE]
        text.chars += chars
        text.parts += [i] * len(chars)
        text.fixed += [part is None] * len(chars)
        text.span += [-1] * len(chars)
    for n, m in enumerate(_protected(str(text))):
        for k in range(*m.span()):
            text.fixed[k] = True
            text.span[k] = n
    _quotes(text, rules)
    _dashes(text, rules)
    _spaces(text, rules)
    if not rules.isolate and text.parts == sorted(text.parts):  # always sorted: see _Text
        # Each part is one run of the characters: joined whole, not character by character.
        ends = [bisect.bisect_left(text.parts, i) for i in range(len(parts) + 1)]
        return [None if part is None else "".join(text.chars[ends[i]:ends[i + 1]])
                for i, part in enumerate(parts)]
    out: list[list[str]] = [[] for _ in parts]
    spans = [*text.span, -1]
    for k, (c, p) in enumerate(zip(text.chars, text.parts, strict=True)):
        # In right-to-left text a symbol (`A/RES/61/180`) or a link is isolated left-to-right, or
        # the bidirectional algorithm would reorder its parts around the slashes.
        if rules.isolate and spans[k] >= 0 and (k == 0 or spans[k - 1] != spans[k]):
            out[p].append(LRI)
        out[p].append(c)
        if rules.isolate and spans[k] >= 0 and spans[k + 1] != spans[k]:
            out[p].append(PDI)
    return [None if part is None else "".join(out[i]) for i, part in enumerate(parts)]


def typeset_text(value: str, rules: Rules) -> str:
    """One plain text (a heading, a title, a label), typeset."""
    result = typeset([value], rules)[0]
    assert result is not None
    return result


def _quotes(text: _Text, rules: Rules) -> None:
    """Straight quotes to the language's, by nesting: outer, then inner, then outer again."""
    o_open, o_close, i_open, i_close = tuple(rules.quotes)
    pairs = {o_open: o_close, i_open: i_close}
    closers = {o_close, i_close} - set(pairs)
    stack: list[str] = []  # what opened each level: '"', "'", or a typographic quote
    chars, n = text.chars, len(text.chars)
    openers = _OPENERS - {o_close, i_close}  # `„maybe“"`: the `"` after a closing quote closes

    def level_open(level: int) -> str:
        return o_open if level % 2 == 0 else i_open

    def level_close(level: int) -> str:
        return o_close if level % 2 == 0 else i_close

    # Only quotes change anything below: the other characters are skipped unseen (`chars[k]` is
    # changed only at k, so the positions found first stay those of the quotes).
    quotes = re.compile("[\"'" + re.escape(rules.quotes) + "]")
    text.joined = None  # the characters below change in place
    for m in quotes.finditer("".join(chars)):
        k = m.start()
        c = chars[k]
        if text.fixed[k]:
            continue
        prev = chars[k - 1] if k else " "
        nxt = chars[k + 1] if k + 1 < n else " "
        if c in pairs and c not in closers and pairs[c] != c:
            stack.append(c)  # a typographic quote the author wrote: it counts as a level
        elif stack and c == pairs.get(stack[-1]):
            stack.pop()
        elif c == '"':
            # Opening after a space or a bracket, closing before one; between two letters (as
            # in Chinese, which has no spaces) it alternates.
            if prev in openers and not nxt.isspace():
                opening = True
            elif prev not in openers and (nxt.isspace() or nxt in _CLOSERS):
                opening = False
            else:
                opening = '"' not in stack
            if opening:
                chars[k] = level_open(len(stack))
                stack.append('"')
            elif '"' in stack:
                level = len(stack) - 1 - stack[::-1].index('"')
                chars[k] = level_close(level)
                del stack[level:]
            else:  # a closing quote whose opening one is not in this text
                chars[k] = o_close
        elif c == "'":
            if prev.isalnum() and (nxt.isalnum() or "'" not in stack):
                chars[k] = APOSTROPHE  # Belarus', д'Ивуар, don't
            elif "'" in stack and prev not in openers:
                level = len(stack) - 1 - stack[::-1].index("'")
                chars[k] = level_close(level)
                del stack[level:]
            elif prev in openers and not nxt.isspace():
                chars[k] = level_open(len(stack))
                stack.append("'")
    if rules.quote_padding:
        pad = rules.quote_padding
        text.sub(re.compile(re.escape(o_open) + r"[ \u00a0]?(?=\S)"), lambda m: o_open + pad)
        text.sub(re.compile(r"(?<=\S)[ \u00a0]?" + re.escape(o_close)), lambda m: pad + o_close)


_SPACED_DASH = re.compile(r"(?<=\S)[ \u00a0]+(?:-{1,3}|\u2013|\u2014)[ \u00a0]+(?=\S)")
# `1990-1995`, `12-16`: not a date (`2006-12-20`), a code (`123-456-789`) or a decimal.
_NUMBER_RANGE = re.compile(r"(?<![\w/.,\-\u2013])(\d+)[-\u2013](\d+)(?![\w/\-\u2013]|[.,]\d)")


def _dashes(text: _Text, rules: Rules) -> None:
    here = str(text)
    if "-" not in here and EN_DASH not in here and EM_DASH not in here:
        return  # neither pattern can match (searching says so only after trying every position)
    # A dash never starts a line: the space before it does not break.
    text.sub(_SPACED_DASH, lambda m: f"{NBSP}{rules.dash} ")
    # A range of numbers: an en dash, and no line break after it.
    text.sub(_NUMBER_RANGE, lambda m: f"{m[1]}{EN_DASH}{WJ}{m[2]}")


_DIGIT = re.compile(r"\d")


@cache
def _word_pattern(words: frozenset[str], after: bool) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    if after:  # the word after a number: `2006 г.`, `5 %`
        return re.compile(rf"(?<=\d) (?=(?:{alternatives})(?!\w))")
    # A word before a number (`№ 5`), or a short word before any word (`в Минске`).
    return re.compile(rf"(?<![\w\-\u2019'])(?:{alternatives}) (?=\S)")


@cache
def _sign_pattern(signs: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(signs, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-\u2019'])(?:{alternatives}) (?=\d)")


def _spaces(text: _Text, rules: Rules) -> None:
    if rules.short_words:
        text.sub(_word_pattern(rules.short_words, after=False), lambda m: m[0][:-1] + NBSP)
    # The next three match next to a digit only (`№ 5`, `5 %`, `50 000`).
    digits = _DIGIT.search(str(text)) is not None
    if rules.number_signs and digits:
        text.sub(_sign_pattern(rules.number_signs), lambda m: m[0][:-1] + NBSP)
    if rules.units and digits:
        text.sub(_word_pattern(rules.units, after=True), lambda m: NBSP)
    if rules.group_space and digits:
        group = rules.group_space
        text.sub(re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d]|[.,]\d)"),
                 lambda m: m[0].replace(" ", group))
    if rules.space_before:
        signs = re.escape(rules.space_before)

        def space(m: re.Match[str]) -> str:
            return rules.colon_space if m[1] == ":" else rules.punct_space

        # `mot ;` or `mot;` → `mot ;` (not `12:30`, not `?!` twice; links are protected).
        after = rf"[{signs}]*(?:\s|$|[{OPAQUE}»)\]])"
        pattern = re.compile(rf"(?<=[^\s{signs}])[ \u00a0\u202f]?(?=([{signs}]){after})")
        text.sub(pattern, space)


# --- Markdown ------------------------------------------------------------------------------------

_CALLS = {"citation", "inline_note"}
_TRANSPARENT = {"em_open", "em_close", "strong_open", "strong_close", "link_open", "link_close",
                "s_open", "s_close"}


def typeset_tokens(tokens: Sequence[Token], rules: Rules) -> list[Token]:
    """Markdown tokens with the text of every paragraph typeset; tokens are copied, not changed."""
    out = []
    for tok in tokens:
        if tok.type == "inline" and tok.children:
            children = tok.children
            tok = tok.copy()
            tok.children = _typeset_inline(children, rules)
        out.append(tok)
    return out


def _typeset_inline(children: list[Token], rules: Rules, in_note: bool = False) -> list[Token]:
    parts: list[str | None] = []
    where: list[int] = []  # the index of the child each part came from
    in_autolink = False
    for i, tok in enumerate(children):
        if tok.type == "link_open":
            in_autolink = tok.markup == "autolink"
        elif tok.type == "link_close":
            in_autolink = False
        if tok.type in _TRANSPARENT:
            continue
        if tok.type == "text" and not in_autolink:
            parts.append(tok.content)
        elif tok.type == "softbreak":
            parts.append(" ")
        elif tok.type == "hardbreak":
            parts.append("\n")
        else:  # code, citations, footnotes, autolink text: not text to typeset
            parts.append(None)
        where.append(i)
    originals = list(parts)
    # A footnote call never starts a line: it keeps to the word before it (`word [@a]` → `word¹`).
    # Inside a free-text footnote a citation is shown in place, as words: not a call.
    for k in range(0 if in_note else len(parts) - 1):
        text, nxt = parts[k], children[where[k + 1]].type
        after_call = k > 0 and children[where[k - 1]].type in _CALLS  # `[@a] [@b]` stays apart
        if text is not None and nxt in _CALLS and text.endswith(" ") and not (
                after_call and not text.strip()):
            parts[k] = text.rstrip(" ")
    result = typeset(parts, rules)
    if rules.join_calls and not in_note:
        for k in range(len(result) - 1):
            text = result[k]
            if text and children[where[k + 1]].type in _CALLS:
                result[k] = text + WJ
    new = list(children)
    for i, before, after in zip(where, originals, result, strict=True):
        tok = children[i]
        if tok.type == "inline_note" and tok.children:
            note = tok.children
            tok = tok.copy()
            tok.children = _typeset_inline(note, rules, in_note=True)
            new[i] = tok
        elif after is not None and after != before:
            tok = tok.copy()
            if tok.type == "softbreak":
                tok.type = "text"
            tok.content = after
            new[i] = tok
    return new
