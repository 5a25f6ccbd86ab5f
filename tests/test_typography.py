"""Typography per language (`generator/typography.py`): quotes, dashes, no-break spaces, ranges,
and what it never touches (symbols, links, code, numbers written with their own signs)."""

from __future__ import annotations

import pytest
from babel import Locale

from generator.markup import parse
from generator.model import Text
from generator.typography import RULES, Rules, rules_for, typeset, typeset_text, unbreakable

NBSP, NNBSP, WJ = "\u00a0", "\u202f", "\u2060"


def ts(lang: str, text: str) -> str:
    return typeset_text(text, rules_for(Locale.parse({"en": "en_001"}.get(lang, lang))))


@pytest.mark.parametrize(("lang", "written", "expected"), [
    ("en", 'the "Improving the coordination" resolution', "the “Improving the coordination” resolution"),
    ("en", '"a \'b\' c"', "“a ‘b’ c”"),
    ("en", "Belarus' role, don't", "Belarus’ role, don’t"),
    ("ru", 'резолюция "Совершенствование координации"', "резолюция «Совершенствование координации»"),
    ("ru", '"Он сказал "нет""', "«Он сказал „нет“»"),
    ("ru", "«Уже „готово“»", "«Уже „готово“»"),
    ("ru", "Кот-д'Ивуар", "Кот-д’Ивуар"),
    ("fr", 'Il dit "bonjour"', f"Il dit «{NNBSP}bonjour{NNBSP}»"),
    ("fr", "« déjà »", f"«{NNBSP}déjà{NNBSP}»"),
    ("de", 'Er sagt "Hallo \'Welt\'"', "Er sagt „Hallo ‚Welt‘“"),
    ("sv", 'Han sa "hej"', "Han sa ”hej”"),
    ("be", '"Так"', "«Так»"),
    ("ar", 'قال "مرحبا"', "قال «مرحبا»"),
    ("zh_Hans", '他说"你好"。又说"再见"', "他说“你好”。又说“再见”"),
])
def test_quotes(lang: str, written: str, expected: str) -> None:
    assert ts(lang, written) == expected


@pytest.mark.parametrize(("lang", "written", "expected"), [
    ("ru", "слово - слово", f"слово{NBSP}— слово"),
    ("ru", "слово — слово", f"слово{NBSP}— слово"),
    ("en", "word - word -- word", f"word{NBSP}– word{NBSP}– word"),
    ("en_US", "word - word", f"word{NBSP}— word"),
    ("en", "in 1990-1995 and 12–16", f"in 1990–{WJ}1995 and 12–{WJ}16"),
    # Not ranges: a date, a code, a decimal, a word with digits, a key.
    ("en", "2006-12-20, 123-456-789, 12.5-13, COVID-19, ccpcj-20-3",
     "2006-12-20, 123-456-789, 12.5-13, COVID-19, ccpcj-20-3"),
    ("en", "self-evident well-known", "self-evident well-known"),
])
def test_dashes_and_ranges(lang: str, written: str, expected: str) -> None:
    assert ts(lang, written) == expected


@pytest.mark.parametrize(("lang", "written", "expected"), [
    ("ru", "в Минске и с тех пор к нам, а у них", f"в{NBSP}Минске и{NBSP}с{NBSP}тех пор к{NBSP}нам, "
                                                   f"а{NBSP}у{NBSP}них"),
    ("ru", "В 2006 г. № 5, 50 000 чел., 5 млн", f"В{NBSP}2006{NBSP}г. №{NBSP}5, 50{NBSP}000{NBSP}чел., "
                                                 f"5{NBSP}млн"),
    ("ru", "в 2005 200 делегатов", f"в{NBSP}2005 200 делегатов"),  # not one number
    ("ru", "конференции 2007 года, в 2007 году, за 10 лет, 20 декабря 2006 года и 90-х годов",
     f"конференции 2007{NBSP}года, в{NBSP}2007{NBSP}году, за 10{NBSP}лет, 20{NBSP}декабря 2006{NBSP}года "
     f"и{NBSP}90-х годов"),
    # Words that begin as a unit does are not one.
    ("ru", "2007 годовщина, 5 летчиков, 20 мая.", f"2007 годовщина, 5 летчиков, 20{NBSP}мая."),
    ("be", "у Мінску і ў Брэсце", f"у{NBSP}Мінску і{NBSP}ў{NBSP}Брэсце"),
    ("en", "a No. 5, p. 12, 15 %", f"a No.{NBSP}5, p.{NBSP}12, 15{NBSP}%"),
    ("en", "a cat", "a cat"),  # English has no such rule for one-letter words
    ("fr", "Vraiment? Oui; non! Note: 12:30", f"Vraiment{NNBSP}? Oui{NNBSP}; non{NNBSP}! Note{NBSP}: 12:30"),
    ("fr", "Quoi ?!", f"Quoi{NNBSP}?!"),
    ("fr", "50 000 personnes", f"50{NNBSP}000 personnes"),
    ("sv", "50 000 kr", f"50{NBSP}000{NBSP}kr"),
])
def test_no_break_spaces(lang: str, written: str, expected: str) -> None:
    assert ts(lang, written) == expected


