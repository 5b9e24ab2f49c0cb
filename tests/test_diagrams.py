"""The diagrams: current with their source, well-formed, legible, themed, and shown inline.

Each diagram is described in ipcsnippets/diagrams.py and drawn into
docs/diagrams/<name>.svg; a page embeds the file inline inside a
``<figure markdown>`` block, so that it follows the light and dark schemes.
"""
import re
import xml.etree.ElementTree as ET

import markdown
import pytest
from mkdocs.config import load_config

from ipcsnippets import catalog, cli, diagrams
from ipcsnippets.diagrams import DIAGRAMS, Drawing, Msg, Note, Row, timeline

SVG = "{http://www.w3.org/2000/svg}"
NAMES = [d.name for d in DIAGRAMS]
# Pages this project's helpers may not edit yet: the diagram is drawn, and
# the lead adds its include line. A strict xfail fails once it is embedded,
# so that this list is emptied then.


def text_of(svg_text: str) -> str:
    """Every text of an SVG, as a reader sees it."""
    root = ET.fromstring(svg_text)
    return "\n".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


# --- current, well-formed, accessible ---------------------------------------------

def test_every_svg_is_exactly_what_its_source_draws_and_none_is_orphaned():
    assert diagrams.stale() == []
    assert sorted(p.stem for p in diagrams.DIAGRAMS_DIR.glob("*.svg")) == sorted(NAMES)


def test_at_least_the_five_diagrams_the_site_needs():
    pages = {d.name: d.page for d in DIAGRAMS}
    assert pages["queue_anatomy"] == "queues/kinds.md"
    assert pages["race_timeline"] == "queues/race.md"
    assert pages["timeout_fix_timeline"] == "queues/fixes.md"
    assert pages["pipe_ends"] == "pipes/basics.md"
    assert pages["start_methods"] == "start-methods.md"


@pytest.mark.parametrize("name", NAMES)
def test_svg_is_well_formed_with_a_title_and_an_accessible_name(name):
    text = diagrams.get(name).path.read_text(encoding="utf-8")
    root = ET.fromstring(text)  # raises on malformed XML
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and list(root).index(title) == 0
    assert len(title.text) > 40
    assert root.get("aria-label") == title.text
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert not any(e.get("id") for e in root.iter()), "no ids: two diagrams on one page must not clash"


@pytest.mark.parametrize("name", NAMES)
def test_no_text_overlaps_text_crosses_a_line_or_leaves_its_box(name):
    assert diagrams.get(name).draw().problems() == []


@pytest.mark.parametrize("name", NAMES)
def test_colours_and_fonts_come_from_the_page(name):
    text = diagrams.get(name).path.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    head = root.get("style")
    assert "font-family:inherit" in head
    for var in ("--md-default-fg-color", "--md-code-bg-color", "--md-accent-fg-color", "--md-code-font-family"):
        assert f"var({var}," in head
    for element in list(root.iter())[1:]:
        for prop, value in re.findall(r"(fill|stroke):([^;]+)", element.get("style") or ""):
            assert value == "none" or re.fullmatch(r"var\(--ipcd-\w+\)", value), (prop, value)
        for attribute in ("fill", "stroke", "color", "font-family"):
            assert element.get(attribute) is None, "presentation attributes cannot use CSS variables"
    # Hard colours appear only as fallbacks for the SVG opened on its own.
    assert re.findall(r"#[0-9a-fA-F]{3,8}", text) == re.findall(r"var\(--md-[\w-]+, (#[0-9a-fA-F]{3,8})\)", head)


# --- on the pages: inline, not an image ---------------------------------------------

@pytest.fixture(scope="module")
def site_markdown():
    config = load_config(str(catalog.ROOT / "mkdocs.yml"))
    return lambda: markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


@pytest.mark.parametrize("name", NAMES)
def test_the_site_markdown_keeps_the_svg_inline_and_untouched(name, site_markdown, monkeypatch):
    diagram = diagrams.get(name)
    monkeypatch.chdir(catalog.ROOT)  # pymdownx.snippets resolves from the project's root
    source = f"<figure markdown>\n{diagram.include}\n<figcaption markdown>A *caption*</figcaption>\n</figure>\n"
    page = site_markdown().convert(source)
    svg = diagram.path.read_text(encoding="utf-8").rstrip("\n")
    assert svg in page  # character for character: no emphasis, no code spans, no escaping
    assert "<img" not in page
    assert "<em>caption</em>" in page


@pytest.mark.parametrize("name", NAMES)
def test_each_diagram_is_embedded_inline_by_its_page(name):
    diagram = diagrams.get(name)
    text = (catalog.DOCS_DIR / diagram.page).read_text()
    figure = re.search(rf"^<figure markdown>\n{re.escape(diagram.include)}\n(?:.*\n)*?</figure>$", text, re.M)
    assert figure, f"{diagram.page} does not embed {diagram.include} inside <figure markdown>"
    assert "<figcaption" in figure.group(0)


