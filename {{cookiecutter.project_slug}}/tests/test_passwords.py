"""Password hashing: parameters, salts, upgrades of old hashes and what never verifies."""

import re
import unicodedata

import pytest
from argon2 import PasswordHasher, Type
from werkzeug.security import generate_password_hash

from {{ cookiecutter.package_name }} import accounts, create_app
from {{ cookiecutter.package_name }}.config import BaseConfig, TestingConfig
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.user import User
from {{ cookiecutter.package_name }}.security import passwords
from tests.conftest import PASSWORD, SECRET_KEY, empty_database

ALGORITHMS = ["argon2", "scrypt"]
PARAMETER_KEYS = (
    "ARGON2_TIME_COST",
    "ARGON2_MEMORY_COST",
    "ARGON2_PARALLELISM",
    "SCRYPT_N",
    "SCRYPT_R",
    "SCRYPT_P",
)
PRODUCTION_PARAMETERS = {key: getattr(BaseConfig, key) for key in PARAMETER_KEYS}
TEST = TestingConfig
# Cheap, but not the test defaults: a hash made with the test defaults is "older".
CURRENT_PARAMETERS = {
    "ARGON2_TIME_COST": TEST.ARGON2_TIME_COST + 1,
    "SCRYPT_N": TEST.SCRYPT_N * 2,
}
CURRENT_PREFIX = {
    "argon2": (
        f"$argon2id$v=19$m={TEST.ARGON2_MEMORY_COST},t={TEST.ARGON2_TIME_COST + 1},"
        f"p={TEST.ARGON2_PARALLELISM}$"
    ),
    "scrypt": f"scrypt:{TEST.SCRYPT_N * 2}:{TEST.SCRYPT_R}:{TEST.SCRYPT_P}$",
}

ARGON2_PARAMETERS = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$")


def cheap_argon2(password: str, kind: Type = Type.ID) -> str:
    return PasswordHasher(
        time_cost=TEST.ARGON2_TIME_COST,
        memory_cost=TEST.ARGON2_MEMORY_COST,
        parallelism=TEST.ARGON2_PARALLELISM,
        type=kind,
    ).hash(password)


def cheap_argon2id(password: str) -> str:
    return cheap_argon2(password)


def cheap_argon2i(password: str) -> str:
    return cheap_argon2(password, Type.I)


def cheap_scrypt(password: str) -> str:
    method = f"scrypt:{TEST.SCRYPT_N}:{TEST.SCRYPT_R}:{TEST.SCRYPT_P}"
    return generate_password_hash(password, method=method)


def cheap_pbkdf2(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


@pytest.fixture
def make_app(database_url):
    """A testing app with its own tables, hashing with `overrides`."""
    made = []

    def make(**overrides):
        app = create_app(
            {
                "APP_ENV": "testing",
                "SECRET_KEY": SECRET_KEY,
                "SQLALCHEMY_DATABASE_URI": database_url,
                **overrides,
            }
        )
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            empty_database()
            db.engine.dispose()


def hashing_app(algorithm: str, **parameters):
    """An app for hashing alone: its database is never opened."""
    return create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "PASSWORD_HASH": algorithm,
            **parameters,
        }
    )


def store_user(app, password_hash: str, email: str = "ada@example.com") -> None:
    """An account whose row holds `password_hash`, as an older release left it."""
    with app.app_context():
        db.session.add(User(email=email, password_hash=password_hash))
        db.session.commit()


def stored_hash(app, email: str = "ada@example.com") -> str:
    with app.app_context():
        return accounts.find_user(email).password_hash


def log_in(app, password: str, email: str = "ada@example.com") -> bool:
    with app.app_context():
        return accounts.authenticate(email, password) is not None


# -- production parameters ------------------------------------------------------------------


def test_argon2_stores_argon2id_at_production_parameters(make_app):
    app = make_app(PASSWORD_HASH="argon2", **PRODUCTION_PARAMETERS)
    with app.app_context():
        accounts.register("ada@example.com", PASSWORD)
    found = ARGON2_PARAMETERS.match(stored_hash(app))
    assert found, stored_hash(app)
    memory, time, parallelism = map(int, found.groups())
    assert memory >= 19456
    assert time >= 2
    assert parallelism >= 1


