"""The PDF as a print shop, an archive and a screen reader receive it: fonts, paper, bleed,
facing pages, links, table of contents, PDF/A-3b and PDF/UA-1, reproducible bytes, and the
errors that stop a damaged PDF."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
from click.testing import CliRunner

from generator.cli import main

from .conftest import FIRST, Edition

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "golden" / "sample.yaml"
PRINT = ROOT / "tests" / "fixtures" / "print"
LATIN = {"Noto-Serif", "Noto-Serif-Bold", "Noto-Serif-Italic", "Noto-Serif-BoldItalic", "Noto-Sans",
         "Noto-Sans-Bold"}
BUNDLED = LATIN | {"Noto-Naskh-Arabic", "Noto-Naskh-Arabic-Bold"}
# Read from Debian's fonts-noto-cjk, the only faces of it the font configuration lets through.
CJK = {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}
ALLOWED = BUNDLED | CJK
FONTS_NAMED = "the fonts (Noto Serif, Noto Sans, Noto Naskh Arabic, Noto Serif CJK SC, Noto Sans CJK SC)"
MM = 72 / 25.4


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def build_sample(out: Path, *options: str, lang: str = "en") -> pypdf.PdfReader:
    code, _, err = run("build", str(SAMPLE), "--lang", lang, "--format", "pdf", "--output", str(out),
                       *options)
    assert code == 0, err
    return pypdf.PdfReader(out / "sample" / f"sample.{lang}.pdf")


def _box(page: pypdf.PageObject, name: str) -> tuple[float, ...]:
    return tuple(float(v) for v in page[name])


def _annotations(reader: pypdf.PdfReader) -> Iterator[tuple[int, pypdf.generic.DictionaryObject]]:
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            yield number, annot.get_object()


def _internal_target(annot: pypdf.generic.DictionaryObject) -> str | None:
    dest = annot.get("/Dest")
    if dest is None and "/A" in annot and annot["/A"].get("/S") == "/GoTo":
        dest = annot["/A"]["/D"]
    return str(dest) if isinstance(dest, str | pypdf.generic.TextStringObject) else None


def _xmp(reader: pypdf.PdfReader) -> ElementTree.Element:
    data = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    body = data[data.index(b"<x:xmpmeta"):data.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")]
    return ElementTree.fromstring(body)


RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


def _xmp_values(xmp: ElementTree.Element, tag: str) -> list[str]:
    return [li.text or "" for element in xmp.iter(tag) for li in element.iter(f"{RDF}li")]


# --- fonts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_only_the_bundled_fonts_all_embedded_and_subset(first_document: dict[str, Edition],
                                                        lang: str) -> None:
    seen = {}
    for page in first_document[lang].pdf.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            seen[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    assert seen and all(seen.values()), seen  # embedded
    assert all(re.match(r"^/[A-Z]{6}\+", name) for name in seen), seen  # subset: the ABCDEF+ prefix
    # An English or Russian edition needs no Arabic or Chinese font.
    assert {name.split("+", 1)[1] for name in seen} <= LATIN


def test_a_character_the_fonts_lack_is_an_error_at_its_place(tmp_path: Path) -> None:
    data = PRINT / "georgian.yaml"
    code, out, err = run("build", str(data), "--output", str(tmp_path))
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"{data}:3:13: {FONTS_NAMED} have no glyph for "
                               "'თ' (U+10D7 GEORGIAN LETTER TAN), 'ბ' (U+10D1 GEORGIAN LETTER BAN)")
    # In a literal block, the very line and column of the first missing character.
    assert lines[1].startswith(f"{data}:10:32: {FONTS_NAMED} have no glyph for "
                               "'አ' (U+12A0 ETHIOPIC SYLLABLE GLOTTAL A)")
    assert lines[2] == "1 of 1 document(s) failed"
    assert re.fullmatch(r"built 0, skipped 0 \(up to date\), failed 1 in \d+\.\d s", lines[3])
    assert len(lines) == 4
    assert not (tmp_path / "georgian").exists()
    # `check` finds it too; an HTML-only build does not need the fonts.
    assert run("check", str(data))[0] == 1
    assert run("build", str(data), "--format", "html", "--output", str(tmp_path))[0] == 0


def test_a_character_only_the_rendering_shows_is_found_at_what_holds_it(tmp_path: Path) -> None:
    data = PRINT / "symbol.yaml"
    code, _, err = run("build", str(data), "--format", "pdf", "--output", str(tmp_path))
    assert code == 1
    assert err.splitlines()[:-1] == [
        f"{data}:6:3: {FONTS_NAMED} have no glyph for 'ა' (U+10D0 GEORGIAN "
        "LETTER AN): the PDF would show an empty box; write the text with other characters",
        "1 of 1 document(s) failed"]
    assert re.fullmatch(r"built 0, skipped 0 \(up to date\), failed 1 in \d+\.\d s", err.splitlines()[-1])


def test_the_font_configuration_lists_the_bundled_folder_and_the_cjk_faces_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.fontset import FONTS
    from generator.pdf import fontconfig_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("FACTSHEET_CJK_FONTS", raising=False)
    path = fontconfig_file()
    assert path.parent == tmp_path / "factsheet"
    config = ElementTree.parse(path).getroot()
    cjk = "/usr/share/fonts/opentype/noto"
    assert [d.text for d in config.iter("dir")] == [str(FONTS.resolve()), cjk]
    assert not list(config.iter("include"))  # not even the system's configuration
    files = [f"{cjk}/{name}" for name in ("NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc",
                                          "NotoSerifCJK-Bold.ttc", "NotoSerifCJK-Regular.ttc")]
    accept, reject = config.find("selectfont/acceptfont"), config.find("selectfont/rejectfont")
    assert accept is not None and reject is not None
    assert [g.text for g in accept.iter("glob")] == files
    assert [g.text for g in reject.iter("glob")] == [f"{cjk}/*"]  # the folder's other files
    # In the collections, the simplified Chinese faces alone (not JP, KR, TC, HK, Mono).
    assert sorted((p.findtext("patelt[@name='family']/string"), p.findtext("patelt[@name='file']/string"))
                  for p in accept.iter("pattern")) == sorted(
        (("Noto Sans CJK SC" if "Sans" in f else "Noto Serif CJK SC"), f) for f in files)
    assert fontconfig_file() == path  # written once
    in_use = ElementTree.parse(os.environ["FONTCONFIG_FILE"]).getroot()  # set when pdf.py loaded
    assert [d.text for d in in_use.iter("dir")] == [str(FONTS.resolve()), cjk]
    # What fontconfig makes of it, as WeasyPrint's FontConfiguration loads it: exactly these faces.
    monkeypatch.setenv("FONTCONFIG_FILE", str(path))
    assert sorted(_fontconfig_faces()) == sorted(
        [(family, style, f"{FONTS.resolve()}/{file}") for family, style, file in [
            ("Noto Naskh Arabic", "Bold", "NotoNaskhArabic-Bold.ttf"),
            ("Noto Naskh Arabic", "Regular", "NotoNaskhArabic-Regular.ttf"),
            ("Noto Sans", "Bold", "NotoSans-Bold.ttf"), ("Noto Sans", "Regular", "NotoSans-Regular.ttf"),
            ("Noto Serif", "Bold", "NotoSerif-Bold.ttf"),
            ("Noto Serif", "Bold Italic", "NotoSerif-BoldItalic.ttf"),
            ("Noto Serif", "Italic", "NotoSerif-Italic.ttf"),
            ("Noto Serif", "Regular", "NotoSerif-Regular.ttf")]]
        + [(f"Noto {'Sans' if 'Sans' in f else 'Serif'} CJK SC", "Bold" if "Bold" in f else "Regular", f)
           for f in files])


def _fontconfig_faces() -> list[tuple[str, str, str]]:
    """(family, style, file) of every face the configuration of FONTCONFIG_FILE gives."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
    fonts = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
    value = ffi.new("FcChar8 **")
    faces = []
    for i in range(fonts.nfont):
        found = []
        for key in (b"family", b"style", b"file"):
            assert fontconfig.FcPatternGetString(fonts.fonts[i], key, 0, value) == fontconfig.FcResultMatch
            found.append(ffi.string(value[0]).decode())
        faces.append((found[0], found[1], found[2]))
    return faces


