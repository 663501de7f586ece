"""joblib's loky and multiprocessing on the same workloads as ProcessBenchmark (medians, seconds)."""
import json, statistics, subprocess, sys, time
import numpy as np
from joblib import Parallel, delayed

def noop(x):
    return x

def cpu(ms):
    end = time.perf_counter() + ms / 1000.0
    x = 0
    while time.perf_counter() < end:
        x += 1
    return x

def touch(a, i):
    return float(a[i])

def med(f, n):
    xs = []
    for _ in range(n):
        t = time.perf_counter(); f(); xs.append(time.perf_counter() - t)
    return statistics.median(xs)

out = {}
if sys.argv[1] == "cold":
    t = time.perf_counter(); Parallel(n_jobs=2)(delayed(noop)(i) for i in range(10)); print(time.perf_counter() - t); sys.exit(0)
cold = []
for _ in range(5):
    cold.append(float(subprocess.check_output([sys.executable, __file__, "cold"]).decode().strip()))
out["loky_cold"] = statistics.median(cold)
Parallel(n_jobs=2)(delayed(noop)(i) for i in range(10))
out["loky_warm"] = med(lambda: Parallel(n_jobs=2)(delayed(noop)(i) for i in range(10)), 30)
for n in (10_000, 100_000):
    out["loky_tp_%d" % n] = n / med(lambda: Parallel(n_jobs=2)(delayed(noop)(i) for i in range(n)), 3)
seq = med(lambda: [cpu(100) for _ in range(16)], 3)
out["loky_speedup"] = seq / med(lambda: Parallel(n_jobs=2)(delayed(cpu)(100) for _ in range(16)), 3)
a = np.zeros(10 * 1024 * 1024 // 8)
out["loky_array_nomap"] = med(lambda: Parallel(n_jobs=2, max_nbytes=None)(delayed(touch)(a, i) for i in range(20)), 5) / 20
out["loky_array_map"] = med(lambda: Parallel(n_jobs=2, max_nbytes="1M")(delayed(touch)(a, i) for i in range(20)), 5) / 20
out["mp_call"] = med(lambda: Parallel(n_jobs=2, backend="multiprocessing")(delayed(noop)(i) for i in range(10)), 10)
out["mp_tp_100000"] = 100_000 / med(lambda: Parallel(n_jobs=2, backend="multiprocessing")(delayed(noop)(i) for i in range(100_000)), 3)
out["mp_speedup"] = seq / med(lambda: Parallel(n_jobs=2, backend="multiprocessing")(delayed(cpu)(100) for _ in range(16)), 3)
print(json.dumps(out))
