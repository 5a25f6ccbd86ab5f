"""Writing outputs: never a half-written file, never outside the output folder.

Every output is written to a temporary file beside its target, flushed to disk and renamed
over it, so a failed or interrupted build leaves the previous output exactly as it was. A build
holds a lock on its output folder for its whole duration; temporary files left behind by a
killed build are swept when the next one starts. The output folder can never be a data or
template folder, nor a parent of one, nor a folder holding a `.git`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import tempfile
import time
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from types import TracebackType

from .errors import OutputError, OutputLocked, UsageError

LOCK_NAME = ".factsheet.lock"
LOCK_WAIT = 5.0  # seconds a second build waits for the first to finish
STALE_AFTER = 3600.0  # seconds after which a temporary file is a leftover of a killed build
# The one shape of a name in the output folder: a document id, or `<id>.<lang>.<format>`.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# What `write_atomic` names its temporary files (mkstemp adds 8 characters).
TEMP_NAME = re.compile(r"\.[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9_]{8}\.tmp")


def templates_folder() -> Path:
    return Path(str(resources.files("generator.templates")))


def check_output_folder(output: Path, sources: Iterable[Path]) -> None:
    """Refuse an output folder whose files a build could destroy or mix with its own.

    It must not be the folder of a data file or of the templates, nor one of their parents
    (a build would write among, or above, what it reads), nor hold a `.git` (a repository).
    """
    out = output.resolve()
    guarded = [(Path(s).resolve().parent, "the data folder") for s in sources]
    guarded.append((templates_folder().resolve(), "the template folder"))
    for folder, what in guarded:
        if out == folder:
            raise UsageError(f"the output folder {output} is {what} {folder}; "
                             "choose another output folder (such as output/)")
        if out in folder.parents:
            raise UsageError(f"the output folder {output} holds {what} {folder}; "
                             "choose a folder of its own (such as output/)")
    if (out / ".git").exists():
        raise UsageError(f"the output folder {output} holds a .git repository; "
                         "choose a folder of its own (such as output/)")


class OutputFolder:
    """The output folder of one build; `with` it for the build's duration.

    Entering checks the folder, creates it, takes its lock (waiting up to `wait` seconds for
    another build to finish, then raising OutputLocked) and sweeps stale temporary files.
    """

    def __init__(self, path: Path, sources: Sequence[Path], wait: float | None = None) -> None:
        self.path = Path(path)
        self.sources = tuple(sources)
        self.wait = LOCK_WAIT if wait is None else wait
        self._lock: int | None = None

    def __enter__(self) -> OutputFolder:
        check_output_folder(self.path, self.sources)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"cannot create the output folder {self.path}: {e.strerror or e}") from e
        self._lock = _lock(self.path / LOCK_NAME, self.wait)
        try:
            sweep(self.path)
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    def write(self, target: Path, data: bytes) -> None:
        """Write one output of `<folder>/<id>/<id>.<lang>.<format>`, atomically."""
        self.write_all([(target, data)])

    def write_all(self, files: Sequence[tuple[Path, bytes]]) -> None:
        """Write several outputs all or nothing: every temporary file is written and flushed
        before the first is moved into place, so a full disk changes none of them."""
        for target, _ in files:
            self._check_target(target)
        staged: list[tuple[str, Path]] = []
        try:
            for target, data in files:
                staged.append((_stage(target, data), target))
            for tmp, target in staged:
                _commit(tmp, target)
        except BaseException:
            for tmp, _ in staged:
                Path(tmp).unlink(missing_ok=True)
            raise

    def _check_target(self, target: Path) -> None:
        try:
            parts = Path(target).relative_to(self.path).parts
        except ValueError:
            parts = ()
        if len(parts) != 2 or not all(SAFE_NAME.fullmatch(p) for p in parts):
            raise OutputError(f"refused output name {target}: an output is written only as "
                              f"{self.path}/<id>/<id>.<language>.<format>")
        folder = self.path / parts[0]
        if folder.is_symlink():
            raise OutputError(f"cannot write {target}: {folder} is a symbolic link; "
                              "remove it, an output folder is never followed out")


def _lock(path: Path, wait: float) -> int:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise OutputError(f"cannot create the lock {path}: {e.strerror or e}") from e
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise OutputError(f"cannot lock {path}: {e.strerror or e}") from e
        if time.monotonic() >= deadline:
            os.close(fd)
            raise OutputLocked(f"another build is writing to {path.parent} (it holds {path}); "
                               f"waited {wait:g} s: try again when it has finished")
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))


def sweep(folder: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files a killed build left in the folder and its subfolders."""
    now = time.time()
    removed = []
    for parent in (folder, *sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())):
        for entry in sorted(parent.iterdir()):
            if not TEMP_NAME.fullmatch(entry.name):
                continue
            with contextlib.suppress(FileNotFoundError):
                if now - entry.lstat().st_mtime > older_than and not entry.is_dir():
                    entry.unlink()
                    removed.append(entry)
    return removed


def write_atomic(target: Path, data: bytes, mode: int = 0o644, durable: bool = True) -> None:
    """Write beside the target, flush to disk (`durable`: a cache need not wait for the disk),
    then rename over it: never a half-written file.

    A symbolic link at the target is replaced by the file, never followed.
    """
    tmp = _stage(target, data, mode, durable)
    try:
        _commit(tmp, target, durable)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _stage(target: Path, data: bytes, mode: int = 0o644, durable: bool = True) -> str:
    """The target's content in a flushed temporary file beside it; its name."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.chmod(tmp, mode)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise OutputError(f"cannot write {target}: {e.strerror or e}") from e
        raise
    return tmp


def _commit(tmp: str, target: Path, durable: bool = True) -> None:
    try:
        os.replace(tmp, target)  # replaces a symlink at target; never writes through it
        if durable:
            _sync_folder(target.parent)
    except OSError as e:
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from e


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
