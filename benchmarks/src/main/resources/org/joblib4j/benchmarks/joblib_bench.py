"""joblib's backends on the same workloads as ThreadingBenchmark.java and Comparison.java.

Invoked by the Java harness (org.joblib4j.benchmarks.PythonJoblib); prints one line per
measurement, which the harness parses:

    META <key> <value>
    RESULT <section> <implementation> <tasks> <nanos> <nanos> ...

Sections: "noop" (tasks that return their argument), "cpu" (CPU-bound tasks calibrated to
--cpu-ms milliseconds each in pure Python), and, when asked for, "latency" (one call of
--latency-tasks no-op tasks, repeated --latency-runs times) and "io" (--io-tasks tasks that each
sleep --io-ms milliseconds, threading only, n_jobs=--io-jobs). --backends lists the joblib
backends to run (n_jobs=2 everywhere else). Each measurement is repeated --runs times, or fewer
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


def joblib_on(backend, tasks, n_jobs=2):
    return Parallel(n_jobs=n_jobs, backend=backend)(tasks)


def wait(i, ms):
    time.sleep(ms / 1000.0)
    return i


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
    ap.add_argument("--backends", default="threading")
    ap.add_argument("--latency-tasks", type=int, default=0, help="0: no latency section")
    ap.add_argument("--latency-runs", type=int, default=30)
    ap.add_argument("--io-tasks", type=int, default=0, help="0: no io section")
    ap.add_argument("--io-ms", type=float, default=10.0)
    ap.add_argument("--io-jobs", type=int, default=64)
    a = ap.parse_args()
    backends = a.backends.split(",")

    print("META python %s" % platform.python_version(), flush=True)
    print("META joblib %s" % joblib.__version__, flush=True)

    # warm-up (loky starts its reusable workers here)
    for b in backends:
        joblib_on(b, (delayed(noop)(i) for i in range(10_000)))
    thread_pool_executor(noop, range(10_000))

    for n in [int(s) for s in a.sizes.split(",")]:
        def check(r, n=n):
            assert len(r) == n and r[-1] == n - 1
        for b in backends:
            emit("noop", "joblib-" + b, n,
                 sample("noop %d joblib %s" % (n, b), a.runs, a.budget,
                        lambda n=n, b=b: joblib_on(b, (delayed(noop)(i) for i in range(n))), check))
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
    for b in backends:
        emit("cpu", "joblib-" + b, t,
             sample("cpu joblib %s" % b, a.runs, 3 * a.budget,
                    lambda b=b: joblib_on(b, (delayed(spin)(iterations) for _ in range(t))),
                    check_cpu))

    n = a.latency_tasks
    if n > 0:
        def check_latency(r):
            assert len(r) == n and r[-1] == n - 1
        for b in backends:
            emit("latency", "joblib-" + b, n,
                 sample("latency %d joblib %s" % (n, b), a.latency_runs, a.budget,
                        lambda b=b: joblib_on(b, (delayed(noop)(i) for i in range(n))),
                        check_latency))

    n = a.io_tasks
    if n > 0 and "threading" in backends:
        def check_io(r):
            assert len(r) == n and r[-1] == n - 1
        emit("io", "joblib-threading", n,
             sample("io %d joblib threading" % n, a.runs, a.budget,
                    lambda: joblib_on("threading", (delayed(wait)(i, a.io_ms) for i in range(n)),
                                      a.io_jobs),
                    check_io))


if __name__ == "__main__":
    main()
