"""Builds at scale: the job runner (heaviest first, jobs added while it runs, a killed worker),
a document's PDF editions as jobs of their own, the progress shown on a terminal, and the Dask
executor on a LocalCluster."""

from __future__ import annotations

import importlib
import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from generator.build import Checked, EditionJob, EditionMade, Job, PdfOptions, build, work
from generator.errors import RenderError, UsageError
from generator.plan import MANIFEST, Runner

build_module = importlib.import_module("generator.build")
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "golden" / "sample.yaml"

DOC = """\
title: {{en: Document {name}, ru: Документ {name}}}
languages: [en, ru]
sections:
  - text: {{en: "Text of {name}[@s]", ru: "Текст {name}[@s]"}}
sources:
  s: {{title: {{en: A source, ru: Источник}}}}
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.yaml").write_text(DOC.format(name=name), "utf-8")
    return folder


def _square(n: int) -> int:
    return n * n


def test_in_one_process_the_heaviest_job_goes_first_and_added_jobs_run() -> None:
    runner: Runner[int, int] = Runner(_square, workers=1)
    for n, weight in [(1, 1), (2, 5), (3, 3)]:
        runner.add(n, weight)
    seen = []
    for job, result in runner:
        seen.append((job, result))
        if job == 2:
            runner.add(10, 100)  # added while running: it goes before the lighter ones left
    assert seen == [(2, 4), (10, 100), (3, 9), (1, 1)]


def test_a_pool_runs_every_job_added_while_it_runs() -> None:
    runner: Runner[int, int] = Runner(_square, workers=2)
    for n in range(4):
        runner.add(n)
    results = {}
    for job, result in runner:
        results[job] = result
        if job < 4:
            runner.add(job + 10)
    assert results == {n: n * n for n in (0, 1, 2, 3, 10, 11, 12, 13)}


def _fails_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


def test_an_exception_is_the_result_of_its_job_only() -> None:
    for workers in (1, 2):
        runner: Runner[int, int] = Runner(_fails_on_three, workers=workers)
        for n in range(5):
            runner.add(n)
        results = dict(runner)
        assert [results[n] for n in (0, 1, 2, 4)] == [0, 1, 2, 4]
        assert isinstance(results[3], ValueError) and str(results[3]) == "three"


class _DyingPool:
    """A pool in this process whose worker dies on job 13 (or, idle, right after job 21), and
    which then, like a ProcessPoolExecutor, refuses every job submitted to it."""

    def __init__(self, pools: list[_DyingPool]) -> None:
        self.broken = False
        pools.append(self)

    def submit(self, fn: Callable[[int], int], job: int) -> Future[int]:
        from concurrent.futures.process import BrokenProcessPool

        if self.broken:
            raise BrokenProcessPool("A child process terminated abruptly")
        future: Future[int] = Future()
        if job == 13:
            self.broken = True
            future.set_exception(BrokenProcessPool("A child process terminated abruptly"))
        else:
            future.set_result(fn(job))
            self.broken = job == 21
        return future

    def shutdown(self, wait: bool = True) -> None:
        pass

    def __enter__(self) -> _DyingPool:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def test_a_worker_dying_before_the_next_job_is_submitted_fails_its_job_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool breaks between two waits: submitting the next job raises, and that job waits for
    the new pool instead of ending the build."""
    pools: list[_DyingPool] = []
    runner: Runner[int, int] = Runner(_square, workers=2)
    monkeypatch.setattr(runner, "_pool", lambda workers: _DyingPool(pools))
    for n, weight in [(1, 3), (13, 2), (2, 1), (3, 0)]:
        runner.add(n, weight)
    results = dict(runner)
    assert {n: results[n] for n in (1, 2, 3)} == {1: 1, 2: 4, 3: 9}
    assert type(results[13]).__name__ == "BrokenProcessPool"
    assert len(pools) == 3  # the first, the new one, and the one job 13 ran alone in


