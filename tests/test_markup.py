"""Markdown inside LM texts: citations, footnotes, their numbering, and what is never interpreted."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from generator.build import build

HEAD = """\
title: {en: Title, ru: Заголовок}
languages: [en, ru]
sources:
  A/RES/61/180:
    title: {en: Improving coordination, ru: Совершенствование координации}
    date: 2006-12-20
  coe:
    title: {en: CoE Convention, ru: Конвенция СЕ}
    publisher: {en: Council of Europe, ru: Совет Европы}
    url: https://www.coe.int/en
    date: 2005-05-16
  plain: {title: {en: A plain source, ru: Простой источник}}
groups:
  friends:
    name: {en: Friends, ru: Друзья}
    members: [RU, BY, AE, KG, BO]
"""

UN_EN = ('<span class="symbol">A/RES/61/180</span>, <cite>Improving coordination</cite>, '
         '<time class="date" datetime="2006-12-20">20 December 2006</time>. '
         '<a class="url" href="https://undocs.org/en/A/RES/61/180">'
         "https://undocs.org/en/A/RES/61/180</a>")
COE_EN = ('<cite>CoE Convention</cite>, Council of Europe, '
          '<time class="date" datetime="2005-05-16">16 May 2005</time>. '
          '<a class="url" href="https://www.coe.int/en">https://www.coe.int/en</a>')
COE_RU = ('<cite>Конвенция СЕ</cite>, Совет Европы, '
          '<time class="date" datetime="2005-05-16">16 мая 2005\u202fг.</time> '
          '<a class="url" href="https://www.coe.int/en">https://www.coe.int/en</a>')
PLAIN_EN = "<cite>A plain source</cite>"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def build_doc(tmp_path: Path, body: str) -> dict[str, str]:
    """Build HEAD + body (unindented YAML) to HTML; the page of each edition, by language."""
    path = write(tmp_path, "doc.yaml", HEAD + textwrap.dedent(body))
    out = tmp_path / "out"
    report = build([path], out, formats=["html"])
    outcome = report.outcomes[0]
    assert outcome.ok, [str(p) for p in outcome.problems] or outcome.failure
    return {lang: (out / "doc" / f"doc.{lang}.html").read_text("utf-8") for lang in ("en", "ru")}


def call(n: int, label: str = "Footnote") -> str:
    return (f'<a class="fn-call" id="fnref-{n}" href="#fn-{n}" role="doc-noteref" '
            f'aria-label="{label} {n}"><sup>{n}</sup></a>')


def footnotes(html: str) -> list[tuple[int, str]]:
    """(number, content) of each web footnote, in the order of the list."""
    return [(int(n), body) for n, body in
            re.findall(r'<li id="fn-(\d+)" value="\d+">(.*?) <a class="fn-back"', html)]


def calls(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a class="fn-call" id="fnref-(\d+)" href="#fn-\1"', html)]


def main_part(html: str) -> str:
    return html[html.index("<main>"): html.index("</main>")]


def test_single_citation(tmp_path):
    pages = build_doc(tmp_path, """\
        sections:
          - text: {en: "Adopted [@A/RES/61/180].", ru: "Принята [@A/RES/61/180]."}
        """)
    en = pages["en"]
    # A call keeps to the word before it (typography.py): the space written before it goes.
    assert f"<p>Adopted{call(1)}.</p>" in en
    assert footnotes(en) == [(1, UN_EN)]
    ru = pages["ru"]
    assert f"<p>Принята{call(1, 'Сноска')}.</p>" in ru
    assert footnotes(ru) == [(1, (
        '<span class="symbol">A/RES/61/180</span>, <cite>Совершенствование координации</cite>, '
        '<time class="date" datetime="2006-12-20">20 декабря 2006\u202fг.</time> '
        '<a class="url" href="https://undocs.org/ru/A/RES/61/180">'
        "https://undocs.org/ru/A/RES/61/180</a>"))]


def test_un_symbol_link_drops_spaces_and_language_outside_the_six(tmp_path):
    path = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en, be]
        sources:
          S/RES/2331 (2016): {title: {en: Resolution, be: Рэзалюцыя}}
        sections:
          - text: "[@S/RES/2331 (2016)]"
        """)
    out = tmp_path / "out"
    assert build([path], out, formats=["html"]).exit_code == 0
    en = (out / "doc" / "doc.en.html").read_text("utf-8")
    be = (out / "doc" / "doc.be.html").read_text("utf-8")
    assert footnotes(en) == [(1, (
        '<span class="symbol">S/RES/2331 (2016)</span>, <cite>Resolution</cite>. '
        '<a class="url" href="https://undocs.org/en/S/RES/2331(2016)">'
        "https://undocs.org/en/S/RES/2331(2016)</a>"))]
    assert footnotes(be) == [(1, (
        '<span class="symbol">S/RES/2331 (2016)</span>, <cite>Рэзалюцыя</cite>. '
        '<a class="url" href="https://undocs.org/S/RES/2331(2016)">'
        "https://undocs.org/S/RES/2331(2016)</a>"))]


