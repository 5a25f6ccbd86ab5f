"""Build plans: which outputs a build makes, which are already up to date, and who makes them.

A manifest in the output folder records, for each output, a fingerprint of everything it
depends on (its data file and includes, the templates, catalogs, fonts and tables of the
package, the package version, the options) and of the bytes written. An output whose
fingerprint is unchanged and whose file is still the one written is skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from . import __version__

MANIFEST = ".factsheet-manifest.json"

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
    return digest.hexdigest()


def fingerprint(files: Iterable[Path], options: dict[str, object]) -> str:
    """The fingerprint of one output: its data files (in include order), options and package."""
    digest = hashlib.sha256(package_fingerprint().encode())
    for path in files:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes())
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    return digest.hexdigest()


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
        try:
            if fingerprint([Path(f) for f in entry["files"]], options) != entry["inputs"]:
                return False
            return all(hashlib.sha256((self.folder / name).read_bytes()).hexdigest() == digest
                       for name, digest in entry["outputs"].items())
        except (OSError, KeyError, TypeError):
            return False

    def record(self, key: str, files: Sequence[Path], options: dict[str, object],
               outputs: Sequence[tuple[Path, bytes]]) -> None:
        self.documents[key] = {
            "files": [str(f) for f in files],
            "inputs": fingerprint(files, options),
            "outputs": {path.relative_to(self.folder).as_posix(): hashlib.sha256(data).hexdigest()
                        for path, data in outputs},
        }

    def dumps(self) -> bytes:
        return (json.dumps(self.documents, sort_keys=True, indent=1) + "\n").encode()


def run(fn: Callable[[T], R], jobs: Sequence[T], workers: int,
        executor: Executor | None = None) -> Iterator[tuple[T, R | Exception]]:
    """`fn` over `jobs` on `executor`, or on a pool of `workers` processes; pairs of a job and
    its result, or the exception that ended it (a crashed worker fails its job, not the build).

    One job, or one worker, runs in this process: a pool costs a process start and an import
    of WeasyPrint per worker, which only pays when there is work to share.
    """
    if executor is None and (workers <= 1 or len(jobs) <= 1):
        for job in jobs:
            yield job, fn(job)
        return
    owned = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=min(workers, len(jobs)))
    orphans: list[T] = []
    try:
        futures = {pool.submit(fn, job): job for job in jobs}
        for future in as_completed(futures):
            try:
                yield futures[future], future.result()
            except BrokenProcessPool:
                # A killed worker breaks the whole pool: every job it had not finished fails
                # with it. Each is run again alone, so that only the one that kills fails.
                orphans.append(futures[future])
            except Exception as e:
                yield futures[future], e
    finally:
        if owned:
            pool.shutdown()
    for job in orphans:
        with ProcessPoolExecutor(max_workers=1) as alone:
            try:
                yield job, alone.submit(fn, job).result()
            except Exception as e:
                yield job, e
