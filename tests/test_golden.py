"""The HTML of each golden fixture, edition by edition, is exactly the reviewed golden file."""

from __future__ import annotations

from pathlib import Path

import pytest

from .golden import GOLDEN, render_all

LANGS = ["en", "ru"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {built.name: built for built in render_all(tmp_path_factory.mktemp("golden"))}


@pytest.mark.parametrize("lang", LANGS)
def test_html_matches_golden(rendered: dict[str, Path], lang: str) -> None:
    name = f"sample.{lang}.html"
    golden = GOLDEN / name
    assert golden.exists(), f"no golden file {golden}: run `make golden` and review it"
    assert rendered[name].read_text("utf-8") == golden.read_text("utf-8"), (
        f"{name} differs from its golden file: if the change is intended, run `make golden` "
        "and review the diff")