def test_several_sources_in_one_footnote(tmp_path):
    pages = build_doc(tmp_path, """\
        sections:
          - text: {en: "Both [@A/RES/61/180; @coe].", ru: "Оба [@A/RES/61/180; @coe]."}
        """)
    en = pages["en"]
    assert calls(en) == [1]
    assert f"<p>Both{call(1)}.</p>" in en
    assert footnotes(en) == [(1, f"{UN_EN}; {COE_EN}")]
    assert calls(pages["ru"]) == [1]


def test_group_citation_lists_members_in_collation_order(tmp_path):
    # The annex keeps the written order; the footnote is collated whatever the annex does.
    pages = build_doc(tmp_path, """\
        sections:
          - text: {en: "Our friends [@friends].", ru: "Наши друзья [@friends]."}
          - annex: friends
            order: as-listed
        """)
    assert footnotes(pages["en"]) == [(1, (
        "Friends: Belarus, Bolivia (Plurinational State of), Kyrgyzstan, Russian Federation "
        "and United Arab Emirates"))]
    assert footnotes(pages["ru"]) == [(1, (
        "Друзья: Беларусь, Боливия (Многонациональное Государство), Кыргызстан, "
        "Объединенные Арабские Эмираты и\u00a0Российская Федерация"))]  # `и` keeps to the next word
    assert re.findall(r"<li>(.*?)</li>", main_part(pages["en"])) == [
        "Russian Federation", "Belarus", "United Arab Emirates", "Kyrgyzstan",
        "Bolivia (Plurinational State of)"]


def test_free_text_footnote(tmp_path):
    pages = build_doc(tmp_path, """\
        sections:
          - text: {en: "A remark^[Just *a* remark.] ends.", ru: "Замечание^[Просто *замечание*.] всё."}
        """)
    assert f"<p>A remark{call(1)} ends.</p>" in pages["en"]
    assert footnotes(pages["en"]) == [(1, "Just <em>a</em> remark.")]
    assert footnotes(pages["ru"]) == [(1, "Просто <em>замечание</em>.")]


def test_citation_inside_a_free_text_footnote_is_shown_in_place(tmp_path):
    pages = build_doc(tmp_path, """\
        sections:
          - text:
              en: "Text^[See [@coe], and [@plain].] and [@plain]."
              ru: "Текст^[См. [@coe] и [@plain].] и [@plain]."
        """)
    en = pages["en"]
    assert calls(en) == [1, 2]
    assert f"<p>Text{call(1)} and{call(2)}.</p>" in en
    assert footnotes(en) == [(1, f"See {COE_EN}, and {PLAIN_EN}."), (2, PLAIN_EN)]
    # `и` keeps to what follows it (Russian typography), here the reference shown in place.
    assert footnotes(pages["ru"])[0] == (1, f"См. {COE_RU} и\u00a0<cite>Простой источник</cite>.")


