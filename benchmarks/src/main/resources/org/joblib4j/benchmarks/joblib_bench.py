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

With --grid-sizes (e.g. 1600x480x4@0.1/1/10,...: samples x features x folds @ penalties), sections
"grid-<n>x<p>": scikit-learn's GridSearchCV(Ridge(solver="cholesky"), the penalties, k-fold CV)
with n_jobs=1 ("sequential") and
n_jobs=2 on each of --grid-backends; "dask" runs on a LocalCluster of 2 single-thread worker
processes with scatter=[X, y], as the mission page does. The tasks count is the number of fits.
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


def grid_data(n, p, seed=42):
    import numpy as np
    rnd = np.random.default_rng(seed)
    factors = min(8, p)
    latent = rnd.standard_normal((n, factors))
    x = latent @ rnd.standard_normal((factors, p)) + 0.5 * rnd.standard_normal((n, p))
    coef = rnd.standard_normal(p) * np.where(np.arange(p) < max(1, p // 10), 3.0, 0.1)
    y = x @ coef + 8.0 * rnd.standard_normal(n)
    return x, y


def grid_search(x, y, alphas, folds, n_jobs):
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV, KFold
    gs = GridSearchCV(Ridge(solver="cholesky"), {"alpha": alphas},
                      cv=KFold(folds, shuffle=True, random_state=42), n_jobs=n_jobs)
    gs.fit(x, y)
    return gs.best_params_["alpha"]


def grid_section(a, backends):
    try:
        import sklearn
    except ImportError:
        print("META grid-skipped no sklearn (apt-get install python3-sklearn)", flush=True)
        return
    print("META sklearn %s" % sklearn.__version__, flush=True)
    client = None
    if "dask" in backends:
        try:
            from dask.distributed import Client, LocalCluster
            client = Client(LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                         dashboard_address=None))
        except Exception as e:  # not installed, or cannot start
            print("META grid-dask-skipped %s" % str(e).replace("\n", " ")[:200], flush=True)
            backends = [b for b in backends if b != "dask"]
    for spec in a.grid_sizes.split(","):
        shape, penalties = spec.split("@")
        n, p, folds = (int(v) for v in shape.split("x"))
        alphas = [float(v) for v in penalties.split("/")]
        fits = len(alphas) * folds
        x, y = grid_data(n, p)
        section = "grid-%dx%d" % (n, p)
        best = grid_search(x, y, alphas, folds, 1)  # warm-up
        check = lambda r: None
        emit(section, "sequential", fits,
             sample("%s sequential" % section, a.grid_runs, 3 * a.budget,
                    lambda: grid_search(x, y, alphas, folds, 1), check))
        for b in backends:
            if b == "dask":
                def run():
                    with joblib.parallel_backend("dask", scatter=[x, y]):
                        return grid_search(x, y, alphas, folds, 2)
            else:
                def run(b=b):
                    with joblib.parallel_backend(b):
                        return grid_search(x, y, alphas, folds, 2)
            run()  # warm-up: workers started, data shipped once
            emit(section, "joblib-" + b, fits,
                 sample("%s joblib %s" % (section, b), a.grid_runs, 3 * a.budget, run, check))
    if client is not None:
        client.close()


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
    ap.add_argument("--grid-sizes", default="", help="empty: no grid search section")
    ap.add_argument("--grid-backends", default="threading,loky,multiprocessing,dask")
    ap.add_argument("--grid-runs", type=int, default=3)
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


    if a.grid_sizes:
        grid_section(a, a.grid_backends.split(","))


if __name__ == "__main__":
    main()
