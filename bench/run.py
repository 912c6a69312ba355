"""`make bench`: run every benchmark under bench/ and write bench/results.json.

Each module ``bench/bench_*.py`` defines ``BENCHMARKS``, a list of functions
that take a ``Bench`` and return a list of measurements (``Bench.measure``
builds one). The runner creates a fresh database (migrated, then filled by
the benchmarks themselves), runs them, prints a table and writes the JSON.
Quote medians and ratios: these machines are noisy.
"""

import argparse
import contextlib
import datetime
import importlib
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorprogram.settings.test")

import django  # noqa: E402

from bench.timing import timed_ms  # noqa: E402


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()} ({cpu}, {os.cpu_count()} cores, Python {platform.python_version()})"


class Bench:
    """Timing helpers, and the run's size: full, quick (a tenth of the data) or smoke (a hundredth, a few repetitions)."""

    DIVISORS = {"full": 1, "quick": 10, "smoke": 100}

    def __init__(self, *, mode: str = "full"):
        self.mode = mode
        self.quick = mode != "full"
        self.started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        self.machine = machine()

    def scaled(self, full: int) -> int:
        """How many rows to generate where a full run makes ``full``."""
        return max(1, full // self.DIVISORS[self.mode])

    def repeats(self, full: int, quick: int) -> int:
        """How many timed calls: ``full``, ``quick``, or a few in a smoke run."""
        return {"full": full, "quick": quick, "smoke": max(1, quick // 10)}[self.mode]

    def time(self, fn, *, n: int, warmup: int = 10) -> list[float]:
        """Call fn n times after a warm-up; milliseconds for each call."""
        if self.mode == "smoke":  # it shows the bench runs; its numbers mean little
            warmup = 0
        return timed_ms(fn, n=n, warmup=warmup)

    def measure(self, name: str, samples: list[float], *, data_size: str, ratio: float | None = None) -> dict:
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        return {
            "name": name,
            "median_ms": round(statistics.median(ordered), 3),
            "p95_ms": round(p95, 3),
            "ratio": None if ratio is None else round(ratio, 3),
            "n": len(samples),
            "data_size": data_size,
            "date": self.started,
            "machine": self.machine,
        }


# The run under load at each size: (scale of the generator's defaults, clients, seconds, gunicorn workers,
# notifications the relays deliver in the PgBouncer shape).
LOAD_SHAPES = {"full": (1.0, 10, 30, 3, 200), "quick": (0.1, 10, 15, 3, 200), "smoke": (0.002, 4, 3, 2, 50)}


def load_results(bench: Bench, empty: str) -> list[dict]:
    """``bench/load.py`` on ``empty`` (filled by the generator), in both shapes, as results in the agreed shape."""
    from bench.load import filter_ratio, print_table, run, verify_seconds_per_million

    scale, clients, seconds, workers, notifications = LOAD_SHAPES[bench.mode]
    print(f"running load (scale {scale}, {clients} clients, {seconds} s) ...", file=sys.stderr)
    result = run(
        scale=scale,
        clients=clients,
        seconds=seconds,
        workers=workers,
        empty=empty,
        shapes=("direct", "pgbouncer"),
        notifications=notifications,
        say=lambda text: print(text, file=sys.stderr),
    )
    print_table(result, say=lambda text: print(text, file=sys.stderr))
    counts = result["generated"]["counts"]
    size = (
        f"{counts['cases_case']:,} cases, {counts['mentorsessions_mentorsession']:,} sessions, "
        f"{counts['audit_chainlink']:,} chain links; {clients} clients, no think time"
    )
    rows = []
    for shape, outcome in result["shapes"].items():
        prefix = "load" if shape == "direct" else f"load via {shape}"
        processes = f"{outcome['servers']} × {outcome['workers_per_server']} gunicorn workers"
        if outcome["celery_workers"]:
            processes += f", {outcome['celery_workers']} Celery workers"
        outbox = outcome["outbox"]
        if outbox:
            processes += f"; outbox: {outbox['sent']} notifications, {outbox['emails']} emails"
        measured = [(f"{row['label']} ({row['queries']} queries)", row, row["errors"]) for row in outcome["rows"]]
        total = outcome["total"]
        measured.append((f"the whole mix ({total['per_second']:.1f} requests a second)", total, 0))
        if "cpu_ms" in total:  # a median of one: the machine's busy CPU over the run ÷ its requests
            cpu = {"p50": total["cpu_ms"], "p95": total["cpu_ms"], "requests": total["requests"]}
            label = f"CPU a request, every process on the machine ({total['steal_percent']:.1f} % stolen)"
            measured.append((label, cpu, 0))
        rows.extend(
            {
                "name": f"{prefix}: {label}",
                "median_ms": round(max(row["p50"], 0.001), 3),
                "p95_ms": round(max(row["p95"], row["p50"], 0.001), 3),
                "ratio": None,
                "n": row.get("n", row.get("requests")),
                "data_size": f"{size}; {processes}" + (f"; {errors} errors" if errors else ""),
                "date": bench.started,
                "machine": bench.machine,
            }
            for label, row, errors in measured
        )
    measured = result["measured"]
    filter_size = f"a coordinator holding {measured['held']:,} of {measured['cases']:,} cases; first page of 50"
    rows += [
        bench.measure("permission filter: case list, unfiltered", measured["unfiltered_ms"], data_size=filter_size),
        bench.measure(
            "permission filter: case list, a coordinator's (ratio to unfiltered)",
            measured["filtered_ms"],
            data_size=filter_size,
            ratio=filter_ratio(measured),
        ),
        bench.measure(
            "verify_audit on the generated trail, ms per million links",
            [verify_seconds_per_million(measured) * 1000],
            data_size=f"{measured['links']:,} links",
        ),
    ]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, fewer repetitions")
    parser.add_argument(
        "--smoke", action="store_true", help="a hundredth of the data, a few repetitions (the test suite's run)"
    )
    parser.add_argument("-k", dest="only", default="", help="run only benchmarks whose module name contains this")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--no-load", action="store_true", help="skip the run under gunicorn with concurrent clients")
    args = parser.parse_args()
    with_load = not args.no_load and (not args.only or args.only in "load")
    with own_redis():
        return _run(args, with_load)


@contextlib.contextmanager
def own_redis():
    """A Redis of the run's own for everything it starts: the API's throttle counts (kept by user id) and any task
    never meet the test suite's or a developer's, whose users have the same ids."""
    from bench.processes import redis_start, redis_url, stop_all

    with tempfile.TemporaryDirectory(prefix="bench-redis.", dir=os.environ.get("MENTORPROGRAM_TEST_TMP")) as tmp:
        server = redis_start(Path(tmp) / "redis")
        os.environ["REDIS_URL"] = redis_url(Path(tmp) / "redis")
        try:
            yield
        finally:
            stop_all([server])


def _run(args, with_load: bool) -> int:
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # A database of its own, so a benchmark never clobbers the test suite's.
    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}), "NAME": f"bench_{old_name}"}
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    bench = Bench(mode="smoke" if args.smoke else "quick" if args.quick else "full")
    results = []
    empty = None
    if with_load:
        # A copy of the freshly migrated database, for the run under load (migrating another costs ~10 s).
        from bench.load import create_database

        empty = f"load_{os.getpid()}"
        connection.close()
        create_database(empty, template=connection.settings_dict["NAME"])
    try:
        for path in sorted((ROOT / "bench").glob("bench_*.py")):
            if args.only and args.only not in path.stem:
                continue
            module = importlib.import_module(f"bench.{path.stem}")
            for benchmark in module.BENCHMARKS:
                print(f"running {path.stem}.{benchmark.__name__} ...", file=sys.stderr)
                results.extend(benchmark(bench))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if with_load:
        results.extend(load_results(bench, empty))

    out = args.output
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\n{'benchmark':<44} {'median ms':>10} {'p95 ms':>10} {'ratio':>7} {'n':>6}  data")
    for r in results:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        print(f"{r['name']:<44} {r['median_ms']:>10.2f} {r['p95_ms']:>10.2f} {ratio:>7} {r['n']:>6}  {r['data_size']}")
    print(f"\nwritten to {out} — {bench.machine}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
