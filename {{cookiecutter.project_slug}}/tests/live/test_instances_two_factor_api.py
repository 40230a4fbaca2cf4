"""Two instances, one second factor per account, over the JSON API.

The factor, the step of the last code it took (the replay guard) and the version every
token of the account is checked against all live in the shared database: a code spent
at A is spent at B, and a factor turned on or reset at A changes what B asks for, and
which logins B still honours, on the very next request.
"""

import uuid

import pytest

from tests.conftest import PASSWORD
from tests.live.authenticator import SecondFactor
from tests.live.tokens import TokenClient, new_account

pytestmark = pytest.mark.integration


def with_factor(instance) -> tuple[TokenClient, dict, SecondFactor]:
    """A customer who registered and turned a factor on at `instance`: their client (with
    the new login turning it on answered with), their account (`id`, `email`), the factor."""
    client, account = new_account(instance, instance)
    return client, account, client.turn_on_factor(instance)


def password_step(client: TokenClient, instance, email: str) -> str:
    """A correct password of an account with a factor: no token, a pending login's."""
    pending = client.log_in(instance, email)
    assert pending.status == 403, pending
    body = pending.json()
    assert body["error"] == "mfa_required"
    assert "access_token" not in body
    assert not pending.headers.get_all("Set-Cookie")  # nor a cookie holding one
    return body["mfa_token"]


def assert_ended(*clients: TokenClient, at) -> None:
    """The logins of `clients` are refused at every instance `at`, access and refresh."""
    for client in clients:
        for instance in at:
            refused = client.me(instance)
            assert refused.status == 401, (instance.name, refused)
            assert refused.json()["error"] == "token_revoked"
            assert client.refresh(instance).status == 401


def test_a_code_used_at_a_is_refused_when_replayed_at_b(a, b):
    _, account, factor = with_factor(a)  # turned on at A with the app's current code
    attacker = TokenClient()  # who saw that code typed, and knows the password
    mfa_token = password_step(attacker, b, account["email"])

    replayed = attacker.verify(b, mfa_token, factor.spent_code)

    assert replayed.status == 401
    assert replayed.json()["error"] == "invalid_mfa_code"
    assert attacker.access_token is None and not attacker.in_cookies
    # The pending login itself was sound: a code not used before opens it.
    assert attacker.verify(b, mfa_token, factor.code()).status == 200


def test_a_recovery_code_used_at_a_is_refused_at_b(a, b):
    _, account, factor = with_factor(a)
    recovery_code = factor.recovery_codes.pop()
    at_a = TokenClient()
    assert at_a.verify(a, password_step(at_a, a, account["email"]), recovery_code).status == 200

    at_b = TokenClient()
    replayed = at_b.verify(b, password_step(at_b, b, account["email"]), recovery_code)

    assert replayed.status == 401
    assert replayed.json()["error"] == "invalid_mfa_code"
    assert at_b.me(b).status == 401


def test_a_factor_turned_on_at_a_ends_the_login_at_b_and_b_then_asks_for_a_code(a, b):
    phone, account = new_account(a, a)
    laptop = TokenClient()
    assert laptop.log_in(b, account["email"]).status == 200  # the password alone, for now

    factor = phone.turn_on_factor(a)

    assert_ended(laptop, at=(b,))
    assert phone.me(b).status == 200  # the login turning it on answered with
    mfa_token = password_step(laptop, b, account["email"])
    assert laptop.verify(b, mfa_token, factor.code()).status == 200
    assert laptop.me(b).json()["email"] == account["email"]


def test_a_reset_from_the_command_line_ends_the_logins_at_both_instances(deployment, a, b):
    at_a, account, factor = with_factor(a)
    at_b = TokenClient()
    assert at_b.log_in(b, account["email"], factor=factor).status == 200

    deployment.flask("users", "mfa-reset", account["email"])  # a lost phone

    assert_ended(at_a, at_b, at=(a, b))
    # The factor is gone: the password alone logs in again (a customer needs none).
    assert TokenClient().log_in(b, account["email"]).status == 200


def test_an_operators_reset_at_a_ends_the_logins_at_both_instances(deployment, a, b):
    at_a, account, factor = with_factor(a)
    at_b = TokenClient()
    assert at_b.log_in(b, account["email"], factor=factor).status == 200
    operator_email = f"operator-{uuid.uuid4().hex[:10]}@example.com"
    deployment.flask("users", "create", operator_email, "--role", "admin", stdin=f"{PASSWORD}\n")
    operator = TokenClient()
    operator.first_login(a, operator_email)  # the role requires a factor: set up first

    reset = operator.post(a, f"/admin/users/{account['id']}/mfa-reset")

    assert reset.status == 200
    assert reset.json() == {"mfa_reset": True}
    assert_ended(at_a, at_b, at=(a, b))
    assert TokenClient().log_in(b, account["email"]).status == 200
