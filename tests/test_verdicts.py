"""`check` remembers each document's verdict: an unchanged document is not loaded again and says
exactly what it said; when anything the verdict was drawn from changes, it is checked again."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import plan, usercache, verdicts
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
    return [Path(k.partition("\0")[2]).name for k in json.loads(remembered.read_text("utf-8"))["documents"]]


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def stale_first(data: Path, po: Path) -> Path:
    """The first document at `data`, translated into Russian, then its English title edited: the
    Russian title is stale."""
    shutil.copy(FIRST, data)
    import_po(export(data, "ru", po))
    data.write_text(data.read_text("utf-8").replace(
        "en: Belarus' role in the global fight against human trafficking",
        "en: Belarus against human trafficking"), "utf-8")
    return data


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The first document with a stale Russian title (a warning), a document with a character
    the fonts lack (a problem found once loaded) and one that does not load (bad YAML)."""
    data = tmp_path / "data"
    data.mkdir()
    stale_first(data / "first.yaml", tmp_path / "po")
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
    assert sorted(_kept(remembered)) == ["first.yaml", "georgian.yaml"]


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
    check(str(folder / "georgian.yaml"))
    assert loads == ["georgian.yaml"]  # remembered
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
    shutil.copy2(FIRST, data)
    assert check(str(data)) == (0, f"{data}: ok\n", "")
    import_po(export(data, "ru", tmp_path / "po"))  # the sidecar made
    data.write_text(data.read_text("utf-8").replace(
        "en: Belarus' role in the global fight against human trafficking",
        "en: Belarus against human trafficking"), "utf-8")
    sidecar = tmp_path / "first.i18n.json"
    assert "the ru text of title is stale" in check(str(data))[2]
    assert "the ru text of title is stale" in check(str(data))[2]
    assert loads == ["first.yaml", "first.yaml"]  # the first check and the one after the edit
    loads.clear()
    sidecar.unlink()  # the sidecar alone changes: nothing is known to be stale any more
    assert check(str(data)) == (0, f"{data}: ok\n", "")
    assert loads == ["first.yaml"]


def test_other_system_fonts_check_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        loads: list[str]) -> None:
    data = tmp_path / "d.yaml"
    data.write_text("title: {en: Beijing, ru: Пекин}\nlanguages: [en, ru]\nsections:\n"
                    "  - text: {en: 北京, ru: Пекин}\n", "utf-8")
    monkeypatch.delenv(CJK.variable, raising=False)
    assert check(str(data))[0] == 0
    assert check(str(data))[0] == 0 and loads == ["d.yaml"]
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
    assert check("georgian.yaml")[2].startswith("georgian.yaml:5:11: ")  # remembered
    assert loads == ["georgian.yaml", "georgian.yaml"]


def test_no_cache_neither_uses_nor_keeps_a_verdict(tmp_path: Path, loads: list[str],
                                                   remembered: Path) -> None:
    check("--no-cache", str(SAMPLE))
    assert not remembered.exists()
    check(str(SAMPLE))
    kept = remembered.read_bytes(), remembered.stat().st_mtime_ns
    other = tmp_path / "other.yaml"
    shutil.copy2(SAMPLE, other)
    check("--no-cache", str(SAMPLE), str(other))
    assert loads == ["sample.yaml", "sample.yaml", "sample.yaml", "other.yaml"]
    assert (remembered.read_bytes(), remembered.stat().st_mtime_ns) == kept


def _plant(remembered: Path, data: Path, message: str) -> None:
    """A verdict for `data` as it is now, with a problem it does not have."""
    files = [data.absolute(), data.with_name(data.stem + ".i18n.json").absolute()]  # as check names them
    entry = {"files": [str(f) for f in files], "inputs": plan.fingerprint(files, verdicts._OPTIONS),
             "problems": [[str(data), 1, 1, message]], "warnings": []}
    remembered.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    remembered.write_text(json.dumps({"documents": {f"{data.absolute()}\0{data}": entry}}), "utf-8")
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
    assert loads == ["sample.yaml", "sample.yaml"]