def test_numbering_runs_through_the_document_in_reading_order(tmp_path):
    pages = build_doc(tmp_path, """\
        events:
          - date: 2010
            text: {en: "Later [@plain]", ru: "Позже [@plain]"}
          - date: 2006-12-20
            text: {en: "Adopted", ru: "Принята"}
            cite: [A/RES/61/180]
        sections:
          - text: {en: "First [@coe], then [@plain].", ru: "Сначала [@coe], потом [@plain]."}
          - chronology: {}
          - text: {en: "Again [@coe].", ru: "Снова [@coe]."}
        """)
    en = pages["en"]
    assert calls(en) == [1, 2, 3, 4, 5]
    assert footnotes(en) == [
        (1, COE_EN),
        (2, PLAIN_EN),
        (3, UN_EN),  # the 2006 event comes first in the chronology
        (4, PLAIN_EN),
        (5, COE_EN),  # a source cited twice gets two numbers
    ]
    rows = re.findall(r'<tr><td class="when">.*?</td><td>(.*?)</td></tr>', en)
    assert rows == [f"Adopted{call(3)}", f"Later{call(4)}"]
    assert calls(pages["ru"]) == [1, 2, 3, 4, 5]


def test_event_cite_is_one_footnote_at_the_end_of_the_text(tmp_path):
    pages = build_doc(tmp_path, """\
        events:
          - date: 2006-12-20
            text:
              en: "The Assembly, citing [@plain], *adopts* it"
              ru: "Ассамблея, ссылаясь на [@plain], *принимает* её"
            cite: [A/RES/61/180, coe]
        sections:
          - chronology: {}
        """)
    en = pages["en"]
    rows = re.findall(r'<tr><td class="when">(.*?)</td><td>(.*?)</td></tr>', en)
    assert rows == [(
        '<time class="date" datetime="2006-12-20">20 December 2006</time>',
        f"The Assembly, citing{call(1)}, <em>adopts</em> it{call(2)}",
    )]
    assert footnotes(en) == [(1, PLAIN_EN), (2, f"{UN_EN}; {COE_EN}")]


def test_raw_html_is_shown_as_text(tmp_path):
    pages = build_doc(tmp_path, """\
        sections:
          - text: |
              Hello <script>alert(1)</script> and <b onclick="x()">bold</b>.

              <div>a block</div>
        """)
    main = main_part(pages["en"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in main
    assert "<script>alert" not in pages["en"]
    assert "&lt;b onclick=&quot;x()&quot;&gt;bold&lt;/b&gt;" in main
    assert "<b onclick" not in pages["en"]
    assert "<p>&lt;div&gt;a block&lt;/div&gt;</p>" in main
    assert "<div>a block" not in pages["en"]


def test_template_syntax_is_shown_as_text(tmp_path):
    pages = build_doc(tmp_path, """\
        sections:
          - text: "Sum {{ 7*7 }} and {% if true %}yes{% endif %} and {# hidden #}."
        """)
    main = main_part(pages["en"])
    assert "<p>Sum {{ 7*7 }} and {% if true %}yes{% endif %} and {# hidden #}.</p>" in main
    assert "49" not in main


def test_template_syntax_in_a_title_is_shown_as_text(tmp_path):
    path = write(tmp_path, "doc.yaml", """\
        title: "{{ 7*7 }} <i>x</i>"
        languages: [en]
        sections:
          - text: Hello
        """)
    out = tmp_path / "out"
    assert build([path], out, formats=["html"]).exit_code == 0
    html = (out / "doc" / "doc.en.html").read_text("utf-8")
    assert "<h1>{{ 7*7 }} &lt;i&gt;x&lt;/i&gt;</h1>" in html
    assert "49" not in html


def test_mailto_http_and_https_links_are_kept(tmp_path):
    pages = build_doc(tmp_path, """\
        sections:
          - text: >-
              [m](mailto:info@example.org),
              [h](http://example.org/a?b=1&c=2),
              [s](https://example.org/),
              <https://example.com/x>
        """)
    main = main_part(pages["en"])
    assert ('<p><a href="mailto:info@example.org">m</a>, '
            '<a href="http://example.org/a?b=1&amp;c=2">h</a>, '
            '<a href="https://example.org/">s</a>, '
            '<a href="https://example.com/x">https://example.com/x</a></p>') in main


def test_markdown_constructs_of_the_format(tmp_path):
    pages = build_doc(tmp_path, """\
        sections:
          - text: |
              *em* **strong** `code <b>`

              - one
              - two

              > quoted
        """)
    main = main_part(pages["en"])
    assert "<p><em>em</em> <strong>strong</strong> <code>code &lt;b&gt;</code></p>" in main
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in main
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in main
