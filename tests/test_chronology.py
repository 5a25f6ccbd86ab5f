"""Chronology sections: which events pass a filter, and in what order they come."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from generator.build import build

EVENTS = """\
events:
  - {date: 2007-03-01, text: march-first, tags: [a]}
  - {date: "2007", text: year-2007, tags: [b]}
  - {date: 2007-03, text: march-2007}
  - {date: 2009-12-30/2010-01-02, text: new-year-range, tags: [a]}
  - {date: 2010-05/2010-06, text: may-june-2010, tags: [c]}
  - {date: "2006", text: year-2006}
  - {date: 2007-03-01, text: march-first-again}
  - {date: 2011-01-01, text: jan-2011, tags: [b, c]}
"""


def chronology(tmp_path: Path, section: str) -> list[str]:
    data = tmp_path / "doc.yaml"
    data.write_text(textwrap.dedent(f"""\
        title: T
        languages: [en]
        sections:
          - chronology: {section}
        """) + EVENTS, "utf-8")
    report = build([data], tmp_path / "out", formats=["html"])
    assert report.exit_code == 0, [str(p) for o in report.outcomes for p in o.problems]
    html = (tmp_path / "out" / "doc" / "doc.en.html").read_text("utf-8")
    return re.findall(r"<td>([a-z0-9-]+)</td>", html)


def test_order_by_start_coarser_precision_first_then_as_written(tmp_path: Path) -> None:
    assert chronology(tmp_path, "{}") == [
        "year-2006", "year-2007", "march-2007", "march-first", "march-first-again",
        "new-year-range", "may-june-2010", "jan-2011"]


@pytest.mark.parametrize(("section", "expected"), [
    # A bound covers its whole period; an event passes when its own period overlaps the bounds.
    ("{from: 2010}", ["new-year-range", "may-june-2010", "jan-2011"]),
    ("{to: 2009}", ["year-2006", "year-2007", "march-2007", "march-first", "march-first-again",
                    "new-year-range"]),
    ("{from: 2007-03-01, to: 2007-03-01}", ["year-2007", "march-2007", "march-first", "march-first-again"]),
    ("{from: 2010-06, to: 2010-12}", ["may-june-2010"]),
    ("{from: 2010-01-02, to: 2010-01-02}", ["new-year-range"]),
    # With tags, an event passes when it has any of them.
    ("{tags: [a]}", ["march-first", "new-year-range"]),
    ("{tags: [b, c]}", ["year-2007", "may-june-2010", "jan-2011"]),
    ("{tags: [c], from: 2011}", ["jan-2011"]),
])
def test_filters(tmp_path: Path, section: str, expected: list[str]) -> None:
    assert chronology(tmp_path, section) == expected


def test_filter_bounds_the_wrong_way_round_is_an_error(tmp_path: Path) -> None:
    data = tmp_path / "doc.yaml"
    data.write_text("title: T\nlanguages: [en]\nsections:\n"
                    "  - chronology: {from: 2011, to: 2010-12}\n", "utf-8")
    report = build([data], tmp_path / "out", formats=["html"])
    assert [str(p) for p in report.outcomes[0].problems] == [
        f"{data}:4:24: from (2011) is after to (2010-12)"]
