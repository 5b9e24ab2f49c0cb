"""The forkserver in depth (start-methods.md): preloading and start-up per child."""
import json
import re

from ipcsnippets import catalog

STORED = catalog.DOCS_DIR / "outputs" / "forkserver_preload.json"
LINE = re.compile(r"^(\w+) +((?:[\d.]+ ms +){3}) *asyncio already loaded: (\[.*\])$", re.M)


def _parse(output):
    return {m[1]: ([float(t) for t in re.findall(r"[\d.]+", m[2])], m[3]) for m in LINE.finditer(output)}


def test_only_forkserver_children_find_the_preloaded_module(snippet_run):
    """start-methods.md: "only the forkserver children found the module
    loaded" (in this run of the suite, as in the stored one)."""
    r = snippet_run("forkserver_preload", catalog.OWN)
    assert r.outcome == "completes" and r.leftovers == []
    runs = _parse(r.output)
    assert set(runs) == {"spawn", "forkserver", "fork"}
    assert {m: loaded for m, (_, loaded) in runs.items()} == {
        "spawn": "[False, False, False]", "forkserver": "[True, True, True]", "fork": "[False, False, False]"}


def test_the_stored_run_says_what_the_page_says_about_it():
    """start-methods.md: "The first forkserver child pays for the server
    [...] Every later forkserver child is forked from a server that has the
    module already, and the fastest child of the run was one of them.";
    and the later ones beat every spawn child."""
    runs = _parse(json.loads(STORED.read_text())["runs"][catalog.OWN]["output"])
    first, *later = runs["forkserver"][0]
    assert first > max(later)
    assert min(t for times, _ in runs.values() for t in times) in later
    assert max(later) < min(runs["spawn"][0])
