"""Property-based tests (hypothesis): whatever the input, the loader, the dates, the Markdown and
the footnote numbering answer with a value or a DataError/ValueError, never another exception.

`test_fuzz_*` are the bounded fuzz run of CI: their example counts are sized for about 40 s in
all on this machine; FACTSHEET_FUZZ (a factor, default 1) scales them, e.g. FACTSHEET_FUZZ=10
for a longer run by hand.
"""

from __future__ import annotations

import datetime as dt
import os
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.build import check, prepare
from generator.datefmt import DateFormatter
from generator.errors import DataError, Position
from generator.i18n import locale_of
from generator.loader import load
from generator.markup import parse
from generator.model import DateValue, Precision, Text

FUZZ = float(os.environ.get("FACTSHEET_FUZZ", "1"))


def examples(n: int) -> int:
    return max(1, int(n * FUZZ))


SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow,
                                                       HealthCheck.function_scoped_fixture]}


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def check_file(folder: Path, content: str | bytes, name: str = "doc.yaml") -> None:
    """Check one file; any exception but the report of its problems fails the test."""
    path = folder / name
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    path.write_bytes(content)
    report = check([path])
    outcome = report.outcomes[0]
    assert report.exit_code in (0, 1)
    for problem in outcome.problems:
        assert problem.pos.line >= 1 and problem.pos.column >= 1
        assert problem.message


# --- the loader ---------------------------------------------------------------------------------

YAML_PIECES = [*"abcenru019 :-,[]{}'\"|>#&*!?%@`\n\n\n  \t\\/.~=<+_^", "  - ", ": ", "\n  ", "title",
               "languages", "sections", "text", "---", "...", "null", "2006-12-20", "NO", "\u200b", "é",
               "\x00"]
YAMLISH = st.lists(st.sampled_from(YAML_PIECES), max_size=120).map("".join)


@settings(max_examples=examples(4000), **SETTINGS)
@given(text=YAMLISH)
def test_fuzz_loader_yamlish_text(folder, text):
    check_file(folder, text)


@settings(max_examples=examples(800), **SETTINGS)
@given(data=st.binary(max_size=300))
def test_fuzz_loader_bytes(folder, data):
    check_file(folder, data)


# Documents that are nearly right, so that the later stages (localize, Markdown, footnotes) run.
WORDS = st.sampled_from(["Hello", "NO", "12:30", "0755", "2006", "[@a]", "[@g]", "[@a; @b]", "^[note [@a]]",
                         "[@nope]", "[x](https://example.org)", "[x](javascript:alert(1))", "![i](x.png)",
                         "# h", "<b>", "{{ x }}", "*", "`", "\n\n", "- ", "> ", "[@", "^[", "]", "&amp;",
                         "\u202e", "**a**", "[r]: http://x", "[r]"])
TEXT = st.lists(WORDS, max_size=8).map(" ".join)
LOCALIZED = st.one_of(TEXT, st.fixed_dictionaries({"en": TEXT, "ru": TEXT}),
                      st.fixed_dictionaries({"en": TEXT}), st.integers(), st.none(),
                      st.lists(TEXT, max_size=2))
DATES = st.sampled_from(["2006", "2006-12", "2006-12-20", "2014-05-12/2014-05-16", "2010-05/2010-06",
                         "2013-02-30", "0000", "2011/2010", "x", "2006-12-20/", "9999-12-31", "0001-01-01"])
TAGS = st.lists(st.sampled_from(["a", "b"]), max_size=2)
FILTER = st.fixed_dictionaries({}, optional={"tags": TAGS, "from": DATES, "to": DATES})
VALUE = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
                  st.text(max_size=3))
LABEL = st.one_of(TEXT, st.fixed_dictionaries({"en": st.fixed_dictionaries({"one": TEXT, "other": TEXT}),
                                               "ru": TEXT}))
FACT = st.fixed_dictionaries({"value": VALUE, "label": LABEL},
                             optional={"unit": st.sampled_from(["USD", "EUR", "XXX", "usd"])})
SECTION = st.one_of(
    st.fixed_dictionaries({"text": LOCALIZED}, optional={"heading": LOCALIZED}),
    st.fixed_dictionaries({"chronology": st.one_of(st.just({}), FILTER)}),
    st.fixed_dictionaries({"annex": st.sampled_from(["g", "a", "nope"])},
                          optional={"order": st.sampled_from(["alphabetical", "as-listed", "x"])}),
    st.fixed_dictionaries({"facts": st.lists(FACT, max_size=3)}),
)
SOURCE = st.fixed_dictionaries({"title": LOCALIZED}, optional={
    "date": DATES, "url": st.sampled_from(["https://x.org", "file:///etc/passwd"])})
MEMBERS = st.lists(st.sampled_from(["BY", "RU", "NO", "ZZ", "by"]), max_size=4)
GROUP = st.fixed_dictionaries({"name": LOCALIZED, "members": MEMBERS},
                              optional={"as_of": DATES, "note": LOCALIZED})
EVENT = st.fixed_dictionaries({"date": DATES, "text": LOCALIZED}, optional={
    "cite": st.lists(st.sampled_from(["a", "b", "g", "nope"]), max_size=3), "tags": TAGS})
