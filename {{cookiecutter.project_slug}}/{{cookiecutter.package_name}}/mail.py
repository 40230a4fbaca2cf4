"""Outgoing email, through the backend MAIL_BACKEND names.

- `smtp` (production): stdlib smtplib, STARTTLS when MAIL_USE_TLS, delivered on a
  background thread, so neither a slow mail server nor the presence of a message
  shows in the response time (a password-reset request must not reveal whether the
  address has an account).
- `console` (development): the message goes to the log, links included, so a
  developer can follow them. Production refuses this backend: it would write live
  reset links into logs.
- `memory` (testing): an outbox list per app, in `app.extensions`, that tests read.

Links are built from PUBLIC_BASE_URL only, never from the request's Host header: an
attacker who sends a reset request with `Host: evil.example` must not get the victim
a link to the attacker's site carrying a valid token.
"""

import logging
import smtplib
import ssl
import threading
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app

BACKENDS = ("smtp", "console", "memory")
logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    backend = app.config["MAIL_BACKEND"]
    if backend not in BACKENDS:
        raise RuntimeError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}, got {backend!r}")
    app.extensions["mail_outbox"] = []


def outbox(app: Flask) -> list[EmailMessage]:
    """Messages sent by `app` with the memory backend, oldest first."""
    return app.extensions["mail_outbox"]


def public_url(path: str, **query: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"]
    if not base:
        raise RuntimeError("PUBLIC_BASE_URL is not set: links in emails cannot be built")
    url = base.rstrip("/") + path
    return f"{url}?{urlencode(query)}" if query else url


def send(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"] or f"no-reply@{_host(config)}"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        outbox(current_app).append(message)
    elif backend == "console":
        # The app's logger: Flask shows its INFO lines on the console in debug mode.
        current_app.logger.info(
            "email (console backend, not sent)\nTo: %s\nSubject: %s\n\n%s",
            to,
            subject,
            body,
        )
    else:
        settings = {key: config[key] for key in config if key.startswith("MAIL_")}
        threading.Thread(target=_deliver, args=(settings, message), daemon=False).start()


def _deliver(settings: dict[str, Any], message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(
            settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=settings["MAIL_TIMEOUT"]
        ) as smtp:
            if settings["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if settings["MAIL_USERNAME"]:
                smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        # Logged without the body: it holds a live link.
        logger.exception("could not deliver email %r to %s", message["Subject"], message["To"])


def _host(config) -> str:
    base = config.get("PUBLIC_BASE_URL") or "http://localhost"
    return base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
