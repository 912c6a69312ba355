"""The smoke run of `make bench` (tests/test_bench.py), started as soon as the session knows it will run.

It is about a minute of processes of its own (a database, gunicorn, PgBouncer, Celery workers and a Redis of its
own, see bench/run.py) that wait on each other as much as they work: the rest of the suite runs meanwhile, and the
test collects what it wrote. Its numbers mean nothing then, and a smoke run's never did: it shows the bench runs.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import ROOT, stop_worker

TEST_ID = "tests/test_bench.py::test_the_benchmark_runner_writes_results"


class SmokeRun:
    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="bench-smoke.", dir=os.environ.get("MENTORPROGRAM_TEST_TMP")))
        self.output = self.directory / "results.json"
        self._log = (self.directory / "stderr.txt").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "bench/run.py", "--smoke", "--output", str(self.output)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )

    def wait(self, timeout: float) -> tuple[int, str]:
        """The run's exit status and the end of what it said."""
        returncode = self.process.wait(timeout=timeout)
        self._log.flush()
        return returncode, (self.directory / "stderr.txt").read_text()[-3000:]

    def stop(self) -> None:
        stop_worker(self.process)  # ended already, unless the session stopped before its test
        self._log.close()
        shutil.rmtree(self.directory, ignore_errors=True)
