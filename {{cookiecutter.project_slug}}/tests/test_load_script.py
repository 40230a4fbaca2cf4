"""scripts/load.py's verdicts: against a small stub of the API that misbehaves on purpose.

Each run is a few dozen requests to a thread on 127.0.0.1, well under a second: the race,
one user at a time (so every run is the same), then the checks. The live layer
(tests/live/test_load.py) runs the script against the real service.
"""

import importlib.util
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "load.py"
_spec = importlib.util.spec_from_file_location("load_script", SCRIPT)
load_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load_script)

# The race's 20; a user's 12 (register, log in, 5 notes, 4 refreshes, log out); and 5 of the
# next user's (register, log in, note, refresh, note), whom the budget stops holding a login.
REQUESTS = 20 + 12 + 5
RUN = ["--requests", str(REQUESTS), "--seconds", "30", "--concurrency", "1"]


class StubAPI(BaseHTTPRequestHandler):
    """The JSON API's happy path, tokens in the body; `server.misbehave` names one lie."""

    def do_POST(self) -> None:
        self.answer(self.server.respond(self.command, self.path, self.headers, self.body()))

    def do_GET(self) -> None:
        self.answer(self.server.respond(self.command, self.path, self.headers, None))

    def body(self) -> dict:
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or "{}")

    def answer(self, reply: tuple[int, dict]) -> None:
        status, body = reply
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


class Stub(ThreadingHTTPServer):
    request_queue_size = 64  # the race's 20 connect at once (socketserver's default: 5)

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), StubAPI)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.misbehave = ""
        self.lock = threading.Lock()
        self.accounts: dict[str, int] = {}  # email, lower-cased: logins so far
        self.notes: dict[int, dict] = {}
        self.ended: set[str] = set()  # the logins logged out
        self.registrations = 0

    def respond(self, method: str, path: str, headers, body: dict | None) -> tuple[int, dict]:
        token = headers.get("Authorization", "").removeprefix("Bearer ")
        login = token.partition(".")[2]  # tokens are "access.<login>" and "refresh.<login>"
        with self.lock:
            if (method, path) == ("POST", "/api/v1/auth/register"):
                email, self.registrations = body["email"].lower(), self.registrations + 1
                if self.misbehave == "throttle registrations" and self.registrations > 10:
                    return 429, {"error": "rate_limited"}
                twice = self.misbehave == "two racers win" and self.registrations == 2
                if email in self.accounts and not twice:
                    return 409, {"error": "email_taken"}
                self.accounts[email] = 0
                return 201, {"email": email}
            if (method, path) == ("POST", "/api/v1/auth/login"):
                email = body["email"].lower()
                self.accounts[email] += 1
                if self.misbehave == "forget accounts" and self.accounts[email] > 1:
                    return 401, {"error": "invalid_credentials"}
                login = f"{email}-{self.accounts[email]}"
            elif login in self.ended and not (
                self.misbehave == "keep logged-out tokens" and path == "/api/v1/auth/me"
            ):
                return 401, {"error": "token_revoked"}
            if path in ("/api/v1/auth/login", "/api/v1/auth/refresh"):
                return 200, {
                    "access_token": f"access.{login}",
                    "refresh_token": f"refresh.{login}",
                }
            if path == "/api/v1/auth/logout":
                self.ended.add(login)
                return 200, {}
            if path == "/api/v1/auth/me":
                return 200, {"email": login}
            if (method, path) == ("POST", "/api/v1/notes"):
                note_id = len(self.notes) + 1
                self.notes[note_id] = body
                return 201, {"id": note_id, **body}
            note_id = re.fullmatch(r"/api/v1/notes/(\d+)", path)
            if note_id:
                return 200, self.notes[int(note_id[1])]
            return 404, {"error": "not_found"}


@pytest.fixture
def stub() -> Iterator[Stub]:
    server = Stub()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def run(stub: Stub, tmp_path: Path, capsys) -> tuple[int, str, dict]:
    """The exit status, what the script printed, and its summary."""
    summary_path = tmp_path / "summary.json"
    status = load_script.main([stub.url, *RUN, "--json", str(summary_path)])
    printed = capsys.readouterr()
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    return status, printed.out + printed.err, summary


