"""SQLite for several worker processes sharing one database file.

WAL lets readers carry on while one process writes, which matters as soon as gunicorn
runs more than one worker. A writer that finds the lock taken waits for it rather than
failing with "database is locked": for up to 5 seconds, the driver's default busy timeout
(`?timeout=SECONDS` in DATABASE_URL changes it). One machine only: SQLite cannot be
shared between instances on different hosts (use PostgreSQL there). Foreign keys are
enforced, as PostgreSQL enforces them.
"""

from flask import Flask
from sqlalchemy import event

from .extensions import db


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":  # DATABASE_URL may name another database
        event.listen(engine, "connect", _tune_connection)


def _tune_connection(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # Stored in the file, so this is a no-op after the first connection; an
        # in-memory database (the tests) keeps its "memory" journal.
        cursor.execute("PRAGMA journal_mode=WAL")
        # Off by default in SQLite, per connection: without it a note could name an
        # account that does not exist, and ON DELETE CASCADE would do nothing, so the
        # rows a PostgreSQL bake refuses or removes would stay.
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()
