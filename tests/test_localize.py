"""Numbers, amounts, plural forms, country names, collation and the annex's words, per language."""

from __future__ import annotations

import html as html_lib
import re
import textwrap
from pathlib import Path

import pytest

from generator.build import build, check

from .conftest import FACT

FIXTURES = Path(__file__).parent / "fixtures" / "locales"

NBSP = "\u00a0"  # NO-BREAK SPACE: Russian groups digits with it, and sets the currency apart
NNBSP = "\u202f"  # NARROW NO-BREAK SPACE: French groups digits with it

RU_STATES = "{one: государство, few: государства, many: государств, other: государства}"
EN_STATES = "{one: State, other: States}"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def build_pages(path: Path, out: Path) -> dict[str, str]:
    report = build([path], out, formats=["html"])
    outcome = report.outcomes[0]
    assert outcome.ok, [str(p) for p in outcome.problems] or outcome.failure
    return {p.name.split(".")[-2]: p.read_text("utf-8") for p in outcome.written}


def facts(html: str) -> list[tuple[str, str]]:
    """(value, label) of every fact, in order."""
    return FACT.findall(html)


def annexes(html: str) -> list[list[str]]:
    """The members of every annex, in order, as text."""
    return [[html_lib.unescape(m) for m in re.findall(r"<li>(.*?)</li>", block)]
            for block in re.findall(r'<ol class="members">\n(.*?)</ol>', html, re.S)]


def counts(html: str) -> list[str]:
    return re.findall(r'<p class="group-count">(.*?)</p>', html)


# --- numbers and amounts -----------------------------------------------------------------------

NUMBERS = """\
    title: {en: Figures, ru: Цифры, fr: Chiffres, de: Zahlen}
    languages: [en, ru, fr, de]
    sections:
      - facts:
          - {value: 1234567.50, label: people}
          - {value: 12.50, label: per cent}
          - {value: 400, label: things}
          - {value: 0.25, label: share}
          - {value: -3, label: degrees}
          - {value: 50000, unit: USD, label: budget}
          - {value: 1234.5, unit: EUR, label: cost}
    """


@pytest.fixture(scope="module")
def number_pages(tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("numbers")
    return build_pages(write(tmp, "doc.yaml", NUMBERS), tmp / "out")


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", ["1,234,567.5", "12.5", "400", "0.25", "-3", "US$50,000", "€1,234.50"]),
        ("ru", [f"1{NBSP}234{NBSP}567,5", "12,5", "400", "0,25", "-3", f"50{NBSP}000{NBSP}$",
                f"1{NBSP}234,50{NBSP}€"]),
        ("fr", [f"1{NNBSP}234{NNBSP}567,5", "12,5", "400", "0,25", "-3", f"50{NNBSP}000{NBSP}$US",
                f"1{NNBSP}234,50{NBSP}€"]),
        ("de", ["1.234.567,5", "12,5", "400", "0,25", "-3", f"50.000{NBSP}$",
                f"1.234,50{NBSP}€"]),
    ],
)
def test_numbers_and_amounts(number_pages, lang, expected):
    assert [value for value, _ in facts(number_pages[lang])] == expected


def test_contract_amount_examples_literally(number_pages):
    # The contract's own examples: `US$50,000`, `50 000 $`, `50 000 $US`.
    assert facts(number_pages["en"])[5] == ("US$50,000", "budget")
    assert facts(number_pages["ru"])[5][0] == "50\u00a0000\u00a0$"
    assert facts(number_pages["fr"])[5][0] == "50\u202f000\u00a0$US"


