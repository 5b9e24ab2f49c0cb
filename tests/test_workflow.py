"""The GitHub workflow a maintainer can adopt.

It runs what .ci/run runs on GitHub's runners as they are (no Debian
packages there: Playwright's Chromium and setup-python's CPythons instead),
deploys only from main in GitHub's sequence for a static site, and passes
zizmor and the GitHub workflow schema with nothing to report.
"""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import List, Optional

import pytest
import yaml

from ipcsnippets import catalog

WORKFLOWS = sorted((catalog.ROOT / ".github" / "workflows").glob("*.y*ml"))
WORKFLOW = yaml.safe_load((catalog.ROOT / ".github" / "workflows" / "docs.yml").read_text())
CI_RUN = catalog.ROOT / ".ci" / "run"
MAKEFILE = (catalog.ROOT / "Makefile").read_text()
# The CPythons the site covers (FACTS.md): the snippet matrix needs them all.
COVERED = [f"3.{minor}" for minor in range(9, 16)]
PINNED = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+$")


def steps(job: str) -> list:
    return WORKFLOW["jobs"][job]["steps"]


def run_lines(job: str) -> List[str]:
    return [step["run"] for step in steps(job) if "run" in step]


def uses(job: str) -> List[str]:
    """The actions a job uses, in order, without their pins."""
    return [step["uses"].split("@")[0] for step in steps(job) if "uses" in step]


def make_targets(text: str) -> set:
    return set(re.findall(r"^\s*make ([\w./-]+)", text, re.M))


def test_ci_run_calls_the_readme_test_command():
    assert "make test" in (catalog.ROOT / "README.md").read_text()
    assert "test" in make_targets(CI_RUN.read_text())


def test_workflow_runs_ci_run_itself():
    # Whatever .ci/run checks, the workflow checks through it.
    assert any(re.search(r"\bbash \.ci/run\b", line) for line in run_lines("test")), run_lines("test")


def test_workflow_sets_ci_so_no_test_can_skip_silently():
    assert WORKFLOW["jobs"]["test"]["env"]["CI"] == "true"


def test_workflow_sets_up_every_covered_cpython_and_311_as_python3():
    setup = next(s for s in steps("test") if s.get("uses", "").startswith("actions/setup-python@"))
    versions = setup["with"]["python-version"].split()
    assert sorted(versions, key=lambda v: int(v.split(".")[1])) == COVERED
    assert versions[-1] == "3.11"  # the last is python3, which runs the tools


def test_the_browser_tests_get_the_chromium_the_workflow_installs():
    install, test = (i for i, s in enumerate(steps("test")) if "run" in s and (
        "playwright install" in s["run"] or ".ci/run" in s["run"]))
    assert install < test
    script = steps("test")[install]["run"]
    assert "executable_path" in script  # Playwright's own answer, not a guessed path
    assert re.search(r'echo "IPCSNIPPETS_CHROMIUM=\$\w+" >> "\$GITHUB_ENV"', script), script


def test_deploy_needs_the_tests_and_runs_only_on_main():
    deploy = WORKFLOW["jobs"]["deploy"]
    assert deploy["needs"] == "test"
    assert deploy["if"] == "github.ref == 'refs/heads/main'"
    # yaml reads the bare key `on` as True
    triggers = WORKFLOW.get("on", WORKFLOW.get(True))
    assert triggers["push"]["branches"] == ["main"]


