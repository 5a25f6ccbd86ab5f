"""The code points of each font, kept in the user's cache: the same answers as the fonts give,
never a stale or damaged file believed, never half a file written, and no fontTools when warm."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import glyphs, usercache
from generator.fontset import CJK

from .probe import run_importing

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "golden" / "sample.yaml"
GEORGIAN = "title: {en: Tbilisi, ru: Тбилиси}\nlanguages: [en, ru]\nsections:\n  - heading: H\n" \
           "    text: \"თბილისი, the capital\"\n"


def _forget() -> None:
    """What this process keeps of the fonts: the next call reads the cache file (or the fonts)."""
    glyphs._font_cache.cache_clear()
    glyphs.coverage.cache_clear()
    glyphs._system_coverage.cache_clear()


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test with a cache of its own (never the user's), and nothing of it kept after."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    _forget()
    yield home / "factsheet" / glyphs.CACHE_FILE
    _forget()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """The fonts read with fontTools, in order."""
    calls: list[tuple[str, str | None]] = []
    cmap = glyphs._cmap

    def counted(path: Path, family: str | None = None) -> set[int]:
        calls.append((path.name, family))
        return cmap(path, family)

    monkeypatch.setattr(glyphs, "_cmap", counted)
    return calls


@pytest.fixture
def fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled fonts that the test may change."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    for font in glyphs.FONTS.glob("*.ttf"):
        shutil.copy2(font, folder / font.name)
    monkeypatch.setattr(glyphs, "FONTS", folder)
    return folder


def _cold_coverage() -> frozenset[int]:
    points: set[int] = set()
    for path in sorted(glyphs.FONTS.glob("*.ttf")):
        points |= glyphs._cmap(path)
    return frozenset(points)


def test_the_cache_lives_in_the_users_cache_folder(cache_home: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert usercache.folder() == tmp_path / "cache-home" / "factsheet"
    glyphs.coverage()
    assert cache_home.is_file()
    assert cache_home.stat().st_mode & 0o077 == 0 and cache_home.parent.stat().st_mode & 0o077 == 0
    # Without XDG_CACHE_HOME (or with it empty): a folder of the user's own in the temporary folder.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    for value in (None, ""):
        if value is None:
            monkeypatch.delenv("XDG_CACHE_HOME")
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", value)
        _forget()
        assert usercache.folder() == tmp_path / "tmp" / f"factsheet-{os.getuid()}"
        glyphs.coverage()
        assert (usercache.folder() / glyphs.CACHE_FILE).is_file()


def test_a_warm_cache_gives_what_the_fonts_give_without_reading_them(
        cache_home: Path, reads: list[tuple[str, str | None]]) -> None:
    cold = glyphs.coverage()
    assert len(reads) == len(list(glyphs.FONTS.glob("*.ttf")))
    assert cold == _cold_coverage()
    _forget()
    reads.clear()
    assert glyphs.coverage() == cold
    assert reads == []
    assert glyphs.missing("Беларусь دولة «» თბილისი") == ["თ", "ბ", "ი", "ლ", "ს"]


def test_the_system_fonts_are_cached_per_face(cache_home: Path, reads: list[tuple[str, str | None]],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACTSHEET_CJK_FONTS", raising=False)
    assert glyphs.missing("白俄罗斯 თ") == ["თ"]
    faces = [r for r in reads if r[1] is not None]
    assert sorted(faces) == [("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
                             ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC")]
    entries = json.loads(cache_home.read_text("utf-8"))["fonts"]
    assert f"{CJK.folder}/NotoSerifCJK-Regular.ttc\0Noto Serif CJK SC" in entries
    _forget()
    reads.clear()
    assert glyphs.missing("白俄罗斯 თ") == ["თ"]
    assert reads == []


def test_a_font_whose_size_or_time_changes_is_read_again(
        fonts: Path, reads: list[tuple[str, str | None]]) -> None:
    for font in fonts.glob("*.ttf"):
        font.unlink()
    font = fonts / "Font.ttf"
    shutil.copy2(ROOT / "generator" / "fonts" / "NotoSans-Regular.ttf", font)
    latin = glyphs.coverage()
    assert 0x0628 not in latin
    # Touched: read again, though its characters are the same.
    _forget()
    reads.clear()
    info = font.stat()
    os.utime(font, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert glyphs.coverage() == latin
    assert reads == [("Font.ttf", None)]
    # Another font under the same name and time: its own characters, not those kept for the old one.
    _forget()
    reads.clear()
    shutil.copyfile(ROOT / "generator" / "fonts" / "NotoNaskhArabic-Regular.ttf", font)
    os.utime(font, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert font.stat().st_size != info.st_size
    arabic = glyphs.coverage()
    assert reads == [("Font.ttf", None)]
    assert 0x0628 in arabic and arabic == _cold_coverage()


def test_a_damaged_or_foreign_cache_file_is_never_believed(
        cache_home: Path, reads: list[tuple[str, str | None]]) -> None:
    cold = glyphs.coverage()
    good = cache_home.read_text("utf-8")
    entries = json.loads(good)["fonts"]
    key = next(k for k in entries if "NotoSerif-Regular" in k)
    lying = {k: dict(v, ranges=[[0x10D0, 0x10FF]]) if k == key else v for k, v in entries.items()}
    damaged = [
        good[: len(good) // 2],  # cut short
        "",
        "\0\0\0",
        "[]",
        json.dumps({"fonts": []}),
        json.dumps({"fonts": {key: dict(entries[key], ranges=[[5, 3]])}}),  # not as written
        json.dumps({"fonts": {key: dict(entries[key], ranges=[[0, 0x110000]])}}),
        json.dumps({"fonts": {key: dict(entries[key], ranges=[[40, 50], [45, 60]])}}),
        json.dumps({"fonts": {key: dict(entries[key], ranges=[[True, 1]])}}),
        json.dumps({"fonts": {key: dict(entries[key], size="12")}}),
        json.dumps({"fonts": {key: dict(entries[key], mtime_ns=entries[key]["mtime_ns"] - 1,
                                        ranges=[[0x10D0, 0x10FF]])}}),  # another font's
    ]
    for text in damaged:
        cache_home.write_text(text, "utf-8")
        _forget()
        reads.clear()
        assert glyphs.coverage() == cold, text
        assert ("NotoSerif-Regular.ttf", None) in reads
        assert json.loads(cache_home.read_text("utf-8"))["fonts"][key] == entries[key]  # made again
    # A file others may write is not believed (Georgian would pass otherwise).
    cache_home.write_text(json.dumps({"fonts": lying}), "utf-8")
    cache_home.chmod(0o666)
    _forget()
    assert glyphs.missing("თ") == ["თ"]


def test_writers_never_leave_half_a_file(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    glyphs.coverage()
    good = cache_home.read_bytes()
    # A writer that fails half-way (a full disk) leaves the file as it was, and no temporary file.
    _forget()
    cache_home.unlink()
    cache_home.write_bytes(good[:-1])

    opened = os.fdopen

    class Full:
        """A file on a disk that fills up half-way through the write."""

        def __init__(self, f: Any) -> None:
            self.f = f

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.f.close()

        def write(self, data: bytes) -> None:
            self.f.write(data[:len(data) // 2])
            self.f.flush()
            raise OSError(28, "No space left on device")

    def full(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        f = opened(fd, mode, *args, **kwargs)
        return Full(f) if "w" in mode else f

    monkeypatch.setattr(os, "fdopen", full)
    assert glyphs.coverage() == _cold_coverage()  # the check goes on without its cache
    assert cache_home.read_bytes() == good[:-1]
    assert sorted(p.name for p in cache_home.parent.iterdir()) == [glyphs.CACHE_FILE]
    monkeypatch.undo()


def test_concurrent_writers_leave_a_whole_file(cache_home: Path) -> None:
    # Writers that rewrite the file as fast as they can, while this process reads it.
    code = (
        "import sys\n"
        "from generator import glyphs\n"
        "for _ in range(8):\n"
        "    glyphs._font_cache.cache_clear(); glyphs.coverage.cache_clear()\n"
        "    fonts = glyphs._font_cache(); fonts.entries = {}\n"
        "    glyphs.coverage()\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parents[1])}
    writers = [subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(3)]
    seen = 0
    while any(w.poll() is None for w in writers):
        try:
            text = cache_home.read_text("utf-8")
        except FileNotFoundError:
            continue
        assert len(json.loads(text)["fonts"]) == len(list(glyphs.FONTS.glob("*.ttf")))
        seen += 1
    assert [w.wait() for w in writers] == [0, 0, 0]
    assert seen > 0
    assert sorted(p.name for p in cache_home.parent.iterdir()) == [glyphs.CACHE_FILE]


def test_a_cache_that_cannot_be_written_costs_time_only(cache_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    assert glyphs.coverage() == _cold_coverage()
    assert not cache_home.exists()


def _check_importing(tmp_path: Path, data: Path) -> tuple[str, str, list[str]]:
    """`factsheet check data` in a fresh interpreter: its output, and which font modules it loaded."""
    probe = run_importing(["check", str(data)], ("fontTools", "weasyprint"),
                          {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache-home")})
    said = "\n".join([*filter(None, [probe.stdout]), f"exit {probe.exit_code}"])
    return said, probe.stderr, list(probe.imported)


def test_a_warm_check_never_imports_fonttools_and_says_the_same(tmp_path: Path) -> None:
    data = tmp_path / "georgian.yaml"
    data.write_text(GEORGIAN, "utf-8")
    cold = _check_importing(tmp_path, data)
    warm = _check_importing(tmp_path, data)
    assert cold[2] == ["fontTools"]  # the probe sees the import when there is one
    assert warm[2] == []
    assert warm[:2] == cold[:2]
    assert warm[0] == "exit 1"
    assert warm[1].startswith(f"{data}:5:11: the fonts (Noto Serif, Noto Sans, Noto Naskh Arabic, Noto "
                              "Serif CJK SC, Noto Sans CJK SC) have no glyph for 'თ' (U+10D7 GEORGIAN "
                              "LETTER TAN), 'ბ' (U+10D1 GEORGIAN LETTER BAN)")
    assert _check_importing(tmp_path, SAMPLE)[2] == []


def test_a_cache_folder_others_can_write_into_is_neither_read_nor_written(
        cache_home: Path, reads: list[tuple[str, str | None]]) -> None:
    """In the shared temporary folder another user could have made the folder first."""
    expected = glyphs.coverage()
    assert cache_home.is_file()
    written = cache_home.read_bytes()
    _forget()
    reads.clear()
    cache_home.parent.chmod(0o777)
    cache_home.write_bytes(written.replace(b'"ranges":[[', b'"ranges":[[1,1],[', 1))  # planted
    assert glyphs.coverage() == expected
    assert len(reads) == len(list(glyphs.FONTS.glob("*.ttf")))  # the fonts read, not the file
    assert not list(cache_home.parent.glob(".glyphs-*"))  # and nothing written there


def test_a_pipe_in_place_of_the_cache_file_is_never_waited_for(
        cache_home: Path, reads: list[tuple[str, str | None]]) -> None:
    cache_home.parent.mkdir(parents=True, mode=0o700)
    os.mkfifo(cache_home)
    expected = _cold_coverage()
    answer: list[frozenset[int]] = []
    reader = threading.Thread(target=lambda: answer.append(glyphs.coverage()), daemon=True)
    reader.start()
    reader.join(timeout=30)
    assert not reader.is_alive(), "the check waits for a writer to the pipe"
    assert answer == [expected]


def test_a_font_configuration_folder_others_can_write_into_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import pdf
    from generator.errors import RenderError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "factsheet"
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)
    with pytest.raises(RenderError) as caught:
        pdf.fontconfig_file()
    assert str(caught.value) == (f"the cache folder {folder} is not a folder of this user's that only "
                                 "they can write into: remove it, or set XDG_CACHE_HOME")
    folder.chmod(0o700)
    assert pdf.fontconfig_file().parent == folder