def test_the_most_recent_verdicts_of_existing_files_are_kept(tmp_path: Path, remembered: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verdicts, "MAX_DOCUMENTS", 2)
    names = ["a.yaml", "b.yaml", "c.yaml"]
    for name in names:
        shutil.copy2(SAMPLE, tmp_path / name)
        check(str(tmp_path / name))
    assert _kept(remembered) == ["b.yaml", "c.yaml"]
    (tmp_path / "c.yaml").unlink()
    check(str(tmp_path / "a.yaml"))
    assert _kept(remembered) == ["b.yaml", "a.yaml"]
    assert remembered.stat().st_mode & 0o077 == 0


def test_the_cache_file_stays_under_its_size_by_forgetting_the_oldest(
        tmp_path: Path, remembered: Path, monkeypatch: pytest.MonkeyPatch, loads: list[str]) -> None:
    names = ["a.yaml", "b.yaml", "c.yaml"]
    for name in names:
        shutil.copy2(SAMPLE, tmp_path / name)
    check(str(tmp_path / "a.yaml"))
    one = len(remembered.read_bytes())
    monkeypatch.setattr(usercache, "MAX_FILE", int(2.5 * one))  # room for two verdicts, not three
    for name in names[1:]:
        check(str(tmp_path / name))
    assert _kept(remembered) == ["b.yaml", "c.yaml"]
    loads.clear()
    check(str(tmp_path / "b.yaml"), str(tmp_path / "c.yaml"))
    assert loads == []  # the file was still read: not over its size


def _link(link: Path, target: Path) -> None:
    """Point `link` at `target`, as `ln -sfn` does."""
    link.unlink(missing_ok=True)
    link.symlink_to(target)


VALID = 'title: {en: T, ru: Т}\nlanguages: [en, ru]\nsections:\n  - text: {en: "A text.", ru: "Текст."}\n'
CITES = VALID.replace("A text.", "A text [@missing].").replace("Текст.", "Текст [@missing].")


def test_a_link_pointed_at_another_file_is_checked_again(tmp_path: Path, loads: list[str]) -> None:
    for name, text in (("a", VALID), ("b", CITES)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "doc.yaml").write_text(text, "utf-8")
    data = tmp_path / "data"
    data.mkdir()
    _link(data / "doc.yaml", Path("../a/doc.yaml"))
    assert check(str(data))[0] == 0
    assert check(str(data))[0] == 0 and loads == ["doc.yaml"]
    _link(data / "doc.yaml", Path("../b/doc.yaml"))
    code, _, err = check(str(data))
    assert code == 1 and "'missing'" in err
    assert loads == ["doc.yaml", "doc.yaml"]


def test_an_include_pointed_at_another_file_is_checked_again(tmp_path: Path, loads: list[str]) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    good = ("title: {en: C, ru: С}\nlanguages: [en, ru]\nsections: []\nsources:\n"
            "  s:\n    title: {en: S, ru: С}\n")
    (shared / "good.yaml").write_text(good, "utf-8")
    (shared / "bad.yaml").write_text(good.replace(", ru: С}\n", "}\n"), "utf-8")
    main = tmp_path / "main.yaml"
    main.write_text(VALID.replace("A text.", "A text [@s].").replace("Текст.", "Текст [@s].")
                    + "include: [common.yaml]\n", "utf-8")
    _link(tmp_path / "common.yaml", shared / "good.yaml")
    assert check(str(main))[0] == 0
    assert check(str(main))[0] == 0 and loads == ["main.yaml"]
    _link(tmp_path / "common.yaml", shared / "bad.yaml")
    code, _, err = check(str(main))
    assert code == 1 and "common.yaml" in err
    assert loads == ["main.yaml", "main.yaml"]


