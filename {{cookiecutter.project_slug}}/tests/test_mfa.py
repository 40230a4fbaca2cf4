"""Two-factor authentication below the pages and the API: codes, storage, pending logins,
the role policy, the key's guard, the command line and the audit trail (mfa.py)."""

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from {{ cookiecutter.package_name }} import accounts, create_app, mfa
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.mfa import (
    ENROL,
    VERIFY,
    MfaChallenge,
    RecoveryCode,
    TotpFactor,
)
from {{ cookiecutter.package_name }}.models.user import User, utcnow
from {{ cookiecutter.package_name }}.security import totp
from {{ cookiecutter.package_name }}.security.mfa_keys import SecretUnreadable, open_secret
from tests.conftest import (
    MFA_ENCRYPTION_KEY,
    NEW_PASSWORD,
    PASSWORD,
    REQUIRED_ENVIRONMENT,
    SECRET_KEY,
)
from tests.test_config import PRODUCTION_SERVICES
from tests.two_factor import CLOCK, give_factor, next_code


def code_at(secret: str, steps_from_now: int) -> str:
    return totp.code_at(secret, totp.current_step() + steps_from_now)


def spend(app, email: str, code: str) -> bool:
    """Whether `code` completes a new pending login of `email`'s account."""
    with app.app_context():
        user = accounts.find_user(email)
        pending = mfa.start_challenge(user, VERIFY)
        try:
            mfa.complete_login(pending.token, code)
        except accounts.AccountError as error:
            assert error.code == "invalid_mfa_code", error.code
            return False
        return True


# -- codes: drift, replay, recovery --------------------------------------------------------


@pytest.mark.parametrize("steps", [-1, 0, 1])
def test_a_code_one_step_either_side_of_now_is_accepted(app, factor, steps):
    CLOCK.move(10)  # clear of the step the factor was confirmed with
    assert spend(app, "ada@example.com", code_at(factor.secret, steps))


@pytest.mark.parametrize("steps", [-2, 2, 20])
def test_a_code_two_or_more_steps_away_is_refused(app, factor, steps):
    CLOCK.move(10)
    assert not spend(app, "ada@example.com", code_at(factor.secret, steps))


def test_a_code_is_good_once(app, factor):
    code = next_code(factor.secret)
    assert spend(app, "ada@example.com", code)
    assert not spend(app, "ada@example.com", code)


def test_once_a_code_is_used_no_code_of_an_earlier_step_is_accepted(app, factor):
    CLOCK.move(10)
    assert spend(app, "ada@example.com", code_at(factor.secret, 1))
    # Still inside the drift window, but older than the step just used.
    assert not spend(app, "ada@example.com", code_at(factor.secret, 0))
    assert not spend(app, "ada@example.com", code_at(factor.secret, -1))
    CLOCK.move(2)
    assert spend(app, "ada@example.com", code_at(factor.secret, 0))


def test_the_code_that_confirmed_the_factor_cannot_log_in(app, user):
    with app.app_context():
        found = accounts.find_user(user.email)
        secret = mfa.begin_enrolment(found).secret
        code = next_code(secret)
        mfa.confirm_enrolment(found, code)
    assert not spend(app, user.email, code)


def test_each_recovery_code_logs_in_once(app, factor):
    assert len(factor.recovery_codes) == mfa.RECOVERY_CODE_COUNT == 10
    assert len(set(factor.recovery_codes)) == 10
    first, second = factor.recovery_codes[:2]
    assert spend(app, "ada@example.com", first)
    assert not spend(app, "ada@example.com", first)
    assert spend(app, "ada@example.com", second)
    with app.app_context():
        assert mfa.recovery_codes_left(factor_owner(app).id) == 8


def factor_owner(app) -> User:
    """The `factor` fixture's account, as a row of this app context's session."""
    return accounts.find_user("ada@example.com")


@pytest.mark.parametrize("typed", [str.upper, lambda c: c.replace("-", ""), lambda c: f" {c} "])
def test_a_recovery_code_is_read_as_typed_in_any_case_with_or_without_dashes(app, factor, typed):
    assert spend(app, "ada@example.com", typed(factor.recovery_codes[0]))


@pytest.mark.parametrize("code", ["", "12345", "1234567", "١٢٣٤٥٦", "abcd-efgh-jkm", "x" * 64])
def test_anything_but_a_code_is_simply_wrong(app, factor, code):
    assert not spend(app, "ada@example.com", code)


