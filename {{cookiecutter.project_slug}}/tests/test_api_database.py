"""The database backend: what the login_sessions table holds, and the prune command."""

from datetime import timedelta

import jwt
import pytest
from sqlalchemy import select

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.login_session import LoginSession, hash_token
from {{ cookiecutter.package_name }}.models.user import utcnow
from tests.api_client import Api

pytestmark = pytest.mark.logged_in


def family_row(app, api) -> LoginSession:
    claims = jwt.decode(api.refresh_token, options={"verify_signature": False})
    with app.app_context():
        row = db.session.scalar(
            select(LoginSession).where(LoginSession.token_hash == hash_token(claims["fam"]))
        )
        db.session.expunge(row)
    return row


def test_login_stores_a_hashed_family_id_and_the_current_refresh_jti(app, api):
    claims = jwt.decode(api.refresh_token, options={"verify_signature": False})

    row = family_row(app, api)

    assert row.token_hash == hash_token(claims["fam"]) != claims["fam"]
    assert row.refresh_jti == claims["jti"]
    assert row.revoked_at is None
    assert abs(row.expires_at.timestamp() - claims["fexp"]) < 1


def test_rotation_moves_the_jti_and_keeps_the_family_end(app, api):
    before = family_row(app, api)
    api.refresh()

    after = family_row(app, api)

    assert after.id == before.id
    assert after.previous_refresh_jti == before.refresh_jti
    assert after.refresh_jti != before.refresh_jti
    assert after.expires_at == before.expires_at


def test_logout_marks_the_family_row_revoked(app, api):
    api.log_out()

    assert family_row(app, api).revoked_at is not None


def test_tokens_prune_deletes_expired_and_revoked_families_only(app, api, runner, make_user):
    other = Api(app.test_client())
    make_user("bob@example.com")
    other.log_in("bob@example.com")
    third = Api(app.test_client())
    third.log_in()
    api.log_out()
    with app.app_context():
        row = db.session.get(LoginSession, family_row(app, third).id)
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()

    result = runner.invoke(args=["tokens", "prune"])

    assert result.exit_code == 0, result.output
    assert "Deleted 2 token families." in result.output
    with app.app_context():
        assert db.session.scalar(select(db.func.count(LoginSession.id))) == 1
    assert other.get("/api/v1/auth/me").status_code == 200
