"""What `check` remembers between runs: each document's verdict, and what it was drawn from.

A document's verdict (its problems and its warnings) follows from its data file and includes,
its translations' sidecar (stale translations) and the package (code, catalogs, tables, bundled
fonts, the system's CJK fonts): the build manifest's fingerprint of those (plan.py). A check of
a document whose fingerprint is that of a remembered verdict reports that verdict again without
loading the document, so a check of an unchanged folder imports no YAML, Babel, Markdown or ICU,
and a check of a folder where one file changed loads that file only.

A document that could not be loaded is not remembered (which files it includes is not known):
it is checked again every time. The verdicts live in the user's cache (usercache.py), one file
for every document checked, the most recently checked `MAX_DOCUMENTS` of those that still exist.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import usercache
from .errors import Position, Problem
from .plan import fingerprint

FILE = "checks-v1.json"  # the name changes with the format: an old one is never misread
MAX_DOCUMENTS = 1000
_OPTIONS: dict[str, object] = {"check": 1}


@dataclass(frozen=True)
class Verdict:
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]


def _key(path: Path, display: str) -> str:
    # The display is in every message: the same file named otherwise has its own verdict.
    return f"{path.absolute()}\t{display}"


def _verdict(entry: object) -> Verdict | None:
    """An entry as `Verdicts.record` writes it, or None: a damaged file is never believed."""
    if not isinstance(entry, dict):
        return None
    problems, warnings = entry.get("problems"), entry.get("warnings")
    if not (isinstance(problems, list) and isinstance(warnings, list)
            and all(isinstance(w, str) for w in warnings)):
        return None
    found = []
    for p in problems:
        if not (isinstance(p, list) and len(p) == 4 and isinstance(p[0], str) and type(p[1]) is int
                and type(p[2]) is int and isinstance(p[3], str)):
            return None
        found.append(Problem(Position(p[0], p[1], p[2]), p[3]))
    return Verdict(tuple(found), tuple(warnings))


def _read() -> dict[str, Any]:
    data = usercache.read(FILE)
    try:
        loaded = json.loads(data) if data is not None else None
    except ValueError:
        return {}
    documents = loaded.get("documents") if isinstance(loaded, dict) else None
    return documents if isinstance(documents, dict) else {}


class Verdicts:
    """The verdicts remembered, and those found since they were read."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.new: dict[str, dict[str, object]] = {}

    @classmethod
    def load(cls) -> Verdicts:
        return cls(_read())

    def get(self, path: Path, display: str) -> Verdict | None:
        """The document's verdict, if one was found for exactly what it is made of now."""
        entry = self.documents.get(_key(path, display))
        if not isinstance(entry, dict):
            return None
        files = entry.get("files")
        if not (isinstance(files, list) and files and all(isinstance(f, str) for f in files)):
            return None
        try:
            if fingerprint([Path(f) for f in files], _OPTIONS) != entry.get("inputs"):
                return None
        except OSError:
            return None
        return _verdict(entry)

    def record(self, path: Path, display: str, files: Sequence[Path], verdict: Verdict) -> None:
        """Remember a verdict found from `files` (read right before, as the check read them)."""
        try:
            inputs = fingerprint(files, _OPTIONS)
        except OSError:
            return
        self.new[_key(path, display)] = {
            "files": [str(f.absolute()) for f in files], "inputs": inputs,
            "problems": [[p.pos.file, p.pos.line, p.pos.column, p.message] for p in verdict.problems],
            "warnings": list(verdict.warnings),
        }

    def save(self) -> None:
        """Write the verdicts found, with those of the file as it is now (another check may have
        written it) whose data file still exists; the most recent last."""
        if not self.new:
            return
        documents = {k: v for k, v in _read().items()
                     if k not in self.new and Path(k.partition("\t")[0]).is_file()}
        documents.update(self.new)
        kept = dict(list(documents.items())[-MAX_DOCUMENTS:])
        self.documents.update(self.new)
        self.new = {}
        # The verdicts only save time: without them, the next check loads every document.
        with contextlib.suppress(OSError):
            usercache.write(FILE, json.dumps({"documents": kept}, ensure_ascii=False,
                                             separators=(",", ":")).encode())
