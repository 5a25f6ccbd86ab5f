"""Everything that depends on the edition's language, bound to one locale.

`Formatter(lang)` is to an edition what `babel.Locale` is to Babel: dates, numbers, amounts,
plural forms, country names, collation and the template's own words, all for one language.
"""

from __future__ import annotations

import csv
import gettext
import io
from collections.abc import Sequence
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Protocol

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.numbers import format_decimal, list_currencies, parse_pattern

from .datefmt import DateFormatter
from .model import DateValue, PluralForms
from .typography import Rules, rules_for, typeset_text

# `en` in data means international English; `en_US` and the rest keep their own CLDR data.
_CLDR_ALIASES = {"en": "en_001"}

# The six official languages of the United Nations: the ODS serves documents in each.
UN_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")

CATALOG_DOMAIN = "factsheet"
# The package's own files, beside this module (not through importlib.resources, which `check`
# would import for them alone).
PACKAGE = Path(__file__).parent


def locale_of(code: str) -> Locale:
    """The CLDR locale of a language code as written in data; ValueError when unknown."""
    try:
        return _parsed(_CLDR_ALIASES.get(code, code))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"unknown language {code!r}; expected a CLDR locale identifier such as "
                         "en, ru, fr, en_GB or zh_Hans") from None


@cache
def _parsed(identifier: str) -> Locale:
    # Asked for each localized value of a document: parsed once per language.
    return Locale.parse(identifier)


def language_problem(code: str) -> str | None:
    try:
        locale_of(code)
    except ValueError as e:
        return str(e)
    return None


def bcp47(code: str) -> str:
    return code.replace("_", "-")


def plural_categories(code: str) -> frozenset[str]:
    return frozenset(locale_of(code).plural_form.tags) | {"other"}


# --- countries ---------------------------------------------------------------------------------


