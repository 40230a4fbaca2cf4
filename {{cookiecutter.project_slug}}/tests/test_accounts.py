"""Account rules: email handling, the password policy, authentication and ending logins."""

import pytest

from {{ cookiecutter.package_name }} import accounts
from {{ cookiecutter.package_name }}.security import passwords
from tests.conftest import NEW_PASSWORD, PASSWORD

# 128 characters with no repeated pattern a strength estimate would punish.
LONGEST_PASSWORD = (
    "ember quartz 19 lagoon violin 47 saffron tundra 83 marble cobalt 62 "
    "hollow pepper 5 meadow cipher 7 walnut glacier 38 ribbon elm"
)
assert len(LONGEST_PASSWORD) == 128


def register_error(email: str, password: str) -> accounts.AccountError:
    with pytest.raises(accounts.AccountError) as refused:
        accounts.register(email, password)
    return refused.value


# -- email --------------------------------------------------------------------------------


def test_email_is_stored_trimmed_and_lower_cased(app, fetch_user):
    with app.app_context():
        user = accounts.register("  Ada@Example.COM ", PASSWORD)
        assert user.email == "ada@example.com"
    assert fetch_user("ada@example.com").email == "ada@example.com"


@pytest.mark.parametrize("typed", ["ada@example.com", "ADA@EXAMPLE.COM", " Ada@Example.Com  "])
def test_email_lookup_and_login_ignore_case_and_spaces(app, make_user, typed):
    make_user("Ada@Example.com")
    with app.app_context():
        assert accounts.find_user(typed) is not None
        assert accounts.authenticate(typed, PASSWORD) is not None


@pytest.mark.parametrize("again", ["ada@example.com", "ADA@example.com", " Ada@Example.COM "])
def test_the_same_email_in_another_case_is_taken(app, make_user, again):
    make_user("ada@example.com")
    with app.app_context():
        assert register_error(again, NEW_PASSWORD).code == "email_taken"


@pytest.mark.parametrize(
    "email",
    [
        "",
        "   ",
        "not-an-email",
        "ada@",
        "@example.com",
        "ada@@example.com",
        "ada smith@example.com",
    ],
)
def test_an_invalid_email_is_refused(app, fetch_user, email):
    with app.app_context():
        error = register_error(email, PASSWORD)
    assert error.code == "invalid_email"
    assert error.message


# -- password policy ------------------------------------------------------------------------


def test_a_password_of_11_characters_is_refused(app, fetch_user):
    with app.app_context():
        error = register_error("ada@example.com", "Zq7#vL9!pW2")
    assert error.code == "weak_password"
    assert "12" in error.message
    assert fetch_user() is None


def test_a_password_of_129_characters_is_refused_not_truncated(app, fetch_user):
    with app.app_context():
        error = register_error("ada@example.com", LONGEST_PASSWORD + "x")
    assert error.code == "weak_password"
    assert "128" in error.message
    assert fetch_user() is None


def test_a_password_of_128_characters_is_used_in_full(app, make_user):
    make_user(password=LONGEST_PASSWORD)
    with app.app_context():
        assert accounts.authenticate("ada@example.com", LONGEST_PASSWORD) is not None
        assert accounts.authenticate("ada@example.com", LONGEST_PASSWORD[:127]) is None
        assert accounts.authenticate("ada@example.com", LONGEST_PASSWORD[:72]) is None


def test_a_common_password_is_refused_with_a_reason(app, fetch_user):
    with app.app_context():
        error = register_error("ada@example.com", "Password1234!")
    assert error.code == "weak_password"
    assert len(error.message) > 10
    assert fetch_user() is None


def test_only_spaces_is_refused(app):
    with app.app_context():
        assert register_error("ada@example.com", " " * 20).code == "weak_password"


@pytest.mark.parametrize(
    ("email", "password"),
    [
        pytest.param("zorblaxquintavius@example.com", "zorblaxquintavius", id="plain"),
        pytest.param("zorblax.quintavius@example.com", "zorblax.quintavius", id="dotted"),
    ],
)
def test_the_email_local_part_is_refused_as_a_password(app, fetch_user, email, password):
    with app.app_context():
        assert register_error(email, password).code == "weak_password"
        # The same string is acceptable for someone else: it is refused as personal.
        accounts.register("grace@example.com", password)
    assert fetch_user(email) is None


def test_a_long_all_lower_case_passphrase_is_accepted(app, fetch_user):
    passphrase = "violet harbour mumbles across gravel"
    with app.app_context():
        accounts.register("ada@example.com", passphrase)
        assert accounts.authenticate("ada@example.com", passphrase) is not None


