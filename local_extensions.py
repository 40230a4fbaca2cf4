"""A Jinja extension cookiecutter loads from this template (cookiecutter.json `_extensions`).

The hooks import hooks/options.py from the template, but cookiecutter runs them inside the
new project and passes the template's path as it was typed: `cookiecutter .` hands them a
`_repo_dir` of ".", which from there names the wrong directory. This module is imported
by cookiecutter before it changes directory, so its own path is the template's, absolute.
cruft renders from its own clone, which it puts on sys.path: there this is the clone's path,
at the commit being rendered (tests/test_cruft.py).
"""

from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension

TEMPLATE_DIR = str(Path(__file__).resolve().parent)


class TemplateDir(Extension):
    """The global `template_dir`: this template's absolute path, for the hooks."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["template_dir"] = TEMPLATE_DIR
