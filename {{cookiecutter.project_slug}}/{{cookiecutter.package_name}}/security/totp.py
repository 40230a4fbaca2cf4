"""Time-based one-time passwords (RFC 6238), as every authenticator app makes them.

Six digits, a new code every 30 seconds, HMAC-SHA1: the parameters apps assume when an
otpauth:// URI leaves them out, so every app shows the right code. A code is accepted in
its own 30-second step and one step either side (a phone's clock is rarely exact, and a
code typed at the end of its step arrives in the next), never two steps away. Which
step a code matched is returned, so that the caller can refuse that step, and every
earlier one, from then on: a code is good once (RFC 6238, section 5.2).
"""

import base64
import hmac
import secrets
import time

import pyotp

DIGITS = 6
STEP_SECONDS = 30
# Steps accepted either side of the current one.
DRIFT_STEPS = 1


def new_secret() -> str:
    """A fresh secret: 160 random bits (RFC 4226's recommendation), in base32."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def now() -> float:
    """The clock codes are read against (seconds since the epoch); tests move it."""
    return time.time()


def current_step() -> int:
    return int(now() // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def matching_step(secret: str, code: str, *, after: int | None = None) -> int | None:
    """The step within DRIFT_STEPS of now whose code `code` is, if later than `after`."""
    if not is_code_shaped(code):
        return None
    generator = pyotp.TOTP(secret)
    current = current_step()
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        # In constant time: how much of a code matched says nothing.
        if hmac.compare_digest(generator.generate_otp(step), code):
            return step
    return None


def is_code_shaped(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()
