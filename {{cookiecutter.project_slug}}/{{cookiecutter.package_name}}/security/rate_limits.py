"""Rate limits on the endpoints that guess or spend: login, registration, password reset,
verification mail, re-authentication and (JSON API) token refresh.

Each is limited twice: per client address, against one machine hammering many
accounts, and per target account (the normalised email in the body), against a botnet
spreading guesses for one account over many addresses. The address is
`request.remote_addr`, which ProxyFix resolves from TRUSTED_PROXY_COUNT; the raw
X-Forwarded-For is never read, or a client could pick a fresh "address" per request.

Limits are Flask-Limiter strings in the config (RATELIMIT_LOGIN, ...). The counters
live in RATELIMIT_STORAGE_URI: `memory://` is per process, so behind several workers
each keeps its own count (production logs a warning); use Redis there. Left unset, it is
REDIS_URL when the app has one (the Redis revocation backend), else `memory://`. A
store that cannot be reached fails closed, as the revocation store does: the limited
endpoints answer 503 `rate_limit_store_unavailable` within seconds, never a 500 or an
unlimited login.
"""

from collections.abc import Callable

from flask import Flask, current_app, g, request
from flask.globals import request_ctx
from flask_limiter import RateLimitExceeded, RequestLimit
from limits.errors import StorageError

from .. import audit
from ..errors import error_response
from ..extensions import limiter
from ..health import add_readiness_check
from ..models.user import normalise_email


def init_app(app: Flask) -> None:
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        # Unset: the Redis the bake already uses, else per-process memory.
        app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    _bound_store_failures(app)
    hooks_before = _request_hooks(app)
    limiter.init_app(app)
    if not _has_app_wide_limits(app):
        _hook_limited_requests_only(app, hooks_before)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_error_handler(StorageError, _store_unavailable)
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        if app.config["APP_ENV"] == "production":
            app.logger.warning(PER_PROCESS_WARNING)
    else:
        add_readiness_check(app, "rate_limit_store", lambda: limiter.storage.check())


# Flask-Limiter settings that apply limits to every view (none are set by this app).
_APP_WIDE_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")

# Not refused: one process is a valid deployment, and only the operator knows how many
# processes share the traffic. But nobody should run several without being told.
PER_PROCESS_WARNING = (
    "RATELIMIT_STORAGE_URI is memory://: every worker process counts on its own, so N "
    "processes allow N times each limit. Point it at Redis (redis://host:6379/0) when "
    "more than one process serves this app."
)


def _bound_store_failures(app: Flask) -> None:
    # limits raises the driver's own errors unless asked to wrap them in StorageError,
    # the one exception the handler below can name; and a Redis without timeouts would
    # hold a request for as long as TCP waits on a dead host.
    uri = app.config["RATELIMIT_STORAGE_URI"]
    if uri.startswith("memory://"):
        return
    options = {"wrap_exceptions": True}
    if uri.startswith(("redis://", "rediss://", "unix://")):
        options |= {"socket_connect_timeout": 2, "socket_timeout": 2}
    app.config["RATELIMIT_STORAGE_OPTIONS"] = {
        **options,
        **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}),
    }


def _request_hooks(app: Flask) -> dict[str, list[Callable]]:
    return {
        "before": list(app.before_request_funcs.get(None, ())),
        "after": list(app.after_request_funcs.get(None, ())),
        "teardown": list(app.teardown_request_funcs.get(None, ())),
    }


def _has_app_wide_limits(app: Flask) -> bool:
    # Default, application, meta and blueprint limits are the ones Flask-Limiter checks
    # in its before_request pass; a view's own limits it checks in the view's wrapper.
    # An attribute a later Flask-Limiter lacks counts as "there are some".
    manager = limiter.limit_manager
    return bool(
        any(app.config.get(key) for key in _APP_WIDE_LIMITS)
        or manager.default_limits
        or manager.application_limits
        or getattr(limiter, "_meta_limits", True)
        or getattr(manager, "_blueprint_limits", True)
    )


