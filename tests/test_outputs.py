"""The outputs on the pages are current, and every way of going stale is caught."""
import json
import shutil

import pytest

from ipcsnippets import catalog, fragments, outputs


@pytest.fixture
def outputs_copy(tmp_path, monkeypatch):
    shutil.copytree(outputs.OUTPUTS_DIR, tmp_path / "outputs")
    monkeypatch.setattr(outputs, "OUTPUTS_DIR", tmp_path / "outputs")
    return tmp_path / "outputs"


def _edit_json(folder, name, change):
    path = folder / f"{name}.json"
    stored = json.loads(path.read_text())
    change(stored)
    path.write_text(json.dumps(stored, indent=2) + "\n")


def test_a_changed_snippet_makes_its_output_stale(outputs_copy):
    _edit_json(outputs_copy, "pipe_greetings", lambda s: s.update(source_sha256="0" * 64))
    problems = outputs.check()
    assert any(p.startswith("pipe_greetings: stale") for p in problems)


def test_a_hand_edited_page_fragment_is_caught_and_regen_renders_it_again(outputs_copy):
    hand_edited = "pipe_greetings.md does not match pipe_greetings.json (edited by hand?"
    md = outputs_copy / "pipe_greetings.md"
    assert not any(hand_edited in p for p in fragments.check(["outputs"]))
    md.write_text(md.read_text().replace("the sender is done", "the sender is finished"))
    assert any(hand_edited in p for p in fragments.check(["outputs"]))
    assert md in fragments.regen(["outputs"])
    assert not any(hand_edited in p for p in fragments.check(["outputs"]))
    assert "the sender is done" in md.read_text()


def test_a_stored_output_that_breaks_the_snippets_invariant_is_caught(outputs_copy):
    def lose_one(stored):
        run = stored["runs"]["fork"]
        run["output"] = run["output"].replace("never consumed: 0", "never consumed: 1")
    _edit_json(outputs_copy, "sentinel_fix", lose_one)
    problems = outputs.check()
    assert any(p.startswith("sentinel_fix [fork] on ") and ": stored output: output does not show" in p
               for p in problems)


def test_missing_and_orphaned_outputs_are_named(outputs_copy):
    (outputs_copy / "pipe_greetings.json").unlink()
    (outputs_copy / "gone_snippet.json").write_text("{}")
    problems = outputs.check()
    assert any(p.startswith("pipe_greetings: no stored output") for p in problems)
    assert any(p.startswith("gone_snippet: stored output for a snippet not in the catalog") for p in problems)


def test_update_never_stores_a_run_that_disagrees_with_the_catalog(outputs_copy, monkeypatch):
    before = (outputs_copy / "pipe_greetings.json").read_text()
    strict = catalog.completes(r"a line this snippet never prints")
    snippet = catalog.get("pipe_greetings")
    monkeypatch.setitem(catalog.CATALOG, "pipe_greetings", type(snippet)(**{**snippet.__dict__, "expect": {"*": strict}}))
    problems = outputs.update(["pipe_greetings"])
    assert problems and all("stored output kept" in p for p in problems)
    assert (outputs_copy / "pipe_greetings.json").read_text() == before


def test_normalise_hides_what_differs_per_machine():
    text = f'File "{catalog.SNIPPETS_DIR}/x.py", line 3\n  File "/root/.pyenv/versions/3.11.7/lib/python3.11/queue.py"\nThread 0x00007f39bb438b80 pid 4242'
    assert outputs.normalise(text) == 'File "snippets/x.py", line 3\n  File ".../lib/python3.11/queue.py"\nThread 0x... pid N'


def test_every_page_shows_the_output_of_the_current_release():
    """'The output under each program is what a reader on the current
    release gets': every stored output came from the newest Python the site
    covers, and says so on the page. A snippet that needs a package (redis-py)
    shows the output of an interpreter that has it, and says which."""
    from ipcsnippets.matrix import REQUIRED_IN_CI

    current = "%d.%d." % max(REQUIRED_IN_CI)
    for name in catalog.names():
        stored = json.loads((outputs.OUTPUTS_DIR / f"{name}.json").read_text())
        if not catalog.get(name).needs:
            assert stored["python"].startswith(current), (name, stored["python"])
        assert f"(Python {stored['python']}" in (outputs.OUTPUTS_DIR / f"{name}.md").read_text(), name
