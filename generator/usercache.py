"""The user's cache: what factsheet keeps between runs because it can always make it again
(the fonts' code points, the PDF's font configuration, `check`'s verdicts).

It is `$XDG_CACHE_HOME/factsheet`, else a folder of the user's own in the temporary folder
(`factsheet-<uid>`): the installed package may be read-only. In the shared temporary folder
another user could have made that folder first and put files of theirs in it, so a folder
is used only if it is a real folder of this user's that nobody else can write into, and a
file only if it is a regular file of theirs (never a link followed, never a pipe waited for).
Files are replaced whole: a reader never sees half of one. Deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .errors import OutputError
from .reading import read_capped

MAX_FILE = 16 * 1024 * 1024  # bytes: a larger file was not written by factsheet


class Untrusted(PermissionError):
    """The cache folder is not a folder of this user's that only they can write into."""


def folder() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME")
    if cache:
        return Path(cache) / "factsheet"
    import tempfile  # here: a check with XDG_CACHE_HOME set does without it

    return Path(tempfile.gettempdir()) / f"factsheet-{os.getuid()}"


def own_folder(path: Path) -> bool:
    """Whether `path` is a folder (not a link) of this user's that nobody else can write into."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def ready() -> Path:
    """The cache folder, made if need be; OSError if it cannot be, Untrusted if it is not the
    user's own."""
    base = folder()
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not own_folder(base):
        raise Untrusted(errno.EACCES, "not a folder of this user's that only they can write into",
                        str(base))
    return base


def _own_file(info: os.stat_result) -> bool:
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def read(name: str) -> bytes | None:
    """The cache file `name`'s bytes; None when it is missing, unreadable, not a regular file
    of this user's that only they can write, in a folder that is not theirs, or too large."""
    base = folder()
    if not own_folder(base):
        return None
    try:
        return read_capped(base / name, MAX_FILE, follow=False, trusted=_own_file)
    except OSError:
        return None


def write(name: str, data: bytes, durable: bool = False) -> Path:
    """Replace the cache file `name` with `data` whole; its path. Untrusted, OSError or
    OutputError when it cannot be written. Not `durable`: after a crash the file may be empty
    (unbelieved, and written again), which a file reused by its name alone must not be."""
    from .output import write_atomic

    target = ready() / name
    write_atomic(target, data, 0o600, durable=durable)
    return target


# A table: a JSON object {field: {key: entry}} that several processes update, each adding the
# entries it found to those of the file as it is when it writes.


def read_table(name: str, field: str) -> dict[str, Any]:
    """The entries of table `name`; none when the file cannot be believed (see `read`) or is
    not a table."""
    data = read(name)
    try:
        loaded = json.loads(data) if data is not None else None
    except ValueError:
        return {}
    entries = loaded.get(field) if isinstance(loaded, dict) else None
    return entries if isinstance(entries, dict) else {}


def update_table(name: str, field: str, new: Mapping[str, Any], keep: Callable[[str], bool],
                 limit: int | None = None) -> None:
    """Write `new` into table `name`, over the entries of the file as it is now that `keep`
    accepts; the most recent last, the oldest dropped beyond `limit` entries or MAX_FILE bytes.
    Never fails: a cache only saves time."""
    if not new:
        return
    entries = {k: v for k, v in read_table(name, field).items() if k not in new and keep(k)}
    entries.update(new)
    items = list(entries.items())[-limit:] if limit else list(entries.items())
    while True:
        data = json.dumps({field: dict(items)}, separators=(",", ":")).encode()
        if len(data) <= MAX_FILE or not items:
            break
        items = items[max(1, len(items) // 10):]
    with contextlib.suppress(OSError, OutputError):
        write(name, data)