def test_a_service_that_keeps_every_claim_passes_within_the_request_bound(stub, tmp_path, capsys):
    status, printed, summary = run(stub, tmp_path, capsys)

    assert status == 0, printed
    assert printed.endswith("OK: no server error, nothing lost, nothing throttled\n")
    # --requests, and the logout of the user the budget stopped: --requests + --concurrency.
    assert summary["requests"] == REQUESTS + 1
    assert summary["operations"]["logout"]["statuses"] == {"200": 2}
    checks = summary["checks"]
    assert checks["accounts"] == {"created": 3, "log_in_afterwards": 3, "lost": []}
    assert checks["notes"] == {"written": 7, "read_back_unchanged": 7, "lost": []}
    if load_script.LOGOUT_REVOKES:
        assert checks["logouts"]["tokens_refused_afterwards"] == 4


def test_an_account_that_no_longer_logs_in_is_lost(stub, tmp_path, capsys):
    stub.misbehave = "forget accounts"

    status, printed, summary = run(stub, tmp_path, capsys)

    assert status == 1, printed
    # The load's two accounts, which logged in once already; not the race's winner.
    lost = summary["checks"]["accounts"]["lost"]
    assert lost == [f"load-{summary['run']}-0-{n}@example.com: login 401" for n in (1, 2)]
    assert f"  LOST {lost[0]}" in printed
    assert "2 lost (see LOST)" in summary["problems"]


def test_a_token_still_accepted_after_logout_is_lost_where_logout_revokes(stub, tmp_path, capsys):
    stub.misbehave = "keep logged-out tokens"

    status, printed, summary = run(stub, tmp_path, capsys)

    logouts = summary["checks"]["logouts"]
    assert logouts["revokes"] is load_script.LOGOUT_REVOKES
    if load_script.LOGOUT_REVOKES:
        assert status == 1, printed
        assert logouts["lost"] == [
            f"access token of load-{summary['run']}-0-{n}@example.com after logout: 200"
            for n in (1, 2)
        ]
        assert f"  LOST {logouts['lost'][0]}" in printed
        assert logouts["tokens_refused_afterwards"] == 2  # their refresh tokens
    else:  # nothing to hold the service to: a logged-out token stays valid by design
        assert status == 0, printed
        assert "logins ended; not checked" in printed


def test_two_racers_created_fails_the_race(stub, tmp_path, capsys):
    stub.misbehave = "two racers win"

    status, printed, summary = run(stub, tmp_path, capsys)

    assert status == 1, printed
    assert "race: 2 of 20 created, expected exactly 1" in summary["problems"]
    assert summary["checks"]["race"]["exactly_one_created"] is False


def test_throttling_fails_the_run_as_incomplete(stub, tmp_path, capsys):
    # Production limits from one address: 10 registrations, then 429s.
    stub.misbehave = "throttle registrations"

    status, printed, summary = run(stub, tmp_path, capsys)

    assert status == 1, printed
    assert summary["checks"]["race"]["created"] == 1
    assert summary["throttled"] > 0
    assert summary["problems"] == [
        f"{summary['throttled']} requests throttled: checks incomplete (raise "
        "RATELIMIT_REGISTER, RATELIMIT_LOGIN and RATELIMIT_REFRESH)",
        "the load wrote no note or ended no login: nothing was checked",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.2.1:8000",
        "https://127.0.0.1:8000",
        "http://127.0.0.1.example.com",
        "http://127.0.0.1@192.0.2.1:8000",
        "http://user:secret@127.0.0.1:8000",
        "http://localhost.example.com",
        "http://127.0.0.1:8000/a b",
        "http://127.0.0.1:8000/?next=1",
        "http://127.0.0.1:8000/api/v1",
        "http://127.0.0.1:0",
    ],
)
def test_a_target_off_loopback_or_mishandled_is_refused_in_one_line(url, capsys):
    status = load_script.main([url, "--seconds", "1"])
    printed = capsys.readouterr()

    assert status == 2
    assert printed.out == ""
    assert printed.err.count("\n") == 1
    assert printed.err.startswith(f"load.py: refusing {url!r}")
