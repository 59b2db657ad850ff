#!/usr/bin/env python3
"""Reference numbers for Sources/Analysis, computed with SciPy / NumPy.

Writes reference.json next to this file: the data sets and, for each routine, the
numbers SciPy (or a short hand-coded NumPy formula where SciPy has no routine)
gives for them. The Swift tests (Tests/AnalysisTests) read the committed JSON, so
CI never needs Python. Regenerate with:

    pip install scipy numpy
    python3 Tests/AnalysisTests/Reference/make_reference.py

The library versions used are recorded in the JSON's "generator" object.
"""
import json
import math
import os
import platform
import sys

import numpy as np
import scipy
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240601)  # the data sets' seed; fixed so the JSON is stable


def rounded(values, digits):
    return [round(float(v), digits) for v in values]


def has_ties(*samples):
    pooled = np.concatenate([np.asarray(s, float) for s in samples])
    return len(np.unique(pooled)) < len(pooled)


# ---------------------------------------------------------------- data sets
data = {}
# Latency-like, continuous, rounded to 4 decimals (checked tie-free below).
data["latencyA"] = rounded(rng.lognormal(np.log(20.0), 0.35, 60), 4)
data["latencyB"] = rounded(rng.lognormal(np.log(23.0), 0.30, 80), 4)
data["latencyC"] = rounded(rng.lognormal(np.log(13.0), 0.30, 250), 4)
# Heavy ties: small integers.
data["tiesA"] = [float(v) for v in rng.integers(0, 10, 30)]
data["tiesB"] = [float(v) for v in rng.integers(2, 12, 25)]
# Small n, no ties: the exact Mann-Whitney cases.
data["small5"] = rounded(rng.normal(10, 2, 5), 3)
data["small7"] = rounded(rng.normal(13, 2, 7), 3)
data["small8"] = rounded(rng.normal(10, 2, 8), 3)
data["small6"] = rounded(rng.normal(10.5, 2, 6), 3)
data["small3"] = rounded(rng.normal(10, 2, 3), 3)
data["medium12"] = rounded(rng.normal(11, 2, 12), 3)
data["tiny3"] = rounded(rng.normal(11, 2, 3), 3)
# Completely separated small samples: the exact p-value's far tail.
data["separatedLow"] = [1.5, 2.25, 3.0, 4.75, 5.5]
data["separatedHigh"] = [6.0, 7.25, 8.5, 9.0, 10.75, 11.5, 12.0, 13.25]
# Small n with ties: asymptotic although n ≤ 8.
data["smallTies6"] = [3.0, 4.0, 4.0, 5.0, 7.0, 8.0]
data["smallTies7"] = [4.0, 5.0, 6.0, 6.0, 8.0, 9.0, 9.0]
# Unequal sizes, no ties.
data["unequal12"] = rounded(rng.normal(50, 5, 12), 3)
data["unequal50"] = rounded(rng.normal(47, 8, 50), 3)
# Kruskal-Wallis groups (with ties, rounded to 1 decimal).
data["groupA"] = rounded(rng.normal(5.0, 1.0, 10), 1)
data["groupB"] = rounded(rng.normal(5.6, 1.0, 14), 1)
data["groupC"] = rounded(rng.normal(6.1, 1.2, 9), 1)
# Linear with noise; power law with multiplicative noise.
data["linearX"] = [float(v) for v in range(1, 31)]
data["linearY"] = rounded(2.0 + 0.5 * np.arange(1, 31) + rng.normal(0, 1.0, 30), 4)
power_x = np.array([1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64], float)
data["powerX"] = [float(v) for v in power_x]
data["powerY"] = rounded(3.0 * power_x ** 0.8 * np.exp(rng.normal(0, 0.05, len(power_x))), 4)
# Equivalence: two samples whose means differ by little.
data["equivX"] = rounded(rng.normal(100.0, 3.0, 40), 3)
data["equivY"] = rounded(rng.normal(100.5, 3.5, 45), 3)

for name in ["latencyA", "latencyB", "latencyC", "small5", "small7", "small8", "small6",
             "small3", "tiny3", "medium12", "unequal12", "unequal50"]:
    assert not has_ties(data[name]), name
assert has_ties(data["tiesA"]) and has_ties(data["smallTies6"], data["smallTies7"])

D = {k: np.asarray(v, float) for k, v in data.items()}

