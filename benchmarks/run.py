"""The build benchmark: `make benchmark` (`python -m benchmarks.run [--quick]`).

Generates a corpus (the first document and synthetic documents of 1 to 50 pages, 40 documents
in 2 languages) and prints, measured side by side in one run, each figure with its target:
- the time per PDF page of factsheet's PDF stage against bare WeasyPrint rendering the HTML and
  stylesheet that factsheet finally prints, with the same fonts (the engine's floor), in pairs
  of runs back to back (the median of their ratios); the stage's layouts are counted, since a
  footnote WeasyPrint floats away from its call costs a layout more;
- full builds with --jobs 2 against --jobs 1, alternating, median of 3 each;
- a no-op rebuild and a one-file-changed rebuild against the full build;
- the peak memory of a worker building the 50-page document;
- cold `factsheet check data/` (its verdict remembered, checked again, nothing cached), `check` of
  the corpus (unchanged, one file changed, whole) and `factsheet --help`;
- the live preview: from a saved edit to the edited text in the page, in headless Chromium.
Figures, never assertions: the tests do not time anything. `--quick` (6 documents, 3 runs, 1 pair) checks
that the benchmark works; its figures are not the targets' measure.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import FIRST, PAGES, synthetic
from benchmarks.corpus import make as make_corpus

ROOT = Path(__file__).resolve().parents[1]


def factsheet(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> float:
    """Seconds of one `factsheet` command in a fresh process (`env`: variables set for it)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def pages(pdf: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(pdf).pages)


def engine_floor_and_ours(data: Path, runs: int) -> tuple[list[float], list[float], int, int]:
    """Seconds of bare WeasyPrint on the HTML and stylesheet the PDF stage finally printed, and
    of factsheet's PDF stage for the first edition of `data` (rendering, glyph check, every
    layout, writing), in alternating pairs; the page and layout counts."""
    import weasyprint

    from generator import footnote_policy
    from generator.build import prepare
    from generator.glyphs import printed_text, rendering_problems
    from generator.pdf import FONTS, Archive, _fonts, write_pdf
    from generator.render import Page, PrintSetup, render

    resolved = prepare(data, str(data)).editions[0]
    doc = resolved.edition.doc
    last: list[Page] = []

    def stage() -> tuple[bytes, int]:
        # What generator.build.print_edition does, the final rendering kept.
        first = render(resolved, "print", setup=PrintSetup(facing=True))
        assert not rendering_problems(doc, resolved.edition.lang, printed_text(first.html, first.print_css))

        def make_page(keep: frozenset[int], breaks: frozenset[int], facing: bool) -> Page:
            page = first if not keep and not breaks and facing else render(
                resolved, "print", keep, PrintSetup(facing=facing), breaks)
            last[:] = [page]
            return page

        printed = write_pdf(make_page, Archive())
        return printed.pdf, printed.layouts

    fonts = _fonts()
    base = FONTS.as_uri() + "/"
    _, layouts = stage()  # warm: fonts and hyphenation dictionaries, for both alike
    bare, ours = [], []
    # CPU time of this process, not wall time: both run in it, on one thread, and the CPU time
    # does not count what other processes of a busy machine take from them.
    for _ in range(runs):
        # Each starts with no garbage of the other's: a full collection of a laid-out
        # document's cycles would otherwise fall in whichever run comes next.
        gc.collect()
        start = time.process_time()
        pdf, layouts = stage()
        ours.append(time.process_time() - start)
        # Bare WeasyPrint with its own footnote policy, not factsheet's (footnote_policy.py).
        footnote_policy.ACTIVE = False
        gc.collect()
        try:
            start = time.process_time()
            css = weasyprint.CSS(string=last[0].print_css, base_url=base, font_config=fonts)
            weasyprint.HTML(string=last[0].html, base_url=base).write_pdf(stylesheets=[css],
                                                                          font_config=fonts)
            bare.append(time.process_time() - start)
        finally:
            footnote_policy.ACTIVE = True
    import io

    import pypdf

    count = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return bare, ours, count, layouts


def worker_peak_mib(data: Path, out: Path) -> float:
    """The peak resident memory of a process building `data` alone (one document is built in the
    process itself, as a worker builds it)."""
    code = ("import resource, sys\n"
            "from generator.build import build\n"
            f"build([{str(data)!r}], __import__('pathlib').Path({str(out)!r}), jobs=1, force=True)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=ROOT)
    return int(result.stdout.split()[-1]) / 1024


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores ({model or platform.processor()}), Python {platform.python_version()}, "
            f"load average {load} at start")


