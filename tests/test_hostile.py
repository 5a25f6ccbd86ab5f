"""Hostile and broken data files: each refused with its exact message and place, never a
traceback, never a blown memory; hostile text shown as text wherever it appears; no data can
make the build read a local file or reach the network.

The small fixtures live in tests/fixtures/hostile/; the big ones are made here, in tmp_path.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator import schema, yamltree
from generator.build import build, check
from generator.errors import DataError
from generator.loader import load

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
MEMORY_LIMIT = 400 * 2**20  # bytes of address space for a subprocess: python, yaml, babel, jinja


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    report = check([path])
    assert report.exit_code == (1 if report.outcomes[0].problems else 0)
    return [str(p) for p in report.outcomes[0].problems]


def run_limited(*args: str, limit: int = MEMORY_LIMIT) -> subprocess.CompletedProcess[str]:
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run([sys.executable, *args], preexec_fn=limited, capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).parents[1])


# --- reading YAML ------------------------------------------------------------------------------


def test_billion_laughs_fails_at_its_first_alias_within_a_memory_limit():
    p = HOSTILE / "billion-laughs.yaml"
    rel = "tests/fixtures/hostile/billion-laughs.yaml"
    done = run_limited("-m", "generator", "check", rel)
    assert done.returncode == 1, done.stderr
    assert done.stderr == (
        f"{rel}:4:9: YAML anchors are not allowed (&lol0); write the value out\n"
        f"{rel}:5:9: YAML anchors are not allowed (&lol1); write the value out\n"
        f"{rel}:5:16: YAML aliases are not allowed (*lol0); write the value out\n"
        "1 of 1 document(s) failed\n")
    assert problems(p)[-1] == f"{p}:5:16: YAML aliases are not allowed (*lol0); write the value out"


def test_billion_laughs_is_a_real_bomb():
    # The control: expanded as safe_load does, the same file exhausts memory (a limit lower
    # than the check's, so that the control is quick; the check's own imports need more).
    done = run_limited("-c", "import yaml, sys; d = yaml.safe_load(open(sys.argv[1])); str(d)",
                       str(HOSTILE / "billion-laughs.yaml"), limit=MEMORY_LIMIT // 4)
    assert done.returncode != 0
    assert "MemoryError" in done.stderr


def test_a_file_full_of_aliases_stops_at_the_first(tmp_path):
    p = tmp_path / "aliases.yaml"
    p.write_text("title: &t T\nlanguages: [en]\nsections: [" + ", ".join(["*t"] * 200_000) + "]\n")
    assert problems(p) == [f"{p}:1:8: YAML anchors are not allowed (&t); write the value out",
                           f"{p}:3:12: YAML aliases are not allowed (*t); write the value out"]


def test_merge_key_is_refused_as_an_alias():
    p = HOSTILE / "merge-key.yaml"
    assert problems(p) == [f"{p}:3:7: YAML anchors are not allowed (&base); write the value out",
                           f"{p}:6:9: YAML aliases are not allowed (*base); write the value out"]


def test_python_tag_is_refused_and_never_run():
    p = HOSTILE / "python-tag.yaml"
    assert problems(p) == [
        f"{p}:1:8: YAML tags are not allowed (tag:yaml.org,2002:python/object/apply:os.system); "
        "write the value alone",
        f"{p}:1:8: title must be text or a mapping of language to text, not a list"]


def test_file_over_the_size_cap(tmp_path):
    p = tmp_path / "big.yaml"
    p.write_bytes(b"title: T\nlanguages: [en]\nsections: [{text: x}]\n#" + b"x" * 5 * 2**20)
    size = p.stat().st_size
    assert size > 5 * 2**20
    assert problems(p) == [f"{p}:1:1: the file is {size:,} bytes; a data file may have at most 5,242,880"]


def test_file_at_the_size_cap_is_read(tmp_path):
    head = b"title: T\nlanguages: [en]\nsections: [{text: x}]\n#"
    p = tmp_path / "big.yaml"
    p.write_bytes(head + b"x" * (5 * 2**20 - len(head)))
    assert p.stat().st_size == 5 * 2**20
    assert problems(p) == []


def test_nesting_over_the_depth_cap():
    p = HOSTILE / "deep.yaml"
    assert problems(p) == [f"{p}:4:40: the data is nested more than 32 levels deep"]


def test_a_file_of_too_many_values_stops_at_the_cap(tmp_path):
    p = tmp_path / "many.yaml"
    p.write_text("title: T\nlanguages: [en]\nsections: [" + ",".join(["a"] * 300_000) + "]\n")
    # The root, title, T, languages, its list, en, sections, its list: 8 before the first a.
    column = len("sections: [") + 2 * (250_000 - 8) + 1
    assert problems(p) == [f"{p}:3:{column}: the file holds more than 250,000 values; split it "
                           "into files that include each other"]


def test_a_flood_of_duplicate_keys_stops_after_100_problems(tmp_path):
    p = tmp_path / "dups.yaml"
    p.write_text("title: T\nlanguages: [en]\nsections: [{text: x}]\n" + "a: 1\n" * 500_000)
    found = problems(p)
    assert len(found) == 101
    assert found[0] == (f"{p}:5:1: duplicate key 'a' (first written at line 4); "
                        "a key may appear only once in a mapping")
    assert found[-1] == f"{p}:104:4: more than 100 problems; the reading stopped here: fix these first"


def test_a_flood_of_unknown_keys_is_reported_up_to_200(tmp_path):
    p = tmp_path / "keys.yaml"
    p.write_text("title: T\nlanguages: [en]\nsections: [{text: x}]\n"
                 + "".join(f"k{i}: 1\n" for i in range(50_000)))
    found = problems(p)
    assert len(found) == 201
    assert found[0].startswith(f"{p}:4:1: unknown key 'k0' in the document (expected: title, ")
    assert found[-1] == f"{p}:204:1: more than 200 problems; the others are not shown"


@pytest.mark.parametrize("name, message", [
    ("not-utf8.yaml", "4:14: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8"),
    ("nul.yaml", "4:12: a NUL character is not allowed"),
    ("control-character.yaml",
     "4:16: the control character U+0007 is not allowed in a data file; remove it"),
    ("top-level-text.yaml", "1:1: the file must hold one mapping (title:, languages:, ...), not a text"),
    ("several-documents.yaml",
     "5:1: the file holds several YAML documents; it must hold exactly one mapping"),
])
def test_unreadable_files_each_a_clear_error_with_its_place(name, message):
    p = HOSTILE / name
    assert problems(p) == [f"{p}:{message}"]


@pytest.mark.parametrize("text, message", [
    ("- a\n- b\n", "the file must hold one mapping (title:, languages:, ...), not a list"),
    ("~\n", "the file must hold one mapping (title:, languages:, ...), not nothing"),
    ("'quoted'\n", "the file must hold one mapping (title:, languages:, ...), not a text"),
])
def test_top_level_not_a_mapping(tmp_path, text, message):
    p = tmp_path / "doc.yaml"
    p.write_text(text)
    assert problems(p) == [f"{p}:1:1: {message}"]


def test_a_device_is_not_read():
    with pytest.raises(DataError) as caught:
        load("/dev/zero")
    assert str(caught.value) == "/dev/zero:1:1: not a regular file; a data file must be a file"


def test_a_named_pipe_is_not_waited_for(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(DataError) as caught:
        load(fifo)
    assert str(caught.value) == f"{fifo}:1:1: not a regular file; a data file must be a file"


@pytest.mark.parametrize("text, message", [
    ("title: [", "2:1: invalid YAML: did not find expected node content"),
    ("title: \"\\q\"", "1:9: invalid YAML: found unknown escape character"),
    ("title:\tx\n\tlanguages: [en]", "2:1: invalid YAML: found a tab character that violates indentation"),
    ("%YAML 9.9\n---\ntitle: x", "1:1: invalid YAML: found incompatible YAML document"),
    ("title: !<!x> x", "1:8: YAML tags are not allowed (!x); write the value alone"),
    ("? [a]\n: b", "1:3: a mapping key must be plain text"),
    ("\ufeff\ufefftitle: x", None),
])
def test_yaml_oddities_are_data_errors(tmp_path, text, message):
    p = tmp_path / "doc.yaml"
    p.write_text(text, encoding="utf-8")
    found = problems(p)
    assert found  # each is refused ...
    if message is not None:  # ... with its place
        assert f"{p}:{message}" in found


# --- YAML 1.1 surprises never change a value ---------------------------------------------------

SURPRISES = ["NO", "no", "Off", "y", "N", "~x", ".inf", "-.Inf", ".NaN", "0b1010", "0o17", "+0x1F",
             "190:20:30", "2001-12-14t21:59:43.10-05:00", "2002-12-14", "1_000", "=", "1e3",
             "0755", "12:30", "null-ish"]


def test_yaml_11_scalars_stay_as_written_everywhere(tmp_path):
    events = "".join(f"  - {{date: 2006, text: {s}}}\n" for s in SURPRISES)
    texts = "".join(f"  - text: {s}\n" for s in SURPRISES)
    p = tmp_path / "doc.yaml"
    p.write_text("title: NO\nsubtitle: 12:30\nissuer: 0755\nlanguages: [en]\n"
                 "sources:\n  \"2002-12-14\": {title: .inf, publisher: Off, symbol: 0o17}\n"
                 "groups:\n  g: {name: y, members: [NO, {name: 190:20:30, abbr: 1e3}]}\n"
                 "events:\n" + events + "sections:\n" + texts +
                 "  - {heading: 0b1010, chronology: {}}\n  - {heading: .NaN, annex: g}\n"
                 "  - text: \"[@2002-12-14]\"\n", encoding="utf-8")
    out = tmp_path / "out"
    report = build([p], out, formats=["html"])
    assert report.exit_code == 0, [str(x) for o in report.outcomes for x in o.problems]
    html = (out / "doc" / "doc.en.html").read_text("utf-8")
    assert "<h1>NO</h1>" in html
    assert '<p class="subtitle">12:30</p>' in html and '<p class="issuer">0755</p>' in html
    for s in SURPRISES:
        assert f"<p>{s}</p>" in html, s
        assert f"<td>{s}</td>" in html, s
    assert "<cite>.inf</cite>, Off" in html
    assert ">0b1010</h2>" in html and ">.NaN</h2>" in html
    assert "190:20:30 (1e3)" in html and "Norway" in html
    for coerced in ("False", "True", "inf", "nan", "10<", "15<", "68430", "1000<", "493", "750"):
        assert f">{coerced}<" not in html, coerced


def test_times_and_other_digits_are_not_dates(tmp_path):
    # (`0755` is a date as written: the year 755, not YAML 1.1's octal 493.)
    p = write(tmp_path, "doc.yaml", """\
        title: T
        languages: [en]
        events:
          - {date: 12:30, text: a}
          - {date: 2006-12-20T10:00:00, text: c}
          - {date: ٢٠٠٦, text: d}
          - {date: ２００６-01, text: e}
        sections:
          - chronology: {}
        """)
    expected = "is not a date; expected 2006, 2006-12 or 2006-12-20"
    assert problems(p) == [
        f"{p}:4:12: date: '12:30' {expected}",
        f"{p}:5:12: date: '2006-12-20T10:00:00' {expected}",
        f"{p}:6:12: date: '٢٠٠٦' {expected}",
        f"{p}:7:12: date: '２００６-01' {expected}",
    ]


# --- the caps are module constants, so a smaller one can be tested cheaply ---------------------


def test_caps_are_what_the_readme_says():
    assert yamltree.MAX_FILE_BYTES == 5 * 2**20
    assert yamltree.MAX_DEPTH == 32
    assert yamltree.MAX_NODES == 250_000
    assert yamltree.MAX_PROBLEMS == 100
    assert schema.MAX_REPORTED == 200
    assert schema.MAX_TEXT == 100_000


def test_no_traceback_from_the_command_line_for_any_hostile_fixture():
    for p in sorted(HOSTILE.glob("*.yaml")):
        done = run_limited("-m", "generator", "check", str(p))
        assert done.returncode == 1, (p, done.stderr)
        assert "Traceback" not in done.stderr, p
        assert re.match(rf"{re.escape(str(p))}:\d+:\d+: ", done.stderr), done.stderr


# --- ids and keys: no invisible or bidi characters --------------------------------------------

INVISIBLE_KEYS = """\
title: {en: T, "ru\u200b": X}
languages: [en, "r\u202eu"]
sources:
  "a\u2066b": {title: A}
  ok: {title: OK}
