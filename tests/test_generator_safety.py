"""Generator safety, through real cookiecutter runs: odd project names map to valid names or
are refused in one line; an existing directory is never clobbered unless asked, and even
then keeps the user's own files; --replay bakes the same tree again, secrets aside."""

from __future__ import annotations

import os
import re
import sys
import tomllib
from pathlib import Path

import pytest

import options
from support import (
    ROOT,
    bake_cli,
    clean_env,
    cookiecutter_config,
    default_answers,
    describe,
    run,
)

# 2001, so any write into a snapshotted tree, even of the same bytes, changes an mtime.
PAST_NS = 1_000_000_000 * 1_000_000_000

SECRET_LINE = re.compile(r"^(SECRET_KEY|JWT_SECRET_KEY|MFA_ENCRYPTION_KEY)=(.*)$", re.MULTILINE)


def cookiecutter(tmp: Path, *args: str, cwd: Path | None = None):
    """`cookiecutter ARGS` from the command line, with replay files kept inside tmp."""
    command = [sys.executable, "-m", "cookiecutter", *args, "--config-file"]
    return run([*command, str(cookiecutter_config(tmp))], cwd=cwd or tmp, env=clean_env())


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under root (root included) with its kind, bytes, mode and mtime."""
    found = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        data = None if path.is_dir() else path.read_bytes()
        found[str(path.relative_to(root))] = (data, info.st_mode, info.st_mtime_ns)
    return found


def contents(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): None if p.is_dir() else p.read_bytes()
        for p in sorted(root.rglob("*"))
    }


def age(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(PAST_NS, PAST_NS), follow_symlinks=False)


def user_project(directory: Path) -> dict[str, tuple]:
    """Make directory hold a user's own files (aged); returns its snapshot."""
    (directory / "docs").mkdir(parents=True)
    (directory / "README.md").write_text("# Mine\n\nNot a baked README.\n")
    (directory / "notes.txt").write_bytes(b"my notes \x00\xff\n")
    (directory / "docs" / "plan.md").write_text("the plan\n")
    age(directory)
    return snapshot(directory)


# --- project names --------------------------------------------------------------------

MAPPED = [
    pytest.param("Café Crème", "cafe-creme", "cafe_creme", id="accents"),
    pytest.param("Ünïcödé Straße", "unicode-strasse", "unicode_strasse", id="accents-eszett"),
    pytest.param("认证服务", "ren-zheng-fu-wu", "ren_zheng_fu_wu", id="cjk"),
    pytest.param("Acme, Inc.!", "acme-inc", "acme_inc", id="punctuation"),
    pytest.param("Rocket 🚀 Service", "rocket-service", "rocket_service", id="emoji"),
]


@pytest.mark.parametrize(("name", "slug", "package"), MAPPED)
def test_names_map_to_a_valid_slug_and_package(tmp_path, name, slug, package):
    output = tmp_path / "out"
    output.mkdir()
    proc = bake_cli(tmp_path, output, {"project_name": name})
    assert proc.returncode == 0, describe(proc)
    assert [p.name for p in output.iterdir()] == [slug]
    project = output / slug
    assert (project / package / "__init__.py").is_file()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] == slug
    # The name itself is display text: kept as typed.
    assert (project / "README.md").read_text(encoding="utf-8").startswith(f"# {name}\n")
    assert f"Baked {slug} (package {package})" in proc.stdout


REFUSED = [
    pytest.param("9 Lives", "package_name", "9-lives", "9_lives", id="leading-digit"),
    pytest.param("🚀🔥", "project_slug", "-", "", id="emoji-only"),
    pytest.param("!!! ...", "project_slug", "-", "", id="punctuation-only"),
    pytest.param("。、！「」", "project_slug", "-", "", id="cjk-punctuation-only"),  # noqa: RUF001
]


@pytest.mark.parametrize(("name", "field", "slug", "package"), REFUSED)
def test_names_without_a_valid_mapping_are_refused_naming_the_field(
    tmp_path, name, field, slug, package
):
    answers = default_answers(project_name=name)
    assert (answers["project_slug"], answers["package_name"]) == (slug, package)
    output = tmp_path / "out"
    output.mkdir()
    proc = bake_cli(tmp_path, output, {"project_name": name})
    assert proc.returncode == 1, describe(proc)
    message = options.validate(answers)
    assert message.startswith(f"{field}: ")
    assert "\n" not in message
    assert proc.stderr.splitlines() == [message], describe(proc)
    assert list(output.iterdir()) == [], "a refused bake must leave no directory behind"


def test_a_name_without_letters_bakes_with_a_slug_of_ones_own(tmp_path):
    output = tmp_path / "out"
    output.mkdir()
    proc = bake_cli(tmp_path, output, {"project_name": "🚀", "project_slug": "rocket"})
    assert proc.returncode == 0, describe(proc)
    assert (output / "rocket" / "rocket" / "__init__.py").is_file()
    assert (output / "rocket" / "README.md").read_text(encoding="utf-8").startswith("# 🚀\n")


