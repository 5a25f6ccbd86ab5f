"""The first real document (Belarus' role in the global fight against human trafficking), read
back from the generated PDF and HTML of both editions."""

from __future__ import annotations

import re

import pytest

from .conftest import FACT, FIRST, Edition
from .test_print import ALLOWED, LATIN

SYMBOLS = ["A/RES/61/180", "A/RES/63/194", "A/RES/64/178", "A/RES/64/293", "A/RES/65/497",
           "A/66/398", "A/67/497", "A/RES/67/190", "A/RES/68/192", "E/RES/2008/33", "23/2"]

# The Group of Friends in each language's alphabetical order, under the names the UN uses.
MEMBERS = {
    "en": ["Bahrain", "Bangladesh", "Belarus", "Bolivia (Plurinational State of)", "Ecuador",
           "Egypt", "India", "Kazakhstan", "Kyrgyzstan", "Lao People's Democratic Republic",
           "Libya", "Nicaragua", "Nigeria", "Philippines", "Qatar", "Russian Federation",
           "Singapore", "Tajikistan", "Turkmenistan", "United Arab Emirates", "Uzbekistan",
           "Venezuela (Bolivarian Republic of)"],
    # The source's footnote 1 in Russian order, but for Singapore and Laos, added at its end.
    "ru": ["Бангладеш", "Бахрейн", "Беларусь", "Боливия (Многонациональное Государство)",
           "Венесуэла (Боливарианская Республика)", "Египет", "Индия", "Казахстан", "Катар",
           "Кыргызстан", "Лаосская Народно-Демократическая Республика", "Ливия", "Нигерия",
           "Никарагуа", "Объединенные Арабские Эмираты", "Российская Федерация", "Сингапур",
           "Таджикистан", "Туркменистан", "Узбекистан", "Филиппины", "Эквадор"],
}

LANGS = ["en", "ru"]


def _flat(text: str) -> str:
    """PDF text with line breaks and hyphenation joins undone, for searching phrases."""
    text = re.sub("\u2010\n", "", text)  # WeasyPrint's hyphen at a line break
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("symbol", SYMBOLS)
def test_every_document_symbol_is_in_both_formats(first_document: dict[str, Edition],
                                                  lang: str, symbol: str) -> None:
    edition = first_document[lang]
    assert symbol in edition.pdf_text
    assert f'<span class="symbol">{symbol}</span>' in edition.html


@pytest.mark.parametrize(("lang", "date"), [
    ("en", "30 July 2010"), ("en", "20 December 2006"), ("en", "12–16 May 2014"),
    ("en", "May–June 2010"), ("en", "13–14 May 2013"),
    ("ru", "30 июля 2010\u202fг."), ("ru", "20 декабря 2006\u202fг."), ("ru", "12–16 мая 2014\u202fг."),
    ("ru", "май–июнь 2010\u202fг."), ("ru", "13–14 мая 2013\u202fг."),
])
def test_dates_are_localized(first_document: dict[str, Edition], lang: str, date: str) -> None:
    edition = first_document[lang]
    assert date in edition.pdf_text
    assert date in edition.html_text


@pytest.mark.parametrize("lang", LANGS)
def test_annex_lists_the_22_members_in_the_languages_alphabetical_order(
        first_document: dict[str, Edition], lang: str) -> None:
    edition = first_document[lang]
    annex = re.search(r'<ol class="members">(.*?)</ol>', edition.html, re.S)
    assert annex is not None
    items = [re.sub(r"&#39;", "'", m) for m in re.findall(r"<li>(.*?)</li>", annex.group(1))]
    assert items == MEMBERS[lang]
    # The PDF carries them in the same order, after the annex's count (on the last page).
    text = _flat(edition.pages[-1])
    count = {"en": "22 members", "ru": "22 члена"}[lang]
    assert count in text
    text = text[text.index(count):]
    positions = [text.find(name) for name in MEMBERS[lang]]
    assert -1 not in positions and positions == sorted(positions)


