"""Output safety: atomic writes, no link followed, a locked folder, refused folders, faults.

Every failure case asserts that the outputs a previous build left are byte-for-byte unchanged.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import output
from generator.build import build
from generator.cli import main
from generator.errors import EXIT_LOCKED, OutputError, OutputLocked, RenderError, UsageError, exit_code
from generator.output import LOCK_NAME, OutputFolder, sweep, templates_folder, write_atomic

GOOD = """\
    title: {en: Good, ru: Хороший}
    languages: [en, ru]
    sections:
      - text: {en: Hello, ru: Привет}
    """
BROKEN = """\
    title: {en: Broken, ru: Сломанный}
    languages: [en, ru]
    sections:
      - text: {en: Hello, ru: Привет}
    """
OLD = {"broken.en.html": b"<!-- old en html -->\n", "broken.ru.html": b"<!-- old ru html -->\n",
       "broken.en.pdf": b"%PDF-1.7 old en\n", "broken.ru.pdf": b"%PDF-1.7 old ru\n"}


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def two_documents(tmp_path: Path) -> tuple[Path, Path]:
    """data/ with good.yaml and broken.yaml; out/broken/ holding a previous build's outputs."""
    data = tmp_path / "data"
    write(data, "good.yaml", GOOD)
    write(data, "broken.yaml", BROKEN)
    out = tmp_path / "out"
    (out / "broken").mkdir(parents=True)
    for name, content in OLD.items():
        (out / "broken" / name).write_bytes(content)
    return data, out


def assert_old_outputs_kept(out: Path) -> None:
    assert {p.name: p.read_bytes() for p in (out / "broken").iterdir()} == OLD


def no_temp_files(out: Path) -> bool:
    return not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


# --- atomic writes -----------------------------------------------------------------------------


def test_an_output_is_a_regular_file_with_normal_permissions(tmp_path):
    target = tmp_path / "doc" / "doc.en.html"
    write_atomic(target, b"hello")
    assert target.read_bytes() == b"hello"
    mode = target.lstat().st_mode
    assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o644
    assert os.listdir(target.parent) == ["doc.en.html"]


def test_a_symlink_at_an_output_path_is_replaced_never_followed(tmp_path):
    data = tmp_path / "data"
    path = write(data, "good.yaml", GOOD)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    out = tmp_path / "out"
    (out / "good").mkdir(parents=True)
    link = out / "good" / "good.en.html"
    link.symlink_to(victim)
    report = build([path], out, formats=["html"])
    assert report.exit_code == 0
    assert victim.read_bytes() == b"precious\n"
    assert not link.is_symlink()
    assert stat.S_ISREG(link.lstat().st_mode)
    assert "<h1>Good</h1>" in link.read_text("utf-8")


def test_a_symlinked_document_folder_is_refused(tmp_path):
    data = tmp_path / "data"
    path = write(data, "good.yaml", GOOD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "good").symlink_to(elsewhere, target_is_directory=True)
    report = build([path], out, formats=["html"])
    assert report.exit_code == 3
    assert report.outcomes[0].failure == (
        f"cannot write {out}/good/good.en.html: {out}/good is a symbolic link; remove it, "
        "an output folder is never followed out")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("name", ["../escape.html", "doc/../../escape.html", "/tmp/escape.html",
                                  "doc/.hidden.html", "doc/sub/doc.en.html", "doc.en.html"])
def test_an_output_name_outside_the_pattern_is_refused(tmp_path, name):
    out = tmp_path / "out"
    with OutputFolder(out, []) as folder, pytest.raises(OutputError) as caught:
        folder.write(out / name, b"x")
    assert str(caught.value) == (f"refused output name {out / name}: an output is written only as "
                                 f"{out}/<id>/<id>.<language>.<format>")
    assert sorted(p.name for p in tmp_path.rglob("*")) == [LOCK_NAME, "out"]


