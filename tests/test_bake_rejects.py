"""Real bakes through the cookiecutter CLI: bad answers are refused, odd text stays data."""

from __future__ import annotations

import ast
import tomllib

import pytest

import options
from support import REJECTIONS, ROOT, bake_cli, bake_replay, default_answers, describe


@pytest.mark.parametrize(("overrides", "field"), REJECTIONS)
def test_bake_refuses(tmp_path, overrides, field):
    output = tmp_path / "out"
    output.mkdir()
    answers = {**default_answers(), **overrides}
    if field in options.CHOICES and answers[field] not in options.CHOICES[field]:
        # cookiecutter itself refuses an unknown choice given as KEY=VALUE; a replay file
        # (or an edited one) reaches the hook unchecked, so that is what the hook guards.
        proc = bake_replay(tmp_path, output, answers)
    else:
        proc = bake_cli(tmp_path, output, overrides)
    assert proc.returncode != 0, describe(proc)
    ours = [line for line in proc.stderr.splitlines() if line.startswith(f"{field}: ")]
    assert ours == [options.validate(answers)], describe(proc)
    assert list(output.iterdir()) == [], "a refused bake must leave no output behind"


def test_bake_refuses_unknown_choice_given_on_the_command_line(tmp_path):
    output = tmp_path / "out"
    output.mkdir()
    proc = bake_cli(tmp_path, output, {"database": "mysql"})
    assert proc.returncode != 0, describe(proc)
    assert "database" in proc.stdout + proc.stderr
    assert list(output.iterdir()) == []


def _nasty(marker) -> str:
    """Text that would run code or Jinja if an answer were ever pasted into code."""
    escape = f'"""); import pathlib; pathlib.Path({str(marker)!r}).touch(); ("""'
    return (
        f"Quotes \"\"\" and ''' and \\ and \\n and {escape} and "
        f"'); __import__('os').system('touch {marker}'); (' "
        "{{ 7 * 7 }} {% if true %}x{% endif %} {# comment #} {{ cookiecutter.__class__ }} "
        "</script><b>&amp;</b> ${HOME} `id`"
    )


def test_bake_keeps_typed_answers_as_data(tmp_path):
    """Answers reach the hooks and files unrendered (as when typed at the prompt)."""
    marker = tmp_path / "INJECTED"
    text = _nasty(marker)
    answers = {
        **default_answers(),
        "project_name": f"Name {text}",
        "project_slug": "nasty-service",
        "package_name": "nasty_service",
        "description": text,
        "author_name": f"Author {text}",
    }
    output = tmp_path / "out"
    output.mkdir()
    proc = bake_replay(tmp_path, output, answers)
    assert proc.returncode == 0, describe(proc)
    assert not marker.exists(), "an answer was executed as code"
    project = output / "nasty-service"
    _assert_verbatim(project, answers)


def test_bake_keeps_quotes_and_code_in_answers_as_data(cookies, tmp_path):
    """The same through pytest-cookies extra_context (cookiecutter renders these values
    once itself, so Jinja delimiters are left out here)."""
    marker = tmp_path / "INJECTED"
    text = _nasty(marker).split("{{")[0]
    extra = {
        "project_name": f"Name {text}",
        "project_slug": "nasty-service",
        "package_name": "nasty_service",
        "description": text,
        "author_name": f"Author {text}",
    }
    result = cookies.bake(extra_context=extra, template=str(ROOT))
    assert result.exit_code == 0, result.exception
    assert not marker.exists(), "an answer was executed as code"
    _assert_verbatim(result.project_path, {**default_answers(), **extra})


def _assert_verbatim(project, answers):
    for path in project.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))  # still valid code
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == answers["description"]
    assert pyproject["project"]["authors"][0]["name"] == answers["author_name"]
