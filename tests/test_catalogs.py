"""The catalogs of the template's own words: complete for Russian, valid for every language, and
a language without one builds in English words with one warning that says how to create it."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from generator.build import build
from generator.i18n import catalog_locales

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "generator" / "locale"


def template_messages() -> dict[str | tuple[str, ...], list[str]]:
    """Every message the templates and the package use, extracted as `pybabel extract` does,
    with the mappings configured in pyproject.toml: message id → where it is used."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["babel"]["mappings"]
    method_map = [(m["pattern"], m["method"]) for m in config]
    options_map = {m["pattern"]: {k: v for k, v in m.items() if k not in ("pattern", "method")}
                   for m in config}
    found: dict[str | tuple[str, ...], list[str]] = {}
    for path, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map):
        if not path.startswith(("templates", "generator")):
            continue
        key = message if isinstance(message, str) else tuple(m for m in message if m)
        if isinstance(key, tuple) and len(key) == 1:
            key = key[0]
        found.setdefault(key, []).append(f"{path}:{lineno}")
    return found


def catalog(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "factsheet.po").open("rb") as f:
        return read_po(f, locale=lang, domain="factsheet")


def test_extraction_finds_the_templates_words() -> None:
    messages = template_messages()
    assert {"Date", "Event", "Notes", "Page %(page)s of %(pages)s",
            ("%(num)s member", "%(num)s members")} <= set(messages)


def test_every_template_word_is_translated_in_russian() -> None:
    ru = catalog("ru")
    problems = []
    for key, where in sorted(template_messages().items(), key=str):
        msgid = key[0] if isinstance(key, tuple) else key
        entry = ru.get(msgid)
        if entry is None:
            problems.append(f"{key!r} ({', '.join(where)}) is missing from ru: run pybabel update")
        elif entry.fuzzy:
            problems.append(f"{key!r} is fuzzy in ru: review it and drop the fuzzy flag")
        elif not (all(entry.string) if isinstance(entry.string, tuple) else entry.string):
            problems.append(f"{key!r} is not translated in ru")
        elif isinstance(key, tuple) and len(entry.string) != ru.num_plurals:
            problems.append(f"{key!r} needs {ru.num_plurals} plural forms in ru")
    assert problems == []


@pytest.mark.parametrize("lang", sorted(set(catalog_locales())))
def test_every_catalog_is_valid(lang: str) -> None:
    """Placeholders kept, plural forms complete (babel's own checks)."""
    cat = catalog(lang)
    errors = [(m.id, [str(e) for e in errs]) for m, errs in cat.check()]
    assert errors == []
    for message in cat:
        if message.id and isinstance(message.string, tuple):
            assert len(message.string) == cat.num_plurals, message.id


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "doc.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_language_without_catalog_builds_in_english_words_with_one_warning(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        title: {es: Título, en: Title}
        languages: [es, en]
        groups:
          g: {name: {es: Grupo, en: Group}, members: [ES, FR]}
        events:
          - {date: 2006-12-20, text: {es: Algo, en: Something}}
        sections:
          - chronology: {}
          - annex: g
        """)
    report = build([path], tmp_path / "out", formats=["html"])
    outcome = report.outcomes[0]
    assert report.exit_code == 0
    assert outcome.warnings == [
        "es: no catalog for the template's own words (generator/locale/es/LC_MESSAGES/factsheet.po): "
        "they are shown in English; create it with `pybabel init -D factsheet -i "
        "generator/locale/factsheet.pot -d generator/locale -l es` and translate it"]
    html = (tmp_path / "out" / "doc" / "doc.es.html").read_text("utf-8")
    assert "20 de diciembre de 2006" in html
    # The English words say they are English: lang="en" where the edition is `es`.
    assert '<html lang="es" dir="ltr">' in html
    assert '<tr lang="en"><th scope="col">Date</th><th scope="col">Event</th></tr>' in html
    assert '<p class="group-count" lang="en">2 members</p>' in html
    assert "<li>España</li>\n<li>Francia</li>" in html


@pytest.mark.parametrize("lang", ["ru", "fr", "de", "sv", "be", "ar", "zh_Hans", "en_GB"])
def test_languages_with_a_catalog_build_without_warning(tmp_path: Path, lang: str) -> None:
    path = write(tmp_path, f"""\
        title: T
        languages: [{lang}]
        events:
          - {{date: 2006, text: x}}
        sections:
          - chronology: {{}}
        """)
    report = build([path], tmp_path / "out", formats=["html"])
    assert report.exit_code == 0
    assert report.outcomes[0].warnings == []
    html = (tmp_path / "out" / "doc" / f"doc.{lang}.html").read_text("utf-8")
    assert '<thead><tr><th scope="col">' in html  # the words are in the edition's language
