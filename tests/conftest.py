"""Shared fixtures: the first real document, built once per test session."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest

# The glyph cache and the font configuration of the tests' builds (and of the processes they
# start) in a folder of the session's own, never the user's cache: set before any test module is
# collected, since importing generator.pdf writes the font configuration.
_CACHE = tempfile.mkdtemp(prefix="factsheet-tests-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

from generator.build import build  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIRST = ROOT / "data" / "belarus-anti-trafficking.yaml"
# A key figure in the web or print HTML: (value, label).
FACT = re.compile(r'<li class="fact"><span class="value"><span class="nowrap">(.*?)</span></span> '
                  r'<span class="label">(.*?)</span></li>')


@dataclass(frozen=True)
class Edition:
    html: str
    pdf: pypdf.PdfReader
    pages: tuple[str, ...]  # the text of each PDF page, as pypdf extracts it

    @property
    def pdf_text(self) -> str:
        return "\n".join(self.pages)

    @property
    def html_text(self) -> str:
        """The HTML's text content, tags dropped and entities resolved."""
        import html as html_lib

        return html_lib.unescape(re.sub(r"<[^>]+>", "", self.html))


@pytest.fixture(scope="session")
def first_document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Edition]:
    out = tmp_path_factory.mktemp("output")
    report = build([FIRST], out)
    assert report.exit_code == 0, [str(p) for o in report.outcomes for p in o.problems]
    editions = {}
    for lang in ("en", "ru"):
        stem = out / "belarus-anti-trafficking" / f"belarus-anti-trafficking.{lang}"
        reader = pypdf.PdfReader(stem.with_suffix(f".{lang}.pdf"))
        editions[lang] = Edition(stem.with_suffix(f".{lang}.html").read_text("utf-8"), reader,
                                 tuple(p.extract_text() for p in reader.pages))
    return editions
