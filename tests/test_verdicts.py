"""`check` remembers each document's verdict: an unchanged document is not loaded again and says
exactly what it said; when anything the verdict was drawn from changes, it is checked again."""

from __future__ import annotations

import importlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import plan, verdicts
from generator.cli import main
from generator.fontset import CJK
from generator.translate import export, import_po

from .probe import run_importing
from .test_glyph_cache import GEORGIAN, SAMPLE

ROOT = Path(__file__).resolve().parents[1]
FIRST = ROOT / "data" / "belarus-anti-trafficking.yaml"
DIAMOND = ROOT / "tests" / "fixtures" / "include" / "diamond"
# The module, not the function `generator.build` that the package exports under its name.
stage = importlib.import_module("generator.build")
PIPELINE = ("yaml", "babel", "markdown_it", "icu", "generator.loader", "fontTools")


@pytest.fixture(autouse=True)
def remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache of the test's own; the path of the verdicts' file in it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    plan.package_fingerprint.cache_clear()
    yield tmp_path / "cache" / "factsheet" / verdicts.FILE
    plan.package_fingerprint.cache_clear()


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents a check loads, in order."""
    calls: list[str] = []
    prepare = stage.prepare

    def counted(path: Path, display: str) -> stage.Prepared:
        calls.append(Path(display).name)
        return prepare(path, display)

    monkeypatch.setattr(stage, "prepare", counted)
    return calls


def _kept(remembered: Path) -> list[str]:
    """The names of the documents whose verdicts are remembered, the most recent last."""
    return [Path(k.partition("\t")[2]).name for k in json.loads(remembered.read_text("utf-8"))["documents"]]


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The first document with a stale Russian title (a warning), a document with a character
    the fonts lack (a problem found once loaded) and one that does not load (bad YAML)."""
    data = tmp_path / "data"
    data.mkdir()
    first = data / "first.yaml"
    shutil.copy(FIRST, first)
    import_po(export(first, "ru", tmp_path / "po"))
    first.write_text(first.read_text("utf-8").replace(
        "en: Belarus' role in the global fight against human trafficking",
        "en: Belarus against human trafficking"), "utf-8")
    (data / "georgian.yaml").write_text(GEORGIAN, "utf-8")
    (data / "broken.yaml").write_text("title: [unclosed\n", "utf-8")
    return data


def test_an_unchanged_document_is_not_loaded_again_and_says_the_same(
        folder: Path, loads: list[str], remembered: Path) -> None:
    first = check(str(folder))
    assert loads == ["broken.yaml", "first.yaml", "georgian.yaml"]
    assert first[0] == 1
    assert f"{folder}/first.yaml: ok\n" in first[1]
    assert f"{folder}/first.yaml: warning: {folder}/first.yaml:6:7: the ru text of title is stale" in first[2]
    assert f"{folder}/georgian.yaml:5:11: the fonts (Noto Serif" in first[2]
    assert f"{folder}/broken.yaml:2:1: invalid YAML" in first[2]
    loads.clear()
    assert check(str(folder)) == first
    assert loads == ["broken.yaml"]  # it could not be loaded: which files it includes is unknown
    # --strict applies to the remembered warnings as to found ones.
    strict = check("--strict", str(folder))
    assert f"{folder}/first.yaml: error: {folder}/first.yaml:6:7: the ru text of title is stale" in strict[2]
    assert f"{folder}/first.yaml: ok" not in strict[1]
    assert _kept(remembered) == ["first.yaml", "georgian.yaml"]


def test_an_unchanged_folder_is_checked_without_loading_the_pipeline(tmp_path: Path, folder: Path) -> None:
    (folder / "broken.yaml").unlink()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    cold = run_importing(["check", str(folder)], PIPELINE, env)
    warm = run_importing(["check", str(folder)], PIPELINE, env)
    assert cold.imported[:4] == PIPELINE[:4]  # the probe sees them when they are loaded
    assert warm.imported == ()
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)
    assert warm.exit_code == 1 and f"{folder}/first.yaml: ok" in warm.stdout


def test_a_changed_data_file_is_checked_again(folder: Path, loads: list[str]) -> None:
    (folder / "georgian.yaml").write_text(GEORGIAN.replace("თბილისი", "Tbilisi"), "utf-8")
    check(str(folder / "georgian.yaml"))
    loads.clear()
    (folder / "georgian.yaml").write_text(GEORGIAN, "utf-8")
    code, _, err = check(str(folder / "georgian.yaml"))
    assert loads == ["georgian.yaml"]
    assert code == 1 and "have no glyph for 'თ'" in err


def test_an_included_file_changed_checks_every_document_including_it(tmp_path: Path,
                                                                     loads: list[str]) -> None:
    diamond = tmp_path / "diamond"
    shutil.copytree(DIAMOND, diamond)
    assert check(str(diamond))[0] == 0
    loads.clear()
    assert check(str(diamond))[0] == 0 and loads == []
    d = diamond / "d.yaml"
    d.write_text(d.read_text("utf-8").replace("title: {en: The source in d, ru: Источник в d}",
                                              "title: {en: The source in d}"), "utf-8")
    code, _, err = check(str(diamond))
    assert loads == ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]
    assert code == 1
    assert err.count(f"{diamond}/d.yaml:5:12: ") == 4  # once for each document that reads it


