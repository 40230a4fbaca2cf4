from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import options
from support import ROOT


class Bakery:
    """One bake per combination per session (per xdist worker), shared by its tests."""

    def __init__(self, cookies_session) -> None:
        self._cookies = cookies_session
        self._results: dict[str, object] = {}

    def result(self, combination: dict):
        key = options.combination_id(combination)
        if key not in self._results:
            self._results[key] = self._cookies.bake(extra_context=combination, template=str(ROOT))
        return self._results[key]

    def project(self, combination: dict) -> Path:
        result = self.result(combination)
        if result.exit_code != 0:
            pytest.fail(
                f"bake of {options.combination_id(combination)} failed: {result.exception}"
            )
        return result.project_path


@pytest.fixture(scope="session")
def bakery(cookies_session) -> Bakery:
    return Bakery(cookies_session)


@pytest.fixture
def working_copy(bakery, tmp_path):
    """A private copy of a combination's bake, for tests that run it (and so write in it)."""

    def copy(combination: dict) -> Path:
        source = bakery.project(combination)
        target = tmp_path / source.name
        shutil.copytree(source, target, symlinks=True)
        return target

    return copy


def pytest_xdist_make_scheduler(config, log):
    """With --dist loadscope, make each combination one scope: every test parametrized
    with a combination id runs on the worker that baked it, so it is baked once.

    (The xdist_group mark would say this, but pytest-xdist 3.8 cannot rename node ids
    on pytest 9.2, so --dist loadgroup silently degrades to plain load.)
    """
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    ids = {options.combination_id(c) for c in options.combinations()}

    class OneWorkerPerCombination(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.endswith("]"):
                param = nodeid[nodeid.rindex("[") + 1 : -1]
                if param in ids:
                    return param
            return nodeid  # anything else is its own unit, as with --dist load

    return OneWorkerPerCombination(config, log)