def test_no_system_font_stands_in_for_a_missing_glyph() -> None:
    """Past the checks, WeasyPrint itself: the system's fonts (this machine has Georgian ones)
    are not seen, and the empty box it draws is a warning."""
    from generator.pdf import write_pdf
    from generator.render import Page

    css = (ROOT / "templates" / "factsheet" / "print.css").read_text("utf-8")
    css = css[css.index("@font-face"):css.index("{%")]  # the bundled fonts' rules alone
    html = '<html lang="en"><body><p style="font-family: \'Noto Serif\'">Tbilisi თბილისი</p></body></html>'
    printed = write_pdf(lambda keep, breaks, facing: Page(html, css))
    assert any(".notdef glyph" in w and "U+10D7" in w for w in printed.warnings), printed.warnings
    reader = pypdf.PdfReader(io.BytesIO(printed.pdf))
    fonts = {str(f.get_object()["/BaseFont"]).split("+", 1)[1]
             for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts <= LATIN, fonts


# --- paper, bleed, facing pages --------------------------------------------------------------------


def test_paper_a4_by_default_and_letter_on_request(tmp_path: Path) -> None:
    a4 = build_sample(tmp_path / "a4")
    letter = build_sample(tmp_path / "letter", "--paper", "letter")
    assert [round(v) for v in _box(a4.pages[0], "/MediaBox")] == [0, 0, 595, 842]
    assert [round(v) for v in _box(letter.pages[0], "/MediaBox")] == [0, 0, 612, 792]


def test_print_mode_has_a_trim_box_inside_a_bleed_box_3_mm_larger(tmp_path: Path) -> None:
    reader = build_sample(tmp_path, "--print")
    for page in reader.pages:
        trim, bleed, media = _box(page, "/TrimBox"), _box(page, "/BleedBox"), _box(page, "/MediaBox")
        assert round(trim[2] - trim[0]) == 595 and round(trim[3] - trim[1]) == 842  # the A4 sheet
        for t, b, sign in zip(trim, bleed, (-1, -1, 1, 1), strict=True):
            assert (b - t) * sign == pytest.approx(3 * MM, abs=0.01)
        assert media[0] <= bleed[0] and media[2] >= bleed[2]


def _page_number_x(reader: pypdf.PdfReader, number: int, words: str) -> float:
    found: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.startswith(words):
            found.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])  # the text's origin on the page

    reader.pages[number - 1].extract_text(visitor_text=visit)
    assert found, f"no {words!r} on page {number}"
    return found[0]


