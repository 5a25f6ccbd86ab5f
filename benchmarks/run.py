"""The build benchmark: `make benchmark` (`python -m benchmarks.run`).

Generates a corpus (the first document and synthetic documents of 1 to 50 pages, 40 documents
in 2 languages) and prints, measured side by side in one run:
- seconds per PDF page of `factsheet build` against bare WeasyPrint rendering the same HTML
  with the same fonts and stylesheet (the engine's floor), median of alternating runs;
- a full build with --jobs 2 against --jobs 1;
- a no-op rebuild and a one-file-changed rebuild against the full build;
- the peak memory of a worker building the 50-page document;
- cold `factsheet check data/` and `factsheet --help`.
Figures, never assertions: the tests do not time anything.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import PAGES
from benchmarks.corpus import make as make_corpus

ROOT = Path(__file__).resolve().parents[1]


def factsheet(*args: str, cwd: Path = ROOT) -> float:
    """Seconds of one `factsheet` command in a fresh process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def pages(pdf: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(pdf).pages)


def engine_floor_and_ours(data: Path, out: Path, runs: int) -> tuple[float, float, int]:
    """Median seconds of bare WeasyPrint and of our PDF stage for one edition, alternating."""
    import weasyprint

    from generator.build import prepare
    from generator.pdf import FONTS, Archive, write_pdf
    from generator.render import Page, PrintSetup, render

    prepared = prepare(data, str(data))
    resolved = prepared.editions[0]
    page = render(resolved, "print", setup=PrintSetup(facing=True))
    from generator.pdf import _fonts

    fonts = _fonts()
    base = FONTS.as_uri() + "/"
    bare, ours = [], []
    for _ in range(runs):
        start = time.perf_counter()
        css = weasyprint.CSS(string=page.print_css, base_url=base, font_config=fonts)
        weasyprint.HTML(string=page.html, base_url=base).write_pdf(stylesheets=[css], font_config=fonts)
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()

        def make_page(keep: frozenset[int], breaks: frozenset[int], facing: bool) -> Page:
            return render(resolved, "print", keep, PrintSetup(facing=facing), breaks)

        printed = write_pdf(make_page, Archive())
        ours.append(time.perf_counter() - start)
    target = out / "floor.pdf"
    target.write_bytes(printed.pdf)
    return statistics.median(bare), statistics.median(ours), pages(target)


def worker_peak_mib(data: Path, out: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    factsheet("build", str(data), "--output", str(out), "--jobs", "1", "--force")
    return max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5, help="runs of the engine floor comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = make_corpus(work / "data", args.documents)
        print(f"corpus: {len(corpus)} documents x 2 languages in {work / 'data'}")
        print(f"machine: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores")

        one = factsheet("build", str(work / "data"), "--output", str(work / "out1"), "--jobs", "1")
        two = factsheet("build", str(work / "data"), "--output", str(work / "out2"), "--jobs", "2")
        total_pages = sum(pages(p) for p in (work / "out1").rglob("*.pdf"))
        print(f"full build, --jobs 1: {one:.1f} s for {total_pages} PDF pages "
              f"({one / total_pages * 1000:.0f} ms a page, HTML included)")
        print(f"full build, --jobs 2: {two:.1f} s   speed-up {one / two:.2f}x (target >= 1.8x)")

        noop = factsheet("build", str(work / "data"), "--output", str(work / "out1"))
        print(f"no-op rebuild: {noop:.2f} s   {one / noop:.0f}x faster than the full build (target >= 20x)")
        changed = corpus[3]
        changed.write_text(changed.read_text("utf-8").replace("Synthetic", "Changed"), "utf-8")
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "generator", "build", str(work / "data"),
                                 "--output", str(work / "out1")], capture_output=True, text=True,
                                check=True)
        onefile = time.perf_counter() - start
        rebuilt = [line for line in result.stdout.splitlines() if line.startswith("wrote")]
        print(f"one file changed: {onefile:.2f} s, rebuilt {len(rebuilt)} outputs "
              f"(those of {changed.name} only: {all(changed.stem in line for line in rebuilt)})")

        big = max(corpus[1:], key=lambda p: PAGES[int(p.stem.split("-")[1]) % len(PAGES)])
        bare, ours, n = engine_floor_and_ours(big, work, args.runs)
        print(f"largest edition ({n} pages), median of {args.runs} alternating runs: bare WeasyPrint "
              f"{bare / n * 1000:.1f} ms a page, factsheet's PDF stage {ours / n * 1000:.1f} ms a page, "
              f"overhead {ours / bare:.3f}x (target <= 1.05x)")
        print(f"peak memory of a worker building the largest document: "
              f"{worker_peak_mib(big, work / 'out3'):.0f} MiB (target < 200 MiB)")

        check = statistics.median(factsheet("check", "data") for _ in range(3))
        helps = statistics.median(factsheet("--help") for _ in range(3))
        print(f"cold `factsheet check data/`: {check:.2f} s; cold `factsheet --help`: {helps:.2f} s "
              "(target < 0.3 s)")


if __name__ == "__main__":
    main()
