"""Fonts for every UN language: an Arabic and a Chinese edition printed to PDF, read back (text,
fonts, right-to-left pages), and the error a Chinese edition gives where its fonts are missing."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
from click.testing import CliRunner

from generator.cli import main

from .test_print import ALLOWED, CJK

SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"
ARABIC = SCRIPTS / "arabic.yaml"
CHINESE = SCRIPTS / "chinese.yaml"
NASKH = {"Noto-Naskh-Arabic", "Noto-Naskh-Arabic-Bold"}
MM = 72 / 25.4
WJ = "\u2060"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@dataclass(frozen=True)
class Printed:
    path: Path
    reader: pypdf.PdfReader
    pages: tuple[str, ...]  # pypdf's text of each page (logical order)
    err: str


def _build(data: Path, lang: str, out: Path) -> Printed:
    code, _, err = run("build", str(data), "--format", "pdf", "--output", str(out))
    assert code == 0, err
    path = out / data.stem / f"{data.stem}.{lang}.pdf"
    reader = pypdf.PdfReader(path)
    return Printed(path, reader, tuple(p.extract_text() for p in reader.pages), err)


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    return _build(ARABIC, "ar", tmp_path_factory.mktemp("arabic"))


@pytest.fixture(scope="module")
def chinese(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    return _build(CHINESE, "zh_Hans", tmp_path_factory.mktemp("chinese"))


def _fonts(reader: pypdf.PdfReader) -> dict[str, bool]:
    """Each font's name without its subset prefix → whether the PDF embeds it."""
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            name = str(font["/BaseFont"])
            assert re.match(r"^/[A-Z]{6}\+", name), name  # a subset
            # TrueType outlines (FontFile2), or the CFF of Noto CJK (FontFile3).
            fonts[name.split("+", 1)[1]] = "/FontFile2" in descriptor or "/FontFile3" in descriptor
    return fonts


# --- Arabic --------------------------------------------------------------------------------------


def test_arabic_text_is_in_the_pdf_in_noto_naskh_arabic(arabic: Printed) -> None:
    assert "warning" not in arabic.err  # not one: no empty box, no ignored CSS
    first = arabic.pages[0]
    assert "دور بيلاروس في مكافحة الاتجار بالأشخاص" in first  # the title
    assert "وزارة الخارجية" in first  # the issuer
    # The symbol keeps its characters in order, left-to-right inside the right-to-left sentence
    # (where a space next to it is extracted varies with the text's runs: spaces are left out).
    assert re.sub(r"\s", "", "اعتمدت الجمعية العامة القرار A/RES/61/180 بشأن تحسين تنسيق الجهود المبذولة") \
        in re.sub(r"\s", "", first)
    assert "مبادرة بيلاروس" in first  # a footnote
    assert "https://undocs.org/ar/A/RES/61/180" in first
    # A reference's parts apart with the Arabic comma, its symbol and link isolated left-to-right.
    assert ('<span class="symbol">\u2066A/RES/61/180\u2069</span>، <cite>تحسين تنسيق الجهود المبذولة '
            "لمكافحة الاتجار بالأشخاص</cite>، ") in _print_html(ARABIC)
    fonts = _fonts(arabic.reader)
    assert all(fonts.values()), fonts
    assert NASKH <= set(fonts) <= ALLOWED
    assert not set(fonts) & CJK


def _lines(pdf: Path, page: int) -> list[tuple[list[str], float, float, float]]:
    """(words, xMin, xMax, yMin) of each line of a page, as poppler finds them. Arabic words come
    in the order of their glyphs, left to right: `مبادرة` is read `ةردابم`."""
    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    root = ElementTree.fromstring(xml[xml.index("<html"):])
    return [([w.text or "" for w in line.iter(f"{ns}word")], float(line.get("xMin", 0)),
             float(line.get("xMax", 0)), float(line.get("yMin", 0)))
            for line in root.iter(f"{ns}line")]


def _line_with(lines: list[tuple[list[str], float, float, float]], word: str) -> tuple[float, float, float]:
    seen = word[::-1] if any(unicodedata.bidirectional(c) == "AL" for c in word) else word
    found = [(x0, x1, y) for words, x0, x1, y in lines if seen in words]
    assert found, (word, [w for w, *_ in lines])
    return found[0]


