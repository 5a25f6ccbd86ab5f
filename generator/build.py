"""Stage 6, build: data files × languages × formats → files in the output folder.

Every document is validated whole (all its editions, their footnote parity) before anything of it
is written; its outputs are then made in memory and each moved into place atomically, so an
invalid or failing document leaves its previous outputs exactly as they were, and never stops
the other documents of the build.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

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
    from .verdicts import Verdict

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


def check(paths: Sequence[str | Path], *, strict: bool = False, remember: bool = True) -> Report:
    """Validate documents as a build would, writing nothing but, with `remember`, each verdict
    in the user's cache (verdicts.py): an unchanged document is not loaded again."""
    from .verdicts import Verdicts

    verdicts = Verdicts.load() if remember else Verdicts({})
    outcomes = []
    for path, display in discover(paths):
        verdict = verdicts.get(path, display) if remember else None
        if verdict is None:
            verdict, drawn = _judge(path, display)
            if remember and drawn is not None:
                verdicts.record(path, display, drawn, verdict)
        outcomes.append(Outcome(display, problems=verdict.problems, warnings=list(verdict.warnings),
                                strict=strict))
    if remember:
        verdicts.save()
    return Report(outcomes)


# Each file a document was made of: by the path it was opened by, the file that path led to,
# and the digest of the bytes read of it.
Drawn = list[tuple[Path, Path, str]]


def _judge(path: Path, display: str) -> tuple[Verdict, Drawn | None]:
    """A document's problems and warnings, and what they were drawn from (None when it is
    invalid: which files it includes is not known)."""
    from .glyphs import document_problems
    from .verdicts import Verdict

    try:
        prepared = prepare(path, display)
        # A build makes PDFs by default: what their fonts cannot print is invalid data.
        problems = tuple(document_problems(prepared.doc, prepared.doc.languages))
        warnings, record = _stale(prepared.doc)
    except DataError as e:
        return Verdict(e.problems, ()), None
    return Verdict(problems, tuple(warnings)), _drawn_from(prepared.doc, record)


def _drawn_from(doc: Document, record: str) -> Drawn:
    """The files of `doc` and its translations' record (`record`: the digest of what was read)."""
    from .translate import sidecar

    translations = sidecar(doc.path)
    return [*zip(doc.opened, doc.files, doc.digests, strict=True),
            (translations, translations.resolve(), record)]


def _stale(doc: Document) -> tuple[list[str], str]:
    """The warnings of the translations made before their source changed, and the digest of the
    translations' record they were found in."""
    from .translate import read_record, stale_problems

    prints, record = read_record(doc.path, doc.display)
    return [str(p) for p in stale_problems(doc.path, doc.display, list(doc.languages), prints)], record


class Progress(Protocol):
    """Who follows a build: told how many documents it has, then each one's outcome."""

    def start(self, total: int) -> None: ...

    def finished(self, outcome: Outcome) -> None: ...


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


@dataclass(frozen=True)
class EditionJob:
    """The PDF of one edition of a document its Job found valid: a job of its own, so that the
    editions of a long document are laid out by several workers at once."""

    job: Job
    lang: str
    inputs: str  # the digest of the data the document was validated from


@dataclass(frozen=True)
class Checked:
    """A document validated whole (a Job's result), with its HTML editions made in memory."""

    outcome: Outcome  # its problems, or its languages and warnings
    inputs: tuple[Path, ...]  # its files by the paths they were opened by: data, includes, record
    digest: str  # the fingerprint of its data file and includes as validated (plan.read_fingerprint)
    html: tuple[tuple[str, Path, bytes], ...]  # (language, path, HTML)
    edition_warnings: tuple[tuple[str, tuple[str, ...]], ...]  # (language, warnings), in order
    pdfs: tuple[str, ...]  # the languages of the PDFs to make
    weight: int  # the data's size: the larger document's editions are scheduled first
    recorded: str = ""  # the fingerprint of `inputs` as read, for the manifest (when valid)


@dataclass(frozen=True)
class EditionMade:
    """An EditionJob's result: the PDF, or what keeps it from being made."""

    path: Path
    pdf: bytes = b""
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    failure: str | None = None


