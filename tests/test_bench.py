"""`make bench` keeps working: a smoke run writes results in the agreed shape."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_the_benchmark_runner_writes_results(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke", "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(out.read_text())
    assert any(r["name"] == "landing page render" for r in results)
    for r in results:
        assert set(r) == {"name", "median_ms", "p95_ms", "ratio", "n", "data_size", "date", "machine"}
        assert 0 < r["median_ms"] <= r["p95_ms"]
