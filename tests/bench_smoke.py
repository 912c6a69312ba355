"""The smoke run of `make bench` (tests/test_bench.py), started as soon as the run knows it will be among its tests.

It is about a minute of processes of its own (a database, gunicorn, PgBouncer, Celery workers and a Redis of its
own, see bench/run.py) that wait on each other as much as they work: the rest of the suite runs meanwhile, and the
test collects what it wrote. Its numbers mean nothing then, and a smoke run's never did: it shows the bench runs.

With several test processes (pytest-xdist, as `make test` runs), the controller starts it once and whichever
process runs the test reads its directory: the outcome is in files (``returncode``, ``stderr.txt``,
``results.json``), not in a process handle.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.conftest import ROOT, stop_worker

TEST_ID = "tests/test_bench.py::test_the_benchmark_runner_writes_results"


class SmokeRun:
    def __init__(self, directory: Path):
        self.directory = directory
        self.output = directory / "results.json"
        self.process = None

    @staticmethod
    def new_directory() -> Path:
        return Path(tempfile.mkdtemp(prefix="bench-smoke.", dir=os.environ.get("MENTORPROGRAM_TEST_TMP")))

    @classmethod
    def start(cls, directory: Path | None = None) -> "SmokeRun":
        run = cls(directory or cls.new_directory())
        log = (run.directory / "stderr.txt").open("w")
        run.process = subprocess.Popen(
            [sys.executable, "bench/run.py", "--smoke", "--output", str(run.output)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )

        def record_the_outcome():
            returncode = run.process.wait()
            log.close()
            (run.directory / "returncode.tmp").write_text(str(returncode))
            (run.directory / "returncode.tmp").rename(run.directory / "returncode")

        threading.Thread(target=record_the_outcome, daemon=True).start()
        return run

    def wait(self, timeout: float) -> tuple[int, str]:
        """The run's exit status and the end of what it said."""
        finished = self.directory / "returncode"
        deadline = time.monotonic() + timeout
        while not finished.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the smoke bench did not finish within {timeout:.0f} s")
            time.sleep(0.5)
        return int(finished.read_text()), (self.directory / "stderr.txt").read_text()[-3000:]

    def stop(self) -> None:
        if self.process is not None:
            stop_worker(self.process)  # ended already, unless the session stopped before its test
        shutil.rmtree(self.directory, ignore_errors=True)