def test_a_file_name_with_a_newline_cannot_name_a_document(tmp_path):
    path = write(tmp_path / "data", "evil\n.yaml", GOOD)
    report = build([path], tmp_path / "out", formats=["html"])
    assert [str(p) for p in report.outcomes[0].problems] == [
        f"{path}:1:1: the file name 'evil\\n.yaml' cannot name a document: use letters, digits, "
        "'.', '_' and '-' only"]
    assert report.exit_code == 1


def test_an_interrupted_write_leaves_the_old_output_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "doc" / "doc.en.html"
    target.parent.mkdir()
    target.write_bytes(b"old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new content that never lands")
    assert target.read_bytes() == b"old"
    assert os.listdir(target.parent) == ["doc.en.html"]


def test_write_all_changes_nothing_when_one_file_cannot_be_written(tmp_path, monkeypatch):
    out = tmp_path / "out"
    doc = out / "doc"
    doc.mkdir(parents=True)
    (doc / "doc.en.html").write_bytes(b"old en")
    (doc / "doc.ru.html").write_bytes(b"old ru")
    real = os.fsync
    calls = []

    def full_on_second(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", full_on_second)
    with OutputFolder(out, []) as folder, pytest.raises(OutputError) as caught:
        folder.write_all([(doc / "doc.en.html", b"new en"), (doc / "doc.ru.html", b"new ru")])
    assert str(caught.value) == f"cannot write {doc}/doc.ru.html: No space left on device"
    assert (doc / "doc.en.html").read_bytes() == b"old en"
    assert (doc / "doc.ru.html").read_bytes() == b"old ru"
    assert sorted(os.listdir(doc)) == ["doc.en.html", "doc.ru.html"]


# --- stale temporary files ---------------------------------------------------------------------


def test_stale_temporary_files_are_swept_at_start(tmp_path):
    data = tmp_path / "data"
    path = write(data, "good.yaml", GOOD)
    out = tmp_path / "out"
    (out / "good").mkdir(parents=True)
    old = time.time() - 2 * 3600
    stale = [out / "good" / ".good.en.html.abcd_123.tmp", out / ".x.pdf.ZZZZZZZZ.tmp"]
    fresh = out / "good" / ".good.ru.html.k9k9k9k9.tmp"
    kept = [out / "good" / "notes.tmp", out / "good" / ".good.en.html.tmp", out / ".gitignore"]
    for p in (*stale, fresh, *kept):
        p.write_bytes(b"leftover")
    for p in (*stale, *kept):
        os.utime(p, (old, old))
    assert build([path], out, formats=["html"]).exit_code == 0
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and all(p.exists() for p in kept)


def test_sweep_follows_no_symlinked_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / ".a.html.abcdefgh.tmp"
    victim.write_bytes(b"not ours")
    old = time.time() - 2 * 3600
    os.utime(victim, (old, old))
    out = tmp_path / "out"
    out.mkdir()
    (out / "doc").symlink_to(elsewhere, target_is_directory=True)
    assert sweep(out) == []
    assert victim.exists()


# --- the lock ----------------------------------------------------------------------------------


def hold_lock(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_second_build_stops_with_exit_75_when_the_folder_stays_locked(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "LOCK_WAIT", 0.3)
    data = tmp_path / "data"
    write(data, "good.yaml", GOOD)
    out = tmp_path / "out"
    fd = hold_lock(out)
    try:
        with pytest.raises(OutputLocked) as caught:
            build([data], out, formats=["html"])
        message = (f"another build is writing to {out} (it holds {out}/{LOCK_NAME}); waited 0.3 s: "
                   "try again when it has finished")
        assert str(caught.value) == message
        assert exit_code(caught.value) == EXIT_LOCKED == 75
        result = CliRunner().invoke(main, ["build", str(data), "--format", "html", "--output", str(out)])
        assert result.exit_code == 75
        assert result.stderr == f"error: {message}\n"
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]
    finally:
        os.close(fd)
    assert build([data], out, formats=["html"]).exit_code == 0


def test_a_second_build_waits_for_the_first(tmp_path):
    data = tmp_path / "data"
    write(data, "good.yaml", GOOD)
    out = tmp_path / "out"
    fd = hold_lock(out)
    released = threading.Event()

    def release() -> None:
        time.sleep(0.3)
        released.set()
        os.close(fd)

    thread = threading.Thread(target=release)
    thread.start()
    try:
        report = build([data], out, formats=["html"])
    finally:
        thread.join()
    assert released.is_set()
    assert report.exit_code == 0
    assert (out / "good" / "good.en.html").exists()


def test_a_concurrent_build_process_exits_75(tmp_path):
    data = tmp_path / "data"
    write(data, "good.yaml", GOOD)
    out = tmp_path / "out"
    fd = hold_lock(out)
    try:
        done = subprocess.run([sys.executable, "-m", "generator", "build", str(data), "--format", "html",
                               "--output", str(out)], capture_output=True, text=True, timeout=120)
    finally:
        os.close(fd)
    assert done.returncode == 75, done.stderr
    assert done.stderr == (f"error: another build is writing to {out} (it holds {out}/{LOCK_NAME}); "
                           "waited 5 s: try again when it has finished\n")
    assert "Traceback" not in done.stderr
    assert not (out / "good").exists()


def test_the_lock_is_released_when_a_build_fails(tmp_path, monkeypatch):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), OutputFolder(out, []):
        raise RuntimeError("boom")
    with OutputFolder(out, [], wait=0):
        pass