@pytest.mark.parametrize("text", [
    "A/RES/61/180", "S/RES/2331 (2016)", "E/RES/2008/33", "A/HRC/10/16/Add.2",
    "https://undocs.org/ru/A/RES/61/180", "mailto:info@example.org", "info@example.org",
    '<b onclick="x()">',
])
@pytest.mark.parametrize("lang", ["en", "ru", "fr"])
def test_symbols_links_and_raw_html_are_never_touched(lang: str, text: str) -> None:
    assert ts(lang, f"see {text} here") .endswith(f"{text} here")


def test_a_symbol_in_text_keeps_its_slashes_and_dashes() -> None:
    assert ts("ru", "резолюция A/RES/61/180 - см. 1990-1995") == (
        f"резолюция A/RES/61/180{NBSP}— см. 1990–{WJ}1995")


def test_quotes_pair_across_parts_and_stay_in_their_part() -> None:
    rules = rules_for(Locale.parse("ru"))
    # `"Совершенствование *координации* усилий"`, with a footnote call (None) after it.
    assert typeset(['"Совершенствование ', "координации", ' усилий"', None, " и в"], rules) == [
        "«Совершенствование ", "координации", " усилий»", None, f" и{NBSP}в"]


def test_markdown_code_links_and_citations_are_not_text() -> None:
    source = ('Say "hi" in `"code" - 1990-1995` and [a "link"](https://example.org/a-b?x="y")'
              " or <https://example.org/\"q\"> [@A/RES/61/180].")
    fragment, problems = parse(Text(source, None), lambda key: True,  # type: ignore[arg-type]
                               rules_for(Locale.parse("ru")))
    assert not problems
    children = fragment.tokens[1].children or []
    texts = [(c.type, c.content) for c in children if c.type in ("text", "code_inline")]
    assert texts[0] == ("text", "Say «hi» in ")
    assert ("code_inline", '"code" - 1990-1995') in texts
    assert ("text", "a „link“") in texts or ("text", "a «link»") in texts
    link = next(c for c in children if c.type == "link_open")
    assert link.attrs["href"] == "https://example.org/a-b?x=%22y%22"
    assert ("text", 'https://example.org/"q"') in texts  # an autolink's text is its address
    assert next(c for c in children if c.type == "citation").meta["keys"] == ("A/RES/61/180",)


def test_rules_are_data_keyed_by_language() -> None:
    assert set(RULES) >= {"en", "ru", "fr", "de", "sv", "be", "ar", "zh", "uk"}
    assert rules_for(Locale.parse("ru")).short_words >= set("вксоуиа")
    # A language without a row gets the international defaults, and its own digit grouping.
    assert rules_for(Locale.parse("kk")).quotes == Rules().quotes
    assert rules_for(Locale.parse("kk")).group_space == NBSP
    assert rules_for(Locale.parse("fr")).group_space == NNBSP
    assert rules_for(Locale.parse("en_001")).group_space is None
    assert rules_for(Locale.parse("zh_Hant")).quotes == "「」『』"
    assert rules_for(Locale.parse("zh_Hans")).quotes == "“”‘’"