# ---------------------------------------------------------------- descriptive
quantile_ps = [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0]
descriptive = []
for name in ["latencyA", "tiesA", "small5", "small3", "linearY"]:
    v = D[name]
    descriptive.append({
        "data": name, "count": len(v), "mean": float(np.mean(v)),
        "variance": float(np.var(v, ddof=1)), "sd": float(np.std(v, ddof=1)),
        "median": float(np.median(v)), "min": float(np.min(v)), "max": float(np.max(v)),
        "quantiles": [[p, float(np.quantile(v, p))] for p in quantile_ps],  # method='linear'
    })

# ---------------------------------------------------------------- Mann-Whitney
def mwu_method(x, y):
    # scipy's _mwu_choose_method for method='auto' (restated here so the JSON says it)
    if len(x) > 8 and len(y) > 8:
        return "asymptotic"
    return "asymptotic" if has_ties(x, y) else "exact"

mann_whitney = []
for xn, yn in [("small5", "small7"), ("small8", "small6"), ("small3", "medium12"),
               ("small7", "small5"), ("smallTies6", "smallTies7"), ("latencyA", "latencyB"),
               ("tiesA", "tiesB"), ("unequal12", "unequal50"), ("small8", "small8"),
               ("separatedLow", "separatedHigh"), ("separatedHigh", "separatedLow"),
               ("small3", "latencyC")]:
    assert xn == yn or not has_ties(D[xn], D[yn]) or mwu_method(D[xn], D[yn]) == "asymptotic"
    r = stats.mannwhitneyu(D[xn], D[yn], alternative="two-sided", method="auto",
                           use_continuity=True)
    mann_whitney.append({"x": xn, "y": yn, "u": float(r.statistic), "p": float(r.pvalue),
                         "method": mwu_method(D[xn], D[yn])})

# ---------------------------------------------------------------- Welch
welch = []
for xn, yn in [("latencyA", "latencyB"), ("small5", "small7"), ("unequal12", "unequal50"),
               ("tiesA", "tiesB"), ("latencyA", "latencyC"), ("small8", "small8")]:
    r = stats.ttest_ind(D[xn], D[yn], equal_var=False)
    vx, vy = np.var(D[xn], ddof=1) / len(D[xn]), np.var(D[yn], ddof=1) / len(D[yn])
    df = (vx + vy) ** 2 / (vx ** 2 / (len(D[xn]) - 1) + vy ** 2 / (len(D[yn]) - 1))
    welch.append({"x": xn, "y": yn, "t": float(r.statistic), "df": float(df), "p": float(r.pvalue)})

# ---------------------------------------------------------------- Kruskal-Wallis
kruskal = []
for groups in [["groupA", "groupB", "groupC"], ["latencyA", "latencyB", "latencyC"],
               ["tiesA", "tiesB"], ["small5", "small7", "small8", "small6"]]:
    r = stats.kruskal(*[D[g] for g in groups])
    kruskal.append({"groups": groups, "h": float(r.statistic), "df": len(groups) - 1,
                    "p": float(r.pvalue)})

