"""The diagrams: current with their source, well-formed, legible, themed, and shown inline.

Each diagram is described in ipcsnippets/diagrams.py, laid out by Graphviz
and drawn into docs/diagrams/<name>.svg; a page embeds the file inline
inside a ``<figure markdown>`` block, so that it follows the light and dark
schemes. Most tests read the committed files and need no Graphviz; those
that draw need its ``dot`` and skip without it, except with CI=true, where
they fail (.ci/run installs Graphviz).
"""
import os
import re
import shutil
import xml.etree.ElementTree as ET

import markdown
import pytest
from mkdocs.config import load_config

from ipcsnippets import catalog, cli, diagrams
from ipcsnippets.diagrams import DIAGRAMS, TONES, Msg, Note, Row, Stop, themed, timeline

SVG = "{http://www.w3.org/2000/svg}"
NAMES = [d.name for d in DIAGRAMS]


@pytest.fixture
def dot():
    """Skip (or, with CI=true, fail) when Graphviz's dot is not on PATH."""
    if shutil.which("dot") is None:
        reason = "Graphviz's dot is not on PATH (apt-get install graphviz)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " -- CI must have it", pytrace=False)
        pytest.skip(reason)


def text_of(svg_text: str) -> str:
    """Every text of an SVG, as a reader sees it."""
    root = ET.fromstring(svg_text)
    return "\n".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


# --- current, well-formed, accessible ---------------------------------------------

def test_every_svg_was_drawn_from_its_current_source_untouched_and_none_is_orphaned():
    assert diagrams.stale() == []
    assert sorted(p.stem for p in diagrams.DIAGRAMS_DIR.glob("*.svg")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_graphviz_draws_exactly_the_committed_svg(name, dot):
    diagram = diagrams.get(name)
    assert diagram.render() == diagram.path.read_text(encoding="utf-8")


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


def boxes(svg_text: str) -> list:
    """The bounding box of every filled shape a reader reads text in (boxes,
    labels' backgrounds, step numbers; not arrowheads), in file order."""
    found = []
    for e in ET.fromstring(svg_text).iter():
        style = e.get("style") or ""
        if not style.startswith("fill:var") or e.tag not in (f"{SVG}path", f"{SVG}polygon", f"{SVG}ellipse"):
            continue
        if e.tag == f"{SVG}ellipse":
            cx, cy, rx, ry = (float(e.get(k)) for k in ("cx", "cy", "rx", "ry"))
            box = (cx - rx, cy - ry, cx + rx, cy + ry)
        else:
            numbers = [float(n) for n in re.findall(r"-?[\d.]+", e.get("d") or e.get("points"))]
            xs, ys = numbers[0::2], numbers[1::2]
            box = (min(xs), min(ys), max(xs), max(ys))
        if (box[2] - box[0]) * (box[3] - box[1]) > 150:
            found.append(box)
    return found


def overlapping(svg_text: str) -> list:
    """Pairs of those boxes that overlap by more than half a pixel."""
    found = boxes(svg_text)
    return [(a, b) for i, a in enumerate(found) for b in found[i + 1:]
            if a[0] + 0.5 < b[2] and b[0] + 0.5 < a[2] and a[1] + 0.5 < b[3] and b[1] + 0.5 < a[3]]


@pytest.mark.parametrize("name", NAMES)
def test_no_box_overlaps_another_and_every_text_is_inside_the_picture(name):
    text = diagrams.get(name).path.read_text(encoding="utf-8")
    assert len(boxes(text)) >= 3
    assert overlapping(text) == []
    root = ET.fromstring(text)
    dx, dy = (float(n) for n in re.search(r"translate\(([-\d.]+) ([-\d.]+)\)", text).groups())
    for t in root.iter(f"{SVG}text"):
        x, y = float(t.get("x")) + dx, float(t.get("y")) + dy
        assert 0 < x < float(root.get("width")) and 10 < y < float(root.get("height")), "".join(t.itertext())


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

def test_graphviz_refuses_a_label_too_big_for_its_box_naming_the_diagram(dot, monkeypatch):
    source = 'box [label="far too long for its box", fixedsize=true, width=0.5]\n'
    diagram = diagrams.Diagram("tight", "nowhere.md", "a test drawing", lambda: source)
    with pytest.raises(diagrams.GraphvizError, match="tight: .*too small for label"):
        diagram.render()


def test_the_overlap_check_finds_a_timeline_note_wider_than_its_lane(dot):
    lanes = [("a", "a"), ("b", "b"), ("c", "c"), ("d", "d")]
    wide = timeline(lanes, [Row([Note("a", "a note far too long for a quarter of the picture"),
                                 Note("b", "short")])])
    fine = timeline(lanes, [Row([Msg("a", "b", "fine"), Note("b", "short"), Stop("b")])])
    draw = lambda source: themed(diagrams.graphviz(source, "neato"), "t")  # noqa: E731
    assert overlapping(draw(wide))
    assert overlapping(draw(fine)) == []


GRAPHVIZ_TEXT = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0.00 0.00 300.00 40.00">'
    '<g id="graph0" class="graph" transform="translate(4 36)"><title>%3</title>'
    '<g id="node1" class="node"><title>a</title>'
    '<path fill="{fill}" stroke="{line}" stroke-width="1.5" d="M0,0L10,10"/>'
    '<text text-anchor="middle" x="150" y="-20" font-family="Helvetica,sans-Serif" font-size="14.00"'
    ' fill="{fg}">{label}</text></g></g></svg>'
)


def test_markdown_syntax_in_labels_is_written_as_references():
    svg = themed(GRAPHVIZ_TEXT.format(**TONES, label="`__mp_main__` [x] *y* #z"), "__main__ and *stars*")
    assert "_" not in re.sub(r"<[^>]*>", "", svg)  # only inside tags: none in any text
    assert "*" not in re.sub(r"<[^>]*>", "", svg)
    assert text_of(svg) == "__mp_main__ [x] *y* #z"
    assert '<tspan style="font-family:var(--ipcd-code);font-size:13px">' in svg
    assert not any(line != line.lstrip() or not line for line in svg.splitlines())


def test_a_colour_that_is_no_tone_is_refused():
    with pytest.raises(ValueError, match="'#123456' is no tone"):
        themed(GRAPHVIZ_TEXT.format(**{**TONES, "fill": "#123456"}, label="x"), "t")


def test_cli_check_names_each_stale_missing_or_orphaned_svg_and_redraw_fixes_it(tmp_path, monkeypatch, capsys, dot):
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


def test_cli_without_graphviz_still_checks_and_says_in_one_line_why_it_cannot_draw(monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(diagrams, "_plugin_dir", diagrams._plugin_dir.__wrapped__)
    assert cli.main(["diagrams", "--check"]) == 0
    assert cli.main(["diagrams"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Graphviz's dot is not on PATH" in err