def test_arabic_pages_are_mirrored(arabic: Printed) -> None:
    """Right-to-left pages: text flush right, footnotes flush right, the date column on the
    right, and on facing pages the first page is a left-hand one, its number outside (left)."""
    width = float(arabic.reader.pages[0].mediabox.width)
    total = len(arabic.pages)
    assert total > 4  # facing pages
    # Page 1 is a left-hand page: 16 mm outer margin on the left, 24 mm inner on the right.
    right_edge = width - 24 * MM
    lines = _lines(arabic.path, 1)
    heading = _line_with(lines, "المبادرات")
    assert heading[1] == pytest.approx(right_edge, abs=0.5) and heading[0] > width / 2
    note = _line_with(lines, "مبادرة")  # footnote 2, one short line
    assert note[1] == pytest.approx(right_edge, abs=0.5) and note[0] > width / 2
    date, event = _line_with(lines, "التاريخ"), _line_with(lines, "الحدث")  # the table's header
    assert date[0] > event[1]
    # Page numbers outside: on the left of page 1 (a left-hand page), on the right of page 2.
    for page, outside in ((1, "left"), (2, "right")):
        numbers = [(x0, x1) for words, x0, x1, y in _lines(arabic.path, page)
                   if y > 780 and str(total) in words]
        assert len(numbers) == 1, numbers
        x0, x1 = numbers[0]
        if outside == "left":
            assert x0 == pytest.approx(16 * MM, abs=0.5)
        else:
            assert x1 == pytest.approx(width - 16 * MM, abs=0.5)
    # `الصفحة 1 من 5` ("page 1 of 5"): its words, as poppler reads their glyphs.
    bottom = [words for words, _, _, y in _lines(arabic.path, 1) if y > 780]
    assert bottom == [[str(total), "من"[::-1], "1", "الصفحة"[::-1]]]
    # The running head: the title on every page but the first.
    for text in arabic.pages[1:]:
        assert "دور بيلاروس في مكافحة الاتجار بالأشخاص" in text.splitlines()


def test_arabic_outline_titles_carry_no_invisible_character(arabic: Printed) -> None:
    outline = arabic.reader.outline
    titles = [outline[0].title] + [item.title for item in outline[1]]
    # In the text, the symbol of the heading is isolated left-to-right (U+2066 ... U+2069).
    assert titles[:3] == ["دور بيلاروس في مكافحة الاتجار بالأشخاص", "القرار A/RES/61/180", "المبادرات"]
    assert [t for t in titles if any(unicodedata.category(c) == "Cf" for c in t)] == []
    # The heading itself keeps its isolates, and its symbol on one line.
    assert ('<h2 id="section-1-h" data-bookmark="القرار A/RES/61/180">القرار \u2066<span class="nowrap">'
            'A/RES/61/180</span>\u2069</h2>') in _print_html(ARABIC)



def test_the_pdf_title_carries_no_invisible_character(tmp_path: Path) -> None:
    from generator.build import prepare
    from generator.render import render

    data = tmp_path / "title.yaml"
    data.write_text("title: القرار A/RES/61/180\nlanguages: [ar]\nsections:\n  - text: نص.\n", "utf-8")
    edition = prepare(data, data.name).editions[0]
    # The web page isolates the symbol in its title, as in its text; the PDF's metadata does not.
    assert "<title>القرار \u2066A/RES/61/180\u2069</title>" in render(edition, "web").html
    assert "<title>القرار A/RES/61/180</title>" in render(edition, "print").html
    code, _, err = run("build", str(data), "--format", "pdf", "--output", str(tmp_path / "out"))
    assert code == 0, err
    reader = pypdf.PdfReader(tmp_path / "out" / "title" / "title.ar.pdf")
    assert reader.metadata is not None and reader.metadata.title == "القرار A/RES/61/180"


# --- Chinese -------------------------------------------------------------------------------------


def test_chinese_text_is_in_the_pdf_in_noto_cjk_sc(chinese: Printed) -> None:
    assert "warning" not in chinese.err
    text = chinese.pages[0]
    for phrase in ["白俄罗斯在全球打击人口贩运中的作用", "白俄罗斯共和国外交部", "2006年12月20日",
                   "大会通过了第A/RES/61/180号决议，改进协调努力，打击贩运人口行为", "白俄罗斯的倡议。",
                   "通过《联合国打击贩运人口全球行动计划》。", "日期", "事件", "第 1 页，共 1 页",
                   # A reference, with the full-width comma and full stop of Chinese.
                   "3.\xa0A/RES/61/180，改进协调努力，打击贩运人口行为，2006年12月20日。"
                   "https://undocs.org/zh/A/RES/61/180"]:
        assert phrase in text.replace("\n", ""), phrase
    fonts = _fonts(chinese.reader)
    assert all(fonts.values()), fonts
    # The text in the serif, headings in the sans; no Arabic font.
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"} <= set(fonts) <= ALLOWED
    assert not set(fonts) & NASKH


def _print_html(data: Path) -> str:
    from generator.build import prepare
    from generator.render import render

    return render(prepare(data, data.name).editions[0], "print").html


