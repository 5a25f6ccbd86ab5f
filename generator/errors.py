"""One exception tree for the whole tool, and the one place that maps it to exit statuses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Position:
    """A place in a data file, 1-based as editors show it."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    pos: Position
    message: str

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}"


class FactsheetError(Exception):
    """Base of every error the tool reports to its user (never a traceback)."""


class DataError(FactsheetError):
    """Invalid input: carries every problem found, each with its place."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        # Sorted and de-duplicated so that the report is stable whatever order the stages found them.
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(FactsheetError):
    """The command was called wrongly (a bad option value, a path that does not exist)."""


class OutputError(FactsheetError):
    """An output could not be written (disk full, permissions, a refused output folder)."""


class RenderError(FactsheetError):
    """The PDF engine failed on a document that passed validation."""


class OutputLocked(FactsheetError):
    """Another build holds the output folder's lock and did not finish in time."""


EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_FAILED = 3
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later

_EXIT_CODES: tuple[tuple[type[FactsheetError], int], ...] = (
    (DataError, EXIT_INVALID),
    (UsageError, EXIT_USAGE),
    (OutputError, EXIT_FAILED),
    (RenderError, EXIT_FAILED),
    (OutputLocked, EXIT_LOCKED),
)


def exit_code(error: FactsheetError) -> int:
    for kind, code in _EXIT_CODES:
        if isinstance(error, kind):
            return code
    return EXIT_FAILED


class Collector:
    """Gathers problems so that a stage can report all of them at once, then raise once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, pos: Position, message: str) -> None:
        self.problems.append(Problem(pos, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise DataError(self.problems)