groups:
  g: {name: G, members: ["B\u200dY"]}
events:
  - {date: 2006, text: x, cite: ["o\u200bk"], tags: ["un\u2069ga"]}
sections:
  - chronology: {tags: ["\ufeffunga"]}
  - annex: "g\u200c"
  - text: "[@ok]"
"""


def test_invisible_and_bidi_characters_in_keys_codes_and_tags(tmp_path):
    p = tmp_path / "doc.yaml"
    p.write_text(INVISIBLE_KEYS, encoding="utf-8")

    def invisible(what: str, value: str, code: int) -> str:
        import unicodedata

        return (f"{what} {value!r} holds the invisible character U+{code:04X} "
                f"({unicodedata.name(chr(code))}); remove it")

    expected = [
        ("1:16", "language", "ru\u200b", 0x200B),
        ("2:17", "language", "r\u202eu", 0x202E),
        ("4:3", "a source key", "a\u2066b", 0x2066),
        ("7:26", "a member", "B\u200dY", 0x200D),
        ("9:34", "a key in cite", "o\u200bk", 0x200B),
        ("9:49", "a word in tags", "un\u2069ga", 0x2069),
        ("11:25", "a word in tags", "\ufeffunga", 0xFEFF),
        ("12:12", "annex", "g\u200c", 0x200C),
    ]
    assert problems(p) == [f"{p}:{at}: {invisible(what, value, code)}" for at, what, value, code in expected]


@pytest.mark.parametrize("name", ["doc\u200b.yaml", "doc\u202e.yaml", "évian.yaml", ".hidden.yaml",
                                  "doc\n.yaml"])
def test_a_file_name_that_cannot_name_outputs(tmp_path, name):
    p = write(tmp_path, name, "title: T\nlanguages: [en]\nsections: [{text: x}]\n")
    assert problems(p) == [f"{p}:1:1: the file name {name!r} cannot name a document: use letters, "
                           "digits, '.', '_' and '-' only"]
    report = build([p], tmp_path / "out", formats=["html"])
    assert report.exit_code == 1
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == [
        tmp_path / "out" / ".factsheet.lock"]


# --- links and urls ----------------------------------------------------------------------------

LINK_REFUSED = "refused: a link must be an absolute http, https or mailto address"


@pytest.mark.parametrize("markdown, href", [
    ("[a](JaVaScRiPt:alert(1))", "JaVaScRiPt:alert(1)"),
    ("[a](&#106;avascript:alert(1))", "javascript:alert(1)"),
    ("[a](javascript&colon;alert(1))", "javascript:alert(1)"),
    ("[a](java&#x09;script:alert(1))", "java%09script:alert(1)"),
    ("[a](%6Aavascript:alert(1))", "%6Aavascript:alert(1)"),
    ("[a]( javascript:alert(1) )", "javascript:alert(1)"),
    ("[a](<javascript:alert(1)>)", "javascript:alert(1)"),
    ("[a](jav\u200bascript:x)", "jav%E2%80%8Bascript:x"),
    ("[a](vbscript:msgbox(1))", "vbscript:msgbox(1)"),
    ("<VBScript:x>", "VBScript:x"),
    ("[a](data:text/html;base64,PHNjcmlwdD4=)", "data:text/html;base64,PHNjcmlwdD4="),
    ("[a](FILE:///etc/passwd)", "FILE:///etc/passwd"),
    ("[a](file:/etc/passwd)", "file:/etc/passwd"),
    ("<FILE:///etc/passwd>", "FILE:///etc/passwd"),
    ("[a](../../etc/passwd)", "../../etc/passwd"),
    ("[a](//evil.example/x)", "//evil.example/x"),
    ("[a](\\\\server\\share)", "%5Cserver%5Cshare"),
])
def test_link_tricks_are_refused(tmp_path, markdown, href):
    p = tmp_path / "doc.yaml"
    p.write_text(f"title: T\nlanguages: [en]\nsections:\n  - text: |\n      {markdown}\n", encoding="utf-8")
    found = problems(p)
    # Every link is placed where its destination starts, even one spelt with entities.
    assert len(found) == 1
    column = 7 + len(re.match(r"\[a\]\( *<?|<", markdown).group())  # the text starts at column 7
    assert re.fullmatch(rf"{re.escape(str(p))}:5:{column}: link to {re.escape(repr(href))} "
                        + re.escape(LINK_REFUSED), found[0]), found[0]


@pytest.mark.parametrize("url, why", [
    ("file:///etc/passwd", "a source's url must be http or https"),
    ("FILE:///etc/passwd", "a source's url must be http or https"),
    ("/etc/passwd", "a source's url must be http or https"),
    ("../../etc/passwd", "a source's url must be http or https"),
    ("javascript:alert(1)", "a source's url must be http or https"),
    ("data:text/html,x", "a source's url must be http or https"),
    ("http:///etc/passwd", "a source's url must be an absolute http or https address, without spaces"),
    ("https://", "a source's url must be an absolute http or https address, without spaces"),
    ("https://example.org/a b", "a source's url must be an absolute http or https address, without spaces"),
])
def test_source_url_tricks_are_refused(tmp_path, url, why):
    p = tmp_path / "doc.yaml"
    p.write_text(f'title: T\nlanguages: [en]\nsources:\n  s: {{title: S, url: "{url}"}}\n'
                 'sections:\n  - text: "[@s]"\n', encoding="utf-8")
    assert problems(p) == [f"{p}:4:22: url {url!r} refused: {why}"]


# --- includes never read what is no data file --------------------------------------------------


@pytest.mark.parametrize("include", ["/etc/passwd", "../../../../../../../etc/passwd",
                                     "file:///etc/passwd", "/dev/zero", "/proc/self/environ"])
def test_an_include_of_a_file_that_is_no_data_file_is_refused_unread(tmp_path, include):
    p = write(tmp_path, "doc.yaml", f"""\
        title: T
        languages: [en]
        include: ["{include}"]
        sections: [{{text: x}}]
        """)
    assert problems(p) == [f"{p}:3:11: include {include!r} refused: an included file is a data "
                           "file, whose name ends in .yaml"]


def passwd_lines() -> list[bytes]:
    return [line for line in Path("/etc/passwd").read_bytes().splitlines() if line.strip()]


def test_an_include_of_etc_passwd_under_a_yaml_name_is_refused_without_echo(tmp_path):
    (tmp_path / "passwd.yaml").symlink_to("/etc/passwd")
    p = write(tmp_path, "doc.yaml", """\
        title: T
        languages: [en]
        include: [passwd.yaml]
        sections: [{text: x}]
        """)
    found = problems(p)
    assert found == [f"{tmp_path}/passwd.yaml:1:1: the file must hold one mapping "
                     "(title:, languages:, ...), not a text"]
    done = run_limited("-m", "generator", "build", str(p), "--output", str(tmp_path / "out"))
    assert done.returncode == 1
    for line in passwd_lines():
        for field in line.split(b":"):
            if len(field) >= 8:  # long enough not to be a word of the messages
                assert field.decode() not in done.stderr + done.stdout
    assert not (tmp_path / "out" / "doc").exists()


# --- text is text everywhere; no data makes the build read a file or reach the network --------

HOSTILE_TEXT = ('<script>alert(1)</script> {{ 7*7 }} {% if 1 %}X{% endif %} '
                '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd"> '
                '<style>@import "file:///etc/passwd";</style> url(file:///etc/passwd)')
PATHS = "file:///etc/passwd /etc/passwd ../../etc/passwd http://127.0.0.1:{port}/ "


def hostile_document(folder: Path, port: int) -> Path:
    """A valid document with hostile text and paths in every place a text appears."""
    t = (PATHS.format(port=port) + HOSTILE_TEXT).replace("\\", "\\\\").replace('"', '\\"')
    q = f'"{t}"'
    text = f"""\
