"""Calling WSGI apps directly, and timing them in interleaved rounds.

Every request is built once (a Werkzeug environ, as the test client would send it) and
replayed by copying that environ and giving it a fresh, empty-or-prefilled body: no
socket, no server, no test client in the timed path. Time is taken per *batch* of
calls, so the clock's own cost is spread over many requests.
"""

from __future__ import annotations

import gc
import json
import statistics
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from io import BytesIO
from time import perf_counter
from typing import Any, NamedTuple

from werkzeug.test import EnvironBuilder

# Production cookies are `Secure` (and `__Host-`), so every request is an HTTPS one.
BASE_URL = "https://localhost"
# The longest settle() waits for a batch's timers.
SETTLE_SECONDS = 0.1
# Flask-Login's "strong" session protection hashes the address and the User-Agent, so the
# client that logs in (tests' test client) and the timed requests must share both.
ENVIRON_BASE = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "flask-auth-bench"}


class BenchError(RuntimeError):
    """The benchmark cannot measure what it claims to (a wrong status, a missing token)."""


class Answer(NamedTuple):
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def set_cookies(self) -> dict[str, str]:
        """name -> value of every Set-Cookie in the answer (attributes dropped)."""
        found = {}
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie_value = pair.partition("=")
                found[key.strip()] = cookie_value.strip()
        return found


class WsgiCall:
    """One prebuilt request to a WSGI app; calling it sends the request and returns the answer."""

    def __init__(
        self,
        app: Callable,
        path: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        json: Any = None,
        data: dict[str, str] | None = None,
    ) -> None:
        builder = EnvironBuilder(
            path=path,
            base_url=BASE_URL,
            method=method,
            headers=headers,
            json=json,
            data=data,
            environ_base=ENVIRON_BASE,
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        self.body: bytes = environ.pop("wsgi.input").read()
        self.environ: dict[str, Any] = environ
        self.app = app

    def set_header(self, name: str, value: str) -> None:
        self.environ["HTTP_" + name.upper().replace("-", "_")] = value

    def __call__(self) -> Answer:
        environ = self.environ.copy()
        environ["wsgi.input"] = BytesIO(self.body)
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(status, headers, exc_info=None):
            started.append((status, headers))
            return _unused_write

        chunks = self.app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = started[-1]
        return Answer(int(status[:3]), headers, body)


def _unused_write(_data: bytes) -> None:
    raise BenchError("the app used the legacy write() callable")


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


@dataclass
class Target:
    """Something to time: `call()` makes one request and returns its status."""

    name: str
    call: Callable[[], int]
    expected: int = 200
    # Free-form facts for the report (kind, combination, target ratio...).
    info: dict[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        status = self.call()
        if status != self.expected:
            raise BenchError(f"{self.name}: expected HTTP {self.expected}, got {status}")


def status_of(call: WsgiCall) -> Callable[[], int]:
    return lambda: call().status


def per_call_seconds(target: Target, calls: int) -> float:
    """Mean seconds per call over one batch; garbage collection paused, as timeit does."""
    call, expected = target.call, target.expected
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = perf_counter()
        for _ in range(calls):
            if call() != expected:
                raise BenchError(f"{target.name}: a timed call did not answer {expected}")
        return (perf_counter() - start) / calls
    finally:
        if gc_was_enabled:
            gc.enable()


def settle() -> None:
    """Wait, busy, for the timers a batch left behind, so that they run in no other batch.

    Flask-Limiter's in-memory storage expires its windows on a timer thread 10 ms after
    a hit: left alone, that work lands in whichever target runs next. The wait spins
    rather than sleeps because an idle pause changes what the next batch costs (a round
    trip to Redis costs half as much after one).
    """
    deadline = perf_counter() + SETTLE_SECONDS
    while perf_counter() < deadline and any(
        isinstance(thread, threading.Timer) for thread in threading.enumerate()
    ):
        pass


def batch_size(target: Target, batch_seconds: float, max_calls: int = 20_000) -> int:
    """How many calls make one batch of about `batch_seconds` (after a short warm-up)."""
    per_call_seconds(target, 3)
    probe = 1
    while True:
        elapsed = per_call_seconds(target, probe) * probe
        if elapsed >= batch_seconds / 10 or probe >= max_calls:
            break
        probe *= 4
    estimate = elapsed / probe
    return max(1, min(max_calls, round(batch_seconds / estimate)))


def rotated(items: list, by: int) -> list:
    if not items:
        return items
    by %= len(items)
    return items[by:] + items[:by]


def interleaved_rounds(
    targets: list[Target],
    sizes: dict[str, int],
    rounds: int,
    progress: Callable[[int], None] | None = None,
) -> dict[str, list[float]]:
    """Seconds per call of every target, one sample per round.

    Each round runs one batch of every target, starting one place further along the
    list than the round before, so no target always runs first or right after another.
    """
    samples: dict[str, list[float]] = {t.name: [] for t in targets}
    for number in range(rounds):
        gc.collect()
        for target in rotated(targets, number):
            samples[target.name].append(per_call_seconds(target, sizes[target.name]))
            settle()
        if progress is not None:
            progress(number + 1)
    return samples


def paired_rounds(
    pairs: list[tuple[Target, Target]], rounds: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Single-call timings of (first, second) targets, alternating which goes first.

    For slow requests (a login spends one full password hash): one call each per round.
    """
    samples: dict[str, tuple[list[float], list[float]]] = {
        first.name: ([], []) for first, _ in pairs
    }
    for number in range(rounds):
        for first, second in rotated(pairs, number):
            order = (first, second) if number % 2 == 0 else (second, first)
            timed = {t.name: per_call_seconds(t, 1) for t in order}
            samples[first.name][0].append(timed[first.name])
            samples[first.name][1].append(timed[second.name])
    return samples


@dataclass(frozen=True)
class Spread:
    median: float
    p25: float
    p75: float
    low: float
    high: float

    def as_dict(self, digits: int = 3) -> dict[str, float]:
        return {
            "median": round(self.median, digits),
            "p25": round(self.p25, digits),
            "p75": round(self.p75, digits),
            "min": round(self.low, digits),
            "max": round(self.high, digits),
        }


def spread(values: Iterable[float]) -> Spread:
    data = sorted(values)
    if len(data) == 1:
        return Spread(data[0], data[0], data[0], data[0], data[0])
    p25, _, p75 = statistics.quantiles(data, n=4, method="inclusive")
    return Spread(statistics.median(data), p25, p75, data[0], data[-1])


def ratios(samples: list[float], baseline: list[float]) -> list[float]:
    """Per-round ratios: each round's time divided by the baseline's time in that round."""
    return [value / base for value, base in zip(samples, baseline, strict=True)]
