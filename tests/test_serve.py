"""`factsheet serve`: the live preview in a real browser, its rebuilds, and its safety (issue 6).

Each server runs in threads of the test's process on a free port (`running(..., port=0)`) and is
asked with http.client, which sends a request target exactly as written.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.serve import Preview, running
from generator.serve_http import WAIT

from .browser import chromium_page

NOTE = """\
title: {en: Preview note, ru: Заметка}
languages: [en, ru]
sections:
  - heading: {en: Introduction, ru: Введение}
    text:
      en: The first sentence.
      ru: Первое предложение.
"""
# The same document, broken on line 3: an unknown key holding markup.
BROKEN = NOTE.replace("sections:", '"<img src=x onerror=alert(1)>": 1\nsections:')
BROKEN_MESSAGE = ("note.yaml:3:1: unknown key '<img src=x onerror=alert(1)>' in the document (expected: "
                  "title, subtitle, issuer, date, languages, template, paper, include, sources, groups, "
                  "events, sections)")


Response = tuple[int, dict[str, str], bytes]


def get(port: int, target: str, method: str = "GET", host: str | None = "default",
        extra: list[tuple[str, str]] = ()) -> Response:  # type: ignore[assignment]
    """One request; `host` None sends no Host header at all."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", f"127.0.0.1:{port}" if host == "default" else host)
        for name, value in extra:
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "note.yaml").write_text(NOTE, "utf-8")
    return folder


@pytest.fixture
def served(tmp_path: Path, data: Path) -> Iterator[tuple[Preview, int]]:
    """A preview of data/ without PDFs (the HTTP side does not need the PDF engine)."""
    with running([str(data)], 0, tmp_path / "out", pdf=False, echo=lambda *a, **k: None) as it:
        yield it


@pytest.fixture(scope="module")
def unchanged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Preview, int]]:
    """One preview for the tests that only ask (a server started per test costs half a second)."""
    folder = tmp_path_factory.mktemp("unchanged")
    (folder / "data").mkdir()
    (folder / "data" / "note.yaml").write_text(NOTE, "utf-8")
    with running([str(folder / "data")], 0, folder / "out", pdf=False, echo=lambda *a, **k: None) as it:
        yield it


