"""Stage 6, build: data files × languages × formats → files in the output folder.

Every document is validated whole (all its editions, their footnote parity) before anything of it
is written; its outputs are then made in memory and each moved into place atomically, so an
invalid or failing document leaves its previous outputs exactly as they were, and never stops
the other documents of the build.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

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
from .glyphs import document_problems, printed_text, rendering_problems
from .loader import read_document
from .localize import localize
from .model import Document
from .output import OutputFolder
from .references import Resolved, check_parity, resolve

if TYPE_CHECKING:
    from .pdf import Archive
    from .render import Page

FORMATS = ("html", "pdf")
PAPERS = ("a4", "letter")
PDF_VARIANTS = ("pdf/a-3b", "pdf/a-3u", "pdf/ua-1")


@dataclass(frozen=True)
class PdfOptions:
    """How the PDFs of a build are made (the command line's --paper, --print, --toc,
    --pdf-variant). `paper` None: as each document says."""

    paper: str | None = None
    handout: bool = False
    toc: bool = False
    variant: str | None = None

    def check(self) -> None:
        if self.paper is not None and self.paper not in PAPERS:
            raise UsageError(f"unknown paper {self.paper!r}; expected a4 or letter")
        if self.variant is not None and self.variant not in PDF_VARIANTS:
            raise UsageError(f"unknown PDF variant {self.variant!r}; expected "
                             + ", ".join(PDF_VARIANTS))


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
    strict: bool = False  # a warning fails the document

    @property
    def refused(self) -> bool:
        """Failed for its warnings alone, under strict."""
        return self.strict and bool(self.warnings)

    @property
    def ok(self) -> bool:
        return not self.problems and self.failure is None and not self.refused


@dataclass
class Report:
    outcomes: list[Outcome]

    @property
    def exit_code(self) -> int:
        if any(o.failure for o in self.outcomes):
            return EXIT_FAILED
        if any(o.problems or o.refused for o in self.outcomes):
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
            prepared = prepare(path, display)
            # A build makes PDFs by default: what their fonts cannot print is invalid data.
            problems = tuple(document_problems(prepared.doc, prepared.doc.languages))
            outcomes.append(Outcome(display, problems=problems))
        except DataError as e:
            outcomes.append(Outcome(display, problems=e.problems))
    return Report(outcomes)


def build(paths: Sequence[str | Path], output: Path = Path("output"),
          langs: Sequence[str] | None = None, formats: Sequence[str] = FORMATS,
          pdf: PdfOptions = PdfOptions(), *, strict: bool = False) -> Report:
    """`strict`: a document with warnings fails (exit 1) and none of its outputs is written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; expected html or pdf")
    pdf.check()
    files = discover(paths)
    with OutputFolder(output, [path for path, _ in files]) as folder:
        outcomes = [_build_one(path, display, folder, langs, formats, pdf, strict)
                    for path, display in files]
    if langs:
        built = {p.name.split(".")[-2] for o in outcomes for p in o.written}
        valid = all(o.ok for o in outcomes)
        missing = [lang for lang in langs if lang not in built]
        if missing and valid:
            raise UsageError(f"no document has the language {missing[0]!r}")
    return Report(outcomes)


def _build_one(path: Path, display: str, folder: OutputFolder, langs: Sequence[str] | None,
               formats: Sequence[str], options: PdfOptions, strict: bool) -> Outcome:
    outcome = Outcome(display, strict=strict)
    try:
        prepared = prepare(path, display)
    except DataError as e:
        outcome.problems = e.problems
        return outcome
    from .render import PrintSetup, render

    doc = prepared.doc
    editions = [r for r in prepared.editions if not langs or r.edition.lang in langs]
    setup = PrintSetup(paper=options.paper, toc=options.toc, handout=options.handout)
    if "pdf" in formats:
        problems = document_problems(doc, [r.edition.lang for r in editions])
        for resolved in editions:
            page = render(resolved, "print", setup=setup)
            problems.extend(rendering_problems(doc, resolved.edition.lang,
                                               printed_text(page.html, page.print_css)))
        if problems:
            outcome.problems = tuple(sorted(set(problems)))
            return outcome
    files: list[tuple[Path, bytes]] = []
    try:
        for resolved in editions:
            lang = resolved.edition.lang
            outcome.warnings.extend(resolved.edition.warnings)
            stem = folder.path / doc.id / f"{doc.id}.{lang}"
            if "html" in formats:
                files.append((stem.with_name(stem.name + ".html"),
                              render(resolved, "web").html.encode("utf-8")))
            if "pdf" in formats:
                from .pdf import write_pdf

                def make_page(keep: frozenset[int], breaks: frozenset[int], facing: bool,
                              resolved: Resolved = resolved) -> Page:
                    return render(resolved, "print", keep, replace(setup, facing=facing), breaks)

                printed = write_pdf(make_page, _archive(resolved, options))
                outcome.warnings.extend(f"{stem.name}.pdf: {w}" for w in printed.warnings)
                files.append((stem.with_name(stem.name + ".pdf"), printed.pdf))
        if outcome.refused:
            return outcome  # the previous outputs stay as they were
        for target, data in files:
            folder.write(target, data)
            outcome.written.append(target)
    except (RenderError, OutputError) as e:
        outcome.failure = str(e)
    except FactsheetError as e:  # pragma: no cover - every stage raises one of the above
        outcome.failure = str(e)
    return outcome


def _archive(resolved: Resolved, options: PdfOptions) -> Archive:
    from .pdf import Archive, Attachment

    edition = resolved.edition
    doc = edition.doc
    attachments = []
    if options.variant in ("pdf/a-3b", "pdf/a-3u"):
        # Named from the main file's folder, never the working folder: the same bytes wherever
        # the build runs.
        for i, file in enumerate(doc.files):
            name = os.path.relpath(file, doc.path.parent)
            what = "the data of this fact sheet" if i == 0 else f"data included by {doc.path.name}"
            attachments.append(Attachment(name, file.read_bytes(), what))
    date = edition.date.start if edition.date else None
    return Archive(options.variant, tuple(attachments), date)
