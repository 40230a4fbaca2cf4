"""The live layers: the app served by gunicorn exactly as deployed, on loopback only.

`deployment` is one production setup shared by this run's live tests: a database
migrated with `flask db upgrade`{% if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}, the real Redis{% endif %}, an SMTP server that keeps the mail, and
two gunicorn instances, A and B, of two workers each, started from gunicorn.conf.py
with the same settings, as two hosts behind one load balancer would be. Every server
listens on a free loopback port, stops by itself after LIFETIME seconds (serve.py),
and is stopped by the fixture whatever the outcome; a failing test prints the logs.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
import uuid
{%- endif %}
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

import pytest
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
import redis
{%- endif %}

{% if cookiecutter.database == "postgresql" -%}
from tests.conftest import fresh_postgres_database
{% endif -%}
from tests.smtp_sink import smtp_sink

PROJECT = Path(__file__).resolve().parents[2]
PACKAGE = "{{ cookiecutter.package_name }}"
# Seconds a live server may run at most, so none outlives a test run that was killed;
# the whole live layer takes well under a minute.
LIFETIME = 1800
STARTUP_TIMEOUT = 30

# Every server this run started and has not stopped yet, for the logs of a failure.
RUNNING: list["Instance"] = []


class Instance:
    """One gunicorn master and its workers, on a free port of 127.0.0.1."""

    def __init__(
        self,
        name: str,
        environment: dict[str, str],
        log_dir: Path,
        workers: int,
        lifetime: float = LIFETIME,
    ) -> None:
        self.name = name
        # The test listens and hands gunicorn the socket: between choosing a free port
        # and listening on it, no other server (another test run's) can take it.
        listener = socket.create_server(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"gunicorn-{name}.log"
        environment = {
            **environment,
            "GUNICORN_BIND": f"fd://{listener.fileno()}",
            "WEB_CONCURRENCY": str(workers),
        }
        with listener, self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.live.serve", str(lifetime)],
                cwd=PROJECT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
                start_new_session=True,  # its own process group: stop() reaches the workers
            )
        RUNNING.append(self)

    def wait_until_healthy(self) -> None:
        """Until /readyz answers 200: a worker serves, and reaches the database{% if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %} and Redis{% endif %}."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            connection = HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                connection.request("GET", "/readyz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass  # not listening yet
            finally:
                connection.close()
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"gunicorn {self.name} did not come up:\n{self.log()}")
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self in RUNNING:
            RUNNING.remove(self)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: workers finish, then exit
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Deployment:
    """The shared settings, the database, and the instances serving them."""

    def __init__(self, environment: dict[str, str], root: Path) -> None:
        self.environment = environment
        self.root = root
        self.instances: list[Instance] = []

    def start(self, *names: str, workers: int = 2) -> list[Instance]:
        """Start instances side by side; return them once every one is ready."""
        started = [Instance(name, self.environment, self.root, workers) for name in names]
        self.instances += started
        for instance in started:
            instance.wait_until_healthy()
        return started

    def flask(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """A `flask` command against the shared database, as an operator would run it."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", PACKAGE, *args],
            cwd=PROJECT,
            env={**self.environment, "FLASK_SKIP_DOTENV": "1"},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done

    def stop(self) -> None:
        for instance in self.instances:
            instance.stop()


def production_environment(database_url: str, smtp_port: int) -> dict[str, str]:
    """What a deployment sets, and nothing this test run happens to have set."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV"}
    }
    return {
        **inherited,
        "PYTHONDONTWRITEBYTECODE": "1",
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "MFA_ENCRYPTION_KEY": secrets.token_urlsafe(48),
{%- if cookiecutter.auth_mode != "session" %}
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
{%- endif %}
        "DATABASE_URL": database_url,
        # The test client plays the TLS-terminating proxy in front of every instance.
        "TRUSTED_PROXY_COUNT": "1",
        "PUBLIC_BASE_URL": "https://app.example.test",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_USE_TLS": "false",
        "MAIL_DEFAULT_SENDER": "no-reply@app.example.test",
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist != "none" %}
        # A replayed refresh token is reuse at once, so the tests need not wait out
        # the window a second tab gets (its 409 is tested in the fast layer).
        "JWT_REFRESH_REUSE_GRACE_SECONDS": "0",
{%- endif %}
    }


@contextlib.contextmanager
def empty_database(purpose: str, directory: Path) -> Iterator[str]:
    """The URL of an empty database for a set of live servers, apart from any other."""
{%- if cookiecutter.database == "postgresql" %}
    with fresh_postgres_database(purpose) as url:
        yield url
{%- else %}
    yield f"sqlite:///{directory / f'{purpose}.sqlite3'}"
{%- endif %}


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory) -> Iterator[str]:
    with empty_database("live", tmp_path_factory.mktemp("live-db")) as url:
        yield url


@pytest.fixture(scope="session")
def deployment(tmp_path_factory, live_database_url{% if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}, redis_url{% endif %}) -> Iterator[Deployment]:
    """Two production instances, A and B, on one migrated database{% if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %} and one Redis{% endif %}."""
    with smtp_sink() as (_inbox, smtp_port):
        environment = production_environment(live_database_url, smtp_port)
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
        prefix = f"{PACKAGE}-live-{uuid.uuid4().hex[:12]}:"
        environment.update(
            REDIS_URL=redis_url,
            REDIS_KEY_PREFIX=prefix,
            # Rate-limit counters in the same Redis (the default), under this run's prefix.
            RATELIMIT_KEY_PREFIX=f"{prefix}limits",
        )
{%- endif %}
        deployment = Deployment(environment, tmp_path_factory.mktemp("deployment"))
        deployment.flask("db", "upgrade")  # once per release, before any instance starts
        try:
            deployment.start("A", "B")
            yield deployment
        finally:
            deployment.stop()
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(match=f"{prefix}*"):
                client.delete(key)
            client.close()
{%- endif %}


@pytest.fixture(scope="session")
def a(deployment: Deployment) -> Instance:
    return deployment.instances[0]


@pytest.fixture(scope="session")
def b(deployment: Deployment) -> Instance:
    return deployment.instances[1]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for instance in RUNNING:
            report.sections.append((f"gunicorn {instance.name} log", instance.log()[-20000:]))