def test_new_recovery_codes_replace_every_old_one(app, factor):
    with app.app_context():
        renewed = mfa.regenerate_recovery_codes(factor_owner(app), next_code(factor.secret))
    assert set(renewed).isdisjoint(factor.recovery_codes)
    assert not spend(app, "ada@example.com", factor.recovery_codes[0])
    assert spend(app, "ada@example.com", renewed[0])


# -- what the database holds ---------------------------------------------------------------


def test_the_secret_is_stored_sealed_and_the_recovery_codes_as_keyed_hashes(app, factor):
    with app.app_context():
        stored = db.session.scalar(select(TotpFactor.secret))
        hashes = list(db.session.scalars(select(RecoveryCode.code_hash)))
    assert factor.secret not in stored
    assert stored.startswith("v1:")
    assert len(hashes) == 10
    for code in factor.recovery_codes:
        assert all(code.replace("-", "") not in value for value in hashes)


def test_a_sealed_secret_opens_only_for_its_own_account(app, factor, make_user):
    other = make_user("grace@example.com")
    with app.app_context():
        row = db.session.scalar(select(TotpFactor))
        assert open_secret(row.secret, row.user_id) == factor.secret
        # Copied into another account's row (by someone who can write the database).
        with pytest.raises(SecretUnreadable):
            open_secret(row.secret, other.id)


def test_another_encryption_key_opens_no_secret(app, factor, database_url):
    with app.app_context():
        row = db.session.scalar(select(TotpFactor))
        sealed, owner = row.secret, row.user_id
    other = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MFA_ENCRYPTION_KEY": MFA_ENCRYPTION_KEY,
        }
    )
    with other.app_context(), pytest.raises(SecretUnreadable):
        open_secret(sealed, owner)


# -- pending logins ------------------------------------------------------------------------