def _hook_limited_requests_only(app: Flask, hooks_before: dict[str, list[Callable]]) -> None:
    """Keep Flask-Limiter's per-request hooks off the requests that no limit applies to.

    With no app-wide limit, every limit is a view's own (`limited`, or `limiter.limit`
    directly), checked in that view's wrapper. So the before_request pass, which looks
    only for app-wide limits, goes; and the after_request (failures-only deductions,
    Retry-After) and teardown hooks run only for requests in which Flask-Limiter took
    part, instead of on every request of every view.
    """
    added = {
        kind: [fn for fn in hooks if fn not in hooks_before[kind]]
        for kind, hooks in _request_hooks(app).items()
    }
    for hook in added["before"]:
        app.before_request_funcs[None].remove(hook)
    after, teardown = app.after_request_funcs[None], app.teardown_request_funcs[None]
    for hook in added["after"]:
        after[after.index(hook)] = _after_limited_request(hook)
    for hook in added["teardown"]:
        teardown[teardown.index(hook)] = _teardown_limited_request(hook)


def _limiter_took_part() -> bool:
    # Flask-Limiter 4 keeps its per-request state on the request context, made the first
    # time it checks a limit in that request (flask-limiter is pinned below 5).
    return hasattr(request_ctx, "_limiter_request_context")


def _after_limited_request(hook: Callable) -> Callable:
    def after_limited_request(response):
        return hook(response) if _limiter_took_part() else response

    return after_limited_request


def _teardown_limited_request(hook: Callable) -> Callable:
    def teardown_limited_request(error):
        if _limiter_took_part():
            hook(error)

    return teardown_limited_request


def client_ip() -> str:
    return f"ip:{request.remote_addr or 'unknown'}"


def account_key(email: str) -> str:
    return f"account:{normalise_email(email)[:254]}"


def target_account() -> str:
    """The account a request aims at, from a form field or a JSON body named `email`."""
    email = request.form.get("email")
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("email"), str):
            email = body["email"]
    if email is None:
        return client_ip()  # no account named: the address limit is all there is
    return account_key(email)


def limited(
    config_key: str, *, failures_only: bool = False, account: Callable[[], str] = target_account
) -> Callable:
    """Limit a view by client address and by target account, at config[config_key].

    `account` names the target account's key, e.g. the logged-in user for a view
    whose form has no email field.

    Every view limited by one setting draws on one budget (a shared limit): hybrid's
    /admin/login and /api/v1/auth/login, or the pages' and the API's code forms, count
    their attempts on an account together, so two doors never grant twice the guesses.

    With `failures_only`, only the client's refusals (4xx) count: a person who logs in
    correctly every time is never locked out by their own successes, and a 5xx is this
    service failing, not the client (a 503 for a store that is down must not go on to
    write to that store).
    """

    def limit() -> str:
        return current_app.config[config_key]

    deduct = _is_failure if failures_only else None
    scope = config_key.removeprefix("RATELIMIT_").lower()

    def decorate(view: Callable) -> Callable:
        for key_func, kind in ((client_ip, "ip"), (account, "account")):
            view = limiter.shared_limit(
                limit,
                scope=f"{scope}-{kind}",
                key_func=key_func,
                methods=["POST"],
                deduct_when=deduct,
                on_breach=_audit_breach,
            )(view)
        return view

    return decorate


def not_a_failure() -> None:
    """Have the failures-only limits leave this request's 4xx answer uncounted: the answer
    to a correct password whose login takes a second step (api/two_factor.py) is a refusal
    in form only. Guessing the codes of that step has limits of its own."""
    g.limit_not_a_failure = True


def _is_failure(response) -> bool:
    return 400 <= response.status_code < 500 and not g.get("limit_not_a_failure", False)


def _audit_breach(limit: RequestLimit) -> None:
    kind = "account" if "account:" in limit.key else "ip"
    audit.event("rate_limit_exceeded", endpoint=request.endpoint, limited_by=kind)


# The `error` codes of its answers, named once for whoever documents or checks them.
RATE_LIMITED = "rate_limited"
STORE_UNAVAILABLE = "rate_limit_store_unavailable"


def _rate_limited(error: RateLimitExceeded):
    message = "Too many attempts. Please wait a little and try again."
    return error_response(429, RATE_LIMITED, message)


def _store_unavailable(error: StorageError):
    current_app.logger.error("rate-limit store unavailable: %r", error.storage_error)
    message = "This service cannot check its rate limits just now. Please try again shortly."
    return error_response(503, STORE_UNAVAILABLE, message)
