"""SELECTs compiled once and run straight on a pooled DB-API connection.

Every protected request asks the database one question: whose request is this? Asked
through an ORM session that costs about ten times the statement itself, and through a
Core connection about three times (the session, connection and result objects made
and torn down around it). A `PreparedSelect` compiles its statement once per database
dialect, then per call checks a connection out of the engine's pool, runs the SQL,
reads one row and hands the connection back, which the pool rolls back as always.

Values pass through the column types' own bind and result processors, so they read
exactly as they would through SQLAlchemy; driver errors are raised as SQLAlchemy's.
Only reads belong here: a change goes through the ORM session, in a transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, Select
from sqlalchemy.exc import DBAPIError


@dataclass(frozen=True)
class _Plan:
    sql: str
    # The bind names in the order the driver expects them, or None for named styles.
    order: tuple[str, ...] | None
    binds: dict[str, Callable[[Any], Any] | None]
    results: tuple[Callable[[Any], Any] | None, ...]
    # Values the statement carries itself (a literal in a condition), under the caller's.
    literals: dict[str, Any]

    def arguments(self, params: dict[str, Any]) -> tuple | dict:
        values = {**self.literals, **params}
        processed = {
            name: process(values[name]) if process else values[name]
            for name, process in self.binds.items()
        }
        if self.order is None:
            return processed
        return tuple(processed[name] for name in self.order)


class PreparedSelect:
    def __init__(self, statement: Select) -> None:
        self.statement = statement
        self._plans: WeakKeyDictionary[Engine, _Plan] = WeakKeyDictionary()

    def first(self, engine: Engine, params: dict[str, Any]) -> tuple | None:
        """The first row for these bind values, or None: one statement, no transaction kept."""
        dialect = engine.dialect
        connection = engine.raw_connection()  # connect errors come wrapped by SQLAlchemy
        try:
            # Compiled after the first connection, once the dialect knows its server.
            plan = self._plans.get(engine) or self._plan(engine)
            arguments = plan.arguments(params)
            cursor = connection.cursor()
            try:
                cursor.execute(plan.sql, arguments)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, connection.dbapi_connection, None):
                connection.invalidate(error)  # the pool makes a new one next time
            raise DBAPIError.instance(
                plan.sql,
                arguments,
                error,
                dialect.loaded_dbapi.Error,
                hide_parameters=engine.hide_parameters,
                dialect=dialect,
            ) from error
        finally:
            connection.close()  # back to the pool, rolled back
        if row is None:
            return None
        return tuple(
            process(value) if process else value
            for process, value in zip(plan.results, row, strict=True)
        )

    def _plan(self, engine: Engine) -> _Plan:
        dialect = engine.dialect
        compiled = self.statement.compile(dialect=dialect)
        binds = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        results = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in self.statement.selected_columns
        )
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        literals = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
        plan = self._plans[engine] = _Plan(compiled.string, order, binds, results, literals)
        return plan