def test_long_documents_face_with_page_numbers_outside(first_document: dict[str, Edition],
                                                       tmp_path: Path) -> None:
    reader = first_document["en"].pdf
    total = len(reader.pages)
    assert total > 4
    width = float(reader.pages[0].mediabox.width)
    for number in (1, 2, 3):
        x = _page_number_x(reader, number, f"Page {number} of {total}")
        if number % 2:  # a right-hand page: the number on the right
            assert x > width * 0.6, (number, x)
        else:
            assert x < width * 0.4, (number, x)
    # A short document keeps single pages: its number is centred.
    sample = build_sample(tmp_path)
    assert len(sample.pages) <= 4
    x = _page_number_x(sample, 1, f"Page 1 of {len(sample.pages)}")
    assert width * 0.4 < x < width * 0.6


def _words(pdf: bytes, page: int, folder: Path) -> list[tuple[str, float, float]]:
    """(word, xMin, yMin) of each word of a page (counted from 0), as poppler places them."""
    path = folder / "edition.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(["pdftotext", "-f", str(page + 1), "-l", str(page + 1), "-bbox", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    root = ElementTree.fromstring(xml[xml.index("<html"):])
    return [(w.text or "", float(w.get("xMin", 0)), float(w.get("yMin", 0)))
            for w in root.iter("{http://www.w3.org/1999/xhtml}word")]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_figures_stand_under_their_heading(first_document: dict[str, Edition], tmp_path: Path,
                                               lang: str) -> None:
    """Not beside it: the figures section is a block and only its list a row of boxes."""
    heading = {"en": "Key figures", "ru": "Ключевые цифры"}[lang]
    edition = first_document[lang]
    page = next(i for i, text in enumerate(edition.pages) if heading in text)
    stream = edition.pdf.stream
    stream.seek(0)
    words = _words(stream.read(), page, tmp_path)
    first = heading.split()[0]
    (_, x, y), = [w for w in words if w[0] == first]
    figures = [w for w in words if w[0] in ("400", "90", "20")]  # the first row of figures
    assert len(figures) == 3
    assert all(fy > y + 10 for _, _, fy in figures), (heading, y, figures)
    assert min(fx for _, fx, _ in figures) == pytest.approx(x, abs=0.5)


