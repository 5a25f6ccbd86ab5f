"""Builds at scale: the manifest (what triggers a rebuild and what does not), parallel workers,
and a worker that dies."""

from __future__ import annotations

import importlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import plan
from generator.build import Checked, EditionJob, EditionMade, Job, Report, build, work
from generator.errors import UsageError
from generator.plan import MANIFEST

# `generator.build` the attribute is the function: the module is reached through its name.
build_module = importlib.import_module("generator.build")

DOC = """\
title: {{en: Document {name}, ru: Документ {name}}}
languages: [en, ru]
{include}sections:
  - text: {{en: "Text of {name}[@s]", ru: "Текст {name}[@s]"}}
"""
SOURCES = """\
title: Shared sources
languages: [en, ru]
sources:
  s: {title: {en: A source, ru: Источник}}
sections:
  - text: Shared.
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "shared.yaml").write_text(SOURCES, "utf-8")
    for name in ("a", "b", "c"):
        (folder / f"{name}.yaml").write_text(DOC.format(name=name, include="include: [shared.yaml]\n"),
                                             "utf-8")
    return folder


def built(report: Report) -> dict[str, str]:
    return {Path(o.display).stem: "skipped" if o.skipped else "built" if o.written else "failed"
            for o in report.outcomes}


def html(out: Path, name: str, lang: str = "en") -> Path:
    return out / name / f"{name}.{lang}.html"


def test_an_unchanged_build_is_skipped_and_touches_nothing(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build([data], out, formats=["html"], jobs=1)
    assert built(first) == {"a": "built", "b": "built", "c": "built", "shared": "built"}
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    second = build([data], out, formats=["html"], jobs=1)
    assert built(second) == {"a": "skipped", "b": "skipped", "c": "skipped", "shared": "skipped"}
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.html")} == stamps
    assert (out / MANIFEST).is_file()


def test_editing_one_file_rebuilds_only_its_editions(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([data], out, formats=["html"], jobs=1)
    (data / "b.yaml").write_text(DOC.format(name="b2", include="include: [shared.yaml]\n"), "utf-8")
    report = build([data], out, formats=["html"], jobs=1)
    assert built(report) == {"a": "skipped", "b": "built", "c": "skipped", "shared": "skipped"}
    assert "Document b2" in html(out, "b").read_text("utf-8")


def test_editing_an_included_file_rebuilds_every_file_that_includes_it(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (data / "c.yaml").write_text(DOC.format(name="c", include="").replace("[@s]", ""), "utf-8")
    build([data], out, formats=["html"], jobs=1)
    (data / "shared.yaml").write_text(SOURCES.replace("A source", "A renamed source"), "utf-8")
    report = build([data], out, formats=["html"], jobs=1)
    assert built(report) == {"a": "built", "b": "built", "c": "skipped", "shared": "built"}
    assert "A renamed source" in html(out, "a").read_text("utf-8")


def test_an_include_link_pointed_at_another_file_rebuilds(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.yaml").write_text(DOC.format(name="a", include="include: [shared.yaml]\n"), "utf-8")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "one.yaml").write_text(SOURCES, "utf-8")
    (shared / "two.yaml").write_text(SOURCES.replace("A source", "Another source"), "utf-8")
    (data / "shared.yaml").symlink_to(shared / "one.yaml")
    out = tmp_path / "out"
    build([data / "a.yaml"], out, formats=["html"], jobs=1)
    assert built(build([data / "a.yaml"], out, formats=["html"], jobs=1)) == {"a": "skipped"}
    (data / "shared.yaml").unlink()
    (data / "shared.yaml").symlink_to(shared / "two.yaml")  # the files themselves unchanged
    assert built(build([data / "a.yaml"], out, formats=["html"], jobs=1)) == {"a": "built"}
    assert "Another source" in html(out, "a").read_text("utf-8")


def test_a_file_saved_during_the_build_is_built_again(data: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    prepare = build_module.prepare
    edited = DOC.format(name="a", include="include: [shared.yaml]\n").replace("Text of", "Edited")

    def saved_meanwhile(path: Path, display: str) -> object:
        done = prepare(path, display)
        (data / "a.yaml").write_text(edited, "utf-8")  # saved after it was read
        return done

    monkeypatch.setattr(build_module, "prepare", saved_meanwhile)
    build([data / "a.yaml"], out, formats=["html"], jobs=1)
    monkeypatch.undo()
    assert "Edited" not in html(out, "a").read_text("utf-8")  # made from what was read
    assert built(build([data / "a.yaml"], out, formats=["html"], jobs=1)) == {"a": "built"}
    assert "Edited" in html(out, "a").read_text("utf-8")


def test_a_damaged_translations_record_is_never_up_to_date(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([data / "a.yaml"], out, formats=["html"], jobs=1)
    (data / "a.i18n.json").write_text("{", "utf-8")
    report = build([data / "a.yaml"], out, formats=["html"], jobs=1)
    assert report.exit_code == 1
    assert [str(p) for p in report.outcomes[0].problems] == [
        f"{data}/a.i18n.json:1:2: the translations' record is damaged (not JSON in UTF-8): restore it "
        "from version control, or delete it (then no translation is known to be stale)"]


@pytest.mark.parametrize("damage", [
    {"outputs": ["a"]}, {"files": "a.yaml"}, {"inputs": 1}, {"languages": 5}, {"files": ["a\0b"]}])
def test_a_damaged_manifest_entry_builds_again(data: Path, tmp_path: Path, damage: dict[str, object]) -> None:
    out = tmp_path / "out"
    build([data / "a.yaml"], out, formats=["html"], jobs=1)
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    next(iter(manifest.values())).update(damage)
    (out / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    report = build([data / "a.yaml"], out, formats=["html"], jobs=1)
    assert built(report) == {"a": "skipped" if "languages" in damage else "built"}


def test_the_library_versions_in_the_fingerprint_are_the_pipeline_s(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    (site / "factsheet_test_library").mkdir(parents=True)
    (site / "factsheet_test_library" / "__init__.py").write_text("", "utf-8")
    for name in ("ruff-0.1.dist-info", "Babel-2.0.dist-info"):
        (site / name).mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(plan, "LIBRARIES", (*plan.LIBRARIES, "factsheet_test_library"))
    plan.package_fingerprint.cache_clear()
    before = plan.package_fingerprint()
    (site / "ruff-0.1.dist-info").rename(site / "ruff-0.2.dist-info")  # a linter upgraded
    plan.package_fingerprint.cache_clear()
    assert plan.package_fingerprint() == before
    (site / "Babel-2.0.dist-info").rename(site / "Babel-2.1.dist-info")  # a library of the pipeline
    plan.package_fingerprint.cache_clear()
    assert plan.package_fingerprint() != before
    plan.package_fingerprint.cache_clear()


def test_the_manifest_names_files_by_the_paths_they_were_opened_by(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([data / "a.yaml"], out, formats=["html"], jobs=1)
    entry = next(iter(json.loads((out / MANIFEST).read_text("utf-8")).values()))
    assert entry["files"] == [str(data / "a.yaml"), str(data / "shared.yaml"), str(data / "a.i18n.json")]


def test_a_build_from_another_folder_finds_the_same_files_up_to_date(data: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build([data / "a.yaml"], out, formats=["html"], jobs=1)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    report = build([Path("..") / "data" / "a.yaml"], out, formats=["html"], jobs=1)
    assert built(report) == {"a": "skipped"}


@pytest.mark.parametrize("change", ["output edited", "output deleted", "other options", "force"])
def test_what_else_triggers_a_rebuild(data: Path, tmp_path: Path, change: str) -> None:
    out = tmp_path / "out"
    build([data / "a.yaml"], out, formats=["html"], jobs=1)
    kwargs: dict[str, object] = {"formats": ["html"], "jobs": 1}
    if change == "output edited":
        html(out, "a").write_text("edited by hand", "utf-8")
    elif change == "output deleted":
        html(out, "a", "ru").unlink()
    elif change == "other options":
        kwargs["langs"] = ["ru"]
    else:
        kwargs["force"] = True
    report = build([data / "a.yaml"], out, **kwargs)  # type: ignore[arg-type]
    assert built(report) == {"a": "built"}
    assert html(out, "a", "ru").read_text("utf-8").startswith("<!DOCTYPE html>")


def test_an_invalid_document_is_never_recorded_as_up_to_date(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([data / "a.yaml"], out, formats=["html"], jobs=1)
    good = (data / "a.yaml").read_text("utf-8")
    (data / "a.yaml").write_text(good.replace(", ru: Документ a", ""), "utf-8")
    assert built(build([data / "a.yaml"], out, formats=["html"], jobs=1)) == {"a": "failed"}
    (data / "a.yaml").write_text(good, "utf-8")
    # Its entry went with the failure: the good data is built again, not trusted.
    assert built(build([data / "a.yaml"], out, formats=["html"], jobs=1)) == {"a": "built"}


def test_two_workers_make_the_same_bytes_as_one(data: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert build([data], one, formats=["html", "pdf"], jobs=1).exit_code == 0
    assert build([data], two, formats=["html", "pdf"], jobs=2).exit_code == 0
    files = sorted(p.relative_to(one) for p in one.rglob("*.*") if p.name != MANIFEST and
                   not p.name.startswith("."))
    assert len(files) == 16
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def _dies_on_b(task: Job | EditionJob) -> Checked | EditionMade:
    job = task if isinstance(task, Job) else task.job
    if job.path.stem == "b":
        os._exit(9)  # a worker killed in the middle of its document
    return work(task)


def test_a_killed_worker_fails_its_document_only(data: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    (out / "b").mkdir(parents=True)
    html(out, "b").write_text("the previous edition", "utf-8")
    monkeypatch.setattr(build_module, "work", _dies_on_b)
    report = build([data], out, formats=["html"], jobs=2)
    assert built(report) == {"a": "built", "b": "failed", "c": "built", "shared": "built"}
    [failed] = [o for o in report.outcomes if not o.ok]
    assert failed.failure is not None and failed.failure.startswith("its build failed: BrokenProcessPool")
    assert report.exit_code == 3
    assert html(out, "b").read_text("utf-8") == "the previous edition"


def test_jobs_must_be_positive(data: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--jobs must be 1 or more, not 0"):
        build([data], tmp_path / "out", jobs=0)




def test_a_file_touched_but_unchanged_is_not_rebuilt(data: Path, tmp_path: Path) -> None:
    """The fingerprint is of the bytes, not of the times: a checkout or a save without a change
    rebuilds nothing."""
    out = tmp_path / "out"
    build([data], out, formats=["html"], jobs=1)
    for path in data.iterdir():
        os.utime(path, (1, 1))
    (data / "notes.txt").write_text("not a data file", "utf-8")
    assert set(built(build([data], out, formats=["html"], jobs=1)).values()) == {"skipped"}


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the package's resources that `package_fingerprint` reads instead of the real
    ones (which other builds share): templates, catalogs, fonts, tables and code."""
    from importlib import resources

    copy = tmp_path / "package"
    shutil.copytree(Path(str(resources.files("generator"))), copy / "generator",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copytree(Path(str(resources.files("generator.templates"))), copy / "templates")
    roots = {"generator": copy / "generator", "generator.templates": copy / "templates"}
    monkeypatch.setattr(plan.resources, "files", lambda name: roots[name])
    plan.package_fingerprint.cache_clear()
    yield copy
    plan.package_fingerprint.cache_clear()


@pytest.mark.parametrize("change", ["template", "catalog", "font", "table", "code", "version", "nothing"])
def test_what_of_the_package_changes_the_fingerprint(package: Path, change: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = plan.package_fingerprint()
    plan.package_fingerprint.cache_clear()
    edited = {"template": package / "templates" / "factsheet" / "print.css",
              "catalog": package / "generator" / "locale" / "ru" / "LC_MESSAGES" / "factsheet.po",
              "font": next((package / "generator" / "fonts").glob("*.ttf")),
              "table": next((package / "generator" / "tables").glob("*.tsv")),
              "code": package / "generator" / "render.py"}.get(change)
    if edited is not None:
        edited.write_bytes(edited.read_bytes() + b"\n")
    if change == "version":
        monkeypatch.setattr(plan, "__version__", "99.0")
    if change == "nothing":
        (package / "generator" / "__pycache__").mkdir()
        (package / "generator" / "__pycache__" / "render.cpython-311.pyc").write_bytes(b"compiled")
        assert plan.package_fingerprint() == before
    else:
        assert plan.package_fingerprint() != before


def test_the_system_fonts_version_changes_the_fingerprint(package: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.fontset import CJK

    fonts = tmp_path / "cjk"
    fonts.mkdir()
    for _, name in CJK.faces:
        (fonts / name).write_bytes(b"version 1")
    monkeypatch.setenv(CJK.variable, str(fonts))
    before = plan.package_fingerprint()
    plan.package_fingerprint.cache_clear()
    assert plan.package_fingerprint() == before  # asked again: the same
    plan.package_fingerprint.cache_clear()
    upgraded = fonts / CJK.faces[0][1]
    upgraded.write_bytes(b"version 2.0")
    assert plan.package_fingerprint() != before
    plan.package_fingerprint.cache_clear()
    upgraded.unlink()
    assert plan.package_fingerprint() != before


def test_another_package_rebuilds_everything(data: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build([data], out, formats=["html"], jobs=1)
    monkeypatch.setattr(plan, "package_fingerprint", lambda: "another version of factsheet")
    assert set(built(build([data], out, formats=["html"], jobs=1)).values()) == {"built"}
    assert set(built(build([data], out, formats=["html"], jobs=1)).values()) == {"skipped"}
