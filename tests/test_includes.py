"""`include:`: included sources, groups and events are used as if written in the including file."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from generator.build import build, check

FIXTURES = Path(__file__).parent / "fixtures" / "include"

LINK_REFUSED = "refused: a link must be an absolute http, https or mailto address"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path | str) -> list[str]:
    report = check([path])
    assert len(report.outcomes) == 1
    return [str(p) for p in report.outcomes[0].problems]


def build_html(path: Path | str, out: Path, lang: str = "en") -> str:
    report = build([path], out, formats=["html"])
    outcome = report.outcomes[0]
    assert outcome.ok, [str(p) for p in outcome.problems] or outcome.failure
    stem = Path(path).stem
    return (out / stem / f"{stem}.{lang}.html").read_text("utf-8")


def event_texts(html: str) -> list[str]:
    return re.findall(r'<tr><td class="when">.*?</td><td>(.*?)</td></tr>', html)


def footnotes(html: str) -> list[str]:
    """Each web footnote's content, without its back link."""
    return re.findall(r'<li id="fn-\d+" value="\d+">(.*?) <a class="fn-back"', html)


def members(html: str) -> list[str]:
    block = re.search(r'<ol class="members">\n(.*?)</ol>', html, re.S)
    assert block, "no annex in the page"
    return re.findall(r"<li>(.*?)</li>", block[1])


LIB = """\
    title: {en: Library, ru: Библиотека}
    languages: [en, ru]
    sources:
      lib-source:
        title: {en: The library source, ru: Источник библиотеки}
        publisher: {en: Council of Europe, ru: Совет Европы}
    groups:
      lib-group:
        name: {en: The library group, ru: Группа библиотеки}
        members: [RU, BY]
    events:
      - date: 2006-12-20
        text: {en: The library event, ru: Событие библиотеки}
        cite: [lib-source]
    sections:
      - text: {en: Library, ru: Библиотека}
    """


def test_included_sources_groups_and_events_are_used(tmp_path):
    write(tmp_path, "lib.yaml", LIB)
    a = write(tmp_path, "a.yaml", """\
        title: {en: Main, ru: Главный}
        languages: [en, ru]
        include: [lib.yaml]
        sections:
          - text: {en: "See [@lib-source] and [@lib-group].", ru: "См. [@lib-source] и [@lib-group]."}
          - chronology: {}
          - annex: lib-group
        """)
    assert problems(a) == []
    html = build_html(a, tmp_path / "out")
    assert event_texts(html) == [
        "The library event"
        '<a class="fn-call" id="fnref-3" href="#fn-3" role="doc-noteref" aria-label="Footnote 3">'
        "<sup>3</sup></a>"]
    assert footnotes(html) == [
        "<cite>The library source</cite>, Council of Europe",
        "The library group: Belarus and Russian Federation",
        "<cite>The library source</cite>, Council of Europe",
    ]
    assert members(html) == ["Belarus", "Russian Federation"]
    ru = (tmp_path / "out" / "a" / "a.ru.html").read_text("utf-8")
    assert members(ru) == ["Беларусь", "Российская Федерация"]
    # The included file's own sections are not part of the including document.
    assert "<p>Library</p>" not in html


