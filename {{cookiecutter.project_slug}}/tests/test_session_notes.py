"""Session mode: notes are private to their owner; others get 404 on every operation."""

import pytest
from sqlalchemy import select

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.note import Note
from tests.session_client import csrf_token, log_in, post_form


@pytest.fixture
def ada(app, user):
    client = app.test_client()
    log_in(client)
    return client


@pytest.fixture
def mallory(app, make_user):
    make_user("mallory@example.com")
    client = app.test_client()
    log_in(client, "mallory@example.com")
    return client


def write(client, title="Groceries", body="eggs, flour"):
    return post_form(client, "/notes/new", {"title": title, "body": body}, page="/notes/new")


def note_id(response) -> int:
    return int(response.headers["Location"].rsplit("/", 1)[1])


def stored(app, ident):
    with app.app_context():
        note = db.session.scalar(select(Note).where(Note.id == ident))
        return None if note is None else (note.title, note.body)


def test_owner_creates_lists_views_edits_and_deletes(app, ada):
    created = write(ada)
    assert created.status_code == 302
    ident = note_id(created)
    assert "Groceries" in ada.get("/notes/").get_data(as_text=True)
    assert "eggs, flour" in ada.get(f"/notes/{ident}").get_data(as_text=True)

    edited = post_form(
        ada, f"/notes/{ident}/edit", {"title": "Shopping", "body": "milk"}, page="/notes/new"
    )
    assert edited.status_code == 302
    assert stored(app, ident) == ("Shopping", "milk")

    assert post_form(ada, f"/notes/{ident}/delete", page="/notes/new").status_code == 302
    assert stored(app, ident) is None


def test_another_users_note_is_404_on_every_operation(app, ada, mallory):
    ident = note_id(write(ada))
    token = csrf_token(mallory, "/notes/new")

    assert mallory.get(f"/notes/{ident}").status_code == 404
    assert mallory.get(f"/notes/{ident}/edit").status_code == 404
    edit = mallory.post(
        f"/notes/{ident}/edit", data={"title": "pwned", "body": "", "csrf_token": token}
    )
    assert edit.status_code == 404
    assert mallory.post(f"/notes/{ident}/delete", data={"csrf_token": token}).status_code == 404
    assert "Groceries" not in mallory.get("/notes/").get_data(as_text=True)

    assert stored(app, ident) == ("Groceries", "eggs, flour")


def test_others_note_looks_exactly_like_a_missing_one(ada, mallory):
    ident = note_id(write(ada))

    theirs = mallory.get(f"/notes/{ident}", headers={"Accept": "application/json"})
    missing = mallory.get("/notes/999999", headers={"Accept": "application/json"})
    # Too large to be a row id: refused by the route, not passed to the database.
    huge = mallory.get(f"/notes/{2**70}", headers={"Accept": "application/json"})

    assert theirs.status_code == missing.status_code == huge.status_code == 404
    assert theirs.json == missing.json == huge.json


@pytest.mark.parametrize(
    ("title", "body"), [("", "text"), ("t" * 201, "text"), ("Title", "b" * 10_001)]
)
def test_bad_title_or_body_re_renders_the_form(app, ada, title, body):
    response = write(ada, title, body)

    assert response.status_code == 400
    assert '<form method="post"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Note)) == 0


def test_notes_need_a_login(client):
    response = client.get("/notes/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_delete_without_csrf_token_is_refused(app, ada):
    ident = note_id(write(ada))

    assert ada.post(f"/notes/{ident}/delete").status_code == 400
    assert stored(app, ident) is not None
