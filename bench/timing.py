"""Milliseconds a call, for every benchmark: the runner's measures (bench/run.py) and the run under load's
(bench/load.py)."""

import time


def timed_ms(fn, *, n: int, warmup: int = 0) -> list[float]:
    """Call ``fn`` ``warmup`` times, then ``n`` times; milliseconds for each of the ``n`` calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples
