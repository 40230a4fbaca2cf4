"""What one request costs in each baked combination, relative to a bare Flask route.

Run it as `bash scripts/bench` (benchmarks/README.md says what each row means). It bakes
every auth mode x blocklist on SQLite, starts each bake as production would, in this one
process, calls each WSGI app directly with prebuilt environs in interleaved rounds, then
runs each bake's own suite. It prints a Markdown table and writes benchmarks/results.md
and benchmarks/results.json. Missed targets are reported, never a failed exit: only a
benchmark that cannot measure (a request answering the wrong status, Redis down) exits
non-zero.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import secrets
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from time import perf_counter
from typing import Any

import redis

# isort: split
import bakes
import references
from harness import (
    BenchError,
    Target,
    batch_size,
    interleaved_rounds,
    paired_rounds,
    ratios,
    spread,
    status_of,
)

HERE = Path(__file__).resolve().parent
LIBRARIES = (
    "flask",
    "werkzeug",
    "flask-login",
    "flask-jwt-extended",
    "pyjwt",
    "sqlalchemy",
    "flask-sqlalchemy",
    "flask-limiter",
    "limits",
    "flask-wtf",
    "redis",
    "argon2-cffi",
    "cookiecutter",
)
LOGIN_RATIO_RANGE = (0.9, 1.1)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bash scripts/bench", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=25, help="interleaved rounds (default 25)")
    parser.add_argument(
        "--batch-ms", type=float, default=20, help="length of one batch of calls (default 20)"
    )
    parser.add_argument(
        "--login-rounds", type=int, default=10, help="login pairs per surface (default 10)"
    )
    parser.add_argument("--no-suites", action="store_true", help="skip the baked suites")
    parser.add_argument("--keep", action="store_true", help="keep the baked projects")
    parser.add_argument(
        "--output-dir", type=Path, default=HERE, help="where results.md/.json go (benchmarks/)"
    )
    args = parser.parse_args(argv)
    if args.rounds < 2 or args.login_rounds < 2 or args.batch_ms <= 0:
        parser.error("--rounds and --login-rounds must be at least 2, --batch-ms positive")
    return args


class _Clock:
    def __init__(self) -> None:
        self.started = perf_counter()

    def seconds(self) -> float:
        return perf_counter() - self.started

    def note(self, message: str) -> None:
        print(f"[{self.seconds():6.1f}s] {message}", file=sys.stderr, flush=True)


def quiet_logging() -> None:
    """Keep the apps' audit lines and the memory:// rate-limit warning off the terminal.

    A root handler exists, so the apps add none of their own and still build each record
    (that cost stays in the numbers); only errors are shown.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(lambda record: record.levelno >= logging.ERROR)
    logging.basicConfig(handlers=[handler], level=logging.WARNING, force=True)


