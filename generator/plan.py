"""Build plans: which outputs a build makes, which are already up to date, and who makes them.

A manifest in the output folder records, for each output, a fingerprint of everything it
depends on (its data file, includes and translations' record as they were read, the templates,
catalogs, fonts, tables and code of the package, the versions of Python and of the libraries,
the system's CJK fonts, the options) and of the bytes written. An output whose
fingerprint is unchanged and whose file is still the one written is skipped.
"""

from __future__ import annotations

import hashlib
import heapq
import importlib.util
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor

from . import __version__
from .errors import UsageError
from .fontset import SYSTEM_FONTS
from .reading import NotAFile, TooLarge, content_digest, read_capped

MANIFEST = ".factsheet-manifest.json"
MAX_FINGERPRINTED = 64 * 1024 * 1024  # bytes: more than any file a document may read
LIBRARIES = ("babel", "yaml", "markdown_it", "icu", "pycountry", "polib", "jinja2", "weasyprint", "fontTools")
# The distributions that read, localize and print (those of LIBRARIES and what they use), by
# normalized name: upgrading a linter or a test tool rebuilds nothing.
DISTRIBUTIONS = frozenset({
    "babel", "pyyaml", "markdown-it-py", "mdurl", "pyicu", "pycountry", "polib", "jinja2", "markupsafe",
    "weasyprint", "pydyf", "tinycss2", "tinyhtml5", "cssselect2", "webencodings", "pyphen", "fonttools",
    "brotli", "zopfli", "pillow", "cffi", "pycparser"})

T = TypeVar("T")
R = TypeVar("R")


def _walk(root: Traversable) -> Iterator[tuple[str, Traversable]]:
    for item in sorted(root.iterdir(), key=lambda t: t.name):
        if item.is_dir():
            if item.name != "__pycache__":
                yield from ((f"{item.name}/{name}", t) for name, t in _walk(item))
        elif not item.name.endswith((".pyc", ".mo")):
            yield item.name, item


@cache
def package_fingerprint() -> str:
    """Everything of the package an output depends on, besides the data: one hash per process."""
    digest = hashlib.sha256(__version__.encode())
    for package, folder in (("generator", "fonts"), ("generator", "locale"), ("generator", "tables"),
                            ("generator.templates", "")):
        root = resources.files(package)
        if folder:
            root = root / folder
        for name, item in _walk(root):
            digest.update(f"{package}/{folder}/{name}\0".encode())
            digest.update(item.read_bytes())
    # The code that turns data into documents is part of the package too.
    for name, item in _walk(resources.files("generator")):
        if name.endswith(".py") and "/" not in name:
            digest.update(f"code/{name}\0".encode())
            digest.update(item.read_bytes())
    # The libraries that read, localize and print the data: a new version may judge or print
    # the same data otherwise. The distributions installed beside them, by name and version
    # (found without importing them; the same on every machine of a cluster that has them).
    digest.update(f"python\0{'.'.join(map(str, sys.version_info[:3]))}\0".encode())
    for folder in sorted(_library_folders()):
        names = sorted(n for n in _listing(folder) if n.endswith(".dist-info")
                       and re.sub(r"[-_.]+", "-", n.partition("-")[0]).lower() in DISTRIBUTIONS)
        digest.update(f"{folder}\0{chr(0).join(names)}\0\0".encode())
    # The system's fonts that print some scripts (Noto CJK): a new version of their package, or
    # FACTSHEET_CJK_FONTS naming another folder, rebuilds. Their size, not their bytes (the four
    # collections weigh 100 MB) nor their time (a cluster's machines installed them apart).
    for system in SYSTEM_FONTS:
        for family, path in system.paths():
            try:
                state = str(path.stat().st_size)
            except OSError:
                state = "absent"
            digest.update(f"system/{family}/{path}\0{state}\0".encode())
    return digest.hexdigest()


def _library_folders() -> set[str]:
    """The folders the libraries of LIBRARIES are installed in (site-packages)."""
    folders = set()
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            package = Path(spec.origin).parent
            folders.add(str(package.parent if spec.submodule_search_locations else package))
    return folders


