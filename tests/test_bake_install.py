"""One bake per auth mode, installed into a fresh venv from its own pyproject:
proves the baked dependency list is complete (nothing leaks in from this environment)."""

from __future__ import annotations

import sys

import pytest

import options
from support import clean_env, combination_params, describe, run

FIRST_OF_EACH_MODE = combination_params(
    [
        next(c for c in options.combinations() if c["auth_mode"] == mode)
        for mode in options.CHOICES["auth_mode"]
    ]
)


@pytest.mark.parametrize("combination", FIRST_OF_EACH_MODE)
def test_bake_installs_and_passes_in_a_fresh_venv(working_copy, combination, tmp_path):
    project = working_copy(combination)
    venv = tmp_path / "venv"
    env = clean_env()
    env.pop("VIRTUAL_ENV", None)
    env.pop("TEST_DATABASE_URL", None)  # sqlite/first combinations use no server database
    made = run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=env)
    assert made.returncode == 0, describe(made)
    python = str(venv / "bin" / "python")
    install = run(
        [python, "-m", "pip", "install", "-q", "-e", f"{project}[dev]"], cwd=tmp_path, env=env
    )
    assert install.returncode == 0, describe(install)
    suite = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env)
    assert suite.returncode == 0, describe(suite)
