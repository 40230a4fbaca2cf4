"""SECURITY.md in every bake names only tests that exist in that bake."""

from __future__ import annotations

import ast
import re

import pytest

from support import combination_params

# `tests/test_x.py::test_name`, optionally with a parametrize id: `...::test_name[id]`.
TEST_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(?:\[[^\]`]*\])?`")


def _test_functions(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            names.add(node.name)
    return names


@pytest.mark.parametrize("combination", combination_params())
def test_security_md_names_only_tests_that_exist(bakery, combination):
    project = bakery.project(combination)
    security = project / "SECURITY.md"
    assert security.is_file(), "SECURITY.md is missing"
    references = TEST_REFERENCE.findall(security.read_text(encoding="utf-8"))
    assert len(references) >= 10, "SECURITY.md names too few tests to be the checklist"
    missing = []
    cache: dict[str, set[str]] = {}
    for relative, name in references:
        path = project / relative
        if not path.is_file():
            missing.append(f"{relative}::{name} (no such file)")
            continue
        if relative not in cache:
            cache[relative] = _test_functions(path)
        if name not in cache[relative]:
            missing.append(f"{relative}::{name}")
    assert not missing, "SECURITY.md names tests that do not exist:\n" + "\n".join(missing)


@pytest.mark.parametrize("combination", combination_params())
def test_every_security_md_row_names_a_file_and_a_test(bakery, combination):
    project = bakery.project(combination)
    rows = [
        line
        for line in (project / "SECURITY.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith(("| item", "| ---"))
    ]
    assert rows
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert len(cells) == 3, row
        assert "`" in cells[1], f"no enforcing file in: {row}"
        assert TEST_REFERENCE.search(cells[2]), f"no test in: {row}"
        for relative in re.findall(r"`([\w/.]+\.(?:py|toml))`", cells[1]):
            assert (project / relative).exists(), f"{relative} named in SECURITY.md is missing"
