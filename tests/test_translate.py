"""Translating the data through PO files: export, import, stale translations, status."""

from __future__ import annotations

import difflib
import os
import shutil
import textwrap
from pathlib import Path

import polib
import pypdf
import pytest
from click.testing import CliRunner

from generator.build import build, check
from generator.cli_translate import translate
from generator.errors import DataError
from generator.translate import export, import_po, stale_problems, status

ROOT = Path(__file__).resolve().parents[1]
FIRST = ROOT / "data" / "belarus-anti-trafficking.yaml"


@pytest.fixture
def first(tmp_path: Path) -> Path:
    data = tmp_path / "data" / "belarus-anti-trafficking.yaml"
    data.parent.mkdir()
    shutil.copy(FIRST, data)
    return data


def write(tmp_path: Path, text: str, name: str = "doc.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def test_round_trip_changes_only_the_three_edited_values(first: Path, tmp_path: Path) -> None:
    before = first.read_text("utf-8").splitlines()
    po_path = export(first, "ru", tmp_path / "po")
    po = polib.pofile(str(po_path))
    edits = {
        "title": "Роль Беларуси в борьбе с торговлей людьми во всем мире",
        "sections[1].heading": "Глобальное партнерство и резолюции ООН",
        "events[4].text": "Беларусь проводит в Центральных учреждениях ООН конференцию «Торговля женщинами и "
                          "девочками» — новый текст.",
    }
    for entry in po:
        if entry.msgctxt in edits:
            entry.msgstr = edits[entry.msgctxt]
    po.save()

    done = import_po(po_path)
    assert sorted(done.changed) == sorted(edits)
    after = first.read_text("utf-8").splitlines()
    hunks = [op for op in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()
             if op[0] != "equal"]
    assert len(hunks) == 3
    hunk_texts = [" ".join(line.strip() for line in after[j1:j2]) for _, _, _, j1, j2 in hunks]
    for new in edits.values():
        assert sum(new in h for h in hunk_texts) == 1

    out = tmp_path / "out"
    report = build([first], out, langs=["ru"], formats=["pdf"])
    assert report.exit_code == 0, [str(p) for o in report.outcomes for p in o.problems]
    reader = pypdf.PdfReader(out / "belarus-anti-trafficking" / "belarus-anti-trafficking.ru.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages).replace("\u2010 ", "")
    assert "Роль Беларуси в борьбе с торговлей людьми во всем мире" in text
    assert "Глобальное партнерство и резолюции ООН" in text
    assert "новый текст" in text


def test_export_has_one_entry_per_value_with_place_and_context(first: Path, tmp_path: Path) -> None:
    po = polib.pofile(str(export(first, "ru", tmp_path)))
    assert po.metadata["Language"] == "ru"
    assert po.metadata["X-Factsheet-Source-Language"] == "en"
    title = po.find("Belarus' role in the global fight against human trafficking", msgctxt="title")
    assert title is not None
    assert title.msgstr == "Роль Беларуси в глобальной борьбе с торговлей людьми"
    assert title.occurrences == [(str(first), "5")]
    # Identical source texts in different places stay distinct entries.
    contexts = [e.msgctxt for e in po]
    assert len(contexts) == len(set(contexts))
    title = "Improving the coordination of efforts against trafficking in persons"
    same = [e for e in po if e.msgid == title]
    assert len(same) >= 3
    # A plural label: msgid/msgid_plural, and one msgstr per Russian gettext form (one, few, many).
    label = next(e for e in po if e.msgctxt == "sections[5].facts[5].label")
    assert label.msgid_plural
    assert label.msgstr_plural[0].startswith("государство")
    assert label.msgstr_plural[1].startswith("государства")
    assert label.msgstr_plural[2].startswith("государств ")


def test_editing_a_source_text_makes_its_translation_stale(first: Path, tmp_path: Path) -> None:
    po_path = export(first, "ru", tmp_path)
    import_po(po_path)  # records a fingerprint of each English text the translation was made from
    assert [(s.lang, s.stale) for s in status(first)] == [("ru", 0)]

    old = "Belarus' role in the global fight against human trafficking"
    first.write_text(first.read_text("utf-8").replace(f"en: {old}", "en: Belarus against human trafficking"),
                     "utf-8")
    [s] = status(first)
    assert (s.translated, s.stale, s.missing) == (68, 1, 0)
    assert [str(p) for p in stale_problems(first, str(first), ["en", "ru"])] == [
        f"{first}:6:7: the ru text of title is stale: its en source changed after it was translated"]

    po = polib.pofile(str(export(first, "ru", tmp_path)))
    entry = po.find("Belarus against human trafficking", msgctxt="title")
    assert entry is not None
    assert entry.fuzzy
    assert entry.previous_msgid == old
    assert f'#| msgid "{old}"' in (tmp_path / "belarus-anti-trafficking.ru.po").read_text("utf-8")


def test_broken_citation_in_a_translation_is_an_import_error(first: Path, tmp_path: Path) -> None:
    po_path = export(first, "ru", tmp_path)
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if e.msgctxt == "sections[2].text")
    entry.msgstr = entry.msgstr.replace("[@group-of-friends]", "[@group-of-friend").replace(
        "[@A/RES/65/497]", "")
    po.save()
    before = first.read_bytes()
    with pytest.raises(DataError) as caught:
        import_po(po_path)
    line = next(e.linenum for e in polib.pofile(str(po_path)) if e.msgctxt == "sections[2].text")
    assert [str(p) for p in caught.value.problems] == [
        f"{po_path}:{line}:1: entry 'sections[2].text': the translation's citations and footnotes "
        "([@A/66/398; @A/67/497]) differ from the source's ([@group-of-friends], [@A/RES/65/497], "
        "[@A/66/398; @A/67/497]); keep every [@key] and ^[...] as written"]
    assert first.read_bytes() == before


def test_import_adds_missing_translations_where_they_belong(tmp_path: Path) -> None:
    data = write(tmp_path, """\
        # A comment that must survive.
        title: {en: A title}
        languages: [en, fr]
        sections:
          - heading:
              en: 'Quoted: heading'
            text:
              en: |
                First paragraph.

                Second paragraph[@s].
            # between
          - facts:
              - {value: 2, label: {en: {one: State, other: States}}}
        sources:
          s: {title: {en: Source, fr: Source}}
        """)
    assert check([data]).exit_code == 1  # French texts are missing
    po_path = export(data, "fr", tmp_path / "po")
    po = polib.pofile(str(po_path))
    assert [e.msgctxt for e in po if not e.translated()] == [
        "title", "sections[0].heading", "sections[0].text", "sections[1].facts[0].label"]
    for entry in po:
        if entry.msgctxt == "title":
            entry.msgstr = "Un titre, avec virgule"
        elif entry.msgctxt == "sections[0].heading":
            entry.msgstr = "Titre : deux-points"
        elif entry.msgctxt == "sections[0].text":
            entry.msgstr = "Premier paragraphe.\n\nSecond paragraphe[@s]."
        elif entry.msgid_plural:
            entry.msgstr_plural = {0: "État", 1: "États de plus", 2: "États"}
    po.save()
    import_po(po_path)
    assert data.read_text("utf-8") == textwrap.dedent("""\
        # A comment that must survive.
        title: {en: A title, fr: "Un titre, avec virgule"}
        languages: [en, fr]
        sections:
          - heading:
              en: 'Quoted: heading'
              fr: "Titre : deux-points"
            text:
              en: |
                First paragraph.

                Second paragraph[@s].
              fr: |
                Premier paragraphe.

                Second paragraphe[@s].
            # between
          - facts:
              - {value: 2, label: {en: {one: State, other: States}, FR_LABEL}}
        sources:
          s: {title: {en: Source, fr: Source}}
        """).replace("FR_LABEL", 'fr: {one: "État", many: "États de plus", other: "États"}')
    assert check([data]).exit_code == 0


def test_cli_export_status_and_import(first: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    po_dir = tmp_path / "po"
    result = runner.invoke(translate, ["export", str(first), "--lang", "ru", "--to", str(po_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {po_dir}/belarus-anti-trafficking.ru.po\n"
    result = runner.invoke(translate, ["status", str(first)])
    assert result.stdout == f"{first}: ru: 69 translated, 0 stale, 0 missing\n"
    result = runner.invoke(translate, ["import", str(po_dir / "belarus-anti-trafficking.ru.po")])
    assert result.exit_code == 0
    assert result.stdout == "belarus-anti-trafficking.yaml: 0 ru text(s) changed\n"


def test_check_warns_about_a_stale_translation_and_strict_fails(first: Path, tmp_path: Path) -> None:
    from generator.cli import main

    import_po(export(first, "ru", tmp_path))
    first.write_text(first.read_text("utf-8").replace(
        "en: Belarus' role in the global fight against human trafficking",
        "en: Belarus against human trafficking"), "utf-8")
    warning = (f"{first}: warning: {first}:6:7: the ru text of title is stale: its en source changed "
               "after it was translated\n")
    result = CliRunner().invoke(main, ["check", str(first)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"{first}: ok\n", warning)
    result = CliRunner().invoke(main, ["check", "--strict", str(first)])
    assert result.exit_code == 1
    assert result.stderr == warning.replace(": warning: ", ": error: ") + "1 of 1 document(s) failed\n"


@pytest.mark.parametrize(("content", "problem"), [
    ('{"title": ', "2:1: the translations' record is damaged (not JSON in UTF-8): restore it from version "
                   "control, or delete it (then no translation is known to be stale)"),
    (None, "1:1: cannot read the translations' record: not a regular file"),
])
def test_a_damaged_translations_record_is_a_problem_at_its_place(tmp_path: Path, content: str | None,
                                                                 problem: str) -> None:
    data = tmp_path / "doc.yaml"
    shutil.copy(ROOT / "tests" / "fixtures" / "golden" / "sample.yaml", data)
    record = tmp_path / "doc.i18n.json"
    if content is None:
        os.mkfifo(record)  # never waited for
    else:
        record.write_text(content + "\n", "utf-8")
    report = check([data], remember=False)
    assert [str(p) for p in report.outcomes[0].problems] == [f"{record}:{problem}"]
    # A build says the same, as a problem of the document's data (not a failure of the build).
    report = build([data], tmp_path / "out", formats=["html"], jobs=1)
    assert [str(p) for p in report.outcomes[0].problems] == [f"{record}:{problem}"]
    assert report.outcomes[0].failure is None and report.exit_code == 1
