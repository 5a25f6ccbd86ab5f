"""Bad input, as the contract's last section lists it: every problem with its exact place.

Each case writes a small data file whose problem sits on a known line and column, and asserts
the whole report (`file:line:column: message`, every line of it), so that a wrong place, a
missing problem or an extra one all fail.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check, prepare
from generator.cli import main
from generator.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures" / "bad"

LINK_REFUSED = "refused: a link must be an absolute http, https or mailto address"
MISSING_RU = ("has no text for 'ru'; every edition needs one (add ru: ..., "
              "or write one plain text for every language)")
NOT_ASSIGNED = ("is not an officially assigned ISO 3166-1 alpha-2 country code "
                "(user-assigned and CLDR-only codes such as ZZ, EU or XK are refused)")
TOP_KEYS = ("title, subtitle, issuer, date, languages, template, paper, include, sources, "
            "groups, events, sections")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    """What `factsheet check` reports for one file, one string per problem."""
    report = check([path])
    assert len(report.outcomes) == 1
    assert report.exit_code == (1 if report.outcomes[0].problems else 0)
    return [str(p) for p in report.outcomes[0].problems]


def prepare_problems(path: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        prepare(path, str(path))
    return [str(p) for p in caught.value.problems]


# --- reading YAML ------------------------------------------------------------------------------


def test_bad_yaml_syntax(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок
        languages: [en, ru]
        sections:
          - text: Hello
        """)
    assert problems(p) == [f"{p}:2:10: invalid YAML: did not find expected ',' or '}}'"]


def test_anchor(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: &t {en: Title, ru: Заголовок}
        languages: [en, ru]
        sections:
          - text: Hello
        """)
    assert problems(p) == [f"{p}:1:8: YAML anchors are not allowed (&t); write the value out"]


def test_anchor_and_alias(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: &t {en: Title, ru: Заголовок}
        subtitle: *t
        languages: [en, ru]
        sections:
          - text: Hello
        """)
    assert problems(p) == [
        f"{p}:1:8: YAML anchors are not allowed (&t); write the value out",
        f"{p}:2:11: YAML aliases are not allowed (*t); write the value out",
    ]


def test_alias_alone(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - text: *hello
        """)
    assert problems(p) == [f"{p}:4:11: YAML aliases are not allowed (*hello); write the value out"]


def test_duplicate_key(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: [en, ru]
        title: {en: Other, ru: Другой}
        sections:
          - text: Hello
        """)
    assert problems(p) == [f"{p}:3:1: duplicate key 'title' (first written at line 1); "
                           "a key may appear only once in a mapping"]


def test_duplicate_key_nested(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sources:
          s:
            title: One
            date: 2006
            title: Two
        sections:
          - text: Hello
        """)
    assert problems(p) == [f"{p}:7:5: duplicate key 'title' (first written at line 5); "
                           "a key may appear only once in a mapping"]


def test_list_instead_of_mapping(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        - title: Title
        - languages: [en]
        """)
    assert problems(p) == [f"{p}:1:1: the file must hold one mapping (title:, languages:, ...), "
                           "not a list"]


def test_text_instead_of_mapping(tmp_path):
    # The text is not echoed: the file may be no data file at all (test_hostile: /etc/passwd).
    p = write(tmp_path, "doc.yaml", "just some words\n")
    assert problems(p) == [f"{p}:1:1: the file must hold one mapping (title:, languages:, ...), "
                           "not a text"]


@pytest.mark.parametrize("content", ["", "# only a comment\n", "\n\n"])
def test_empty_file(tmp_path, content):
    p = write(tmp_path, "doc.yaml", content)
    assert problems(p) == [f"{p}:1:1: the file is empty; it must hold one mapping "
                           "(title:, languages:, ...)"]


def test_empty_file_fixture():
    p = FIXTURES / "empty.yaml"
    assert p.read_bytes() == b""
    assert problems(p) == [f"{p}:1:1: the file is empty; it must hold one mapping "
                           "(title:, languages:, ...)"]


def test_two_documents_in_one_file():
    p = FIXTURES / "two-documents.yaml"
    assert problems(p) == [f"{p}:6:1: the file holds several YAML documents; "
                           "it must hold exactly one mapping"]


# --- unknown keys, wrong types -----------------------------------------------------------------


