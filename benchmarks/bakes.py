"""Bake each combination, start it as production would, and prepare its timed requests.

Every bake gets a package name of its own (`bench_hybrid_database`, ...), so all of
them import side by side in one process. Each app is created with `APP_ENV=production`
and the settings a deployment gives it: random secrets, a SQLite file (the app's
sqlite.py puts it in WAL mode), the real Redis for the redis blocklist, an https
PUBLIC_BASE_URL, and the production password-hash parameters (nothing lowers them).
The only settings changed from production are the login and refresh rate limits, made
generous so that the login and refresh rows can run hundreds of times (the limit is
still checked on every call: only its number changes).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

import redis
from flask import Flask, jsonify
from sqlalchemy import text

# isort: split
import references
from harness import (
    BASE_URL,
    ENVIRON_BASE,
    Answer,
    BenchError,
    Target,
    WsgiCall,
    cookie_header,
    status_of,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
import options  # noqa: E402 - the template's own table of valid combinations

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
PASSWORD = "plum tractor velvet sonnet 1987"
WRONG_PASSWORD = "copper meadow lantern 4412 drift"
KNOWN_EMAIL = "ada@example.com"
UNKNOWN_EMAIL = "nobody-here@example.com"
GENEROUS_LIMIT = "1000000 per minute"
CSRF_INPUT = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')

API = "/api/v1/auth"
# Hybrid's operators' panel has no JSON endpoint of its own; the benchmark mounts one
# behind the panel's own `admin_required()` gate (unless the bake already serves it).
ADMIN_CHECK_PATH = "/admin/me"

# Where a browser logs in, and its protected JSON check, per mode with sessions.
BROWSER_PAGES = {
    "session": ("/auth/login", "/auth/me"),
    "hybrid": ("/admin/login", ADMIN_CHECK_PATH),
}

# Ratio to the bare route that each row should stay under.
SESSION_ME_TARGET = {"session": 3.5, "hybrid": 3.5}
API_ME_TARGET = {"database": 5.0, "redis": 6.0, "none": 4.5}
HEALTHZ_TARGET = {"session": 1.5, "hybrid": 1.5, "jwt_header": 1.2, "jwt_cookie": 1.2}


@dataclass
class Bake:
    combination: dict[str, str]
    project_dir: Path
    bake_seconds: float
    app: Flask | None = None
    # Redis keys of this bake start with this (revocation and rate-limit counters).
    redis_prefix: str | None = None
    # The known user's unused recovery codes, where the role requires a second factor: each
    # login of the benchmark completes its second step with one (a code of the app would
    # be good once per 30 seconds).
    recovery_codes: list[str] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return options.combination_id(self.combination)

    @property
    def mode(self) -> str:
        return self.combination["auth_mode"]

    @property
    def blocklist(self) -> str | None:
        if options.applies("jwt_blocklist", self.combination):
            return self.combination["jwt_blocklist"]
        return None

    @property
    def label(self) -> str:
        return label_of(self.combination)

    @property
    def package(self) -> str:
        return package_of(self.combination)


def label_of(combination: dict[str, str]) -> str:
    """`session`, `hybrid/redis`, ...: what tells the bakes apart here (all are SQLite)."""
    if options.applies("jwt_blocklist", combination):
        return f"{combination['auth_mode']}/{combination['jwt_blocklist']}"
    return combination["auth_mode"]


def package_of(combination: dict[str, str]) -> str:
    """A package name of its own per bake, so that every bake imports into one process."""
    return "bench_" + label_of(combination).replace("/", "_")


def benchmarked_combinations() -> list[dict[str, str]]:
    """Every mode x blocklist, on SQLite with argon2 (10 combinations)."""
    return [
        c
        for c in options.combinations()
        if c["database"] == "sqlite" and c["password_hash"] == "argon2"
    ]


def bake(combination: dict[str, str], out_dir: Path) -> Bake:
    """A real `cookiecutter --no-input` run, timed; cookiecutter's replay files stay in out_dir."""
    package = package_of(combination)
    slug = package.replace("_", "-")
    config = out_dir / "cookiecutter-config.yaml"
    if not config.exists():
        config.write_text(
            f"cookiecutters_dir: {json.dumps(str(out_dir / 'cookiecutters'))}\n"
            f"replay_dir: {json.dumps(str(out_dir / 'replay'))}\n"
        )
    answers = {**combination, "project_slug": slug, "package_name": package}
    args = [sys.executable, "-m", "cookiecutter", "--no-input", str(ROOT), "-o", str(out_dir)]
    args += ["--config-file", str(config), *(f"{k}={v}" for k, v in answers.items())]
    started = perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = perf_counter() - started
    if proc.returncode != 0:
        raise BenchError(f"baking {label_of(combination)} failed:\n{proc.stdout}\n{proc.stderr}")
    return Bake(combination, out_dir / slug, seconds)


