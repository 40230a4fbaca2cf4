"""Unit tests of hooks/options.py: the validity table, the prune table, the summary."""

from __future__ import annotations

import json
import re
import shutil

import pytest

import options
from support import (
    COOKIECUTTER_JSON,
    REJECTIONS,
    TEMPLATE_PROJECT,
    default_answers,
)


def test_defaults_are_valid():
    assert options.validate(default_answers()) is None


@pytest.mark.parametrize(("overrides", "field"), REJECTIONS)
def test_validate_rejects(overrides, field):
    answers = {**default_answers(), **overrides}
    problem = options.validate(answers)
    assert problem is not None
    assert problem.startswith(f"{field}: {answers[field]!r} ")
    assert "\n" not in problem


@pytest.mark.parametrize(
    "name", ["my_service", "service2", "_private", "acme_auth"], ids=lambda n: n
)
def test_validate_accepts_package_names(name):
    answers = {**default_answers(), "package_name": name}
    assert options.validate(answers) is None


@pytest.mark.parametrize("slug", ["a", "my-service", "my.service", "svc_2", "0day"])
def test_validate_accepts_slugs(slug):
    answers = {**default_answers(), "project_slug": slug}
    assert options.validate(answers) is None


def test_shadowed_modules_include_what_the_baked_project_imports():
    for name in ("flask", "flask_login", "sqlalchemy", "argon2", "psycopg", "tests", "migrations"):
        assert name in options.SHADOWED_MODULES
    assert "app" not in options.SHADOWED_MODULES


def test_choices_match_cookiecutter_json():
    template = json.loads(COOKIECUTTER_JSON.read_text())
    asked = {
        key: tuple(value)
        for key, value in template.items()
        if isinstance(value, list) and not key.startswith("_")
    }
    assert asked == options.CHOICES
    # The order of CHOICES is the prompt order (and the order of combination ids).
    assert [k for k in template if k in options.CHOICES] == list(options.CHOICES)


def test_every_choice_has_a_prompt_label():
    prompts = json.loads(COOKIECUTTER_JSON.read_text())["__prompts__"]
    for question, values in options.CHOICES.items():
        assert prompts[question]["__prompt__"]
        assert set(prompts[question]) - {"__prompt__"} == set(values)


def test_no_secret_defaults():
    template = json.loads(COOKIECUTTER_JSON.read_text())
    # Secrets are generated inside the baked .env; a default here would land in replay files.
    assert not [k for k in template if re.search(r"secret|token|(^|_)key$|salt", k.lower())]


def test_jwt_blocklist_does_not_apply_to_session():
    assert not options.applies("jwt_blocklist", {"auth_mode": "session"})
    for mode in ("hybrid", "jwt_header", "jwt_cookie"):
        assert options.applies("jwt_blocklist", {"auth_mode": mode})
    assert options.applies("database", {"auth_mode": "session"})


def test_combinations_are_valid_distinct_and_named():
    combos = options.combinations()
    assert combos
    ids = [options.combination_id(c) for c in combos]
    assert len(ids) == len(set(ids))
    for combo in combos:
        assert options.validate({**default_answers(), **combo}) is None


def test_session_combinations_bake_the_default_blocklist():
    session = [c for c in options.combinations() if c["auth_mode"] == "session"]
    assert {options.combination_id(c) for c in session} == {
        "session-sqlite-argon2",
        "session-sqlite-scrypt",
        "session-postgresql-argon2",
        "session-postgresql-scrypt",
    }
    assert {c["jwt_blocklist"] for c in session} == {"database"}


def test_combination_id_of_a_jwt_mode():
    combo = {
        "auth_mode": "jwt_cookie",
        "jwt_blocklist": "redis",
        "database": "sqlite",
        "password_hash": "argon2",
    }
    assert options.combination_id(combo) == "jwt_cookie-redis-sqlite-argon2"


def test_every_mode_is_baked_with_every_answer_that_applies_to_it():
    # session: 2 databases x 2 hashes; each JWT-bearing mode: 3 blocklists x 2 x 2.
    assert len(options.combinations()) == 4 + 3 * 12


def test_prune_rules_name_known_questions_and_answers():
    for conditions, paths in options.PRUNE:
        assert conditions and paths
        for question, allowed in conditions.items():
            assert allowed <= set(options.CHOICES[question]), question


def test_every_prune_path_exists_in_the_template():
    missing = []
    for _conditions, paths in options.PRUNE:
        for path in paths:
            rendered = path.format(package_name="{{cookiecutter.package_name}}")
            if not (TEMPLATE_PROJECT / rendered).exists():
                missing.append(rendered)
    assert not missing, f"prune table names paths missing from the template: {missing}"


def test_session_keeps_its_pages():
    pruned = options.paths_to_prune(default_answers(auth_mode="session"))
    for page in ("my_flask_service/auth", "my_flask_service/templates/auth"):
        assert page not in pruned


def test_inapplicable_answers_do_not_change_what_is_pruned():
    session = default_answers(auth_mode="session")
    for blocklist in options.CHOICES["jwt_blocklist"]:
        answers = {**session, "jwt_blocklist": blocklist}
        assert options.paths_to_prune(answers) == options.paths_to_prune(session)


