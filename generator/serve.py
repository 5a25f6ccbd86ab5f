"""`factsheet serve`: a live preview of the documents being edited.

The data files are built with the library's own `build()` into an output folder of the preview's
(`<output>/html/<id>/<id>.<lang>.html` and `<output>/pdf/<id>/<id>.<lang>.pdf`): two folders, so
that each has its own lock and manifest and a slow PDF build never holds up the HTML. The data
files, the files they include and the templates are watched with watchfiles; on a saved change the
HTML is rebuilt at once, in this process, and the pages open in a browser reload themselves (see
`serve_http`); the PDFs are then rebuilt in the background by a `factsheet build` subprocess, which
takes no time from the HTML and can be stopped at any moment without leaving a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import click
import watchfiles

from .build import Outcome, build, discover
from .errors import FactsheetError, Problem, UsageError
from .loader import read_document
from .output import check_output_folder, templates_folder


@dataclass(frozen=True)
class DocState:
    """One document as the preview knows it after the last HTML build."""

    display: str
    id: str
    languages: tuple[str, ...]
    problems: tuple[Problem, ...] = ()
    failure: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and self.failure is None


@dataclass(frozen=True)
class PdfState:
    running: bool = False
    done: bool = False  # at least one PDF build has finished
    said: tuple[str, ...] = ()  # what the last PDF build said on stderr when it failed


@dataclass(frozen=True)
class Status:
    """What the server shows: replaced whole after each build, so a request never sees half of one."""

    html_version: int = 0
    pdf_version: int = 0
    documents: tuple[DocState, ...] = ()
    error: str | None = None  # a build that could not run at all (such as a data file removed)
    pdf: PdfState = PdfState()

    def document(self, doc_id: str) -> DocState | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    @property
    def versions(self) -> dict[str, str]:
        """What the pages wait on: an edition reloads when "html" changes, the index on "all"."""
        return {"html": str(self.html_version), "all": f"{self.html_version}.{self.pdf_version}"}


def _echo(line: str, err: bool = False) -> None:
    click.echo(line, err=err)


class Preview:
    """The builds and the watching of one `factsheet serve`; the HTTP side only reads `status`.

    `output` None: a temporary folder of the preview's own, removed by `close()`. `pdf` False: HTML
    only (the tests of the HTTP side need no PDF engine).
    """

    def __init__(self, paths: Sequence[str], output: Path | None = None, *, pdf: bool = True,
                 echo: Callable[..., None] = _echo) -> None:
        self.paths = [str(p) for p in paths] or ["data"]
        files = discover(self.paths)  # no data file is wrong usage, said before anything is made
        if output is not None:
            # The builds' own check sees only <output>/html and <output>/pdf: the folder given
            # must pass it too (never a data folder, a parent of one, or a repository).
            check_output_folder(Path(output), [path for path, _ in files])
        self.owned = output is None
        self.output = Path(tempfile.mkdtemp(prefix="factsheet-serve-")) if output is None else Path(output)
        self.pdf = pdf
        self.echo = echo
        self._status = Status()
        self._changed = threading.Condition()  # notified with each new status
        self._inputs: dict[str, tuple[Path, ...]] = {}  # display → the data file and its includes
        self._building = threading.Lock()  # one HTML build at a time
        self._pdf_wanted = threading.Condition()
        self._pdf_due = False
        self._pdf_force = False
        self._stopping = False
        self._proc: subprocess.Popen[str] | None = None
        self._pdf_thread: threading.Thread | None = None
        self.ready = threading.Event()  # set while the files are watched

    @property
    def status(self) -> Status:
        return self._status

    def _update(self, change: Callable[[Status], Status]) -> None:
        """A new status made from the current one under the lock: the HTML and the PDF threads
        both change it, and neither may lose the other's change."""
        with self._changed:
            self._status = change(self._status)
            self._changed.notify_all()

    def wait_version(self, key: str, seen: str, timeout: float) -> Status:
        """The status once its version `key` is no longer `seen`, or after `timeout` seconds: a
        page's request waits here, so that it learns of a rebuild the moment it is done."""
        with self._changed:
            self._changed.wait_for(lambda: self._status.versions[key] != seen or self._stopping, timeout)
            return self._status

    # --- HTML ------------------------------------------------------------------------------------

    def build_html(self, *, force: bool = False) -> None:
        """Rebuild the HTML editions (the manifest skips unchanged documents; `force` after a
        template changed, which the manifest's per-process fingerprint of the package misses)."""
        with self._building:
            try:
                files = discover(self.paths)
                report = build(self.paths, self.output / "html", formats=["html"], force=force, jobs=1)
            except FactsheetError as e:
                self.echo(f"html: error: {e}", err=True)
                error = str(e)
                self._update(lambda s: replace(s, html_version=s.html_version + 1, error=error))
            else:
                documents = tuple(self._state(path, outcome)
                                  for (path, _), outcome in zip(files, report.outcomes, strict=True))
                for outcome in report.outcomes:
                    for problem in outcome.problems:
                        self.echo(str(problem), err=True)
                    if outcome.failure:
                        self.echo(f"{outcome.display}: {outcome.failure}", err=True)
                self.echo(f"html: {report.summary}")
                self._update(lambda s: replace(s, html_version=s.html_version + 1, documents=documents,
                                               error=None))
        self.want_pdf(force=force)

    def _state(self, path: Path, outcome: Outcome) -> DocState:
        before = next((d for d in self.status.documents if d.display == outcome.display), None)
        doc, _ = read_document(path, outcome.display)
        if doc is not None:
            # The links too: one pointed elsewhere is a change of the document.
            self._inputs[outcome.display] = tuple(dict.fromkeys((*doc.files, *doc.opened)))
        else:  # unreadable now: keep watching what it included when it last could be read
            self._inputs[outcome.display] = (path, *self._inputs.get(outcome.display, ())[1:])
        languages = outcome.languages or (before.languages if before else ()) or self._built(path.stem)
        return DocState(outcome.display, path.stem, tuple(languages), outcome.problems, outcome.failure,
                        tuple(outcome.warnings))

    def _built(self, doc_id: str) -> tuple[str, ...]:
        """The editions in the output folder: for a document invalid since the preview started."""
        folder = self.output / "html" / doc_id
        prefix, suffix = f"{doc_id}.", ".html"
        with contextlib.suppress(OSError):
            return tuple(sorted(p.name[len(prefix):-len(suffix)] for p in folder.iterdir()
                                if p.name.startswith(prefix) and p.name.endswith(suffix)))
        return ()

    # --- PDF -------------------------------------------------------------------------------------

    def want_pdf(self, *, force: bool = False) -> None:
        if not self.pdf:
            return
        with self._pdf_wanted:
            self._pdf_due = True
            self._pdf_force = self._pdf_force or force
            self._pdf_wanted.notify()
            if self._pdf_thread is None:
                self._pdf_thread = threading.Thread(target=self._pdf_loop, name="factsheet-pdf",
                                                    daemon=True)
                self._pdf_thread.start()

    def _pdf_loop(self) -> None:
        while True:
            with self._pdf_wanted:
                while not self._pdf_due and not self._stopping:
                    self._pdf_wanted.wait()
                if self._stopping:
                    return
                force, self._pdf_due, self._pdf_force = self._pdf_force, False, False
                self._update(lambda s: replace(s, pdf=replace(s.pdf, running=True)))
                # A subprocess: WeasyPrint holds no lock of this process, and `close()` can end it
                # at once (outputs are written atomically). A session of its own: the terminal's
                # Ctrl-C reaches only the preview, which ends it.
                self._proc = subprocess.Popen(
                    [sys.executable, "-m", "generator", "build", *self.paths, "--format", "pdf",
                     "--jobs", "1", "--output", str(self.output / "pdf"), *(["--force"] if force else [])],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
            _, err = self._proc.communicate()
            lines = tuple(line for line in err.splitlines() if line)
            if self._proc.returncode < 0:
                return  # ended by close()
            self.echo(f"pdf: {lines[-1] if lines else 'stopped'}")
            done = PdfState(running=False, done=True, said=lines[:-1] if self._proc.returncode else ())
            self._update(partial(_pdf_done, done))

    def wait_pdf(self, timeout: float) -> bool:
        """Wait until no PDF build is due or running (for tests and scripts); False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._pdf_wanted:
                idle = not self._pdf_due and not self.status.pdf.running
            if idle:
                return True
            time.sleep(0.05)
        return False

    # --- watching --------------------------------------------------------------------------------

    def _watched(self) -> tuple[frozenset[Path], frozenset[Path], frozenset[Path]]:
        """The files to watch, the folders given (a new *.yaml there is a new document), and the
        template folders; each folder watched alone, never recursively (an output folder or a
        .venv below a data folder would wake the preview for nothing)."""
        files = {Path(os.path.abspath(f)) for inputs in self._inputs.values() for f in inputs}
        files |= {Path(os.path.abspath(p)) for p in self.paths if not Path(p).is_dir()}
        folders = frozenset(Path(os.path.abspath(p)) for p in self.paths if Path(p).is_dir())
        root = templates_folder().resolve()
        templates = frozenset({root, *(p for p in root.rglob("*") if p.is_dir() and p.name != "__pycache__")})
        return frozenset(files), folders, templates

    def watch(self, stop: threading.Event) -> None:
        """Rebuild on every saved change until `stop` is set."""
        while not stop.is_set():
            self.ready.clear()
            files, folders, templates = watched = self._watched()
            dirs = sorted({f.parent for f in files} | folders | templates)
            # step: the changes are taken 50 ms after the last one (an editor's save is several
            # events), so the HTML is rebuilt well within the second the browser is promised.
            # The empty set yielded every 200 ms when nothing changed says the folders are
            # watched (`ready`): a change saved from then on is seen.
            for changes in watchfiles.watch(*[d for d in dirs if d.is_dir()],
                                            watch_filter=partial(_relevant, watched), stop_event=stop,
                                            step=50, rust_timeout=200, yield_on_timeout=True,
                                            recursive=False):
                self.ready.set()
                if not changes:
                    continue
                names = sorted({os.path.relpath(name) for _, name in changes})
                self.echo(f"changed: {', '.join(names)}")
                self.build_html(force=any(Path(name).parent in templates for _, name in changes))
                if self._watched() != watched:
                    break  # an include added or removed: watch the new set (from 200 ms on)

    def close(self) -> None:
        """Stop the PDF build and remove the preview's own temporary output folder."""
        with self._pdf_wanted:
            self._stopping = True
            self._pdf_wanted.notify()
        with self._changed:
            self._changed.notify_all()  # the pages' waiting requests are answered
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        if self._pdf_thread is not None:
            self._pdf_thread.join(5)
        if self.owned:
            shutil.rmtree(self.output, ignore_errors=True)


def _pdf_done(pdf: PdfState, status: Status) -> Status:
    return replace(status, pdf_version=status.pdf_version + 1, pdf=pdf)


def _relevant(watched: tuple[frozenset[Path], frozenset[Path], frozenset[Path]], _: watchfiles.Change,
              name: str) -> bool:
    """A data file or include, a new data file in a folder given, or a template."""
    files, folders, templates = watched
    path = Path(name)
    return path in files or path.parent in templates or (path.parent in folders and path.suffix == ".yaml")


@contextlib.contextmanager
def running(paths: Sequence[str], port: int = 0, output: Path | None = None, *, pdf: bool = True,
            echo: Callable[..., None] = _echo) -> Iterator[tuple[Preview, int]]:
    """A preview built, served and watched in threads of this process; yields it and its port."""
    from .serve_http import PreviewServer

    preview = Preview(paths, output, pdf=pdf, echo=echo)
    stop = threading.Event()
    server: PreviewServer | None = None
    threads: list[threading.Thread] = []
    try:
        preview.build_html()
        try:
            server = PreviewServer(preview, port)
        except OSError as e:
            raise UsageError(f"cannot serve on 127.0.0.1:{port}: {e.strerror or e}; "
                             "choose another --port") from e
        threads = [threading.Thread(target=server.serve_forever, args=(0.05,), name="factsheet-http",
                                    daemon=True),
                   threading.Thread(target=preview.watch, args=(stop,), name="factsheet-watch",
                                    daemon=True)]
        for thread in threads:
            thread.start()
        preview.ready.wait(10)
        yield preview, server.port
    finally:
        stop.set()
        if server is not None:
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join(5)
        preview.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(paths: Sequence[str], port: int, output: Path | None) -> None:
    """The command: serve until Ctrl-C (or SIGTERM or SIGHUP, which clean up the same way)."""
    for stop in (signal.SIGTERM, signal.SIGHUP):  # a terminal closed or a kill: clean up as on Ctrl-C
        signal.signal(stop, _interrupt)
    try:  # around the whole: a Ctrl-C during the first build, or just after it, stops cleanly too
        with running(paths, port, output) as (preview, bound):
            where = f"{preview.output} (removed on exit)" if preview.owned else str(preview.output)
            _echo(f"serving http://127.0.0.1:{bound}/ from {where}; Ctrl-C to stop")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        _echo("stopped")