@dataclass
class _Building:
    """The parent's account of one document while its jobs run: nothing of it is written until
    every one of them has come back, and then all of it or nothing."""

    job: Job
    checked: Checked | None = None
    made: dict[str, EditionMade] = field(default_factory=dict)
    failure: str | None = None
    waiting: int = 0


def build(paths: Sequence[str | Path], output: Path = Path("output"),
          langs: Sequence[str] | None = None, formats: Sequence[str] = FORMATS,
          pdf: PdfOptions = PdfOptions(), *, strict: bool = False, force: bool = False,
          jobs: int | None = None, executor: Executor | None = None,
          progress: Progress | None = None) -> Report:
    """Build each document's editions into `output`.

    `strict`: a document with warnings fails (exit 1) and none of its outputs is written.
    `force`: rebuild documents the manifest says are up to date. `jobs`: worker processes
    (default: the machine's cores), or any `concurrent.futures.Executor` (then `jobs` is only a
    hint). `progress` is told the number of documents, then each one's outcome as soon as it
    is known.

    Each document is a job (load, validate, HTML), and each of its PDF editions another, run
    once the document is found valid.
    """
    from .output import OutputFolder, write_atomic
    from .plan import MANIFEST, Manifest, Runner

    started = time.perf_counter()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; expected html or pdf")
    pdf.check()
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {jobs}")
    files = discover(paths)
    outcomes: dict[str, Outcome] = {}

    def done(key: str, outcome: Outcome) -> None:
        outcomes[key] = outcome
        if progress is not None:
            progress.finished(outcome)

    if progress is not None:
        progress.start(len(files))
    with OutputFolder(output, [path for path, _ in files]) as folder:
        manifest = Manifest.load(folder.path)
        recorded = manifest.dumps()
        todo = []
        for path, display in files:
            job = Job(path, display, folder.path, tuple(langs) if langs else None, tuple(formats), pdf,
                      strict)
            if not force and manifest.is_current(job.key, options_of(job)):
                kept = manifest.documents[job.key].get("languages")
                languages = tuple(x for x in kept if isinstance(x, str)) if isinstance(kept, list) else ()
                done(job.key, Outcome(display, skipped=True, languages=languages))
            else:
                todo.append(job)
        workers = jobs or os.cpu_count() or 1
        first: list[tuple[Job | EditionJob, Checked | EditionMade | Exception]] = []
        if len(todo) == 1 and executor is None:
            # One document is validated here, and its PDF editions get a pool only if they are
            # several: a pool's start and WeasyPrint's import in each worker cost more than
            # they save otherwise. (Forked, the workers find the validation done.)
            first.append((todo[0], _attempt(todo[0])))
            result = first[0][1]
            workers = min(workers, len(result.pdfs)) if isinstance(result, Checked) else 1
        runner: Runner[Job | EditionJob, Checked | EditionMade] = Runner(
            work, workers, executor, initializer=warm_worker)
        building: dict[str, _Building] = {job.key: _Building(job) for job in todo}
        for job in todo[len(first):]:
            runner.add(job, weight=FIRST)  # before any edition: they make the editions known
        for task, result in itertools.chain(first, runner):
            state = building[task.key if isinstance(task, Job) else task.job.key]
            if isinstance(result, Exception):
                state.failure = state.failure or f"its build failed: {type(result).__name__}: {result}"
            elif isinstance(result, Checked):
                state.checked = result
                for lang in result.pdfs:
                    runner.add(EditionJob(state.job, lang, result.digest), weight=result.weight)
                state.waiting = len(result.pdfs)
            elif isinstance(task, EditionJob):
                state.made[task.lang] = result
            if isinstance(task, EditionJob) or state.checked is None:
                state.waiting -= 1
            if state.waiting <= 0:
                done(state.job.key, _finish(state, folder, manifest))
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


FIRST = 2**62  # the weight of a document's own job: all of them go before any edition