# --- navigation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_outline_lists_the_headings(first_document: dict[str, Edition], lang: str) -> None:
    edition = first_document[lang]
    headings = [h.replace("&#39;", "'")
                for h in re.findall(r'<h2 id="section-\d+-h">(.*?)</h2>', edition.html)]
    outline = edition.pdf.outline
    titles = [outline[0].title] + [item.title for item in outline[1]]
    # The headings as written, without the typography's invisible characters: the word joiner of
    # `2012–2014` is in the text, not in the outline.
    assert titles[1:] == [h.replace("\u2060", "") for h in headings]
    assert len(headings) >= 6
    assert [t for t in titles if any(unicodedata.category(c) == "Cf" for c in t)] == []
    if lang == "ru":
        assert "Инициативы 2012–2014\u00a0годов" in titles


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_each_footnote_call_links_to_its_note_on_the_same_page(first_document: dict[str, Edition],
                                                               lang: str) -> None:
    reader = first_document[lang].pdf
    dests = reader.named_destinations
    links = {target: page for page, annot in _annotations(reader)
             if (target := _internal_target(annot)) and target.startswith("fn-")}
    notes = len(re.findall(r'<li id="fn-\d+"', first_document[lang].html))
    assert sorted(links, key=lambda t: int(t[3:])) == [f"fn-{n}" for n in range(1, notes + 1)]
    for target, page in links.items():
        assert reader.get_destination_page_number(dests[target]) == page


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_group_footnote_links_to_its_annex(first_document: dict[str, Edition], lang: str) -> None:
    reader = first_document[lang].pdf
    annex = re.findall(r'<section id="(section-\d+)" class="block annex"', first_document[lang].html)
    assert len(annex) == 1
    targets = [t for _, annot in _annotations(reader) if (t := _internal_target(annot))]
    assert annex[0] in targets
    page = reader.get_destination_page_number(reader.named_destinations[annex[0]])
    count = {"en": "22 members", "ru": "22 члена"}[lang]  # the line under the annex's heading
    assert count in first_document[lang].pages[page].replace("\xa0", " ")


