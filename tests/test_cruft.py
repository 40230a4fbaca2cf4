"""The update path: a project made with `cruft create` takes later template commits.

`cruft update` renders the template twice in temporary directories (at the project's
commit and at the latest one), the hooks included, and applies the difference to the
project with `git apply -3`. So, per auth mode: a template change to a file the answers
pruned stays out (the hook prunes both renders), a change to a kept file lands next to
the user's own edits, .env and its secrets are never touched (`[tool.cruft] skip` in the
baked pyproject.toml: each render draws new secrets), and .cruft.json holds answers only.
Everything runs against a git copy of this working tree, with no network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import options
from support import (
    COOKIECUTTER_JSON,
    ROOT,
    clean_env,
    cookiecutter_config,
    default_answers,
    describe,
    run,
)

PACKAGE_DIR = "{{cookiecutter.package_name}}"
SECRET_LINE = re.compile(r"^(?:\w*SECRET\w*|\w*ENCRYPTION_KEY)=(.+)$", re.MULTILINE)
# Rendered by the update, so the test sees Jinja ran on the new commit.
KEPT_CHANGE = "\nTaken from a template update by {{ cookiecutter.package_name }}.\n"
USER_TITLE = "# Our service, renamed by its owners\n"

# (answers, a template file those answers prune), one per auth mode.
CASES = [
    pytest.param(
        {"auth_mode": "session", "database": "sqlite"},
        f"{PACKAGE_DIR}/security/tokens.py",
        id="session-sqlite",
    ),
    pytest.param(
        {"auth_mode": "jwt_header", "jwt_blocklist": "database"},
        f"{PACKAGE_DIR}/api/cookie_transport.py",
        id="jwt_header-database",
    ),
    pytest.param(
        {
            "auth_mode": "jwt_cookie",
            "jwt_blocklist": "redis",
            "database": "postgresql",
            "password_hash": "scrypt",
        },
        f"{PACKAGE_DIR}/security/families_database.py",
        id="jwt_cookie-redis-postgresql-scrypt",
    ),
    pytest.param(
        {"auth_mode": "hybrid", "jwt_blocklist": "none"},
        f"{PACKAGE_DIR}/security/families_redis.py",
        id="hybrid-none",
    ),
]


def git_env(tmp: Path) -> dict[str, str]:
    """Git and cookiecutter kept inside tmp: no user or system config, a fixed identity."""
    return clean_env(
        GIT_AUTHOR_NAME="Template Suite",
        GIT_AUTHOR_EMAIL="suite@example.com",
        GIT_COMMITTER_NAME="Template Suite",
        GIT_COMMITTER_EMAIL="suite@example.com",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        # The template's paths hold `{{` and `*`: never read them as glob patterns.
        GIT_LITERAL_PATHSPECS="1",
        GIT_TERMINAL_PROMPT="0",
        COOKIECUTTER_CONFIG=str(cookiecutter_config(tmp)),
    )


def must(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    proc = run(args, cwd=cwd, env=env, timeout=120)
    assert proc.returncode == 0, f"{' '.join(args)}\n{describe(proc)}"
    return proc


def cruft(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "cruft", *args], cwd=cwd, env=env, timeout=120)


def commit_all(repo: Path, message: str, env: dict[str, str], *, force: Path | None = None):
    """Commit everything in repo; with force, add the NUL-separated paths listed there
    even where a .gitignore matches (the project template's own .gitignore lists .env)."""
    if force is None:
        must(["git", "add", "-A"], repo, env)
    else:
        add = ["git", "add", "-f", f"--pathspec-from-file={force}", "--pathspec-file-nul"]
        must(add, repo, env)
    must(["git", "commit", "-q", "--no-verify", "-m", message], repo, env)


def template_repo(tmp: Path, env: dict[str, str]) -> Path:
    """A git repository holding this working tree's template: tracked files plus new
    ones not ignored, as they are now (others' edits in progress included)."""
    # The user's own git config here (safe.directory, say): this reads the real checkout.
    listed = must(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT, clean_env()
    ).stdout.split("\0")
    repo = tmp / "template"
    copied = []
    for name in filter(None, listed):
        source = ROOT / name
        if not (source.is_file() or source.is_symlink()):
            continue  # deleted in the working tree, not yet in the index
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
        copied.append(name)
    paths = tmp / "template-files"
    paths.write_text("\0".join(copied))
    must(["git", "init", "-q", "-b", "main"], repo, env)
    commit_all(repo, "template v1", env, force=paths)
    return repo


def secrets_in(env_file: Path) -> list[str]:
    found = SECRET_LINE.findall(env_file.read_text(encoding="utf-8"))
    assert found, f"no secrets in {env_file}"
    return found


def assert_cruft_state_holds_answers_only(project: Path, secrets: list[str]) -> dict:
    text = (project / ".cruft.json").read_text(encoding="utf-8")
    for secret in secrets:
        assert secret not in text
    state = json.loads(text)
    questions = set(json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))) - {"__prompts__"}
    assert set(state["context"]["cookiecutter"]) <= questions | {"_template", "_commit"}
    return state


