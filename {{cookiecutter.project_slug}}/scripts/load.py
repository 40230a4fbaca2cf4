"""A bounded load on this service's JSON API, on this machine, then a check that nothing was lost.

    python scripts/load.py http://127.0.0.1:8000 --seconds 10 --concurrency 8 --json load.json

First 20 registrations of one email race each other (in different letter cases); then
virtual users, `--concurrency` at a time, register, log in, write notes, refresh and log
out. No request is started after `--seconds` or once `--requests` (the race's included)
have been sent; a user holding a login then still logs out, once, so the load phase sends
at most `--requests` + `--concurrency` requests. The checks follow, with requests of their
own: every account it was told was created logs in, every note it was told was written
reads back unchanged, every token of a login ended by logout is refused (where logout
revokes), and exactly one racing registration won. They send one login (a password hash)
per account, one read per note and two requests per logout: at most twice the load's
requests.

The summary gives the requests, their statuses and, per operation, the p50/p95/p99
latency of the answers (429s and requests left unanswered aside). The exit status is 1
after any server error (5xx, or no answer), anything lost, a valid request refused, or a
check left incomplete: a 429 anywhere, or a load that wrote no note or ended no login.

Only loopback targets are accepted: an unbounded stream of registrations is not
something to point at a machine by a typing mistake. Loopback is not "not production":
a tunnel or port-forward passes this check. The run leaves its accounts and notes in the
database; point it at a scratch database. From one address the production rate limits
(10 registrations an hour) throttle a load within seconds: raise RATELIMIT_REGISTER,
RATELIMIT_LOGIN and RATELIMIT_REFRESH for the server under load, and run it with
REQUIRE_VERIFIED_EMAIL off (the run's accounts cannot verify their email, so every
login would be refused).

Standard library only: it runs with any Python 3.11+, the project installed or not.
"""

import argparse
import contextlib
import http.client
import ipaddress
import itertools
import json
import math
import re
import secrets
import socket
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any, NamedTuple
from urllib.parse import urlsplit

# Logout can end a login only where a revocation store remembers it (jwt_blocklist).
LOGOUT_REVOKES = {{ "False" if cookiecutter.jwt_blocklist == "none" else "True" }}
API = "/api/v1"
LOOPBACK_NAMES = ("127.0.0.1", "::1", "localhost")
RACERS = 20
NOTES_PER_LOGIN = 5  # with a refresh between two notes
TIMEOUT = 35  # just over gunicorn's 30 s worker timeout, so a stuck worker shows as its reset
THROTTLED = 429


class Refused(ValueError):
    """A target this script will not load."""


@dataclass(frozen=True)
class Target:
    address: str  # the loopback address connected to
    port: int
    prefix: str  # the path the service is mounted at, usually ""
    url: str


def loopback_target(url: str) -> Target:
    parts = urlsplit(url)

    def refuse(why: str) -> Refused:
        return Refused(f"refusing {url!r}: {why}")

    try:
        port = 80 if parts.port is None else parts.port
    except ValueError:
        raise refuse("its port is not a number up to 65535") from None
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_NAMES:
        raise refuse("only http:// on loopback (127.0.0.1, ::1, localhost) is loaded")
    if port == 0:
        raise refuse("port 0 is no server's port")
    if "@" in parts.netloc or parts.query or parts.fragment:
        raise refuse("give only the scheme, host, port and path: no user, query or fragment")
    if not re.fullmatch(r"[!-~]*", url):  # urlsplit() would drop a tab or a newline
        raise refuse("it has a space, or a character other than printable ASCII")
    prefix = parts.path.rstrip("/")
    if prefix.endswith(API):
        raise refuse(f"give the service's root: the script adds {API} itself")
    # "localhost" is whatever the resolver says: every answer must be loopback.
    found = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port)}
    if not found or not all(ipaddress.ip_address(a).is_loopback for a in found):
        raise refuse(f"{parts.hostname} resolves to {', '.join(sorted(found))}")
    return Target(sorted(found)[0], port, prefix, url)