def test_a_worker_killed_while_idle_does_not_end_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every job of the pool came back, then a worker died (the system killed it): the next
    submit finds the pool broken with nothing running, and a new pool goes on."""
    pools: list[_DyingPool] = []
    runner: Runner[int, int] = Runner(_square, workers=2)
    monkeypatch.setattr(runner, "_pool", lambda workers: _DyingPool(pools))
    for n, weight in [(21, 3), (2, 2), (3, 1)]:
        runner.add(n, weight)
    assert dict(runner) == {21: 441, 2: 4, 3: 9}
    assert len(pools) == 2


def _recording(task: Job | EditionJob) -> Checked | EditionMade:
    """`work`, noting in the output folder which process did which job."""
    job = task if isinstance(task, Job) else task.job
    name = f"{job.path.stem}-{task.lang if isinstance(task, EditionJob) else 'document'}"
    (job.output / f".{name}.pid").write_text(str(os.getpid()), "utf-8")
    return work(task)


def test_each_pdf_edition_is_a_job_of_its_own(data: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Two documents in two languages: two document jobs and four PDF jobs, shared by the two
    workers, and each document written whole once its four outputs are made."""
    out = tmp_path / "out"
    monkeypatch.setattr(build_module, "work", _recording)
    report = build([data], out, jobs=2)
    assert report.exit_code == 0
    assert sorted(p.name for p in out.glob(".*.pid")) == [
        ".a-document.pid", ".a-en.pid", ".a-ru.pid", ".b-document.pid", ".b-en.pid", ".b-ru.pid"]
    pids = {p.read_text("utf-8") for p in out.glob(".*.pid")}
    assert len(pids) == 2 and str(os.getpid()) not in pids
    for name in ("a", "b"):
        assert sorted(p.name for p in (out / name).iterdir()) == [
            f"{name}.en.html", f"{name}.en.pdf", f"{name}.ru.html", f"{name}.ru.pdf"]
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    assert sorted(manifest[str((data / "a.yaml").resolve())]["outputs"]) == [
        "a/a.en.html", "a/a.en.pdf", "a/a.ru.html", "a/a.ru.pdf"]


