"""What `check` remembers between runs: each document's verdict, and what it was drawn from.

A document's verdict (its problems and its warnings) follows from its data file and includes,
its translations' sidecar (stale translations) and the package (code, catalogs, tables, bundled
fonts, the system's CJK fonts, the libraries and Python): the build manifest's fingerprint of
those (plan.py): each file by the file it was and the bytes the check read, looked up again
through the path it was opened by. A check of a document whose fingerprint is that of a
remembered verdict reports that verdict again without loading the document: a check of an
unchanged folder imports no YAML, Babel, Markdown or ICU, and one where a file changed loads
only the documents made of it.

Only a document that loads, localizes and resolves is remembered (with its warnings, and the
characters its fonts lack): an invalid one is checked again every time, since which files it
includes is not known. A file saved, or a link pointed elsewhere, while the document was
checked is seen as changed by the next check. The verdicts live in the user's cache
(usercache.py), one table for every document checked: the `MAX_DOCUMENTS` most recently
recorded of those whose data file still exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import usercache
from .errors import Position, Problem
from .plan import combined, fingerprint, read_fingerprint

FILE = "checks-v1.json"  # the name changes with the format: an old one is never misread
MAX_DOCUMENTS = 1000
_OPTIONS: dict[str, object] = {"check": 1}


@dataclass(frozen=True)
class Verdict:
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Remembered:
    """A verdict, and what it was drawn from: each file by the path it was opened by, and their
    fingerprint."""

    files: tuple[str, ...]
    inputs: str
    verdict: Verdict

    def as_json(self) -> dict[str, Any]:
        problems = [[p.pos.file, p.pos.line, p.pos.column, p.message] for p in self.verdict.problems]
        return {"files": list(self.files), "inputs": self.inputs, "problems": problems,
                "warnings": list(self.verdict.warnings)}

    @classmethod
    def from_json(cls, entry: object) -> Remembered | None:
        """The entry as `as_json` writes it, or None: a damaged file is never believed."""
        if not isinstance(entry, dict):
            return None
        files, inputs = entry.get("files"), entry.get("inputs")
        problems, warnings = entry.get("problems"), entry.get("warnings")
        if not (isinstance(files, list) and files and isinstance(inputs, str)
                and isinstance(problems, list) and isinstance(warnings, list)):
            return None
        if not all(isinstance(v, str) for v in (*files, *warnings)):
            return None
        found = []
        for p in problems:
            if not (isinstance(p, list) and len(p) == 4 and isinstance(p[0], str) and type(p[1]) is int
                    and type(p[2]) is int and isinstance(p[3], str)):
                return None
            found.append(Problem(Position(p[0], p[1], p[2]), p[3]))
        return cls(tuple(files), inputs, Verdict(tuple(found), tuple(warnings)))


def _key(path: Path, display: str) -> str:
    # The display is in every message: the same file named otherwise has its own verdict. A
    # path holds no NUL, nor does a name given on the command line.
    return f"{path.absolute()}\0{display}"


def _exists(key: str) -> bool:
    try:
        return Path(key.partition("\0")[0]).is_file()
    except (OSError, ValueError):
        return False


class Verdicts:
    """The verdicts remembered, and those found since they were read."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.new: dict[str, dict[str, Any]] = {}

    @classmethod
    def load(cls) -> Verdicts:
        return cls(usercache.read_table(FILE, "documents"))

    def get(self, path: Path, display: str) -> Verdict | None:
        """The document's verdict, if one was found for exactly what it is made of now."""
        entry = Remembered.from_json(self.documents.get(_key(path, display)))
        if entry is None:
            return None
        try:
            if fingerprint([Path(f) for f in entry.files], _OPTIONS) != entry.inputs:
                return None
        except (OSError, ValueError):  # a file unreadable, a NUL in a damaged entry
            return None
        return entry.verdict

    def record(self, path: Path, display: str, drawn: Sequence[tuple[Path, Path, str]],
               verdict: Verdict) -> None:
        """Remember a verdict found from the files `drawn`: each by the path it was opened by,
        the file it led to and the digest of the bytes the check read of it."""
        inputs = combined(read_fingerprint((real, digest) for _, real, digest in drawn), _OPTIONS)
        entry = Remembered(tuple(str(opened) for opened, _, _ in drawn), inputs, verdict)
        self.new[_key(path, display)] = entry.as_json()

    def save(self) -> None:
        """Write the verdicts found, with those of the file as it is now (another check may have
        written it) whose data file still exists."""
        usercache.update_table(FILE, "documents", self.new, keep=_exists, limit=MAX_DOCUMENTS)
        self.documents.update(self.new)
        self.new = {}
