"""LM texts: CommonMark with citations `[@key; @key2]` and inline footnotes `^[...]`.

markdown-it-py parses; two inline rules add the contract's constructs. Parsing also checks what
Markdown parsers otherwise let pass silently: links of other schemes (markdown-it's own
`validateLink` would quietly turn them into text), images and headings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .errors import Position, Problem
from .model import Text
from .typography import Rules, typeset_tokens

# An absolute address: http(s) with a host (`http:/etc/passwd` has none), or mailto with an address.
# Where a link's destination starts: after `](` and blanks, or an autolink's `<`.
_DESTINATION = re.compile(r"\]\([ \t]*(?:\r\n|\r|\n)?[ \t]*|(?=<)")
_ABSOLUTE = re.compile(r"(?i)(?:https?://[^/?#\s@:]+(?:[:/?#]|$)|mailto:[^\s]+)")


@dataclass(frozen=True)
class Note:
    """One footnote: a citation of sources or groups, or free text (which may cite in place)."""

    keys: tuple[str, ...]  # the cited keys: the note's content, or those cited inside its text
    children: tuple[Token, ...] | None = None  # free text of `^[...]`; None for a citation

    @property
    def signature(self) -> tuple[str, ...]:
        """What must be the same in every edition: the kind of note and what it cites."""
        return ("^" if self.children is not None else "@", *self.keys)


@dataclass(frozen=True)
class Fragment:
    """A parsed LM text: its tokens and its footnotes in reading order."""

    tokens: tuple[Token, ...]
    notes: tuple[Note, ...]


def _citation_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[@", pos):
        return False
    end = src.find("]", pos)
    if end < 0 or "\n" in src[pos:end]:
        return False
    keys = [part.strip() for part in src[pos + 1 : end].split(";")]
    if not all(k.startswith("@") and len(k) > 1 for k in keys):
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"keys": tuple(k[1:].strip() for k in keys), "offset": pos}
        token.content = src[pos : end + 1]
    state.pos = end + 1
    return True


def _footnote_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("^[", pos):
        return False
    end = state.md.helpers.parseLinkLabel(state, pos + 1)
    if end < 0:
        return False
    if not silent:
        children: list[Token] = []
        state.md.inline.parse(src[pos + 2 : end], state.md, state.env, children)
        token = state.push("inline_note", "", 0)
        token.children = children
        token.meta = {"offset": pos}
        token.content = src[pos : end + 1]
    state.pos = end + 1
    return True


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # Let every link through to the tokens, so that the check below can name a refused one.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("link", "inline_note", _footnote_rule)
    return md


_MD = _parser()


MAX_KEPT_TEXT = 16 * 1024  # characters: the tokens of longer texts are not kept (memory, `serve`)


@lru_cache(maxsize=256)
def _kept_tokens(source: str) -> tuple[Token, ...]:
    return tuple(_MD.parse(source, {}))


def _tokens(source: str) -> tuple[Token, ...]:
    # A text the editions share (one text for every language, a symbol) is parsed once: tokens
    # are never changed once parsed (typesetting and rendering copy those they change).
    return _kept_tokens(source) if len(source) <= MAX_KEPT_TEXT else tuple(_MD.parse(source, {}))


def parse(text: Text, known: Callable[[str], bool],
          rules: Rules | None = None) -> tuple[Fragment, list[Problem]]:
    """Parse one LM text; `known(key)` says whether a citation key exists.

    With `rules`, the text (never code, links' targets or citations) is typeset in the
    language's typography (`typography.py`).
    """
    problems: list[Problem] = []
    tokens = list(_tokens(text.value))
    if rules is not None:
        tokens = typeset_tokens(tokens, rules)
    notes: list[Note] = []
    found: dict[str, int] = {}

    def place(needle: str) -> Position:
        # The same construct written twice is found twice: search on from the last match.
        offset = text.value.find(needle, found.get(needle, -1) + 1)
        if offset < 0:
            return text.pos
        found[needle] = offset
        return text.pos_at(offset)

    def place_link(href: str) -> Position:
        # A destination written with entities or escapes (`&#106;avascript:`) is not in the text
        # as markdown-it gives it: read each destination of the text as markdown-it does.
        if href in text.value:
            return place(href)
        after = found.get(href, -1)
        for m in _DESTINATION.finditer(text.value):
            start = m.end()
            if start <= after:
                continue
            parsed = parseLinkDestination(text.value, start, len(text.value))
            if parsed.ok and _MD.normalizeLink(parsed.str) == href:
                found[href] = start
                return text.pos_at(start)
        return text.pos

    def keys_of(token: Token) -> tuple[str, ...]:
        keys: tuple[str, ...] = token.meta["keys"]
        pos = place(token.content)
        for key in keys:
            if not known(key):
                problems.append(Problem(pos,
                                        f"unknown source or group {key!r} in {token.content}; "
                                        "cite a key defined under sources: or groups:"))
        return keys

    def walk(children: Sequence[Token], in_note: bool) -> list[str]:
        cited: list[str] = []
        for tok in children:
            if tok.type == "citation":
                keys = keys_of(tok)
                if in_note:
                    cited.extend(keys)
                else:
                    notes.append(Note(keys))
            elif tok.type == "inline_note":
                if in_note:
                    problems.append(Problem(place(tok.content),
                                            "a footnote cannot hold another footnote (^[...])"))
                    continue
                inner = walk(tok.children or [], True)
                notes.append(Note(tuple(inner), tuple(tok.children or [])))
            elif tok.type == "image":
                problems.append(Problem(place("![" + tok.content),
                                        "images are not part of the data format; remove it "
                                        "or make it a link"))
            elif tok.type == "link_open":
                href = str(tok.attrs.get("href", ""))
                if not _ABSOLUTE.match(href):
                    problems.append(Problem(place_link(href), f"link to {href!r} refused: "
                                            "a link must be an absolute http, https or mailto address"))
        return cited

    for block in tokens:
        if block.type in ("heading_open",):
            problems.append(Problem(text.pos_at(_line_offset(text.value, block.map)),
                                    "headings are not part of a text; give the section a heading: "
                                    "instead"))
        if block.type == "inline":
            walk(block.children or [], False)
    return Fragment(tuple(tokens), tuple(notes)), problems


def _line_offset(value: str, line_map: list[int] | None) -> int:
    if not line_map:
        return 0
    # Line breaks as markdown-it counts them: \r\n, \r or \n.
    breaks = [m.end() for m in re.finditer(r"\r\n|\r|\n", value)]
    return breaks[line_map[0] - 1] if 0 < line_map[0] <= len(breaks) else 0


# --- rendering -------------------------------------------------------------------------------


class NoteHTML(Protocol):
    """What a footnote looks like in one kind of output; the render stage supplies it."""

    def call(self, note: Note, body: str) -> str:
        """The footnote call (and, in print, the note itself) for a note whose content is `body`."""

    def citation(self, keys: tuple[str, ...]) -> str:
        """The reference to what `keys` name: sources' symbol, title, date and link; groups."""


class _Renderer(RendererHTML):
    # RendererHTML registers methods by token type: these add the contract's two inline tokens.

    def softbreak(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        # A source newline is not a line break: WeasyPrint would show it inside footnotes.
        return " "

    def citation(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        notes: NoteHTML = env["notes"]
        keys: tuple[str, ...] = tokens[idx].meta["keys"]
        reference = notes.citation(keys)
        # Inside a free-text footnote a citation is shown in place, not as a footnote of its own.
        return reference if env.get("in_note") else notes.call(Note(keys), reference)

    def inline_note(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        notes: NoteHTML = env["notes"]
        children = tokens[idx].children or []
        body = self.renderInline(children, options, {**env, "in_note": True})
        cited = tuple(k for c in children if c.type == "citation" for k in c.meta["keys"])
        return notes.call(Note(cited, tuple(children)), body)


_RENDERER = _Renderer(_MD)


def to_html(fragment: Fragment, notes: NoteHTML, *, inline: bool = False,
            keep: frozenset[int] = frozenset()) -> str:
    """The fragment as HTML; `inline` drops the paragraph of a one-paragraph text (event texts).

    `keep` holds indexes of the fragment's notes whose paragraph must not break across pages:
    the print stage asks for it when a footnote landed on another page than its call.
    """
    env: dict[str, Any] = {"notes": notes}
    tokens = _keep_together(list(fragment.tokens), keep) if keep else list(fragment.tokens)
    if inline and [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]:
        return _RENDERER.renderInline(tokens[1].children or [], _MD.options, env)
    return _RENDERER.render(tokens, _MD.options, env)


def _keep_together(tokens: list[Token], keep: frozenset[int]) -> list[Token]:
    index = 0
    block: int | None = None
    for i, tok in enumerate(tokens):
        if tok.type in ("paragraph_open", "list_item_open"):
            block = i
        if tok.type != "inline":
            continue
        count = sum(1 for c in tok.children or [] if c.type in ("citation", "inline_note"))
        if block is not None and keep & set(range(index, index + count)):
            marked = tokens[block].copy()  # tokens are shared by every rendering: never mutate
            marked.attrSet("class", "keep-together")
            tokens[block] = marked
        index += count
    return tokens