@pytest.mark.parametrize("lang", LANGS)
def test_group_footnote_lists_every_member_in_collation_order(first_document: dict[str, Edition],
                                                              lang: str) -> None:
    edition = first_document[lang]
    name = {"en": "Group of Friends United against Human Trafficking:",
            "ru": "Группа друзей, объединившихся против торговли людьми:"}[lang]
    group = [n for n in _web_notes(edition.html) if n.startswith(name)]
    assert len(group) == 1
    text = re.sub(r"<[^>]+>", "", group[0]).replace("&#39;", "'")
    positions = [text.find(name) for name in MEMBERS[lang]]
    assert -1 not in positions and positions == sorted(positions)


def _web_notes(html: str) -> list[str]:
    return re.findall(r'<li id="fn-\d+" value="\d+">(.*?)</li>', html, re.S)


def _signature(note_html: str) -> str:
    symbols = re.findall(r'<span class="symbol">(.*?)</span>', note_html)
    return " ".join(symbols) or "group"


def test_editions_carry_the_same_footnotes_in_the_same_order(first_document: dict[str, Edition]) -> None:
    en = [_signature(n) for n in _web_notes(first_document["en"].html)]
    ru = [_signature(n) for n in _web_notes(first_document["ru"].html)]
    assert len(en) >= 20
    assert en == ru
    # The PDF footnotes: "N. SYMBOL, ..." in the same order in both editions.
    pdf = {lang: re.findall(r"^(\d+)\.\xa0(\S+?),", first_document[lang].pdf_text, re.M) for lang in LANGS}
    assert pdf["en"] == pdf["ru"]
    assert [int(n) for n, _ in pdf["en"]] == sorted(int(n) for n, _ in pdf["en"])


@pytest.mark.parametrize("lang", LANGS)
def test_each_footnote_is_on_the_page_of_its_call(first_document: dict[str, Edition], lang: str) -> None:
    edition = first_document[lang]
    reader = edition.pdf
    dests = reader.named_destinations
    count = len(_web_notes(edition.html))
    for n in range(1, count + 1):
        call = reader.get_destination_page_number(dests[f"fnref-{n}"])
        note = reader.get_destination_page_number(dests[f"fn-{n}"])
        assert call == note, f"footnote {n}: called on page {call + 1}, printed on page {note + 1}"
        # And the note's text really is at the bottom of that page.
        assert re.search(rf"^{n}\.\xa0", edition.pages[note], re.M), f"footnote {n} not on page {note + 1}"


@pytest.mark.parametrize(("lang", "phrase"), [
    ("en", "400 participants"), ("en", "22 States"), ("en", "53 co-sponsors"), ("en", "US$50,000"),
    ("ru", "400 участников"), ("ru", "22 государства"), ("ru", "53 соавтора"), ("ru", "50\xa0000\xa0$"),
])
def test_key_figures_take_the_plural_form_of_their_number(first_document: dict[str, Edition],
                                                          lang: str, phrase: str) -> None:
    value, _, label = phrase.partition(" ") if not phrase.startswith(("US$", "50")) else (phrase, "", "")
    facts = FACT.findall(first_document[lang].html)
    values = {v: label_ for v, label_ in facts}
    assert value in values
    if label:
        assert values[value].startswith(label)


@pytest.mark.parametrize(("lang", "title", "author", "page"), [
    # Titles are typeset: a typographic apostrophe, no-break spaces after Russian `в` and `с`.
    ("en", "Belarus\u2019 role in the global fight against human trafficking",
     "Ministry of Foreign Affairs of the Republic of Belarus", "Page {n} of {total}"),
    ("ru", "Роль Беларуси в\u00a0глобальной борьбе с\u00a0торговлей людьми",
     "Министерство иностранных дел Республики Беларусь", "Стр. {n} из {total}"),
])
def test_pdf_metadata_running_head_and_page_numbers(first_document: dict[str, Edition], lang: str,
                                                    title: str, author: str, page: str) -> None:
    edition = first_document[lang]
    reader = edition.pdf
    assert reader.metadata is not None
    assert reader.metadata.title == title
    assert reader.metadata.author == author
    assert reader.trailer["/Root"]["/Lang"] == lang
    total = len(reader.pages)
    assert total >= 4
    for n, text in enumerate(edition.pages, start=1):
        assert page.format(n=n, total=total) in text
        if n > 1:  # the running head repeats the title on every page but the first
            assert title in text.splitlines()
    mediabox = reader.pages[0].mediabox
    assert (round(float(mediabox.width)), round(float(mediabox.height))) == (595, 842)  # A4


