"""gunicorn.conf.py: production defaults, settings from the environment, and a clear error."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REQUIRED_ENVIRONMENT, SECRET_KEY

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
SETTINGS = (
    "GUNICORN_BIND",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_KEEPALIVE",
    "GUNICORN_CONTROL_SOCKET",
    "GUNICORN_ACCESS_LOG_FORMAT",
)


@pytest.fixture
def conf(monkeypatch):
    """Load gunicorn.conf.py with the given environment; return the settings it makes."""

    def load(**environment: str) -> dict:
        for name in SETTINGS:
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(CONF))

    return load


def test_defaults_bind_loopback_and_scale_with_the_cores(conf):
    settings = conf()
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert settings["threads"] == 1
    assert settings["timeout"] == 30
    assert settings["wsgi_app"] == "{{ cookiecutter.package_name }}:create_app()"
    # Only the app's ProxyFix (TRUSTED_PROXY_COUNT) may believe X-Forwarded-* headers.
    assert settings["forwarded_allow_ips"] == ""
    assert settings["control_socket_disable"] is True
    assert "request_id" in settings["access_log_format"]


def test_settings_come_from_the_environment(conf):
    settings = conf(
        GUNICORN_BIND="0.0.0.0:8080,[::]:8080",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="60",
        GUNICORN_KEEPALIVE="0",
        GUNICORN_CONTROL_SOCKET="/run/service/gunicorn.ctl",
        GUNICORN_ACCESS_LOG_FORMAT="%(h)s %(s)s",
    )
    assert settings["bind"] == ["0.0.0.0:8080", "[::]:8080"]
    assert (settings["workers"], settings["threads"], settings["timeout"]) == (3, 4, 60)
    assert settings["keepalive"] == 0  # keep-alive off
    assert settings["control_socket"] == "/run/service/gunicorn.ctl"
    assert "control_socket_disable" not in settings
    assert settings["access_log_format"] == "%(h)s %(s)s"


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_bad_number_is_refused_naming_the_variable(conf, value):
    with pytest.raises(RuntimeError, match="WEB_CONCURRENCY"):
        conf(WEB_CONCURRENCY=value)


def test_gunicorn_accepts_the_file_and_loads_the_app():
    environment = {
        **os.environ,
        "APP_ENV": "testing",
        "SECRET_KEY": SECRET_KEY,
        **REQUIRED_ENVIRONMENT,
    }
    checked = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "--config", str(CONF)],
        cwd=CONF.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