def head(repo: Path, env: dict[str, str]) -> str:
    return must(["git", "rev-parse", "HEAD"], repo, env).stdout.strip()


@pytest.mark.parametrize(("extra", "pruned_template_file"), CASES)
def test_cruft_update_takes_kept_changes_only(tmp_path, extra, pruned_template_file):
    env = git_env(tmp_path)
    answers = default_answers(**extra)
    package = answers["package_name"]
    pruned = pruned_template_file.replace(PACKAGE_DIR, package)
    assert any(
        pruned == path or pruned.startswith(f"{path}/") for path in options.paths_to_prune(answers)
    ), f"{pruned} is no longer pruned for {extra}: pick another file"
    template = template_repo(tmp_path, env)
    project_template = template / "{{cookiecutter.project_slug}}"
    assert (project_template / pruned_template_file).is_file()

    # Create: the hooks run inside cruft's render, so the answers' files are pruned.
    output = tmp_path / "out"
    proc = cruft(
        "create",
        str(template),
        "--no-input",
        "--extra-context",
        json.dumps(extra),
        "--output-dir",
        str(output),
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, describe(proc)
    assert f"Baked {answers['project_slug']}" in proc.stdout  # the post-generation hook
    project = output / answers["project_slug"]
    assert not (project / pruned).exists()
    dot_env = project / ".env"
    secrets = secrets_in(dot_env)
    env_bytes = dot_env.read_bytes()
    state = assert_cruft_state_holds_answers_only(project, secrets)
    assert state["commit"] == head(template, env)
    assert state["context"]["cookiecutter"]["auth_mode"] == extra["auth_mode"]

    # Fresh from the template, nothing differs.
    proc = cruft("diff", "--exit-code", cwd=project, env=env)
    assert proc.returncode == 0, describe(proc)

    must(["git", "init", "-q", "-b", "main"], project, env)
    commit_all(project, "baked", env)
    proc = cruft("check", cwd=project, env=env)
    assert proc.returncode == 0, describe(proc)

    # The owners edit a kept file; the template changes it too, and a pruned file, and .env.
    readme = project / "README.md"
    readme.write_text(USER_TITLE + readme.read_text(encoding="utf-8").split("\n", 1)[1])
    commit_all(project, "our title", env)
    with (project_template / "README.md").open("a", encoding="utf-8") as file:
        file.write(KEPT_CHANGE)
    with (project_template / pruned_template_file).open("a", encoding="utf-8") as file:
        file.write("\n# a template change to a file these answers prune\n")
    with (project_template / ".env").open("a", encoding="utf-8") as file:
        file.write("# a template change to .env\n")
    commit_all(template, "template v2", env)

    # `cruft diff` (against the project's own commit) shows the owners' edit, yet
    # leaves .env out, though each render draws new secrets: it never prints them.
    proc = cruft("diff", cwd=project, env=env)
    assert proc.returncode == 0, describe(proc)
    assert USER_TITLE.strip() in proc.stdout, describe(proc)
    assert not any(secret in proc.stdout + proc.stderr for secret in secrets), describe(proc)
    assert "/.env\n" not in proc.stdout, describe(proc)

    proc = cruft("check", cwd=project, env=env)
    assert proc.returncode != 0, describe(proc)
    assert "out of date" in proc.stdout, describe(proc)

    proc = cruft("update", "--skip-apply-ask", cwd=project, env=env)
    assert proc.returncode == 0, describe(proc)
    # cruft says this even when git apply failed: the checks below are the proof.
    assert "has been updated" in proc.stdout, describe(proc)
    # The hooks ran in both renders, old and new, in cruft's temporary directories.
    assert proc.stdout.count(f"Baked {answers['project_slug']}") == 2, describe(proc)
    # A clean `git apply -3`: no fallback to --reject, no conflicted merge.
    for sign in ("Failed to apply", "error:", "with conflicts"):
        assert sign not in proc.stdout + proc.stderr, describe(proc)

    text = readme.read_text(encoding="utf-8")
    assert text.startswith(USER_TITLE)  # the owners' edit kept
    assert text.endswith(KEPT_CHANGE.replace("{{ cookiecutter.package_name }}", package))
    assert "<<<<<<<" not in text
    assert not (project / pruned).exists()
    assert dot_env.read_bytes() == env_bytes
    leftovers = [p for p in project.rglob("*") if p.suffix in {".rej", ".orig"}]
    assert leftovers == []
    status = must(["git", "status", "--porcelain"], project, env).stdout.splitlines()
    # Only these two changed, neither of them left unmerged (a U in the status).
    assert sorted(line[3:] for line in status) == [".cruft.json", "README.md"], status
    assert not any("U" in line[:2] for line in status), status
    state = assert_cruft_state_holds_answers_only(project, secrets)
    assert state["commit"] == head(template, env)

    proc = cruft("check", cwd=project, env=env)
    assert proc.returncode == 0, describe(proc)
