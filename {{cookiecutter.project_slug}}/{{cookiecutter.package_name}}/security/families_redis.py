"""Login families in Redis: keys that expire exactly when the family would.

For each family (named by a hash of its id) two keys, both expiring at the family's
absolute end (the `fexp` claim, which every refresh token's `exp` equals):
``<prefix>family:<hash>`` holds the current and previous refresh jti for rotation, and
``<prefix>revoked:<hash>`` exists once the family is revoked. A protected request costs
one Redis round trip (EXISTS) and one SQL statement (the user), overlapped. If Redis
cannot be reached, requests fail closed with 503.
"""

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import redis
from flask import Flask, current_app

from ..errors import error_response
from ..health import add_readiness_check
from ..models.user import User
from .identity import Identity, active_user

ROTATES = True
ROTATED = "rotated"
CONCURRENT = "concurrent"
REFUSED = "refused"
# Refusals when the store cannot be asked: fail closed (`_unavailable`).
STORE_UNAVAILABLE = "revocation_store_unavailable"
UNAVAILABLE: dict[int, tuple[str, ...]] = {503: (STORE_UNAVAILABLE,)}

# Compare-and-set in one atomic step: of two concurrent refreshes with the same token
# only one finds it current. KEYS: family, revoked. ARGV: presented jti, next jti,
# now (ms), grace (ms; 0 disables it), family end (unix time, seconds).
_ROTATE = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 'refused' end
local current = redis.call('HGET', KEYS[1], 'current')
if not current then return 'refused' end
if current == ARGV[1] then
  redis.call('HSET', KEYS[1], 'current', ARGV[2], 'previous', ARGV[1], 'rotated_at', ARGV[3])
  return 'rotated'
end
local previous = redis.call('HGET', KEYS[1], 'previous')
local rotated_at = tonumber(redis.call('HGET', KEYS[1], 'rotated_at') or '0')
local grace = tonumber(ARGV[4])
if grace > 0 and previous == ARGV[1] and tonumber(ARGV[3]) - rotated_at <= grace then
  return 'concurrent'
end
redis.call('SET', KEYS[2], '1')
redis.call('EXPIREAT', KEYS[2], ARGV[5])
return 'refused'
"""


class RevocationStoreUnavailable(Exception):
    """Redis could not be asked; no token is accepted without an answer."""


def init_app(app: Flask) -> None:
    app.extensions["revocation_redis"] = redis.Redis.from_url(
        app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=2
    )
    app.register_error_handler(RevocationStoreUnavailable, _unavailable)
    add_readiness_check(app, "revocation_store", lambda: _client().ping())


def start(user: User, family: str, refresh_jti: str, ends_at: datetime, *, with_mfa: bool) -> None:
    key = _key("family", family)
    with _store() as client:
        pipe = client.pipeline()
        pipe.hset(key, mapping={"current": refresh_jti})
        pipe.expireat(key, int(ends_at.timestamp()))
        pipe.execute()


def load_user(claims: dict[str, Any]) -> Identity | None:
    # The EXISTS goes out first and its answer is read once the SQL statement has run:
    # Redis answers while the database does, so the round trip costs only what the
    # statement does not already cover.
    with _store() as client, _sent(client, "EXISTS", _key("revoked", claims["fam"])) as reply:
        user = active_user(int(claims["sub"]), claims["ver"])
        revoked = reply()
    return None if revoked else user


def rotate(claims: dict[str, Any], next_jti: str, grace_seconds: int) -> str:
    keys = [_key("family", claims["fam"]), _key("revoked", claims["fam"])]
    now_ms = int(time.time() * 1000)
    args = [claims["jti"], next_jti, now_ms, grace_seconds * 1000, claims["fexp"]]
    with _store() as client:
        outcome = client.eval(_ROTATE, 2, *keys, *args)
    return outcome.decode() if isinstance(outcome, bytes) else outcome


def revoke(claims: dict[str, Any]) -> None:
    # The revocation must outlive every token of the family, and no longer.
    ends_at = int(claims["fexp"])
    if ends_at <= time.time():
        return
    with _store() as client:
        client.set(_key("revoked", claims["fam"]), "1", exat=ends_at)


def _key(kind: str, family: str) -> str:
    prefix = current_app.config["REDIS_KEY_PREFIX"]
    return f"{prefix}{kind}:{hashlib.sha256(family.encode()).hexdigest()}"


def _client() -> redis.Redis:
    return current_app.extensions["revocation_redis"]


@contextmanager
def _sent(client: redis.Redis, *command: str) -> Iterator[Callable[[], Any]]:
    """Send `command` on one of the client's pooled connections; yield its reply's reader."""
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        connection.send_command(*command)
        yield connection.read_response
    except BaseException:
        # The reply may still be unread: nobody else may read it as theirs.
        connection.disconnect()
        raise
    finally:
        pool.release(connection)


class _store:
    """The app's Redis client; any Redis failure becomes RevocationStoreUnavailable."""

    def __enter__(self) -> redis.Redis:
        return _client()

    def __exit__(self, kind, error, _traceback) -> None:
        if isinstance(error, redis.RedisError):
            current_app.logger.error("revocation store unavailable: %r", error)
            raise RevocationStoreUnavailable(str(error)) from error


def _unavailable(_error: RevocationStoreUnavailable):
    message = "Tokens cannot be checked right now; try again shortly."
    return error_response(503, STORE_UNAVAILABLE, message)
