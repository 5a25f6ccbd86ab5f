"""The command line: exit statuses, options, what it writes, what it imports, what the README says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator.cli import main

from .probe import run_importing

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "golden" / "sample.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_html_only_for_one_language(tmp_path: Path) -> None:
    code, out, err = run("build", str(SAMPLE), "--lang", "ru", "--format", "html", "--output", str(tmp_path))
    assert code == 0
    assert re.fullmatch(r"built 1, skipped 0 \(up to date\), failed 0 in \d+\.\d s\n", err)
    assert out == f"wrote {tmp_path}/sample/sample.ru.html\n"
    assert sorted(p.name for p in (tmp_path / "sample").iterdir()) == ["sample.ru.html"]


def test_check_reports_ok_and_writes_nothing(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    code, out, _ = run("check", str(SAMPLE))
    assert code == 0
    assert out == f"{SAMPLE}: ok\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "message"), [
    (["build", "no-such.yaml"], "error: no-such.yaml: no such file or folder\n"),
    (["build", str(SAMPLE), "--format", "docx"], "error: unknown format 'docx'; expected html or pdf\n"),
    (["build", str(SAMPLE), "--lang", "fr", "--format", "html"],
     "error: no document has the language 'fr'\n"),
    (["check", "no-such.yaml"], "error: no-such.yaml: no such file or folder\n"),
])
def test_wrong_usage_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = run(*args, *(["--output", str(tmp_path)] if args[0] == "build" else []))
    assert code == 2
    assert err == message


def test_unknown_option_exits_2() -> None:
    code, _, err = run("build", "--colour")
    assert code == 2
    assert "Error: No such option '--colour'." in err


def test_invalid_data_exits_1_with_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: {en: T}\nlanguages: [en, ru]\nsectons: []\n", "utf-8")
    code, out, err = run("check", str(bad))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{bad}:1:1: the document needs 'sections'",
        f"{bad}:1:8: title has no text for 'ru'; every edition needs one (add ru: ..., or write one "
        "plain text for every language)",
        f"{bad}:3:1: unknown key 'sectons' in the document; did you mean 'sections'? (expected: title, "
        "subtitle, issuer, date, languages, template, paper, include, sources, groups, events, sections)",
        "1 of 1 document(s) failed",
    ]


def _imported_after(argv: list[str], modules: tuple[str, ...]) -> list[str]:
    """The `modules` a fresh interpreter has imported once `factsheet argv` has run (and exited 0)."""
    probe = run_importing(argv, modules)
    assert probe.exit_code == 0, probe
    return list(probe.imported)


@pytest.mark.parametrize("argv", [
    ["check", "SAMPLE"],
    ["build", "SAMPLE", "--format", "html", "--output", "OUT"],
    ["--help"],
])
def test_commands_that_need_no_pdf_never_import_weasyprint(tmp_path: Path, argv: list[str]) -> None:
    argv = [a.replace("SAMPLE", str(SAMPLE)).replace("OUT", str(tmp_path)) for a in argv]
    assert _imported_after(argv, ("weasyprint",)) == []


HEAVY = ("jinja2", "babel", "icu", "weasyprint", "yaml", "markdown_it", "pycountry", "fontTools", "polib")


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["translate", "--help"], ["--version"]])
def test_help_imports_no_stage_of_the_pipeline(argv: list[str]) -> None:
    """Start-up: help and version load click and the command line only, none of the libraries."""
    assert _imported_after(argv, HEAVY) == []


def test_check_never_imports_the_renderer() -> None:
    """`check` validates without rendering: no Jinja, no WeasyPrint; the validators themselves it
    must load (the probe would pass vacuously if check had not run)."""
    argv = ["check", "--no-cache", str(SAMPLE)]  # a remembered verdict would load no validator
    assert _imported_after(argv, ("jinja2", "weasyprint", "yaml", "markdown_it")) == ["yaml", "markdown_it"]


def test_module_entry_point_builds_from_any_working_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(SAMPLE), "--format", "html",
                             "--output", str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (out / "sample" / "sample.en.html").read_text("utf-8").startswith("<!DOCTYPE html>")


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for name in main.commands:  # type: ignore[attr-defined]
        assert re.search(rf"factsheet {name}\b", readme), f"`factsheet {name}` is not in the README"


def test_readme_documents_every_option() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")

    def options(command: click.Command, path: str) -> Iterator[tuple[str, str]]:
        for name, sub in getattr(command, "commands", {}).items():
            yield from options(sub, f"{path} {name}")
        for param in command.params:
            yield from ((path, o) for o in param.opts if o.startswith("--"))

    missing = [f"{path} {option}" for path, option in options(main, "factsheet") if option not in readme]
    assert missing == [], "options the README does not mention"


def test_readme_check_example_shows_the_real_output() -> None:
    """The README's example of a bad file shows exactly what `factsheet check` prints for it."""
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```console\n\$ factsheet check (\S+)\n(.*?)```", readme, re.S)
    assert block is not None
    path, shown = block.group(1), block.group(2)
    result = subprocess.run([sys.executable, "-m", "generator", "check", path], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 1
    assert result.stdout + result.stderr == shown
