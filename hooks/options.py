"""The template's tables: which answers exist, which combine, and what each answer prunes.

Shared by hooks/pre_gen_project.py, hooks/post_gen_project.py and the template's own
suite (tests/), so the hooks and the suite can never disagree about what is valid.
Pure functions over an ``answers`` dict (the cookiecutter context); the only I/O here
is ``prune()``, which deletes paths under a baked project.
"""

from __future__ import annotations

import itertools
import keyword
import re
import shutil
import sys
from pathlib import Path

# The choice questions, in cookiecutter.json order; the first option is the default.
CHOICES: dict[str, tuple[str, ...]] = {
    "auth_mode": ("hybrid", "session", "jwt_header", "jwt_cookie"),
    "jwt_blocklist": ("database", "redis", "none"),
    "database": ("sqlite", "postgresql"),
    "password_hash": ("argon2", "scrypt"),
}

JWT_MODES = frozenset({"jwt_header", "jwt_cookie"})

# Top-level modules the baked project imports (or its tooling treats as its own):
# a package of the same name would shadow them.
SHADOWED_MODULES = frozenset(
    {
        "flask",
        "flask_login",
        "flask_wtf",
        "flask_sqlalchemy",
        "flask_migrate",
        "flask_jwt_extended",
        "flask_limiter",
        "jwt",
        "redis",
        "sqlalchemy",
        "alembic",
        "werkzeug",
        "wtforms",
        "argon2",
        "zxcvbn",
        "email_validator",
        "psycopg",
        "itsdangerous",
        "click",
        "jinja2",
        "markupsafe",
        "dotenv",
        "limits",
        "aiosmtpd",
        "pyotp",
        "segno",
        "cryptography",
        "pytest",
        "conftest",
        "tests",
        "migrations",
    }
)

