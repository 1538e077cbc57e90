# Shared by the PyTorch peers of bench/run.sh: the thread setting, the tutorials' SGD step, median
# timings and peak RSS.
import os
import resource
import statistics
import time

import torch


def use_bench_threads():
    """Runs torch on BENCH_THREADS threads (bench/run.sh sets it; 2 by default)."""
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))


def sgd_step(params, lr):
    """The tutorials' update p := p - lr * grad(p), after cost.backward()."""
    with torch.no_grad():
        for p in params:
            p.sub_(lr * p.grad)
            p.grad.zero_()


def median_time(runs, f):
    """Median seconds of `runs` calls of f, after one warm-up call."""
    f()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
