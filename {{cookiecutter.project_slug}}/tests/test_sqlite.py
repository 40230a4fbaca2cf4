"""SQLite shared by several worker processes: WAL, writers that wait for the lock, and
foreign keys enforced as PostgreSQL enforces them."""

import logging
import shutil
import sqlite3
import threading
from pathlib import Path

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from {{ cookiecutter.package_name }} import accounts, create_app
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.note import Note, create_note
from {{ cookiecutter.package_name }}.models.user import User
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


def test_a_note_for_an_account_that_does_not_exist_is_refused(app):
    with app.app_context():
        with pytest.raises(IntegrityError):
            create_note(owner_id=999_999, title="orphan", body="")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Note)) == 0


def test_deleting_an_account_deletes_its_notes(app, user):
    with app.app_context():
        create_note(user.id, "Shopping", "eggs")
        db.session.execute(delete(User).where(User.id == user.id))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Note)) == 0


MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
REBUILD_USERS = """
from alembic import op

revision = "rebuild_users"
down_revision = {head!r}


def upgrade():
    # What a batch migration does to SQLite for most changes: copy, drop, rename.
    with op.batch_alter_table("users", recreate="always"):
        pass


def downgrade():
    pass
"""


@pytest.fixture
def logging_as_it_was():
    """Alembic's env.py configures logging from alembic.ini; put the root logger back."""
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    yield
    root.setLevel(level)
    root.handlers[:] = handlers


def test_a_migration_that_rebuilds_the_users_table_keeps_every_note(tmp_path, logging_as_it_was):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations)
    head = ScriptDirectory(str(migrations)).get_current_head()
    (migrations / "versions" / "rebuild_users.py").write_text(REBUILD_USERS.format(head=head))
    app = file_app(tmp_path / "app.sqlite3")
    with app.app_context():
        flask_migrate.upgrade(directory=str(migrations), revision=head)
        user = accounts.register("ada@example.com", PASSWORD)
        create_note(user.id, "Shopping", "eggs")

        flask_migrate.upgrade(directory=str(migrations))

        assert db.session.scalar(select(func.count()).select_from(Note)) == 1
        assert db.session.scalar(text("PRAGMA foreign_keys")) == 1  # back on afterwards
        db.session.remove()
        db.engine.dispose()
