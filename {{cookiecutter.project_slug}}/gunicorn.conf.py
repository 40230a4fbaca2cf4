"""gunicorn's settings for this service, each read from the environment.

Run `gunicorn` in this directory (it reads this file) once `flask db upgrade` has run
for the release. The defaults suit one host behind a reverse proxy on the same host;
every instance of the service can run the same file.
"""

import os

wsgi_app = "{{ cookiecutter.package_name }}:create_app()"


def _number(name: str, default: int, *, minimum: int = 1) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise RuntimeError(f"{name} must be a whole number of {minimum} or more, got {value!r}")
    return int(value)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Loopback by default: the proxy on this host is the only way in, which is what makes
# trusting its X-Forwarded-For (TRUSTED_PROXY_COUNT) safe. In a container, bind
# 0.0.0.0:8000 and let the platform's proxy be the only route to the port.
# Several addresses: separated by commas.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# gunicorn's own convention for the worker count; the usual 2 x cores + 1 by default.
workers = _number("WEB_CONCURRENCY", 2 * _cores() + 1)
# More than 1 switches to threaded workers (gthread); password hashing releases the GIL.
threads = _number("GUNICORN_THREADS", 1)
# A worker silent for this long is killed and replaced; a login hashes for well under 1 s.
timeout = _number("GUNICORN_TIMEOUT", 30)
graceful_timeout = _number("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _number("GUNICORN_KEEPALIVE", 5, minimum=0)  # 0: no keep-alive

# The app's ProxyFix (TRUSTED_PROXY_COUNT) is the one place that believes X-Forwarded-*
# headers; gunicorn must not also rewrite the scheme from them on its own authority.
forwarded_allow_ips = ""

# gunicorn 25.1+ opens a control socket for `gunicornc` at one path per user, which two
# services on a host would share. Off unless asked for, at a path of this service's own.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

# Access and error logs on stdout/stderr, for the process manager to collect. The
# request id is the X-Request-ID the app echoes, which its audit log records too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT",
    '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s',
)