# --- refused output folders --------------------------------------------------------------------


def refused(tmp_path: Path, data_file: Path, out: Path, message: str) -> None:
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(UsageError) as caught:
        build([data_file], out, formats=["html"])
    assert str(caught.value) == message
    result = CliRunner().invoke(main, ["build", str(data_file), "--format", "html", "--output", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"
    assert sorted(tmp_path.rglob("*")) == before


def test_output_folder_is_the_data_folder(tmp_path):
    path = write(tmp_path / "data", "good.yaml", GOOD)
    data = tmp_path / "data"
    refused(tmp_path, path, data, f"the output folder {data} is the data folder {data}; "
                                  "choose another output folder (such as output/)")


def test_output_folder_is_a_parent_of_the_data_folder(tmp_path):
    path = write(tmp_path / "project" / "data", "good.yaml", GOOD)
    out = tmp_path / "project"
    refused(tmp_path, path, out, f"the output folder {out} holds the data folder {out}/data; "
                                 "choose a folder of its own (such as output/)")


def test_output_folder_is_the_data_folder_through_a_dot_dot(tmp_path):
    path = write(tmp_path / "data", "good.yaml", GOOD)
    out = tmp_path / "data" / "sub" / ".."
    (tmp_path / "data" / "sub").mkdir()
    refused(tmp_path, path, out, f"the output folder {out} is the data folder {tmp_path}/data; "
                                 "choose another output folder (such as output/)")


def test_output_folder_holds_a_git_repository(tmp_path):
    path = write(tmp_path / "data", "good.yaml", GOOD)
    out = tmp_path / "out"
    (out / ".git").mkdir(parents=True)
    refused(tmp_path, path, out, f"the output folder {out} holds a .git repository; "
                                 "choose a folder of its own (such as output/)")


@pytest.mark.parametrize("which", ["itself", "its parent"])
def test_output_folder_is_or_holds_the_template_folder(tmp_path, which):
    path = write(tmp_path / "data", "good.yaml", GOOD)
    templates = templates_folder().resolve()
    out = templates if which == "itself" else templates.parent
    before = sorted(templates.rglob("*"))
    with pytest.raises(UsageError) as caught:
        build([path], out, formats=["html"])
    relation = "is" if which == "itself" else "holds"
    assert str(caught.value) == (
        f"the output folder {out} {relation} the template folder {templates}; " +
        ("choose another output folder (such as output/)" if which == "itself"
         else "choose a folder of its own (such as output/)"))
    assert sorted(templates.rglob("*")) == before


def test_output_folder_inside_the_data_folder_is_allowed(tmp_path):
    path = write(tmp_path / "data", "good.yaml", GOOD)
    out = tmp_path / "data" / "output"
    assert build([path], out, formats=["html"]).exit_code == 0
    assert (out / "good" / "good.en.html").exists()


# --- faults: a full disk, a failing PDF engine -------------------------------------------------


def test_a_full_disk_fails_one_document_and_keeps_its_old_outputs(tmp_path, monkeypatch):
    data, out = two_documents(tmp_path)
    real = os.fsync

    def full_for_broken(fd: int) -> None:
        if "/broken/." in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", full_for_broken)
    report = build([data], out, formats=["html"])
    assert report.exit_code == 3
    by_name = {Path(o.display).name: o for o in report.outcomes}
    assert by_name["broken.yaml"].failure == (f"cannot write {out}/broken/broken.en.html: "
                                              "No space left on device")
    assert by_name["broken.yaml"].written == []
    assert by_name["good.yaml"].ok
    assert sorted(p.name for p in (out / "good").iterdir()) == ["good.en.html", "good.ru.html"]
    assert_old_outputs_kept(out)
    assert no_temp_files(out)
    result = CliRunner().invoke(main, ["build", str(data), "--format", "html", "--output", str(out)])
    assert result.exit_code == 3
    assert (f"{data}/broken.yaml: cannot write {out}/broken/broken.en.html: No space left on device"
            in result.stderr.splitlines())
    assert_old_outputs_kept(out)


def given(args: tuple[object, ...], kwargs: dict[str, object]) -> list[object]:
    """What a call was given, with what its callables carry (a partial's arguments, a closure's
    defaults and cells): whatever write_pdf's signature, the edition and its document are there."""
    found = [*args, *kwargs.values()]
    for item in list(found):
        found.extend(getattr(item, "args", None) or ())
        found.extend(getattr(item, "__defaults__", None) or ())
        found.extend(cell.cell_contents for cell in getattr(item, "__closure__", None) or ())
    return found


def test_a_pdf_engine_failure_fails_one_document_and_keeps_its_old_outputs(tmp_path, monkeypatch):
    import generator.pdf

    data, out = two_documents(tmp_path)
    real = generator.pdf.write_pdf

    def write_pdf(*args, **kwargs):  # type: ignore[no-untyped-def]
        if "id='broken'" in repr(given(args, kwargs)):
            raise RenderError("the PDF engine failed: AssertionError: a layout bug")
        return real(*args, **kwargs)

    monkeypatch.setattr(generator.pdf, "write_pdf", write_pdf)
    report = build([data], out, langs=["en"])
    assert report.exit_code == 3
    by_name = {Path(o.display).name: o for o in report.outcomes}
    assert by_name["broken.yaml"].failure == "the PDF engine failed: AssertionError: a layout bug"
    assert by_name["broken.yaml"].written == []
    assert by_name["good.yaml"].ok
    assert sorted(p.name for p in (out / "good").iterdir()) == ["good.en.html", "good.en.pdf"]
    assert (out / "good" / "good.en.pdf").read_bytes().startswith(b"%PDF-")
    assert_old_outputs_kept(out)
    assert no_temp_files(out)


def test_a_build_killed_mid_write_leaves_the_old_output_and_its_leftover_is_swept(tmp_path):
    data = tmp_path / "data"
    path = write(data, "good.yaml", GOOD)
    out = tmp_path / "out"
    target = out / "good" / "good.en.html"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"<!-- the previous build -->\n")
    # A writer that stops for good just before its temporary file is flushed, then is killed.
    script = textwrap.dedent(f"""\
        import os, sys, time
        from pathlib import Path
        from generator.output import write_atomic

        def stuck(fd):
            print("writing", flush=True)
            time.sleep(600)

        os.fsync = stuck
        write_atomic(Path({str(target)!r}), b"new " * 100_000)
        """)
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "writing\n"
    finally:
        writer.kill()
        writer.wait()
    assert target.read_bytes() == b"<!-- the previous build -->\n"
    leftovers = [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".good.en.html.")
    old = time.time() - 2 * 3600
    os.utime(leftovers[0], (old, old))
    assert build([path], out, formats=["html"]).exit_code == 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["good.en.html", "good.ru.html"]
    assert "<h1>Good</h1>" in target.read_text("utf-8")
