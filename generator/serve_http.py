"""The preview's HTTP side: the standard library's threading server, and nothing it need not do.

It answers only on 127.0.0.1 and only to a `Host` of 127.0.0.1:PORT or localhost:PORT (a page of
another site whose name was re-pointed at 127.0.0.1, DNS rebinding, is refused with 421); only GET
and HEAD (405 otherwise); only the index, the version the pages poll, and the built editions, each
as exactly `/html/<id>/<id>.<lang>.html` or `/pdf/<id>/<id>.<lang>.pdf`, whose real path must lie
in the output folder (404 for anything else: `..`, encoded or not, absolute paths, hidden files,
symbolic links out, folders). Pages get a Content-Security-Policy that allows only the preview's
own script and style (by nonce) and the page's own styles (by hash); the reload script and the
problems are added to the response only, never to the built files.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from .output import SAFE_NAME

if TYPE_CHECKING:
    from .serve import DocState, Preview, Status

FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
VERSION_PATH = "/__version"
WAIT = 20.0  # seconds a page's request for the version waits for a change before it is answered

_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Built:
    """A built output asked for: its real path and format."""

    path: Path
    format: str
    doc_id: str


def route(root: Path, target: str) -> str | Built | None:
    """What a request target names: "index", "version", a built output, or None (404)."""
    raw = target.split("?", 1)[0].split("#", 1)[0]
    if raw == "/":
        return "index"
    if raw == VERSION_PATH:
        return "version"
    try:
        # Decoded once, then every part checked: `%2e%2e` is `..` and refused like it, `%2f` makes
        # an empty part, `%252e` stays `%2e` and is no name.
        parts = unquote(raw, errors="strict").split("/")
    except UnicodeDecodeError:
        return None
    if len(parts) != 4 or parts[0] != "" or parts[1] not in FORMATS:
        return None
    kind, doc_id, name = parts[1:]
    if not (SAFE_NAME.fullmatch(doc_id) and SAFE_NAME.fullmatch(name)
            and name.startswith(f"{doc_id}.") and name.endswith(f".{kind}")):
        return None
    folder = os.path.realpath(root / kind)
    real = os.path.realpath(os.path.join(folder, doc_id, name))
    if os.path.commonpath([folder, real]) != folder:
        return None  # a symbolic link out of the output folder
    return Built(Path(real), kind, doc_id)


def _read(path: Path) -> bytes | None:
    """The bytes of a regular file, never through a symbolic link; None when there is none."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return None
        return f.read()


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _policy(nonce: str, styles: list[str]) -> str:
    style = " ".join([f"'nonce-{nonce}'", *(_hash(s) for s in styles)])
    return ("default-src 'none'; "
            f"script-src 'nonce-{nonce}'; connect-src 'self'; style-src {style}; "
            "img-src 'self' data:; font-src 'self' data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


_PREVIEW_CSS = """
#factsheet-preview-problems { border: 3px solid #b00020; background: #fff4f4; color: #000;
  padding: 0.5em 1em; margin: 0 0 1em; font: 15px/1.4 sans-serif; }
#factsheet-preview-problems li { font-family: monospace; white-space: pre-wrap; }
"""


def _script(nonce: str, key: str, seen: str) -> str:
    # Asks for the version, which the server answers when it is no longer `seen` (a rebuild
    # finished) or after WAIT seconds; a change reloads the page. A server that is gone (the
    # preview was stopped) is asked again each second, and the page stays as it is.
    url = json.dumps(f"{VERSION_PATH}?{urlencode({'key': key, 'after': seen})}")
    return (f'<script nonce="{nonce}">(function () {{'
            "function poll() {"
            f"fetch({url}, {{cache: 'no-store'}})"
            ".then(function (r) { return r.json(); })"
            f".then(function (v) {{ if (v[{json.dumps(key)}] !== {json.dumps(seen)}) location.reload();"
            " else poll(); })"
            ".catch(function () { setTimeout(poll, 1000); }); }"
            "poll();"
            "})();</script>")


def _problems(status: Status, doc: DocState | None) -> str:
    lines: list[str] = []
    if status.error:
        lines.append(status.error)
    if doc is not None:
        lines.extend(str(p) for p in doc.problems)
        if doc.failure:
            lines.append(f"{doc.display}: {doc.failure}")
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return ('<div id="factsheet-preview-problems" role="alert"><p><strong>This page is the last '
            "good build: the data has problems.</strong></p>"
            f"<ul>{items}</ul></div>")


def edition_page(page: str, status: Status, doc_id: str, nonce: str) -> str:
    """A built edition as served: the problems at the top of the body, the reload script at the end."""
    banner = _problems(status, status.document(doc_id))
    extra = f'<style nonce="{nonce}">{_PREVIEW_CSS}</style>' + banner if banner else ""
    found = _BODY.search(page)
    at = found.end() if found else 0
    page = page[:at] + extra + page[at:]
    script = _script(nonce, "html", status.versions["html"])
    end = page.lower().rfind("</body>")
    return page[:end] + script + page[end:] if end >= 0 else page + script


def index_page(status: Status, output: Path, nonce: str) -> str:
    rows = []
    for doc in status.documents:
        editions = []
        for lang in doc.languages:
            name = f"{doc.id}.{lang}"
            links = [f'<a href="/html/{doc.id}/{name}.html">{html.escape(lang)}</a>'
                     if (output / "html" / doc.id / f"{name}.html").is_file() else html.escape(lang)]
            if (output / "pdf" / doc.id / f"{name}.pdf").is_file():
                links.append(f'<a href="/pdf/{doc.id}/{name}.pdf">PDF</a>')
            editions.append(" ".join(links))
        state = "ok" if doc.ok else f"{len(doc.problems) + bool(doc.failure)} problem(s)"
        problems = "".join(f"<li>{html.escape(str(p))}</li>" for p in doc.problems)
        if doc.failure:
            problems += f"<li>{html.escape(doc.display)}: {html.escape(doc.failure)}</li>"
        warnings = "".join(f"<li>warning: {html.escape(w)}</li>" for w in doc.warnings)
        notes = f'<ul class="problems">{problems}{warnings}</ul>' if problems or warnings else ""
        rows.append(f"<tr><td>{html.escape(doc.display)}{notes}</td><td>{state}</td>"
                    f"<td>{' · '.join(editions)}</td></tr>")
    pdf = status.pdf
    pdf_state = ("PDFs: building…" if pdf.running else "PDFs: failed" if pdf.said
                 else "PDFs: up to date" if pdf.done else "PDFs: not built")
    said = "".join(f"<li>{html.escape(line)}</li>" for line in pdf.said)
    error = (f'<p id="factsheet-preview-error">{html.escape(status.error)}</p>' if status.error else "")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>factsheet preview</title>"
            f'<style nonce="{nonce}">body {{ font: 16px/1.4 sans-serif; margin: 2em; }}'
            " td, th { text-align: left; vertical-align: top; padding: 0.3em 1em 0.3em 0; }"
            " .problems li { font-family: monospace; color: #b00020; }</style></head><body>"
            f"<h1>factsheet preview</h1>{error}"
            f"<table><tr><th>document</th><th>state</th><th>editions</th></tr>{''.join(rows)}</table>"
            f'<p id="factsheet-preview-pdf">{pdf_state}</p>'
            + (f'<ul class="problems">{said}</ul>' if said else "")
            + _script(nonce, "all", status.versions["all"]) + "</body></html>\n")


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # a page's pending request never holds up the end of the preview

    def __init__(self, preview: Preview, port: int) -> None:
        self.preview = preview
        super().__init__(("127.0.0.1", port), Handler)  # never 0.0.0.0: the preview is one's own

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def handle_error(self, request: object, client_address: object) -> None:
        # A page that reloaded or closed while its request for the version waited: nobody to answer.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "factsheet-preview"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the pages poll several times a second."""

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server answers a method without a do_* with 501; every method but GET and HEAD
        # (POST, PUT, DELETE, OPTIONS, TRACE, an invented one) is a 405 here instead.
        if name.startswith("do_"):
            return self._refuse_method
        raise AttributeError(name)

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _refuse_method(self) -> None:
        if self._host_ok():
            self._send(405, b"method not allowed: this preview answers GET and HEAD only\n",
                       "text/plain; charset=utf-8", extra={"Allow": "GET, HEAD"})
        else:
            self._misdirected()

    def _host_ok(self) -> bool:
        hosts = self.headers.get_all("Host") or []
        port = self.server.port
        return len(hosts) == 1 and hosts[0].lower() in (f"127.0.0.1:{port}", f"localhost:{port}")

    def _misdirected(self, body: bool = True) -> None:
        self._send(421, b"misdirected request: this preview answers only to 127.0.0.1 and localhost\n",
                   "text/plain; charset=utf-8", body=body)

    def _answer(self, body: bool) -> None:
        if not self._host_ok():
            self._misdirected(body)
            return
        preview = self.server.preview
        status = preview.status  # one snapshot for the whole answer
        found = route(preview.output, self.path)
        nonce = secrets.token_urlsafe(16)
        if found == "version":
            query = parse_qs(urlsplit(self.path).query)
            key, seen = query.get("key", [""])[0], query.get("after", [None])[0]
            if key in status.versions and seen is not None:
                status = preview.wait_version(key, seen, WAIT)
            self._send(200, json.dumps(status.versions).encode(), "application/json", body=body)
        elif found == "index":
            self._page(index_page(status, preview.output, nonce), nonce, body)
        elif isinstance(found, Built) and (data := _read(found.path)) is not None:
            if found.format == "html":
                page = edition_page(data.decode("utf-8", "replace"), status, found.doc_id, nonce)
                self._page(page, nonce, body)
            else:
                # No CSP here: a PDF is no page of scripts, and a policy can stop the browser's
                # own viewer from showing it.
                self._send(200, data, FORMATS["pdf"], body=body, policy=None,
                           extra={"Content-Disposition": f'inline; filename="{found.path.name}"'})
        else:
            self._send(404, b"not found\n", "text/plain; charset=utf-8", body=body)

    def _page(self, page: str, nonce: str, body: bool) -> None:
        styles = [m.group(1) for m in _STYLE.finditer(page) if "nonce=" not in m.group(0)]
        self._send(200, page.encode("utf-8"), FORMATS["html"], body=body, policy=_policy(nonce, styles))

    def _send(self, code: int, data: bytes, kind: str, *, body: bool = True,
              policy: str | None = "default-src 'none'; frame-ancestors 'none'",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(code)
        headers = {"Content-Type": kind, "Content-Length": str(len(data)),
                   "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
                   "Referrer-Policy": "no-referrer", "Cross-Origin-Resource-Policy": "same-origin"}
        if policy is not None:
            headers["Content-Security-Policy"] = policy
        for name, value in {**headers, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)