def test_table_of_contents_on_request_with_page_numbers(tmp_path: Path) -> None:
    plain = build_sample(tmp_path / "plain")
    assert "Contents" not in plain.pages[0].extract_text()
    reader = build_sample(tmp_path / "toc", "--toc")
    first = reader.pages[0].extract_text()
    assert "Contents" in first
    dests = reader.named_destinations
    for heading, anchor in [("Introduction", "section-1"), ("Chronology", "section-3"),
                            ("Annex II. ICAT", "section-6")]:
        page = reader.get_destination_page_number(dests[anchor]) + 1
        assert re.search(rf"{re.escape(heading)}[ .]*{page}\n", first), (heading, page, first)
    targets = {t for _, annot in _annotations(reader) if (t := _internal_target(annot))}
    assert {f"section-{i}" for i in range(1, 7)} <= targets
    # Not a heading of its own in the outline.
    assert "Contents" not in [item.title for item in reader.outline[1]]


def test_the_contents_heading_says_its_language_where_the_words_fall_back_to_english(tmp_path: Path) -> None:
    """Finnish has no catalog of the template's words: `Contents` is English, and says so (for
    hyphenation, and for a screen reader of the tagged PDF)."""
    from generator.build import prepare
    from generator.render import PrintSetup, render

    data = tmp_path / "toc.yaml"
    data.write_text("title: Tietolehti\nlanguages: [fi]\nsections:\n" + "".join(
        f"  - heading: Luku {n}\n    text: Yksi lause.\n" for n in range(1, 6)), "utf-8")
    html = render(prepare(data, data.name).editions[0], "print", setup=PrintSetup(toc=True)).html
    assert '<html lang="fi" dir="ltr">' in html
    assert '<h2 id="toc-h" lang="en">Contents</h2>' in html
    code, _, err = run("build", str(data), "--format", "pdf", "--toc", "--output", str(tmp_path / "out"))
    assert code == 0, err
    reader = pypdf.PdfReader(tmp_path / "out" / "toc" / "toc.fi.pdf")
    assert "Contents" in reader.pages[0].extract_text()


def test_footnotes_stay_on_their_calls_page_when_a_table_of_contents_moves_the_text(
        tmp_path: Path) -> None:
    """The Russian edition with a table of contents is a layout where WeasyPrint floats notes to
    the next page (four of them, one after another): each is laid out again until none is."""
    code, _, err = run("build", str(FIRST), "--lang", "ru", "--format", "pdf", "--toc",
                       "--output", str(tmp_path))
    assert code == 0, err
    assert "printed on another page" not in err
    reader = pypdf.PdfReader(tmp_path / FIRST.stem / f"{FIRST.stem}.ru.pdf")
    assert "Содержание" in reader.pages[0].extract_text()
    dests = reader.named_destinations
    calls = [name for name in dests if name.startswith("fnref-")]
    assert len(calls) >= 20
    for call in calls:
        note = "fn-" + call[len("fnref-"):]
        page = reader.get_destination_page_number
        assert page(dests[call]) == page(dests[note]), call


