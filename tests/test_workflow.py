"""The GitHub workflow a maintainer can adopt runs what .ci/run runs, and deploys only from main."""
import re

import yaml

from ipcsnippets import catalog

WORKFLOW = yaml.safe_load((catalog.ROOT / ".github" / "workflows" / "docs.yml").read_text())
CI_RUN = (catalog.ROOT / ".ci" / "run").read_text()
MAKEFILE = (catalog.ROOT / "Makefile").read_text()


def run_lines(job):
    return [step["run"] for step in WORKFLOW["jobs"][job]["steps"] if "run" in step]


def make_targets(text):
    return set(re.findall(r"^\s*make ([\w-]+)", text, re.M))


def test_ci_run_calls_the_readme_test_command():
    assert "make test" in (catalog.ROOT / "README.md").read_text()
    assert "test" in make_targets(CI_RUN)


def test_workflow_runs_ci_run_itself_and_the_strict_build():
    lines = run_lines("test")
    assert any(re.search(r"\bbash \.ci/run\b", line) for line in lines), lines
    # Whatever make targets .ci/run calls, the workflow calls through it; the
    # build target it adds is the strict one.
    assert make_targets("\n".join(lines)) >= {"build"}
    assert re.search(r"^build:.*\n(?:\t.*\n)*\t.*mkdocs build --strict", MAKEFILE, re.M)


def test_workflow_sets_ci_so_no_test_can_skip_silently():
    assert WORKFLOW["jobs"]["test"]["env"]["CI"] == "true"


def test_workflow_installs_the_versions_the_matrix_needs():
    setup = next(s for s in WORKFLOW["jobs"]["test"]["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    versions = setup["with"]["python-version"].split()
    assert {"3.9", "3.11", "3.13"} <= set(versions)
    assert versions[-1] == "3.11"  # the default python3 runs the tools


def test_deploy_needs_the_tests_and_runs_only_on_main():
    deploy = WORKFLOW["jobs"]["deploy"]
    assert deploy["needs"] == "test"
    assert deploy["if"] == "github.ref == 'refs/heads/main'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
    # yaml reads the bare key `on` as True
    triggers = WORKFLOW.get("on", WORKFLOW.get(True))
    assert triggers["push"]["branches"] == ["main"]
