"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

import contextlib
import socket
import time
from collections.abc import Iterator
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.messages


@contextlib.contextmanager
def smtp_sink() -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on a free loopback port; yields its inbox and the port."""
    inbox = Inbox()
    with socket.socket() as probe:  # a free port, so parallel runs never collide
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
