"""A command run in a fresh interpreter, and which modules it imported: start-up costs are
proven by what a process loads, never by timing it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Probe:
    exit_code: int  # the command's exit status (0 when it returned)
    stdout: str  # what the command printed, the probe's own line left out
    stderr: str
    imported: tuple[str, ...]  # those of the modules asked about that the process had loaded


def run_importing(argv: Sequence[str], modules: Sequence[str],
                  env: Mapping[str, str] | None = None) -> Probe:
    """`factsheet argv` in a fresh interpreter (with `env`, else this one's environment)."""
    code = (
        "import sys\n"
        "from generator.cli import main\n"
        "code = 0\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit as e:\n"
        "    code = e.code or 0\n"
        f"print(code, *(m for m in {tuple(modules)!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env=None if env is None else dict(env))
    *out, last = result.stdout.splitlines()
    status, *imported = last.split()
    return Probe(int(status), "\n".join(out), result.stderr, tuple(imported))