def test_misspelt_top_level_key(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        titel: {en: Title, ru: Заголовок}
        languages: [en, ru]
        sections:
          - text: Hello
        """)
    assert problems(p) == [
        f"{p}:1:1: the document needs 'title'",
        f"{p}:1:1: unknown key 'titel' in the document; did you mean 'title'? (expected: {TOP_KEYS})",
    ]


def test_misspelt_key_in_a_source(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sources:
          s: {titel: A source}
        sections:
          - text: Hello
        """)
    assert problems(p) == [
        f"{p}:4:6: source 's' needs 'title'",
        f"{p}:4:7: unknown key 'titel' in source 's'; did you mean 'title'? "
        "(expected: title, date, publisher, url, symbol)",
    ]


def test_misspelt_section_kind(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: [en, ru]
        sections:
          - chronolgy: {}
        """)
    assert problems(p) == [
        f"{p}:4:5: a section needs exactly one of text, chronology, annex or facts",
        f"{p}:4:5: unknown key 'chronolgy' in a section; did you mean 'chronology'? "
        "(expected: heading, text, chronology, annex, facts, order)",
    ]


def test_languages_not_a_list(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: en
        sections:
          - text: Hello
        """)
    assert problems(p) == [f"{p}:2:12: languages must be a non-empty list of language codes, "
                           "such as [en, ru]"]


def test_sections_not_a_list(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: [en, ru]
        sections: {}
        """)
    assert problems(p) == [f"{p}:3:11: sections must be a list, not a mapping"]


def test_quoted_number(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: [en, ru]
        sections:
          - facts:
              - value: "400"
                label: things
        """)
    assert problems(p) == [f"{p}:5:16: value must be a number such as 400 or 12.5 (unquoted, no "
                           "leading zeros), not the text '400'"]


def test_date_not_full(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        date: 2006-12
        sections:
          - text: Hello
        """)
    assert problems(p) == [f"{p}:3:7: date must be a full date such as 2006-12-20, not '2006-12'"]


# --- dates -------------------------------------------------------------------------------------


def test_impossible_day(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: [en, ru]
        date: 2013-02-30
        sections:
          - text: Hello
        """)
    assert problems(p) == [f"{p}:3:7: date: '2013-02-30' is not a date: February 2013 has no day 30"]


@pytest.mark.parametrize(
    "date, message",
    [
        ("2013-13", "date: '2013-13' is not a date: there is no month 13"),
        ("2013-13-01", "date: '2013-13-01' is not a date: there is no month 13"),
        ("2014-05-16/2014-05-12", "date: '2014-05-16/2014-05-12': a range must end after it starts"),
        ("2014-05-12/2014-05-12", "date: '2014-05-12/2014-05-12': a range must end after it starts"),
        ("2011/2010", "date: '2011/2010': a range must end after it starts"),
        ("2014-05/2014-06-12",
         "date: '2014-05/2014-06-12': both ends of a range must have the same precision"),
        ("2014/2015-01", "date: '2014/2015-01': both ends of a range must have the same precision"),
        ("20 May 2014", "date: '20 May 2014' is not a date; expected 2006, 2006-12 or 2006-12-20"),
    ],
)
def test_bad_event_date(tmp_path, date, message):
    p = write(tmp_path, "doc.yaml", f"""\
        title: {{en: Title, ru: Заголовок}}
        languages: [en, ru]
        events:
          - date: {date}
            text: Something happens
        sections:
          - chronology: {{}}
        """)
    assert problems(p) == [f"{p}:4:11: {message}"]


def test_year_zero(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        events:
          - date: 0000
            text: Something happens
        sections:
          - chronology: {}
        """)
    assert problems(p) == [f"{p}:4:11: date: '0000' is not a date: there is no year 0"]


def test_year_zero_full_date(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        events:
          - date: 0000-01-01
            text: Something happens
        sections:
          - chronology: {}
        """)
    assert problems(p) == [f"{p}:4:11: date: '0000-01-01' is not a date: there is no year 0"]


# --- languages and translations ----------------------------------------------------------------


def test_unknown_languages(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: [en, xx_YY, klingon]
        sections:
          - text: Hello
        """)
    hint = "expected a CLDR locale identifier such as en, ru, fr, en_GB or zh_Hans"
    assert problems(p) == [
        f"{p}:2:17: unknown language 'xx_YY'; {hint}",
        f"{p}:2:24: unknown language 'klingon'; {hint}",
    ]


def test_unknown_language_as_a_text_key(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок, klingon: Qapla}
        languages: [en, ru]
        sections:
          - text: Hello
        """)
    assert problems(p) == [f"{p}:1:35: unknown language 'klingon'; expected a CLDR locale "
                           "identifier such as en, ru, fr, en_GB or zh_Hans"]


