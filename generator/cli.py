"""The command line: a thin shell over `generator.build` (no logic of its own).

Start-up time is part of the interface (`factsheet --help`, `factsheet check` in an editor's
save hook): this module imports click and the build module's constants only, and each command
imports the stages it runs when it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .build import FORMATS, PAPERS, PDF_VARIANTS, Outcome, PdfOptions, Report
from .cli_translate import translate
from .errors import FactsheetError, exit_code


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _say(o: Outcome, verb: str) -> None:
    """What happened to one document: its problems, warnings and the files it wrote."""
    for problem in o.problems:
        click.echo(str(problem), err=True)
    if o.failure:
        click.echo(f"{o.display}: {o.failure}", err=True)
    kind = "error" if o.strict else "warning"
    for warning in o.warnings:
        click.echo(f"{o.display}: {kind}: {warning}", err=True)
    for path in o.written:
        click.echo(f"wrote {path}")
    if o.ok and verb == "check":
        click.echo(f"{o.display}: ok")
    if o.skipped:
        click.echo(f"{o.display}: up to date")


class _Lines:
    """A build's progress as plain lines: each document's, as soon as it is finished."""

    def start(self, total: int) -> None:
        pass

    def finished(self, outcome: Outcome) -> None:
        _say(outcome, "build")

    def close(self) -> None:
        pass


class _Bar(_Lines):
    """On a terminal: the same lines, above a progress bar of the documents (on stderr)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        # stdout is routed above the bar only when it is the terminal too: `> log` keeps the
        # lines in the log.
        self.bar = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True,
                            redirect_stdout=sys.stdout.isatty())
        self.task = self.bar.add_task("documents", total=None)

    def start(self, total: int) -> None:
        self.bar.update(self.task, total=total)
        self.bar.start()

    def finished(self, outcome: Outcome) -> None:
        super().finished(outcome)
        self.bar.advance(self.task)

    def close(self) -> None:
        self.bar.stop()


def _report(report: Report, verb: str) -> None:
    if verb != "build":  # a build said each document's lines as it finished
        for o in report.outcomes:
            _say(o, verb)
    bad = sum(1 for o in report.outcomes if not o.ok)
    if bad:
        click.echo(f"{bad} of {len(report.outcomes)} document(s) failed", err=True)
    if verb == "build":
        click.echo(report.summary, err=True)


def _run(action: object) -> None:
    try:
        report = action()  # type: ignore[operator]
    except FactsheetError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(exit_code(e))
    sys.exit(report.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factsheet")
def main() -> None:
    """Build localized PDF and HTML fact sheets from YAML data."""


@main.command("build")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--lang", help="Only these editions, e.g. en,ru (default: every language of each document).")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True,
              help="Output formats: html, pdf or both.")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="The output folder.")
@click.option("--paper", type=click.Choice(PAPERS, case_sensitive=False),
              help="PDF paper size (default: the document's `paper:`, else a4).")
@click.option("--print", "handout", is_flag=True,
              help="PDF for a print shop: crop marks and 3 mm bleed.")
@click.option("--toc", is_flag=True,
              help="A table of contents in the PDF of a document with five or more headed sections.")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS, case_sensitive=False),
              help="PDF/A-3 (the data files attached; a-3u also tagged) or PDF/UA-1 (tagged).")
@click.option("--strict", is_flag=True,
              help="A warning fails its document (exit 1) and nothing of it is written.")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Documents built at once, each in a process of its own (default: the cores).")
@click.option("--force", is_flag=True, help="Rebuild documents that are up to date.")
@click.option("--executor", metavar="SPEC",
              help="Where the jobs run: processes (default: --jobs processes of this machine) or "
                   "dask://HOST:PORT (a Dask scheduler; needs factsheet[dask]).")
def build_cmd(paths: tuple[str, ...], lang: str | None, formats: str, output: Path, paper: str | None,
              handout: bool, toc: bool, pdf_variant: str | None, strict: bool, jobs: int | None,
              force: bool, executor: str | None) -> None:
    """Build each data file (a folder: every *.yaml in it; default data/) into OUTPUT/<id>/."""

    def action() -> Report:
        from .build import build
        from .plan import executor_for

        options = PdfOptions(paper=paper and paper.lower(), handout=handout, toc=toc,
                             variant=pdf_variant and pdf_variant.lower())
        with executor_for(executor) as pool:
            progress = _Bar() if sys.stderr.isatty() else _Lines()
            try:
                report = build(list(paths), output, _split(lang), _split(formats) or [], options,
                               strict=strict, force=force, jobs=jobs, executor=pool, progress=progress)
            finally:
                progress.close()
        _report(report, "build")
        return report

    _run(action)


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--strict", is_flag=True, help="A warning (such as a stale translation) fails its document.")
@click.option("--no-cache", is_flag=True,
              help="Check every document again: neither use nor keep the verdicts remembered in the "
                   "user's cache for documents unchanged since their last check.")
def check_cmd(paths: tuple[str, ...], strict: bool, no_cache: bool) -> None:
    """Validate data files as a build would, without writing anything (but the cache)."""

    def action() -> Report:
        from .build import check

        report = check(list(paths), strict=strict, remember=not no_cache)
        _report(report, "check")
        return report

    _run(action)


# `factsheet translate ...`: the translators' commands live in a module of their own.
main.add_command(translate)


@main.command("serve")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port on 127.0.0.1 (0: any free port).")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Where the preview builds (default: a temporary folder, removed on exit).")
def serve_cmd(paths: tuple[str, ...], port: int, output: Path | None) -> None:
    """Serve a live preview on 127.0.0.1: the HTML reloads on every saved change."""
    # Imported here: watchfiles and the HTTP server are only for this command.
    from .serve import serve

    try:
        serve(list(paths), port, output)
    except FactsheetError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(exit_code(e))
