"""A corpus for the benchmark: the first document plus synthetic documents of 1 to 50 pages."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST = ROOT / "data" / "belarus-anti-trafficking.yaml"

# About 8 paragraphs of this size fill an A4 page with their footnotes.
PARAGRAPH_EN = ("The General Assembly considered the coordination of efforts against trafficking in "
                "persons and the role of Member States, international organizations and civil society "
                "in preventing the crime, protecting its victims and prosecuting those responsible{cite}. "
                "Delegations stressed the importance of a concerted response.")
PARAGRAPH_RU = ("Генеральная Ассамблея рассмотрела вопрос о координации усилий по борьбе с торговлей "
                "людьми и о роли государств-членов, международных организаций и гражданского общества в "
                "предупреждении этого преступления, защите его жертв и преследовании виновных{cite}. "
                "Делегации подчеркнули важность согласованных действий.")
PAGES = (1, 2, 3, 5, 8, 13, 21, 50)
PARAGRAPHS_PER_PAGE = 7


def synthetic(pages: int, index: int) -> str:
    sections = []
    for s in range(max(1, pages)):
        paras_en, paras_ru = [], []
        for p in range(PARAGRAPHS_PER_PAGE):
            cite = "[@A/RES/61/180]" if (s + p) % 3 == 0 else ""
            paras_en.append(PARAGRAPH_EN.format(cite=cite))
            paras_ru.append(PARAGRAPH_RU.format(cite=cite))
        sections.append(
            f"  - heading: {{en: Section {s + 1}, ru: Раздел {s + 1}}}\n"
            "    text:\n      en: |\n" + "".join(f"        {t}\n\n" for t in paras_en)
            + "      ru: |\n" + "".join(f"        {t}\n\n" for t in paras_ru))
    return (
        f"title: {{en: Synthetic document {index} of {pages} pages, ru: Документ {index} на {pages} с.}}\n"
        "issuer: {en: Benchmark Office, ru: Отдел замеров}\n"
        "languages: [en, ru]\n"
        "sources:\n"
        "  A/RES/61/180:\n"
        "    title: {en: Improving the coordination of efforts against trafficking in persons,\n"
        "            ru: Совершенствование координации усилий по борьбе с торговлей людьми}\n"
        "    date: 2006-12-20\n"
        "sections:\n" + "".join(sections))


def make(folder: Path, count: int = 40) -> list[Path]:
    """`count` data files in `folder`: the first document, then synthetic ones of PAGES pages."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / FIRST.name]
    shutil.copy(FIRST, paths[0])
    for i in range(1, count):
        path = folder / f"synthetic-{i:02d}.yaml"
        path.write_text(synthetic(PAGES[i % len(PAGES)], i), "utf-8")
        paths.append(path)
    return paths