def test_missing_translation(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title}
        languages: [en, ru]
        sections:
          - heading: {en: Intro, ru: Введение}
            text: {en: Hello}
        """)
    assert problems(p) == [
        f"{p}:1:8: title {MISSING_RU}",
        f"{p}:5:11: the text {MISSING_RU}",
    ]


# --- citations ---------------------------------------------------------------------------------


def test_unknown_source_in_markdown(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sources:
          known: {title: Known}
        sections:
          - text: |
              First line.
              See [@nope] here.
        """)
    assert problems(p) == [f"{p}:8:11: unknown source or group 'nope' in [@nope]; "
                           "cite a key defined under sources: or groups:"]


def test_unknown_source_in_cite(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sources:
          coe: {title: Convention}
        events:
          - {date: 2006, text: Something happens, cite: [nope, ceo]}
        sections:
          - chronology: {}
        """)
    assert problems(p) == [
        f"{p}:6:50: unknown source or group 'nope'; cite a key defined under sources: or groups:",
        f"{p}:6:56: unknown source or group 'ceo'; cite a key defined under sources: or groups: "
        "(did you mean 'coe'?)",
    ]


def test_unknown_group_in_annex(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        groups:
          friends: {name: Friends, members: [BY]}
        sections:
          - annex: freinds
        """)
    assert problems(p) == [f"{p}:6:12: unknown group 'freinds'; an annex names a key defined under "
                           "groups: (did you mean 'friends'?)"]


def test_key_both_source_and_group(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sources:
          x: {title: A source}
        groups:
          x: {name: A group, members: [BY]}
        sections:
          - text: "[@x]"
        """)
    assert problems(p) == [f"{p}:6:3: 'x' is both a source (at {p}:4:3) and a group; "
                           "a key may name only one"]


# --- members -----------------------------------------------------------------------------------


def test_unassigned_country_codes(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        groups:
          g:
            name: Group
            members: [BY, ZZ, EU, XK]
        sections:
          - annex: g
        """)
    assert problems(p) == [
        f"{p}:6:19: 'ZZ' {NOT_ASSIGNED}",
        f"{p}:6:23: 'EU' {NOT_ASSIGNED}",
        f"{p}:6:27: 'XK' {NOT_ASSIGNED}",
    ]


def test_malformed_country_codes(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        groups:
          g:
            name: Group
            members: [by, BLR]
        sections:
          - annex: g
        """)
    shape = "is not an ISO 3166-1 alpha-2 country code (two capital letters, such as BY)"
    assert problems(p) == [f"{p}:6:15: 'by' {shape}", f"{p}:6:19: 'BLR' {shape}"]


def test_member_listed_twice(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        groups:
          g:
            name: Group
            members:
              - BY
              - RU
              - BY
        sections:
          - annex: g
        """)
    assert problems(p) == [f"{p}:9:9: BY is listed twice in group 'g' (first at line 7)"]


def test_member_name_twice_in_source_language(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: [en, ru]
        groups:
          g:
            name: Group
            members:
              - {name: {en: UNODC, ru: УНП ООН}}
              - {name: {en: UNODC, ru: УНП}}
        sections:
          - annex: g
        """)
    assert problems(p) == [f"{p}:8:9: 'UNODC' is listed twice in group 'g' (first at line 7)"]


def test_group_without_members(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        groups:
          g: {name: Group, members: []}
        sections:
          - annex: g
        """)
    assert problems(p) == [f"{p}:4:29: group 'g' has no members; list at least one"]


def test_group_without_members_and_another_problem(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        date: 2013-02-30
        groups:
          g: {name: Group, members: []}
        sections:
          - annex: g
        """)
    assert problems(p) == [
        f"{p}:3:7: date: '2013-02-30' is not a date: February 2013 has no day 30",
        f"{p}:5:29: group 'g' has no members; list at least one",
    ]


# --- sections ----------------------------------------------------------------------------------


def test_order_beside_text(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - text: Hello
            order: as-listed
        """)
    assert problems(p) == [f"{p}:5:12: order may stand only beside annex"]


