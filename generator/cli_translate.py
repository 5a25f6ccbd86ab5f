"""`factsheet translate`: the translators' commands, a thin shell over `generator.translate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import DataError, FactsheetError, exit_code


def _fail(error: FactsheetError) -> None:
    if isinstance(error, DataError):
        for problem in error.problems:
            click.echo(str(problem), err=True)
    else:
        click.echo(f"error: {error}", err=True)
    sys.exit(exit_code(error))


@click.group()
def translate() -> None:
    """Exchange a document's texts with translators as PO files."""


@translate.command("export")
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", required=True, help="The languages to export, e.g. ru or ru,fr.")
@click.option("--to", "to", type=click.Path(file_okay=False, path_type=Path), default=Path("translations"),
              show_default=True, help="The folder for the PO files.")
def export_cmd(data: tuple[Path, ...], lang: str, to: Path) -> None:
    """Write one PO file per document and language: DIR/<id>.<lang>.po."""
    from .translate import export  # here, not above: `factsheet --help` never loads it

    try:
        for path in data:
            for code in [c.strip() for c in lang.split(",") if c.strip()]:
                click.echo(f"wrote {export(path, code, to)}")
    except FactsheetError as e:
        _fail(e)


@translate.command("import")
@click.argument("po", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_cmd(po: tuple[Path, ...]) -> None:
    """Write the translations of PO files back into their data files."""
    from .translate import import_po

    try:
        for path in po:
            done = import_po(path)
            click.echo(f"{done.data.name}: {len(done.changed)} {done.lang} text(s) changed")
    except FactsheetError as e:
        _fail(e)


@translate.command("status")
@click.argument("data", nargs=-1, type=click.Path(exists=True, path_type=Path))
def status_cmd(data: tuple[Path, ...]) -> None:
    """Per document and language: translated, stale and missing texts."""
    from .translate import status

    paths: list[Path] = []
    for given in data or (Path("data"),):
        paths.extend(sorted(given.glob("*.yaml")) if given.is_dir() else [given])
    try:
        for path in paths:
            for s in status(path):
                click.echo(f"{path}: {s.lang}: {s.translated} translated, {s.stale} stale, "
                           f"{s.missing} missing")
    except FactsheetError as e:
        _fail(e)