@cache
def un_names() -> dict[str, dict[str, str]]:
    """The names the United Nations uses for its Member and observer States: code → language → name.

    The table's columns other than `code` and `status` are languages; adding a column adds the
    UN's names in that language, with no code to change.
    """
    text = (PACKAGE / "tables" / "un_names.tsv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text), delimiter="\t")
    return {r["code"]: {k: v for k, v in r.items() if k not in ("code", "status")} for r in rows}


def country_problem(code: str) -> str | None:
    """Why `code` is not an officially assigned ISO 3166-1 alpha-2 code, or None."""
    if len(code) != 2 or not code.isascii() or not code.isupper():
        return f"{code!r} is not an ISO 3166-1 alpha-2 country code (two capital letters, such as BY)"
    if code not in _alpha_2():
        return (f"{code!r} is not an officially assigned ISO 3166-1 alpha-2 country code "
                "(user-assigned and CLDR-only codes such as ZZ, EU or XK are refused)")
    return None


@cache
def _alpha_2() -> frozenset[str]:
    """The officially assigned ISO 3166-1 alpha-2 codes, as pycountry has them.

    Read from pycountry's own table without importing pycountry: its import (which reads its
    package metadata) and its indexes cost `check` about 50 ms, the table alone 1 ms. Should a
    pycountry release keep the table elsewhere or otherwise, its API answers instead.
    """
    import importlib.util
    import json

    spec = importlib.util.find_spec("pycountry")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            table = json.loads((Path(folder) / "databases" / "iso3166-1.json").read_bytes())
            codes = frozenset(entry["alpha_2"] for entry in table["3166-1"])
        except (OSError, ValueError, TypeError, KeyError):
            continue
        if codes and all(isinstance(c, str) for c in codes):
            return codes
    import pycountry

    return frozenset(str(country.alpha_2) for country in pycountry.countries)


def currency_problem(code: str) -> str | None:
    if code not in _currencies():
        return f"{code!r} is not an ISO 4217 currency code (such as USD, EUR or BYN)"
    return None


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


# --- catalogs ----------------------------------------------------------------------------------


@cache
def catalog_locales() -> tuple[str, ...]:
    root = PACKAGE / "locale"
    return tuple(sorted(p.name for p in root.iterdir() if (p / "LC_MESSAGES").is_dir()))


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The template's own words for a language, compiled from its `.po` catalog in memory.

    Compiling at first use means `pip install` alone gives a working tool: there is no `.mo`
    to forget. English needs no catalog: the words in the templates are English.
    """
    # Imported here: only rendering needs the catalogs, never `check`.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    locale = locale_of(code)
    for name in (str(locale), locale.language):
        po = PACKAGE / "locale" / name / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"
        if po.is_file():
            with po.open("rb") as f:
                catalog = read_po(f, locale=name, domain=CATALOG_DOMAIN)
            buf = io.BytesIO()
            write_mo(buf, catalog)
            buf.seek(0)
            return Translations(buf, domain=CATALOG_DOMAIN)
    return gettext.NullTranslations()


def has_catalog(code: str) -> bool:
    locale = locale_of(code)
    return locale.language == "en" or bool({str(locale), locale.language} & set(catalog_locales()))


# --- the formatter -----------------------------------------------------------------------------


class Formatter:
    """Formats values for one language, as an edition in that language shows them."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.locale = locale_of(code)
        self.tag = bcp47(code)
        self.direction = "rtl" if self.locale.character_order == "right-to-left" else "ltr"
        self._dates = DateFormatter(self.locale)
        self.typography: Rules = rules_for(self.locale)
        # The language of the template's own words: English where the language has no catalog.
        self.words_tag = self.tag if has_catalog(code) else "en"

    @cached_property
    def translations(self) -> gettext.NullTranslations:
        # On first use: compiling a catalog is the renderer's cost, never `check`'s.
        return translations(self.code)

    def list_of(self, names: Sequence[str]) -> str:
        """`A, B and C` as the language joins a list, its own words typeset (`и\u00a0C`), the
        names kept exactly as written."""
        marks = [chr(0xE100 + i) for i in range(len(names))]  # private use: one per name
        joined = self.typeset(str(format_list(marks, locale=self.locale)))
        for mark, name in zip(marks, names, strict=True):
            joined = joined.replace(mark, name)
        return joined

    def typeset(self, text: str) -> str:
        """A plain text of the data (a heading, a title, a label) in the language's typography."""
        return typeset_text(text, self.typography)

    # dates and numbers
    def date(self, value: DateValue) -> str:
        return self._dates.format(value)

    @staticmethod
    def shown(value: Decimal | int) -> Decimal:
        """The number as an edition shows it: without trailing zeros (12.50 → 12.5, 1.0 → 1)."""
        value = Decimal(value)
        return Decimal(int(value)) if value == value.to_integral() else value.normalize()

    def number(self, value: Decimal | int) -> str:
        """Grouped as the language groups, without trailing zeros."""
        return str(format_decimal(self.shown(value), locale=self.locale, decimal_quantization=False))

    def amount(self, value: Decimal, currency: str) -> str:
        """A currency amount in the language's own pattern, without decimals when whole."""
        pattern = parse_pattern(self.locale.currency_formats["standard"])
        whole = value == value.to_integral()
        if whole:
            pattern.frac_prec = (0, 0)
        return str(pattern.apply(value, self.locale, currency=currency, currency_digits=not whole,
                                 decimal_quantization=not whole))

    def plural(self, forms: PluralForms, n: Decimal) -> str:
        """The form for `n` as shown: `1.0` is shown `1`, and so takes the singular."""
        category = self.locale.plural_form(self.shown(n))
        text = forms.forms.get(category) or forms.forms["other"]
        return text.value

    # names and order
    def country(self, code: str) -> str:
        un = un_names().get(code, {}).get(self.locale.language)
        if un:
            return un
        import pycountry

        # Every code was checked against pycountry while loading; CLDR knows nearly all of them.
        country = pycountry.countries.get(alpha_2=code)
        return str(self.locale.territories.get(code) or getattr(country, "name", code))

    def sort_key(self, text: str) -> bytes:
        """The key that orders texts as the language's alphabet does (its CLDR tailoring)."""
        return self._sorter.sort_key(text)

    @cached_property
    def _sorter(self) -> _Collator:
        # On first use: ICU's library is loaded only for documents that sort names.
        return _collator(str(self.locale))

    # the template's own words
    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    @property
    def undocs_language(self) -> str | None:
        return self.locale.language if self.locale.language in UN_LANGUAGES else None


class _Collator(Protocol):
    def sort_key(self, text: str) -> bytes: ...


@cache
def _collator(name: str) -> _Collator:
    """ICU's collator with the language's CLDR tailoring; the root order where ICU cannot load."""
    try:
        import icu  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:  # pragma: no cover - pyicu-wheels is a dependency
        return _RootCollator()
    collator = icu.Collator.createInstance(icu.Locale(name))

    class IcuCollator:
        def sort_key(self, text: str) -> bytes:
            return bytes(collator.getSortKey(text))

    return IcuCollator()


class _RootCollator:
    """The Unicode Collation Algorithm with the root order (DUCET), without tailoring: right for
    English and Russian (ё after е, й after и), not for Swedish or Chinese."""

    def __init__(self) -> None:
        from pyuca import Collator

        self._uca = Collator()

    def sort_key(self, text: str) -> bytes:
        # Fixed-width big-endian weights compare as bytes exactly as the tuple compares.
        return b"".join(w.to_bytes(2, "big") for w in self._uca.sort_key(text))