def test_a_pending_login_ends_after_its_lifetime(app, factor):
    with app.app_context():
        pending = mfa.start_challenge(factor_owner(app), VERIFY)
        assert pending.expires_in == 300
        db.session.execute(update(MfaChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        with pytest.raises(accounts.AccountError) as refused:
            mfa.complete_login(pending.token, next_code(factor.secret))
    assert refused.value.code == "invalid_mfa_token"


def test_a_pending_login_takes_five_tries_then_not_even_the_right_code(app, factor):
    with app.app_context():
        pending = mfa.start_challenge(factor_owner(app), VERIFY)
        for _ in range(5):
            with pytest.raises(accounts.AccountError, match="not correct"):
                mfa.complete_login(pending.token, "000000")
        with pytest.raises(accounts.AccountError) as refused:
            mfa.complete_login(pending.token, next_code(factor.secret))
    assert refused.value.code == "invalid_mfa_token"


def test_a_pending_login_completes_once(app, factor):
    with app.app_context():
        pending = mfa.start_challenge(factor_owner(app), VERIFY)
        done = mfa.complete_login(pending.token, next_code(factor.secret))
        assert done.user.email == "ada@example.com"
        with pytest.raises(accounts.AccountError) as refused:
            mfa.complete_login(pending.token, next_code(factor.secret))
        assert refused.value.code == "invalid_mfa_token"
        assert db.session.scalar(select(MfaChallenge)) is None


@pytest.mark.parametrize("change", ["password_reset", "deactivation", "factor_reset"])
def test_a_pending_login_dies_with_any_change_that_ends_logins(app, factor, change):
    with app.app_context():
        owner = factor_owner(app)
        pending = mfa.start_challenge(owner, VERIFY)
        if change == "password_reset":
            accounts.set_password(owner, "a brand new passphrase 2024")
        elif change == "deactivation":
            accounts.deactivate(owner)
        else:
            mfa.reset(owner, by=None)
        assert mfa.challenge_of(pending.token) is None


def test_only_the_hash_of_a_pending_logins_token_is_stored_and_old_ones_are_swept(app, factor):
    with app.app_context():
        first = mfa.start_challenge(factor_owner(app), VERIFY)
        assert db.session.scalar(select(MfaChallenge.token_hash)) != first.token
        db.session.execute(update(MfaChallenge).values(expires_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
        mfa.start_challenge(factor_owner(app), VERIFY)
        assert len(db.session.scalars(select(MfaChallenge)).all()) == 1


# -- policy ---------------------------------------------------------------------------------


def test_a_correct_password_leads_to_a_code_enrolment_or_nothing(app, make_user, factor):
    make_user("root@example.com", roles=("admin",))
    make_user("grace@example.com")
    with app.app_context():
        assert mfa.second_step(accounts.find_user("ada@example.com")) == VERIFY
        assert mfa.second_step(accounts.find_user("root@example.com")) == ENROL
        assert mfa.second_step(accounts.find_user("grace@example.com")) is None
        app.config["MFA_REQUIRED_ROLES"] = ()
        assert mfa.second_step(accounts.find_user("root@example.com")) is None


def test_a_login_without_a_second_factor_counts_only_where_no_role_requires_one(app):
    with app.app_context():
        assert mfa.login_allowed(("admin",), with_mfa=True)
        assert not mfa.login_allowed(("admin",), with_mfa=False)
        assert mfa.login_allowed((), with_mfa=False)


def test_a_secret_being_set_up_is_no_factor_until_a_code_confirms_it(app, user):
    with app.app_context():
        found = accounts.find_user(user.email)
        first = mfa.begin_enrolment(found).secret
        assert mfa.second_step(found) is None
        second = mfa.begin_enrolment(found)
        assert second.secret != first
        assert second.uri.startswith("otpauth://totp/")
        assert "secret=" + second.secret in second.uri
        with pytest.raises(accounts.AccountError) as refused:
            mfa.confirm_enrolment(found, next_code(first))  # the replaced secret
        assert refused.value.code == "wrong_mfa_code"
        mfa.confirm_enrolment(found, next_code(second.secret))
        assert mfa.second_step(found) == VERIFY
        with pytest.raises(accounts.AccountError) as again:
            mfa.begin_enrolment(found)
        assert again.value.code == "mfa_already_enabled"


@pytest.mark.parametrize("change", ["enable", "disable", "reset"])
def test_each_change_of_a_factor_ends_every_login(app, user, fetch_user, change):
    before = fetch_user().token_version
    factor = give_factor(app, user.email)
    with app.app_context():
        found = accounts.find_user(user.email)
        if change == "disable":
            mfa.disable(found, next_code(factor.secret))
        elif change == "reset":
            assert mfa.reset(found, by=None)
    after = fetch_user().token_version
    assert after == before + (1 if change == "enable" else 2)
    with app.app_context():
        removed = change != "enable"
        assert (mfa.active_factor(user.id) is None) is removed
        assert (db.session.scalar(select(RecoveryCode.id)) is None) is removed


def test_disabling_or_renewing_codes_takes_a_current_code(app, factor, fetch_user):
    before = fetch_user().token_version
    with app.app_context():
        owner = factor_owner(app)
        for step_up in (mfa.disable, mfa.regenerate_recovery_codes):
            with pytest.raises(accounts.AccountError) as refused:
                step_up(owner, "123456")
            assert refused.value.code == "wrong_mfa_code"
        assert mfa.second_step(owner) == VERIFY
        assert mfa.recovery_codes_left(owner.id) == 10
    assert fetch_user().token_version == before


def test_a_password_change_is_refused_when_another_change_ended_every_login_meanwhile(
    app, user, fetch_user
):
    with app.app_context():
        found = accounts.find_user(user.email)  # as the password-change request read it
        # Meanwhile another request (a factor turned on, say) ended every login.
        db.session.execute(
            update(User)
            .values(token_version=User.token_version + 1)
            .execution_options(synchronize_session=False)
        )
        with pytest.raises(accounts.AccountError) as refused:
            accounts.change_password(found, PASSWORD, NEW_PASSWORD)
        assert refused.value.code == "account_changed"
        # Not a new login on top of the other change: the password stays as it was.
        assert accounts.authenticate(user.email, PASSWORD) is not None
    assert fetch_user().token_version == user.token_version


def test_a_secret_the_key_cannot_open_is_a_clear_refusal_never_a_crash(app, factor, caplog):
    with app.app_context():
        db.session.execute(update(TotpFactor).values(secret="v1:" + "A" * 80))
        db.session.commit()
        pending = mfa.start_challenge(factor_owner(app), VERIFY)
        with pytest.raises(accounts.AccountError) as refused:
            mfa.complete_login(pending.token, next_code(factor.secret))
    assert refused.value.code == "mfa_unavailable"
    assert "flask users mfa-reset" in caplog.text


# -- configuration -------------------------------------------------------------------------


@pytest.fixture
def environment(monkeypatch):
    for name, value in REQUIRED_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    for name in ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "MFA_REQUIRED_ROLES"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        (None, "MFA_ENCRYPTION_KEY is not set"),
        ("", "MFA_ENCRYPTION_KEY is not set"),
        ("short-but-random-Qz9!", "at least 32"),
        ("changeme".ljust(40), "placeholder"),
        ("ab" * 20, "placeholder"),
        (SECRET_KEY, "must differ from SECRET_KEY"),
    ],
)
def test_production_refuses_a_missing_weak_or_shared_encryption_key(environment, key, problem):
    environment.delenv("MFA_ENCRYPTION_KEY")
    settings = {"APP_ENV": "production", "SECRET_KEY": SECRET_KEY, **PRODUCTION_SERVICES}
    if key is not None:
        settings["MFA_ENCRYPTION_KEY"] = key
    with pytest.raises(RuntimeError, match=problem):
        create_app(settings)


def test_development_refuses_to_start_without_an_encryption_key(environment):
    environment.delenv("MFA_ENCRYPTION_KEY")
    with pytest.raises(RuntimeError, match="MFA_ENCRYPTION_KEY"):
        create_app({"APP_ENV": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize(
    ("value", "roles"), [("admin", ("admin",)), (" admin , ", ("admin",)), ("", ())]
)
def test_required_roles_come_from_the_environment(environment, value, roles):
    environment.setenv("MFA_REQUIRED_ROLES", value)
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["MFA_REQUIRED_ROLES"] == roles


def test_production_warns_when_no_role_requires_a_second_factor(environment, caplog):
    production = {"APP_ENV": "production", "SECRET_KEY": SECRET_KEY, **PRODUCTION_SERVICES}
    create_app(production)
    assert mfa.NO_REQUIRED_ROLES_WARNING not in caplog.text

    environment.setenv("MFA_REQUIRED_ROLES", "")
    create_app(production)

    assert mfa.NO_REQUIRED_ROLES_WARNING in caplog.text


def test_an_unknown_required_role_is_refused_at_startup(environment):
    environment.setenv("MFA_REQUIRED_ROLES", "admin,superuser")
    with pytest.raises(RuntimeError, match="superuser"):
        create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


# -- the command line ----------------------------------------------------------------------


def test_mfa_reset_removes_the_factor_and_ends_every_login(runner, app, factor, fetch_user):
    before = fetch_user().token_version

    result = runner.invoke(args=["users", "mfa-reset", "ADA@example.com"])

    assert result.exit_code == 0, result.output
    assert "ada@example.com" in result.output
    assert fetch_user().token_version == before + 1
    with app.app_context():
        assert mfa.second_step(factor_owner(app)) is None
        assert db.session.scalar(select(RecoveryCode.id)) is None


@pytest.mark.parametrize(
    ("email", "says"), [("nobody@example.com", "No user"), ("ada@example.com", "no second factor")]
)
def test_mfa_reset_without_a_factor_to_reset_fails_and_changes_nothing(
    runner, user, fetch_user, email, says
):
    result = runner.invoke(args=["users", "mfa-reset", email])
    assert result.exit_code != 0
    assert says in result.output
    assert fetch_user().token_version == user.token_version


# -- the audit trail -----------------------------------------------------------------------


def test_every_step_is_audited_and_no_record_holds_a_secret_or_a_code(app, user, caplog):
    caplog.set_level(logging.DEBUG)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        found = accounts.find_user(user.email)
        enrolment = mfa.begin_enrolment(found)
        confirmed_with = next_code(enrolment.secret)
        codes = mfa.confirm_enrolment(found, confirmed_with)
        pending = mfa.start_challenge(found, VERIFY)
        with pytest.raises(accounts.AccountError):
            mfa.complete_login(pending.token, "000000")
        used = next_code(enrolment.secret)
        mfa.complete_login(pending.token, used)
        second = mfa.start_challenge(found, VERIFY)
        mfa.complete_login(second.token, codes[0])
        mfa.disable(found, next_code(enrolment.secret))
    secrets = [enrolment.secret, confirmed_with, used, pending.token, second.token, *codes]
    secrets += [code.replace("-", "") for code in codes]

    audit = [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "{{ cookiecutter.package_name }}.audit"
    ]
    assert [record["event"] for record in audit] == [
        "mfa_enabled",
        "authn_mfa_challenge",
        "authn_mfa_fail",
        "authn_login_success",
        "authn_mfa_challenge",
        "authn_login_success",
        "mfa_disabled",
    ]
    assert all(record["user_id"] == user.id for record in audit)
    assert all(record["ip"] == "203.0.113.9" for record in audit)
    assert audit[3]["mfa"] == "totp"
    assert audit[5]["mfa"] == "recovery_code"
    assert audit[5]["recovery_codes_left"] == 9
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in secrets:
        assert secret not in logged