def wait_for(condition: object, timeout: float) -> float:
    """Seconds until `condition()` is true; fails after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout} s")


# --- in the browser --------------------------------------------------------------------------------


def test_browser_shows_an_edit_and_the_problems_without_a_manual_reload(tmp_path: Path, data: Path) -> None:
    note = data / "note.yaml"
    with running([str(data)], 0, tmp_path / "out", pdf=False, echo=lambda *a, **k: None) as (_, port), \
            chromium_page(tmp_path / "profile") as (page, console):
        page.goto(f"http://127.0.0.1:{port}/html/note/note.en.html")
        assert "The first sentence." in page.inner_text("main, body")

        # How soon is the benchmark's to measure (benchmarks/run.py); here, that it comes at all.
        note.write_text(NOTE.replace("The first sentence.", "A sentence edited."), "utf-8")
        page.get_by_text("A sentence edited.").wait_for(timeout=10_000)
        assert "The first sentence." not in page.inner_text("body")
        # The page reloaded itself: nobody navigated.
        assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"

        note.write_text(BROKEN, "utf-8")
        banner = page.wait_for_selector("#factsheet-preview-problems", timeout=5000)
        assert banner is not None
        assert f"{data}/{BROKEN_MESSAGE}" in banner.inner_text()
        assert page.locator("img").count() == 0  # the markup in the message is text
        assert "A sentence edited." in page.inner_text("body")  # the last good build stays

        note.write_text(NOTE.replace("The first sentence.", "Fixed again."), "utf-8")
        page.get_by_text("Fixed again.").wait_for(timeout=5000)
        assert page.locator("#factsheet-preview-problems").count() == 0

        # (Locators, not strings of script: the policy forbids eval, in the tests' scripts too.)
        # The page's own styles (by hash) and the preview's script (by nonce) pass the policy.
        assert [m for m in console if "Content Security Policy" in m] == []
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""


def test_the_index_in_the_browser_lists_documents_by_edition_and_shows_problems(tmp_path: Path,
                                                                                 data: Path) -> None:
    with running([str(data)], 0, tmp_path / "out", pdf=False, echo=lambda *a, **k: None) as (_, port), \
            chromium_page(tmp_path / "profile") as (page, console):
        page.goto(f"http://127.0.0.1:{port}/")
        links = page.eval_on_selector_all(
            "a", "as => as.map(a => [a.textContent, a.getAttribute('href')])")
        assert links == [["en", "/html/note/note.en.html"], ["ru", "/html/note/note.ru.html"]]
        (data / "note.yaml").write_text(BROKEN, "utf-8")
        page.wait_for_selector(".problems li", timeout=5000)
        assert page.inner_text(".problems li") == f"{data}/{BROKEN_MESSAGE}"
        assert "1 problem(s)" in page.inner_text("table")
        assert [m for m in console if "Content Security Policy" in m] == []


# --- rebuilds ----------------------------------------------------------------------------------------


def test_an_edit_rebuilds_the_html_and_the_built_file_has_no_script(served: tuple[Preview, int],
                                                                      data: Path, tmp_path: Path) -> None:
    _, port = served
    before = json.loads(get(port, "/__version")[2])
    (data / "note.yaml").write_text(NOTE.replace("The first sentence.", "Another one."), "utf-8")
    wait_for(lambda: json.loads(get(port, "/__version")[2])["html"] != before["html"], 3)
    status, _, body = get(port, "/html/note/note.en.html")
    assert status == 200
    assert b"Another one." in body
    assert body.count(b"<script nonce=") == 1
    built = (tmp_path / "out" / "html" / "note" / "note.en.html").read_bytes()
    assert b"Another one." in built
    assert b"<script" not in built and b"__version" not in built  # only the response is changed


def test_an_include_is_watched(tmp_path: Path, data: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "events.yaml").write_text(  # an included file is a document of its own too
        "title: Events\nlanguages: [en, ru]\nsections: [{chronology: {}}]\n"
        "events:\n  - date: 2006-12-20\n    text: {en: Adopted., ru: Принята.}\n", "utf-8")
    (data / "note.yaml").write_text(NOTE.replace("sections:", "include: [../shared/events.yaml]\nsections:")
                                    + "  - chronology: {}\n", "utf-8")
    with running([str(data)], 0, tmp_path / "out", pdf=False, echo=lambda *a, **k: None) as (_, port):
        assert b"Adopted." in get(port, "/html/note/note.en.html")[2]
        (shared / "events.yaml").write_text((shared / "events.yaml").read_text("utf-8").replace(
            "Adopted.", "Adopted by vote."), "utf-8")
        wait_for(lambda: b"Adopted by vote." in get(port, "/html/note/note.en.html")[2], 3)


def test_a_new_data_file_in_a_folder_served_is_added(served: tuple[Preview, int], data: Path) -> None:
    _, port = served
    (data / "second.yaml").write_text(NOTE, "utf-8")
    wait_for(lambda: b'href="/html/second/second.ru.html"' in get(port, "/")[2], 3)
    assert get(port, "/html/second/second.en.html")[0] == 200


def test_a_page_s_request_for_the_version_is_answered_when_a_rebuild_is_done(served: tuple[Preview, int],
                                                                            data: Path) -> None:
    _, port = served
    now = json.loads(get(port, "/__version")[2])
    assert now == {"html": "1", "all": "1.0"}
    # The times tell which answered: the version, or the end of the wait (WAIT seconds) for one.
    started = time.monotonic()
    assert json.loads(get(port, "/__version?key=html&after=0")[2]) == now  # already changed: at once
    assert time.monotonic() - started < WAIT / 2
    edit = NOTE.replace("first", "next")
    timer = threading.Timer(0.5, lambda: (data / "note.yaml").write_text(edit, "utf-8"))
    timer.start()
    try:
        answer = json.loads(get(port, "/__version?key=html&after=1")[2])  # waits for the rebuild
        waited = time.monotonic() - started
    finally:
        timer.join()
    assert answer == {"html": "2", "all": "2.0"}
    assert 0.5 < waited < WAIT / 2  # answered by the rebuild, after the edit


def test_a_template_change_rebuilds_every_document(tmp_path: Path, data: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # A folder of templates of the test's own (the package's are not to be edited by a test): a
    # change there must rebuild even what the manifest would call up to date.
    templates = tmp_path / "templates"
    (templates / "factsheet").mkdir(parents=True)
    monkeypatch.setattr("generator.serve.templates_folder", lambda: templates)
    said: list[str] = []
    with running([str(data)], 0, tmp_path / "out", pdf=False, echo=lambda line, err=False: said.append(line)):
        (templates / "factsheet" / "page.html").write_text("changed", "utf-8")
        wait_for(lambda: len([s for s in said if s.startswith("html: ")]) == 2, 3)
        (data / "other.txt").write_text("not a data file", "utf-8")  # no rebuild for this
        time.sleep(0.5)
    assert [s for s in said if not s.startswith("html: ")] == [
        f"changed: {os.path.relpath(templates / 'factsheet' / 'page.html')}"]
    assert re.fullmatch(r"html: built 1, skipped 0 \(up to date\), failed 0 in \d+\.\d s", said[-1])


def test_a_data_file_removed_is_said_on_the_pages_until_it_is_back(tmp_path: Path, data: Path) -> None:
    note = data / "note.yaml"
    with running([str(note)], 0, tmp_path / "out", pdf=False, echo=lambda *a, **k: None) as (preview, port):
        note.unlink()
        wait_for(lambda: preview.status.error is not None, 3)
        message = f"{note}: no such file or folder".encode()
        assert message in get(port, "/")[2]
        assert message in get(port, "/html/note/note.en.html")[2]  # the last good build, with the error
        note.write_text(NOTE.replace("first", "restored"), "utf-8")
        wait_for(lambda: preview.status.error is None, 3)
        assert b"The restored sentence." in get(port, "/html/note/note.en.html")[2]
        assert b"factsheet-preview-problems" not in get(port, "/html/note/note.en.html")[2]


def test_pdfs_are_rebuilt_in_the_background_after_the_html(tmp_path: Path, data: Path) -> None:
    said: list[str] = []
    with running([str(data)], 0, tmp_path / "out", echo=lambda line, err=False: said.append(line)) as (
            preview, port):
        assert preview.wait_pdf(60)
        status, headers, _ = get(port, "/pdf/note/note.en.pdf")
        assert (status, headers["content-type"]) == (200, "application/pdf")
        pdf = tmp_path / "out" / "pdf" / "note" / "note.en.pdf"
        assert "The first sentence." in PdfReader(pdf).pages[0].extract_text()
        (data / "note.yaml").write_text(NOTE.replace("The first sentence.", "Printed again."), "utf-8")
        wait_for(lambda: b"Printed again." in get(port, "/html/note/note.en.html")[2], 3)
        wait_for(lambda: preview.status.pdf.running or preview.status.pdf_version > 1, 3)
        assert preview.wait_pdf(60)
        text = PdfReader(pdf).pages[0].extract_text()
        assert "Printed again." in text
        assert b'<a href="/pdf/note/note.ru.pdf">PDF</a>' in get(port, "/")[2]
        assert b"PDFs: up to date" in get(port, "/")[2]
    html_lines = [s for s in said if s.startswith("html: ")]
    pdf_lines = [s for s in said if s.startswith("pdf: ")]
    assert len(html_lines) == 2 and len(pdf_lines) == 2
    assert said.index(html_lines[1]) < said.index(pdf_lines[1])  # the HTML first


def test_a_problem_only_the_pdf_build_finds_is_on_the_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    georgian = data / "georgian.yaml"
    georgian.write_bytes((Path(__file__).parent / "fixtures" / "print" / "georgian.yaml").read_bytes())
    with running([str(georgian)], 0, tmp_path / "out", echo=lambda *a, **k: None) as (preview, port):
        assert preview.wait_pdf(60)
        assert preview.status.documents[0].ok  # the HTML shows every character
        assert b"factsheet-preview-problems" not in get(port, "/html/georgian/georgian.en.html")[2]
        index = get(port, "/")[2].decode()
        assert '<p id="factsheet-preview-pdf">PDFs: failed</p>' in index
        assert re.search(rf"<li>{re.escape(str(georgian))}:3:13: the fonts \([^<]*\) have no glyph for "
                         r"&#x27;თ&#x27; \(U\+10D7 GEORGIAN LETTER TAN\)", index)
        assert "/pdf/georgian/" not in index  # no PDF was written


# --- safety ----------------------------------------------------------------------------------------


def test_bound_to_127_0_0_1_only(unchanged: tuple[Preview, int]) -> None:
    _, port = unchanged
    assert get(port, "/")[0] == 200
    # Another loopback address of this machine is not listened on: not 0.0.0.0.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=5)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW"])
def test_only_get_and_head(unchanged: tuple[Preview, int], method: str) -> None:
    _, port = unchanged
    status, headers, body = get(port, "/html/note/note.en.html", method)
    assert (status, headers["allow"]) == (405, "GET, HEAD")
    assert body == b"method not allowed: this preview answers GET and HEAD only\n"


def test_head_is_get_without_a_body(unchanged: tuple[Preview, int]) -> None:
    _, port = unchanged
    got, head = get(port, "/html/note/note.en.html"), get(port, "/html/note/note.en.html", "HEAD")
    assert head[0] == 200 and head[2] == b""
    assert head[1]["content-length"] == got[1]["content-length"] == str(len(got[2]))


@pytest.mark.parametrize("target", [
    "/../../../../etc/passwd",
    "/html/../../../../etc/passwd",
    "/html/note/../../../../../etc/passwd",
    "/html/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/html/note/..%2f..%2f..%2fetc%2fpasswd",
    "/html/note/%2e%2e%2fnote%2fnote.en.html",
    "/html/%252e%252e/%252e%252e/etc/passwd",
    "/html/note/..\\..\\note.en.html",
    "//etc/passwd",
    "/etc/passwd",
    "/html//etc/passwd",
    "/html/%2Fetc%2Fpasswd",
    "/html/note/note.en.html%00.html",
    "/html/%ff/note.en.html",
    "/html/note/",
    "/html/",
    "/html",
    "/html/note",
    "/html/.factsheet-manifest.json",
    "/html/.factsheet.lock",
    "/pdf/note/note.en.html",
    "/html/note/note.en.pdf",
    "/html/note/note.fr.html",
    "/html/note/note.en.html/",
    "/html/note/./note.en.html",
    "http://127.0.0.1/etc/passwd",
])
def test_only_built_outputs_are_served(unchanged: tuple[Preview, int], target: str) -> None:
    _, port = unchanged
    assert get(port, target)[:3:2] == (404, b"not found\n")


def test_symbolic_links_out_of_the_output_folder_are_not_followed(served: tuple[Preview, int],
                                                                 tmp_path: Path) -> None:
    _, port = served
    outside = tmp_path / "outside"
    (outside / "evil").mkdir(parents=True)
    (outside / "evil" / "evil.en.html").write_text("<p>secret</p>", "utf-8")
    html = tmp_path / "out" / "html"
    (html / "note" / "note.fr.html").symlink_to("/etc/passwd")
    (html / "note" / "note.de.html").symlink_to(outside / "evil" / "evil.en.html")
    (html / "evil").symlink_to(outside / "evil")
    for target in ("/html/note/note.fr.html", "/html/note/note.de.html", "/html/evil/evil.en.html"):
        assert get(port, target)[:3:2] == (404, b"not found\n"), target
    assert get(port, "/html/note/note.en.html")[0] == 200


@pytest.mark.parametrize("host", [
    "evil.example", "evil.example:{port}", "127.0.0.1", "localhost", "127.0.0.1:1",
    "localhost.evil.example:{port}", "[::1]:{port}", "127.0.0.2:{port}", "", None,
])
def test_foreign_host_headers_are_refused(unchanged: tuple[Preview, int], host: str | None) -> None:
    _, port = unchanged
    sent = None if host is None else host.format(port=port)
    for method in ("GET", "POST"):
        status, _, body = get(port, "/", method, sent)
        assert (status, body) == (421, b"misdirected request: this preview answers only to 127.0.0.1 "
                                       b"and localhost\n")


def test_two_host_headers_are_refused(unchanged: tuple[Preview, int]) -> None:
    _, port = unchanged
    assert get(port, "/", extra=[("Host", "evil.example")])[0] == 421


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}"])
def test_own_host_headers_are_answered(unchanged: tuple[Preview, int], host: str) -> None:
    _, port = unchanged
    assert get(port, "/", host=host.format(port=port))[0] == 200


def test_content_types_and_security_headers(served: tuple[Preview, int], tmp_path: Path) -> None:
    _, port = served
    pdf = tmp_path / "out" / "pdf" / "note"
    pdf.mkdir(parents=True)
    (pdf / "note.en.pdf").write_bytes(b"%PDF-1.7 <html><script>alert(1)</script>")
    expected = {"/": "text/html; charset=utf-8", "/html/note/note.en.html": "text/html; charset=utf-8",
                "/pdf/note/note.en.pdf": "application/pdf", "/__version": "application/json",
                "/nothing": "text/plain; charset=utf-8"}
    for target, kind in expected.items():
        _, headers, body = get(port, target)
        assert headers["content-type"] == kind, target
        assert headers["x-content-type-options"] == "nosniff", target
        assert headers["cache-control"] == "no-store", target
        if kind.startswith("text/html"):
            policy = headers["content-security-policy"]
            nonce = re.fullmatch(r"default-src 'none'; script-src 'nonce-([\w-]+)'; connect-src 'self'; "
                                 r"style-src 'nonce-\1'( 'sha256-[\w+/=]+')*; img-src 'self' data:; "
                                 r"font-src 'self' data:; base-uri 'none'; form-action 'none'; "
                                 r"frame-ancestors 'none'", policy)
            assert nonce is not None, policy
            assert re.findall(rb"<script[^>]*>", body) == [f'<script nonce="{nonce.group(1)}">'.encode()]
        elif kind != "application/pdf":
            assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    # The edition's own stylesheet is allowed by its hash, and nothing else.
    _, headers, _ = get(port, "/html/note/note.en.html")
    assert len(re.findall(r"'sha256-", headers["content-security-policy"])) == 1


def test_problems_on_the_pages_are_escaped(served: tuple[Preview, int], data: Path) -> None:
    preview, port = served
    (data / "note.yaml").write_text(BROKEN, "utf-8")
    wait_for(lambda: not preview.status.documents[0].ok, 3)
    escaped = BROKEN_MESSAGE.replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;").encode()
    for target in ("/", "/html/note/note.en.html", "/html/note/note.ru.html"):
        body = get(port, target)[2]
        assert escaped in body, target
        assert b"<img" not in body, target


# --- the command -----------------------------------------------------------------------------------


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", *args, "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines = []
    while not (lines and lines[-1].startswith("serving ")):
        line = proc.stdout.readline()
        assert line, f"serve stopped: {proc.stderr.read() if proc.stderr else ''}"
        lines.append(line)
    return proc, lines[-1]


def test_the_command_serves_until_ctrl_c(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc, line = _start(str(data), "--output", str(out))
    found = re.fullmatch(rf"serving http://127\.0\.0\.1:(\d+)/ from {re.escape(str(out))}; Ctrl-C to stop\n",
                         line)
    assert found, line
    assert get(int(found.group(1)), "/html/note/note.ru.html")[0] == 200
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert stdout.endswith("stopped\n")
    assert "Traceback" not in stderr
    assert (out / "html" / "note" / "note.en.html").is_file()  # a folder given is kept


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_command_builds_into_a_temporary_folder_removed_on_exit(data: Path, stop: signal.Signals) -> None:
    proc, line = _start(str(data))
    found = re.fullmatch(r"serving http://127\.0\.0\.1:\d+/ from (\S+) \(removed on exit\); Ctrl-C to stop\n",
                         line)
    assert found, line
    folder = Path(found.group(1))
    assert (folder / "html" / "note" / "note.en.html").is_file()
    proc.send_signal(stop)
    stdout, stderr = proc.communicate(timeout=20)
    assert (proc.returncode, stdout.splitlines()[-1]) == (0, "stopped")
    assert "Traceback" not in stderr
    assert not folder.exists()


def test_the_command_without_data_is_wrong_usage(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "serve", str(tmp_path)],
                            capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, f"error: no data files (*.yaml) in {tmp_path}\n")


def test_a_port_in_use_is_wrong_usage(data: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "generator", "serve", str(data), "--port", str(port),
                                 "--output", str(tmp_path / "out")],
                                capture_output=True, text=True, timeout=30, env={**os.environ})
    assert result.returncode == 2
    assert result.stderr == (f"error: cannot serve on 127.0.0.1:{port}: Address already in use; "
                             "choose another --port\n")


def test_an_output_folder_that_holds_the_data_is_wrong_usage(data: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "generator", "serve", str(data), "--output", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stderr) == (
        2, f"error: the output folder {tmp_path} holds the data folder {data}; "
           "choose a folder of its own (such as output/)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing written
