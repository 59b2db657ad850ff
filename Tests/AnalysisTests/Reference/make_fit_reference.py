"""Reference values for DistributionFit (lognormal and gamma MLE, Kolmogorov-Smirnov).

Writes fit_reference.json next to this file: seeded data sets of service times (ms)
and what SciPy computes for them. Run: python3 make_fit_reference.py
"""
import json
import pathlib

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261125)
sets = {
    "lognormal_200": rng.lognormal(mean=np.log(20.0), sigma=0.2, size=200),
    "gamma_500": rng.gamma(shape=6.0, scale=8.0, size=500),
    "uniform_100": rng.uniform(40.0, 60.0, size=100),
}


def kolmogorov_q(d, n):
    # Stephens' corrected argument, then the Kolmogorov limit distribution's tail.
    lam = (np.sqrt(n) + 0.12 + 0.11 / np.sqrt(n)) * d
    return float(stats.kstwobign.sf(lam))


out = {"scipy": scipy.__version__, "numpy": np.__version__, "sets": {}}
for name, data in sets.items():
    s, _, scale = stats.lognorm.fit(data, floc=0)
    zeta, sigma = float(np.log(scale)), float(s)
    d_log = float(stats.kstest(data, "lognorm", args=(sigma, 0, scale)).statistic)
    a, _, theta = stats.gamma.fit(data, floc=0, method="MLE")
    d_gamma = float(stats.kstest(data, "gamma", args=(a, 0, theta)).statistic)
    out["sets"][name] = {
        "data": [float(x) for x in data],
        "lognormal": {"zeta": zeta, "sigma": sigma, "ks": d_log, "p": kolmogorov_q(d_log, len(data))},
        "gamma": {"shape": float(a), "scale": float(theta), "ks": d_gamma, "p": kolmogorov_q(d_gamma, len(data))},
    }

path = pathlib.Path(__file__).with_name("fit_reference.json")
path.write_text(json.dumps(out, indent=1))
print(f"wrote {path} with scipy {scipy.__version__}")
