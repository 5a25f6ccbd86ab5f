"""Read a YAML file into a tree of positioned nodes, values kept exactly as written.

Built from the parser's events rather than `yaml.safe_load`, so that no YAML 1.1 coercion
(`NO` → False, `2006-12-20` → date, `0755` → 493) ever touches a value, every node keeps its
line and column, and anchors, aliases and duplicate keys are refused before anything walks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import Collector, DataError, Position, Problem
from .reading import NotAFile, TooLarge, content_digest, read_capped

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 250_000  # values, lists and mappings; a 50 KB document has about 1,000
MAX_PROBLEMS = 100  # of the YAML layer (duplicate keys, anchors, tags) before the reading stops
# What YAML does not allow in a stream: C0 controls but tab, LF and CR; DEL; C1 controls but NEL.
_UNPRINTABLE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")

try:  # libyaml's parser is about 15 times faster than the pure-Python one
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Scalar:
    value: str
    pos: Position
    plain: bool  # unquoted, so `null`, `~` and the empty string mean "no value"
    style: str | None  # None plain, "'" or '"' quoted, "|" literal, ">" folded
    indent: int = 0  # of a block scalar's content, to place errors inside it

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in ("", "~", "null", "Null", "NULL")


@dataclass(frozen=True)
class Mapping:
    items: tuple[tuple[Scalar, Node], ...]
    pos: Position

    def get(self, key: str) -> Node | None:
        for k, v in self.items:
            if k.value == key:
                return v
        return None


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    pos: Position


Node = Scalar | Mapping | Sequence


def kind_of(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return "nothing" if node.is_null else f"the text {node.value!r}"


def read(path: Path, display: str) -> tuple[Mapping, tuple[Problem, ...]]:
    """Read one data file: its tree, and the problems that did not stop the reading.

    A duplicate key or an anchor is reported but the rest of the file is still read, so that
    its other problems are reported in the same run; what stops the reading (bad YAML, bad
    encoding, an alias, not one mapping, a file or a tree over the caps) raises DataError.
    """
    return read_file(path, display)[:2]


def read_file(path: Path, display: str) -> tuple[Mapping, tuple[Problem, ...], str]:
    """The same as `read`, and the digest of the bytes read (reading.content_digest): what a
    fingerprint records of the file as it was validated."""
    raw = _read_capped(path, Position(display, 1, 1))
    root, problems = read_text(_decode(raw, display), display)
    return root, problems, content_digest(raw)


def read_text(text: str, display: str) -> tuple[Mapping, tuple[Problem, ...]]:
    """The same as `read`, from text already in memory."""
    nul = text.find("\0")
    if nul >= 0:
        raise DataError([Problem(_offset_pos(text, nul, display), "a NUL character is not allowed")])
    bad = _UNPRINTABLE.search(text)
    if bad:
        raise DataError([Problem(_offset_pos(text, bad.start(), display),
                                 f"the control character U+{ord(bad[0]):04X} is not allowed in "
                                 "a data file; remove it")])
    return _build(text, display) if len(text) > MAX_KEPT_TEXT else _built(text, display)


def _read_capped(path: Path, start: Position) -> bytes:
    """The file's bytes; never more than the cap read, never a device or a pipe opened for long."""
    try:
        return read_capped(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise DataError([Problem(start, "file not found")]) from None
    except NotAFile:
        raise DataError([Problem(start, "not a regular file; a data file must be a file")]) from None
    except TooLarge as e:
        raise DataError([_too_big(start, e.size)]) from None
    except OSError as e:
        raise DataError([Problem(start, f"cannot read the file: {e.strerror}")]) from None


def _too_big(start: Position, size: int) -> Problem:
    return Problem(start, f"the file is {size:,} bytes; a data file may have at most {MAX_FILE_BYTES:,}")


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        good = raw[: e.start].decode("utf-8")
        pos = _offset_pos(good, len(good), display)
        raise DataError([Problem(pos, f"the file is not valid UTF-8 (byte 0x{raw[e.start]:02x}); "
                                       "save it as UTF-8")]) from None


def _offset_pos(text: str, offset: int, display: str) -> Position:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Position(display, line, column)


def _mark(mark: Any, display: str) -> Position:
    if mark is None:
        return Position(display, 1, 1)
    return Position(display, mark.line + 1, mark.column + 1)


@dataclass
class _Open:
    """A mapping or list whose end event has not come yet."""

    mapping: bool
    pos: Position
    items: list[Node] = field(default_factory=list)
    pairs: list[tuple[Scalar, Node]] = field(default_factory=list)
    pending: Scalar | None = None  # a mapping's key waiting for its value
    seen: dict[str, Position] = field(default_factory=dict)


def _build(text: str, display: str) -> tuple[Mapping, tuple[Problem, ...]]:
    problems = Collector()
    stack: list[_Open] = []
    documents: list[Node] = []
    lines = text.split("\n")
    shared = False  # an anchor was seen

    def attach(node: Node) -> None:
        if not stack:
            documents.append(node)
            return
        top = stack[-1]
        if not top.mapping:
            top.items.append(node)
        elif top.pending is None:
            if not isinstance(node, Scalar):
                problems.add(node.pos, "a mapping key must be plain text")
                top.pending = Scalar("", node.pos, True, None)
                return
            if node.value in top.seen:
                first = top.seen[node.value]
                problems.add(node.pos, f"duplicate key {node.value!r} (first written at line "
                                       f"{first.line}); a key may appear only once in a mapping")
            top.seen.setdefault(node.value, node.pos)
            top.pending = node
        else:
            top.pairs.append((top.pending, node))
            top.pending = None

    nodes = 0

    def stop(pos: Position, message: str) -> DataError:
        return DataError([*problems.problems, Problem(pos, message)])

    try:
        for event in yaml.parse(text, Loader=_Loader):
            pos = _mark(event.start_mark, display)
            if len(problems.problems) >= MAX_PROBLEMS:
                raise stop(pos, f"more than {MAX_PROBLEMS} problems; the reading stopped here: "
                                "fix these first")
            if isinstance(event, yaml.AliasEvent):
                # The first alias stops the reading: an alias bomb is refused before it grows.
                raise stop(pos, f"YAML aliases are not allowed (*{event.anchor}); write the value out")
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                nodes += 1
                if nodes > MAX_NODES:
                    raise stop(pos, f"the file holds more than {MAX_NODES:,} values; split it "
                                    "into files that include each other")
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                problems.add(pos, f"YAML anchors are not allowed (&{anchor}); write the value out")
                shared = True
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in ("!", "tag:yaml.org,2002:str") and not _implicit(event):
                problems.add(pos, f"YAML tags are not allowed ({tag}); write the value alone")
            if isinstance(event, yaml.ScalarEvent):
                style = event.style or None  # libyaml says '' for plain, the Python parser None
                indent = _block_indent(lines, pos.line - 1) if style in ("|", ">") else 0
                attach(Scalar(event.value, pos, style is None, style, indent))
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise stop(pos, f"the data is nested more than {MAX_DEPTH} levels deep")
                stack.append(_Open(isinstance(event, yaml.MappingStartEvent), pos))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                done = stack.pop()
                attach(Mapping(tuple(done.pairs), done.pos) if done.mapping
                       else Sequence(tuple(done.items), done.pos))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = e.problem or e.context or "invalid YAML"
        raise DataError([*problems.problems, Problem(_mark(mark, display),
                                                      f"invalid YAML: {what}")]) from None
    except yaml.YAMLError as e:
        raise DataError([*problems.problems, Problem(Position(display, 1, 1),
                                                      f"invalid YAML: {e}")]) from None
    except (ValueError, RecursionError, OverflowError) as e:
        raise DataError([*problems.problems, Problem(Position(display, 1, 1),
                                                      f"invalid YAML: {e}")]) from None

    if shared:
        # Anchors stop the file: the values they name would be shared by aliases.
        problems.raise_if_any()
    if not documents:
        raise DataError([Problem(Position(display, 1, 1),
                                 "the file is empty; it must hold one mapping (title:, languages:, ...)")])
    if len(documents) > 1:
        raise DataError([Problem(documents[1].pos, "the file holds several YAML documents; "
                                                    "it must hold exactly one mapping")])
    root = documents[0]
    if not isinstance(root, Mapping):
        # Not the text itself: a file that is not YAML data (an include of /etc/passwd) is
        # never echoed.
        what = "a list" if isinstance(root, Sequence) else "nothing" if root.is_null else "a text"
        raise DataError([Problem(root.pos, f"the file must hold one mapping (title:, languages:, ...), "
                                            f"not {what}")])
    return root, tuple(problems.problems)


# The same text is read more than once in a run (`check` reads a data file for the document, then
# for the state of each translation): its tree, immutable, is built once. Never a file's bytes:
# they are read, capped and decoded on every call, and what they hold now decides. A text over
# MAX_KEPT_TEXT characters (five times a long document) is built every time, so that what is
# kept stays a few megabytes in a process that lives long (`serve`).
MAX_KEPT_TEXT = 256 * 1024
_built = lru_cache(maxsize=8)(_build)


def _block_indent(lines: list[str], header_line: int) -> int:
    for line in lines[header_line + 1 :]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def _implicit(event: yaml.Event) -> bool:
    implicit = getattr(event, "implicit", True)
    if isinstance(implicit, tuple):
        return bool(implicit[0] or implicit[1])
    return bool(implicit)