def test_american_english_amount(tmp_path):
    pages = build_pages(write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en_US]
        sections:
          - facts:
              - {value: 50000, unit: USD, label: budget}
        """), tmp_path / "out")
    assert facts(pages["en_US"]) == [("$50,000", "budget")]


def test_unknown_currency(tmp_path):
    p = write(tmp_path, "doc.yaml", """\
        title: Title
        languages: [en]
        sections:
          - facts:
              - {value: 5, label: x, unit: XYZ}
        """)
    report = check([p])
    assert [str(x) for x in report.outcomes[0].problems] == [
        f"{p}:5:36: 'XYZ' is not an ISO 4217 currency code (such as USD, EUR or BYN)"]


# --- plural forms ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plural_pages(tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("plurals")
    values = [1, 2, 5, 21, 22, 53, 11, 0, 1.5]
    lines = "\n".join(f"      - {{value: {v}, label: {{en: {EN_STATES}, ru: {RU_STATES}}}}}"
                      for v in values)
    text = ("title: {en: States, ru: Государства}\nlanguages: [en, ru]\nsections:\n"
            "  - facts:\n" + lines + "\n")
    return build_pages(write(tmp, "doc.yaml", text), tmp / "out")


def test_russian_plural_forms(plural_pages):
    assert facts(plural_pages["ru"]) == [
        ("1", "государство"),
        ("2", "государства"),
        ("5", "государств"),
        ("21", "государство"),
        ("22", "государства"),
        ("53", "государства"),
        ("11", "государств"),
        ("0", "государств"),
        ("1,5", "государства"),
    ]


def test_english_plural_forms(plural_pages):
    assert facts(plural_pages["en"]) == [
        ("1", "State"), ("2", "States"), ("5", "States"), ("21", "States"), ("22", "States"),
        ("53", "States"), ("11", "States"), ("0", "States"), ("1.5", "States")]


def test_missing_plural_category_falls_back_to_other(tmp_path):
    pages = build_pages(write(tmp_path, "doc.yaml", """\
        title: {en: T, ru: Т}
        languages: [en, ru]
        sections:
          - facts:
              - {value: 1, label: {en: {other: States}, ru: {one: государство, other: государства}}}
              - {value: 5, label: {en: {other: States}, ru: {one: государство, other: государства}}}
              - {value: 3, label: {en: States, ru: {one: государство, other: государства}}}
        """), tmp_path / "out")
    assert facts(pages["ru"]) == [("1", "государство"), ("5", "государства"),
                                  ("3", "государства")]
    assert facts(pages["en"]) == [("1", "States"), ("5", "States"), ("3", "States")]


def test_french_has_many(tmp_path):
    pages = build_pages(write(tmp_path, "doc.yaml", """\
        title: Titre
        languages: [fr]
        sections:
          - facts:
              - {value: 1000000, label: {fr: {one: personne, many: de personnes, other: personnes}}}
              - {value: 1, label: {fr: {one: personne, many: de personnes, other: personnes}}}
              - {value: 2, label: {fr: {one: personne, many: de personnes, other: personnes}}}
        """), tmp_path / "out")
    assert facts(pages["fr"]) == [(f"1{NNBSP}000{NNBSP}000", "de personnes"),
                                  ("1", "personne"), ("2", "personnes")]


def test_plural_form_follows_the_number_as_shown(tmp_path):
    pages = build_pages(write(tmp_path, "doc.yaml", f"""\
        title: {{en: T, ru: Т}}
        languages: [en, ru]
        sections:
          - facts:
              - {{value: 1.0, label: {{en: {EN_STATES}, ru: {RU_STATES}}}}}
              - {{value: 21.00, label: {{en: {EN_STATES}, ru: {RU_STATES}}}}}
        """), tmp_path / "out")
    assert facts(pages["en"]) == [("1", "State"), ("21", "States")]
    assert facts(pages["ru"]) == [("1", "государство"), ("21", "государство")]


# --- country names -----------------------------------------------------------------------------

COUNTRIES = """\
    title: {en: Names, ru: Названия, fr: Noms, de: Namen}
    languages: [en, ru, fr, de]
    groups:
      g:
        name: {en: G, ru: Г, fr: G, de: G}
        members: [RU, KG, AE, LA, BO, TR, CZ, NL, HK]
    sections:
      - annex: g
        order: as-listed
    """


@pytest.fixture(scope="module")
def country_pages(tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("countries")
    return build_pages(write(tmp, "doc.yaml", COUNTRIES), tmp / "out")


@pytest.mark.parametrize(
    "lang, names",
    [
        ("en", ["Russian Federation", "Kyrgyzstan", "United Arab Emirates",
                "Lao People's Democratic Republic", "Bolivia (Plurinational State of)", "Türkiye",
                "Czechia", "Netherlands (Kingdom of the)", "Hong Kong SAR China"]),
        ("ru", ["Российская Федерация", "Кыргызстан", "Объединенные Арабские Эмираты",
                "Лаосская Народно-Демократическая Республика",
                "Боливия (Многонациональное Государство)", "Турция", "Чехия",
                "Нидерланды (Королевство)", "Гонконг (САР)"]),
        ("fr", ["Russie", "Kirghizstan", "Émirats arabes unis", "Laos", "Bolivie", "Turquie",
                "Tchéquie", "Pays-Bas", "R.A.S. chinoise de Hong Kong"]),
        ("de", ["Russland", "Kirgisistan", "Vereinigte Arabische Emirate", "Laos", "Bolivien",
                "Türkei", "Tschechien", "Niederlande", "Sonderverwaltungsregion Hongkong"]),
    ],
)
def test_country_names(country_pages, lang, names):
    assert annexes(country_pages[lang]) == [names]


# --- collation and the annex -------------------------------------------------------------------


@pytest.fixture(scope="module")
def collation_pages(tmp_path_factory) -> dict[str, str]:
    return build_pages(FIXTURES / "collation.yaml", tmp_path_factory.mktemp("collation"))


def test_russian_alphabetical_order(collation_pages):
    towns, countries, _, _ = annexes(collation_pages["ru"])
    assert towns == ["Абакан", "Ежово", "Ёлкино", "Ельня", "Жуково", "Иваново", "Ирбит",
                     "Йошкар-Ола", "Киров", "Яхрома"]
    assert countries == ["Австралия", "Азербайджан", "Коста-Рика", "Кот-д'Ивуар", "Куба",
                         "Объединенные Арабские Эмираты", "Хорватия"]


def test_english_alphabetical_order(collation_pages):
    towns, countries, _, _ = annexes(collation_pages["en"])
    assert towns == ["Abakan", "Beta", "eagle", "Éclair", "Irbit", "Ivanovo", "Yezhovo",
                     "Yolkino", "Yoshkar-Ola", "zeta"]
    assert countries == ["Australia", "Azerbaijan", "Costa Rica", "Côte d'Ivoire", "Croatia",
                         "Cuba", "United Arab Emirates"]


def test_as_listed_keeps_the_written_order(collation_pages):
    _, _, towns, countries = annexes(collation_pages["ru"])
    assert towns == ["Ёлкино", "Яхрома", "Йошкар-Ола", "Абакан", "Ирбит", "Ежово", "Ельня",
                     "Жуково", "Иваново", "Киров"]
    assert countries == ["Куба", "Кот-д'Ивуар", "Хорватия", "Коста-Рика",
                         "Объединенные Арабские Эмираты", "Азербайджан", "Австралия"]
    _, _, towns_en, _ = annexes(collation_pages["en"])
    assert towns_en[:3] == ["Yolkino", "zeta", "Yoshkar-Ola"]


@pytest.fixture(scope="module")
def annex_pages(tmp_path_factory) -> dict[str, str]:
    return build_pages(FIXTURES / "annex.yaml", tmp_path_factory.mktemp("annex"))


def test_annex_count_phrase_english(annex_pages):
    assert counts(annex_pages["en"]) == [
        '22 members, as of <time class="date" datetime="2013-09-26">26 September 2013</time>',
        "21 members",
        "5 members",
        "1 member",
    ]


def test_annex_count_phrase_russian(annex_pages):
    assert counts(annex_pages["ru"]) == [
        f'22 члена, по состоянию на <time class="date" datetime="2013-09-26">26 сентября 2013'
        f"{NNBSP}г.</time>",
        "21 член",
        "5 членов",
        "1 член",
    ]


def test_annex_shows_the_group_name_and_every_member(annex_pages):
    ru = annex_pages["ru"]
    assert re.findall(r'<p class="group-name">(.*?)</p>', ru) == [
        "Двадцать два", "Двадцать один", "Пять", "Один"]
    assert [len(a) for a in annexes(ru)] == [22, 21, 5, 1]
    assert annexes(ru)[3] == ["Беларусь"]


def test_output_names_and_markup_language_codes(tmp_path):
    # File names use the code as written in `languages`; markup uses BCP 47.
    report = build([write(tmp_path, "doc.yaml", """\
        title: {zh_Hans: 标题, ar: عنوان, en_GB: Title}
        date: 2006-12-20
        languages: [zh_Hans, ar, en_GB]
        sections:
          - text: {zh_Hans: 你好, ar: مرحبا, en_GB: Hello}
        """)], tmp_path / "out", formats=["html"])
    assert report.exit_code == 0, [str(p) for o in report.outcomes for p in o.problems]
    folder = tmp_path / "out" / "doc"
    assert sorted(p.name for p in folder.iterdir()) == [
        "doc.ar.html", "doc.en_GB.html", "doc.zh_Hans.html"]
    zh = (folder / "doc.zh_Hans.html").read_text("utf-8")
    assert '<html lang="zh-Hans" dir="ltr">' in zh
    assert '<time class="date" datetime="2006-12-20">2006年12月20日</time>' in zh
    assert '<html lang="ar" dir="rtl">' in (folder / "doc.ar.html").read_text("utf-8")
    assert '<html lang="en-GB" dir="ltr">' in (folder / "doc.en_GB.html").read_text("utf-8")