def require_redis() -> None:
    try:
        redis.Redis.from_url(bakes.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise BenchError(
            f"the redis bakes need Redis at {bakes.REDIS_URL} (set REDIS_URL): {error}"
        ) from None


def reference_targets(work_dir: Path) -> list[Target]:
    made = [
        (references.BARE, "GET / → jsonify(ok=True)", references.bare_app()),
        (references.JWT, "GET /protected, Bearer", references.jwt_app()),
        (
            references.LOGIN,
            "GET /me, session cookie",
            references.login_app(work_dir / "reference_login.sqlite3"),
        ),
        (references.REDIS, "GET / → EXISTS, jsonify", references.redis_app(bakes.REDIS_URL)),
    ]
    return [
        Target(
            name,
            status_of(call),
            info={
                "combination": None,
                "bake": "reference",
                "request": request,
                "kind": "reference",
            },
        )
        for name, request, (_app, call) in made
    ]


def measure(args: argparse.Namespace, clock: _Clock, work_dir: Path) -> dict[str, Any]:
    require_redis()
    run_tag = f"flask-auth-bench-{secrets.token_hex(4)}"
    baked: list[bakes.Bake] = []
    for combination in bakes.benchmarked_combinations():
        baked.append(bakes.bake(combination, work_dir))
        clock.note(f"baked {baked[-1].id} in {baked[-1].bake_seconds:.2f}s")
    try:
        for bake in baked:
            bakes.start(bake, work_dir, run_tag)
        clock.note("started every bake in production configuration (APP_ENV=production)")
        targets = reference_targets(work_dir)
        pairs = []
        for bake in baked:
            targets += bakes.request_targets(bake)
            pairs += bakes.login_pairs(bake)
        for target in targets + [t for pair in pairs for t in pair]:
            target.check()  # every request answers as expected before anything is timed
        sizes = {t.name: batch_size(t, args.batch_ms / 1000) for t in targets}
        clock.note(
            f"{len(targets)} targets, ~{len(targets) * args.batch_ms / 1000:.1f}s per round; "
            f"timing {args.rounds} rounds"
        )

        def progress(done: int) -> None:
            if done % 5 == 0 or done == args.rounds:
                clock.note(f"round {done}/{args.rounds}")

        samples = interleaved_rounds(targets, sizes, args.rounds, progress)
        clock.note(f"timing {len(pairs)} login surfaces x {args.login_rounds} rounds")
        logins = paired_rounds(pairs, args.login_rounds)
    finally:
        for bake in baked:
            bakes.stop(bake)
    suites = {} if args.no_suites else run_suites(baked, clock)
    return {
        "requests": request_rows(targets, sizes, samples),
        "logins": login_rows(pairs, logins),
        "bakes": [
            {
                "combination": bake.id,
                "bake_seconds": round(bake.bake_seconds, 2),
                "suite": suites.get(bake.id),
            }
            for bake in baked
        ],
        "production": {bake.id: bake.info for bake in baked},
    }


def run_suites(baked: list[bakes.Bake], clock: _Clock) -> dict[str, dict[str, Any]]:
    """Each bake's own suite, one after another, after every timing is done."""
    env = suite_environment()
    suites = {}
    for bake in baked:
        suite = suites[bake.id] = bakes.run_suite(bake, env)
        clock.note(f"suite of {bake.id}: {suite['summary']} ({suite['seconds']:.1f}s)")
    return suites


def suite_environment() -> dict[str, str]:
    """This environment, minus what would steer the suites elsewhere (as the template suite)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    for name in ("REQUIRE_SERVICES", "TEST_DATABASE_URL"):
        env.pop(name, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.setdefault("REDIS_URL", bakes.REDIS_URL)
    return env


def request_rows(
    targets: list[Target], sizes: dict[str, int], samples: dict[str, list[float]]
) -> list[dict[str, Any]]:
    rows = []
    for target in targets:
        per_round = ratios(samples[target.name], samples[references.BARE])
        ratio = spread(per_round)
        limit = target.info.get("target")
        reference = target.info.get("reference")
        against = None
        if reference is not None:
            per_round_to_reference = ratios(samples[target.name], samples[reference])
            against = {"reference": reference, **spread(per_round_to_reference).as_dict()}
        rows.append(
            {
                **{k: v for k, v in target.info.items() if k not in ("target", "reference")},
                "name": target.name,
                "calls_per_batch": sizes[target.name],
                "median_us": round(spread(samples[target.name]).median * 1e6, 1),
                "ratio": ratio.as_dict(),
                "ratio_to_reference": against,
                "target_max_ratio": limit,
                "passed": None if limit is None else ratio.median <= limit,
            }
        )
    return rows


def login_rows(
    pairs: list[tuple[Target, Target]], logins: dict[str, tuple[list[float], list[float]]]
) -> list[dict[str, Any]]:
    low, high = LOGIN_RATIO_RANGE
    rows = []
    for known, _unknown in pairs:
        known_times, unknown_times = logins[known.name]
        ratio = spread(ratios(known_times, unknown_times))
        rows.append(
            {
                **known.info,
                "known_ms": round(spread(known_times).median * 1e3, 1),
                "unknown_ms": round(spread(unknown_times).median * 1e3, 1),
                "ratio": ratio.as_dict(),
                "target_ratio_range": [low, high],
                "passed": low <= ratio.median <= high,
            }
        )
    return rows


def machine() -> dict[str, Any]:
    model = None
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpu_model": model or platform.processor() or None,
    }


def versions() -> dict[str, str | None]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


# --- the report --------------------------------------------------------------------------


def _verdict(passed: bool | None) -> str:
    return "" if passed is None else ("pass" if passed else "**FAIL**")


def _spread_text(ratio: dict[str, float]) -> str:
    return f"{ratio['p25']:.2f}..{ratio['p75']:.2f} [{ratio['min']:.2f}..{ratio['max']:.2f}]"


def _against_text(against: dict[str, Any] | None) -> str:
    if against is None:
        return ""
    short = {references.JWT: "JWT-Extended", references.LOGIN: "Flask-Login"}
    return f"{against['median']:.2f} ({short[against['reference']]})"


def render(results: dict[str, Any]) -> str:
    m, settings = results["machine"], results["settings"]
    lines = [
        "# Request cost per baked combination",
        "",
        f"{results['date']} · {m['cpu_count']} x {m['cpu_model']} · "
        f"Python {results['python']['version']} · Flask {results['libraries']['flask']} · "
        f"{settings['rounds']} rounds of ~{settings['batch_ms']:g} ms batches · "
        f"load average {results['load_average']['start'][0]:.2f} → "
        f"{results['load_average']['end'][0]:.2f}",
        "",
        "Ratios are to the bare Flask JSON route in the same round; spread is the "
        "interquartile range of the per-round ratios [min..max]. The last column is the "
        "median per-round ratio to the reference app doing the same job as the libraries' "
        "documentation shows it.",
        "",
        "| bake | request | median µs | x bare | spread | target | | x its reference |",
        "|---|---|--:|--:|---|--:|---|---|",
    ]
    for row in results["requests"]:
        is_bare = row["name"] == references.BARE
        request = row["request"]
        if row["bake"] == "reference":
            request = f"{row['name']}: {request}"
        limit = row["target_max_ratio"]
        lines.append(
            f"| {row['bake']} | {request} | {row['median_us']:.1f} | "
            f"{row['ratio']['median']:.2f} | {'—' if is_bare else _spread_text(row['ratio'])} | "
            f"{'' if limit is None else f'≤ {limit:g}'} | {_verdict(row['passed'])} | "
            f"{_against_text(row['ratio_to_reference'])} |"
        )
    low, high = LOGIN_RATIO_RANGE
    lines += [
        "",
        f"Login with a wrong password, known vs unknown email ({settings['login_rounds']} "
        "rounds, one call each per round; ratio known / unknown):",
        "",
        "| bake | request | known ms | unknown ms | known / unknown | spread | target | |",
        "|---|---|--:|--:|--:|---|--:|---|",
    ]
    for row in results["logins"]:
        lines.append(
            f"| {row['bake']} | {row['request']} | {row['known_ms']:.1f} | "
            f"{row['unknown_ms']:.1f} | {row['ratio']['median']:.3f} | "
            f"{_spread_text(row['ratio'])} | {low:g}..{high:g} | {_verdict(row['passed'])} |"
        )
    lines += ["", "| combination | bake s | suite s | suite |", "|---|--:|--:|---|"]
    for row in results["bakes"]:
        suite = row["suite"]
        if suite is None:
            seconds, outcome = "—", "not run (--no-suites)"
        else:
            seconds = f"{suite['seconds']:.1f}"
            failed = "" if suite["exit_code"] == 0 else f"**exit {suite['exit_code']}**: "
            outcome = failed + suite["summary"]
        bake_cell = f"{row['bake_seconds']:.2f}"
        lines.append(f"| {row['combination']} | {bake_cell} | {seconds} | {outcome} |")
    lines += ["", f"Whole run: {results['wall_seconds']:.0f} s.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    clock = _Clock()
    quiet_logging()
    load_start = os.getloadavg()
    work_dir = Path(tempfile.mkdtemp(prefix="flask-auth-bench-"))
    try:
        measured = measure(args, clock, work_dir)
    except BenchError as error:
        print(f"bench: cannot measure: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            clock.note(f"baked projects kept in {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["bash scripts/bench", *(argv or sys.argv[1:])]),
        "machine": machine(),
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
        },
        "libraries": versions(),
        "settings": {
            "rounds": args.rounds,
            "batch_ms": args.batch_ms,
            "login_rounds": args.login_rounds,
            "suites": not args.no_suites,
            "gc": "paused inside each timed batch, collected between rounds",
            "settle": "after each batch, a busy wait for the timer threads it started",
        },
        "load_average": {"start": list(load_start), "end": list(os.getloadavg())},
        **measured,
        "wall_seconds": round(clock.seconds(), 1),
    }
    report = render(results)
    print(report)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "results.md").write_text(report)
    (args.output_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    clock.note(f"wrote {args.output_dir / 'results.md'} and results.json")
    failed = [
        f"{s['combination']}: {s['suite']['summary']}"
        for s in results["bakes"]
        if s["suite"] and s["suite"]["exit_code"] != 0
    ]
    for line in failed:
        print(f"bench: a baked suite failed: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