def test_section_with_two_kinds(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - text: Hello
            chronology: {}
        """)
    assert problems(p) == [f"{p}:4:5: a section needs exactly one of text, chronology, annex or "
                           "facts (it has text, chronology)"]


def test_plural_category_the_language_lacks(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - facts:
              - value: 3
                label:
                  en: {one: State, few: States, other: States}
        """)
    assert problems(p) == [f"{p}:7:28: the language 'en' has no plural category 'few'; "
                           "its categories are one, other"]


def test_plural_without_other(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - facts:
              - value: 3
                label:
                  en: {one: State}
        """)
    assert problems(p) == [f"{p}:7:15: label (en) needs the plural category 'other'"]


# --- footnote parity ---------------------------------------------------------------------------


def test_footnotes_cite_different_sources(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: [en, ru]
        sources:
          a: {title: A}
          b: {title: B}
        sections:
          - heading: {en: Intro, ru: Введение}
            text: {en: "See [@a].", ru: "См. [@b]."}
        """)
    assert problems(p) == [f"{p}:7:5: footnotes differ between editions in section 1 ('Intro'): "
                           "en has [@a], ru has [@b]; every edition must cite the same sources "
                           "in the same order"]


def test_footnotes_differ_in_count(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: [en, ru]
        sources:
          a: {title: A}
          b: {title: B}
        sections:
          - text: {en: Hello, ru: Привет}
          - text: {en: "See [@a] and [@b].", ru: "См. [@a]."}
        """)
    assert problems(p) == [f"{p}:8:5: footnotes differ between editions in section 2: "
                           "en has [@a], [@b], ru has [@a]; every edition must cite the same "
                           "sources in the same order"]


def test_footnotes_differ_in_an_event(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: {en: Title, ru: Заголовок}
        languages: [en, ru]
        sources:
          a: {title: A}
        events:
          - date: 2006-12-20
            text: {en: "Adopted [@a].", ru: "Принята."}
        sections:
          - heading: {en: Chronology, ru: Хронология}
            chronology: {}
        """)
    assert problems(p) == [f"{p}:6:5: footnotes differ between editions in the event of "
                           "2006-12-20 in section 1 ('Chronology'): en has [@a], ru has no "
                           "footnote; every edition must cite the same sources in the same order"]


# --- links and images --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown, href, column",
    [
        ("[here](javascript:alert(1))", "javascript:alert(1)", 19),
        ("[here](JavaScript:alert(1))", "JavaScript:alert(1)", 19),
        ("[here](file:///etc/passwd)", "file:///etc/passwd", 19),
        ("[here](data:text/html,hello)", "data:text/html,hello", 19),
        ("<javascript:alert(1)>", "javascript:alert(1)", 13),
        ("[here](/etc/passwd)", "/etc/passwd", 19),
        # An http or https link needs a host; a mailto link an address.
        ("[here](http:/etc/passwd)", "http:/etc/passwd", 19),
        ("[here](https:evil.example)", "https:evil.example", 19),
        ("[here](http://)", "http://", 19),
        ("[here](http://user@example.org/)", "http://user@example.org/", 19),
        ("[here](mailto:)", "mailto:", 19),
    ],
)
def test_refused_link(tmp_path, markdown, href, column):
    p = write(tmp_path, "doc.yaml", f"""\
        title: Title
        languages: [en]
        sections:
          - text: |
              Read {markdown} now.
        """)
    assert problems(p) == [f"{p}:5:{column}: link to {href!r} {LINK_REFUSED}"]


def test_refused_reference_link(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - text: |
              Read [this][r].

              [r]: javascript:alert(1)
        """)
    assert problems(p) == [f"{p}:7:12: link to 'javascript:alert(1)' {LINK_REFUSED}"]


def test_refused_link_inside_a_free_footnote(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - text: |
              A note ^[see [this](javascript:alert(1))].
        """)
    assert problems(p) == [f"{p}:5:27: link to 'javascript:alert(1)' {LINK_REFUSED}"]


