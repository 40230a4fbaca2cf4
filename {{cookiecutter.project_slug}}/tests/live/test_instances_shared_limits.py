"""Two instances, one count: rate limits live in the shared Redis, not in any worker.

Four workers behind one address would otherwise grant an attacker four times each limit.
"""

import uuid

import pytest

from {{ cookiecutter.package_name }}.config import BaseConfig
from tests.live.client import Visitor
from tests.live.tokens import TokenClient

pytestmark = pytest.mark.integration

# The production login limit: "10 per minute;50 per hour" trips at the 11th failure.
LIMIT = int(BaseConfig.RATELIMIT_LOGIN.split()[0])
WRONG = "not the password at all"


def test_failed_logins_from_one_address_trip_the_limit_at_the_same_total(a, b):
    attacker = TokenClient()
    for attempt in range(LIMIT):
        email = f"guess-{attempt}-{uuid.uuid4().hex[:8]}@example.com"  # a new account each time
        assert attacker.log_in((a, b)[attempt % 2], email, WRONG).status == 401

    for instance in (a, b):
        refused = attacker.log_in(instance, "another@example.com", WRONG)
        assert refused.status == 429
        assert refused.json()["error"] == "rate_limited"


def test_failed_logins_for_one_account_from_many_addresses_are_counted_together(a, b):
    target = f"victim-{uuid.uuid4().hex[:10]}@example.com"
    for attempt in range(LIMIT):
        assert TokenClient().log_in((a, b)[attempt % 2], target, WRONG).status == 401

    for instance in (a, b):
        assert TokenClient(Visitor()).log_in(instance, target, WRONG).status == 429
