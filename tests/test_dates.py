"""Dates as the contract's table writes them, and YAML values taken exactly as written."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from generator.build import build
from generator.i18n import Formatter
from generator.model import DateValue

NNBSP = "\u202f"  # NARROW NO-BREAK SPACE, which CLDR puts before Russian and Belarusian `г.`

# The contract's table, every row, in both of its languages.
TABLE = [
    ("2006", "2006", f"2006{NNBSP}г."),
    ("2006-12", "December 2006", f"декабрь 2006{NNBSP}г."),
    ("2006-12-20", "20 December 2006", f"20 декабря 2006{NNBSP}г."),
    ("2014-05-12/2014-05-16", "12–16 May 2014", f"12–16 мая 2014{NNBSP}г."),
    ("2014-05-30/2014-06-02", "30 May – 2 June 2014", f"30 мая – 2 июня 2014{NNBSP}г."),
    ("2013-12-30/2014-01-02", "30 December 2013 – 2 January 2014",
     f"30 декабря 2013{NNBSP}г. – 2 января 2014{NNBSP}г."),
    ("2010-05/2010-06", "May–June 2010", f"май–июнь 2010{NNBSP}г."),
]


def fmt(lang: str, written: str) -> str:
    return Formatter(lang).date(DateValue.parse(written))


@pytest.mark.parametrize("written, en, ru", TABLE, ids=[row[0] for row in TABLE])
def test_contract_table_en(written, en, ru):
    assert fmt("en", written) == en


@pytest.mark.parametrize("written, en, ru", TABLE, ids=[row[0] for row in TABLE])
def test_contract_table_ru(written, en, ru):
    assert fmt("ru", written) == ru


@pytest.mark.parametrize(
    "lang, written, expected",
    [
        ("be", "2016-07-28/2016-08-02", f"28 ліпеня – 2 жніўня 2016{NNBSP}г."),
        ("be", "2006", "2006"),
        ("zh_Hans", "2006", "2006年"),
        ("en_US", "2006-12-20", "December 20, 2006"),
        ("en_US", "2014-05-12/2014-05-16", "May 12–16, 2014"),
        ("en_US", "2014-05-30/2014-06-02", "May 30 – June 2, 2014"),
        ("en_US", "2006", "2006"),
        ("en_GB", "2006-12-20", "20 December 2006"),
    ],
)
def test_other_languages(lang, written, expected):
    assert fmt(lang, written) == expected


@pytest.mark.parametrize("lang", ["en", "ru", "be", "en_US", "fr", "de", "zh_Hans"])
def test_a_range_is_one_expression_with_an_en_dash(lang):
    for written in ("2014-05-12/2014-05-16", "2014-05-30/2014-06-02", "2013-12-30/2014-01-02",
                    "2010-05/2010-06"):
        text = fmt(lang, written)
        assert text.count("–") == 1, text
        assert "-" not in text and "—" not in text, text
        assert "\n" not in text


# --- YAML values as written --------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


AS_WRITTEN = """\
    title: {en: NO, ru: NO}
    subtitle: 0755
    issuer: yes
    date: 2006-12-20
    languages: [en, ru]
    groups:
      g:
        name: 12:30
        as_of: 2013-09-26
        members: [NO, BY]
    events:
      - date: 2006-12-20
        text: 1_000
      - date: 2014-05-12/2014-05-16
        text: off
    sections:
      - heading: No
        text: 0x1F
      - text: 12:30
      - text: yes
      - text: 0755
      - text: 1e3
      - chronology: {}
      - annex: g
    """


@pytest.fixture(scope="module")
def as_written(tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("as-written")
    path = write(tmp, "doc.yaml", AS_WRITTEN)
    report = build([path], tmp / "out", formats=["html"])
    assert report.exit_code == 0, [str(p) for o in report.outcomes for p in o.problems]
    return {lang: (tmp / "out" / "doc" / f"doc.{lang}.html").read_text("utf-8")
            for lang in ("en", "ru")}


def test_no_stays_the_text_no(as_written):
    html = as_written["en"]
    assert "<title>NO</title>" in html
    assert "<h1>NO</h1>" in html
    assert '<h2 id="section-1-h">No</h2>' in html
    assert "False" not in html and "false" not in html


def test_no_as_a_country_code_is_norway(as_written):
    members = re.findall(r"<li>(.*?)</li>", as_written["en"])
    assert members == ["Belarus", "Norway"]
    assert re.findall(r"<li>(.*?)</li>", as_written["ru"]) == ["Беларусь", "Норвегия"]


@pytest.mark.parametrize("text", ["0x1F", "12:30", "yes", "0755", "1e3"])
def test_scalars_stay_text(as_written, text):
    assert f"<p>{text}</p>" in as_written["en"]


def test_other_fields_stay_text(as_written):
    html = as_written["en"]
    assert '<p class="subtitle">0755</p>' in html
    assert '<p class="issuer">yes</p>' in html
    assert '<p class="group-name">12:30</p>' in html
    assert "<td>1_000</td>" in html
    assert "<td>off</td>" in html
    for coerced in ("493", "750", "True", "1000.0", "31"):
        assert f">{coerced}<" not in html


def test_unquoted_date_is_that_date(as_written):
    en, ru = as_written["en"], as_written["ru"]
    assert ('<p class="edition-date"><time class="date" datetime="2006-12-20">20 December 2006'
            "</time></p>") in en
    assert ('<td class="when"><time class="date" datetime="2006-12-20">20 December 2006</time>'
            "</td><td>1_000</td>") in en
    assert (f'<td class="when"><time class="date" datetime="2006-12-20">20 декабря 2006{NNBSP}г.'
            "</time></td>") in ru
    assert '<time class="date" datetime="2013-09-26">26 September 2013</time>' in en


def test_range_is_kept_on_one_line(as_written):
    assert ('<span class="date" data-start="2014-05-12" data-end="2014-05-16">12–16 May 2014'
            "</span>") in as_written["en"]
    assert re.search(r"\.date\b[^{]*\{[^}]*white-space:\s*nowrap", as_written["en"])


def test_language_code_no_stays_norwegian(tmp_path):
    # YAML 1.1 reads a plain `no` as false; the contract reads the code for Norwegian.
    path = write(tmp_path, "doc.yaml", """\
        title: {en: Title, no: Tittel}
        date: 2006-12-20
        languages: [en, no]
        sections:
          - text: {en: Hello, no: Hei}
        """)
    out = tmp_path / "out"
    report = build([path], out, formats=["html"])
    assert report.exit_code == 0, [str(p) for o in report.outcomes for p in o.problems]
    html = (out / "doc" / "doc.no.html").read_text("utf-8")
    assert '<html lang="no" dir="ltr">' in html
    assert "<h1>Tittel</h1>" in html
    assert '<time class="date" datetime="2006-12-20">20. desember 2006</time>' in html


def test_quoted_and_unquoted_values_build_the_same(tmp_path):
    plain = """\
        title: {en: NO, ru: NO}
        date: 2006-12-20
        languages: [en, ru]
        events:
          - {date: 2010-05/2010-06, text: 12:30}
          - {date: 2006, text: 0755}
        sections:
          - chronology: {}
        """
    quoted = """\
        title: {en: "NO", ru: 'NO'}
        date: "2006-12-20"
        languages: [en, ru]
        events:
          - {date: "2010-05/2010-06", text: '12:30'}
          - {date: '2006', text: "0755"}
        sections:
          - chronology: {}
        """
    pages = []
    for name, text in (("plain", plain), ("quoted", quoted)):
        path = write(tmp_path / name, "doc.yaml", text)
        assert build([path], tmp_path / name / "out", formats=["html"]).exit_code == 0
        pages.append((tmp_path / name / "out" / "doc" / "doc.ru.html").read_text("utf-8"))
    assert pages[0] == pages[1]
    assert "<h1>NO</h1>" in pages[0]
    assert f"май–июнь 2010{NNBSP}г." in pages[0]
    assert "<td>12:30</td>" in pages[0] and "<td>0755</td>" in pages[0]
