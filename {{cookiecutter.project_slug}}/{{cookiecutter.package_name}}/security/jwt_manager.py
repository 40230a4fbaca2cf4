"""Flask-JWT-Extended's manager, made to refuse tokens that lack a required claim.

Flask-JWT-Extended fills in a missing `type` (as "access"), `jti` and `fresh` before
any loader sees the claims, so a loader cannot tell a token that omitted them. This
subclass checks the claims as they were signed, then lets the normal checks run.
"""

from typing import Any

import jwt as pyjwt
from flask_jwt_extended import JWTManager
from flask_jwt_extended.exceptions import JWTDecodeError

# Every token this app issues carries these; anything else was not made here.
REQUIRED_CLAIMS = ("exp", "iat", "jti", "type", "iss", "aud", "sub", "fam", "ver", "fexp")


class StrictJWTManager(JWTManager):
    def _decode_jwt_from_config(
        self, encoded_token: str, csrf_value: Any = None, allow_expired: bool = False
    ) -> dict:
        claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        # The signature was verified just above; this only reads what was signed.
        signed = pyjwt.decode(encoded_token, options={"verify_signature": False})
        missing = [claim for claim in REQUIRED_CLAIMS if signed.get(claim) is None]
        if missing:
            raise JWTDecodeError(f"Missing claims: {', '.join(missing)}")
        return claims