# -- authenticate ---------------------------------------------------------------------------


def test_authenticate_returns_the_user_for_the_right_password(app, user):
    with app.app_context():
        found = accounts.authenticate("ada@example.com", PASSWORD)
        assert found is not None
        assert found.id == user.id


@pytest.mark.parametrize(
    ("email", "password", "deactivated"),
    [
        pytest.param("nobody@example.com", PASSWORD, False, id="unknown-email"),
        pytest.param("", PASSWORD, False, id="no-email"),
        pytest.param("ada@example.com", NEW_PASSWORD, False, id="wrong-password"),
        pytest.param("ada@example.com", "", False, id="empty-password"),
        pytest.param("ada@example.com", PASSWORD, True, id="deactivated-right-password"),
    ],
)
def test_authenticate_refuses_every_failure_the_same_way(app, user, email, password, deactivated):
    with app.app_context():
        if deactivated:
            accounts.deactivate(accounts.find_user("ada@example.com"))
        assert accounts.authenticate(email, password) is None


@pytest.fixture
def verifications(monkeypatch):
    """The hashes each login verified against, through the real verify_password."""
    seen: list[str] = []
    real = passwords.verify_password

    def spy(password_hash: str, password: str) -> bool:
        seen.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", spy)
    return seen


@pytest.mark.parametrize(
    ("email", "password", "deactivated"),
    [
        pytest.param("nobody@example.com", PASSWORD, False, id="unknown-email"),
        pytest.param("", PASSWORD, False, id="no-email"),
        pytest.param("ada@example.com", NEW_PASSWORD, False, id="wrong-password"),
        pytest.param("ada@example.com", PASSWORD, False, id="right-password"),
        pytest.param("ada@example.com", PASSWORD, True, id="deactivated"),
    ],
)
def test_every_login_verifies_exactly_one_hash(
    app, user, verifications, email, password, deactivated
):
    with app.app_context():
        if deactivated:
            accounts.deactivate(accounts.find_user("ada@example.com"))
        accounts.authenticate(email, password)
        assert len(verifications) == 1
        # The hash checked for a missing account costs what a real account's would.
        assert not passwords.needs_rehash(verifications[0])


def test_unknown_emails_are_verified_repeatedly_not_cached(app, verifications):
    with app.app_context():
        for _ in range(3):
            assert accounts.authenticate("nobody@example.com", PASSWORD) is None
    assert len(verifications) == 3


# -- ending logins --------------------------------------------------------------------------


def test_set_password_replaces_the_password_and_ends_logins(app, user, fetch_user):
    with app.app_context():
        accounts.set_password(accounts.find_user("ada@example.com"), NEW_PASSWORD)
        assert accounts.authenticate("ada@example.com", PASSWORD) is None
        assert accounts.authenticate("ada@example.com", NEW_PASSWORD) is not None
    assert fetch_user().token_version == user.token_version + 1


def test_set_password_refuses_a_weak_password_and_changes_nothing(app, user, fetch_user):
    with app.app_context():
        with pytest.raises(accounts.AccountError) as refused:
            accounts.set_password(accounts.find_user("ada@example.com"), "short")
        assert refused.value.code == "weak_password"
        assert accounts.authenticate("ada@example.com", PASSWORD) is not None
    assert fetch_user().token_version == user.token_version


def test_change_password_needs_the_current_password(app, user, fetch_user):
    with app.app_context():
        with pytest.raises(accounts.AccountError) as refused:
            accounts.change_password(
                accounts.find_user("ada@example.com"), NEW_PASSWORD, NEW_PASSWORD
            )
        assert refused.value.code == "wrong_password"
        accounts.change_password(accounts.find_user("ada@example.com"), PASSWORD, NEW_PASSWORD)
        assert accounts.authenticate("ada@example.com", NEW_PASSWORD) is not None
    assert fetch_user().token_version == user.token_version + 1


def test_deactivate_blocks_login_and_ends_logins(app, user, fetch_user):
    with app.app_context():
        accounts.deactivate(accounts.find_user("ada@example.com"))
    after = fetch_user()
    assert after.active is False
    assert after.token_version == user.token_version + 1


def test_log_out_everywhere_ends_logins_but_keeps_the_password(app, user, fetch_user):
    with app.app_context():
        accounts.log_out_everywhere(accounts.find_user("ada@example.com"))
        accounts.log_out_everywhere(accounts.find_user("ada@example.com"))
        assert accounts.authenticate("ada@example.com", PASSWORD) is not None
    assert fetch_user().token_version == user.token_version + 2