# ---------------------------------------------------------------- Holm (hand-coded NumPy,
# statsmodels multipletests(method='holm') semantics: step-down, cumulative max, clip at 1)
def holm(p):
    p = np.asarray(p, float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted_sorted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adjusted_sorted
    return out

holm_cases = []
for p in [[0.01, 0.04, 0.03, 0.005], [0.2, 0.2, 0.01, 0.5, 0.04], [0.9, 0.8],
          [0.03], [m["p"] for m in mann_whitney], [0.001, 0.001, 0.001]]:
    holm_cases.append({"p": [float(v) for v in p], "adjusted": [float(v) for v in holm(p)]})

# ---------------------------------------------------------------- Hodges-Lehmann, Cliff's delta
def exact_mwu_cdf(k, m, n):
    """P(U ≤ k) under H0 from scipy's exact Mann-Whitney distribution.

    Builds tie-free samples x (size m), y (size n) whose U of x is exactly k, then asks
    scipy for the one-sided exact p-value P(U_x ≤ k) (alternative='less').
    """
    c, remaining = [0] * m, k
    for i in reversed(range(m)):           # c[i] = number of y below x[i], nondecreasing
        c[i] = min(n, remaining)
        remaining -= c[i]
    assert remaining == 0
    y = np.arange(n, dtype=float)
    x = np.array([ci - 0.5 + 1e-6 * i for i, ci in enumerate(c)])
    r = stats.mannwhitneyu(x, y, alternative="less", method="exact")
    assert r.statistic == k
    return float(r.pvalue)

def hodges_lehmann(x, y, level):
    m, n = len(x), len(y)
    diffs = np.sort((y[None, :] - x[:, None]).ravel())
    estimate = float(np.median(diffs))
    alpha = 1 - level
    # The rule (the Swift code states the same): k = the largest integer with
    # P(U ≤ k − 1) ≤ α/2 under H0; interval = [D_(k), D_(mn − k + 1)] (1-based order
    # statistics of the mn differences); achieved level 1 − 2·P(U ≤ k − 1).
    if min(m, n) <= 8 and not has_ties(x, y):
        method = "exact"
        k = 0
        while exact_mwu_cdf(k, m, n) <= alpha / 2:   # P(U ≤ (k+1) − 1) ≤ α/2
            k += 1
        achieved = 1 - 2 * (exact_mwu_cdf(k - 1, m, n) if k >= 1 else 0.0)
    else:
        method = "asymptotic"
        sigma = math.sqrt(m * n * (m + n + 1) / 12)
        z = stats.norm.ppf(1 - alpha / 2)
        k = math.floor(m * n / 2 + 0.5 - z * sigma)
        achieved = 1 - 2 * stats.norm.cdf((k - 1 + 0.5 - m * n / 2) / sigma)
    entry = {"estimate": estimate, "method": method, "k": int(k)}
    if k >= 1:
        entry.update({"lower": float(diffs[k - 1]), "upper": float(diffs[m * n - k]),
                      "achievedLevel": float(achieved)})
    return entry

def cliffs_delta(x, y):
    # δ = P(Y > X) − P(Y < X), over all pairs (positive when y tends to be larger)
    gt = np.sum(y[None, :] > x[:, None]); lt = np.sum(y[None, :] < x[:, None])
    return float((gt - lt) / (len(x) * len(y)))

effect = []
for xn, yn, level in [("small5", "small7", 0.95), ("small8", "small6", 0.90),
                      ("small3", "medium12", 0.95), ("latencyA", "latencyB", 0.95),
                      ("tiesA", "tiesB", 0.95), ("unequal12", "unequal50", 0.99),
                      ("latencyA", "latencyC", 0.95), ("smallTies6", "smallTies7", 0.95),
                      ("small3", "tiny3", 0.95), ("small3", "tiny3", 0.80),
                      ("separatedLow", "separatedHigh", 0.95)]:
    entry = {"x": xn, "y": yn, "level": level}
    entry.update(hodges_lehmann(D[xn], D[yn], level))
    entry["cliffsDelta"] = cliffs_delta(D[xn], D[yn])
    effect.append(entry)

# ---------------------------------------------------------------- fits
def linear_fit(x, y, level, at):
    r = stats.linregress(x, y)
    n = len(x); dof = n - 2
    t = stats.t.ppf(0.5 + level / 2, dof)
    yhat = r.intercept + r.slope * x
    s = math.sqrt(np.sum((y - yhat) ** 2) / dof)
    sxx = np.sum((x - x.mean()) ** 2)
    preds = []
    for x0 in at:
        fit = r.intercept + r.slope * x0
        se_fit = s * math.sqrt(1 / n + (x0 - x.mean()) ** 2 / sxx)
        se_pred = s * math.sqrt(1 + 1 / n + (x0 - x.mean()) ** 2 / sxx)
        preds.append({"at": x0, "fit": fit,
                      "confidence": [fit - t * se_fit, fit + t * se_fit],
                      "prediction": [fit - t * se_pred, fit + t * se_pred]})
    return {"level": level, "intercept": float(r.intercept), "slope": float(r.slope),
            "interceptSE": float(r.intercept_stderr), "slopeSE": float(r.stderr),
            "interceptCI": [r.intercept - t * r.intercept_stderr, r.intercept + t * r.intercept_stderr],
            "slopeCI": [r.slope - t * r.stderr, r.slope + t * r.stderr],
            "r2": float(r.rvalue ** 2), "dof": dof, "residualSE": s, "predictions": preds}

linear = [dict(x="linearX", y="linearY", **linear_fit(D["linearX"], D["linearY"], 0.95, [0.0, 15.5, 40.0])),
          dict(x="powerX", y="powerY", **linear_fit(D["powerX"], D["powerY"], 0.90, [10.0]))]

lx, ly = np.log(D["powerX"]), np.log(D["powerY"])
log_fit = linear_fit(lx, ly, 0.95, [math.log(10.0), math.log(100.0)])
power = {"x": "powerX", "y": "powerY", "level": 0.95,
         "a": math.exp(log_fit["intercept"]), "b": log_fit["slope"],
         "aCI": [math.exp(v) for v in log_fit["interceptCI"]], "bCI": log_fit["slopeCI"],
         "r2Log": log_fit["r2"], "dof": log_fit["dof"],
         "predictions": [{"at": math.exp(p["at"]), "fit": math.exp(p["fit"]),
                          "confidence": [math.exp(v) for v in p["confidence"]],
                          "prediction": [math.exp(v) for v in p["prediction"]]}
                         for p in log_fit["predictions"]]}

# ---------------------------------------------------------------- TOST (Welch)
# Difference d = mean(y) − mean(x). Lower test H0: d ≤ −margin, upper test H0: d ≥ +margin,
# each a one-sided Welch test done by scipy on a shifted x; p = max of the two.
tost = []
for xn, yn, margin, alpha in [("equivX", "equivY", 3.0, 0.05), ("equivX", "equivY", 2.0, 0.05), ("equivX", "equivY", 0.5, 0.05),
                              ("latencyA", "latencyB", 1.0, 0.05), ("small5", "small7", 5.0, 0.10)]:
    x, y = D[xn], D[yn]
    p_lower = stats.ttest_ind(y, x - margin, equal_var=False, alternative="greater").pvalue
    p_upper = stats.ttest_ind(y, x + margin, equal_var=False, alternative="less").pvalue
    p = max(p_lower, p_upper)
    tost.append({"x": xn, "y": yn, "margin": margin, "alpha": alpha, "pLower": float(p_lower),
                 "pUpper": float(p_upper), "p": float(p), "equivalent": bool(p < alpha),
                 "difference": float(y.mean() - x.mean())})

# ---------------------------------------------------------------- bootstrap
# (1) Exact: GSLRandom's draws replayed in NumPy — GSL's mt19937 is seeded like
#     NumPy's legacy MT19937 seeding (Knuth's init_genrand), and gsl_rng_uniform_int is
#     reproduced below — so the Swift intervals must match these to 1e-9.
class GslUniformInt:
    def __init__(self, seed):
        seed = 0x9E3779B9 if seed == 0 else seed            # GSLRandom's substitution for 0
        self.bits = np.random.MT19937(0)
        self.bits._legacy_seeding(seed & 0xFFFFFFFF)        # gsl mt_set: s & 0xffffffff
        self.buffer, self.pos = np.empty(0, np.uint64), 0

    def raw(self):
        if self.pos == len(self.buffer):
            self.buffer, self.pos = self.bits.random_raw(65536), 0
        v = int(self.buffer[self.pos]); self.pos += 1
        return v

    def below(self, n):                                      # gsl_rng_uniform_int
        scale = 0xFFFFFFFF // n
        while True:
            k = self.raw() // scale
            if k < n:
                return k

def resample_indices(seed, sizes, resamples):
    """Index arrays in the Swift draw order: per resample, each sample in turn."""
    g = GslUniformInt(seed)
    out = [np.empty((resamples, n), np.int64) for n in sizes]
    for b in range(resamples):
        for j, n in enumerate(sizes):
            out[j][b] = [g.below(n) for _ in range(n)]
    return out

def interval_from_distribution(samples, statistic, theta_b, level, method):
    """scipy.stats.bootstrap's percentile / BCa rule on a given bootstrap distribution."""
    alpha = (1 - level) / 2
    if method == "percentile":
        lo_p, hi_p = alpha, 1 - alpha
    else:
        theta_hat = statistic(*samples)
        percentile = (np.sum(theta_b < theta_hat) + np.sum(theta_b <= theta_hat)) / (2 * len(theta_b))
        z0 = stats.norm.ppf(percentile)
        num = den = 0.0
        for j, s in enumerate(samples):
            jack = np.array([statistic(*[np.delete(s, i) if jj == j else t
                                         for jj, t in enumerate(samples)]) for i in range(len(s))])
            n = len(s)
            u = (n - 1) * (jack.mean() - jack)
            num += np.sum(u ** 3) / n ** 3
            den += np.sum(u ** 2) / n ** 2
        a = num / 6 / den ** 1.5
        za = stats.norm.ppf(alpha)
        lo_p = stats.norm.cdf(z0 + (z0 + za) / (1 - a * (z0 + za)))
        hi_p = stats.norm.cdf(z0 + (z0 - za) / (1 - a * (z0 - za)))
    return [float(np.quantile(theta_b, lo_p)), float(np.quantile(theta_b, hi_p))]

STATISTICS = {
    "mean": lambda v: float(np.mean(v)),
    "median": lambda v: float(np.median(v)),
    "p90": lambda v: float(np.quantile(v, 0.9)),
}

def two_sample(kind, stat):
    f = STATISTICS[stat]
    return (lambda x, y: f(y) / f(x)) if kind == "ratio" else (lambda x, y: f(y) - f(x))

bootstrap_cases = [
    # (samples, kind, statistic, level, seed)
    (["latencyA"], "one", "mean", 0.95, 1),
    (["latencyA"], "one", "median", 0.95, 7),
    (["latencyC"], "one", "p90", 0.90, 3),
    (["latencyA", "latencyB"], "ratio", "median", 0.95, 11),
    (["latencyA", "latencyC"], "ratio", "p90", 0.95, 5),
    (["latencyA", "latencyB"], "difference", "mean", 0.95, 2),
]
EXACT_RESAMPLES = 2000        # small: the replay is a Python loop
SWIFT_RESAMPLES = 10_000      # what the Swift tolerance test runs
SCIPY_RESAMPLES = 200_000     # scipy's own Monte Carlo error made small next to Swift's
bootstrap = []
for names, kind, stat, level, seed in bootstrap_cases:
    samples = [D[n] for n in names]
    if kind == "one":
        fn, sfn = STATISTICS[stat], STATISTICS[stat]
    else:
        fn = two_sample(kind, stat)
    idx = resample_indices(seed, [len(s) for s in samples], EXACT_RESAMPLES)
    theta_b = np.array([fn(*[s[i[b]] for s, i in zip(samples, idx)]) for b in range(EXACT_RESAMPLES)])
    entry = {"samples": names, "kind": kind, "statistic": stat, "level": level, "seed": seed,
             "exactResamples": EXACT_RESAMPLES, "scipyResamples": SCIPY_RESAMPLES,
             "swiftResamples": SWIFT_RESAMPLES}
    for method in ["percentile", "bca"]:
        entry[method + "Exact"] = interval_from_distribution(samples, fn, theta_b, level, method)
        # scipy.stats.bootstrap itself (vectorized statistic over axis=-1)
        base = {"mean": np.mean, "median": np.median,
                "p90": lambda v, axis: np.quantile(v, 0.9, axis=axis)}[stat]
        if kind == "one":
            vec = lambda v, axis=-1: base(v, axis=axis)
        elif kind == "ratio":
            vec = lambda x, y, axis=-1: base(y, axis=axis) / base(x, axis=axis)
        else:
            vec = lambda x, y, axis=-1: base(y, axis=axis) - base(x, axis=axis)
        r = stats.bootstrap(tuple(samples), vec, n_resamples=SCIPY_RESAMPLES, batch=10_000,
                            confidence_level=level, method=method, vectorized=True,
                            rng=np.random.default_rng(1000 + seed))
        entry[method + "Scipy"] = [float(r.confidence_interval.low), float(r.confidence_interval.high)]
        # Monte Carlo spread of scipy's own endpoints at the Swift resample count
        # (sd over 40 seeds), recorded so the tolerance below can be judged.
        ends = []
        for s in range(40):
            rr = stats.bootstrap(tuple(samples), vec, n_resamples=SWIFT_RESAMPLES, batch=10_000,
                                 confidence_level=level, method=method, vectorized=True,
                                 rng=np.random.default_rng(5000 + s))
            ends.append([rr.confidence_interval.low, rr.confidence_interval.high])
        ends = np.array(ends)
        width = entry[method + "Scipy"][1] - entry[method + "Scipy"][0]
        entry[method + "MonteCarloSdOverWidth"] = [float(v) for v in ends.std(axis=0, ddof=1) / width]
    bootstrap.append(entry)

reference = {
    "generator": {"script": "Tests/AnalysisTests/Reference/make_reference.py",
                  "python": platform.python_version(), "numpy": np.__version__,
                  "scipy": scipy.__version__},
    "data": data,
    "descriptive": descriptive,
    "mannWhitney": mann_whitney,
    "welch": welch,
    "kruskal": kruskal,
    "holm": holm_cases,
    "effectSize": effect,
    "linear": linear,
    "powerLaw": power,
    "tost": tost,
    "bootstrap": bootstrap,
}

def plain(o):  # NumPy scalars → Python, so json writes them with full repr precision
    if isinstance(o, dict):
        return {k: plain(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [plain(v) for v in o]
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, float):
        assert math.isfinite(o), "reference contains a non-finite number"
    return o

with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(plain(reference), f, indent=1, allow_nan=False)
    f.write("\n")
print(f"wrote reference.json (python {platform.python_version()}, numpy {np.__version__}, "
      f"scipy {scipy.__version__})")
for b in bootstrap:
    print(b["samples"], b["kind"], b["statistic"], "MC sd/width",
          b["percentileMonteCarloSdOverWidth"], b["bcaMonteCarloSdOverWidth"])