def test_a_translation_made_or_changed_checks_the_document_again(tmp_path: Path, loads: list[str]) -> None:
    data = tmp_path / "first.yaml"
    shutil.copy(FIRST, data)
    assert check(str(data)) == (0, f"{data}: ok\n", "")
    import_po(export(data, "ru", tmp_path / "po"))  # the sidecar made, the data unchanged
    data.write_text(data.read_text("utf-8").replace(
        "en: Belarus' role in the global fight against human trafficking",
        "en: Belarus against human trafficking"), "utf-8")
    assert "the ru text of title is stale" in check(str(data))[2]
    loads.clear()
    sidecar = tmp_path / "first.i18n.json"
    sidecar.unlink()  # the translations' record gone: nothing is known to be stale
    assert check(str(data)) == (0, f"{data}: ok\n", "")
    assert loads == ["first.yaml"]


def test_other_system_fonts_check_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        loads: list[str]) -> None:
    data = tmp_path / "d.yaml"
    data.write_text("title: {en: Beijing, ru: Пекин}\nlanguages: [en, ru]\nsections:\n"
                    "  - text: {en: 北京, ru: Пекин}\n", "utf-8")
    monkeypatch.delenv(CJK.variable, raising=False)
    assert check(str(data))[0] == 0
    monkeypatch.setenv(CJK.variable, str(tmp_path / "none"))
    plan.package_fingerprint.cache_clear()
    loads.clear()
    code, _, err = check(str(data))
    assert loads == ["d.yaml"]
    assert code == 1 and "the CJK (Chinese, Japanese, Korean) script needs the fonts" in err


def test_the_same_file_named_otherwise_has_its_own_verdict(tmp_path: Path, loads: list[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "georgian.yaml"
    data.write_text(GEORGIAN, "utf-8")
    monkeypatch.chdir(tmp_path)
    assert check("georgian.yaml")[2].startswith("georgian.yaml:5:11: ")
    assert check(str(data))[2].startswith(f"{data}:5:11: ")
    assert loads == ["georgian.yaml", "georgian.yaml"]


def test_no_cache_neither_uses_nor_keeps_a_verdict(loads: list[str], remembered: Path) -> None:
    check("--no-cache", str(SAMPLE))
    assert not remembered.exists()
    check(str(SAMPLE))
    check("--no-cache", str(SAMPLE))
    assert loads == ["sample.yaml"] * 3


def _plant(remembered: Path, data: Path, message: str) -> None:
    """A verdict for `data` as it is now, with a problem it does not have."""
    files = [data.absolute(), data.with_name(data.stem + ".i18n.json").absolute()]
    entry = {"files": [str(f) for f in files], "inputs": plan.fingerprint(files, verdicts._OPTIONS),
             "problems": [[str(data), 1, 1, message]], "warnings": []}
    remembered.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    remembered.write_text(json.dumps({"documents": {f"{data.absolute()}\t{data}": entry}}), "utf-8")
    remembered.chmod(0o600)


def test_a_verdict_nobody_else_could_write_is_believed_and_one_they_could_is_not(
        tmp_path: Path, remembered: Path, loads: list[str]) -> None:
    data = tmp_path / "sample.yaml"
    shutil.copy(SAMPLE, data)
    _plant(remembered, data, "planted")
    assert check(str(data)) == (1, "", f"{data}:1:1: planted\n1 of 1 document(s) failed\n")
    assert loads == []  # the planted file is what the check read: a test of the lookup itself
    remembered.parent.chmod(0o777)  # in a shared temporary folder, another user could write it
    assert check(str(data)) == (0, f"{data}: ok\n", "")
    assert loads == ["sample.yaml"]


@pytest.mark.parametrize("damage", [
    lambda e: e.update(problems=[["x", "1", 1, "m"]]),  # a line that is not a number
    lambda e: e.update(problems=[["x", 1, 1]]),
    lambda e: e.update(warnings=[1]),
    lambda e: e.update(files=[]),
    lambda e: e.update(inputs="0" * 64),
    lambda e: e.pop("problems"),
])
def test_a_damaged_verdict_is_never_believed(tmp_path: Path, remembered: Path, loads: list[str],
                                             damage: object) -> None:
    data = tmp_path / "sample.yaml"
    shutil.copy(SAMPLE, data)
    _plant(remembered, data, "planted")
    content = json.loads(remembered.read_text("utf-8"))
    damage(next(iter(content["documents"].values())))  # type: ignore[operator]
    remembered.write_text(json.dumps(content), "utf-8")
    assert check(str(data)) == (0, f"{data}: ok\n", "")
    assert loads == ["sample.yaml"]
    remembered.write_bytes(b"\xff not json")
    assert check(str(data)) == (0, f"{data}: ok\n", "")


def test_the_most_recent_verdicts_of_existing_files_are_kept(tmp_path: Path, remembered: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verdicts, "MAX_DOCUMENTS", 2)
    names = ["a.yaml", "b.yaml", "c.yaml"]
    for name in names:
        shutil.copy(SAMPLE, tmp_path / name)
        check(str(tmp_path / name))
    assert _kept(remembered) == ["b.yaml", "c.yaml"]
    (tmp_path / "c.yaml").unlink()
    check(str(tmp_path / "a.yaml"))
    assert _kept(remembered) == ["b.yaml", "a.yaml"]
    assert remembered.stat().st_mode & 0o077 == 0