def start(bake: Bake, work_dir: Path, run_tag: str) -> None:
    """Import the bake, create its production app, its tables and its one user."""
    sys.path.insert(0, str(bake.project_dir))
    package = importlib.import_module(bake.package)
    overrides: dict[str, Any] = {
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "MFA_ENCRYPTION_KEY": secrets.token_urlsafe(48),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work_dir / (bake.package + '.sqlite3')}",
        "PUBLIC_BASE_URL": "https://bench.example.com",
        "MAIL_DEFAULT_SENDER": "bench@example.com",
        "RATELIMIT_LOGIN": GENEROUS_LIMIT,
    }
    if bake.mode != "session":
        overrides["JWT_SECRET_KEY"] = secrets.token_urlsafe(48)
        overrides["RATELIMIT_REFRESH"] = GENEROUS_LIMIT
    if bake.blocklist == "redis":
        bake.redis_prefix = f"{run_tag}-{bake.package}"
        overrides["REDIS_URL"] = REDIS_URL
        overrides["REDIS_KEY_PREFIX"] = f"{bake.redis_prefix}:"
        overrides["RATELIMIT_KEY_PREFIX"] = bake.redis_prefix
    app = package.create_app(overrides)
    if bake.mode == "hybrid":
        _serve_admin_check(app, bake.package)
    accounts = importlib.import_module(f"{bake.package}.accounts")
    db = importlib.import_module(f"{bake.package}.extensions").db
    with app.app_context():
        db.create_all()
        roles = ("admin",) if bake.mode == "hybrid" else ()
        user = accounts.register(KNOWN_EMAIL, PASSWORD, roles=roles)
        if roles:
            # An operator needs a second factor (MFA_REQUIRED_ROLES): set up as its owner would.
            bake.recovery_codes = _set_up_factor(bake.package, user)
        journal = db.session.execute(text("PRAGMA journal_mode")).scalar()
        db.session.remove()
    if journal != "wal":
        raise BenchError(f"{bake.id}: SQLite journal_mode is {journal!r}, not WAL")
    bake.app = app
    bake.info = {
        "sqlite_journal_mode": journal,
        "password_hash": app.config["PASSWORD_HASH"],
        "argon2": {
            "time_cost": app.config["ARGON2_TIME_COST"],
            "memory_cost_kib": app.config["ARGON2_MEMORY_COST"],
            "parallelism": app.config["ARGON2_PARALLELISM"],
        },
        "rate_limit_storage": app.config["RATELIMIT_STORAGE_URI"].split(":", 1)[0],
    }


def stop(bake: Bake) -> None:
    """Close the bake's connections; delete its Redis keys."""
    if bake.app is None:
        return
    db = importlib.import_module(f"{bake.package}.extensions").db
    with bake.app.app_context():
        db.engine.dispose()
    store = bake.app.extensions.get("revocation_redis")
    if store is not None:
        store.close()
    if bake.redis_prefix is not None:
        client = redis.Redis.from_url(REDIS_URL)
        try:
            for key in client.scan_iter(match=f"*{bake.redis_prefix}*", count=1000):
                client.delete(key)
        finally:
            client.close()


def _set_up_factor(package: str, user: Any) -> list[str]:
    """Give `user` a TOTP factor, confirmed with a code of the moment; its recovery codes."""
    mfa = importlib.import_module(f"{package}.mfa")
    totp = importlib.import_module(f"{package}.security.totp")
    secret = mfa.begin_enrolment(user).secret
    return mfa.confirm_enrolment(user, totp.code_at(secret, totp.current_step()))


def _recovery_code(bake: Bake) -> str:
    if not bake.recovery_codes:
        raise BenchError(f"{bake.id}: a second step, and no recovery code left for it")
    return bake.recovery_codes.pop()


def _serve_admin_check(app: Flask, package: str) -> None:
    if any(rule.rule.rstrip("/") == ADMIN_CHECK_PATH for rule in app.url_map.iter_rules()):
        return
    from flask_login import current_user

    admin_required = importlib.import_module(f"{package}.admin.views").admin_required

    def admin_me():
        return jsonify(id=current_user.id, email=current_user.email, roles=current_user.roles)

    app.add_url_rule(ADMIN_CHECK_PATH, "bench_admin_me", admin_required()(admin_me))


