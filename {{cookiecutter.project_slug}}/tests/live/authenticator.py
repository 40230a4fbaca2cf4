"""A second factor as its owner holds it: an authenticator app on the real clock, and the
recovery codes they printed.

The live servers read a code against the real time, and take each 30-second step's
code once (the replay guard, in the database every instance shares). A person whose
code has just been used waits for the next one; a test does not wait: once this step's
code is spent, it types a recovery code, which is what they are for.

The app is pyotp with an authenticator's defaults (6 digits, 30 s, SHA-1), not the
package's security/totp.py, whose clock the fast layer's `totp_clock` fixture points at
a fake one for every test, these included.
"""

import time
from collections.abc import Iterable

import pyotp


class SecondFactor:
    def __init__(self, secret: str, recovery_codes: Iterable[str] = ()) -> None:
        self.app = pyotp.TOTP(secret)
        self.recovery_codes = list(recovery_codes)
        self._spent_step: int | None = None

    @classmethod
    def from_page(cls, shown: str) -> "SecondFactor":
        """The factor of a secret as the setup page shows it: in groups, to type by hand."""
        return cls("".join(shown.split()))

    def code(self) -> str:
        """A code the servers take: the app's, or a recovery code if the app's is spent."""
        step = int(time.time() // self.app.interval)
        if self._spent_step is None or step > self._spent_step:
            self._spent_step = step
            return self.app.generate_otp(step)
        assert self.recovery_codes, "no recovery code left: fewer logins per test, please"
        return self.recovery_codes.pop()

    @property
    def spent_code(self) -> str:
        """The app's code last used: what someone who watched it typed could replay."""
        assert self._spent_step is not None, "no code of the app's used yet"
        return self.app.generate_otp(self._spent_step)
