"""joblib's threading backend on the same workloads as ThreadingBenchmark.java.

Invoked by the Java harness (org.joblib4j.benchmarks.PythonJoblib); prints one line per
measurement, which the harness parses:

    META <key> <value>
    RESULT <section> <implementation> <tasks> <nanos> <nanos> ...

Sections: "noop" (tasks that return their argument) and "cpu" (CPU-bound tasks calibrated to
--cpu-ms milliseconds each in pure Python). Each measurement is repeated --runs times, or fewer
when its runs have already taken --budget seconds (at least one run). The ThreadPoolExecutor rows are context only and skipped
above --executor-max-size tasks, to keep the whole run short.
"""
import argparse
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import joblib
from joblib import Parallel, delayed


def noop(i):
    return i


def spin(iterations):
    h = 0x9E3779B9
    acc = 0
    for _ in range(iterations):
        h = (h * 1103515245 + 12345) & 0xFFFFFFFF
        acc ^= h >> 7
    return acc


def joblib_threading(tasks):
    return Parallel(n_jobs=2, backend="threading")(tasks)


def thread_pool_executor(func, args):
    with ThreadPoolExecutor(max_workers=2) as ex:
        futures = [ex.submit(func, a) for a in args]
        return [f.result() for f in futures]


def sample(label, runs, budget, fn, check):
    times = []
    total = 0.0
    for r in range(runs):
        t0 = time.perf_counter_ns()
        result = fn()
        t1 = time.perf_counter_ns()
        check(result)
        times.append(t1 - t0)
        total += (t1 - t0) / 1e9
        print("[python] %s run %d/%d: %.3f s" % (label, r + 1, runs, (t1 - t0) / 1e9),
              file=sys.stderr, flush=True)
        if total >= budget:
            break
    return times


def emit(section, impl, tasks, times):
    print("RESULT %s %s %d %s" % (section, impl, tasks, " ".join(str(t) for t in times)), flush=True)


def calibrate(target_ms):
    n = 100_000
    spin(n)
    while True:
        t0 = time.perf_counter()
        spin(n)
        dt = time.perf_counter() - t0
        if dt > 0.2:
            break
        n *= 2
    best = []
    for _ in range(3):
        t0 = time.perf_counter()
        spin(n)
        best.append(time.perf_counter() - t0)
    per_iter = sorted(best)[1] / n
    return max(1, int(target_ms / 1000.0 / per_iter))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--budget", type=float, default=10.0)
    ap.add_argument("--cpu-tasks", type=int, default=16)
    ap.add_argument("--cpu-ms", type=float, default=100.0)
    ap.add_argument("--executor-max-size", type=int, default=100_000,
                    help="run the ThreadPoolExecutor context rows only up to this many tasks")
    a = ap.parse_args()

    print("META python %s" % platform.python_version(), flush=True)
    print("META joblib %s" % joblib.__version__, flush=True)

    # warm-up
    joblib_threading(delayed(noop)(i) for i in range(10_000))
    thread_pool_executor(noop, range(10_000))

    for n in [int(s) for s in a.sizes.split(",")]:
        def check(r, n=n):
            assert len(r) == n and r[-1] == n - 1
        emit("noop", "joblib-threading", n,
             sample("noop %d joblib threading" % n, a.runs, a.budget,
                    lambda n=n: joblib_threading(delayed(noop)(i) for i in range(n)), check))
        if n > a.executor_max_size:
            continue
        emit("noop", "ThreadPoolExecutor", n,
             sample("noop %d ThreadPoolExecutor" % n, a.runs, a.budget,
                    lambda n=n: thread_pool_executor(noop, range(n)), check))

    iterations = calibrate(a.cpu_ms)
    print("META cpu-iterations %d" % iterations, flush=True)
    t = a.cpu_tasks
    one = sample("cpu single task", 3, a.budget, lambda: spin(iterations), lambda r: None)
    emit("cpu", "single-task", 1, one)
    expected = [spin(iterations)] * t

    def check_cpu(r):
        assert list(r) == expected

    emit("cpu", "sequential", t,
         sample("cpu sequential", a.runs, 3 * a.budget,
                lambda: [spin(iterations) for _ in range(t)], check_cpu))
    emit("cpu", "joblib-threading", t,
         sample("cpu joblib threading", a.runs, 3 * a.budget,
                lambda: joblib_threading(delayed(spin)(iterations) for _ in range(t)), check_cpu))


if __name__ == "__main__":
    main()
