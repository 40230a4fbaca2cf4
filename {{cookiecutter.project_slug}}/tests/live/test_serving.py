"""The live servers themselves: bounded in time, and gone with their port when stopped."""

import os
import signal
import socket

import pytest

from tests.live.conftest import Instance

pytestmark = pytest.mark.integration


def nothing_listens_on(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def no_process_left_of(instance: Instance) -> bool:
    """The master ran in a process group of its own: no worker may outlive it."""
    try:
        os.killpg(instance.process.pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_server_stops_by_itself_when_its_time_is_up(deployment, tmp_path):
    instance = Instance("short-lived", deployment.environment, tmp_path, workers=1, lifetime=3)
    try:
        instance.process.wait(timeout=30)  # the watchdog's SIGTERM, not ours
        # 0 after gunicorn's graceful shutdown; -SIGTERM if the time ran out while it was
        # still starting, before its signal handlers were in place.
        assert instance.process.returncode in (0, -signal.SIGTERM), instance.log()
    finally:
        instance.stop()
    assert nothing_listens_on(instance.port)
    assert no_process_left_of(instance)


def test_stopping_a_server_ends_its_workers_and_frees_its_port(deployment, tmp_path):
    instance = Instance("stopped", deployment.environment, tmp_path, workers=2)
    instance.wait_until_healthy()

    instance.stop()

    assert instance.process.poll() is not None
    assert nothing_listens_on(instance.port)
    assert no_process_left_of(instance)
