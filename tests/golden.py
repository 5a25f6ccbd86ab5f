"""Regenerate the golden HTML kept beside the fixtures: `make golden` (`python -m tests.golden`).

Only this explicit command writes golden files; the tests compare against them and never
rewrite them. Review the diff before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from generator.build import build

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden"


def render_all(out: Path) -> dict[Path, Path]:
    """Build every fixture's HTML editions into `out`; map each output to its golden file."""
    pairs: dict[Path, Path] = {}
    for data in sorted(GOLDEN.glob("*.yaml")):
        report = build([data], out, formats=["html"])
        if report.exit_code != 0:
            raise SystemExit("\n".join(str(p) for o in report.outcomes for p in o.problems))
        for written in report.outcomes[0].written:
            pairs[written] = GOLDEN / written.name
    return pairs


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for built, golden in render_all(Path(tmp)).items():
            changed = not golden.exists() or golden.read_bytes() != built.read_bytes()
            golden.write_bytes(built.read_bytes())
            print(f"{'updated' if changed else 'unchanged'} {golden.relative_to(Path.cwd())}")


if __name__ == "__main__":
    sys.exit(main())
