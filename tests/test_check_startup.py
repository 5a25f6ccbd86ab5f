"""What `check` does without: libraries it loads only when it needs them, the same work done once
a run. Each shortcut gives exactly what the long way gave."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from generator import i18n, markup, yamltree
from generator.errors import DataError, Position
from generator.i18n import Formatter
from generator.model import Text
from generator.typography import RULES

from .probe import run_importing
from .test_glyph_cache import SAMPLE


def test_country_codes_are_pycountrys(monkeypatch: pytest.MonkeyPatch) -> None:
    import pycountry

    official = {str(c.alpha_2) for c in pycountry.countries}
    i18n._alpha_2.cache_clear()
    assert i18n._alpha_2() == official
    assert {"BY", "RU", "SS", "PS"} <= official and not {"XK", "EU", "ZZ"} & official
    # Should pycountry keep its table elsewhere, its API answers.
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    i18n._alpha_2.cache_clear()
    assert i18n._alpha_2() == official
    i18n._alpha_2.cache_clear()


def test_the_catalog_is_compiled_when_a_word_is_asked_for() -> None:
    i18n.translations.cache_clear()
    fmt = Formatter("ru")
    assert i18n.translations.cache_info().currsize == 0
    assert fmt.gettext("Contents") != "Contents"
    assert i18n.translations.cache_info().currsize == 1


def test_a_text_read_again_gives_the_same_tree_and_a_changed_file_its_own(tmp_path: Path) -> None:
    data = tmp_path / "d.yaml"
    data.write_text("a: 1\na: 2\n", "utf-8")
    first = yamltree.read(data, "d.yaml")
    again = yamltree.read(data, "d.yaml")
    assert again == first and [p.message for p in again[1]] == [
        "duplicate key 'a' (first written at line 1); a key may appear only once in a mapping"]
    data.write_text("a: 3\nb: 2\n", "utf-8")  # the same size: the bytes are read again all the same
    root, problems = yamltree.read(data, "d.yaml")
    assert [(k.value, v.value) for k, v in root.items] == [("a", "3"), ("b", "2")]  # type: ignore[union-attr]
    assert problems == ()
    # What stops the reading stops it every time.
    data.write_text("a: &x 1\nb: *x\n", "utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            yamltree.read(data, "d.yaml")


def test_a_text_parsed_for_two_editions_is_typeset_for_each_without_changing_the_other() -> None:
    text = Text('He said "yes" -- in Minsk, 1990-1995 [@a].', Position("x", 1, 1))
    plain, _ = markup.parse(text, lambda key: True)
    russian, _ = markup.parse(text, lambda key: True, RULES["ru"])
    english, _ = markup.parse(text, lambda key: True, RULES["en"])
    again, _ = markup.parse(text, lambda key: True)
    words = [t.content for t in plain.tokens[1].children or [] if t.type == "text"]
    assert words == ['He said "yes" -- in Minsk, 1990-1995 ', "."]
    assert [t.content for t in again.tokens[1].children or [] if t.type == "text"] == words
    assert "«yes»" in markup.to_html(russian, _Notes()) and "“yes”" in markup.to_html(english, _Notes())


class _Notes:
    def call(self, note: markup.Note, body: str) -> str:
        return f"[{body}]"

    def citation(self, keys: tuple[str, ...]) -> str:
        return ",".join(keys)


def test_check_loads_no_library_it_does_not_need(tmp_path: Path) -> None:
    """A check of valid data with the glyph cache warm (its verdict not remembered): no font
    library, no country database, no catalog compiler."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    modules = ("fontTools", "pycountry", "babel.messages.pofile", "yaml", "markdown_it")
    for _ in range(2):  # the first fills the cache
        probe = run_importing(["check", "--no-cache", str(SAMPLE)], modules, env)
    assert probe.exit_code == 0, probe
    assert probe.imported == ("yaml", "markdown_it")  # the probe works


def test_long_texts_are_not_kept(tmp_path: Path) -> None:
    """What a long-lived process keeps stays small: a long file's tree and a long text's tokens are
    made again each time, and are the same."""
    data = tmp_path / "long.yaml"
    data.write_text("a: " + "x" * yamltree.MAX_KEPT_TEXT + "\n", "utf-8")
    yamltree._built.cache_clear()
    assert yamltree.read(data, "long.yaml") == yamltree.read(data, "long.yaml")
    assert yamltree._built.cache_info().currsize == 0
    markup._kept_tokens.cache_clear()
    long = Text("word " * markup.MAX_KEPT_TEXT, Position("x", 1, 1))
    assert markup.parse(long, lambda key: True)[0] == markup.parse(long, lambda key: True)[0]
    assert markup._kept_tokens.cache_info().currsize == 0