title: {q}
subtitle: {q}
issuer: {q}
languages: [en]
sources:
  s:
    title: {q}
    publisher: {q}
    symbol: {q}
    url: "http://127.0.0.1:{port}/etc/passwd"
    date: 2006
groups:
  g:
    name: {q}
    note: {q}
    members: [BY, {{name: {q}, abbr: {q}}}]
events:
  - {{date: 2006, text: {q}, cite: [s]}}
sections:
  - heading: {q}
    text: {q}
  - heading: {q}
    text: "[here](http://127.0.0.1:{port}/x) [@s] [@g] ^[{t}]"
  - heading: {q}
    facts:
      - {{value: 7, label: {q}}}
  - heading: {q}
    chronology: {{}}
  - heading: {q}
    annex: g
"""
    return write(folder, "hostile.yaml", text)


def pdf_bytes(path: Path) -> bytes:
    """The PDF file and every one of its streams, decoded: where a leaked file would be."""
    import pypdf

    reader = pypdf.PdfReader(path)
    chunks = [path.read_bytes()]
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free entry of the cross-reference table
            continue
        if isinstance(obj, pypdf.generic.StreamObject):
            chunks.append(obj.get_data())
    chunks.extend(page.extract_text().encode() for page in reader.pages)
    return b"\n".join(chunks)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], int]:
    import socket

    tmp = tmp_path_factory.mktemp("hostile")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.setblocking(False)
        port = server.getsockname()[1]
        path = hostile_document(tmp / "data", port)
        report = build([path], tmp / "out")
        assert report.exit_code == 0, [str(p) for o in report.outcomes for p in o.problems]
        try:
            server.accept()
            connections = 1
        except BlockingIOError:
            connections = 0
    stem = tmp / "out" / "hostile" / "hostile.en"
    return ({"html": stem.with_suffix(".en.html").read_bytes(),
             "pdf": pdf_bytes(stem.with_suffix(".en.pdf"))}, connections)


def test_no_data_makes_the_build_reach_the_network(hostile_build):
    _, connections = hostile_build
    assert connections == 0


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_no_byte_of_etc_passwd_in_the_outputs(hostile_build, fmt):
    outputs, _ = hostile_build
    data = outputs[fmt]
    for line in passwd_lines():
        assert line not in data
        for field in line.split(b":"):
            if len(field) >= 8 and field not in (b"/usr/sbin/nologin",):
                assert field not in data, field


def test_hostile_text_is_text_in_every_place_of_the_html(hostile_build):
    # (Typography may bind a short word to the next with a no-break space.)
    html = re.sub("[\u00a0\u202f\u2060]", " ", hostile_build[0]["html"].decode("utf-8"))
    assert "<script" not in html
    assert "<img" not in html and '<link rel="attachment"' not in html
    assert "@import" not in html.split("</style>")[0].split("<style")[-1]
    # `{{ 7*7 }}` never became 49 (as a number of its own: the server's port may hold "49").
    assert not re.search(r"(?<!\d)49(?!\d)", html)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% if 1 %}X{% endif %}"
    # title, subtitle, issuer, six headings, text, source title, publisher, symbol, group name,
    # note, member name and abbr, event text, fact label, free footnote: each shows it as text.
    assert html.count(escaped) >= 20, html.count(escaped)
    for place in ("<h1>", '<p class="subtitle">', '<p class="issuer">', "<cite>", "<title>"):
        assert place + "file:///etc/passwd /etc/passwd ../../etc/passwd http://127.0.0.1:" in html, place
    # No data in the stylesheet or in a script: the page's own CSS is the template's alone.
    for block in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S):
        assert "passwd" not in block and "alert" not in block
    # The only links are the template's own anchors and the http links of the data.
    hrefs = set(re.findall(r'href="([^"#][^"]*)"', html))
    assert all(h.startswith("http://127.0.0.1:") for h in hrefs), hrefs
    assert not re.search(r'src="(?!data:)', html)


def test_hostile_text_is_text_in_the_pdf(hostile_build):
    text = re.sub(r"\s+", "", hostile_build[0]["pdf"].decode("latin-1"))
    assert "<script>alert(1)</script>{{7*7}}{%if1%}X{%endif%}" in text


def test_a_text_over_the_length_cap(tmp_path):
    p = tmp_path / "doc.yaml"
    p.write_text("title: T\nlanguages: [en]\nsections:\n  - text: |\n      " + "[" * 100_000 + "\n",
                 encoding="utf-8")
    assert problems(p) == [f"{p}:4:11: the text is 100,001 characters long; a text may have at most 100,000"]


@pytest.mark.parametrize("error", [ValueError("bad value"), RecursionError("maximum recursion depth"),
                                   OverflowError("too big")])
def test_other_exceptions_of_the_yaml_layer_become_data_errors(tmp_path, monkeypatch, error):
    import yaml

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(yaml, "parse", broken)
    p = write(tmp_path, "doc.yaml", "title: T\n")
    assert problems(p) == [f"{p}:1:1: invalid YAML: {error}"]


def test_duplicate_keys_however_written(tmp_path):
    p = tmp_path / "doc.yaml"
    p.write_text('title: T\n"title": U\n? title\n: V\nlanguages: [en]\nsections: [{text: x}]\n'
                 "sources: {s: {title: A, 'title': B}}\n", encoding="utf-8")
    dup = "duplicate key 'title' (first written at line 1); a key may appear only once in a mapping"
    assert problems(p) == [
        f"{p}:2:1: {dup}",
        f"{p}:3:3: {dup}",
        f"{p}:7:25: duplicate key 'title' (first written at line 7); a key may appear only once in a mapping",
    ]
