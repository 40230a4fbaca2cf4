"""JSON API: notes, the owned resource. Authentication says who, not what they may touch."""

import pytest

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.note import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Note
from tests.api_client import Api

NOTES = "/api/v1/notes"

pytestmark = pytest.mark.logged_in


@pytest.fixture
def other(app, make_user) -> Api:
    """Grace, logged in on her own client, with one note of her own."""
    make_user("grace@example.com")
    api = Api(app.test_client())
    api.log_in("grace@example.com")
    assert api.post(NOTES, json={"title": "Grace's", "body": "private"}).status_code == 201
    return api


def stored(app, note_id: int) -> Note | None:
    with app.app_context():
        note = db.session.get(Note, note_id)
        if note is not None:
            db.session.expunge(note)
        return note


def test_create_read_list_update_and_delete_own_notes(app, api):
    created = api.post(NOTES, json={"title": "Groceries", "body": "eggs"})
    assert created.status_code == 201
    note = created.get_json()
    assert created.headers["Location"] == f"{NOTES}/{note['id']}"
    assert (note["title"], note["body"]) == ("Groceries", "eggs")

    assert api.get(f"{NOTES}/{note['id']}").get_json()["title"] == "Groceries"
    assert [n["id"] for n in api.get(NOTES).get_json()["notes"]] == [note["id"]]

    patched = api.send("PATCH", f"{NOTES}/{note['id']}", json={"body": "eggs, milk"})
    assert patched.status_code == 200
    assert (patched.get_json()["title"], patched.get_json()["body"]) == ("Groceries", "eggs, milk")
    put = api.send("PUT", f"{NOTES}/{note['id']}", json={"title": "Shopping"})
    assert (put.get_json()["title"], put.get_json()["body"]) == ("Shopping", "")

    deleted = api.send("DELETE", f"{NOTES}/{note['id']}")
    assert deleted.status_code == 204
    assert stored(app, note["id"]) is None


def test_another_users_note_is_404_on_every_operation(app, api, other):
    theirs = other.get(NOTES).get_json()["notes"][0]
    path = f"{NOTES}/{theirs['id']}"

    answers = [
        api.get(path),
        api.send("PATCH", path, json={"title": "mine now"}),
        api.send("PUT", path, json={"title": "mine now", "body": ""}),
        api.send("DELETE", path),
    ]

    for response in answers:
        assert response.status_code == 404
        assert response.get_json()["error"] == "not_found"
    assert api.get(NOTES).get_json() == {"notes": []}
    kept = stored(app, theirs["id"])
    assert (kept.title, kept.body) == ("Grace's", "private")


def test_others_note_looks_exactly_like_a_missing_one(api, other):
    theirs = other.get(NOTES).get_json()["notes"][0]["id"]

    foreign = api.get(f"{NOTES}/{theirs}")
    missing = api.get(f"{NOTES}/{theirs + 1000}")
    huge = api.get(f"{NOTES}/{2**70}")

    assert foreign.get_json() == missing.get_json() == huge.get_json()
    assert foreign.status_code == missing.status_code == huge.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"title": "x" * (TITLE_MAX_LENGTH + 1)},
        {"title": "ok", "body": "x" * (BODY_MAX_LENGTH + 1)},
        {"title": "   "},
        {"body": "no title"},
        {"title": 7},
        {"title": "ok", "body": ["a"]},
    ],
)
def test_invalid_notes_are_400_and_nothing_is_stored(app, api, body):
    response = api.post(NOTES, json=body)

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"
    assert api.get(NOTES).get_json() == {"notes": []}


def test_notes_need_an_access_token(app, user):
    client = app.test_client()

    assert client.get(NOTES).status_code == 401
    assert client.post(NOTES, json={"title": "x"}).status_code == 401
{%- if cookiecutter.auth_mode == "jwt_cookie" %}


def test_creating_a_note_without_the_csrf_header_is_refused(api):
    # The access cookie rides along on a forged cross-site POST; the header cannot.
    response = api.client.post(NOTES, json={"title": "forged"})

    assert response.status_code == 401
    assert response.get_json()["error"] == "csrf_failed"
    assert api.get(NOTES).get_json() == {"notes": []}
{%- endif %}


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_the_largest_id_a_route_takes_is_a_plain_404_on_this_database(api, method):
    """routing.py lets 2**31 - 1 through to the view: the query must be a miss, not a 500."""
    response = api.send(method, f"{NOTES}/2147483647", json={"title": "t"})
    assert response.status_code == 404, response.get_json()
    assert response.get_json()["error"] == "not_found"