class Stopped(Exception):
    """The load's time or request budget is spent, or the run was interrupted."""


class Budget:
    """Until the deadline, and at most `requests` requests, whichever comes first."""

    def __init__(self, seconds: float, requests: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.left = requests
        self.lock = threading.Lock()

    def take(self, requests: int = 1) -> None:
        with self.lock:
            if self.left < requests or time.monotonic() >= self.deadline:
                raise Stopped
            self.left -= requests

    def stop(self) -> None:
        with self.lock:
            self.left = 0


def in_parallel(concurrency: int, work, items, budget: Budget | None = None) -> list:
    """`work(item)` for every item, `concurrency` at a time: their results, in order.

    On Ctrl-C the items not started are dropped, and the budget is stopped so that the
    load's users, which loop until it is spent, end too.
    """
    with ThreadPoolExecutor(concurrency) as pool:
        try:
            return list(pool.map(work, items))
        except KeyboardInterrupt:
            if budget is not None:
                budget.stop()
            pool.shutdown(cancel_futures=True)
            raise


class Recorder:
    """Every request's status, and the latency of its answer, per phase and operation."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.operations: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        self.latencies: dict[str, list[float]] = defaultdict(list)  # load phase only
        self.refused: list[str] = []

    def record(self, phase: str, operation: str, status: int | None, seconds: float) -> None:
        with self.lock:
            self.operations[phase][operation][status] += 1
            # No answer, or a 429 turned away before any work: not the operation's cost.
            if phase == "load" and status not in (None, THROTTLED):
                self.latencies[operation].append(seconds * 1000)

    def statuses(self, phase: str) -> Counter:
        return sum(self.operations[phase].values(), Counter())

    def note(self, problem: str) -> None:
        with self.lock:
            self.refused.append(problem)


@dataclass
class Reply:
    status: int | None  # None: no answer at all (refused, reset, timed out)
    body: Any = None
    cookies: dict[str, str | None] = field(default_factory=dict)  # None: deleted

    @property
    def label(self) -> str:
        return "no answer" if self.status is None else str(self.status)

    def get(self, name: str) -> Any:
        """A member of the JSON object answered, or None."""
        return self.body.get(name) if isinstance(self.body, dict) else None


class Client:
    """One user of the API: its cookies, and its tokens when they travel in the body.

    Which transport the service uses shows in the login answer: tokens in its body
    (Authorization: Bearer), or only cookies, whose CSRF values a state change must
    echo in X-CSRF-TOKEN. Cookies marked Secure are kept and sent over loopback HTTP,
    as the TLS-terminating proxy in front of the service would see them.
    """

    def __init__(
        self, target: Target, recorder: Recorder, phase: str, budget: Budget | None = None
    ) -> None:
        self.target, self.recorder, self.phase, self.budget = target, recorder, phase, budget
        self.cookies: dict[str, str] = {}
        self.access_token: str | None = None
        self.refresh_token: str | None = None

    def copy(self, phase: str) -> "Client":
        """Another client holding the same credentials: a copy kept from before a logout."""
        twin = Client(self.target, self.recorder, phase)
        twin.cookies = dict(self.cookies)
        twin.access_token, twin.refresh_token = self.access_token, self.refresh_token
        return twin

    def send(
        self,
        operation: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        auth: str = "",
        budgeted: bool = True,
    ) -> Reply:
        """`auth` "access" or "refresh": which of its tokens the request presents."""
        if budgeted and self.budget is not None:
            self.budget.take()
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if auth:
            headers.update(self._credential(auth))
        started = time.perf_counter()
        reply = self._exchange(method, self.target.prefix + API + path, payload, headers)
        self.recorder.record(self.phase, operation, reply.status, time.perf_counter() - started)
        for name, value in reply.cookies.items():
            if value is None:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return reply

    def log_in(self, email: str, password: str, operation: str = "login") -> Reply:
        reply = self.send(operation, "POST", "/auth/login", {"email": email, "password": password})
        self._keep_tokens(reply)
        return reply

    def refresh(self, operation: str = "refresh") -> Reply:
        reply = self.send(operation, "POST", "/auth/refresh", auth="refresh")
        self._keep_tokens(reply)
        return reply

    def _credential(self, kind: str) -> dict[str, str]:
        if self.access_token is None:  # cookies: the double-submit value of that cookie
            csrf = next(
                (v for k, v in self.cookies.items() if k.endswith(f"csrf_{kind}_token")), ""
            )
            return {"X-CSRF-TOKEN": csrf}
        token = self.access_token if kind == "access" else self.refresh_token
        return {"Authorization": f"Bearer {token}"}

    def _keep_tokens(self, reply: Reply) -> None:
        if reply.status == 200 and reply.get("access_token"):
            self.access_token = reply.get("access_token")
            self.refresh_token = reply.get("refresh_token") or self.refresh_token

    def _exchange(self, method: str, path: str, payload, headers: dict[str, str]) -> Reply:
        # A connection per request: gunicorn's sync workers close every connection anyway.
        connection = http.client.HTTPConnection(
            self.target.address, self.target.port, timeout=TIMEOUT
        )
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            cookies = _cookies(response.headers.get_all("Set-Cookie") or [])
        except (OSError, http.client.HTTPException):
            return Reply(None)
        finally:
            connection.close()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        return Reply(response.status, body, cookies)


def _cookies(headers: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for header in headers:
        jar = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            continue
        for name, morsel in jar.items():
            found[name] = morsel.value or None  # a deleted cookie comes back empty
    return found


@dataclass
class Note:
    email: str
    note_id: int
    title: str
    body: str


@dataclass
class Claims:
    """What the service said it did: the claims the checks hold it to."""

    accounts: list[str] = field(default_factory=list)  # emails answered 201
    notes: list[Note] = field(default_factory=list)  # notes answered 201
    ended: list[tuple[str, Client]] = field(default_factory=list)  # logins logged out (200)

    def add(self, other: "Claims") -> None:
        self.accounts += other.accounts
        self.notes += other.notes
        self.ended += other.ended


def expect(recorder: Recorder, what: str, reply: Reply, *statuses: int) -> bool:
    """Whether `reply` has one of `statuses`; a refusal of a valid request is noted.

    Server errors and 429s are counted by the recorder, not noted here.
    """
    if reply.status in statuses:
        return True
    if reply.status is not None and reply.status < 500 and reply.status != THROTTLED:
        recorder.note(f"{what}: {reply.status} {reply.get('error') or ''}".rstrip())
    return False


def user_journey(user: Client, email: str, password: str, claims: Claims) -> None:
    """Register, log in, write notes with a refresh between two, log out."""
    recorder = user.recorder
    registered = user.send(
        "register", "POST", "/auth/register", {"email": email, "password": password}
    )
    if not expect(recorder, "register", registered, 201):
        return
    claims.accounts.append(email)
    if not expect(recorder, "login", user.log_in(email, password), 200):
        return
    try:
        if write_notes(user, email, claims):
            log_out(user, email, claims)
    except Stopped:
        # The load is over, but this user holds a login: it logs out, outside the budget,
        # so that even a short or slow run leaves logins whose end the checks verify.
        log_out(user, email, claims, budgeted=False)
        raise


def write_notes(user: Client, email: str, claims: Claims) -> bool:
    for number in range(NOTES_PER_LOGIN):
        if number and not expect(user.recorder, "refresh", user.refresh(), 200):
            return False
        title = f"note {number + 1} of {email}"
        # Beyond ASCII and over two lines, so a read-back compares more than plain bytes.
        body = f"écrit à {time.time():.6f} ✓\n{secrets.token_hex(8)}"
        written = user.send(
            "write note", "POST", "/notes", {"title": title, "body": body}, auth="access"
        )
        if not expect(user.recorder, "write note", written, 201):
            return False
        note_id = written.get("id")
        if not isinstance(note_id, int):
            user.recorder.note(f"write note: 201 without an id: {written.body!r}"[:200])
            return False
        claims.notes.append(Note(email, note_id, title, body))
    return True


def log_out(user: Client, email: str, claims: Claims, *, budgeted: bool = True) -> None:
    before = user.copy("check")
    reply = user.send("logout", "POST", "/auth/logout", auth="refresh", budgeted=budgeted)
    if expect(user.recorder, "logout", reply, 200):
        claims.ended.append((email, before))


def load(
    target: Target, recorder: Recorder, budget: Budget, concurrency: int, run: str, password: str
) -> Claims:
    def worker(number: int) -> Claims:
        claims = Claims()
        with contextlib.suppress(Stopped):
            for journey in itertools.count(1):
                user = Client(target, recorder, "load", budget)
                email = f"load-{run}-{number}-{journey}@example.com"
                user_journey(user, email, password, claims)
        return claims

    claims = Claims()
    for worker_claims in in_parallel(concurrency, worker, range(concurrency), budget):
        claims.add(worker_claims)
    return claims


def race(
    target: Target, recorder: Recorder, budget: Budget, run: str, password: str
) -> tuple[Counter, list[str]]:
    """RACERS registrations of one email, let go at the same moment, half in upper case.

    The statuses answered, and the spellings answered 201.
    """
    email = f"race-{run}@example.com"
    budget.take(RACERS)  # all at once: a racer short of budget would hold up the others
    start = threading.Barrier(RACERS)

    def racer(number: int) -> tuple[int | None, str]:
        spelling = email.upper() if number % 2 else email
        client = Client(target, recorder, "load")
        start.wait()
        reply = client.send(
            "race register", "POST", "/auth/register", {"email": spelling, "password": password}
        )
        expect(recorder, "race register", reply, 201, 409)
        return reply.status, spelling

    answers = in_parallel(RACERS, racer, range(RACERS))
    return Counter(status for status, _ in answers), [s for status, s in answers if status == 201]


class Checked(NamedTuple):
    """One account's check. A 429 leaves a part unchecked: neither fine nor lost."""

    logs_in: bool
    account_lost: list[str]
    notes_unchanged: int
    notes_lost: list[str]


def check_accounts_and_notes(
    target: Target, recorder: Recorder, claims: Claims, password: str, concurrency: int
) -> dict:
    """Log in to every created account; read back, with that login, every note it wrote."""
    notes_of: dict[str, list[Note]] = defaultdict(list)
    for note in claims.notes:
        notes_of[note.email].append(note)

    def check(email: str) -> Checked:
        client = Client(target, recorder, "check")
        logged_in = client.log_in(email, password, "check login")
        if logged_in.status != 200:
            lost = [] if logged_in.status == THROTTLED else [f"{email}: login {logged_in.label}"]
            return Checked(False, lost, 0, [])
        unchanged, lost = 0, []
        for note in notes_of[email]:
            read = client.send("check read note", "GET", f"/notes/{note.note_id}", auth="access")
            same = read.get("title") == note.title and read.get("body") == note.body
            if read.status == 200 and same:
                unchanged += 1
            elif read.status != THROTTLED:
                lost.append(f"note {note.note_id} of {email}: {read.label} {read.body!r}"[:300])
        return Checked(True, [], unchanged, lost)

    results = in_parallel(concurrency, check, claims.accounts)
    return {
        "accounts": {
            "created": len(claims.accounts),
            "log_in_afterwards": sum(checked.logs_in for checked in results),
            "lost": [item for checked in results for item in checked.account_lost],
        },
        "notes": {
            "written": len(claims.notes),
            "read_back_unchanged": sum(checked.notes_unchanged for checked in results),
            "lost": [item for checked in results for item in checked.notes_lost],
        },
    }


def check_logouts(recorder: Recorder, claims: Claims, concurrency: int) -> dict:
    """Every token of a login ended by logout is refused: its access and its refresh token."""
    if not LOGOUT_REVOKES:
        return {
            "logins_ended": len(claims.ended),
            "revokes": False,
            "note": (
                "not checked: without a revocation store (jwt_blocklist none) a logged-out "
                "token stays valid until it expires"
            ),
        }

    def check(ended: tuple[str, Client]) -> tuple[int, list[str]]:
        """How many of its two tokens are refused as revoked; the others, as lost."""
        email, stolen = ended
        access = stolen.send("check revoked access", "GET", "/auth/me", auth="access")
        refresh = stolen.refresh("check revoked refresh")
        refused, lost = 0, []
        for kind, reply in (("access", access), ("refresh", refresh)):
            # Refused as revoked: a 401 for another reason (a CSRF value, say) proves nothing.
            if reply.status == 401 and reply.get("error") == "token_revoked":
                refused += 1
            elif reply.status != THROTTLED:
                answer = f"{reply.label} {reply.get('error') or ''}".rstrip()
                lost.append(f"{kind} token of {email} after logout: {answer}")
        return refused, lost

    results = in_parallel(concurrency, check, claims.ended)
    return {
        "logins_ended": len(claims.ended),
        "revokes": True,
        "tokens_refused_afterwards": sum(refused for refused, _ in results),
        "lost": [item for _, lost in results for item in lost],
    }


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value at least `share` of them reach."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(share * len(ordered)) - 1)], 1)


def labelled(statuses: Counter) -> dict[str, int]:
    """Counts by status, in order, "no answer" first: the summary's (and JSON's) keys."""
    ordered = sorted(statuses.items(), key=lambda item: item[0] or 0)
    return {"no answer" if s is None else str(s): n for s, n in ordered}


def summarise(
    target: Target,
    concurrency: int,
    run: str,
    elapsed: float,
    recorder: Recorder,
    claims: Claims,
    racing: Counter,
    checks: dict,
) -> dict:
    load_statuses, check_statuses = recorder.statuses("load"), recorder.statuses("check")
    everything = load_statuses + check_statuses
    errors = everything[None] + sum(n for s, n in everything.items() if s and s >= 500)
    throttled = everything[THROTTLED]
    lost = sum(len(checks[name].get("lost", [])) for name in ("accounts", "notes", "logouts"))
    problems = []
    if errors:
        problems.append(f"{errors} server errors (5xx or no answer)")
    if lost:
        problems.append(f"{lost} lost (see LOST)")
    if racing[201] != 1:
        problems.append(f"race: {racing[201]} of {RACERS} created, expected exactly 1")
    if recorder.refused:
        problems.append(f"{len(recorder.refused)} valid requests refused (see REFUSED)")
    if throttled:
        problems.append(
            f"{throttled} requests throttled: checks incomplete (raise RATELIMIT_REGISTER, "
            "RATELIMIT_LOGIN and RATELIMIT_REFRESH)"
        )
    if not claims.notes or not claims.ended:
        problems.append("the load wrote no note or ended no login: nothing was checked")
    return {
        "target": target.url,
        "run": run,
        "seconds": round(elapsed, 2),
        "concurrency": concurrency,
        "requests": load_statuses.total(),
        "statuses": labelled(load_statuses),
        "operations": {
            operation: {
                "statuses": labelled(statuses),
                "latency_ms": {
                    f"p{p}": percentile(recorder.latencies[operation], p / 100)
                    for p in (50, 95, 99)
                },
            }
            for operation, statuses in recorder.operations["load"].items()
        },
        "check_requests": check_statuses.total(),
        "check_statuses": labelled(check_statuses),
        "checks": {
            **checks,
            "race": {
                "registrations": RACERS,
                "created": racing[201],
                "refused_as_taken": racing[409],
                "statuses": labelled(racing),
                "exactly_one_created": racing[201] == 1,
            },
        },
        "server_errors": errors,
        "throttled": throttled,
        "lost": lost,
        "refused_valid_requests": recorder.refused[:50],
        "problems": problems,
        "ok": not problems,
    }


def report(summary: dict) -> str:
    def counts(statuses: dict) -> str:
        return ", ".join(f"{status} x {n}" for status, n in statuses.items()) or "none"

    checks = summary["checks"]
    accounts, notes, logouts = checks["accounts"], checks["notes"], checks["logouts"]
    lines = [
        f"load {summary['target']} (run {summary['run']}): {summary['requests']} requests in "
        f"{summary['seconds']} s, concurrency {summary['concurrency']}",
        f"  statuses: {counts(summary['statuses'])}",
    ]
    for operation, seen in summary["operations"].items():
        answered = {p: ms for p, ms in seen["latency_ms"].items() if ms is not None}
        latency = ", ".join(f"{p} {ms} ms" for p, ms in answered.items())
        lines.append(f"  {operation}: {counts(seen['statuses'])}" + (latency and f"; {latency}"))
    lines += [
        f"checks ({summary['check_requests']} requests: {counts(summary['check_statuses'])})",
        f"  accounts: {accounts['created']} created, "
        f"{accounts['log_in_afterwards']} log in afterwards",
        f"  notes: {notes['written']} written, {notes['read_back_unchanged']} read back unchanged",
    ]
    if logouts["revokes"]:
        lines.append(
            f"  logout: {logouts['logins_ended']} logins ended, "
            f"{logouts['tokens_refused_afterwards']} of their tokens refused afterwards"
        )
    else:
        lines.append(f"  logout: {logouts['logins_ended']} logins ended; {logouts['note']}")
    lines.append(
        f"  race: {RACERS} registrations of one email: {counts(checks['race']['statuses'])}"
    )
    for name in ("accounts", "notes", "logouts"):
        lines += [f"  LOST {item}" for item in checks[name].get("lost", [])[:20]]
    lines += [f"  REFUSED {item}" for item in summary["refused_valid_requests"][:20]]
    if summary["ok"]:
        lines.append("OK: no server error, nothing lost, nothing throttled")
    else:
        lines.append(f"FAILED: {'; '.join(summary['problems'])}")
    return "\n".join(lines)


def at_least(kind, least):
    def parse(text: str):
        value = kind(text)
        if not value >= least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, got {text}")
        return value

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the service, e.g. http://127.0.0.1:8000 (loopback only)")
    parser.add_argument(
        "--seconds", type=at_least(float, 0.1), default=10, help="stop after this long (10)"
    )
    parser.add_argument(
        "--requests",
        type=at_least(int, RACERS),
        default=10_000,
        help=f"or after this many requests, the race's {RACERS} included (10000)",
    )
    parser.add_argument(
        "--concurrency", type=at_least(int, 1), default=8, help="users at a time (8)"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the summary here, as JSON")
    args = parser.parse_args(argv)
    try:
        target = loopback_target(args.url)
    except (Refused, OSError) as refusal:
        print(f"load.py: {refusal}", file=sys.stderr)
        return 2

    recorder = Recorder()
    # One strong password for the run's accounts: the password policy refuses weak ones.
    run, password = secrets.token_hex(4), secrets.token_urlsafe(18)
    started = time.monotonic()
    budget = Budget(args.seconds, args.requests)  # the race's time and requests included
    try:
        racing, winners = race(target, recorder, budget, run, password)
        if not racing[201] + racing[409]:
            print(
                f"load.py: no racing registration at {args.url} answered 201 or 409: "
                f"{', '.join(f'{s} x {n}' for s, n in labelled(racing).items())}",
                file=sys.stderr,
            )
            return 1
        claims = load(target, recorder, budget, args.concurrency, run, password)
        elapsed = time.monotonic() - started
        if len(winners) == 1:  # whichever its spelling: an email's letter case does not matter
            claims.accounts.append(winners[0])
        checks = check_accounts_and_notes(target, recorder, claims, password, args.concurrency)
        checks["logouts"] = check_logouts(recorder, claims, args.concurrency)
    except KeyboardInterrupt:
        print("load.py: interrupted", file=sys.stderr)
        return 130
    summary = summarise(target, args.concurrency, run, elapsed, recorder, claims, racing, checks)
    print(report(summary))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(summary, out, indent=2, ensure_ascii=False)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