DOCUMENT = st.fixed_dictionaries(
    {"title": LOCALIZED, "languages": st.sampled_from([["en"], ["en", "ru"], ["ru", "en"], ["en", "xx"], []]),
     "sections": st.lists(SECTION, max_size=4)},
    optional={"date": DATES, "sources": st.fixed_dictionaries({"a": SOURCE, "b": SOURCE}),
              "groups": st.fixed_dictionaries({"g": GROUP}), "events": st.lists(EVENT, max_size=4)},
)


def _dump(doc: dict[str, object]) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=False)


@settings(max_examples=examples(700), **SETTINGS)
@given(doc=DOCUMENT)
def test_fuzz_loader_nearly_valid_documents(folder, doc):
    check_file(folder, _dump(doc))


@settings(max_examples=examples(400), **SETTINGS)
@given(doc=DOCUMENT, cut=st.integers(0, 10_000), junk=st.text(max_size=5))
def test_fuzz_loader_damaged_documents(folder, doc, cut, junk):
    text = _dump(doc)
    cut %= len(text) + 1
    check_file(folder, text[:cut] + junk + text[cut:])


def test_load_raises_only_data_errors_on_a_sample(folder):
    # The same property through `load`, on the hostile fixtures of test_hostile.
    for p in sorted((Path(__file__).parent / "fixtures" / "hostile").glob("*.yaml")):
        with pytest.raises(DataError):
            load(p)


# --- dates --------------------------------------------------------------------------------------


@settings(max_examples=examples(2000), **SETTINGS)
@given(text=st.one_of(st.text(max_size=30),
                      st.text(alphabet="0123456789-/ T:٢", max_size=25)))
def test_date_parsing_raises_only_value_errors(text):
    try:
        value = DateValue.parse(text)
    except ValueError as e:
        assert str(e)
        return
    assert value.first <= value.last


LOCALES = ["en", "ru", "be", "fr", "ar", "zh_Hans", "en_US"]
FORMATTERS = {lang: DateFormatter(locale_of(lang)) for lang in LOCALES}


@settings(max_examples=examples(300), **SETTINGS)
@given(a=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), b=st.dates(dt.date(1, 1, 1)),
       precision=st.sampled_from(list(Precision)), lang=st.sampled_from(LOCALES), ranged=st.booleans())
def test_every_date_the_parser_accepts_can_be_formatted(a, b, precision, lang, ranged):
    def written(d: dt.date) -> str:
        iso = f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
        return iso[: {Precision.YEAR: 4, Precision.MONTH: 7, Precision.DAY: 10}[precision]]

    text = f"{written(min(a, b))}/{written(max(a, b))}" if ranged else written(a)
    try:
        value = DateValue.parse(text)
    except ValueError:
        assume(False)
        return
    shown = FORMATTERS[lang].format(value)
    assert shown and "\n" not in shown


# --- Markdown -----------------------------------------------------------------------------------

MARKDOWN_PIECES = [*string.printable, "[@a]", "[@b; @c]", "[@", "^[", "](", "](javascript:x)",
                   "](https://x.org)", "![", "<", ">", "&#106;", "\u202e", "\u00a0", "é", "ё", "`", "***",
                   "\n\n", "    ", "- ", "1. ", "> ", "[^1]", "[^1]: n"]
MARKDOWN = st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=80).map("".join)


@settings(max_examples=examples(3000), **SETTINGS)
@given(text=MARKDOWN, literal=st.booleans(), known=st.booleans())
def test_fuzz_markdown_parse_never_raises(text, literal, known):
    fragment, problems = parse(Text(text, Position("doc.yaml", 3, 5), literal, 4), lambda k: known)
    for problem in problems:
        assert problem.pos.line >= 3 and problem.message
    assert fragment is not None


# --- footnote numbering -------------------------------------------------------------------------

CITING = st.lists(st.sampled_from(["Text", "[@a]", "[@b]", "[@a; @b]", "[@g]", "^[free]", "^[see [@a]]",
                                   "and", "[@a][@b]"]), max_size=6).map(" ".join)


@settings(max_examples=examples(300), **SETTINGS)
@given(texts=st.lists(CITING, min_size=1, max_size=4),
       events=st.lists(st.tuples(DATES, CITING, st.lists(st.sampled_from(["a", "b", "g"]), max_size=2)),
                       max_size=3))
def test_fuzz_footnotes_are_numbered_1_to_n_in_every_edition(folder, texts, events):
    doc = {"title": {"en": "T", "ru": "Т"}, "languages": ["en", "ru"],
           "sources": {"a": {"title": "A"}, "b": {"title": "B"}},
           "groups": {"g": {"name": "G", "members": ["BY", "RU"]}},
           "events": [{"date": d, "text": t, "cite": c} for d, t, c in events],
           "sections": [{"text": t} for t in texts] + [{"chronology": {}}]}
    path = folder / "notes.yaml"
    path.write_text(_dump(doc), encoding="utf-8")
    try:
        prepared = prepare(path, str(path))
    except DataError:
        return  # an impossible date: reported, not raised otherwise
    numbers = [[f.number for f in r.footnotes] for r in prepared.editions]
    for seen in numbers:
        assert seen == list(range(1, len(seen) + 1))
    assert numbers[0] == numbers[1]

    def notes(text: str) -> int:  # `[@a; @b]` is one note; `^[see [@a]]` one, not two
        return text.count("[@") - text.count("^[see [@") + text.count("^[")

    expected = sum(map(notes, texts)) + sum(notes(t) + bool(c) for _, t, c in events)
    assert len(numbers[0]) == expected