# --- credentials (through the test client, once) ---------------------------------------


def _client(app: Flask):
    client = app.test_client()
    client.environ_base.update(ENVIRON_BASE)
    return client


def _login_form(app: Flask, page: str) -> tuple[Any, str]:
    """A browser that opened the login page: its client and the form's CSRF token."""
    client = _client(app)
    html = client.get(page, base_url=BASE_URL).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    if not match:
        raise BenchError(f"no csrf_token field on {page}")
    return client, match.group(1)


def _session_cookies(bake: Bake, client) -> dict[str, str]:
    assert bake.app is not None
    jar = {}
    for name in (bake.app.config["SESSION_COOKIE_NAME"], bake.app.config["REMEMBER_COOKIE_NAME"]):
        found = client.get_cookie(name)
        if found is not None:
            jar[name] = found.value
    return jar


def _same_site(page: str) -> dict[str, str]:
    # Over HTTPS, Flask-WTF also requires a same-origin Referer, which browsers send.
    return {"Referer": f"{BASE_URL}{page}"}


def browser_login(bake: Bake, page: str) -> dict[str, str]:
    """Log in through the login form as a browser does; its cookies."""
    assert bake.app is not None
    client, token = _login_form(bake.app, page)
    data = {"email": KNOWN_EMAIL, "password": PASSWORD, "csrf_token": token}
    response = client.post(page, data=data, base_url=BASE_URL, headers=_same_site(page))
    code_page = response.location or ""
    if response.status_code == 302 and "/mfa/verify" in code_page:
        # The code page's form: the password step began a new session, with a new token.
        html = client.get(code_page, base_url=BASE_URL).get_data(as_text=True)
        match = CSRF_INPUT.search(html)
        if not match:
            raise BenchError(f"no csrf_token field on {code_page}")
        data = {"code": _recovery_code(bake), "csrf_token": match.group(1)}
        headers = _same_site(code_page)
        response = client.post(code_page, data=data, base_url=BASE_URL, headers=headers)
    if response.status_code != 302:
        raise BenchError(f"{bake.id}: logging in at {page} answered {response.status_code}")
    jar = _session_cookies(bake, client)
    if not jar:
        raise BenchError(f"{bake.id}: no session cookie after logging in at {page}")
    return jar


def api_login(bake: Bake) -> tuple[dict[str, Any], dict[str, str]]:
    """POST /api/v1/auth/login; the JSON body and the cookies it set."""
    assert bake.app is not None
    client = _client(bake.app)
    response = client.post(
        f"{API}/login", json={"email": KNOWN_EMAIL, "password": PASSWORD}, base_url=BASE_URL
    )
    if response.status_code == 403 and response.get_json()["error"] == "mfa_required":
        second_step = {"mfa_token": response.get_json()["mfa_token"], "code": _recovery_code(bake)}
        response = client.post(f"{API}/mfa/verify", json=second_step, base_url=BASE_URL)
    if response.status_code != 200:
        raise BenchError(f"{bake.id}: API login answered {response.status_code}")
    answer = Answer(200, list(response.headers.items()), response.get_data())
    return response.get_json(), answer.set_cookies()


# --- what is timed -----------------------------------------------------------------------


def request_targets(bake: Bake) -> list[Target]:
    """The protected `me` request(s), /healthz and (JWT) token refresh of one bake."""
    app = bake.app
    assert app is not None
    targets = []

    def add(request: str, kind: str, call, target: float | None, reference: str | None = None):
        info = {"combination": bake.id, "bake": bake.label, "request": request, "kind": kind}
        info.update(target=target, reference=reference)
        targets.append(Target(f"{bake.label} {request}", call, info=info))

    if bake.mode in BROWSER_PAGES:
        login_page, me_path = BROWSER_PAGES[bake.mode]
        jar = browser_login(bake, login_page)
        me = WsgiCall(app, me_path, headers={"Cookie": cookie_header(jar)})
        add(f"GET {me_path}", "me", status_of(me), SESSION_ME_TARGET[bake.mode], references.LOGIN)
    if bake.mode != "session":
        assert bake.blocklist is not None
        tokens, token_cookies = api_login(bake)
        if bake.mode == "jwt_cookie":
            credentials = {"Cookie": cookie_header(token_cookies)}
        else:
            credentials = {"Authorization": f"Bearer {tokens['access_token']}"}
        me = WsgiCall(app, f"{API}/me", headers=credentials)
        add(f"GET {API}/me", "me", status_of(me), API_ME_TARGET[bake.blocklist], references.JWT)
    add("GET /healthz", "healthz", status_of(WsgiCall(app, "/healthz")), HEALTHZ_TARGET[bake.mode])
    if bake.mode != "session":
        refresh = _refresh_chain(bake, tokens, token_cookies)
        add(f"POST {API}/refresh", "refresh", refresh, None)
    return targets