def test_scrypt_stores_owasp_parameters(make_app):
    app = make_app(PASSWORD_HASH="scrypt", **PRODUCTION_PARAMETERS)
    with app.app_context():
        accounts.register("ada@example.com", PASSWORD)
    stored = stored_hash(app)
    assert stored.startswith("scrypt:131072:8:1$")
    _method, salt, digest = stored.split("$")
    assert len(salt) >= 16
    assert digest


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_hash_made_with_test_parameters_is_upgraded_to_production_ones(make_app, algorithm):
    app = make_app(PASSWORD_HASH=algorithm, **PRODUCTION_PARAMETERS)
    with hashing_app(algorithm).app_context():
        old = passwords.hash_password(PASSWORD)
    store_user(app, old)

    assert log_in(app, PASSWORD)
    upgraded = stored_hash(app)
    if algorithm == "argon2":
        assert upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    else:
        assert upgraded.startswith("scrypt:131072:8:1$")
    with app.app_context():
        assert not passwords.needs_rehash(upgraded)


# -- salts, wrong passwords, malformed hashes -------------------------------------------------


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_the_same_password_hashes_differently_each_time(algorithm):
    with hashing_app(algorithm).app_context():
        first = passwords.hash_password(PASSWORD)
        second = passwords.hash_password(PASSWORD)
        assert first != second
        assert passwords.verify_password(first, PASSWORD)
        assert passwords.verify_password(second, PASSWORD)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize(
    "attempt",
    ["", "wrong password entirely", PASSWORD.upper(), PASSWORD + " ", PASSWORD[:-1]],
    ids=["empty", "other", "upper", "trailing-space", "prefix"],
)
def test_a_wrong_password_does_not_verify(algorithm, attempt):
    with hashing_app(algorithm).app_context():
        assert passwords.verify_password(passwords.hash_password(PASSWORD), attempt) is False


MALFORMED_HASHES = [
    "",
    "not a hash",
    PASSWORD,
    "$argon2id$garbage",
    "$argon2id$v=19$m=abc,t=1,p=1$c29tZXNhbHQ$aGFzaA",
    "$argon2x$v=19$m=8,t=1,p=1$c29tZXNhbHQ$aGFzaA",
    "scrypt:16:1:1",
    "scrypt:abc:8:1$salt$hash",
    "scrypt:16:1:1$salt$not-hex",
    "pbkdf2:sha256:x$salt$hash",
    "pbkdf2:sha999:1000$salt$hash",
    "md5$salt$hash",
    "$2b$12$abcdefghijklmnopqrstuuAbcdefghijklmnopqrstuvwxyz01234",
]


@pytest.mark.parametrize("malformed", MALFORMED_HASHES)
def test_a_malformed_hash_never_verifies_and_never_raises(malformed):
    with hashing_app("argon2").app_context():
        assert passwords.verify_password(malformed, PASSWORD) is False


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_login_against_a_malformed_stored_hash_fails_quietly(make_app, algorithm):
    app = make_app(PASSWORD_HASH=algorithm)
    store_user(app, "$argon2id$garbage")
    assert not log_in(app, PASSWORD)
    assert stored_hash(app) == "$argon2id$garbage"


# -- upgrades of old hashes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "old_hash"),
    [
        pytest.param("argon2", cheap_argon2id, id="argon2-cheaper"),
        pytest.param("scrypt", cheap_scrypt, id="scrypt-cheaper"),
        pytest.param("argon2", cheap_scrypt, id="argon2-from-scrypt"),
        pytest.param("scrypt", cheap_argon2id, id="scrypt-from-argon2"),
        pytest.param("argon2", cheap_argon2i, id="argon2-from-argon2i"),
        pytest.param("argon2", cheap_pbkdf2, id="argon2-from-pbkdf2"),
        pytest.param("scrypt", cheap_pbkdf2, id="scrypt-from-pbkdf2"),
    ],
)
def test_an_old_hash_verifies_and_is_upgraded_on_the_next_login(make_app, algorithm, old_hash):
    app = make_app(PASSWORD_HASH=algorithm, **CURRENT_PARAMETERS)
    old = old_hash(PASSWORD)
    store_user(app, old)

    assert log_in(app, PASSWORD)
    upgraded = stored_hash(app)
    assert upgraded != old
    assert upgraded.startswith(CURRENT_PREFIX[algorithm])

    # The new hash works, and a current hash is not re-made on every login.
    assert log_in(app, PASSWORD)
    assert stored_hash(app) == upgraded