@pytest.mark.parametrize("lang", LANGS)
def test_bookmarks_follow_the_headings(first_document: dict[str, Edition], lang: str) -> None:
    edition = first_document[lang]
    outline = edition.pdf.outline
    top = outline[0]
    children = outline[1]
    headings = re.findall(r'<h2 id="section-\d+-h">(.*?)</h2>', edition.html)
    assert top.title == re.search(r"<h1>(.*?)</h1>", edition.html).group(1).replace("&#39;", "'")
    # As written, without the typography's word joiners (`2012–2014`): no invisible character.
    assert [c.title for c in children] == [h.replace("&#39;", "'").replace("\u2060", "") for h in headings]
    assert len(headings) >= 6
    titles = [top.title] + [c.title for c in children]
    assert not [t for t in titles if re.search("[\u2060\u2066-\u2069\xad]", t)]


@pytest.mark.parametrize("lang", LANGS)
def test_every_source_link_is_clickable(first_document: dict[str, Edition], lang: str) -> None:
    reader = first_document[lang].pdf
    uris = set()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action["/URI"]))
    for symbol in ["A/RES/61/180", "A/RES/64/293", "A/66/398", "E/RES/2008/33"]:
        assert f"https://undocs.org/{lang}/{symbol}" in uris
    assert "https://www.coe.int/en/web/anti-human-trafficking" in uris


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_are_the_bundled_ones_embedded(first_document: dict[str, Edition], lang: str) -> None:
    reader = first_document[lang].pdf
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    assert fonts and all(fonts.values())
    names = {re.sub(r"^/[A-Z]{6}\+", "", name) for name in fonts}
    # The fonts a PDF may have (tests/test_print.py: the bundled ones and Noto CJK SC), and of
    # them the Latin and Cyrillic ones alone in these editions: no Arabic or Chinese fallback.
    assert names <= ALLOWED
    assert names <= LATIN
    assert {"Noto-Serif", "Noto-Sans-Bold"} <= names


@pytest.mark.parametrize("lang", LANGS)
def test_symbols_and_dates_are_never_split_in_html(first_document: dict[str, Edition], lang: str) -> None:
    html = first_document[lang].html
    # Every symbol sits in a span the stylesheets keep on one line.
    assert html.count('<span class="symbol">') >= 20
    for symbol in SYMBOLS:
        assert symbol in html
    # In the print rendering (the HTML WeasyPrint lays out) so does every date, those the prose
    # writes included (`on 30 July 2010`): none is left outside such a span.
    import html as html_lib

    from generator.build import prepare
    from generator.render import render

    resolved = next(e for e in prepare(FIRST, FIRST.name).editions if e.edition.lang == lang)
    printed = render(resolved, "print").html
    body = printed[printed.index("<body>"):]
    assert body.count('<span class="nowrap">') >= 10
    outside = re.sub(r'<(time|span class="(?:nowrap|date|symbol)")[^>]*>.*?</(?:time|span)>', "", body)
    outside = html_lib.unescape(re.sub(r"<[^>]+>", "", outside))
    dates = [d.replace("\xa0", " ") for d in _dates(first_document[lang], lang)]
    dates = [d for d in dates if " " in d]  # not a year alone
    assert len(dates) >= 15
    assert [d for d in dates if d in outside.replace("\xa0", " ")] == []


