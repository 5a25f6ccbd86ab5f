"""What WeasyPrint may read while it prints: `data:` URLs and the regular files inside the
templates and bundled fonts, up to a size cap; any other URL fails the edition with the URL named,
before a byte of it is read or a connection made."""

from __future__ import annotations

import base64
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import pdf
from generator.errors import RenderError
from generator.fontset import FONTS
from generator.render import Page

ROOT = Path(__file__).resolve().parents[1]
CSS = (ROOT / "templates" / "factsheet" / "print.css").read_text("utf-8")
FONT_RULES = CSS[CSS.index("@font-face"):CSS.index("{%")]  # the bundled fonts' rules alone


def fetch(url: str) -> bytes:
    response = pdf._Fetcher().fetch(url)
    try:
        return bytes(response.read())
    finally:
        response.close()


def refusal(url: str) -> str:
    with pytest.raises(ValueError) as caught:
        pdf._Fetcher().fetch(url)
    return str(caught.value)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder the fetcher serves in place of the templates and fonts."""
    served = tmp_path / "served"
    served.mkdir()
    monkeypatch.setattr(pdf, "_roots", lambda: (served.resolve(),))
    return served


def test_a_bundled_font_and_a_template_file_are_served_whole() -> None:
    font = FONTS / "NotoSerif-Regular.ttf"
    assert fetch(font.as_uri()) == font.read_bytes()
    template = ROOT / "templates" / "factsheet" / "screen.css"
    assert fetch(template.as_uri()) == template.read_bytes()


def test_data_urls_are_decoded() -> None:
    assert fetch("data:text/plain,a%20b") == b"a b"
    assert fetch("data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode()) == b"<svg/>"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    (FONTS / ".." / ".." / ".." / ".." / ".." / "etc" / "passwd").as_uri(),
    FONTS.as_uri() + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "file://localhost/etc/passwd",
    "file://example.org" + (FONTS / "NotoSerif-Regular.ttf").as_posix(),  # another host's file
    FONTS.as_uri(),  # a folder
    "http://127.0.0.1:9/x.css", "https://example.org/font.ttf", "ftp://example.org/x",
    "javascript:alert(1)", "/etc/passwd", "NotoSerif-Regular.ttf",
])
def test_anything_else_is_refused_with_the_url_named(url: str) -> None:
    # (A URL of over 100 characters is cut, as a long checkout path makes some of these.)
    assert refusal(url) == f"resource refused: {pdf._shown(url)}"


def test_a_symlink_out_of_a_served_folder_is_refused(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "logo.svg").symlink_to(secret)
    (root / "inside.svg").write_text("<svg/>")
    (root / "alias.svg").symlink_to(root / "inside.svg")  # a symlink that stays inside: served
    logo = (root / "logo.svg").as_uri()
    assert refusal(logo) == f"resource refused: {pdf._shown(logo)}"
    assert fetch((root / "alias.svg").as_uri()) == b"<svg/>"


def test_a_named_pipe_in_a_served_folder_is_refused_without_waiting(root: Path) -> None:
    os.mkfifo(root / "pipe.css")
    assert refusal((root / "pipe.css").as_uri()).startswith("resource refused: ")


def test_a_file_over_the_cap_is_refused_unread(root: Path) -> None:
    at_cap, over = root / "at.ttf", root / "over.ttf"
    with at_cap.open("wb") as f:
        f.truncate(pdf.MAX_RESOURCE)
    with over.open("wb") as f:
        f.truncate(pdf.MAX_RESOURCE + 1)
    assert len(fetch(at_cap.as_uri())) == pdf.MAX_RESOURCE
    assert refusal(over.as_uri()) == (
        f"resource refused: {pdf._shown(over.as_uri())} (over the cap of {pdf.MAX_RESOURCE} bytes)")


def test_a_data_url_over_the_cap_is_refused_undecoded() -> None:
    url = "data:font/ttf;base64," + "A" * (pdf.MAX_RESOURCE * 4 // 3 + 2048)
    assert refusal(url) == (
        f"resource refused: {url[:100]}… (over the cap of {pdf.MAX_RESOURCE} bytes)")


@pytest.fixture
def listener() -> Iterator[tuple[int, list[socket.socket]]]:
    """A local server that counts the connections made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread, which then ends
    server.close()


@pytest.mark.parametrize("where", ["stylesheet", "image", "font"])
def test_a_printed_page_asking_for_another_resource_fails_naming_it(
        where: str, listener: tuple[int, list[socket.socket]]) -> None:
    port, accepted = listener
    url = f"http://127.0.0.1:{port}/x"
    css, body = FONT_RULES, "<p>Text</p>"
    if where == "stylesheet":
        css = f'@import url("{url}");\n' + css
    elif where == "image":
        body += f'<img src="{url}" alt="">'
    else:
        css += f'@font-face {{ font-family: "Other"; src: url("{url}"); }}\n' \
               'p { font-family: "Other", "Noto Serif"; }\n'
    html = f'<html lang="en"><body>{body}</body></html>'
    with pytest.raises(RenderError) as caught:
        pdf.write_pdf(lambda keep, breaks, facing: Page(html, css))
    assert str(caught.value) == f"resource refused: {url}"
    assert accepted == []


def test_a_broken_data_url_is_a_warning_naming_it() -> None:
    html = '<html lang="en"><body><img src="data:image/png;base64,@@@" alt=""></body></html>'
    printed = pdf.write_pdf(lambda keep, breaks, facing: Page(html, FONT_RULES))
    assert any(w.startswith("Failed to load image at 'data:image/png;base64,@@@'")
               for w in printed.warnings), printed.warnings


def test_a_printed_page_with_a_data_url_image_is_printed() -> None:
    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                           b'<rect width="10" height="10"/></svg>').decode()
    html = ('<html lang="en"><body><p>Text</p>'
            f'<img src="data:image/svg+xml;base64,{svg}" alt=""></body></html>')
    printed = pdf.write_pdf(lambda keep, breaks, facing: Page(html, FONT_RULES))
    assert printed.pages == 1 and printed.pdf.startswith(b"%PDF-")
