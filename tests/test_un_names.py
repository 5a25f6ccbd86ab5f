"""Checks for generator/tables/un_names.tsv (UN short names of States, en + ru)."""

import csv
import re
from pathlib import Path

import pycountry
import pytest
from babel import Locale

TABLE = Path(__file__).parents[1] / "generator" / "tables" / "un_names.tsv"

CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def _load_rows():
    with TABLE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == ["code", "en", "ru", "status"]
        return list(reader)


@pytest.fixture(scope="module")
def rows():
    return _load_rows()


@pytest.fixture(scope="module")
def by_code(rows):
    return {r["code"]: r for r in rows}


def test_file_is_plain_utf8_tsv():
    raw = TABLE.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert b"\r" not in raw, "LF line endings only"
    text = raw.decode("utf-8")
    assert text.endswith("\n")
    for n, line in enumerate(text.splitlines(), 1):
        assert line.count("\t") == 3, f"line {n}: expected 4 columns"


def test_counts(rows):
    statuses = [r["status"] for r in rows]
    assert set(statuses) <= {"member", "observer"}
    assert statuses.count("member") == 193
    assert statuses.count("observer") == 2
    assert len(rows) == 195


def test_observers(rows):
    observers = {r["code"] for r in rows if r["status"] == "observer"}
    assert observers == {"VA", "PS"}


def test_codes_unique_and_sorted(rows):
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)


def test_codes_are_assigned_iso_3166_1(rows):
    for r in rows:
        code = r["code"]
        assert re.fullmatch(r"[A-Z]{2}", code), code
        assert code not in {"ZZ", "EU", "XK", "QO", "UN"}, code
        assert pycountry.countries.get(alpha_2=code) is not None, code


def test_codes_known_to_babel(rows):
    territories = Locale("ru").territories
    for r in rows:
        assert r["code"] in territories, r["code"]


@pytest.mark.parametrize("column", ["en", "ru"])
def test_names_well_formed(rows, column):
    for r in rows:
        name = r[column]
        assert name, (r["code"], column)
        assert name == name.strip(), (r["code"], column)
        assert "  " not in name, (r["code"], column)
        assert "\u2019" not in name, f"{r['code']}: use straight apostrophe"


def test_english_names_have_no_cyrillic(rows):
    for r in rows:
        assert not CYRILLIC.search(r["en"]), r["code"]


def test_russian_names(rows):
    for r in rows:
        ru = r["ru"]
        assert CYRILLIC.search(ru), r["code"]
        assert "ё" not in ru and "Ё" not in ru, r["code"]
        assert not re.search(r"[A-Za-z]", ru), r["code"]


@pytest.mark.parametrize("column", ["en", "ru"])
def test_names_unique_per_language(rows, column):
    names = [r[column] for r in rows]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    "code, en, ru, status",
    [
        ("RU", "Russian Federation", "Российская Федерация", "member"),
        ("KG", "Kyrgyzstan", "Кыргызстан", "member"),
        ("AE", "United Arab Emirates", "Объединенные Арабские Эмираты", "member"),
        ("TR", "Türkiye", "Турция", "member"),
        ("NL", "Netherlands (Kingdom of the)", "Нидерланды (Королевство)", "member"),
        (
            "GB",
            "United Kingdom of Great Britain and Northern Ireland",
            "Соединенное Королевство Великобритании и Северной Ирландии",
            "member",
        ),
        ("CI", "Côte d'Ivoire", "Кот-д'Ивуар", "member"),
        ("VA", "Holy See", "Святой Престол", "observer"),
        ("PS", "State of Palestine", "Государство Палестина", "observer"),
    ],
)
def test_spot_checks(by_code, code, en, ru, status):
    row = by_code[code]
    assert (row["en"], row["ru"], row["status"]) == (en, ru, status)
