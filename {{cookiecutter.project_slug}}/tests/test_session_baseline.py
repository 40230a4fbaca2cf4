"""Session mode: the Flask-Login baseline that the rest of the code is written against."""

import tomllib
from importlib.metadata import version
from pathlib import Path

from flask_login import UserMixin

from {{ cookiecutter.package_name }}.models.user import User

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_flask_login_is_pinned_to_0_6_3():
    # security/login_sessions.py patches 0.6.3's internals (session identifier, restored
    # remember-me sessions); another version must be a deliberate, reviewed change.
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    assert "flask-login==0.6.3" in dependencies
    assert version("flask-login") == "0.6.3"


def test_user_model_is_a_flask_login_user_mixin():
    assert issubclass(User, UserMixin)
    assert User(active=False).is_active is False  # our column, not UserMixin's constant
