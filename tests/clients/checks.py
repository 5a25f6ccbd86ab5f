"""The PDF clients, the Nu validator's verdicts and the bad PDFs of tests/clients/run.

Runs in tests/clients/.venv (pikepdf and the pinned `pdfua` checker); the readers are poppler's
and qpdf's own programs (qpdf, pdffonts, pdftotext, pdfinfo), run as a reader would run them.

    checks.py vnu REPORT.json FILE.html ...       one verdict per file from vnu's JSON report
    checks.py pdf FILE.pdf [--html E.html] [--ua] [--skip CHECK,...]
                                                  the PDF clients on one PDF; with --html, the
                                                  HTML edition it was made from says what text,
                                                  headings, footnotes and symbols to expect;
                                                  with --ua, the PDF/UA-1 checks as well
    checks.py make-bad DIR                        writes the bad PDFs of the self-test

Each client prints one line, `<client> <file>: ok ...` or `<client> <file>: FAIL: ...`; the exit
status is 1 when any line says FAIL.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ok_all = True


def verdict(client: str, target: str, problems: list[str], note: str = "") -> None:
    global ok_all
    if problems:
        ok_all = False
        print(f"{client:<11}{target}: FAIL: {'; '.join(problems)}")
    else:
        print(f"{client:<11}{target}: ok{f' ({note})' if note else ''}")


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")


# ----------------------------------------------------------------------------- the Nu validator


def vnu(report: Path, files: list[str]) -> None:
    """Errors (and fatal errors) fail; warnings are counted."""
    messages = json.loads(report.read_text(encoding="utf-8")).get("messages", [])
    resolved = {Path(f).resolve(): f for f in files}
    errors: dict[str, list[str]] = {f: [] for f in files}
    warnings = dict.fromkeys(files, 0)
    for m in messages:
        url = str(m.get("url", ""))
        target = resolved.get(Path("/" + url.removeprefix("file:").lstrip("/")).resolve(), url or "?")
        if m.get("type") == "error" or m.get("subType") == "fatal" or m.get("type") == "non-document-error":
            where = f"{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}"
            errors.setdefault(target, []).append(f"{where}: {m.get('message', '').strip()}")
        elif m.get("subType") == "warning":
            warnings[target] = warnings.get(target, 0) + 1
    for target, problems in errors.items():
        verdict("vnu", target, problems, f"no errors, {warnings.get(target, 0)} warning(s)")


# ----------------------------------------------------------------------------- the HTML edition


IGNORED = re.compile(r"[\s\u00ad\u200b\u2060\u2010\u2011\-\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]+")


def norm(text: str) -> str:
    """Text as compared between the HTML and the PDF: without whitespace, hyphens and bidi
    controls, so that line ends, hyphenation (soft, U+2010 and a hyphen that pdftotext drops at
    a line end), spacing and the embedding marks pdftotext puts around right-to-left text
    never count."""
    text = unicodedata.normalize("NFC", text)
    return IGNORED.sub("", text)


@dataclass
class Expected:
    lang: str = ""
    rtl: bool = False
    title: str = ""
    issuer: str = ""
    author: str = ""
    headings: list[str] = field(default_factory=list)
    calls: list[tuple[int, str]] = field(default_factory=list)  # number, text just before it
    markers: list[tuple[str, int, str]] = field(default_factory=list)  # headings and calls in order
    notes: dict[int, str] = field(default_factory=dict)
    symbols: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)


def expected_from_html(path: Path) -> Expected:
    import lxml.html

    root = lxml.html.fromstring(path.read_bytes())
    for bad in root.xpath("//style|//script|//*[contains(@class,'fn-back')]"):
        bad.drop_tree()
    e = Expected()
    e.lang = root.get("lang", "")
    e.rtl = root.get("dir", "") == "rtl"

    def text(el: object) -> str:
        return " ".join("".join(el.itertext()).split())  # type: ignore[attr-defined]

    h1 = root.xpath("//h1")
    e.title = text(h1[0]) if h1 else ""
    issuer = root.xpath("//*[contains(concat(' ',@class,' '),' issuer ')]")
    e.issuer = text(issuer[0]) if issuer else ""
    author = root.xpath("//meta[@name='author']/@content")
    e.author = str(author[0]) if author else ""
    # Headings and footnote calls in document order.
    for el in root.xpath("//main//h2|//main//h3|//a[contains(concat(' ',@class,' '),' fn-call ')]"):
        if el.tag != "a":
            e.headings.append(text(el))
            e.markers.append(("heading", 0, text(el)))
            continue
        number = int(text(el))
        block = el.xpath("ancestor::*[self::p or self::li or self::td or self::dd or self::blockquote][1]")
        before = _text_before(block[0], el) if block else ""
        e.calls.append((number, before))
        e.markers.append(("call", number, before))
    for li in root.xpath("//*[contains(@class,'footnotes')]//li[starts-with(@id,'fn-')]"):
        e.notes[int(li.get("id")[3:])] = text(li)
    e.symbols = {text(s) for s in root.xpath("//*[contains(concat(' ',@class,' '),' symbol ')]")}
    body = root.xpath("//body")[0]
    for heading in body.xpath(".//*[contains(@class,'footnotes')]/h2"):
        heading.drop_tree()  # the web edition's "Notes" heading: the PDF has notes per page
    # Words of each text node (adjacent table cells are not one word).
    e.words = {w for piece in body.itertext() for w in re.findall(r"[^\W\d_]{3,}", piece)}
    return e


def _text_before(block: object, call: object) -> str:
    out: list[str] = []

    def walk(el: object) -> bool:
        if el is call:
            return True
        if el.text:  # type: ignore[attr-defined]
            out.append(el.text)  # type: ignore[attr-defined]
        for child in el:  # type: ignore[attr-defined]
            if walk(child):
                return True
            if child.tail:
                out.append(child.tail)
        return False

    walk(block)
    return "".join(out)


# ----------------------------------------------------------------------------- the PDF clients

LIGATURES = re.compile(r"[\ufb00-\ufb06]")
DAMAGE = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0e-\x1f]")


def pdf(path: Path, html: Path | None, ua: bool, skip: set[str]) -> None:
    target = str(path)
    e = expected_from_html(html) if html else None

    # qpdf --check: the file's structure, cross-reference table and streams.
    r = run("qpdf", "--check", target)
    out = (r.stdout + r.stderr).strip()
    problems = [] if r.returncode == 0 and "No syntax or stream encoding errors" in out else [
        f"qpdf --check exit {r.returncode}: " + " | ".join(out.splitlines()[-3:])
    ]
    verdict("qpdf", target, problems, "no syntax or stream encoding errors")

    # pdffonts: every font embedded.
    r = run("pdffonts", target)
    rows = r.stdout.splitlines()[2:]
    fonts: list[tuple[str, str]] = []
    for row in rows:
        # name type [type] encoding emb sub uni object ID: emb is the 5th field from the end.
        f = row.split()
        if len(f) >= 7:
            fonts.append((f[0], f[-5]))
    problems = []
    if r.returncode != 0:
        problems.append(f"pdffonts exit {r.returncode}: {r.stderr.strip()}")
    if not fonts:
        problems.append("no fonts listed")
    problems += [f"font {name} not embedded" for name, emb in fonts if emb != "yes"]
    verdict("pdffonts", target, problems, f"{len(fonts)} fonts, all embedded")

    # pdfinfo: title, author, page count.
    r = run("pdfinfo", "-enc", "UTF-8", target)
    info = {}
    for line in r.stdout.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    problems = []
    if r.returncode != 0:
        problems.append(f"pdfinfo exit {r.returncode}: {r.stderr.strip()}")
    title, author, pages_s = info.get("Title", ""), info.get("Author", ""), info.get("Pages", "")
    if not title:
        problems.append("no Title")
    if not author:
        problems.append("no Author")
    pages = int(pages_s) if pages_s.isdigit() else 0
    if pages < 1:
        problems.append(f"no page count (Pages: {pages_s!r})")
    if e and title and norm(title) != norm(e.title):
        problems.append(f"Title {title!r} is not the edition's title {e.title!r}")
    if e and author and e.author and norm(author) != norm(e.author):
        problems.append(f"Author {author!r} is not the edition's author {e.author!r}")
    if not author and e and not e.author:
        problems.pop(problems.index("no Author"))  # the data names none: nothing to show
        author = "none in the data"
    verdict("pdfinfo", target, problems, f"Title {title!r}, Author {author!r}, {pages} page(s)")

    # pdftotext: the text a reader copies or a screen reader reads, page by page.
    r = run("pdftotext", "-enc", "UTF-8", target, "-")
    text = r.stdout
    page_texts = text.split("\f")
    if page_texts and not page_texts[-1].strip():
        page_texts.pop()
    problems = []
    notes: list[str] = []
    known = ""
    if r.returncode != 0:
        problems.append(f"pdftotext exit {r.returncode}: {r.stderr.strip()}")
    if pages and len(page_texts) != pages:
        problems.append(f"{len(page_texts)} page(s) of text for {pages} page(s)")
    # Readable: no replacement character, private-use or control character, no ligature glyph.
    for n, page in enumerate(page_texts, 1):
        for m in DAMAGE.finditer(page):
            where = _around(page, m.start())
            problems.append(f"page {n}: unreadable character U+{ord(m.group()):04X} in {where!r}")
        for m in LIGATURES.finditer(page):
            problems.append(f"page {n}: ligature U+{ord(m.group()):04X} in {_around(page, m.start())!r}")
    if e and "text" not in skip:
        whole = norm(text)
        missing = sorted(w for w in e.words if norm(w) not in whole)
        if missing:
            shown = ", ".join(missing[:12])
            problems.append(f"{len(missing)} of {len(e.words)} words of the edition missing: {shown}")
        cyrillic = [w for w in e.words if re.search(r"[\u0400-\u04ff]", w)]
        if e.lang == "ru" and e.words and not cyrillic:
            problems.append("a Russian edition without Cyrillic words")
        notes.append(f"{len(e.words) - len(missing)}/{len(e.words)} words"
                     + (f", {len(cyrillic)} Cyrillic" if cyrillic else ""))
    if e and "order" not in skip:
        problems += reading_order(page_texts, e)
        matched = "footnotes not matched (right-to-left)" if e.rtl else f"{len(e.calls)} footnotes in order"
        notes.append(f"title, {len(e.headings)} headings, {matched}")
    if e and "symbols" not in skip:
        split, url_split = symbols_split(page_texts, e.symbols)
        problems += split
        if "url-symbols" not in skip:
            problems += url_split
        elif url_split:
            known = f"known, left out by --skip url-symbols: {'; '.join(url_split)}"
        notes.append(f"{len(e.symbols)} symbols unbroken"
                     + (" (not checked in addresses)" if "url-symbols" in skip else ""))
    verdict("pdftotext", target, problems, ", ".join(notes) or "readable")
    if known:
        print(f"{'pdftotext':<11}{target}: {known}")

    if ua:
        pdfua_check(path, skip)
        ua1_rules(path, e)


def _around(text: str, at: int) -> str:
    return text[max(0, at - 20): at + 20]


def reading_order(page_texts: list[str], e: Expected) -> list[str]:
    """The title first (only the issuer's line above it); the headings and the footnote calls in
    the edition's order; each note on its call's page, after every call of that page."""
    problems: list[str] = []
    pages = [norm(p) for p in page_texts]
    offsets, whole = [], ""
    for p in pages:
        offsets.append(len(whole))
        whole += p

    def page_of(at: int) -> int:
        return max(i for i, o in enumerate(offsets) if o <= at)

    first = pages[0] if pages else ""
    t = first.find(norm(e.title))
    if t < 0:
        problems.append(f"title {e.title!r} not on page 1")
    elif first[:t] not in ("", norm(e.issuer)):
        problems.append(f"page 1 starts with {first[:t][:40]!r}, not the title")
    at = max(t, 0) + len(norm(e.title))  # the end of what was read so far
    last_call: dict[int, int] = {}  # page: where its last call is
    notes: dict[int, tuple[int, int]] = {}  # number: page, where its note is
    for kind, number, content in e.markers:
        if kind == "heading":
            found = whole.find(norm(content), at)
            if found < 0:
                problems.append(f"heading {content!r} missing or out of order")
            else:
                at = found + len(norm(content))
            continue
        if e.rtl:
            # pdftotext reorders the digits and punctuation of a right-to-left line (a call
            # reads ".2" after its word, a note " ,A/RES/61/180 .1"): calls are not matched.
            continue
        prefix = norm(content)[-12:]
        call = whole.find(prefix + str(number), max(0, at - len(prefix)))
        while call >= 0 and call + len(prefix) < at:  # the prefix may overlap what was read
            call = whole.find(prefix + str(number), call + 1)
        if call < 0:
            problems.append(f"footnote call {number} (after {content[-20:]!r}) missing or out of order")
            continue
        at = call + len(prefix) + len(str(number))
        page = page_of(call)
        last_call[page] = at
        note = norm(e.notes.get(number, ""))[:30]
        end = offsets[page] + len(pages[page])
        found = whole.find(f"{number}." + note, at, end)
        if found >= 0:
            notes[number] = (page, found)
            continue
        elsewhere = whole.find(f"{number}." + note)
        if elsewhere < 0:
            problems.append(f"footnote {number}'s note not found")
        elif page_of(elsewhere) != page:
            problems.append(
                f"footnote {number}: called on page {page + 1}, note on page {page_of(elsewhere) + 1}"
            )
        else:
            problems.append(f"footnote {number}: note before its call on page {page + 1}")
    for number, (page, where) in sorted(notes.items()):
        if where < last_call.get(page, 0):
            problems.append(f"page {page + 1}: note {number} stands before body text (a later call)")
    return problems


def symbols_split(page_texts: list[str], symbols: set[str]) -> tuple[list[str], list[str]]:
    """A document symbol broken across two lines, as text and inside a link's address."""
    split: list[str] = []
    url_split: list[str] = []
    for symbol in sorted(symbols):
        pattern = re.compile(r"\s*".join(re.escape(c) for c in symbol if not c.isspace()))
        for n, page in enumerate(page_texts, 1):
            for m in pattern.finditer(page):
                if "\n" not in m.group():
                    continue
                shown = m.group().replace("\n", "⏎")
                if re.search(r"://\S*\s*$", page[max(0, m.start() - 40): m.start()]):
                    url_split.append(f"page {n}: symbol {symbol} split in a link's address: {shown!r}")
                else:
                    split.append(f"page {n}: symbol {symbol} split across lines: {shown!r}")
    return split, url_split


# ----------------------------------------------------------------------------- PDF/UA-1


def pdfua_check(path: Path, skip: set[str]) -> None:
    """The `pdfua` checker (PyPI, pinned in tests/clients/run): certain findings fail."""
    import pdfua
    import pdfua.document
    import pdfua.rules.structure
    from pdfua.model import Confidence

    # pdfua 0.1.3's as_integer() asks getattr(obj, "is_integer") of a pikepdf Array, which
    # raises ValueError instead of AttributeError, so its empty-heading rule (UA-14-001) is
    # skipped on every tagged heading: a /K array is not an integer, which is all it asks.
    original = pdfua.document.as_integer

    def as_integer(value: object) -> int | None:
        try:
            return original(value)
        except ValueError:
            return None

    pdfua.document.as_integer = as_integer
    pdfua.rules.structure.as_integer = as_integer  # type: ignore[attr-defined]

    report = pdfua.validate(str(path))
    problems = [f"{f.rule_id} {f.severity.name} {f.location.describe()}: {f.message}"
                for f in report.findings if f.confidence == Confidence.CERTAIN]
    problems += [f"{o.rule_id} not evaluated: {o.skipped_reason}" for o in report.skipped]
    heuristic = [f for f in report.findings if f.confidence != Confidence.CERTAIN]
    ran = len(report.outcomes) - len(report.skipped)
    note = f"pdfua {pdfua.__version__}: {ran} checks, no certain finding"
    if heuristic:
        ids = sorted({f.rule_id for f in heuristic})
        note += f"; {len(heuristic)} heuristic warning(s) for a person to judge: {', '.join(ids)}"
        for f in heuristic[:1]:
            note += f" ({f.message.split('.')[0]})"
    verdict("pdfua", str(path), problems, note)


def ua1_rules(path: Path, e: Expected | None) -> None:
    """The machine-checkable PDF/UA-1 rules that `pdfua` does not check, read with pikepdf:
    the identification in XMP, the catalog's flags, every font embedded (in the font
    descriptors, beside pdffonts), every figure with alternative text, the document's title, and
    every table's data cells tied to their header cells (Matterhorn 15-003: a /TD names the /ID of
    its /TH in /Headers, or the /TH carries a /Scope). pdfua's UA-15-003 asks only the /TH for a
    /Scope or /Headers, so it warns on WeasyPrint's tables, which tie each /TD to its /TH by id."""
    import pikepdf

    problems: list[str] = []
    with pikepdf.open(path) as pdf_file:
        root = pdf_file.Root
        mark = root.get("/MarkInfo")
        if mark is None or not bool(mark.get("/Marked", False)):
            problems.append("MarkInfo /Marked is not true")
        if "/StructTreeRoot" not in root:
            problems.append("no StructTreeRoot")
        lang = str(root.get("/Lang", ""))
        if not lang:
            problems.append("no /Lang")
        elif e and e.lang and lang.lower() != e.lang.lower():
            problems.append(f"/Lang {lang!r}, the edition is {e.lang!r}")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            problems.append("ViewerPreferences /DisplayDocTitle is not true")
        meta = pdf_file.open_metadata()
        part = meta.get("pdfuaid:part")
        if str(part) != "1":
            problems.append(f"XMP pdfuaid:part is {part!r}, not 1")
        if not meta.get("dc:title"):
            problems.append("XMP has no dc:title")
        for n, page in enumerate(pdf_file.pages, 1):
            for name, font in (page.Resources.get("/Font") or {}).items():
                descendants = font.get("/DescendantFonts")
                d = (descendants[0] if descendants else font).get("/FontDescriptor")
                if font.get("/Subtype") == "/Type3":
                    continue
                if d is None or not any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    problems.append(f"page {n}: font {name} {font.get('/BaseFont')} not embedded")
        figures = alt = 0
        header_ids: set[str] = set()
        headers = 0
        scoped = False
        cells: list[list[str]] = []  # the /Headers of each /TD
        stack = [root.StructTreeRoot] if "/StructTreeRoot" in root else []
        seen: set[tuple[int, int]] = set()
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if node.is_indirect:
                    if node.objgen in seen:
                        continue
                    seen.add(node.objgen)
                if node.get("/S") == "/Figure":
                    figures += 1
                    if str(node.get("/Alt", "")).strip() or str(node.get("/ActualText", "")).strip():
                        alt += 1
                    else:
                        problems.append("a /Figure without /Alt")
                attributes = node.get("/A")
                attributes = attributes if isinstance(attributes, pikepdf.Dictionary) else {}
                if node.get("/S") == "/TH":
                    headers += 1
                    if "/ID" in node:
                        header_ids.add(str(node.ID))
                    scoped = scoped or "/Scope" in attributes
                elif node.get("/S") == "/TD":
                    cells.append([str(h) for h in attributes.get("/Headers", [])])
                kids = node.get("/K")
                if kids is not None:
                    stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
            elif isinstance(node, pikepdf.Array):
                stack.extend(node)
        if headers and not scoped:
            untied = [c for c in cells if not c or not set(c) <= header_ids]
            if untied:
                problems.append(f"{len(untied)} of {len(cells)} table cell(s) with no /Headers naming "
                                "a header cell, and no /TH with a /Scope")
    verdict("ua1-rules", str(path), problems,
            f"Marked, StructTreeRoot, /Lang {lang}, DisplayDocTitle, pdfuaid:part 1, fonts embedded, "
            f"{figures} figure(s) with alt, {len(cells)} table cell(s) tied to their headers")


# ----------------------------------------------------------------------------- bad PDFs


def make_bad(out: Path) -> None:
    """PDFs that must fail: a font not embedded (Helvetica, one of the standard 14), no title,
    no author, untagged; in its text a ligature, U+FFFD, a symbol split across lines (as text and
    in a link's address) and a note before its call; a tagged copy whose table cell names no
    header cell; and a copy with its cross-reference table damaged."""
    import pikepdf

    out.mkdir(parents=True, exist_ok=True)
    pdf_file = pikepdf.new()
    font = pdf_file.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
        Encoding=pikepdf.Dictionary(Type=pikepdf.Name.Encoding, BaseEncoding=pikepdf.Name.WinAnsiEncoding,
                                    Differences=[1, pikepdf.Name.fi]),
    ))
    # Code 1 reads as the ligature U+FB01 and code 2 as U+FFFD, as in a font whose character
    # map was damaged: poppler reads an /fi glyph name alone as two letters.
    font.ToUnicode = pdf_file.make_stream(
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Bad def"
        b" 1 begincodespacerange <00> <FF> endcodespacerange"
        b" 2 beginbfchar <01> <FB01> <02> <FFFD> endbfchar endcmap"
        b" CMapName currentdict /CMap defineresource pop end end"
    )
    lines = [b"1. The note, before its call.", b"Bad fact sheet", b"A \x01rst call1 to A/RES/61/",
             b"180. \xc2\x02\xd1\xd0\xc4\xc0", b"https://undocs.org/en/A/", b"RES/61/180",
             b"2. The second note.", b"A second call2.", b"A third call3.", b"3. The third note.",
             b"A fourth call4.", b"4. The fourth note."]
    ops = b"BT /F1 12 Tf 72 760 Td 16 TL " + b" ".join(b"(" + ln + b") Tj T*" for ln in lines) + b" ET"
    pdf_file.add_blank_page(page_size=(595, 842))
    page = pdf_file.pages[0]
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf_file.make_stream(ops)
    pdf_file.save(out / "unembedded-font.pdf")

    # Tagged, with a table whose data cell names no header cell.
    def element(kind: str, **entries: object) -> pikepdf.Dictionary:
        return pdf_file.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                         S=pikepdf.Name("/" + kind), **entries))
    header = element("TH", ID=pikepdf.String("h1"), A=pikepdf.Dictionary(O=pikepdf.Name.Table))
    cell = element("TD", A=pikepdf.Dictionary(O=pikepdf.Name.Table))
    table = element("Table", K=[element("TR", K=[header, cell])])
    tree = pdf_file.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot,
                                                     K=[element("Document", K=[table])]))
    pdf_file.Root.StructTreeRoot = tree
    pdf_file.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf_file.save(out / "untied-table.pdf")

    data = bytearray((out / "unembedded-font.pdf").read_bytes())
    xref = data.rfind(b"startxref")
    data[xref:] = b"startxref\n999999\n%%EOF\n"
    data = data.replace(b"/Type /Pages", b"/Type /Pagez", 1)
    (out / "broken-xref.pdf").write_bytes(bytes(data))
    print(f"wrote {out / 'unembedded-font.pdf'}\nwrote {out / 'untied-table.pdf'}\n"
          f"wrote {out / 'broken-xref.pdf'}")


def main(argv: list[str]) -> int:
    try:
        return _main(argv)
    except Exception as exc:  # a crash is a failed check, never a silent pass
        targets = [a for a in argv[1:] if not a.startswith("--")][:1] if argv[:1] != ["vnu"] else argv[2:]
        for target in targets or ["?"]:
            crash = f"the check crashed: {type(exc).__name__}: {exc}"
            verdict(argv[0] if argv else "checks", target, [crash])
        return 1


def _main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "vnu":
        vnu(Path(argv[1]), argv[2:])
    elif len(argv) >= 2 and argv[0] == "pdf":
        path, html, ua, skip = Path(argv[1]), None, False, set()
        rest = argv[2:]
        while rest:
            opt = rest.pop(0)
            if opt == "--html":
                html = Path(rest.pop(0))
            elif opt == "--ua":
                ua = True
            elif opt == "--skip":
                skip |= {s for s in rest.pop(0).split(",") if s}
            else:
                print(f"unknown option {opt}", file=sys.stderr)
                return 2
        pdf(path, html, ua, skip)
    elif len(argv) == 2 and argv[0] == "make-bad":
        make_bad(Path(argv[1]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
