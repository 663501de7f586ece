"""joblib threading, n_jobs=64, on 10,000 tasks that each wait 10 ms (median of 3, seconds)."""
import statistics, sys, time
from joblib import Parallel, delayed

def wait(x):
    time.sleep(0.01)
    return x

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
xs = []
for _ in range(3):
    t = time.perf_counter()
    Parallel(n_jobs=64, backend="threading")(delayed(wait)(i) for i in range(n))
    xs.append(time.perf_counter() - t)
print(statistics.median(xs))
