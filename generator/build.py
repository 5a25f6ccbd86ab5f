"""Stage 6, build: data files × languages × formats → files in the output folder.

Every document is validated whole (all its editions, their footnote parity) before anything of it
is written; its outputs are then made in memory and each moved into place atomically, so an
invalid or failing document leaves its previous outputs exactly as they were, and never stops
the other documents of the build.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_OK,
    Collector,
    DataError,
    OutputError,
    Problem,
    RenderError,
    UsageError,
)

# The stages are imported where they are used, never here: the command line imports this module
# for its constants, and `factsheet --help` must not pay for YAML, Babel, Markdown or ICU.
if TYPE_CHECKING:
    from concurrent.futures import Executor

    from .model import Document
    from .output import OutputFolder
    from .pdf import Archive
    from .plan import Manifest
    from .references import Resolved
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
    skipped: bool = False  # up to date: nothing to do
    languages: tuple[str, ...] = ()

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
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        built = sum(1 for o in self.outcomes if o.ok and not o.skipped)
        skipped = sum(1 for o in self.outcomes if o.skipped)
        failed = sum(1 for o in self.outcomes if not o.ok)
        return f"built {built}, skipped {skipped} (up to date), failed {failed} in {self.seconds:.1f} s"

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
    from .loader import read_document
    from .localize import localize
    from .references import check_parity, resolve

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


def check(paths: Sequence[str | Path], *, strict: bool = False) -> Report:
    from .glyphs import document_problems

    outcomes = []
    for path, display in discover(paths):
        try:
            prepared = prepare(path, display)
            # A build makes PDFs by default: what their fonts cannot print is invalid data.
            problems = tuple(document_problems(prepared.doc, prepared.doc.languages))
            outcome = Outcome(display, problems=problems, strict=strict)
            outcome.warnings.extend(_stale(prepared.doc))
            outcomes.append(outcome)
        except DataError as e:
            outcomes.append(Outcome(display, problems=e.problems))
    return Report(outcomes)


def _stale(doc: Document) -> list[str]:
    from .translate import stale_problems

    return [str(p) for p in stale_problems(doc.path, doc.display, list(doc.languages))]


@dataclass(frozen=True)
class Job:
    """One document to build: what a worker process needs, and nothing it cannot pickle."""

    path: Path
    display: str
    output: Path
    langs: tuple[str, ...] | None
    formats: tuple[str, ...]
    pdf: PdfOptions
    strict: bool

    @property
    def key(self) -> str:
        return str(self.path.resolve())


@dataclass
class Made:
    job: Job
    outcome: Outcome
    files: list[tuple[Path, bytes]]  # to write, all or nothing
    inputs: tuple[Path, ...]  # the data file and its includes


def build(paths: Sequence[str | Path], output: Path = Path("output"),
          langs: Sequence[str] | None = None, formats: Sequence[str] = FORMATS,
          pdf: PdfOptions = PdfOptions(), *, strict: bool = False, force: bool = False,
          jobs: int | None = None, executor: Executor | None = None) -> Report:
    """Build each document's editions into `output`.

    `strict`: a document with warnings fails (exit 1) and none of its outputs is written.
    `force`: rebuild documents the manifest says are up to date. `jobs`: worker processes
    (default: the machine's cores), or any `concurrent.futures.Executor`.
    """
    from .output import OutputFolder, write_atomic
    from .plan import MANIFEST, Manifest, run

    started = time.perf_counter()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; expected html or pdf")
    pdf.check()
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {jobs}")
    files = discover(paths)
    options: dict[str, object] = {"langs": sorted(langs) if langs else None, "formats": sorted(formats),
                                  "pdf": asdict(pdf), "strict": strict}
    outcomes: dict[str, Outcome] = {}
    with OutputFolder(output, [path for path, _ in files]) as folder:
        manifest = Manifest.load(folder.path)
        recorded = manifest.dumps()
        todo = []
        for path, display in files:
            job = Job(path, display, folder.path, tuple(langs) if langs else None, tuple(formats), pdf,
                      strict)
            if not force and manifest.is_current(job.key, options):
                entry = manifest.documents[job.key]
                outcomes[job.key] = Outcome(display, skipped=True,
                                            languages=tuple(entry.get("languages", ())))
            else:
                todo.append(job)
        for job, made in run(make, todo, jobs or os.cpu_count() or 1, executor):
            if isinstance(made, Exception):
                outcomes[job.key] = Outcome(job.display, failure=f"its build failed: "
                                                                 f"{type(made).__name__}: {made}")
                manifest.documents.pop(job.key, None)
            else:
                outcomes[job.key] = _keep(made, folder, manifest, options)
        if manifest.dumps() != recorded:
            write_atomic(folder.path / MANIFEST, manifest.dumps())
    report = Report([outcomes[str(path.resolve())] for path, _ in files],
                    time.perf_counter() - started)
    if langs and all(o.ok for o in report.outcomes):
        present = {lang for o in report.outcomes for lang in o.languages}
        missing = [lang for lang in langs if lang not in present]
        if missing:
            raise UsageError(f"no document has the language {missing[0]!r}")
    return report


def _keep(made: Made, folder: OutputFolder, manifest: Manifest, options: dict[str, object]) -> Outcome:
    """Write a made document's outputs (all or nothing) and record them in the manifest."""
    outcome = made.outcome
    if not outcome.ok or not made.files:
        manifest.documents.pop(made.job.key, None)
        return outcome
    try:
        folder.write_all(made.files)
    except OutputError as e:
        outcome.failure = str(e)
        manifest.documents.pop(made.job.key, None)
        return outcome
    outcome.written = [path for path, _ in made.files]
    manifest.record(made.job.key, made.inputs, options, made.files)
    manifest.documents[made.job.key]["languages"] = list(outcome.languages)
    return outcome


def make(job: Job) -> Made:
    """Validate and render one document in memory; nothing is written here (a worker's job)."""
    outcome = Outcome(job.display, strict=job.strict)
    try:
        prepared = prepare(job.path, job.display)
    except DataError as e:
        outcome.problems = e.problems
        return Made(job, outcome, [], ())
    from .glyphs import document_problems, printed_text, rendering_problems
    from .render import PrintSetup, render

    doc = prepared.doc
    outcome.languages = doc.languages
    options = job.pdf
    editions = [r for r in prepared.editions if not job.langs or r.edition.lang in job.langs]
    setup = PrintSetup(paper=options.paper, toc=options.toc, handout=options.handout)
    if "pdf" in job.formats:
        problems = document_problems(doc, [r.edition.lang for r in editions])
        for resolved in editions:
            page = render(resolved, "print", setup=setup)
            problems.extend(rendering_problems(doc, resolved.edition.lang,
                                               printed_text(page.html, page.print_css)))
        if problems:
            outcome.problems = tuple(sorted(set(problems)))
            return Made(job, outcome, [], doc.files)
    outcome.warnings.extend(_stale(doc))
    files: list[tuple[Path, bytes]] = []
    try:
        for resolved in editions:
            lang = resolved.edition.lang
            outcome.warnings.extend(resolved.edition.warnings)
            stem = job.output / doc.id / f"{doc.id}.{lang}"
            if "html" in job.formats:
                files.append((stem.with_name(stem.name + ".html"),
                              render(resolved, "web").html.encode("utf-8")))
            if "pdf" in job.formats:
                from .pdf import write_pdf

                def make_page(keep: frozenset[int], breaks: frozenset[int], facing: bool,
                              resolved: Resolved = resolved) -> Page:
                    return render(resolved, "print", keep, replace(setup, facing=facing), breaks)

                printed = write_pdf(make_page, _archive(resolved, options))
                outcome.warnings.extend(f"{stem.name}.pdf: {w}" for w in printed.warnings)
                files.append((stem.with_name(stem.name + ".pdf"), printed.pdf))
    except RenderError as e:
        outcome.failure = str(e)
        return Made(job, outcome, [], doc.files)
    if outcome.refused:
        return Made(job, outcome, [], doc.files)  # the previous outputs stay as they were
    return Made(job, outcome, files, doc.files)


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