def test_one_document_is_validated_here_and_its_editions_laid_out_by_two_workers(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    monkeypatch.setattr(build_module, "work", _recording)
    assert build([data / "a.yaml"], out, jobs=2).exit_code == 0
    pid = {p.name: p.read_text("utf-8") for p in out.glob(".*.pid")}
    assert pid[".a-document.pid"] == str(os.getpid())
    assert str(os.getpid()) not in (pid[".a-en.pid"], pid[".a-ru.pid"])
    assert len(list((out / "a").glob("*.pdf"))) == 2
    # HTML alone, or one PDF edition: no pool at all.
    for p in out.glob(".*.pid"):
        p.unlink()
    assert build([data / "a.yaml"], out, formats=["pdf"], langs=["en"], jobs=2).exit_code == 0
    assert {p.read_text("utf-8") for p in out.glob(".*.pid")} == {str(os.getpid())}


def _dies_on_b_ru(task: Job | EditionJob) -> Checked | EditionMade:
    if isinstance(task, EditionJob) and task.job.path.stem == "b" and task.lang == "ru":
        os._exit(9)  # a worker killed while it lays out one PDF edition
    return work(task)


def test_a_worker_killed_in_a_pdf_edition_fails_that_document_only(data: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    (out / "b").mkdir(parents=True)
    (out / "b" / "b.en.html").write_text("the previous edition", "utf-8")
    monkeypatch.setattr(build_module, "work", _dies_on_b_ru)
    report = build([data], out, jobs=2)
    [a, b] = report.outcomes
    assert a.ok and len(a.written) == 4
    assert b.failure is not None and b.failure.startswith("its build failed: BrokenProcessPool")
    # Nothing of b was written, not even its English edition, which was made.
    assert (out / "b" / "b.en.html").read_text("utf-8") == "the previous edition"
    assert sorted(p.name for p in (out / "b").iterdir()) == ["b.en.html"]
    assert str((data / "b.yaml").resolve()) not in json.loads((out / MANIFEST).read_text("utf-8"))


def test_an_edition_job_refuses_data_that_changed_since_its_document_was_validated(data: Path,
                                                                                   tmp_path: Path) -> None:
    job = Job(data / "a.yaml", "a.yaml", tmp_path, None, ("pdf",), PdfOptions(), False)
    checked = work(job)
    assert isinstance(checked, Checked) and checked.pdfs == ("en", "ru")
    (data / "a.yaml").write_text(DOC.format(name="changed"), "utf-8")
    build_module._PREPARED.clear()  # as in another worker than the document's
    made = work(EditionJob(job, "en", checked.digest))
    assert isinstance(made, EditionMade)
    assert made.failure == "its data changed during the build; build again"
    assert made.pdf == b""
    with pytest.raises(RenderError):
        build_module._prepared(job, "not the digest")


def _in_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run `factsheet args` with stdout and stderr on a pseudo-terminal: its exit status and
    everything it drew."""
    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "generator", *args], stdout=secondary,
                               stderr=secondary, cwd=ROOT)
    os.close(secondary)
    drawn = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal is closed when the process ends
            break
        if not chunk:
            break
        drawn += chunk
    os.close(main)
    return process.wait(timeout=120), drawn.decode("utf-8", "replace")


def test_a_terminal_gets_a_progress_bar_and_the_same_lines(tmp_path: Path) -> None:
    code, drawn = _in_a_terminal(["build", str(SAMPLE), str(ROOT / "data"), "--format", "html",
                                  "--output", str(tmp_path), "--jobs", "2"])
    assert code == 0, drawn
    assert "building" in drawn and "2/2" in drawn  # the bar, at its end
    assert "━" in drawn
    assert f"wrote {tmp_path}/sample/sample.en.html" in drawn
    # The summary comes last, after the bar is gone.
    assert re.search(r"built 2, skipped 0 \(up to date\), failed 0 in \d+\.\d s\r?\n$", drawn), drawn[-300:]


def test_a_pipe_gets_plain_lines_only(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(SAMPLE), str(ROOT / "data"),
                             "--format", "html", "--output", str(tmp_path), "--jobs", "2"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(
        f"wrote {tmp_path}/{stem}/{stem}.{lang}.html"
        for stem in ("sample", "belarus-anti-trafficking") for lang in ("en", "ru"))


# --- Dask --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A Dask LocalCluster of two single-threaded worker processes: its scheduler's address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      host="127.0.0.1") as cluster:
        yield cluster.scheduler_address


def test_a_dask_cluster_builds_what_the_processes_build(scheduler: str, data: Path, tmp_path: Path) -> None:
    """Through the command line, on the cluster: the same bytes as our own processes, the same
    manifest entries, and the second run skips everything."""
    spec = "dask://" + scheduler.removeprefix("tcp://")
    on_dask = tmp_path / "dask"
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(data), "--output", str(on_dask),
                             "--executor", spec], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 8
    assert re.fullmatch(r"built 2, skipped 0 \(up to date\), failed 0 in \d+\.\d s\n", result.stderr)
    local = tmp_path / "local"
    assert build([data], local, jobs=2).exit_code == 0
    names = sorted(p.relative_to(local) for p in local.rglob("*.*") if not p.name.startswith("."))
    assert len(names) == 8
    for name in names:
        assert (on_dask / name).read_bytes() == (local / name).read_bytes(), name
    manifest = json.loads((on_dask / MANIFEST).read_text("utf-8"))
    assert manifest == json.loads((local / MANIFEST).read_text("utf-8"))
    again = subprocess.run([sys.executable, "-m", "generator", "build", str(data), "--output", str(on_dask),
                            "--executor", spec], capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 0 and again.stderr.startswith("built 0, skipped 2 (up to date)"), again.stderr


def test_an_unreachable_scheduler_is_wrong_usage(data: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import main
    from generator.plan import executor_for

    with pytest.raises(UsageError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"), \
            executor_for("dask://127.0.0.1:9", timeout=2):
        pass
    result = CliRunner().invoke(main, ["build", str(data), "--output", str(tmp_path), "--executor", "ray://x"])
    assert result.exit_code == 2
    assert result.stderr == ("error: unknown executor 'ray://x'; expected processes (the default) or "
                             "dask://HOST:PORT\n")
    assert not tmp_path.joinpath("a").exists()


def test_without_the_dask_extra_the_executor_is_wrong_usage(data: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    result = CliRunner().invoke(main, ["build", str(data), "--output", str(tmp_path),
                                       "--executor", "dask://127.0.0.1:8786"])
    assert result.exit_code == 2
    assert result.stderr == ("error: --executor dask://... needs the dask extra: "
                             "pip install 'factsheet[dask]'\n")


# --- fewer layouts, the same PDF -----------------------------------------------------------------


def test_a_note_floated_away_from_an_unbroken_paragraph_costs_one_layout_not_two(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint (under its own footnote policy, which footnote_policy.py replaces, and which
    the later layouts still fix) floats a note to the next page to fit one more line of a later
    paragraph. Its own paragraph, whole on its page, gains nothing from being kept whole: it
    starts the next page at once, and the PDF is the one the slower way makes."""
    from benchmarks.corpus import synthetic
    from generator import footnote_policy, pdf
    from generator.build import prepare
    from generator.render import PrintSetup, render

    monkeypatch.setattr(footnote_policy, "ACTIVE", False)

    path = tmp_path / "five.yaml"
    path.write_text(synthetic(5, 1), "utf-8")
    resolved = prepare(path, str(path)).editions[0]

    def make_page(keep: frozenset[int], breaks: frozenset[int], facing: bool) -> pdf.Page:
        return render(resolved, "print", keep, PrintSetup(facing=facing), breaks)

    fast = pdf.write_pdf(make_page)
    monkeypatch.setattr(pdf, "unbroken_paragraphs", lambda document: frozenset())
    slow = pdf.write_pdf(make_page)
    assert fast.pdf == slow.pdf
    assert not any("another page than its call" in w for w in fast.warnings)
    assert fast.layouts < slow.layouts