def test_a_footnote_call_keeps_to_the_word_before_it() -> None:
    rules = rules_for(Locale.parse("en_001"))
    fragment, _ = parse(Text("A word [@x] and ^[a note] here, `code` [@y].", None),  # type: ignore[arg-type]
                        lambda key: True, rules)
    children = fragment.tokens[1].children or []
    assert [(c.type, c.content) for c in children if c.type == "text"] == [
        ("text", "A word"), ("text", " and"), ("text", " here, "), ("text", ""), ("text", ".")]
    inside, _ = parse(Text("^[See [@x] here.]", None), lambda key: True, rules)  # type: ignore[arg-type]
    note = next(c for c in inside.tokens[1].children or [] if c.type == "inline_note")
    assert [c.content for c in note.children or [] if c.type == "text"] == ["See ", " here."]


def test_in_chinese_a_footnote_call_is_joined_to_the_character_before_it() -> None:
    fragment, _ = parse(Text("中国[@x]和日本^[注]。", None), lambda key: True,  # type: ignore[arg-type]
                        rules_for(Locale.parse("zh_Hans")))
    children = fragment.tokens[1].children or []
    assert [c.content for c in children if c.type == "text"] == ["中国\u2060", "和日本\u2060", "。"]


def test_symbols_and_links_in_right_to_left_text_are_isolated_left_to_right() -> None:
    assert ts("ar", "القرار A/RES/61/180 و https://undocs.org/ar/A/RES/61/180") == (
        "القرار \u2066A/RES/61/180\u2069 و \u2066https://undocs.org/ar/A/RES/61/180\u2069")
    assert ts("en", "the A/RES/61/180 text") == "the A/RES/61/180 text"
    assert rules_for(Locale.parse("ar")).isolate and not rules_for(Locale.parse("ru")).isolate


ALPHABET = [*"aбв и в с \"'«»„“”‘’-–—.,;:!?()[]0123456789 №%", " A/RES/61/180 ", " https://x.org/a-b ", " - "]


@pytest.mark.parametrize("lang", ["en", "ru", "fr", "de", "sv", "be", "ar", "zh_Hans"])
def test_any_text_typesets_and_keeps_its_symbols(lang: str) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    rules = rules_for(Locale.parse({"en": "en_001"}.get(lang, lang)))

    @settings(max_examples=60, deadline=None, derandomize=True, database=None)
    @given(st.lists(st.lists(st.sampled_from(ALPHABET), max_size=12).map("".join), min_size=1, max_size=4))
    def check(parts: list[str]) -> None:
        out = typeset(parts, rules)
        assert len(out) == len(parts)
        for before, after in zip(parts, out, strict=True):
            assert after is not None
            assert after.count("A/RES/61/180") == before.count("A/RES/61/180")
            assert after.count("https://x.org/a-b") == before.count("https://x.org/a-b")
            assert typeset([after], rules) is not None  # idempotence is not promised; no error is

    check()


@pytest.mark.parametrize(("lang", "text", "whole"), [
    ("en_001", "adopted on 30 July 2010 and launched on 31 August 2010, in May–June 2010",
     ["30 July 2010", "31 August 2010", "May–June 2010"]),
    ("en_001", "held on 12–\u206016 May 2014 under A/RES/61/180 and S/RES/2331 (2016), resolution 68/192",
     ["12–\u206016 May 2014", "A/RES/61/180", "S/RES/2331 (2016)"]),
    ("en_US", "on July 30, 2010, in Dec 2006", ["July 30, 2010", "Dec 2006"]),
    ("ru", "в октябре 2012\u202fг. и 20 декабря 2006\u202fг., май–июнь 2010, 13–14 мая 2013",
     ["октябре 2012", "20 декабря 2006", "май–июнь 2010", "13–14 мая 2013"]),
    ("de", "am 20. Dezember 2006 in Wien", ["20. Dezember 2006"]),
    ("fr", "le 20 décembre 2006, en mai 2014", ["20 décembre 2006", "mai 2014"]),
    ("zh_Hans", "大会于2006年12月20日通过，2014年5月12日–16日，2010年5月–6月，2013年起",
     ["2006年12月20日", "2014年5月12日–16日", "2010年5月–6月", "2013年"]),
    # Not dates: a month's name inside a word, a number that is not a year.
    ("en_001", "Mayor 2010, May 20106, 2006-12-20", []),
])
def test_symbols_and_dates_kept_whole_in_print(lang: str, text: str, whole: list[str]) -> None:
    """What render.py wraps in a span printed on one line, unhyphenated: found by the language's
    month names (Babel's), and for Chinese by its own date forms (a row of RULES)."""
    assert [m[0] for m in unbreakable(Locale.parse(lang)).finditer(text)] == whole
