"""Every generated fragment is what its stored data renders to; ``regen``
renders them and ``regen --check`` names each one that is stale or was
edited by hand. How each kind goes stale is tested beside its command
(test_outputs, test_matrix, test_stress, test_bench, test_diagrams)."""
import os
import subprocess
import sys

import pytest

from ipcsnippets import catalog, fragments, outputs


def test_every_generated_fragment_is_current():
    assert fragments.check() == []


def test_regen_check_names_each_problem_on_one_line_and_fails(tmp_path, monkeypatch, capsys):
    from ipcsnippets import cli

    folder = tmp_path / "outputs"
    folder.mkdir()
    for name in ("pipe_greetings", "queue_race"):
        for suffix in (".json", ".md"):
            (folder / f"{name}{suffix}").write_bytes((outputs.OUTPUTS_DIR / f"{name}{suffix}").read_bytes())
    monkeypatch.setattr(outputs, "OUTPUTS_DIR", folder)
    monkeypatch.setattr(catalog, "names", lambda: ["pipe_greetings", "queue_race"])
    assert cli.main(["regen", "--check", "outputs"]) == 0, capsys.readouterr().err
    (folder / "pipe_greetings.md").write_text("edited\n")
    (folder / "queue_race.md").unlink()
    assert cli.main(["regen", "--check", "outputs"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2, err
    assert "pipe_greetings.md does not match pipe_greetings.json (edited by hand? " \
           "run: python -m ipcsnippets regen outputs)" in err[0]
    assert "queue_race.md is missing (run: python -m ipcsnippets regen outputs)" in err[1]
    assert cli.main(["regen", "outputs"]) == 0
    out = capsys.readouterr().out
    assert "pipe_greetings.md" in out and "queue_race.md" in out
    assert cli.main(["regen", "--check", "outputs"]) == 0


def test_write_atomic_replaces_the_whole_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "deep" / "fragment.md"
    fragments.write_atomic(path, "first\n")
    fragments.write_atomic(path, "second\n")
    assert path.read_text() == "second\n"
    assert os.listdir(path.parent) == ["fragment.md"]


def test_regen_measures_nothing():
    """Rendering starts no snippet: the command ends in about the time an
    interpreter needs to start (it would take minutes if it measured)."""
    done = subprocess.run([sys.executable, "-m", "ipcsnippets", "regen", "--check", "stress", "bench"],
                          cwd=catalog.ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "fragments current: stress, bench\n"


def test_a_fragment_module_first_imported_while_a_test_patches_matrix_keeps_the_real_folder(monkeypatch, tmp_path):
    # fragments imports the command modules on first use: when that first use
    # fell inside a test that had patched matrix.MEASURED_DIR, redis_bench
    # kept the test's folder for the rest of the worker, and this file's
    # first test failed for a missing redis_rates.json (now and then, as
    # xdist happened to order the tests).
    import importlib

    from ipcsnippets import commands, matrix

    monkeypatch.setattr(matrix, "MEASURED_DIR", tmp_path)
    for name in ("redis_bench", "stress"):
        monkeypatch.delitem(sys.modules, f"ipcsnippets.commands.{name}")
        monkeypatch.setattr(commands, name, getattr(commands, name))  # restored after the re-import
        fresh = importlib.import_module(f"ipcsnippets.commands.{name}")
        assert fresh.MEASURED_DIR == catalog.DOCS_DIR / "measured"


def test_a_bug_in_rendering_the_matrix_is_an_error_not_a_current_page(monkeypatch):
    """``matrix.rendered()`` returns nothing for a stored matrix of another
    shape (``check_stored()`` names it), but an error of ``render()`` itself
    must not pass for "nothing to compare"."""
    from ipcsnippets import matrix

    assert [r.path for r in matrix.rendered()] == [matrix.MATRIX_MD]

    def broken(stored):
        raise TypeError("a bug in the template's context")

    monkeypatch.setattr(matrix, "render", broken)
    with pytest.raises(TypeError, match="a bug in the template's context"):
        matrix.rendered()