def test_source_footnotes_show_symbol_title_date_and_link(first_document: dict[str, Edition]) -> None:
    en = next(n for n in _web_notes(first_document["en"].html) if "A/RES/61/180" in n)
    assert '<span class="symbol">A/RES/61/180</span>' in en
    assert "<cite>Improving the coordination of efforts against trafficking in persons</cite>" in en
    assert '<time class="date" datetime="2006-12-20">20 December 2006</time>' in en
    assert '<a class="url" href="https://undocs.org/en/A/RES/61/180">' in en
    ru = next(n for n in _web_notes(first_document["ru"].html) if "A/RES/61/180" in n)
    assert "<cite>Совершенствование координации усилий по борьбе с\u00a0торговлей людьми</cite>" in ru
    assert '<time class="date" datetime="2006-12-20">20 декабря 2006\u202fг.</time>' in ru
    assert '<a class="url" href="https://undocs.org/ru/A/RES/61/180">' in ru


# --- line breaking ---------------------------------------------------------------------------------

SYMBOL = re.compile(r"^[A-Z]+(/[A-Za-z0-9.]+)+( \(\d{4}\))?$")  # data-format.md's UN document symbol


def _sources_symbols() -> list[str]:
    from generator.loader import read_document

    doc, _ = read_document(FIRST)
    assert doc is not None
    symbols = {key for key in doc.sources if SYMBOL.match(key)}
    symbols |= {s.symbol for s in doc.sources.values() if s.symbol}
    return sorted(symbols)


def _dates(edition: Edition, lang: str) -> list[str]:
    """Every date the edition shows: the marked-up ones, and those written in the prose with a
    month's name (Babel's, in the forms the language uses in dates)."""
    import html as html_lib

    from babel import Locale

    marked = {html_lib.unescape(d) for d in
              re.findall(r'<(?:time|span) class="date"[^>]*>(.*?)</(?:time|span)>', edition.html)}
    locale = Locale.parse({"en": "en_001"}.get(lang, lang))
    months = {name for context in ("format", "stand-alone") for width in ("wide", "abbreviated")
              for name in locale.months[context][width].values()}
    month = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    written = re.findall(rf"(?:\d{{1,2}}(?:–\d{{1,2}})?[ \xa0](?:{month})|(?:{month}))"
                         rf"(?:–(?:{month}))?[ \xa0]\d{{4}}(?:[ \xa0\u202f]гг?\.)?", edition.html_text)
    return sorted(marked | set(written))


def _broken(text: str, phrase: str) -> list[str]:
    """The occurrences of `phrase` in `text` that a line break cuts (anywhere: at a space, after a
    slash, with or without WeasyPrint's hyphen)."""
    parts = []
    for char in phrase:
        parts.append(r"[ \xa0\u202f\n]+" if char in " \xa0\u202f" else re.escape(char))
    pattern = r"(?:\u2010?\n)?".join(parts)
    return [m[0] for m in re.finditer(pattern, text) if "\n" in m[0]]


@pytest.mark.parametrize("lang", LANGS)
def test_no_symbol_and_no_date_is_split_across_lines_in_the_pdf(first_document: dict[str, Edition],
                                                                lang: str) -> None:
    edition = first_document[lang]
    symbols = _sources_symbols()
    dates = _dates(edition, lang)
    assert {"A/RES/61/180", "E/RES/2008/33", "20/3", "23/2"} <= set(symbols)
    assert {"en": "20 December 2006", "ru": "20 декабря 2006\u202fг."}[lang] in dates
    assert len(dates) >= 15
    # A link may break anywhere but inside the symbol it ends with (`https://undocs.org/en/` ⏎
    # `A/RES/61/180`): symbols are looked for everywhere, links included.
    urls = re.findall(r'<a class="url" href="([^"]+)"', edition.html)
    assert sum(url.endswith("/A/RES/61/180") for url in urls) >= 2
    broken = []
    for number, text in enumerate(edition.pages, start=1):
        for phrase in symbols + dates:
            broken += [f"page {number}: {found!r}" for found in _broken(text, phrase)]
    assert broken == []
    # Each was looked for where it is: all of them are on the pages, whole.
    flat = _flat(edition.pdf_text)
    for phrase in symbols + dates:
        assert phrase.replace("\xa0", " ").replace("\u202f", " ") in flat.replace("\u202f", " "), phrase
