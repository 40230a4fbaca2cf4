"""Load without loss: scripts/load.py against four gunicorn workers, then the database itself.

Concurrent registrations, logins, refreshes, note writes and logouts, and 20 registrations
of one email racing each other, must end with no server error and nothing lost: every
account the service said it created logs in, every note it said it wrote reads back,
every login it said it ended stays ended, and the database holds one account per email.
"""

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.live.conftest import PROJECT, Deployment, Instance

pytestmark = pytest.mark.integration

WORKERS = 4
# A few seconds of load at most: bounded by requests on a quiet machine, by time on a busy
# one, where every password hash (production's, as deployed) takes several times longer.
REQUESTS = 160
SECONDS = 6
CONCURRENCY = 8
# Logout ends a login only where a revocation store remembers it (jwt_blocklist).
LOGOUT_REVOKES = {{ "False" if cookiecutter.jwt_blocklist == "none" else "True" }}
# Every virtual user comes from 127.0.0.1: the limits meant for one client would throttle
# the whole load within a second. They are raised here, and only here.
UNTHROTTLED = {
    f"RATELIMIT_{name}": "100000 per minute" for name in ("REGISTER", "LOGIN", "REFRESH")
}


@pytest.fixture(scope="module")
def server(deployment, tmp_path_factory) -> Iterator[Instance]:
    """A third instance on the deployment's database, with four workers and no throttle."""
    environment = {**deployment.environment, **UNTHROTTLED}
    servers = Deployment(environment, tmp_path_factory.mktemp("load"))
    try:
        (instance,) = servers.start("load", workers=WORKERS)
        yield instance
    finally:
        servers.stop()


@pytest.fixture(scope="module")
def load(server, tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("load-summary") / "summary.json"
    try:
        done = subprocess.run(
            [
                *(sys.executable, "scripts/load.py", server.url),
                *("--requests", str(REQUESTS), "--seconds", str(SECONDS)),
                *("--concurrency", str(CONCURRENCY), "--json", str(path)),
            ],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(f"load.py ran over {timeout.timeout} s:\n{timeout.stdout}{timeout.stderr}")
    print(done.stdout)  # the summary, shown with -s or on a failure
    if not path.exists():
        pytest.fail(f"load.py wrote no summary:\n{done.stdout}{done.stderr}")
    summary = json.loads(path.read_text(encoding="utf-8"))
    summary["exit_status"], summary["output"] = done.returncode, done.stdout + done.stderr
    return summary


def test_the_load_ends_without_a_server_error_or_a_loss(load):
    assert load["exit_status"] == 0, load["output"]
    # Not throttled either, so every claim the service made was checked.
    assert load["problems"] == [], load["output"]
    assert load["server_errors"] == 0, load["output"]
    assert load["refused_valid_requests"] == [], load["output"]


def test_the_load_sends_at_most_its_requests_and_one_logout_per_user(load):
    assert load["requests"] <= REQUESTS + CONCURRENCY, load["output"]


def test_every_account_logs_in_and_every_note_reads_back(load):
    accounts, notes = load["checks"]["accounts"], load["checks"]["notes"]
    assert accounts["lost"] == [], load["output"]
    assert notes["lost"] == [], load["output"]
    assert accounts["created"] > 1, load["output"]  # the race's one, and the load's
    assert accounts["log_in_afterwards"] == accounts["created"]
    assert notes["written"] > 0, load["output"]
    assert notes["read_back_unchanged"] == notes["written"]


def test_every_token_of_a_login_ended_by_logout_is_refused(load):
    logouts = load["checks"]["logouts"]
    assert logouts["logins_ended"] > 0, load["output"]
    assert logouts["revokes"] is LOGOUT_REVOKES, load["output"]
    if LOGOUT_REVOKES:
        assert logouts["lost"] == [], load["output"]
        # Its access token and its refresh token, each.
        assert logouts["tokens_refused_afterwards"] == 2 * logouts["logins_ended"]


def test_exactly_one_of_twenty_racing_registrations_of_one_email_wins(load):
    race = load["checks"]["race"]
    assert race["statuses"] == {"201": 1, "409": race["registrations"] - 1}, load["output"]


def test_the_database_holds_one_account_per_email_and_every_note(deployment, load):
    engine = create_engine(deployment.environment["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            duplicates = connection.execute(
                text(
                    "SELECT lower(email), count(*) FROM users"
                    " GROUP BY lower(email) HAVING count(*) > 1"
                )
            ).all()
            run = load["run"]
            accounts = connection.scalar(
                text("SELECT count(*) FROM users WHERE lower(email) LIKE :pattern"),
                {"pattern": f"%-{run}%@example.com"},
            )
            notes = connection.scalar(
                text(
                    "SELECT count(*) FROM notes JOIN users ON users.id = notes.owner_id"
                    " WHERE lower(email) LIKE :pattern"
                ),
                {"pattern": f"%-{run}%@example.com"},
            )
    finally:
        engine.dispose()

    assert duplicates == []
    # No account or note the service answered with anything but a success.
    assert accounts == load["checks"]["accounts"]["created"]
    assert notes == load["checks"]["notes"]["written"]