def _finish(state: _Building, folder: OutputFolder, manifest: Manifest) -> Outcome:
    """A document whose jobs have all come back: its outputs written (all or nothing) and
    recorded in the manifest, or none of them and its entry dropped."""
    from .plan import combined

    job, checked = state.job, state.checked
    if checked is None:  # its own job failed
        manifest.documents.pop(job.key, None)
        return Outcome(job.display, failure=state.failure)
    outcome = replace(checked.outcome, warnings=list(checked.outcome.warnings))
    problems = set(outcome.problems)
    for edition in state.made.values():
        problems.update(edition.problems)
        outcome.failure = outcome.failure or edition.failure
    outcome.failure = outcome.failure or state.failure
    files: list[tuple[Path, bytes]] = []
    if problems:
        # As when they are found before anything else: the problems alone are said.
        outcome.problems = tuple(sorted(problems))
        outcome.warnings = []
    else:
        html = {lang: (path, data) for lang, path, data in checked.html}
        for lang, warnings in checked.edition_warnings:
            outcome.warnings.extend(warnings)
            if lang in html:
                files.append(html[lang])
            made = state.made.get(lang)
            if made is not None:
                outcome.warnings.extend(f"{made.path.name}: {w}" for w in made.warnings)
                files.append((made.path, made.pdf))
    if not outcome.ok or not files:
        manifest.documents.pop(job.key, None)
        return outcome
    try:
        folder.write_all(files)
    except OutputError as e:
        outcome.failure = str(e)
        manifest.documents.pop(job.key, None)
        return outcome
    outcome.written = [path for path, _ in files]
    manifest.record(job.key, checked.inputs, combined(checked.recorded, options_of(job)), files)
    manifest.documents[job.key]["languages"] = list(outcome.languages)
    return outcome


# One job at a time in a process: a Dask worker may run several in threads, and a PDF's warnings
# are caught from WeasyPrint's logger, which every thread shares.
_ONE_AT_A_TIME = threading.Lock()


def _attempt(job: Job) -> Checked | EditionMade | Exception:
    try:
        return work(job)
    except Exception as e:  # as a worker's exception: the document fails, not the build
        return e


def work(task: Job | EditionJob) -> Checked | EditionMade:
    """A worker's job: a document validated and its HTML made, or one PDF edition of it."""
    with _ONE_AT_A_TIME:
        return check_document(task) if isinstance(task, Job) else print_edition(task)


def warm_worker() -> None:
    """A worker process's set-up, once: WeasyPrint imported and its font configuration made,
    so that the first PDF of each worker does not pay for them."""
    from .pdf import _fonts

    _fonts()


# The documents a worker validated last, with the digest of their data: the PDF editions of a
# document reuse its validation in the worker that made it (and in this process, with one
# worker), instead of loading and localizing it again.
_PREPARED: dict[str, tuple[str, Prepared]] = {}
MAX_PREPARED = 8


def options_of(job: Job) -> dict[str, object]:
    """The options an output depends on, as the manifest records them."""
    return {"langs": sorted(job.langs) if job.langs else None, "formats": sorted(job.formats),
            "pdf": asdict(job.pdf), "strict": job.strict}


def _prepared(job: Job, expected: str | None = None) -> tuple[Prepared, str]:
    """The document validated, and the fingerprint of its data as it was read and validated
    (plan.read_fingerprint: the manifest records what was validated, not what the files became
    since); with `expected`, a RenderError when the data is no longer what the document's job
    validated."""
    from .plan import read_fingerprint

    cached = _PREPARED.get(job.key)
    if cached is not None and expected is not None and cached[0] == expected:
        return cached[1], expected
    try:
        prepared = prepare(job.path, job.display)
        digest = read_fingerprint(zip(prepared.doc.files, prepared.doc.digests, strict=True))
    except (DataError, OSError) as e:
        if expected is None:
            raise
        raise RenderError(f"its data changed during the build ({e}); build again") from e
    if expected is not None and digest != expected:
        raise RenderError("its data changed during the build; build again")
    _PREPARED.pop(job.key, None)
    if len(_PREPARED) >= MAX_PREPARED:
        del _PREPARED[next(iter(_PREPARED))]
    _PREPARED[job.key] = (digest, prepared)
    return prepared, digest


