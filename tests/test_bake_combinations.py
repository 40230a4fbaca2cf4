"""Bake every valid combination once, then check the baked project as its user would."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request

import pytest

import options
from support import (
    MIN_BAKED_TESTS_PASSED,
    MIN_FUZZ_EXAMPLES,
    MIN_FUZZ_TESTS_PASSED,
    MIN_LIVE_TESTS_PASSED,
    ROOT,
    app_env,
    baked_files,
    clean_env,
    combination_params,
    database_url,
    describe,
    free_port,
    live_markers,
    passed_count,
    postgres_error,
    postgres_url,
    redis_error,
    require_service,
    run,
    text_of,
    unresolved_imports,
)

COMBINATIONS = combination_params()
# The modes with a login page, and where it is.
LOGIN_PAGE = {"session": "/auth/login", "hybrid": "/admin/login"}
WITH_LOGIN_PAGE = combination_params(
    [c for c in options.combinations() if c["auth_mode"] in LOGIN_PAGE]
)

# The live layers run once per auth mode x blocklist on SQLite, and once per mode on
# PostgreSQL (database blocklist), all with argon2: the hash never reaches them, and
# what PostgreSQL changes (the database the instances share) is the same whatever
# carries the revocations.
LIVE_COMBINATIONS = combination_params(
    [
        c
        for c in options.combinations()
        if c["password_hash"] == "argon2"
        and (c["database"] == "sqlite" or c["jwt_blocklist"] == "database")
    ]
)

# The bakes with a JSON API (and so an OpenAPI document and a fuzz layer).
WITH_API = [c for c in options.combinations() if c["auth_mode"] != "session"]
# The fuzz layer's bakes: every mode, blocklist and database, with one password hash. The
# hash changes how passwords are stored, not one status, header or body of the contract.
FUZZED = combination_params([c for c in WITH_API if c["password_hash"] == "argon2"])

# Packages that only the JWT modes may depend on (the last three: the JSON API's contract
# tests and fuzzer).
JWT_ONLY_DEPENDENCIES = (
    "flask-jwt-extended",
    "pyjwt",
    "redis",
    "openapi-spec-validator",
    "schemathesis",
    "hypothesis",
)


def _package(bakery, combination) -> str:
    return bakery.result(combination).context["package_name"]


def _dependency_names(project) -> set[str]:
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    specs = list(data["project"].get("dependencies", []))
    for extra in data["project"].get("optional-dependencies", {}).values():
        specs += extra
    return {re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0].lower() for spec in specs}


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_bake_succeeds_and_prunes(bakery, combination):
    result = bakery.result(combination)
    assert result.exit_code == 0, result.exception
    project = result.project_path
    assert project.is_dir()
    answers = {**result.context, **combination}
    for relative in options.paths_to_prune(answers):
        assert not (project / relative).exists(), f"{relative} should have been pruned"
    if combination["auth_mode"] == "session":
        leaked = _dependency_names(project) & set(JWT_ONLY_DEPENDENCIES)
        assert not leaked, f"session bake depends on {leaked}"


def _dotenv(project) -> dict[str, str]:
    lines = (project / ".env").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_bake_writes_a_git_ignored_env_with_fresh_secrets(bakery, combination):
    project = bakery.project(combination)
    env = _dotenv(project)
    assert env["APP_ENV"] == "development"
    keys = ["SECRET_KEY", "MFA_ENCRYPTION_KEY"]
    keys += ["JWT_SECRET_KEY"] if combination["auth_mode"] != "session" else []
    for key in keys:
        assert len(env[key]) >= 32, key
        assert env[key] not in (project / ".env.example").read_text(encoding="utf-8")
    assert len({env[key] for key in keys}) == len(keys), "each key gets its own secret"
    assert ".env" in (project / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_each_bake_gets_its_own_secrets(cookies):
    first = cookies.bake(extra_context={"auth_mode": "hybrid"}, template=str(ROOT))
    second = cookies.bake(extra_context={"auth_mode": "hybrid"}, template=str(ROOT))
    assert first.exit_code == second.exit_code == 0
    one, other = _dotenv(first.project_path), _dotenv(second.project_path)
    for key in ("SECRET_KEY", "JWT_SECRET_KEY", "MFA_ENCRYPTION_KEY"):
        assert one[key] != other[key], key


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_bake_has_no_template_leftovers(bakery, combination):
    project = bakery.project(combination)
    package = project / _package(bakery, combination)
    problems = []
    for path in baked_files(project):
        relative = path.relative_to(project)
        if "cookiecutter" in str(relative):
            problems.append(f"{relative}: unrendered name")
        if not path.is_file() or (text := text_of(path)) is None:
            continue
        if "cookiecutter" in text:
            problems.append(f"{relative}: mentions cookiecutter")
        if package / "templates" in path.parents:
            continue  # the app's own Jinja pages, copied without rendering
        for delimiter in ("{{", "{%", "{#"):
            if delimiter in text:
                line = text[: text.index(delimiter)].count("\n") + 1
                problems.append(f"{relative}:{line}: Jinja delimiter {delimiter}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_bake_imports_resolve(bakery, combination):
    problems = unresolved_imports(bakery.project(combination))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_bake_passes_ruff(bakery, combination):
    project = bakery.project(combination)
    for args in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        proc = run([sys.executable, "-m", "ruff", *args], cwd=project, env=clean_env())
        assert proc.returncode == 0, describe(proc)


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_bake_passes_deptry(bakery, combination):
    project = bakery.project(combination)
    proc = run([sys.executable, "-m", "deptry", "."], cwd=project, env=clean_env())
    assert proc.returncode == 0, describe(proc)


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_bake_own_suite_passes(working_copy, combination, tmp_path):
    if options.applies("jwt_blocklist", combination) and combination["jwt_blocklist"] == "redis":
        require_service("Redis", redis_error())
    project = working_copy(combination)
    env = clean_env()
    env.pop("TEST_DATABASE_URL", None)
    with database_url(combination, tmp_path) as url:
        if combination["database"] == "postgresql":
            env["TEST_DATABASE_URL"] = url  # a database of its own: workers run side by side
        args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        proc = run(args, cwd=project, env=env)
    assert proc.returncode == 0, describe(proc)
    minimum = MIN_BAKED_TESTS_PASSED[combination["auth_mode"]]
    assert passed_count(proc.stdout) >= minimum, (
        f"expected at least {minimum} passed tests\n{describe(proc)}"
    )


def _layer_environment(combination: dict) -> dict[str, str]:
    """The environment of a layer that needs the bake's services: each checked first, and
    PostgreSQL as a server the bake creates its own database on."""
    env = clean_env()
    env.pop("TEST_DATABASE_URL", None)
    if options.applies("jwt_blocklist", combination) and combination["jwt_blocklist"] == "redis":
        require_service("Redis", redis_error())
    if combination["database"] == "postgresql":
        require_service("PostgreSQL", postgres_error())
        env["TEST_DATABASE_URL"] = postgres_url()
    return env


@pytest.mark.parametrize("combination", LIVE_COMBINATIONS)
def test_bake_live_layers_pass(working_copy, combination):
    """Two gunicorn instances sharing the database (and Redis), and headless Chromium."""
    env = _layer_environment(combination)
    project = working_copy(combination)
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    proc = run([*args, "-m", live_markers(combination)], cwd=project, env=env)
    assert proc.returncode == 0, describe(proc)
    minimum = MIN_LIVE_TESTS_PASSED[combination["auth_mode"], combination["jwt_blocklist"]]
    assert passed_count(proc.stdout) >= minimum, (
        f"expected at least {minimum} passed live tests\n{describe(proc)}"
    )
    if env.get("REQUIRE_SERVICES"):
        assert " skipped" not in proc.stdout, f"nothing may be skipped\n{describe(proc)}"


@pytest.mark.parametrize("combination", FUZZED)
def test_bake_fuzz_layer_passes(working_copy, combination):
    """Schemathesis over every operation of the bake's OpenAPI document: no 5xx, nothing
    undocumented (tests/fuzz/ in the bake)."""
    env = _layer_environment(combination)
    project = working_copy(combination)
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    proc = run([*args, "-m", "fuzz", "--hypothesis-show-statistics"], cwd=project, env=env)
    assert proc.returncode == 0, describe(proc)
    assert not re.search(r"\b\d+ (failed|errors?)\b", proc.stdout), describe(proc)
    assert passed_count(proc.stdout) >= MIN_FUZZ_TESTS_PASSED, (
        f"expected at least {MIN_FUZZ_TESTS_PASSED} passed fuzz tests\n{describe(proc)}"
    )
    examples = sum(map(int, re.findall(r"(\d+) passing, 0 failing", proc.stdout)))
    assert examples >= MIN_FUZZ_EXAMPLES, f"only {examples} examples ran\n{describe(proc)}"


@pytest.mark.parametrize(
    "combination",
    combination_params(
        [c for c in options.combinations() if options.combination_id(c) == "session-sqlite-argon2"]
    ),
)
def test_bake_e2e_skips_without_chromium_unless_services_are_required(
    working_copy, combination, tmp_path
):
    project = working_copy(combination)
    env = clean_env(CHROMIUM_PATH=str(tmp_path / "no-chromium-here"))
    env.pop("REQUIRE_SERVICES", None)
    args = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-m", "e2e"]

    skipped = run(args, cwd=project, env=env)
    env["REQUIRE_SERVICES"] = "1"
    failed = run(args, cwd=project, env=env)

    assert skipped.returncode == 0, describe(skipped)
    assert passed_count(skipped.stdout) == 0
    assert " skipped" in skipped.stdout
    assert "no Chromium at" in skipped.stdout, describe(skipped)
    assert failed.returncode == 1, describe(failed)
    assert "no Chromium at" in failed.stdout, describe(failed)


def _flask(package: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", package, *args]


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_bake_migrations_match_models(bakery, working_copy, combination, tmp_path):
    project = working_copy(combination)
    package = _package(bakery, combination)
    with database_url(combination, tmp_path) as url:
        env = app_env(url)
        upgrade = run(_flask(package, "db", "upgrade"), cwd=project, env=env, timeout=120)
        assert upgrade.returncode == 0, describe(upgrade)
        check = run(_flask(package, "db", "check"), cwd=project, env=env, timeout=120)
        assert check.returncode == 0, describe(check)
        assert "No new upgrade operations detected" in check.stdout + check.stderr


@pytest.mark.parametrize("combination", WITH_LOGIN_PAGE)
def test_bake_dev_server_serves_login_page(bakery, working_copy, combination, tmp_path):
    project = working_copy(combination)
    package = _package(bakery, combination)
    with database_url(combination, tmp_path) as url:
        # Only the database comes from here: APP_ENV and the secrets must come from the
        # .env the bake wrote, as they do for a user right after installing.
        env = clean_env(DATABASE_URL=url)
        for name in ("APP_ENV", "SECRET_KEY", "JWT_SECRET_KEY", "MFA_ENCRYPTION_KEY"):
            env.pop(name, None)
        upgrade = run(_flask(package, "db", "upgrade"), cwd=project, env=env, timeout=120)
        assert upgrade.returncode == 0, describe(upgrade)
        port = free_port()
        log = tmp_path / "server.log"
        with log.open("w") as out:
            server = subprocess.Popen(
                _flask(package, "run", "--port", str(port)),
                cwd=project,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            page = LOGIN_PAGE[combination["auth_mode"]]
            status, body = _get_when_up(f"http://127.0.0.1:{port}{page}", server)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        assert status == 200, log.read_text()
        assert "<form" in body


def _get_when_up(url: str, server: subprocess.Popen, limit: float = 15.0) -> tuple[int, str]:
    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dev server did not come up at {url} (exit {server.poll()})")
            time.sleep(0.2)