@pytest.mark.parametrize("data", [ARABIC, CHINESE])
def test_every_footnote_call_is_joined_to_the_word_before_it(data: Path) -> None:
    html = _print_html(data)
    calls = [m.start() for m in re.finditer(r'<a class="fn-call"', html)]
    assert len(calls) == 3  # a citation, a free note, and the event's cite in the chronology
    for at in calls:
        assert html[at - 1] == WJ and not html[at - 2].isspace(), html[at - 20:at]
    assert WJ * 2 not in html  # one joiner, even where the typography joined the call already


def test_a_chinese_footnote_call_never_starts_a_line(tmp_path: Path) -> None:
    """45 characters fill a line with room for a call; the characters after it go to the next
    line, and a line may break between any two Chinese characters. Without the word joiner the
    call starts the second line; with it, the last character of the first line goes with it."""
    from generator.build import prepare
    from generator.pdf import write_pdf
    from generator.render import Page, render

    data = tmp_path / "call.yaml"
    text = f"{'国' * 45}^[注。]{'家' * 50}。"
    data.write_text(f"title: 试验\nlanguages: [zh_Hans]\nsections:\n  - text: {text}\n", "utf-8")
    page = render(prepare(data, data.name).editions[0], "print")

    def second_line(html: str) -> str:
        def make(keep: frozenset[int], breaks: frozenset[int], facing: bool) -> Page:
            return Page(html, page.print_css)

        text = pypdf.PdfReader(io.BytesIO(write_pdf(make).pdf)).pages[0].extract_text()
        return text.splitlines()[2]  # after the title and the first line

    assert second_line(page.html.replace(WJ, "")).startswith("1家")
    assert second_line(page.html).startswith("国1家")


# --- fonts that are not there ------------------------------------------------------------------------


def test_a_chinese_edition_without_its_fonts_is_an_error_naming_script_font_and_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "no-fonts"
    monkeypatch.setenv("FACTSHEET_CJK_FONTS", str(folder))
    code, out, err = run("build", str(CHINESE), "--output", str(tmp_path / "out"))
    assert code == 1
    assert out == ""
    needs = ("the CJK (Chinese, Japanese, Korean) script needs the fonts Noto Serif CJK SC and Noto Sans "
             f"CJK SC, not installed here (no {folder}/NotoSerifCJK-Regular.ttc): install Debian's package "
             "fonts-noto-cjk, or set FACTSHEET_CJK_FONTS to the folder of its files; the PDF would show "
             "empty boxes for ")
    lines = err.splitlines()
    # The title, where the data writes it; the words the template adds, in the edition.
    assert f"{CHINESE}:3:8: {needs}'白' (U+767D CJK UNIFIED IDEOGRAPH-767D), '俄' (U+4FC4 CJK UNIFIED " \
           "IDEOGRAPH-4FC4), '罗' (U+7F57 CJK UNIFIED IDEOGRAPH-7F57), '斯' (U+65AF CJK UNIFIED " \
           "IDEOGRAPH-65AF), '在' (U+5728 CJK UNIFIED IDEOGRAPH-5728) and 12 more" in lines
    assert f"{CHINESE}:1:1: {needs}'年' (U+5E74 CJK UNIFIED IDEOGRAPH-5E74), '月' (U+6708 CJK UNIFIED " \
           "IDEOGRAPH-6708), '日' (U+65E5 CJK UNIFIED IDEOGRAPH-65E5), '期' (U+671F CJK UNIFIED " \
           "IDEOGRAPH-671F), '事' (U+4E8B CJK UNIFIED IDEOGRAPH-4E8B) and 2 more in the zh_Hans " \
           "edition" in lines
    problems = [line for line in lines if line.startswith(f"{CHINESE}:")]
    assert len(problems) == 7 and all(needs in line for line in problems)
    assert lines[-2] == "1 of 1 document(s) failed"
    assert not (tmp_path / "out" / "chinese").exists()
    # `check` says it too; the HTML edition needs no fonts.
    code, _, err = run("check", str(CHINESE))
    assert code == 1 and f"{CHINESE}:3:8: {needs}'白'" in err
    assert run("build", str(CHINESE), "--format", "html", "--output", str(tmp_path / "out"))[0] == 0
    # The Arabic edition's fonts are bundled: it builds all the same.
    code, _, err = run("build", str(ARABIC), "--format", "pdf", "--output", str(tmp_path / "out"))
    assert code == 0, err


def test_invisible_characters_of_the_typography_need_no_glyph() -> None:
    from generator.glyphs import missing

    # Word joiner, bidirectional isolates, soft hyphen, zero-width space: drawn by no font.
    assert missing("2012–\u20602014 \u2066A/RES/61/180\u2069 Ab\u00adsatz a\u200bb") == []
    # What needs a glyph is found in every script's fonts...
    assert missing("Беларусь دولة 中国 «» \u202f\u00a0") == []
    # ...and what none has is still missing.
    assert missing("თბილისი") == ["თ", "ბ", "ი", "ლ", "ს"]