def check_document(job: Job) -> Checked:
    """Validate one document whole and make its HTML editions in memory; nothing is written."""
    from .glyphs import document_problems, printed_text, rendering_problems
    from .plan import read_fingerprint
    from .render import PrintSetup, render

    outcome = Outcome(job.display, strict=job.strict)
    try:
        prepared, digest = _prepared(job)
    except DataError as e:
        outcome.problems = e.problems
        return Checked(outcome, (), "", (), (), (), 0)
    doc = prepared.doc
    outcome.languages = doc.languages
    editions = [r for r in prepared.editions if not job.langs or r.edition.lang in job.langs]
    langs = tuple(r.edition.lang for r in editions)
    if "pdf" in job.formats:
        problems = document_problems(doc, langs)
        if problems:
            # The characters the rendering adds are said with them; otherwise each PDF edition's
            # job finds those in the rendering it lays out.
            setup = PrintSetup(paper=job.pdf.paper, toc=job.pdf.toc, handout=job.pdf.handout)
            for resolved in editions:
                page = render(resolved, "print", setup=setup)
                problems.extend(rendering_problems(doc, resolved.edition.lang,
                                                   printed_text(page.html, page.print_css)))
            outcome.problems = tuple(sorted(set(problems)))
            return Checked(outcome, doc.opened, digest, (), (), (), 0)
    try:
        stale, record = _stale(doc)
    except DataError as e:  # its translations' record cannot be read
        outcome.problems = e.problems
        return Checked(outcome, doc.opened, digest, (), (), (), 0)
    outcome.warnings.extend(stale)
    # The manifest's files: the record's too (a stale translation is a warning, under --strict
    # an error; a damaged record a problem).
    drawn = _drawn_from(doc, record)
    inputs = tuple(opened for opened, _, _ in drawn)
    recorded = read_fingerprint((real, digest) for _, real, digest in drawn)
    html = []
    try:
        for resolved in editions:
            if "html" in job.formats:
                path = job.output / doc.id / f"{doc.id}.{resolved.edition.lang}.html"
                html.append((resolved.edition.lang, path, render(resolved, "web").html.encode("utf-8")))
    except RenderError as e:
        outcome.failure = str(e)
        return Checked(outcome, doc.opened, digest, (), (), (), 0)
    pdfs = langs if "pdf" in job.formats else ()
    weight = sum(len(f.read_bytes()) for f in doc.files) if pdfs else 0
    return Checked(outcome, inputs, digest, tuple(html),
                   tuple((r.edition.lang, tuple(r.edition.warnings)) for r in editions), pdfs, weight,
                   recorded)


def print_edition(task: EditionJob) -> EditionMade:
    """One PDF edition, in memory: the glyphs its rendering adds checked, then laid out."""
    from .glyphs import printed_text, rendering_problems
    from .pdf import write_pdf
    from .render import PrintSetup, render

    job = task.job
    try:
        prepared, _ = _prepared(job, task.inputs)
    except RenderError as e:
        return EditionMade(job.output, failure=str(e))
    doc = prepared.doc
    [resolved] = [r for r in prepared.editions if r.edition.lang == task.lang]
    path = job.output / doc.id / f"{doc.id}.{task.lang}.pdf"
    setup = PrintSetup(paper=job.pdf.paper, toc=job.pdf.toc, handout=job.pdf.handout)
    # Rendered once: for the glyph check and, as it is, for the first layout of a long document
    # (facing pages); a short one is rendered again on single pages, which is cheap.
    first = render(resolved, "print", setup=replace(setup, facing=True))
    problems = rendering_problems(doc, task.lang, printed_text(first.html, first.print_css))
    if problems:
        return EditionMade(path, problems=tuple(problems))

    def make_page(keep: frozenset[int], breaks: frozenset[int], facing: bool) -> Page:
        if not keep and not breaks and facing:
            return first
        return render(resolved, "print", keep, replace(setup, facing=facing), breaks)

    try:
        printed = write_pdf(make_page, _archive(resolved, job.pdf))
    except RenderError as e:
        return EditionMade(path, failure=str(e))
    return EditionMade(path, printed.pdf, tuple(printed.warnings))


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
