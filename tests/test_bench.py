"""`make bench` keeps working: a smoke run writes results in the agreed shape."""

import json


def test_the_benchmark_runner_writes_results(bench_smoke):
    # Started with the session (tests/bench_smoke.py): the rest of the suite ran meanwhile.
    returncode, said = bench_smoke.wait(timeout=600)
    assert returncode == 0, said
    results = json.loads(bench_smoke.output.read_text())
    assert any(r["name"] == "landing page render" for r in results)
    # The run under load: gunicorn with production settings on generated data, concurrent clients, no errors.
    load = [r for r in results if r["name"].startswith("load: ")]
    assert any(r["name"].startswith("load: the whole mix (") for r in load)
    assert load and not any("errors" in r["data_size"] for r in load), [r for r in load if "errors" in r["data_size"]]
    # The same through PgBouncer (transaction mode) with two gunicorn processes and two Celery workers, whose two
    # outbox relays delivered each notification exactly once (the run stops otherwise).
    pooled = [r for r in results if r["name"].startswith("load via pgbouncer: ")]
    assert {r["name"].split(" (")[0].split(": ", 1)[1] for r in pooled} == {
        r["name"].split(" (")[0].split(": ", 1)[1] for r in load
    }
    assert not any("errors" in r["data_size"] for r in pooled)
    whole = next(r for r in pooled if "the whole mix" in r["name"])
    assert "2 Celery workers; outbox: 50 notifications, 50 emails" in whole["data_size"]
    # On the generated data: the permission filter's cost as a ratio, and verify_audit over the whole trail.
    by_name = {r["name"]: r for r in results}
    assert by_name["permission filter: case list, a coordinator's (ratio to unfiltered)"]["ratio"] > 0
    assert "links" in by_name["verify_audit on the generated trail, ms per million links"]["data_size"]
    for r in results:
        assert set(r) == {"name", "median_ms", "p95_ms", "ratio", "n", "data_size", "date", "machine"}
        assert 0 < r["median_ms"] <= r["p95_ms"]


def test_the_load_run_reports_the_machines_cpu_a_request():
    import os

    from bench.load import cpu_per_request, machine_cpu

    ticks = os.sysconf("SC_CLK_TCK")
    measured = cpu_per_request((100, 0, 1000), (100 + 2 * ticks, 10, 1400), 20)
    assert measured == {"cpu_ms": 100.0, "steal_percent": 2.5}  # 2 s of busy CPU over 20 requests; 10 of 400 ticks
    assert cpu_per_request(None, (1, 0, 1), 20) == {} and cpu_per_request((1, 0, 1), (2, 0, 2), 0) == {}
    busy, steal, every = machine_cpu()  # this machine is Linux: /proc/stat is there
    assert 0 < busy <= every and 0 <= steal <= every
