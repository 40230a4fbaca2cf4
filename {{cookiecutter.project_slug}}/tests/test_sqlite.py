"""SQLite shared by several worker processes: WAL, and writers that wait for the lock."""

import sqlite3
import threading

from sqlalchemy import text

from {{ cookiecutter.package_name }} import accounts, create_app
from {{ cookiecutter.package_name }}.extensions import db
from tests.conftest import PASSWORD, REQUIRED_ENVIRONMENT, SECRET_KEY


def file_app(path):
    return create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            **REQUIRED_ENVIRONMENT,
        }
    )


def test_a_database_file_is_in_wal_mode(tmp_path):
    app = file_app(tmp_path / "app.sqlite3")
    with app.app_context():
        db.create_all()
        assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
        db.engine.dispose()


def test_a_writer_waits_for_another_processes_lock_instead_of_failing(tmp_path):
    # The driver's busy timeout (5 s unless DATABASE_URL says ?timeout=) does the waiting.
    path = tmp_path / "app.sqlite3"
    app = file_app(path)
    with app.app_context():
        db.create_all()
    # Another process (here: another connection) holds the write lock for a moment.
    other = sqlite3.connect(path, timeout=0, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, other.rollback)
    release.start()
    try:
        with app.app_context():
            user = accounts.register("ada@example.com", PASSWORD)  # waits, then commits
            assert user.id is not None
            db.engine.dispose()
    finally:
        release.join()
        other.close()