def test_a_template_path_given_relative_bakes(tmp_path):
    """`cookiecutter .` in a clone: the hooks run inside the new project, not here."""
    output = tmp_path / "out"
    proc = cookiecutter(tmp_path, "--no-input", ".", "-o", str(output), cwd=ROOT)
    assert proc.returncode == 0, describe(proc)
    assert "Baked my-flask-service" in proc.stdout
    assert not (output / "my-flask-service" / "my_flask_service" / "auth").exists()  # pruned
    proc = cookiecutter(tmp_path, "--no-input", os.path.relpath(ROOT, tmp_path), "-o", "rel")
    assert proc.returncode == 0, describe(proc)
    assert (tmp_path / "rel" / "my-flask-service" / "pyproject.toml").is_file()


# --- an existing directory ------------------------------------------------------------


def test_an_existing_directory_is_refused_before_anything_is_written(tmp_path):
    output = tmp_path / "out"
    before = user_project(output / "my-flask-service")
    proc = bake_cli(tmp_path, output, {})
    assert proc.returncode == 1, describe(proc)
    assert 'my-flask-service" directory already exists' in proc.stdout, describe(proc)
    assert snapshot(output / "my-flask-service") == before
    assert [p.name for p in output.iterdir()] == ["my-flask-service"]


def test_overwriting_with_a_refused_answer_writes_nothing(tmp_path):
    output = tmp_path / "out"
    before = user_project(output / "9-lives")
    proc = cookiecutter(
        tmp_path, "--no-input", "-f", str(ROOT), "-o", str(output), "project_name=9 Lives"
    )
    assert proc.returncode == 1, describe(proc)
    assert [line for line in proc.stderr.splitlines() if line.startswith("package_name: ")]
    assert snapshot(output / "9-lives") == before, "the refusal must come before any write"


def test_overwriting_keeps_the_users_own_files_and_prunes_only_the_templates(tmp_path):
    """Re-baking a session project as hybrid with -f: the result is a fresh hybrid bake
    plus the user's files, even those inside folders that hybrid prunes."""
    output = tmp_path / "out"
    proc = bake_cli(tmp_path, output, {"auth_mode": "session"})
    assert proc.returncode == 0, describe(proc)
    project = output / "my-flask-service"
    package = project / "my_flask_service"
    assert (package / "auth" / "views.py").is_file()  # session pages, which hybrid prunes
    mine = {
        "notes.txt": b"my notes\n",
        "my_flask_service/reports.py": b"REPORTS = []\n",
        "my_flask_service/auth/sso.py": b"# my single sign-on\n",
        "my_flask_service/templates/auth/sso.html": b"<p>{{ mine }}</p>\n",
        "tests/test_session_sso.py": b"def test_mine(): pass\n",
    }
    for relative, data in mine.items():
        (project / relative).write_bytes(data)
    (package / "auth" / "__pycache__").mkdir()
    (package / "auth" / "__pycache__" / "views.cpython-311.pyc").write_bytes(b"stale")

    proc = cookiecutter(tmp_path, "--no-input", "-f", str(ROOT), "-o", str(output))
    assert proc.returncode == 0, describe(proc)
    fresh_output = tmp_path / "fresh"
    proc = bake_cli(tmp_path, fresh_output, {})
    assert proc.returncode == 0, describe(proc)

    baked = contents(project)
    for relative, data in mine.items():
        assert baked.pop(relative) == data, relative
    expected = contents(fresh_output / "my-flask-service")
    assert baked.pop(".env") != expected.pop(".env")  # fresh secrets, as asked
    # The folders kept for the user's files hold nothing else (no stale template files).
    assert sorted(set(baked) - set(expected)) == [
        "my_flask_service/auth",
        "my_flask_service/templates/auth",
    ]
    assert {k: v for k, v in baked.items() if k in expected} == expected


# --- replay ---------------------------------------------------------------------------


def secrets_of(env_file: Path) -> dict[str, str]:
    return dict(SECRET_LINE.findall(env_file.read_text(encoding="utf-8")))


def test_replay_bakes_the_same_tree_but_new_secrets(tmp_path):
    first = tmp_path / "first"
    proc = bake_cli(tmp_path, first, {"project_name": "Café Crème", "database": "postgresql"})
    assert proc.returncode == 0, describe(proc)
    [replay_file] = (tmp_path / "replay").glob("*.json")
    assert "SECRET" not in replay_file.read_text(encoding="utf-8")

    second = tmp_path / "second"
    proc = cookiecutter(tmp_path, "--replay", str(ROOT), "-o", str(second))
    assert proc.returncode == 0, describe(proc)

    a, b = contents(first / "cafe-creme"), contents(second / "cafe-creme")
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == [".env"], "only .env holds anything random"
    env_a, env_b = first / "cafe-creme" / ".env", second / "cafe-creme" / ".env"
    secrets_a, secrets_b = secrets_of(env_a), secrets_of(env_b)
    assert (
        set(secrets_a) == set(secrets_b) == {"SECRET_KEY", "JWT_SECRET_KEY", "MFA_ENCRYPTION_KEY"}
    )
    for key, value in secrets_a.items():
        assert re.fullmatch(r"[A-Za-z0-9]{64}", value)
        assert secrets_b[key] != value
    assert SECRET_LINE.sub("", env_a.read_text()) == SECRET_LINE.sub("", env_b.read_text())

    # Replaying onto the first bake is refused like any bake into an existing directory.
    age(first)
    before = snapshot(first)
    proc = cookiecutter(tmp_path, "--replay", str(ROOT), "-o", str(first))
    assert proc.returncode == 1, describe(proc)
    assert snapshot(first) == before