def test_includes_are_followed_transitively(tmp_path):
    write(tmp_path, "c.yaml", """\
        title: C
        languages: [en]
        sources:
          deep: {title: The deepest source}
        sections:
          - text: C
        """)
    write(tmp_path, "b.yaml", """\
        title: B
        languages: [en]
        include: [c.yaml]
        sections:
          - text: B
        """)
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [b.yaml]
        sections:
          - text: "See [@deep]."
        """)
    html = build_html(a, tmp_path / "out")
    assert footnotes(html) == ["<cite>The deepest source</cite>"]


def test_a_file_reached_twice_is_read_once():
    a = FIXTURES / "diamond" / "a.yaml"
    assert problems(a) == []


def test_a_file_reached_twice_contributes_once(tmp_path):
    a = FIXTURES / "diamond" / "a.yaml"
    html = build_html(a, tmp_path / "out")
    assert footnotes(html) == [
        '<cite>The source in d</cite>, <time class="date" datetime="2010-07-30">30 July 2010</time>']
    assert event_texts(html) == ["The event in d"]
    ru = (tmp_path / "out" / "a" / "a.ru.html").read_text("utf-8")
    assert event_texts(ru) == ["Событие в\u00a0d"]  # `в` keeps to the next word


def test_include_cycle_is_an_error():
    a = FIXTURES / "cycle" / "a.yaml"
    b = FIXTURES / "cycle" / "b.yaml"
    assert problems(a) == [f"{b}:3:11: include cycle: {a} → {b} → {a}"]


def test_longer_include_cycle_is_an_error(tmp_path):
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [b.yaml]
        sections:
          - text: A
        """)
    b = write(tmp_path, "b.yaml", """\
        title: B
        languages: [en]
        include: [c.yaml]
        sections:
          - text: B
        """)
    c = write(tmp_path, "c.yaml", """\
        title: C
        languages: [en]
        include: [b.yaml]
        sections:
          - text: C
        """)
    assert problems(a) == [f"{c}:3:11: include cycle: {b} → {c} → {b}"]


def test_a_file_including_itself_is_a_cycle(tmp_path):
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [a.yaml]
        sections:
          - text: A
        """)
    assert problems(a) == [f"{a}:3:11: include cycle: {a} → {a}"]


def test_missing_include_is_an_error(tmp_path):
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [lib/nothere.yaml]
        sections:
          - text: A
        """)
    assert problems(a) == [f"{a}:3:11: included file {tmp_path}/lib/nothere.yaml does not exist"]


def test_source_defined_in_two_files(tmp_path):
    b = write(tmp_path, "b.yaml", """\
        title: B
        languages: [en]
        sources:
          shared: {title: Shared in b}
        sections:
          - text: B
        """)
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [b.yaml]
        sources:
          shared: {title: Shared in a}
        sections:
          - text: "[@shared]"
        """)
    assert problems(a) == [f"{b}:4:3: source 'shared' is also defined at {a}:5:3"]


def test_group_defined_in_two_files(tmp_path):
    b = write(tmp_path, "b.yaml", """\
        title: B
        languages: [en]
        groups:
          shared: {name: Shared in b, members: [BY]}
        sections:
          - text: B
        """)
    c = write(tmp_path, "c.yaml", """\
        title: C
        languages: [en]
        groups:
          shared: {name: Shared in c, members: [RU]}
        sections:
          - text: C
        """)
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [b.yaml, c.yaml]
        sections:
          - annex: shared
        """)
    assert problems(a) == [f"{c}:4:3: group 'shared' is also defined at {b}:4:3"]


def test_included_events_follow_this_files_events_on_the_same_date(tmp_path):
    write(tmp_path, "lib.yaml", """\
        title: Library
        languages: [en]
        events:
          - {date: 2010-03-01, text: Lib on 1 March}
          - {date: 2008, text: Lib in 2008}
          - {date: 2010-03, text: Lib in March 2010}
        sections:
          - text: Library
        """)
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [lib.yaml]
        events:
          - {date: 2010-03-01, text: A on 1 March}
          - {date: 2009, text: A in 2009}
          - {date: 2010-03-01, text: A again on 1 March}
          - {date: 2010, text: A in 2010}
        sections:
          - chronology: {}
        """)
    html = build_html(a, tmp_path / "out")
    assert event_texts(html) == [
        "Lib in 2008",
        "A in 2009",
        "A in 2010",
        "Lib in March 2010",
        "A on 1 March",
        "A again on 1 March",
        "Lib on 1 March",
    ]


def test_an_included_file_must_be_valid_on_its_own(tmp_path):
    b = write(tmp_path, "b.yaml", """\
        title: B
        languages: [en]
        sorces:
          s: {title: S}
        events:
          - {date: 2013-02-30, text: Never}
        sections:
          - text: B
        """)
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [b.yaml]
        sections:
          - text: A
        """)
    expected = [
        f"{b}:3:1: unknown key 'sorces' in the document; did you mean 'sources'? (expected: "
        "title, subtitle, issuer, date, languages, template, paper, include, sources, groups, "
        "events, sections)",
        f"{b}:6:12: date: '2013-02-30' is not a date: February 2013 has no day 30",
    ]
    assert problems(b) == expected
    assert problems(a) == expected