def test_deploy_follows_githubs_sequence_for_a_static_site():
    deploy = WORKFLOW["jobs"]["deploy"]
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert uses("deploy") == ["actions/checkout", "actions/setup-python", "actions/configure-pages",
                              "actions/upload-pages-artifact", "actions/deploy-pages"]
    # The site is built between configure-pages and the upload, strictly,
    # into the folder that is uploaded.
    names = [s.get("uses", s.get("run", "")).split("@")[0] for s in steps("deploy")]
    build = names.index("make build")
    assert names.index("actions/configure-pages") < build < names.index("actions/upload-pages-artifact")
    upload = next(s for s in steps("deploy") if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert re.search(rf"^build:.*\n(?:\t.*\n)*\t.*mkdocs build --strict --site-dir {upload['with']['path']}$",
                     MAKEFILE, re.M)


def test_every_job_asks_for_its_own_permissions_and_nothing_more_is_given():
    assert WORKFLOW["permissions"] == {}
    for name, job in WORKFLOW["jobs"].items():
        assert "permissions" in job, name
    assert WORKFLOW["jobs"]["test"]["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment(path):
    lines = [line for line in path.read_text().splitlines() if re.match(r"^\s*(?:- )?uses:", line)]
    assert lines
    assert [line for line in lines if not PINNED.match(line)] == []


# --- .ci/run on a runner that has what it needs ---------------------------------

def run_ci_run(tmp_path: Path, chromium: Optional[str], pythons: bool,
               dot: bool = True, redis: bool = True) -> subprocess.CompletedProcess:
    """.ci/run with stand-ins for make, apt-get and (if ``dot``) Graphviz's
    dot that only record their arguments in ``log``; python3.14 and
    python3.15 on PATH if ``pythons``, redis-server if ``redis``."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("make", "apt-get") + (("dot",) if dot else ()):
        (tools / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "$LOG"\n')
        (tools / name).chmod(0o755)
    # make also notes how the suite will make the catalog's runs.
    (tools / "make").write_text('#!/bin/sh\necho "make $*" >> "$LOG"\n'
                                'echo "${IPCSNIPPETS_RUNS-unset}" >> "$LOG.runs"\n')
    (tools / "dirname").symlink_to(shutil.which("dirname"))
    for name in ("python3.14", "python3.15") * pythons + ("redis-server",) * redis:
        (tools / name).write_text("#!/bin/sh\n")
        (tools / name).chmod(0o755)
    env = {"PATH": str(tools), "LOG": str(tmp_path / "log")}
    if chromium is not None:
        env["IPCSNIPPETS_CHROMIUM"] = chromium
    (tmp_path / "log").write_text("")
    return subprocess.run([shutil.which("bash"), str(CI_RUN)], env=env, capture_output=True,
                          text=True, timeout=30)


def test_ci_run_installs_no_browser_when_the_setting_names_one(tmp_path):
    browser = tmp_path / "chrome"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    done = run_ci_run(tmp_path, str(browser), pythons=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "log").read_text().splitlines() == ["make test", "make test-slow"]
    # CI proves every snippet again: no run is read from tests/recorded_runs.json.
    assert (tmp_path / "log.runs").read_text().splitlines() == ["live", "live"]


@pytest.mark.parametrize("chromium", ["/nonexistent/chrome", "/"], ids=["missing", "a-folder"])
def test_ci_run_stops_with_one_line_when_the_setting_names_no_browser(tmp_path, chromium):
    done = run_ci_run(tmp_path, chromium, pythons=True)
    assert done.returncode == 2
    assert done.stderr == f".ci/run: IPCSNIPPETS_CHROMIUM={chromium} is not an executable file\n"
    assert (tmp_path / "log").read_text() == ""  # nothing installed, nothing run


@pytest.mark.parametrize("pythons", [True, False], ids=["on-path", "missing"])
def test_ci_run_installs_314_and_315_only_when_missing(tmp_path, pythons):
    browser = tmp_path / "chrome"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    done = run_ci_run(tmp_path, str(browser), pythons=pythons)
    assert done.returncode == 0, done.stderr
    expected = ["make test", "make test-slow"] if pythons else ["make pythons", "make test", "make test-slow"]
    assert (tmp_path / "log").read_text().splitlines() == expected


def test_ci_run_installs_graphviz_only_when_dot_is_missing(tmp_path):
    browser = tmp_path / "chrome"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    done = run_ci_run(tmp_path, str(browser), pythons=True, dot=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "log").read_text().splitlines() == [
        "apt-get update", "apt-get install -y make graphviz redis-server", "make test", "make test-slow"]


def test_the_workflow_installs_graphviz_before_ci_run():
    install, test = (i for i, s in enumerate(steps("test")) if "run" in s and (
        "playwright install" in s["run"] or ".ci/run" in s["run"]))
    assert install < test
    assert re.search(r"^sudo apt-get install -y .*\bgraphviz\b", steps("test")[install]["run"], re.M)


# --- zizmor and the schema, on every workflow -----------------------------------

def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " -- CI must run this check", pytrace=False)
    pytest.skip(reason)


def zizmor_report(paths: List[Path]) -> Optional[str]:
    """None when zizmor finds nothing in ``paths``, else what it said."""
    zizmor = Path(sysconfig.get_path("scripts")) / "zizmor"
    if not zizmor.is_file():
        _missing("zizmor is not installed (pip install -e '.[test]', Python 3.11+)")
    # --no-config and --no-ignores: nothing in the repository can silence a
    # finding; --strict-collection: a file it cannot read is an error.
    done = subprocess.run(
        [str(zizmor), "--offline", "--no-config", "--no-ignores", "--strict-collection",
         "--no-progress", "--color=never", *map(str, paths)],
        capture_output=True, text=True, timeout=60)
    if done.returncode == 0:
        return None
    return f"zizmor exited with {done.returncode}:\n{done.stdout}{done.stderr}"


def schema_report(paths: List[Path]) -> Optional[str]:
    """None when every file in ``paths`` is a valid GitHub workflow, else the errors."""
    if importlib.util.find_spec("check_jsonschema") is None:
        _missing("check-jsonschema is not installed (pip install -e '.[test]', Python 3.11+)")
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         "--color", "never", *map(str, paths)],
        capture_output=True, text=True, timeout=60)
    if done.returncode == 0:
        return None
    return f"check-jsonschema exited with {done.returncode}:\n{done.stdout}{done.stderr}"


def test_there_are_workflows_to_check():
    assert [p.name for p in WORKFLOWS] == ["docs.yml"]


def test_zizmor_finds_nothing_in_any_workflow():
    report = zizmor_report(WORKFLOWS)
    assert report is None, report


def test_every_workflow_matches_githubs_schema():
    report = schema_report(WORKFLOWS)
    assert report is None, report


UNSAFE = """\
name: unsafe
on: push
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
"""

MALFORMED = """\
name: malformed
on: push
jobs:
  build:
    steps:
      - run: make test
"""


def test_the_checks_fail_and_say_why_on_a_bad_workflow(tmp_path):
    (tmp_path / "unsafe.yml").write_text(UNSAFE)
    report = zizmor_report([tmp_path / "unsafe.yml"])
    assert report is not None
    for finding in ("unsafe.yml", "unpinned-uses", "artipacked", "excessive-permissions"):
        assert finding in report, report
    (tmp_path / "malformed.yml").write_text(MALFORMED)
    report = schema_report([tmp_path / "malformed.yml"])
    assert report is not None
    assert "malformed.yml" in report and "'runs-on' is a required property" in report, report


@pytest.mark.parametrize("redis", [True, False], ids=["there", "missing"])
def test_ci_run_installs_redis_server_only_when_missing(tmp_path, redis):
    browser = tmp_path / "chrome"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    done = run_ci_run(tmp_path, str(browser), pythons=True, redis=redis)
    assert done.returncode == 0, done.stderr
    expected = ["make test", "make test-slow"] if redis else ["apt-get update", "apt-get install -y make graphviz redis-server", "make test", "make test-slow"]
    assert (tmp_path / "log").read_text().splitlines() == expected


def test_the_workflow_installs_redis_server_before_ci_run():
    """On GitHub's runner .ci/run is not root: the workflow installs it with sudo."""
    install, test = (i for i, s in enumerate(steps("test")) if "run" in s and (
        "playwright install" in s["run"] or ".ci/run" in s["run"]))
    assert install < test
    assert re.search(r"^sudo apt-get install -y .*\bredis-server\b", steps("test")[install]["run"], re.M)
