"""Writing outputs: never a half-written file, never outside the output folder.

Every output is written to a temporary file beside its target, flushed to disk and renamed
over it, so a failed or interrupted build leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from .errors import OutputError


class OutputFolder:
    """The output folder of one build; `with` it for the build's duration."""

    def __init__(self, path: Path, sources: Sequence[Path]) -> None:
        self.path = path
        self.sources = tuple(sources)

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def write(self, target: Path, data: bytes) -> None:
        write_atomic(target, data)


def write_atomic(target: Path, data: bytes) -> None:
    """Write beside the target, flush to disk, then rename over it: never a half-written file."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from e