def _refresh_chain(bake: Bake, tokens: dict[str, Any], jar: dict[str, str]):
    """Refresh calls, each presenting the refresh token the previous one returned.

    With rotation, a refresh token is good once: presenting it again would be taken for
    theft and end the login. So the chain follows the tokens the way a client does.
    """
    assert bake.app is not None
    if bake.mode == "jwt_cookie":
        call = WsgiCall(bake.app, f"{API}/refresh", method="POST")
        # __Host-csrf_refresh_token in production (config.py's ProductionConfig).
        csrf_cookie = bake.app.config["JWT_REFRESH_CSRF_COOKIE_NAME"]

        def present_cookies() -> None:
            call.set_header("Cookie", cookie_header(jar))
            call.set_header("X-CSRF-TOKEN", jar[csrf_cookie])

        present_cookies()

        def refresh_with_cookies() -> int:
            answer = call()
            if answer.status == 200:
                jar.update(answer.set_cookies())
                present_cookies()
            return answer.status

        return refresh_with_cookies

    call = WsgiCall(
        bake.app,
        f"{API}/refresh",
        method="POST",
        headers={"Authorization": f"Bearer {tokens['refresh_token']}"},
    )

    def refresh_with_header() -> int:
        answer = call()
        if answer.status == 200:
            rotated = answer.json().get("refresh_token")
            if rotated:  # none rotates nothing: the same refresh token goes on working
                call.set_header("Authorization", f"Bearer {rotated}")
        return answer.status

    return refresh_with_header


def login_pairs(bake: Bake) -> list[tuple[Target, Target]]:
    """(known email, unknown email) logins, both with a wrong password, per login surface.

    An attacker who does not know the password sees the same 401 for both; only the time
    could tell them which emails have accounts.
    """
    app = bake.app
    assert app is not None
    pages = [BROWSER_PAGES[bake.mode][0]] if bake.mode in BROWSER_PAGES else []
    pairs = []
    for page in pages:
        client, token = _login_form(app, page)
        cookies = cookie_header(_session_cookies(bake, client))
        calls = [
            WsgiCall(
                app,
                page,
                method="POST",
                headers={"Cookie": cookies, **_same_site(page)},
                data={"email": email, "password": WRONG_PASSWORD, "csrf_token": token},
            )
            for email in (KNOWN_EMAIL, UNKNOWN_EMAIL)
        ]
        pairs.append(_pair(bake, f"POST {page}", calls))
    if bake.mode != "session":
        calls = [
            WsgiCall(
                app,
                f"{API}/login",
                method="POST",
                json={"email": email, "password": WRONG_PASSWORD},
            )
            for email in (KNOWN_EMAIL, UNKNOWN_EMAIL)
        ]
        pairs.append(_pair(bake, f"POST {API}/login", calls))
    return pairs


def _pair(bake: Bake, request: str, calls: list[WsgiCall]) -> tuple[Target, Target]:
    info = {"combination": bake.id, "bake": bake.label, "request": request, "kind": "login"}
    known, unknown = (
        Target(f"{bake.label} {request} {side}", status_of(call), expected=401, info=info)
        for side, call in zip(("known", "unknown"), calls, strict=True)
    )
    return known, unknown


# --- the bake's own suite ----------------------------------------------------------------

PASSED = re.compile(r"(\d+) passed")


def run_suite(bake: Bake, env: dict[str, str]) -> dict[str, Any]:
    """The baked project's own (fast) suite, as a developer runs it: `pytest` in its root."""
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    started = perf_counter()
    proc = subprocess.run(
        args, cwd=bake.project_dir, env=env, capture_output=True, text=True, check=False
    )
    seconds = perf_counter() - started
    lines = proc.stdout.strip().splitlines()
    passed = PASSED.findall(proc.stdout)
    return {
        "seconds": round(seconds, 2),
        "exit_code": proc.returncode,
        "passed": int(passed[-1]) if passed else 0,
        "summary": lines[-1] if lines else proc.stderr.strip()[-300:],
    }
