"""The fonts the PDFs print with: the bundled ones, and the system packages of some scripts.

Light on purpose (no fontTools, no WeasyPrint): the build manifest and `check`'s verdicts
fingerprint these files, glyphs.py reads their character maps, pdf.py hands them to WeasyPrint.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Beside this module, as files: WeasyPrint and fontTools read them by path. (Not through
# importlib.resources, which `check` would import for this alone.)
FONTS = Path(__file__).parent / "fonts"
BUNDLED_FAMILIES = ("Noto Serif", "Noto Sans", "Noto Naskh Arabic")


@dataclass(frozen=True)
class SystemFonts:
    """Fonts of one script that a system package installs, used in place of bundled ones.

    `faces`: (family, file name) pairs; a file may be a collection (.ttc) of which only the face
    of that family is used. The files are looked for in the folder named by the environment
    variable `variable`, else in `folder` (where the Debian package `package` puts them).
    `blocks`: the script's code points, to tell which characters need these fonts when they
    are not installed.
    """

    script: str
    faces: tuple[tuple[str, str], ...]
    package: str
    folder: Path
    variable: str
    blocks: tuple[tuple[int, int], ...]

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(family for family, _ in self.faces))

    def paths(self) -> tuple[tuple[str, Path], ...]:
        """(family, path) of each face, in the folder in use now."""
        folder = Path(os.environ.get(self.variable) or self.folder)
        return tuple((family, folder / name) for family, name in self.faces)

    def absent(self) -> list[Path]:
        return [path for _, path in self.paths() if not path.is_file()]

    def needs(self, char: str) -> bool:
        return any(a <= ord(char) <= b for a, b in self.blocks)


CJK = SystemFonts(
    script="CJK (Chinese, Japanese, Korean)",
    faces=(("Noto Serif CJK SC", "NotoSerifCJK-Regular.ttc"), ("Noto Serif CJK SC", "NotoSerifCJK-Bold.ttc"),
           ("Noto Sans CJK SC", "NotoSansCJK-Regular.ttc"), ("Noto Sans CJK SC", "NotoSansCJK-Bold.ttc")),
    package="fonts-noto-cjk",
    folder=Path("/usr/share/fonts/opentype/noto"),
    variable="FACTSHEET_CJK_FONTS",
    # Hangul Jamo; CJK radicals to Kanbun and strokes (punctuation, kana, bopomofo, Hangul
    # compatibility jamo); enclosed and compatibility; ideographs (extension A, unified); Hangul;
    # compatibility ideographs; vertical and compatibility forms; full and half width forms;
    # the supplementary ideographs.
    blocks=((0x1100, 0x11FF), (0x2E80, 0x31FF), (0x3200, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
            (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE10, 0xFE1F), (0xFE30, 0xFE4F),
            (0xFF00, 0xFFEF), (0x20000, 0x3134F)),
)
SYSTEM_FONTS = (CJK,)
FAMILIES = BUNDLED_FAMILIES + tuple(f for system in SYSTEM_FONTS for f in system.families)