def preview_latencies(work: Path, edits: int) -> list[float]:
    """Seconds from each saved edit of a data file to its text in the previewed page, as
    headless Chromium shows it (the page reloads itself)."""
    from generator.serve import running
    from tests.browser import chromium_page

    folder = work / "preview"
    folder.mkdir()
    data = folder / "preview.yaml"
    data.write_text(synthetic(2, 97), "utf-8")
    latencies = []
    with running([str(folder)], 0, work / "preview-out", pdf=False, echo=lambda *a, **k: None) as (_, port), \
            chromium_page(work / "profile") as (page, _):
        page.goto(f"http://127.0.0.1:{port}/html/preview/preview.en.html")
        for i in range(edits):
            words = f"Edited {i} times"
            saved = time.monotonic()
            data.write_text(synthetic(2, 97).replace("Synthetic document", words), "utf-8")
            page.get_by_text(words).first.wait_for(timeout=30_000)
            latencies.append(time.monotonic() - saved)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="6 documents of up to 13 pages and 3 runs: checks that the benchmark works")
    parser.add_argument("--documents", type=int, help="documents in the corpus (default 40)")
    parser.add_argument("--runs", type=int, help="alternating pairs of the engine comparison (default 9)")
    parser.add_argument("--pairs", type=int, help="alternating --jobs 1 and --jobs 2 full builds (default 3)")
    args = parser.parse_args()
    count = args.documents or (6 if args.quick else 40)
    runs = args.runs or (3 if args.quick else 9)
    pairs = args.pairs or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = make_corpus(work / "data", count)
        print(f"machine: {machine()}")
        print(f"corpus: {len(corpus)} documents x 2 languages (the first document and synthetic ones of "
              f"{', '.join(map(str, sorted(set(PAGES[i % len(PAGES)] for i in range(1, count)))))} pages)"
              + ("  [--quick: not the targets' measure]" if args.quick else ""))

        # The PDF stage against the engine's floor.
        samples = [FIRST]
        if not args.quick:
            medium = work / "medium.yaml"
            medium.write_text(synthetic(13, 99), "utf-8")
            samples.append(medium)
        for data in samples:
            bares, ourses, n, layouts = engine_floor_and_ours(data, runs)
            bare, ours = statistics.median(bares), statistics.median(ourses)
            # Each pair ran back to back: the median of their ratios drifts least with the machine.
            paired = statistics.median(o / b for o, b in zip(ourses, bares, strict=True))
            print(f"PDF stage, {data.stem} (en, {n} pages, {layouts} layout(s)), {runs} alternating pairs "
                  f"of runs (CPU time): bare WeasyPrint {bare / n * 1000:.1f} ms a page, factsheet "
                  f"{ours / n * 1000:.1f} ms a page (medians); median of the pairs' ratios {paired:.2f}x "
                  f"(target <= 1.05x), ratio of the medians {ours / bare:.2f}x, pairs "
                  f"{min(o / b for o, b in zip(ourses, bares, strict=True)):.2f}-"
                  f"{max(o / b for o, b in zip(ourses, bares, strict=True)):.2f}x; per layout "
                  f"{paired / layouts:.2f}x")

        # Full builds, then rebuilds.
        # Alternating full builds (--force after the first): a shared virtual machine's speed
        # drifts by tens of per cent within minutes, so one pair alone can mislead.
        ones, twos = [], []
        for i in range(pairs):
            again = ("--force",) if i else ()
            ones.append(factsheet("build", str(work / "data"), "--output", str(work / "out1"), "--jobs", "1",
                                  *again))
            twos.append(factsheet("build", str(work / "data"), "--output", str(work / "out2"), "--jobs", "2",
                                  *again))
        one, two = statistics.median(ones), statistics.median(twos)
        total_pages = sum(pages(p) for p in (work / "out1").rglob("*.pdf"))
        print(f"full builds, alternating, --jobs 1: {', '.join(f'{t:.1f}' for t in ones)} s; --jobs 2: "
              f"{', '.join(f'{t:.1f}' for t in twos)} s; each pair's ratio: "
              f"{', '.join(f'{a / b:.2f}x' for a, b in zip(ones, twos, strict=True))}")
        print(f"full build, --jobs 1: {one:.1f} s (median) for {total_pages} PDF pages "
              f"({one / total_pages * 1000:.0f} ms a page, HTML included)")
        print(f"full build, --jobs 2: {two:.1f} s (median): {one / two:.2f}x faster (target >= 1.8x)")
        noop = factsheet("build", str(work / "data"), "--output", str(work / "out1"))
        print(f"no-op rebuild: {noop:.2f} s: {one / noop:.0f}x faster than the full build (target >= 20x)")
        changed = corpus[3]
        changed.write_text(changed.read_text("utf-8").replace("Synthetic", "Changed"), "utf-8")
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "generator", "build", str(work / "data"),
                                 "--output", str(work / "out1")], capture_output=True, text=True, check=True,
                                cwd=ROOT)
        onefile = time.perf_counter() - start
        rebuilt = [line for line in result.stdout.splitlines() if line.startswith("wrote")]
        only = all(f"/{changed.stem}/" in line for line in rebuilt)
        print(f"one file changed: {onefile:.2f} s ({one / onefile:.0f}x faster than the full build), rebuilt "
              f"{len(rebuilt)} outputs, those of {changed.name} only: {'yes' if only else 'NO'} "
              "(target: only that file's editions)")

        most = max(PAGES[i % len(PAGES)] for i in range(1, count)) if args.quick else max(PAGES)
        big = work / "big.yaml"
        big.write_text(synthetic(most, 98), "utf-8")
        peak = worker_peak_mib(big, work / "out3")
        print(f"peak memory of a worker building a {most}-page document in 2 languages: {peak:.0f} MiB "
              f"(target < 200 MiB for the {max(PAGES)}-page one)")

        # `check`, a new process each time. A check remembers each document's verdict (verdicts.py):
        # unchanged since its last check, a document is not loaded again; --no-cache loads it.
        # The fonts' code points come from the cache a previous check wrote, or (nothing cached)
        # from the fonts, into a cache folder of its own.
        warm = {"XDG_CACHE_HOME": str(work / "cache-warm")}
        factsheet("check", "data", env=warm)
        remembered = statistics.median(factsheet("check", "data", env=warm) for _ in range(5))
        again = statistics.median(factsheet("check", "--no-cache", "data", env=warm) for _ in range(5))
        cold = statistics.median(factsheet("check", "data", env={"XDG_CACHE_HOME": str(work / f"cache-{i}")})
                                 for i in range(5))
        helps = statistics.median(factsheet("--help") for _ in range(5))
        print(f"cold `factsheet check data/` (the first document), median of 5: {remembered:.2f} s unchanged "
              f"since its last check (target < 0.3 s); {again:.2f} s checked again (--no-cache); "
              f"{cold:.2f} s with nothing cached")
        print(f"cold `factsheet --help`: {helps:.2f} s (target < 0.3 s), median of 5")
        folder = str(work / "data")
        factsheet("check", folder, env=warm)
        unchanged = statistics.median(factsheet("check", folder, env=warm) for _ in range(3))
        edits = []
        for doc in corpus[5:8]:
            doc.write_text(doc.read_text("utf-8").replace("Synthetic", "Edited"), "utf-8")
            edits.append(factsheet("check", folder, env=warm))
        whole = statistics.median(factsheet("check", "--no-cache", folder, env=warm) for _ in range(3))
        edit = statistics.median(edits)
        print(f"`factsheet check` of the {len(corpus)}-document corpus, median of 3: {unchanged:.2f} s "
              f"unchanged, {edit:.2f} s after one file changed, {whole:.2f} s checked whole (--no-cache): "
              f"{whole / edit:.1f}x")
        # Last: it needs Chromium and Playwright (`make setup`), which the figures above do not.
        os.environ["XDG_CACHE_HOME"] = str(work / "cache-preview")  # the preview's glyph check
        try:
            shown = preview_latencies(work, 5)
        except Exception as e:  # any failure of the browser is said, not raised
            print(f"live preview: not measured ({type(e).__name__}: {e})")
        else:
            print(f"live preview: an edit of a 2-page document shown in Chromium "
                  f"{statistics.median(shown):.2f} s after the save (median of {len(shown)}; slowest "
                  f"{max(shown):.2f} s; target: within a second)")


if __name__ == "__main__":
    main()