@pytest.mark.parametrize(
    ("algorithm", "old_hash"),
    [
        pytest.param("argon2", cheap_argon2id, id="argon2-cheaper"),
        pytest.param("scrypt", cheap_scrypt, id="scrypt-cheaper"),
        pytest.param("argon2", cheap_pbkdf2, id="argon2-from-pbkdf2"),
    ],
)
def test_a_failed_login_leaves_an_old_hash_alone(make_app, algorithm, old_hash):
    app = make_app(PASSWORD_HASH=algorithm, **CURRENT_PARAMETERS)
    old = old_hash(PASSWORD)
    store_user(app, old)
    assert not log_in(app, "not the password at all")
    assert stored_hash(app) == old


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_a_deactivated_account_keeps_its_old_hash(make_app, algorithm):
    app = make_app(PASSWORD_HASH=algorithm, **CURRENT_PARAMETERS)
    old = cheap_pbkdf2(PASSWORD)
    store_user(app, old)
    with app.app_context():
        accounts.deactivate(accounts.find_user("ada@example.com"))
    assert not log_in(app, PASSWORD)
    assert stored_hash(app) == old


# -- Unicode normalisation ------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize(
    ("set_as", "typed_as"),
    [
        pytest.param("office file drawer 42", "o\ufb03ce \ufb01le drawer 42", id="ligature-typed"),
        pytest.param("o\ufb03ce \ufb01le drawer 42", "office file drawer 42", id="ligature-set"),
        pytest.param("room 4217 key", "room \uff14\uff12\uff11\uff17 key", id="full-width"),
        pytest.param(
            unicodedata.normalize("NFC", "crème brûlée"),
            unicodedata.normalize("NFD", "crème brûlée"),
            id="decomposed",
        ),
    ],
)
def test_compatibility_characters_verify_as_their_plain_form(algorithm, set_as, typed_as):
    assert set_as != typed_as
    with hashing_app(algorithm).app_context():
        assert passwords.verify_password(passwords.hash_password(set_as), typed_as)


def test_log_in_with_a_password_typed_on_another_keyboard(make_user, app):
    set_as = unicodedata.normalize("NFC", "crème brûlée harbour 77 tides")
    make_user(password=set_as)
    typed_as = unicodedata.normalize("NFD", set_as)
    assert typed_as != set_as
    with app.app_context():
        assert accounts.authenticate("ada@example.com", typed_as) is not None


# -- weak_parameters -------------------------------------------------------------------------


def argon2_config(**changes):
    return {"PASSWORD_HASH": "argon2", **PRODUCTION_PARAMETERS, **changes}


def scrypt_config(n: int, r: int, p: int):
    return {"PASSWORD_HASH": "scrypt", "SCRYPT_N": n, "SCRYPT_R": r, "SCRYPT_P": p}


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(argon2_config(), id="argon2-default"),
        pytest.param(
            argon2_config(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=19456, ARGON2_PARALLELISM=1),
            id="argon2-owasp-floor",
        ),
        pytest.param(scrypt_config(2**17, 8, 1), id="scrypt-2^17-p1"),
        pytest.param(scrypt_config(2**16, 8, 2), id="scrypt-2^16-p2"),
        pytest.param(scrypt_config(2**15, 8, 3), id="scrypt-2^15-p3"),
        pytest.param(scrypt_config(2**14, 8, 5), id="scrypt-2^14-p5"),
        pytest.param(scrypt_config(2**13, 8, 10), id="scrypt-2^13-p10"),
        pytest.param(scrypt_config(2**18, 8, 1), id="scrypt-2^18-p1"),
    ],
)
def test_parameters_at_or_above_owasp_are_accepted(config):
    assert passwords.weak_parameters(config) is None


@pytest.mark.parametrize(
    ("config", "named"),
    [
        pytest.param(argon2_config(ARGON2_MEMORY_COST=19455), "ARGON2_MEMORY_COST", id="m"),
        pytest.param(argon2_config(ARGON2_MEMORY_COST=8), "ARGON2_MEMORY_COST", id="m-test"),
        pytest.param(argon2_config(ARGON2_TIME_COST=1), "ARGON2_TIME_COST", id="t"),
        pytest.param(argon2_config(ARGON2_PARALLELISM=0), "ARGON2_PARALLELISM", id="p"),
        pytest.param(scrypt_config(2**15, 8, 1), "SCRYPT_N", id="scrypt-werkzeug-default"),
        pytest.param(scrypt_config(2**15, 8, 2), "SCRYPT_N", id="scrypt-2^15-p2"),
        pytest.param(scrypt_config(2**16, 8, 1), "SCRYPT_N", id="scrypt-2^16-p1"),
        pytest.param(scrypt_config(2**13, 8, 9), "SCRYPT_N", id="scrypt-2^13-p9"),
        pytest.param(scrypt_config(2**17, 4, 1), "SCRYPT_R", id="scrypt-r4"),
        pytest.param(scrypt_config(2**4, 1, 1), "SCRYPT_N", id="scrypt-test"),
    ],
)
def test_parameters_below_owasp_are_refused(config, named):
    problem = passwords.weak_parameters(config)
    assert problem
    assert named in problem