def test_a_file_changed_while_it_is_checked_is_not_remembered(tmp_path: Path, loads: list[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "doc.yaml"
    data.write_text(VALID, "utf-8")
    prepare = stage.prepare

    def edited_meanwhile(path: Path, display: str) -> stage.Prepared:
        done = prepare(path, display)
        data.write_text(CITES, "utf-8")  # saved after it was read,
        past = time.time() - 3600
        os.utime(data, (past, past))  # with the time it had (as `cp -p` keeps it)
        return done

    monkeypatch.setattr(stage, "prepare", edited_meanwhile)
    assert check(str(data))[0] == 0  # the verdict of the text as it was read
    monkeypatch.setattr(stage, "prepare", prepare)
    code, _, err = check(str(data))
    assert code == 1 and "'missing'" in err  # not the remembered "ok"


def test_a_path_that_is_not_utf_8_is_checked_and_remembered(tmp_path: Path, loads: list[str]) -> None:
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/dir\xff"))
    folder.mkdir()
    shutil.copy2(SAMPLE, folder / "sample.yaml")
    # The library's check: click's test runner cannot print such a name.
    for remember in (True, True, False):
        report = stage.check([folder], remember=remember)
        assert [(o.display, o.ok) for o in report.outcomes] == [(f"{folder}/sample.yaml", True)]
    assert loads == ["sample.yaml", "sample.yaml"]


def test_a_tab_in_a_path_keeps_its_verdict(tmp_path: Path, remembered: Path, loads: list[str]) -> None:
    folder = tmp_path / "a\tb"
    folder.mkdir()
    shutil.copy2(SAMPLE, folder / "sample.yaml")
    shutil.copy2(SAMPLE, tmp_path / "other.yaml")
    check(str(folder / "sample.yaml"))
    check(str(tmp_path / "other.yaml"))  # prunes the verdicts of files that no longer exist
    loads.clear()
    check(str(folder / "sample.yaml"))
    assert loads == []


def test_an_include_replaced_by_a_pipe_is_never_waited_for(tmp_path: Path) -> None:
    (tmp_path / "inc.yaml").write_text("title: {en: I, ru: И}\nlanguages: [en, ru]\nsections: []\n", "utf-8")
    main = tmp_path / "main.yaml"
    main.write_text(VALID + "include: [inc.yaml]\n", "utf-8")
    assert check(str(main))[0] == 0
    (tmp_path / "inc.yaml").unlink()
    os.mkfifo(tmp_path / "inc.yaml")
    said: list[tuple[int, str, str]] = []
    checker = threading.Thread(target=lambda: said.append(check(str(main))), daemon=True)
    checker.start()
    checker.join(timeout=60)
    assert not checker.is_alive(), "the check waits for a writer to the pipe"
    assert said[0][0] == 1 and "inc.yaml" in said[0][2]


def test_a_new_version_of_a_library_checks_again(tmp_path: Path, loads: list[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    library = tmp_path / "lib" / "factsheet_test_library"
    library.mkdir(parents=True)
    (library / "__init__.py").write_text("", "utf-8")
    (tmp_path / "lib" / "Babel-1.0.dist-info").mkdir()  # as if a Babel were installed there
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    monkeypatch.setattr(plan, "LIBRARIES", (*plan.LIBRARIES, "factsheet_test_library"))
    plan.package_fingerprint.cache_clear()
    check(str(SAMPLE))
    check(str(SAMPLE))
    assert loads == ["sample.yaml"]
    (tmp_path / "lib" / "Babel-1.0.dist-info").rename(tmp_path / "lib" / "Babel-2.0.dist-info")  # upgraded
    plan.package_fingerprint.cache_clear()
    check(str(SAMPLE))
    assert loads == ["sample.yaml", "sample.yaml"]


def test_a_record_changed_while_it_is_checked_is_not_remembered(tmp_path: Path, loads: list[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    data = stale_first(tmp_path / "first.yaml", tmp_path / "po")
    sidecar = tmp_path / "first.i18n.json"
    stale = sidecar.read_bytes()
    sidecar.unlink()  # no record: nothing stale
    stale_problems = stage._stale

    def recorded_meanwhile(doc: object) -> tuple[list[str], str]:
        found = stale_problems(doc)  # type: ignore[arg-type]
        sidecar.write_bytes(stale)  # `translate import` ran after the check read the record
        return found

    monkeypatch.setattr(stage, "_stale", recorded_meanwhile)
    assert check(str(data)) == (0, f"{data}: ok\n", "")
    monkeypatch.setattr(stage, "_stale", stale_problems)
    assert "the ru text of title is stale" in check(str(data))[2]  # not the remembered "ok"
    assert loads == ["first.yaml", "first.yaml"]
