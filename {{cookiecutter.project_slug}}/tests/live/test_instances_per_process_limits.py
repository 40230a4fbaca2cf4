"""Rate-limit counters in memory (RATELIMIT_STORAGE_URI=memory://) are per process.

This project's default keeps them in memory; behind several workers or instances each
process counts on its own, so production logs a warning at start, and these tests show
what it warns about. Point RATELIMIT_STORAGE_URI at Redis to share the counters.
"""

import uuid

import pytest

from {{ cookiecutter.package_name }}.config import BaseConfig
from {{ cookiecutter.package_name }}.security.rate_limits import PER_PROCESS_WARNING
from tests.live.client import Visitor
{%- if cookiecutter.auth_mode == "session" %}
from tests.live.pages import log_in
{%- else %}
from tests.live.tokens import TokenClient
{%- endif %}

pytestmark = pytest.mark.integration

LIMIT = int(BaseConfig.RATELIMIT_LOGIN.split()[0])  # trips at the 11th failure per process
WORKERS = 2  # per instance, as the deployment fixture starts them
WRONG = "not the password at all"


def fail_to_log_in(visitor: Visitor, instance, email: str) -> int:
{%- if cookiecutter.auth_mode == "session" %}
    return log_in(visitor, instance, email, WRONG).status
{%- else %}
    return TokenClient(visitor).log_in(instance, email, WRONG).status
{%- endif %}


def test_production_warns_at_start_that_the_counters_are_per_process(deployment):
    for instance in deployment.instances:
        assert PER_PROCESS_WARNING in instance.log()


def test_a_limit_reached_at_one_instance_is_not_known_at_the_other(a, b):
    attacker = Visitor()
    email = f"victim-{uuid.uuid4().hex[:10]}@example.com"
    # Each of A's workers allows LIMIT failures before it refuses the next one.
    statuses = [fail_to_log_in(attacker, a, email) for _ in range(WORKERS * LIMIT + 1)]
    first_refusal = statuses.index(429)
    assert first_refusal >= LIMIT

    assert fail_to_log_in(attacker, b, email) == 401  # B's processes have counted nothing