def _listing(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _state(path: Path) -> str:
    """What a fingerprint takes of one file: the digest of its bytes (read as a data file is: a
    pipe is never waited for), or what stands in their place."""
    try:
        return content_digest(read_capped(path, MAX_FINGERPRINTED))
    except FileNotFoundError:
        return "absent"
    except NotAFile:
        return "not a file"
    except TooLarge as e:
        return f"too large: {e.size}"


def _target(path: Path) -> bytes:
    try:
        return os.fsencode(path.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return b""


def _data(states: Iterable[tuple[bytes, str]]) -> str:
    digest = hashlib.sha256()
    for target, state in states:
        digest.update(target + b"\0" + state.encode() + b"\0")
    return digest.hexdigest()


def data_fingerprint(files: Iterable[Path]) -> str:
    """The fingerprint of a document's data as it is now: each file by the file its path leads
    to (a link pointed elsewhere leads to other bytes, and to other includes: an include is
    found beside the file it is in, not beside the link to it) and the digest of its bytes. A
    file that does not exist is part of it too (a translation sidecar not made yet). OSError
    when a file cannot be read."""
    return _data((_target(path), _state(path)) for path in files)


def read_fingerprint(read: Iterable[tuple[Path, str]]) -> str:
    """The same of the files as they were read: each by the file it was (resolved) and the
    digest of the bytes read (reading.content_digest, or `absent`). While nothing changes it is
    `data_fingerprint` of the paths they were opened by; a file saved, or a link pointed
    elsewhere, since it was read makes them differ."""
    return _data((os.fsencode(real), digest) for real, digest in read)


def combined(data: str, options: dict[str, object]) -> str:
    """The fingerprint of an output: its data's fingerprint, the options and this package."""
    digest = hashlib.sha256(package_fingerprint().encode())
    digest.update(data.encode() + b"\0")
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def fingerprint(files: Iterable[Path], options: dict[str, object]) -> str:
    """The fingerprint of an output made from `files` as they are now."""
    return combined(data_fingerprint(files), options)


@dataclass
class Manifest:
    """For each document built into the folder: its files, its inputs' fingerprint, its outputs.

    A document is up to date when the fingerprint of the files it was made from (read again
    now) and of the options is the recorded one, and every output it wrote is still there
    with the bytes written. Its includes are among its files, so editing an included file
    rebuilds every document that includes it.
    """

    folder: Path
    documents: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        try:
            documents = json.loads((folder / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            documents = {}
        return cls(folder, documents if isinstance(documents, dict) else {})

    def is_current(self, key: str, options: dict[str, object]) -> bool:
        entry = self.documents.get(key)
        if not isinstance(entry, dict):
            return False
        files, inputs, outputs = entry.get("files"), entry.get("inputs"), entry.get("outputs")
        if not (isinstance(files, list) and all(isinstance(f, str) for f in files)
                and isinstance(inputs, str) and isinstance(outputs, dict)):
            return False  # a damaged entry: the document is built again
        try:
            if fingerprint([Path(f) for f in files], options) != inputs:
                return False
            return all(isinstance(name, str) and hashlib.sha256((self.folder / name).read_bytes()).hexdigest()
                       == digest for name, digest in outputs.items())
        except (OSError, ValueError):  # ValueError: a NUL in a damaged entry
            return False

    def record(self, key: str, files: Sequence[Path], inputs: str,
               outputs: Sequence[tuple[Path, bytes]]) -> None:
        """`inputs`: the fingerprint of `files` and the options, taken when the document was
        validated (a file edited during the build is then seen as changed by the next one)."""
        self.documents[key] = {
            "files": [str(f) for f in files],
            "inputs": inputs,
            "outputs": {path.relative_to(self.folder).as_posix(): hashlib.sha256(data).hexdigest()
                        for path, data in outputs},
        }

    def dumps(self) -> bytes:
        return (json.dumps(self.documents, sort_keys=True, indent=1) + "\n").encode()


class Runner(Generic[T, R]):
    """`fn` over jobs on an executor: jobs can be added while the results come in (a document's
    editions once the document is found valid), and the heaviest waiting job goes first, so
    that a long document does not start last and keep one worker busy alone at the end.

    Without an executor the jobs run on a pool of `workers` processes of our own, each set up
    once by `initializer`; with one worker they run in this process (a pool costs a process start
    and an import of WeasyPrint per worker, which only pays when there is work to share). A
    crashed worker fails its job, not the build.
    """

    def __init__(self, fn: Callable[[T], R], workers: int, executor: Executor | None = None, *,
                 initializer: Callable[[], None] | None = None) -> None:
        self.fn = fn
        self.workers = max(1, workers)
        self.executor = executor
        self.initializer = initializer
        self._pending: list[tuple[int, int, T]] = []  # a heap: heaviest first, then first added
        self._added = 0

    def add(self, job: T, weight: int = 0) -> None:
        heapq.heappush(self._pending, (-weight, self._added, job))
        self._added += 1

    def _pop(self) -> T:
        return heapq.heappop(self._pending)[2]

    def __iter__(self) -> Iterator[tuple[T, R | Exception]]:
        """Pairs of a job and its result, or the exception that ended it, as they finish."""
        if self.executor is None and self.workers <= 1:
            while self._pending:
                job = self._pop()
                try:
                    result: R | Exception = self.fn(job)
                except Exception as e:
                    result = e
                yield job, result
            return
        yield from self._pooled()

    def _pool(self, workers: int) -> Executor:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=workers, initializer=self.initializer)

    def _pooled(self) -> Iterator[tuple[T, R | Exception]]:
        from concurrent.futures import FIRST_COMPLETED, Future, wait
        from concurrent.futures.process import BrokenProcessPool

        owned = self.executor is None
        pool = self.executor or self._pool(self.workers)
        # Our own pool gets one job more than it has workers, so that a worker never waits for
        # this process, and the rest stay here, in order of weight. Another executor schedules
        # for itself: it gets every job at once.
        limit = self.workers + 1 if owned else None
        running: dict[Future[R], T] = {}
        orphans: list[T] = []
        finished = False  # whether a job has come back from this pool
        try:
            while self._pending or running:
                while self._pending and (limit is None or len(running) < limit):
                    entry = heapq.heappop(self._pending)
                    try:
                        running[pool.submit(self.fn, entry[2])] = entry[2]
                    except BrokenProcessPool:
                        heapq.heappush(self._pending, entry)  # it waits for the new pool
                        if running:
                            break  # the wait below finds the jobs that broke with the pool
                        if not (owned and finished):
                            raise  # no job has run in this pool: its workers cannot start
                        # A worker died idle (the system killed it): a new pool goes on.
                        pool.shutdown(wait=False)
                        pool, finished = self._pool(self.workers), False
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    job = running.pop(future)
                    finished = True
                    try:
                        result: R | Exception = future.result()
                    except BrokenProcessPool:
                        orphans.append(job)
                        broken = True
                        continue
                    except Exception as e:
                        result = e
                    yield job, result
                if broken and owned:
                    # A killed worker breaks the whole pool: every job it had not finished fails
                    # with it. They are run again alone at the end, so that only the one that
                    # kills fails; the others go on in a new pool.
                    orphans.extend(running.values())
                    running.clear()
                    pool.shutdown(wait=False)
                    pool, finished = self._pool(self.workers), False
        finally:
            if owned:
                pool.shutdown()
        for job in orphans:
            with self._pool(1) as alone:
                try:
                    yield job, alone.submit(self.fn, job).result()
                except Exception as e:
                    yield job, e


EXECUTORS = "processes (the default) or dask://HOST:PORT"


@contextmanager
def executor_for(spec: str | None, timeout: float = 10) -> Iterator[Executor | None]:
    """The executor the command line names: None for our own pool of processes, or the
    `concurrent.futures` face of a Dask distributed client (`dask://HOST:PORT`, the scheduler's
    address), closed on leaving.

    A Dask worker needs factsheet installed and the data files at the same paths (a shared
    folder); the outputs come back to this process, which writes them.
    """
    if spec is None or spec == "processes":
        yield None
        return
    if not spec.startswith("dask://") or len(spec) == len("dask://"):
        raise UsageError(f"unknown executor {spec!r}; expected {EXECUTORS}")
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--executor dask://... needs the dask extra: "
                         "pip install 'factsheet[dask]'") from None
    address = "tcp://" + spec[len("dask://"):]
    try:
        client = Client(address, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as e:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    try:
        # pure=False: two jobs are never taken for one because they look alike.
        yield client.get_executor(pure=False)  # type: ignore[no-untyped-call]
    finally:
        client.close()  # type: ignore[no-untyped-call]