def test_an_included_files_unknown_citation_is_an_error(tmp_path):
    b = write(tmp_path, "b.yaml", """\
        title: B
        languages: [en]
        events:
          - {date: 2006, text: Something, cite: [nope]}
        sections:
          - text: B
        """)
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [b.yaml]
        sources:
          nope: {title: Defined only in a}
        sections:
          - chronology: {}
        """)
    # b must be valid on its own: a's source does not make b's citation known.
    assert problems(a) == [f"{b}:4:42: unknown source or group 'nope'; cite a key defined under "
                           "sources: or groups:"]


def test_an_included_files_markdown_must_be_valid(tmp_path):
    b = write(tmp_path, "b.yaml", """\
        title: B
        languages: [en]
        sections:
          - text: |
              Read [this](javascript:alert(1)).
        """)
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [b.yaml]
        sections:
          - text: A
        """)
    expected = [f"{b}:5:19: link to 'javascript:alert(1)' {LINK_REFUSED}"]
    assert problems(b) == expected
    assert problems(a) == expected


def test_included_texts_must_cover_the_including_documents_languages(tmp_path):
    b = write(tmp_path, "b.yaml", """\
        title: B
        languages: [en]
        sources:
          shown: {title: {en: Only in English}}
          unused: {title: {en: Also only in English}}
        sections:
          - text: B
        """)
    a = write(tmp_path, "a.yaml", """\
        title: {en: A, ru: А}
        languages: [en, ru]
        include: [b.yaml]
        sections:
          - text: {en: "[@shown]", ru: "[@shown]"}
        """)
    # Only where shown: `unused` needs no Russian title.
    assert problems(a) == [f"{b}:4:18: the title of source 'shown' has no text for 'ru'; every edition "
                           "needs one (add ru: ..., or write one plain text for every language)"]


def _relative_tree(tmp_path: Path, c_extra: str = "") -> Path:
    a = write(tmp_path, "docs/a.yaml", """\
        title: A
        languages: [en]
        include: [../lib/b.yaml]
        sections:
          - text: "See [@deep]."
        """)
    write(tmp_path, "lib/b.yaml", """\
        title: B
        languages: [en]
        include: [sub/c.yaml]
        sections:
          - text: B
        """)
    write(tmp_path, "lib/sub/c.yaml", """\
        title: C
        languages: [en]
        sources:
          deep: {title: Found relative to b}
        sections:
          - text: C
        """ + c_extra)
    return a


def test_include_paths_are_relative_to_the_including_file(tmp_path, monkeypatch):
    a = _relative_tree(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    html = build_html(a, tmp_path / "out1")
    assert footnotes(html) == ["<cite>Found relative to b</cite>"]
    monkeypatch.chdir(tmp_path / "lib" / "sub")
    html = build_html(a, tmp_path / "out2")
    assert footnotes(html) == ["<cite>Found relative to b</cite>"]


def test_relative_data_path_from_another_directory(tmp_path, monkeypatch):
    _relative_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    html = build_html("docs/a.yaml", tmp_path / "out")
    assert footnotes(html) == ["<cite>Found relative to b</cite>"]


def test_problem_in_a_nested_include_is_shown_with_its_path(tmp_path, monkeypatch):
    _relative_tree(tmp_path, c_extra="paper: a5\n")
    monkeypatch.chdir(tmp_path)
    assert problems("docs/a.yaml") == ["lib/sub/c.yaml:7:8: paper must be one of a4, letter, "
                                       "not 'a5'"]
