"""Second factors in tests: a clock that moves one step per code, and accounts with a factor.

The app reads TOTP codes against `security.totp.now`, which the `totp_clock` fixture
(tests/conftest.py) points at CLOCK for every test. Each code made here moves the clock
on one 30-second step first, so the replay guard (a step's code is good once) never
refuses a test's honest second login, and no test waits for real time to pass.
"""

from dataclasses import dataclass

from flask import Flask

from {{ cookiecutter.package_name }} import accounts, mfa
from {{ cookiecutter.package_name }}.security import totp

# A fixed moment, so that codes do not depend on when the tests run.
START = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def move(self, steps: int) -> None:
        self.now += steps * totp.STEP_SECONDS


CLOCK = Clock()


@dataclass
class Factor:
    secret: str
    recovery_codes: list[str]


# This test's accounts with a factor, by email (the `totp_clock` fixture empties it).
FACTORS: dict[str, Factor] = {}


def next_code(secret: str) -> str:
    """The code an authenticator app shows one step from now (and the clock moves there)."""
    CLOCK.move(1)
    return totp.code_at(secret, totp.current_step())


def code_for(email: str) -> str:
    return next_code(FACTORS[email].secret)


def give_factor(app: Flask, email: str) -> Factor:
    """Set up a factor for `email`'s account, as its owner would (ends its logins)."""
    with app.app_context():
        user = accounts.find_user(email)
        assert user is not None, email
        email = user.email
        enrolment = mfa.begin_enrolment(user)
        codes = mfa.confirm_enrolment(user, next_code(enrolment.secret))
    FACTORS[email] = Factor(enrolment.secret, codes)
    return FACTORS[email]
