"""The fuzz layer is imported only by a run whose `-m` selects its tests.

Building its schema at collection costs a few seconds, which the default run, whose
`-m` deselects every `fuzz` test anyway, should not pay. (Schemathesis's lazy loader,
`schemathesis.pytest.from_fixture`, fails under pytest 9: "'Function' object has no
attribute '_nodeid'".)
"""

from _pytest.mark.expression import Expression  # what pytest's own `-m` evaluates with


def pytest_ignore_collect(collection_path, config) -> bool | None:
    expression = config.getoption("markexpr")
    if not expression:
        return None
    # Every test here carries the one marker `fuzz`: would `-m` select such a test?
    selected = Expression.compile(expression).evaluate(lambda name, **_: name == "fuzz")
    return None if selected else True