def test_hybrid_is_the_default_and_keeps_only_what_it_uses():
    answers = default_answers()
    assert answers["auth_mode"] == "hybrid"
    pruned = options.paths_to_prune(answers)
    for gone in (
        "my_flask_service/auth",
        "my_flask_service/notes",
        "my_flask_service/demo",
        "my_flask_service/api/cookie_transport.py",
        "my_flask_service/templates/dashboard.html",
        "tests/test_session_auth.py",
    ):
        assert gone in pruned
    for kept in (
        "my_flask_service/admin",
        "my_flask_service/security/worlds.py",
        "my_flask_service/security/login_sessions.py",
        "my_flask_service/models/login_session.py",
        "my_flask_service/api/header_transport.py",
        "tests/test_hybrid_worlds.py",
        "tests/session_client.py",
    ):
        assert kept not in pruned
    assert "then open http://127.0.0.1:5000/admin/login" in options.summary(answers)


def removes(pruned: list[str], path: str) -> bool:
    """Whether pruning these paths removes `path`, itself or with a folder it is in."""
    return any(path == p or path.startswith(f"{p}/") for p in pruned)


@pytest.mark.parametrize("mode", ["session", "jwt_header", "jwt_cookie"])
def test_other_modes_never_get_the_admin_panel(mode):
    pruned = options.paths_to_prune(default_answers(auth_mode=mode))
    assert removes(pruned, "my_flask_service/admin")
    assert removes(pruned, "my_flask_service/templates/admin")
    assert removes(pruned, "tests/test_hybrid_admin.py")


@pytest.mark.parametrize("mode", ["jwt_header", "jwt_cookie"])
def test_jwt_modes_have_no_pages(mode):
    pruned = options.paths_to_prune(default_answers(auth_mode=mode))
    assert "my_flask_service/templates" in pruned
    assert "my_flask_service/static" in pruned
    assert not any(p.startswith("my_flask_service/templates/") for p in pruned)


def test_jwt_modes_prune_session_pages():
    answers = {**default_answers(), "auth_mode": "jwt_header", "jwt_blocklist": "database"}
    pruned = options.paths_to_prune(answers)
    assert "my_flask_service/auth" in pruned
    assert "tests/test_session_auth.py" in pruned
    assert "my_flask_service/models/login_session.py" not in pruned


@pytest.mark.parametrize("blocklist", ["redis", "none"])
def test_jwt_without_database_blocklist_prunes_the_login_session_model(blocklist):
    answers = {**default_answers(), "auth_mode": "jwt_cookie", "jwt_blocklist": blocklist}
    assert "my_flask_service/models/login_session.py" in options.paths_to_prune(answers)


def test_prune_removes_files_and_directories(tmp_path):
    """On the template's own tree: pruned paths go, the rest stays, and a file of the
    user's inside a pruned folder keeps that folder (and only itself) alive."""
    answers = {**default_answers(), "auth_mode": "jwt_cookie", "jwt_blocklist": "none"}
    shutil.copytree(options.PROJECT_TEMPLATE_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "{{cookiecutter.package_name}}").rename(tmp_path / "my_flask_service")
    mine = tmp_path / "my_flask_service" / "auth" / "sso.py"
    assert mine.parent.is_dir() and "my_flask_service/auth" in options.paths_to_prune(answers)
    mine.write_text("# the user's own\n")

    removed = options.prune(tmp_path, answers)
    assert removed == options.paths_to_prune(answers)
    for relative in removed:
        if relative != "my_flask_service/auth":
            assert not (tmp_path / relative).exists(), relative
    assert [p.name for p in mine.parent.rglob("*")] == ["sso.py"]
    assert (tmp_path / "my_flask_service" / "__init__.py").exists()


def test_summary_for_session():
    text = options.summary(default_answers(auth_mode="session"))
    lines = text.splitlines()
    assert "auth_mode: session" in text
    assert "database: sqlite" in text
    assert "password_hash: argon2" in text
    assert "jwt_blocklist: does not apply to session mode" in text
    steps = [line.strip() for line in lines[lines.index("Next steps:") + 1 :]]
    assert steps[0] == "cd my-flask-service"
    assert steps[1] == "python3 -m venv .venv && . .venv/bin/activate"
    assert steps[2] == "pip install -e '.[dev]'"
    assert steps[3] == "flask --app my_flask_service db upgrade"
    assert steps[4] == "flask --app my_flask_service users create you@example.com --role admin"
    assert steps[5].startswith("flask --app my_flask_service run")
    assert steps[-1] == "pytest"


def test_summary_names_the_blocklist_for_jwt_modes():
    answers = {**default_answers(), "auth_mode": "jwt_header", "jwt_blocklist": "redis"}
    assert "jwt_blocklist: redis" in options.summary(answers)


@pytest.mark.parametrize("hook", ["pre_gen_project.py", "post_gen_project.py"])
def test_hooks_read_answers_as_data_only(hook):
    text = (TEMPLATE_PROJECT.parent / "hooks" / hook).read_text()
    # The two Jinja expressions: the whole context and the template's path (from
    # local_extensions.py), each as JSON inside a raw string.
    assert 'ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")' in text
    assert 'TEMPLATE_DIR = json.loads(r"""{{ {"path": template_dir} | tojson }}""")' in text
    for delimiter in ("{{", "{%", "{#"):
        expected = 2 if delimiter == "{{" else 0
        assert text.count(delimiter) == expected, delimiter
    assert "import options" in text