def test_refused_links_all_reported(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - text: |
              A [js](javascript:alert(1)) link.
              A [file](file:///etc/passwd) link.
              A [data](data:text/html,hi) link.
              An <javascript:alert(2)> autolink.
        """)
    assert problems(p) == [
        f"{p}:5:14: link to 'javascript:alert(1)' {LINK_REFUSED}",
        f"{p}:6:16: link to 'file:///etc/passwd' {LINK_REFUSED}",
        f"{p}:7:16: link to 'data:text/html,hi' {LINK_REFUSED}",
        f"{p}:8:11: link to 'javascript:alert(2)' {LINK_REFUSED}",
    ]


def test_the_same_refused_link_twice(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - text: |
              First [a](javascript:alert(1)).
              Second [b](javascript:alert(1)).
        """)
    assert problems(p) == [
        f"{p}:5:17: link to 'javascript:alert(1)' {LINK_REFUSED}",
        f"{p}:6:18: link to 'javascript:alert(1)' {LINK_REFUSED}",
    ]


@pytest.mark.parametrize("where", ["event", "group note"])
def test_refused_link_where_not_shown(tmp_path, where):
    if where == "event":
        text = """\
            title: Title
            languages: [en]
            events:
              - date: 2006
                text: |
                  Read [this](javascript:alert(1)).
                tags: [hidden]
            sections:
              - chronology: {tags: [shown]}
            """
        line = 6
    else:
        text = """\
            title: Title
            languages: [en]
            groups:
              g:
                name: Group
                members: [BY]
                note: |
                  Read [this](javascript:alert(1)).
            sections:
              - text: "[@g]"
            """
        line = 8
    p = write(tmp_path, "doc.yaml", text)
    assert problems(p) == [f"{p}:{line}:19: link to 'javascript:alert(1)' {LINK_REFUSED}"]


def test_source_url_not_http(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sources:
          a: {title: A, url: "ftp://example.org/a"}
        sections:
          - text: "[@a]"
        """)
    assert problems(p) == [f"{p}:4:22: url 'ftp://example.org/a' refused: a source's url must be "
                           "http or https"]


@pytest.mark.parametrize("image, line, column", [
    ("![a cat](https://example.org/cat.png)", 6, 7),
    ("Look: ![a cat](https://example.org/cat.png)", 6, 13),
])
def test_image(tmp_path, image, line, column):
    p = write(tmp_path, "doc.yaml", f"""\
        title: Title
        languages: [en]
        sections:
          - text: |
              Some text.
              {image}
        """)
    assert problems(p) == [f"{p}:{line}:{column}: images are not part of the data format; "
                           "remove it or make it a link"]


def test_raw_html_image_is_text_not_an_error(tmp_path):
    # Raw HTML is shown as text (test_markup checks how), so an <img> tag is no image.
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - text: "<img src=x onerror=alert(1)>"
        """)
    assert problems(p) == []


# --- includes ----------------------------------------------------------------------------------


def test_missing_include(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        include: [nothere.yaml]
        sections:
          - text: Hello
        """)
    assert problems(p) == [f"{p}:3:11: included file {tmp_path}/nothere.yaml does not exist"]


def test_include_cycle(tmp_path):
    a = write(tmp_path, "a.yaml", """\
        title: A
        languages: [en]
        include: [b.yaml]
        sections:
          - text: Hello
        """)
    b = write(tmp_path, "b.yaml", """\
        title: B
        languages: [en]
        include: [a.yaml]
        sections:
          - text: Hello
        """)
    assert problems(a) == [f"{b}:3:11: include cycle: {a} → {b} → {a}"]


# --- all problems at once ----------------------------------------------------------------------


def test_several_problems_reported_at_once():
    p = FIXTURES / "several-problems.yaml"
    assert problems(p) == [
        f"{p}:3:17: unknown language 'klingon'; expected a CLDR locale identifier such as en, "
        "ru, fr, en_GB or zh_Hans",
        f"{p}:4:7: date: '2013-02-30' is not a date: February 2013 has no day 30",
        f"{p}:5:8: paper must be one of a4, letter, not 'a5'",
    ]
    assert prepare_problems(p) == problems(p)


def test_several_problems_in_markdown_reported_at_once(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - text: |
              A [link](file:///etc/passwd).
          - text: |
              ![an image](https://example.org/a.png)
          - text: |
              # A heading
        """)
    assert problems(p) == [
        f"{p}:5:16: link to 'file:///etc/passwd' {LINK_REFUSED}",
        f"{p}:7:7: images are not part of the data format; remove it or make it a link",
        f"{p}:9:7: headings are not part of a text; give the section a heading: instead",
    ]


def test_problems_of_every_stage_reported_at_once(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        date: 2013-02-30
        sections:
          - text: |
              A [link](javascript:alert(1)).
        """)
    assert problems(p) == [
        f"{p}:3:7: date: '2013-02-30' is not a date: February 2013 has no day 30",
        f"{p}:6:16: link to 'javascript:alert(1)' {LINK_REFUSED}",
    ]


def test_duplicate_key_and_other_problems_reported_at_once(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        date: 2013-02-30
        title: Again
        sections:
          - text: Hello
        """)
    assert problems(p) == [
        f"{p}:3:7: date: '2013-02-30' is not a date: February 2013 has no day 30",
        f"{p}:4:1: duplicate key 'title' (first written at line 1); "
        "a key may appear only once in a mapping",
    ]


# --- a build of several documents --------------------------------------------------------------

GOOD = """\
    title: {en: Good, ru: Хороший}
    languages: [en, ru]
    sections:
      - text: {en: Hello, ru: Привет}
    """

BAD = """\
    title: {en: Bad, ru: Плохой}
    languages: [en, ru]
    date: 2013-02-30
    sections:
      - text: {en: Hello}
    """

OLD_OUTPUT = b"<!-- the previous build of bad.en -->\n\xff\x00 not even UTF-8\n"


def _folder(tmp_path: Path) -> tuple[Path, Path, Path, list[str]]:
    data = tmp_path / "data"
    write(data, "good.yaml", GOOD)
    bad = write(data, "bad.yaml", BAD)
    out = tmp_path / "out"
    old = out / "bad" / "bad.en.html"
    old.parent.mkdir(parents=True)
    old.write_bytes(OLD_OUTPUT)
    expected = [
        f"{bad}:3:7: date: '2013-02-30' is not a date: February 2013 has no day 30",
        f"{bad}:5:11: the text {MISSING_RU}",
    ]
    return data, out, old, expected


def test_build_folder_with_an_invalid_document_cli(tmp_path):
    data, out, old, expected = _folder(tmp_path)
    result = CliRunner().invoke(main, ["build", str(data), "--format", "html", "--output", str(out)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = result.stderr.splitlines()
    for line in expected:
        assert line in errors
    assert "error" not in result.stdout.lower()
    assert "Traceback" not in result.output
    # The valid document is built; the invalid one's earlier output is untouched, nothing added.
    assert sorted(p.name for p in (out / "good").iterdir()) == ["good.en.html", "good.ru.html"]
    assert "<h1>Хороший</h1>" in (out / "good" / "good.ru.html").read_text("utf-8")
    assert old.read_bytes() == OLD_OUTPUT
    assert sorted(p.name for p in old.parent.iterdir()) == ["bad.en.html"]


def test_build_api_reports_the_invalid_document(tmp_path):
    from generator.build import build

    data, out, old, expected = _folder(tmp_path)
    report = build([data], out, formats=["html"])
    assert report.exit_code == 1
    by_name = {Path(o.display).name: o for o in report.outcomes}
    assert [str(p) for p in by_name["bad.yaml"].problems] == expected
    assert by_name["bad.yaml"].written == []
    assert by_name["good.yaml"].ok
    assert sorted(p.name for p in by_name["good.yaml"].written) == ["good.en.html", "good.ru.html"]
    assert old.read_bytes() == OLD_OUTPUT


def test_build_folder_with_an_invalid_document_subprocess(tmp_path):
    # The one PDF-building test: `python -m generator` from an unrelated working directory,
    # both formats, so the valid document's PDF is made and the invalid one's is left alone.
    data, out, old, expected = _folder(tmp_path)
    old_pdf = old.with_suffix(".pdf")
    old_pdf.write_bytes(b"%PDF-1.7 old\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([sys.executable, "-m", "generator", "build", str(data),
                           "--output", str(out)],
                          cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    errors = done.stderr.splitlines()
    for line in expected:
        assert line in errors
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in (out / "good").iterdir()) == [
        "good.en.html", "good.en.pdf", "good.ru.html", "good.ru.pdf"]
    assert (out / "good" / "good.ru.pdf").read_bytes().startswith(b"%PDF-")
    assert old.read_bytes() == OLD_OUTPUT
    assert old_pdf.read_bytes() == b"%PDF-1.7 old\n"
    assert sorted(p.name for p in old.parent.iterdir()) == ["bad.en.html", "bad.en.pdf"]
    assert list(elsewhere.iterdir()) == []


def test_check_command_exit_status(tmp_path):
    data, _, _, expected = _folder(tmp_path)
    result = CliRunner().invoke(main, ["check", str(data / "bad.yaml")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[: len(expected)] == expected
    ok = CliRunner().invoke(main, ["check", str(data / "good.yaml")])
    assert ok.exit_code == 0, ok.output
