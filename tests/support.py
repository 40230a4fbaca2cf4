"""Helpers for the template suite: bakes, subprocesses, services, the baked tree."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import secrets
import socket
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

import options

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PROJECT = ROOT / "{{cookiecutter.project_slug}}"
COOKIECUTTER_JSON = ROOT / "cookiecutter.json"

# The baked project's own suite must pass at least this many tests per auth mode, so a
# suite that silently collects less (a pruned conftest, a skipped module) is caught.
MIN_BAKED_TESTS_PASSED = {"session": 450, "hybrid": 900, "jwt_header": 850, "jwt_cookie": 860}

# The live layers (two gunicorn instances; Chromium) must pass at least this many tests,
# per auth mode and blocklist (the none blocklist has fewer revocations to prove).
MIN_LIVE_TESTS_PASSED = {
    ("session", "database"): 15,
    ("hybrid", "database"): 35,
    ("hybrid", "redis"): 35,
    ("hybrid", "none"): 33,
    ("jwt_header", "database"): 21,
    ("jwt_header", "redis"): 21,
    ("jwt_header", "none"): 19,
    ("jwt_cookie", "database"): 24,
    ("jwt_cookie", "redis"): 24,
    ("jwt_cookie", "none"): 22,
}

# The fuzz layer (`pytest -m fuzz`, JSON API bakes): one test per operation of the OpenAPI
# document (GET /openapi.json aside, which Schemathesis does not fuzz: 25), and the checks
# that its credentials open the guarded views and its pending logins the second step; and
# at least this many generated examples.
MIN_FUZZ_TESTS_PASSED = 27
MIN_FUZZ_EXAMPLES = 550

# One entry per validation rule: (overrides, field named in the message, id).
# test_options.py checks validate() on each; test_bake_rejects.py bakes each for real.
REJECTIONS = [
    pytest.param({"package_name": "class"}, "package_name", id="package_name-keyword"),
    pytest.param({"package_name": "9lives"}, "package_name", id="package_name-identifier"),
    pytest.param({"package_name": "my-service"}, "package_name", id="package_name-hyphen"),
    pytest.param({"package_name": "MyService"}, "package_name", id="package_name-pep8"),
    pytest.param({"package_name": "flask"}, "package_name", id="package_name-shadows-flask"),
    pytest.param({"package_name": "jwt"}, "package_name", id="package_name-shadows-jwt"),
    pytest.param({"package_name": "tests"}, "package_name", id="package_name-shadows-tests"),
    pytest.param({"package_name": "json"}, "package_name", id="package_name-shadows-stdlib"),
    pytest.param(
        {"project_slug": "My Service", "package_name": "my_service"},
        "project_slug",
        id="project_slug-spaces",
    ),
    pytest.param(
        {"project_slug": "service-", "package_name": "service"},
        "project_slug",
        id="project_slug-trailing-dash",
    ),
    pytest.param({"author_email": "not-an-email"}, "author_email", id="author_email-no-at"),
    pytest.param({"author_email": "a b@example.com"}, "author_email", id="author_email-space"),
    pytest.param({"author_email": "a@b@example.com"}, "author_email", id="author_email-two-at"),
    pytest.param({"author_email": "me@localhost"}, "author_email", id="author_email-no-dot"),
    pytest.param({"database": "mysql"}, "database", id="choice-unknown"),
]

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

# Directories that running a baked project creates; never part of what was baked.
GENERATED_DIRS = {
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",  # the fuzz layer's Hypothesis caches the source's constants there
    ".ruff_cache",
    ".venv",
    "instance",
}


def default_answers(**overrides: str) -> dict:
    """The answers a --no-input bake gets (derived values rendered), plus overrides."""
    context = generate_context(context_file=str(COOKIECUTTER_JSON), extra_context=overrides)
    return prompt_for_config(context, no_input=True)


def run(
    args: list[str], cwd: Path, env: dict | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def describe(proc: subprocess.CompletedProcess) -> str:
    return f"exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"


def cookiecutter_config(tmp: Path) -> Path:
    """A config file that keeps cookiecutter's replay and clone dirs inside tmp."""
    config = tmp / "cookiecutter-config.yaml"
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(tmp / 'cookiecutters'))}\n"
        f"replay_dir: {json.dumps(str(tmp / 'replay'))}\n"
    )
    return config


