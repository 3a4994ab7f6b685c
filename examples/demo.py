"""The demo of `make demo`: the eight schools, sampled and summarised."""

import arviz as az
import numpy as np

import exmc

schools = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter",
           "Hotchkiss", "Lawrenceville", "St. Paul's", "Mt. Hermon"]
y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
sigma = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])

with exmc.Model(coords={"school": schools}) as eight_schools:
    mu = exmc.Normal("mu", mu=0, sigma=5)
    tau = exmc.HalfCauchy("tau", beta=5)
    theta = exmc.Normal("theta", mu=mu, sigma=tau, dims="school")
    exmc.Normal("y", mu=theta, sigma=sigma, observed=y, dims="school")

idata = exmc.sample(eight_schools, random_seed=8)
print(az.summary(idata, var_names=["mu", "tau", "theta"]))
stats = idata["sample_stats"]
print(f"\ndivergences: {int(stats['diverging'].sum())}; "
      f"sampling took {idata['posterior'].attrs['sampling_time']:.2f} s; "
      f"non-centred automatically: {idata['posterior'].attrs.get('noncentered') or 'none'}")