def test_no_page_embeds_a_diagram_twice_or_one_that_does_not_exist():
    seen = []
    for page in catalog.DOCS_DIR.rglob("*.md"):
        seen += re.findall(r'--8<-- "docs/diagrams/(\w+)\.svg"', page.read_text())
    assert len(seen) == len(set(seen))
    assert set(seen) <= set(NAMES)


# --- the facts they draw ------------------------------------------------------------

def test_queue_diagram_names_every_part_and_where_empty_and_qsize_look():
    words = text_of(diagrams.get("queue_anatomy").path.read_text())
    for part in ("Pipe(duplex=False)", "writer lock", "reader lock", "BoundedSemaphore", "(maxsize)",
                 "buffer: a deque", "feeder thread", "each process that puts"):
        assert part in words
    assert "qsize() = maxsize minus the semaphore's value" in words
    assert "empty(): is there data in the pipe?" in words


def test_race_timeline_follows_the_four_numbered_steps_of_the_page():
    words = text_of(diagrams.get("race_timeline").path.read_text()).splitlines()
    order = ["empty() → False", "empty() → False", "get() takes it", "get(): nothing left,", "join() waits"]
    positions = [words.index(w, (words.index(order[i - 1]) + 1) if i else 0) for i, w in enumerate(order)]
    assert positions == sorted(positions)
    numbers = [w for w in words if w.isdigit()]
    assert numbers == ["1", "2", "3", "4"]


def test_start_methods_diagram_agrees_with_the_defaults_in_the_facts():
    words = text_of(diagrams.get("start_methods").path.read_text())
    for fact in ("Linux default up to 3.13", "default on macOS, Windows", "Linux default from 3.14",
                 "__mp_main__", "copied by os.fork()", "started once"):
        assert fact in words


# --- the checks can fail --------------------------------------------------------------

def test_the_checker_reports_overlap_a_crossing_line_overflow_and_leaving_the_picture():
    d = Drawing(200, 100, "a test drawing")
    d.text(50, 20, "first label")
    d.text(55, 22, "second label")
    d.line([(10, 50), (190, 50)])
    d.text(100, 55, "on the line")
    d.box(10, 70, 30, 20, "far too long for its box")
    d.text(195, 95, "beyond", anchor="start")
    problems = "\n".join(d.problems())
    assert "'first label' overlaps 'second label'" in problems
    assert "'on the line' is crossed by a line" in problems
    assert "'far too long for its box' does not fit in its box" in problems
    assert "'beyond' leaves the picture" in problems


def test_a_timeline_note_wider_than_its_lane_is_refused():
    with pytest.raises(ValueError, match="wider than its lane"):
        timeline("t", [("a", "a"), ("b", "b"), ("c", "c"), ("d", "d")],
                 [Row([Note("a", "a note far too long for a quarter of the picture")])])
    timeline("t", [("a", "a"), ("b", "b")], [Row([Msg("a", "b", "fine"), Note("b", "short")])])


def test_markdown_syntax_in_labels_is_written_as_references():
    d = Drawing(300, 40, "__main__ and *stars*")
    d.text(150, 20, "`__mp_main__` [x] *y* #z")
    svg = d.svg()
    assert "_" not in re.sub(r"<[^>]*>", "", svg)  # only inside tags: none in any text
    assert "*" not in re.sub(r"<[^>]*>", "", svg)
    assert text_of(svg) == "__mp_main__ [x] *y* #z"


def test_cli_check_names_each_stale_missing_or_orphaned_svg_and_redraw_fixes_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(diagrams, "DIAGRAMS_DIR", tmp_path)
    assert cli.main(["diagrams", "--check"]) == 1
    assert capsys.readouterr().err.count(": missing") == len(DIAGRAMS)
    assert cli.main(["diagrams"]) == 0
    assert sorted(p.stem for p in tmp_path.glob("*.svg")) == sorted(NAMES)
    assert cli.main(["diagrams", "--check"]) == 0
    capsys.readouterr()
    stale = tmp_path / "race_timeline.svg"
    stale.write_text(stale.read_text().replace("consumer 2", "consumer two"))
    (tmp_path / "old.svg").write_text("<svg/>")
    assert cli.main(["diagrams", "--check"]) == 1
    err = capsys.readouterr().err
    assert "race_timeline.svg: differs from what its source draws" in err
    assert "old.svg: no diagram in ipcsnippets/diagrams.py draws it" in err
    assert cli.main(["diagrams"]) == 0
    assert "race_timeline.svg" in capsys.readouterr().out
    assert diagrams.get("race_timeline").path.read_text() == diagrams.get("race_timeline").render()