def bake_cli(tmp: Path, output_dir: Path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    """A real `cookiecutter --no-input` run, as a user would type it."""
    args = [sys.executable, "-m", "cookiecutter", "--no-input", str(ROOT)]
    args += ["-o", str(output_dir), "--config-file", str(cookiecutter_config(tmp))]
    args += [f"{key}={value}" for key, value in extra.items()]
    return run(args, cwd=tmp, env=clean_env())


def bake_replay(tmp: Path, output_dir: Path, answers: dict) -> subprocess.CompletedProcess:
    """A bake from a replay file: answers reach the hooks exactly as typed, unrendered."""
    template_json = json.loads(COOKIECUTTER_JSON.read_text())
    private = {k: v for k, v in template_json.items() if k.startswith("_") and k != "__prompts__"}
    replay = tmp / "answers.json"
    replay.write_text(json.dumps({"cookiecutter": {**answers, **private}}))
    args = [sys.executable, "-m", "cookiecutter", "--replay-file", str(replay), str(ROOT)]
    args += ["-o", str(output_dir), "--config-file", str(cookiecutter_config(tmp))]
    return run(args, cwd=tmp, env=clean_env())


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without the outer pytest's variables, plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def random_secret(length: int = 64) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def combination_params(combinations: list[dict] | None = None) -> list:
    """Parametrize values with readable ids (conftest schedules each id onto one worker)."""
    combos = options.combinations() if combinations is None else combinations
    return [pytest.param(c, id=options.combination_id(c)) for c in combos]


# --- services -------------------------------------------------------------------------


def postgres_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def require_service(name: str, error: Exception | None) -> None:
    """Skip (or fail, with REQUIRE_SERVICES set) when a service cannot be reached."""
    if error is None:
        return
    reason = f"{name} is unreachable ({error}); set REQUIRE_SERVICES=1 to fail instead"
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(f"{name} is required (REQUIRE_SERVICES is set) but unreachable: {error}")
    pytest.skip(reason)


def postgres_error() -> Exception | None:
    import psycopg

    try:
        with psycopg.connect(_libpq(postgres_url()), connect_timeout=3):
            return None
    except Exception as error:  # noqa: BLE001 - any failure means "unreachable"
        return error


def redis_error() -> Exception | None:
    import redis

    try:
        redis.Redis.from_url(redis_url(), socket_connect_timeout=3).ping()
        return None
    except Exception as error:  # noqa: BLE001 - any failure means "unreachable"
        return error


@contextlib.contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """CREATE a database tmpl_<hex> on the test server; yield its URL; DROP it after."""
    import psycopg
    from sqlalchemy.engine import make_url

    require_service("PostgreSQL", postgres_error())
    admin = make_url(postgres_url())
    name = f"tmpl_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq(postgres_url()), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(_libpq(postgres_url()), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def database_url(combination: dict, tmp: Path) -> Iterator[str]:
    """A fresh, empty database of the combination's kind."""
    if combination["database"] == "postgresql":
        with fresh_postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp / 'app.sqlite3'}"


def app_env(url: str) -> dict[str, str]:
    """Environment for `flask` commands against a baked project."""
    return clean_env(
        APP_ENV="development",
        SECRET_KEY=random_secret(),
        JWT_SECRET_KEY=random_secret(),
        MFA_ENCRYPTION_KEY=random_secret(),
        DATABASE_URL=url,
    )


# --- the baked tree -------------------------------------------------------------------


def baked_files(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if GENERATED_DIRS.intersection(relative.parts) or relative.parts[0].endswith(".egg-info"):
            continue
        yield path


def text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None  # binary (an icon, a font): nothing to render in it


def _module_file(project: Path, dotted: str) -> Path | None:
    base = project.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    if base.is_dir():
        return base  # a namespace package (a directory without __init__.py)
    return None


def _top_level_names(module: Path) -> set[str] | None:
    """Names a module binds at top level; None if it star-imports (anything goes)."""
    if module.is_dir():
        return set()
    names: set[str] = set()
    pending = list(ast.parse(module.read_text(encoding="utf-8")).body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    return None
                names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
            for field in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(node, field, []))
        elif isinstance(node, ast.ExceptHandler):
            pending.extend(node.body)
    return names


def _package_of(project: Path, path: Path) -> list[str]:
    return list(path.relative_to(project).parent.parts)


def unresolved_imports(project: Path) -> list[str]:
    """Imports of the project's own modules that name a module or name that is not there.

    Only imports whose top-level name is one of the baked project's own top-level
    packages or modules (or a relative import) are checked; third-party imports are
    deptry's job.
    """
    local = {
        p.stem if p.suffix == ".py" else p.name
        for p in project.iterdir()
        if (p.suffix == ".py" and p.is_file())
        or (p.is_dir() and p.name not in GENERATED_DIRS and any(p.rglob("*.py")))
    }
    problems = []
    for path in baked_files(project):
        if path.suffix != ".py":
            continue
        where = path.relative_to(project)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(where))
        for node in ast.walk(tree):
            targets: list[tuple[str, list[str]]] = []
            if isinstance(node, ast.Import):
                targets = [(alias.name, []) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    package = _package_of(project, path)
                    base = package[: len(package) - (node.level - 1)]
                    dotted = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    dotted = node.module or ""
                targets = [(dotted, [alias.name for alias in node.names])]
            for dotted, names in targets:
                if not dotted or (
                    dotted.split(".")[0] not in local and not getattr(node, "level", 0)
                ):
                    continue
                module = _module_file(project, dotted)
                if module is None:
                    problems.append(f"{where}:{node.lineno}: no module {dotted}")
                    continue
                bound = _top_level_names(module)
                for name in names:
                    if name == "*" or _module_file(project, f"{dotted}.{name}"):
                        continue
                    if bound is not None and name not in bound:
                        problems.append(f"{where}:{node.lineno}: {dotted} has no {name}")
    return problems


def live_markers(combination: dict) -> str:
    """The pytest marker expression that selects a bake's live layers."""
    return "integration" if combination["auth_mode"] == "jwt_header" else "integration or e2e"


def passed_count(output: str) -> int:
    """N from pytest's closing 'N passed' line (0 if none passed)."""
    found = re.findall(r"(\d+) passed", output)
    return int(found[-1]) if found else 0
