"""How often the percentile bootstrap's nominal 95 % interval of a median covers the true
median, by sample size: the figures behind Reports/benchmarks.md's note on why the
checkpoint and the reports use order-statistic intervals instead (MedianInterval).

    python3 Tests/AnalysisTests/Reference/bootstrap_median_coverage.py   # ~1 min on 2 cores

Seeded (NumPy's default_rng(2)): the same library versions print the same table.
"""
import numpy as np

rng = np.random.default_rng(2)


def coverage(n, trials=2000, resamples=2000, dist="lognormal"):
    covered = 0
    for _ in range(trials):
        if dist == "lognormal":
            x, true = rng.lognormal(0, 0.5, n), 1.0
        else:
            x, true = rng.exponential(1, n), np.log(2)
        medians = np.median(x[rng.integers(0, n, (resamples, n))], axis=1)
        low, high = np.quantile(medians, [0.025, 0.975])
        covered += low <= true <= high
    return covered / trials


print("n  lognormal(0, 0.5)  exponential(1)")
for n in [3, 4, 5, 6, 8, 10, 15, 20, 30]:
    print(f"{n:<2} {coverage(n):.3f}              {coverage(n, dist='exponential'):.3f}")
