"""A footnote stays on the page of its call in the first layout (generator/footnote_policy.py):
where WeasyPrint's own policy moves notes to the next page, ours breaks the page before the line
instead; everything else WeasyPrint lays out as before."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from generator import footnote_policy, pdf
from generator.build import prepare
from generator.render import Page, PrintSetup, render

ROOT = Path(__file__).resolve().parents[1]


def test_the_policy_is_in_place_on_this_weasyprint() -> None:
    """If WeasyPrint's layout context changes, this says so (and write_pdf's extra layouts
    keep the notes in place meanwhile)."""
    assert footnote_policy.apply() is True


def _layout(page: Page) -> tuple[int, dict[int, int], dict[int, int]]:
    """Page count, and the page of each call and of each note, of one bare WeasyPrint layout."""
    import weasyprint

    base = pdf.FONTS.as_uri() + "/"
    css = weasyprint.CSS(string=page.print_css, base_url=base, font_config=pdf._fonts())
    document = weasyprint.HTML(string=page.html, base_url=base).render(
        stylesheets=[css], font_config=pdf._fonts())
    calls, notes = {}, {}
    for number, laid_out in enumerate(document.pages):
        for anchor in laid_out.anchors:
            if anchor.startswith("fnref-"):
                calls[int(anchor[6:])] = number
            elif anchor.startswith("fn-"):
                notes[int(anchor[3:])] = number
    return len(document.pages), calls, notes


@pytest.fixture(scope="module")
def synthetic_page(tmp_path_factory: pytest.TempPathFactory) -> Page:
    """The benchmark's 13-page synthetic document: a note at the end of every third paragraph."""
    from benchmarks.corpus import synthetic

    path = tmp_path_factory.mktemp("policy") / "thirteen.yaml"
    path.write_text(synthetic(13, 99), "utf-8")
    resolved = prepare(path, str(path)).editions[0]
    return render(resolved, "print", setup=PrintSetup(facing=True))


def test_weasyprints_own_policy_moves_notes_away_from_their_calls(synthetic_page: Page,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(footnote_policy, "ACTIVE", False)
    _, calls, notes = _layout(synthetic_page)
    moved = sorted(n for n in calls if notes[n] != calls[n])
    assert len(moved) >= 3, moved
    assert all(notes[n] == calls[n] + 1 for n in moved)


def test_ours_keeps_every_note_on_its_calls_page_in_one_layout(synthetic_page: Page) -> None:
    pages, calls, notes = _layout(synthetic_page)
    assert len(calls) == len(notes) == synthetic_page.html.count('class="footnote"') > 20
    assert [n for n in calls if notes[n] != calls[n]] == []
    printed = pdf.write_pdf(lambda keep, breaks, facing: synthetic_page)
    assert printed.layouts == 1 and printed.pages == pages
    assert not any("another page than its call" in w for w in printed.warnings)


def test_notes_in_columns_are_laid_out_as_weasyprint_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """In columns (the annexes' lists) WeasyPrint's own rules stay: the same PDF with the
    policy and without it."""
    css = (ROOT / "templates" / "factsheet" / "print.css").read_text("utf-8")
    css = css[css.index("@font-face"):css.index("{%")] + (
        "@page { size: A6; margin: 10mm }\n"
        "body { font-family: 'Noto Serif'; font-size: 9pt }\n"
        ".note { float: footnote; footnote-policy: line; font-size: 8pt }\n"
        ".cols { columns: 2 }\n")
    paragraphs = "".join(
        f"<p>Member State {n} of the group of friends, with a long name"
        f"<span class=\"note\">Note {n}: a note long enough to take two or three lines at the foot "
        "of a small page, so that several of them overflow it.</span> and more words after it.</p>"
        for n in range(1, 25))
    page = Page(f'<html lang="en"><body><div class="cols">{paragraphs}</div></body></html>', css)
    ours = pdf.write_pdf(lambda keep, breaks, facing: page)
    monkeypatch.setattr(footnote_policy, "ACTIVE", False)
    theirs = pdf.write_pdf(lambda keep, breaks, facing: page)
    assert ours.pdf == theirs.pdf
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(ours.pdf)).pages)
    assert all(f"Note {n}:" in text for n in range(1, 25))
