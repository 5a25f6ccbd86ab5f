"""Stage 6, build: data files × languages × formats → files in the output folder.

Every document is validated whole (all its editions, their footnote parity) before anything of it
is written; its outputs are then made in memory and each moved into place atomically, so an
invalid or failing document leaves its previous outputs exactly as they were, and never stops
the other documents of the build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .errors import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_OK,
    Collector,
    DataError,
    FactsheetError,
    OutputError,
    Problem,
    RenderError,
    UsageError,
)
from .loader import read_document
from .localize import localize
from .model import Document
from .output import OutputFolder
from .references import Resolved, check_parity, resolve

FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class Prepared:
    doc: Document
    editions: tuple[Resolved, ...]  # in the order of the document's languages


@dataclass
class Outcome:
    """What happened to one document."""

    display: str
    written: list[Path] = field(default_factory=list)
    problems: tuple[Problem, ...] = ()
    failure: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.failure is None


@dataclass
class Report:
    outcomes: list[Outcome]

    @property
    def exit_code(self) -> int:
        if any(o.failure for o in self.outcomes):
            return EXIT_FAILED
        if any(o.problems for o in self.outcomes):
            return EXIT_INVALID
        return EXIT_OK


def discover(paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """The data files named: a folder stands for every `*.yaml` directly inside it."""
    found: list[tuple[Path, str]] = []
    for given in paths or ["data"]:
        p = Path(given)
        if p.is_dir():
            found.extend((f, str(f)) for f in sorted(p.glob("*.yaml")) if f.is_file())
        elif p.is_file():
            found.append((p, str(given)))
        else:
            raise UsageError(f"{given}: no such file or folder")
    if not found:
        raise UsageError(f"no data files (*.yaml) in {', '.join(map(str, paths or ['data']))}")
    return found


def prepare(path: Path, display: str) -> Prepared:
    """Load, localize every edition and resolve its footnotes; DataError with every problem."""
    prepared, problems = _prepare(path, display, set(), included=False)
    problems.raise_if_any()
    assert prepared is not None
    return prepared


def _prepare(path: Path, display: str, seen: set[Path], *,
             included: bool) -> tuple[Prepared | None, Collector]:
    seen.add(path.resolve())
    doc, loaded = read_document(path, display)
    problems = Collector()
    if not included:  # an included file's own loading problems were found by the including one
        problems.extend(loaded.problems)
    if doc is None:
        return None, problems
    clean = not loaded
    editions = []
    for lang in doc.languages:
        # A text missing where the loader already found a problem is not reported twice.
        edition, found = localize(doc, lang, report_missing=clean)
        editions.append(resolve(edition, found if clean else Collector()))
        problems.extend(found.problems)
    if clean and not problems:
        problems.extend(check_parity(editions))
    # An included file must be valid on its own: its own sections and their parity too.
    for inc_path, inc_display in zip(doc.files[1:], doc.displays[1:], strict=True):
        if inc_path.resolve() not in seen:
            problems.extend(_prepare(inc_path, inc_display, seen, included=True)[1].problems)
    return Prepared(doc, tuple(editions)), problems


def check(paths: Sequence[str | Path]) -> Report:
    outcomes = []
    for path, display in discover(paths):
        try:
            prepare(path, display)
            outcomes.append(Outcome(display))
        except DataError as e:
            outcomes.append(Outcome(display, problems=e.problems))
    return Report(outcomes)


def build(paths: Sequence[str | Path], output: Path = Path("output"),
          langs: Sequence[str] | None = None, formats: Sequence[str] = FORMATS) -> Report:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; expected html or pdf")
    files = discover(paths)
    with OutputFolder(output, [path for path, _ in files]) as folder:
        outcomes = [_build_one(path, display, folder, langs, formats) for path, display in files]
    if langs:
        built = {p.name.split(".")[-2] for o in outcomes for p in o.written}
        valid = all(o.ok for o in outcomes)
        missing = [lang for lang in langs if lang not in built]
        if missing and valid:
            raise UsageError(f"no document has the language {missing[0]!r}")
    return Report(outcomes)


def _build_one(path: Path, display: str, folder: OutputFolder, langs: Sequence[str] | None,
               formats: Sequence[str]) -> Outcome:
    outcome = Outcome(display)
    try:
        prepared = prepare(path, display)
    except DataError as e:
        outcome.problems = e.problems
        return outcome
    from .render import render

    doc = prepared.doc
    files: list[tuple[Path, bytes]] = []
    try:
        for resolved in prepared.editions:
            lang = resolved.edition.lang
            if langs and lang not in langs:
                continue
            outcome.warnings.extend(resolved.edition.warnings)
            stem = folder.path / doc.id / f"{doc.id}.{lang}"
            if "html" in formats:
                files.append((stem.with_name(stem.name + ".html"),
                              render(resolved, "web").html.encode("utf-8")))
            if "pdf" in formats:
                from .pdf import write_pdf

                pdf, warnings = write_pdf(partial(render, resolved, "print"))
                outcome.warnings.extend(f"{stem.name}.pdf: {w}" for w in warnings)
                files.append((stem.with_name(stem.name + ".pdf"), pdf))
        for target, data in files:
            folder.write(target, data)
            outcome.written.append(target)
    except (RenderError, OutputError) as e:
        outcome.failure = str(e)
    except FactsheetError as e:  # pragma: no cover - every stage raises one of the above
        outcome.failure = str(e)
    return outcome