# --- variants ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """The first document's English PDF/A-3b, built by two processes with different time zones
    and working folders (at the same time: two cores)."""
    runs = []
    for i, tz in enumerate(["UTC", "Pacific/Kiritimati"]):
        cwd = tmp_path_factory.mktemp(f"cwd{i}")
        out = cwd / "out"
        env = {**os.environ, "TZ": tz}
        runs.append((out, subprocess.Popen(
            [sys.executable, "-m", "generator", "build", str(FIRST), "--lang", "en", "--format", "pdf",
             "--pdf-variant", "pdf/a-3b", "--output", str(out)],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    outputs = []
    for out, process in runs:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
        outputs.append((out / FIRST.stem / f"{FIRST.stem}.en.pdf").read_bytes())
    return outputs


def test_builds_in_other_processes_time_zones_and_folders_are_byte_identical(archived: list[bytes]) -> None:
    assert archived[0] == archived[1]


def test_pdf_a_3b_carries_the_source_data_and_declares_itself(archived: list[bytes], tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(archived[0])
    reader = pypdf.PdfReader(path)
    assert reader.attachments == {FIRST.name: [FIRST.read_bytes()]}
    xmp = _xmp(reader)
    declared = [d for d in xmp.iter(f"{RDF}Description") if d.get(f"{PDFAID}part")]
    assert [(d.get(f"{PDFAID}part"), d.get(f"{PDFAID}conformance")) for d in declared] == [("3", "B")]
    info = reader.metadata
    assert info is not None and info.title and info.title.startswith("Belarus")
    assert _xmp_values(xmp, f"{DC}title") == [info.title]
    assert _xmp_values(xmp, f"{DC}creator") == ["Ministry of Foreign Affairs of the Republic of Belarus"]
    assert _xmp_values(xmp, f"{DC}language") == ["en"]
    assert _xmp_values(xmp, f"{DC}subject") == [info.title]  # no subtitle: the title
    spec = reader.trailer["/Root"]["/AF"][0].get_object()
    assert spec["/AFRelationship"] == "/Source"
    params = spec["/EF"]["/F"].get_object()
    assert params["/Subtype"] == "/application/yaml"


def test_pdf_ua_1_is_tagged_with_language_title_and_edition_date(tmp_path: Path) -> None:
    reader = build_sample(tmp_path, "--pdf-variant", "pdf/ua-1", lang="ru")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "ru"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata is not None and reader.metadata.title == "Образец справки"
    xmp = _xmp(reader)
    assert _xmp_values(xmp, f"{DC}language") == ["ru"]
    assert _xmp_values(xmp, f"{DC}subject") == ["Все конструкции формата"]  # the subtitle
    assert _xmp_values(xmp, f"{DC}date") == ["2014-05-16"]
    assert [d.get("{http://www.aiim.org/pdfua/ns/id/}part") for d in xmp.iter(f"{RDF}Description")
            if d.get("{http://www.aiim.org/pdfua/ns/id/}part")] == ["1"]


def test_pdf_a_3u_is_tagged_and_carries_the_data(tmp_path: Path) -> None:
    reader = build_sample(tmp_path, "--pdf-variant", "pdf/a-3u")
    assert reader.attachments == {SAMPLE.name: [SAMPLE.read_bytes()]}
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    xmp = _xmp(reader)
    assert [(d.get(f"{PDFAID}part"), d.get(f"{PDFAID}conformance")) for d in xmp.iter(f"{RDF}Description")
            if d.get(f"{PDFAID}part")] == [("3", "U")]


# --- no silent damage ----------------------------------------------------------------------------


def test_strict_turns_a_warning_into_exit_1_and_writes_nothing(tmp_path: Path) -> None:
    data = PRINT / "finnish.yaml"
    code, out, err = run("build", str(data), "--format", "html", "--output", str(tmp_path))
    assert code == 0
    assert f"{data}: warning: fi: no catalog for the template's own words" in err
    written = tmp_path / "finnish" / "finnish.fi.html"
    assert out == f"wrote {written}\n"
    written.unlink()
    code, out, err = run("build", str(data), "--format", "html", "--output", str(tmp_path), "--strict")
    assert code == 1
    assert out == ""
    assert f"{data}: error: fi: no catalog for the template's own words" in err
    assert re.search(r"1 of 1 document\(s\) failed\nbuilt 0, skipped 0 \(up to date\), failed 1 in "
                     r"\d+\.\d s\n$", err)
    assert not written.exists()


@pytest.mark.parametrize(("option", "message"), [
    (["--paper", "a3"], "Invalid value for '--paper'"),
    (["--pdf-variant", "pdf/x-4"], "Invalid value for '--pdf-variant'"),
])
def test_unknown_paper_or_variant_exits_2(tmp_path: Path, option: list[str], message: str) -> None:
    code, _, err = run("build", str(SAMPLE), "--output", str(tmp_path), *option)
    assert code == 2
    assert message in err
