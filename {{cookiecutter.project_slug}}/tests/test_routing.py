"""Ids in URLs (routing.py) and the answer to a method a URL does not take."""

import pytest

from {{ cookiecutter.package_name }}.routing import MAX_ROW_ID


@pytest.fixture
def rows(app):
    """/rows/<id:row_id>, read by GET and deleted by DELETE, as the notes' routes are."""
    app.add_url_rule("/rows/<id:row_id>", "read_row", lambda row_id: {"read": row_id})
    app.add_url_rule(
        "/rows/<id:row_id>", "delete_row", lambda row_id: {"deleted": row_id}, methods=["DELETE"]
    )
    return app.test_client()


@pytest.mark.parametrize("row_id", [1, 7, 10, 999999999, 1000000000, 2**31 - 2, 2**31 - 1])
def test_every_id_a_row_can_have_reaches_the_view(rows, row_id):
    assert rows.get(f"/rows/{row_id}").get_json() == {"read": row_id}
    # Routed (where pages are, a DELETE without a CSRF token then stops at the check).
    assert rows.delete(f"/rows/{row_id}").status_code not in (404, 405)


# Arabic-Indic and fullwidth one: digits to Python's int(), not to the route's [0-9].
NOT_DIGITS = ("\u0661", "\uff11")
TOO_LARGE = (str(MAX_ROW_ID + 1), "9999999999", "9" * 30)


@pytest.mark.parametrize("segment", ["0", "01", "-1", "abc", "1.5", *NOT_DIGITS, *TOO_LARGE])
@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "POST"])
def test_an_id_no_row_can_have_is_404_for_every_method(rows, segment, method):
    # Not 405 for the methods of the other rule: no method would find anything there.
    # (PostgreSQL's INTEGER keys end at 2**31 - 1; past it, a query is an error.)
    response = rows.open(f"/rows/{segment}", method=method, headers={"Accept": "application/json"})
    assert response.status_code == 404, response.get_json()
    assert response.get_json()["error"] == "not_found"


def test_a_method_the_url_does_not_take_is_405_naming_those_it_does(rows):
    response = rows.post("/rows/5", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "DELETE"}