PACKAGE_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
# A PEP 508 distribution name, lower-case only, which is also a safe directory name.
PROJECT_SLUG_RE = re.compile(r"^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The project_slug cookiecutter.json derives when slugify finds no letter or digit in the
# project_name ("!!!", an emoji): not a valid slug, but a safe directory name, so the bake
# reaches the pre-generation hook (an empty one would name the output directory itself).
NO_SLUG = "-"

# The prune table. Each rule: (conditions, paths). A rule fires when, for EVERY question
# in its conditions, the answer is in that question's set. Paths are relative to the
# baked project root; "{package_name}" is replaced by the answer.
SESSION_TESTS = tuple(
    f"tests/test_session_{name}.py"
    for name in (
        "auth",
        "baseline",
        "cost",
        "email_verification",
        "headers",
        "logout",
        "notes",
        "password_reset",
        "rate_limits",
        "redirects",
    )
)
API_TESTS = tuple(
    f"tests/test_api_{name}.py"
    for name in (
        "audit",
        "auth",
        "bad_input",
        "config",
        "cookie",
        "cost",
        "database",
        "email_verification",
        "header",
        "mfa",
        "no_revocation",
        "notes",
        "openapi",
        "password_reset",
        "rate_limits",
        "redis",
        "revocation",
        "rotation",
        "tokens",
    )
)

# One rule per feature: the answers that drop it (every listed question must match),
# and the files and folders that make it up, relative to the baked project.
PRUNE: tuple[tuple[dict[str, frozenset[str]], tuple[str, ...]], ...] = (
    # Customers' pages (session mode): the other modes serve customers through the API.
    (
        {"auth_mode": frozenset({"hybrid"}) | JWT_MODES},
        (
            "{package_name}/auth",
            "{package_name}/notes",
            "{package_name}/templates/auth",
            "{package_name}/templates/notes",
            "{package_name}/templates/dashboard.html",
            "{package_name}/templates/_nav.html",
            *SESSION_TESTS,
        ),
    ),
    # Pages at all, and browser logins through Flask-Login: session and hybrid only.
    (
        {"auth_mode": JWT_MODES},
        (
            "{package_name}/templates",
            "{package_name}/static",
            "{package_name}/forms.py",
            "{package_name}/mfa_pages.py",
            "{package_name}/security/login_sessions.py",
            "{package_name}/security/signed_sessions.py",
            "tests/session_client.py",
            "tests/test_mfa_pages.py",
            "tests/test_signed_sessions.py",
            "tests/test_login_cookies.py",
        ),
    ),
    # No Flask session at all where every request is authenticated by its token.
    (
        {"auth_mode": frozenset({"session", "hybrid"})},
        ("{package_name}/security/stateless.py",),
    ),
    # The login_sessions table: browser logins, and the database blocklist's families.
    (
        {"auth_mode": JWT_MODES, "jwt_blocklist": frozenset({"redis", "none"})},
        ("{package_name}/models/login_session.py",),
    ),
    # The operators' panel, and what keeps its world apart from the API's: hybrid only.
    (
        {"auth_mode": frozenset({"session"}) | JWT_MODES},
        (
            "{package_name}/admin",
            "{package_name}/templates/admin",
            "{package_name}/security/worlds.py",
            "tests/test_hybrid_admin.py",
            "tests/test_hybrid_worlds.py",
        ),
    ),
    # The JSON API and its tokens: every mode but session.
    (
        {"auth_mode": frozenset({"session"})},
        (
            "{package_name}/api",
            "{package_name}/security/tokens.py",
            "{package_name}/security/jwt_manager.py",
            "{package_name}/security/families_database.py",
            "{package_name}/security/families_redis.py",
            "{package_name}/security/families_none.py",
            "tests/api_client.py",
            "tests/fuzz",
            *API_TESTS,
        ),
    ),
    # Token transport: cookies (and the demo client) in cookie mode, the header elsewhere.
    (
        {"auth_mode": frozenset({"session", "hybrid", "jwt_header"})},
        (
            "{package_name}/demo",
            "{package_name}/api/cookie_transport.py",
            "tests/test_api_cookie.py",
            "tests/test_api_cookie_host_prefix.py",
        ),
    ),
    (
        {"auth_mode": frozenset({"session", "jwt_cookie"})},
        ("{package_name}/api/header_transport.py", "tests/test_api_header.py"),
    ),
    # Live layers (tests/live): which two-instance tests apply.
    (
        {"auth_mode": JWT_MODES},
        (
            "tests/live/pages.py",
            "tests/live/test_instances_sessions.py",
            "tests/live/test_instances_two_factor_pages.py",
        ),
    ),
    (
        {"auth_mode": frozenset({"session"})},
        (
            "tests/live/tokens.py",
            "tests/live/test_instances_two_factor_api.py",
            "tests/live/test_instances_revocation.py",
            "tests/live/test_instances_no_revocation.py",
            "tests/live/test_instances_token_version.py",
            # The load script drives the JSON API; it is the folder's only file.
            "scripts",
            "tests/live/test_load.py",
            "tests/test_load_script.py",
        ),
    ),
    (
        {"auth_mode": frozenset({"session"}) | JWT_MODES},
        ("tests/live/test_instances_hybrid.py",),
    ),
    (
        {"jwt_blocklist": frozenset({"database", "none"})},
        ("tests/live/test_instances_shared_limits.py",),
    ),
    (
        {"auth_mode": frozenset({"hybrid"}) | JWT_MODES, "jwt_blocklist": frozenset({"redis"})},
        ("tests/live/test_instances_per_process_limits.py",),
    ),
    (
        {"jwt_blocklist": frozenset({"none"})},
        ("tests/live/test_instances_revocation.py",),
    ),
    # The browser layer: the pages of session and hybrid, cookie mode's demo page.
    ({"auth_mode": frozenset({"jwt_header"})}, ("tests/live/browser",)),
    (
        {"auth_mode": frozenset({"hybrid"}) | JWT_MODES},
        ("tests/live/browser/test_browser_session.py",),
    ),
    (
        {"auth_mode": frozenset({"session"}) | JWT_MODES},
        ("tests/live/browser/test_browser_hybrid.py",),
    ),
    (
        {"auth_mode": frozenset({"session", "hybrid", "jwt_header"})},
        ("tests/live/browser/test_browser_cookie.py",),
    ),
    (
        {"jwt_blocklist": frozenset({"database", "redis"})},
        ("tests/live/test_instances_no_revocation.py",),
    ),
    # SQLite's tuning for several worker processes on one file.
    (
        {"database": frozenset({"postgresql"})},
        ("{package_name}/sqlite.py", "tests/test_sqlite.py"),
    ),
    # Revocation backends: each keeps only its own module and tests.
    (
        {"jwt_blocklist": frozenset({"redis", "none"})},
        ("{package_name}/security/families_database.py", "tests/test_api_database.py"),
    ),
    (
        {"jwt_blocklist": frozenset({"database", "none"})},
        ("{package_name}/security/families_redis.py", "tests/test_api_redis.py"),
    ),
    (
        {"jwt_blocklist": frozenset({"database", "redis"})},
        ("{package_name}/security/families_none.py", "tests/test_api_no_revocation.py"),
    ),
    (
        {"jwt_blocklist": frozenset({"none"})},
        ("tests/test_api_rotation.py", "tests/test_api_revocation.py"),
    ),
)


def default(question: str) -> str:
    return CHOICES[question][0]


def applies(question: str, answers: dict) -> bool:
    """Whether a question means anything for these answers (else its default is baked)."""
    if question == "jwt_blocklist":
        return answers.get("auth_mode") != "session"
    return True


def _package_name_problem(name: str) -> str | None:
    if name[:1].isdigit():
        return "starts with a digit, which no Python identifier may; answer package_name yourself"
    if not name.isidentifier():
        return "is not a valid Python identifier"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    if not PACKAGE_NAME_RE.match(name):
        return "must be lower-case letters, digits and underscores, not led by a digit (PEP 8)"
    if name in SHADOWED_MODULES:
        return f"would shadow the module {name!r} that the baked project imports"
    if name in sys.stdlib_module_names:
        return f"would shadow the standard-library module {name!r}"
    return None


def _choice_problem(answers: dict) -> str | None:
    for question, options in CHOICES.items():
        value = answers.get(question)
        if value not in options:
            return f"{question}: {value!r} is not one of {', '.join(options)}"
    return None


def validate(answers: dict) -> str | None:
    """One line naming the field, the value and the rule it breaks; None when all is well."""
    # The slug first: package_name is derived from it, so its problem is the cause.
    slug = answers.get("project_slug", "")
    if slug == NO_SLUG:
        return (
            f"project_slug: cannot be made from project_name {answers.get('project_name')!r}, "
            "which has no letter or digit even transliterated to ASCII; "
            "answer project_slug yourself"
        )
    if not PROJECT_SLUG_RE.match(slug):
        return (
            f"project_slug: {slug!r} must be lower-case letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit (PEP 508 name)"
        )
    name = answers.get("package_name", "")
    problem = _package_name_problem(name)
    if problem:
        return f"package_name: {name!r} {problem}"
    email = answers.get("author_email", "")
    if not EMAIL_RE.match(email):
        return f"author_email: {email!r} does not look like an email address (name@domain.tld)"
    return _choice_problem(answers)


def combination_id(combination: dict) -> str:
    """A readable id such as 'session-sqlite-argon2' or 'jwt_cookie-redis-sqlite-argon2'."""
    return "-".join(combination[q] for q in CHOICES if applies(q, combination))


def combinations() -> list[dict[str, str]]:
    """Every valid, distinct set of choice answers, in CHOICES order."""
    found: dict[str, dict[str, str]] = {}
    for values in itertools.product(*CHOICES.values()):
        combination = dict(zip(CHOICES, values, strict=True))
        if _choice_problem(combination) is not None:
            continue
        combination = effective(combination)
        found.setdefault(combination_id(combination), combination)
    return list(found.values())


def effective(answers: dict) -> dict:
    """The answers with every question that does not apply set to its default.

    So `auth_mode=session jwt_blocklist=redis` prunes and bakes exactly like the
    session combination that the template suite tests.
    """
    return {
        q: (default(q) if q in CHOICES and not applies(q, answers) else v)
        for q, v in answers.items()
    }


def paths_to_prune(answers: dict) -> list[str]:
    """Paths (relative to the baked project root) that these answers remove.

    Each appears once, and none inside another: a removed folder takes its contents.
    """
    answers = effective(answers)
    paths: list[str] = []
    for conditions, rule_paths in PRUNE:
        if all(answers.get(q) in allowed for q, allowed in conditions.items()):
            for path in rule_paths:
                path = path.format(package_name=answers["package_name"])
                if path not in paths:
                    paths.append(path)
    return [p for p in paths if not any(p.startswith(f"{other}/") for other in paths)]


def prune(project_dir: Path, answers: dict) -> list[str]:
    """Delete ``paths_to_prune(answers)`` under project_dir; returns what was removed.

    A folder loses only what the template puts there (and Python's caches of it), and goes
    only if that empties it: baked over an existing directory (``cookiecutter -f``), the
    files a user added in it stay.
    """
    removed = []
    for relative in paths_to_prune(answers):
        path = project_dir / relative
        if path.is_dir() and not path.is_symlink():
            _prune_folder(path, _template_path(relative, answers["package_name"]))
        elif path.exists() or path.is_symlink():
            path.unlink()
        else:
            continue  # already gone with a pruned parent directory
        removed.append(relative)
    return removed


# The template's own tree, next to this file's folder: what a bake writes before pruning.
PROJECT_TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "{{cookiecutter.project_slug}}"


def _template_path(relative: str, package_name: str) -> Path:
    first, *rest = relative.split("/")
    if first == package_name:
        first = "{{cookiecutter.package_name}}"
    return PROJECT_TEMPLATE_DIR.joinpath(first, *rest)


def _prune_folder(folder: Path, template: Path) -> None:
    # Deepest first, so each folder is looked at after everything inside it.
    for source in [*sorted(template.rglob("*"), reverse=True), template]:
        target = folder / source.relative_to(template)
        if source.is_dir() and not source.is_symlink():
            shutil.rmtree(target / "__pycache__", ignore_errors=True)
            if target.is_dir() and not target.is_symlink() and not any(target.iterdir()):
                target.rmdir()
        elif target.is_file() or target.is_symlink():
            target.unlink()


# What to open once the dev server runs, per mode.
FIRST_PAGE = {
    "hybrid": "then open http://127.0.0.1:5000/admin/login",
    "session": "then open http://127.0.0.1:5000/auth/login",
    "jwt_header": "then POST JSON to http://127.0.0.1:5000/api/v1/auth/login",
    "jwt_cookie": "then open http://127.0.0.1:5000/demo/",
}


def summary(answers: dict) -> str:
    """What was baked and how to start it: printed by the post-generation hook."""
    slug, package = answers["project_slug"], answers["package_name"]
    mode = answers["auth_mode"]
    if applies("jwt_blocklist", answers):
        blocklist = f"jwt_blocklist: {answers['jwt_blocklist']}"
    else:
        blocklist = f"jwt_blocklist: does not apply to {mode} mode"
    run = f"flask --app {package} run"
    if mode in FIRST_PAGE:
        run += f"    # {FIRST_PAGE[mode]}"
    lines = [
        f"Baked {slug} (package {package})",
        f"  auth_mode: {mode}",
        f"  database: {answers['database']}",
        f"  password_hash: {answers['password_hash']}",
        f"  {blocklist}",
        "",
        "Next steps:",
        f"  cd {slug}",
        "  python3 -m venv .venv && . .venv/bin/activate",
        "  pip install -e '.[dev]'",
        f"  flask --app {package} db upgrade",
        f"  flask --app {package} users create you@example.com --role admin",
        f"  {run}",
        "  pytest",
    ]
    return "\n".join(lines)
