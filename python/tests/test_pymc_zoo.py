"""PyMC models written as PyMC users write them, shared by the tests of the
PyMC bridge: the seven benchmark models (bench/MODELS.md), the posteriordb
models (testdata/posteriordb) and a few common shapes of model."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

import pymc as pm
import pytensor
import pytensor.tensor as pt

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "data"
PDB = ROOT / "testdata" / "posteriordb"


def bench_data(name: str) -> dict:
    return json.loads((BENCH / f"{name}.json").read_text())


def pdb_data(name: str) -> dict:
    with zipfile.ZipFile(PDB / f"{name}.data.json.zip") as z:
        return json.loads(z.read(z.namelist()[0]))


def pdb_reference(posterior: str) -> dict[str, tuple[float, float]]:
    """Stan name ("beta[1]") -> (mean, sd) of the reference draws, the ten
    chains pooled."""
    with zipfile.ZipFile(PDB / f"{posterior}.reference.json.zip") as z:
        chains = json.loads(z.read(z.namelist()[0]))
    out = {}
    for name in chains[0]:
        draws = np.concatenate([np.asarray(c[name], dtype=float) for c in chains])
        out[name] = (float(draws.mean()), float(draws.std(ddof=1)))
    return out


# ---------------------------------------------------------------------------
# the seven benchmark models


def simple():
    y = np.asarray(bench_data("simple")["y"])
    with pm.Model() as m:
        mu = pm.Normal("mu", 0, 10)
        sigma = pm.Exponential("sigma", 1)
        pm.Normal("y", mu, sigma, observed=y)
    return m


def medium():
    d = bench_data("medium")
    with pm.Model() as m:
        mu_global = pm.Normal("mu_global", 0, 10)
        sigma_global = pm.Exponential("sigma_global", 1)
        alpha = pm.Normal("alpha", mu_global, sigma_global)
        beta = pm.Normal("beta", mu_global, sigma_global)
        sigma_obs = pm.Exponential("sigma_obs", 2)
        pm.Normal("y_alpha", alpha, sigma_obs, observed=np.asarray(d["y_alpha"]))
        pm.Normal("y_beta", beta, sigma_obs, observed=np.asarray(d["y_beta"]))
    return m


def stress():
    y = np.asarray(bench_data("stress")["y"])
    coords = {"group": ["a", "b", "c"], "obs": np.arange(y.shape[1])}
    with pm.Model(coords=coords) as m:
        mu_pop = pm.Normal("mu_pop", 0, 10)
        sigma_pop = pm.Exponential("sigma_pop", 1)
        alpha = pm.Normal("alpha", mu_pop, sigma_pop, dims="group")
        sigma = pm.Exponential("sigma", 1, dims="group")
        pm.Normal("y", alpha[:, None], sigma[:, None], observed=y, dims=("group", "obs"))
    return m


def eight_schools():
    d = bench_data("eight_schools")
    schools = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter",
               "Hotchkiss", "Lawrenceville", "St. Paul's", "Mt. Hermon"]
    with pm.Model(coords={"school": schools}) as m:
        sigma = pm.Data("sigma", np.asarray(d["sigma"], dtype=float), dims="school")
        mu = pm.Normal("mu", 0, 5)
        tau = pm.HalfNormal("tau", 5)
        theta = pm.Normal("theta", mu, tau, dims="school")
        pm.Normal("y", theta, sigma, observed=np.asarray(d["y"], dtype=float), dims="school")
        pm.Deterministic("theta_mean", theta.mean())
    return m


def funnel():
    with pm.Model() as m:
        v = pm.Normal("v", 0, 3)
        pm.Normal("x", 0, pm.math.exp(v / 2), shape=9)
    return m


def logistic():
    d = bench_data("logistic")
    X = np.asarray(d["X"])
    y = np.asarray(d["y"])
    with pm.Model(coords={"feature": np.arange(X.shape[1])}) as m:
        alpha = pm.Normal("alpha", 0, 10)
        beta = pm.Normal("beta", 0, 10, dims="feature")
        pm.Bernoulli("y", logit_p=alpha + pm.math.dot(X, beta), observed=y)
    return m


def sv():
    r = np.asarray(bench_data("sv")["r"])
    with pm.Model() as m:
        sigma = pm.Exponential("sigma", 50)
        nu = pm.Exponential("nu", 0.1)
        s = pm.GaussianRandomWalk("s", sigma=sigma, init_dist=pm.Normal.dist(0, sigma), steps=len(r) - 1)
        pm.StudentT("r", nu=nu, mu=0, sigma=pm.math.exp(s), observed=r)
    return m


# ---------------------------------------------------------------------------
# posteriordb


def eight_schools_noncentered():
    d = pdb_data("eight_schools")
    with pm.Model(coords={"school": np.arange(d["J"])}) as m:
        theta_trans = pm.Normal("theta_trans", 0, 1, dims="school")
        mu = pm.Normal("mu", 0, 5)
        tau = pm.HalfCauchy("tau", 5)
        theta = pm.Deterministic("theta", mu + tau * theta_trans, dims="school")
        sigma = np.asarray(d["sigma"], dtype=float)
        pm.Normal("y", theta, sigma, observed=np.asarray(d["y"], dtype=float), dims="school")
    return m


def kidiq():
    d = pdb_data("kidiq")
    with pm.Model() as m:
        mom_iq = pm.Data("mom_iq", np.asarray(d["mom_iq"], dtype=float))
        beta = pm.Flat("beta", shape=2)
        sigma = pm.HalfCauchy("sigma", 2.5)
        pm.Normal("kid_score", beta[0] + beta[1] * mom_iq, sigma, observed=np.asarray(d["kid_score"], dtype=float))
    return m


def mesquite():
    d = pdb_data("mesquite")
    names = ("diam1", "diam2", "canopy_height", "total_height", "density")
    cols = [np.log(np.asarray(d[k], dtype=float)) for k in names]
    X = np.column_stack([np.ones(d["N"]), *cols, np.asarray(d["group"], dtype=float)])
    with pm.Model() as m:
        beta = pm.Flat("beta", shape=7)
        sigma = pm.HalfFlat("sigma")
        pm.Normal("log_weight", pt.dot(X, beta), sigma, observed=np.log(np.asarray(d["weight"], dtype=float)))
    return m


def ark():
    d = pdb_data("arK")
    y = np.asarray(d["y"], dtype=float)
    K, T = d["K"], d["T"]
    with pm.Model() as m:
        alpha = pm.Normal("alpha", 0, 10)
        beta = pm.Normal("beta", 0, 10, shape=K)
        sigma = pm.HalfCauchy("sigma", 2.5)
        mu = alpha
        for k in range(K):
            mu = mu + beta[k] * y[K - k - 1 : T - k - 1]
        pm.Normal("y", mu, sigma, observed=y[K:])
    return m


def earnings():
    d = pdb_data("earnings")
    height = np.asarray(d["height"], dtype=float)
    male = np.asarray(d["male"], dtype=float)
    with pm.Model() as m:
        beta = pm.Flat("beta", shape=4)
        sigma = pm.HalfFlat("sigma")
        mu = beta[0] + beta[1] * height + beta[2] * male + beta[3] * height * male
        pm.Normal("log_earn", mu, sigma, observed=np.log(np.asarray(d["earn"], dtype=float)))
    return m


def kilpisjarvi():
    d = pdb_data("kilpisjarvi_mod")
    with pm.Model() as m:
        alpha = pm.Normal("alpha", d["pmualpha"], d["psalpha"])
        beta = pm.Normal("beta", d["pmubeta"], d["psbeta"])
        sigma = pm.HalfFlat("sigma")
        pm.Normal("y", alpha + beta * np.asarray(d["x"], dtype=float), sigma, observed=np.asarray(d["y"], dtype=float))
    return m


def sblri():
    d = pdb_data("sblri")
    X = np.asarray(d["X"], dtype=float)
    with pm.Model() as m:
        beta = pm.Normal("beta", 0, 10, shape=d["D"])
        sigma = pm.HalfNormal("sigma", 10)
        pm.Normal("y", X @ beta, sigma, observed=np.asarray(d["y"], dtype=float))
    return m


def garch():
    """The volatility recursion is a scan, which the core cannot express:
    this model samples through the fallback."""
    d = pdb_data("garch")
    y = np.asarray(d["y"], dtype=float)
    with pm.Model() as m:
        mu = pm.Flat("mu")
        alpha0 = pm.HalfFlat("alpha0")
        alpha1 = pm.Uniform("alpha1", 0, 1)
        beta1 = pm.Uniform("beta1", 0, 1 - alpha1)
        # Stan's program puts no prior on beta1, only its bounds: a flat
        # density on (0, 1 - alpha1), not Uniform's normalised 1/(1 - alpha1)
        pm.Potential("beta1_flat", pt.log(1 - alpha1))

        def step(y_prev, s_prev, mu, alpha0, alpha1, beta1):
            return pt.sqrt(alpha0 + alpha1 * (y_prev - mu) ** 2 + beta1 * s_prev**2)

        s = pytensor.scan(
            step,
            sequences=[pt.as_tensor(y[:-1])],
            outputs_info=[pt.as_tensor(np.float64(d["sigma1"]))],
            non_sequences=[mu, alpha0, alpha1, beta1],
            return_updates=False,
        )
        sigma = pt.concatenate([pt.as_tensor([np.float64(d["sigma1"])]), s])
        pm.Normal("y", mu, sigma, observed=y)
    return m


# ---------------------------------------------------------------------------
# common shapes of model


def radon():
    """A varying-intercept, varying-slope hierarchy over counties, indexed
    with integer arrays held in pm.Data, with coords and dims."""
    rng = np.random.default_rng(42)
    n_county, n = 12, 240
    county = rng.integers(0, n_county, size=n)
    floor = rng.integers(0, 2, size=n).astype(float)
    a_true = rng.normal(1.5, 0.6, size=n_county)
    log_radon = a_true[county] - 0.7 * floor + rng.normal(0, 0.5, size=n)
    coords = {"county": [f"c{i:02d}" for i in range(n_county)], "obs_id": np.arange(n)}
    with pm.Model(coords=coords) as m:
        county_idx = pm.Data("county_idx", county, dims="obs_id")
        floor_ = pm.Data("floor", floor, dims="obs_id")
        mu_a = pm.Normal("mu_a", 0, 5)
        sigma_a = pm.HalfNormal("sigma_a", 2)
        a = pm.Normal("a", mu_a, sigma_a, dims="county")
        mu_b = pm.Normal("mu_b", 0, 5)
        sigma_b = pm.HalfNormal("sigma_b", 1)
        b = pm.Normal("b", mu_b, sigma_b, dims="county")
        eps = pm.Exponential("eps", 1)
        mean = pm.Deterministic("mean", a[county_idx] + b[county_idx] * floor_, dims="obs_id")
        pm.Normal("log_radon", mean, eps, observed=log_radon, dims="obs_id")
    return m


def poisson_glm():
    rng = np.random.default_rng(7)
    n = 200
    X = rng.normal(size=(n, 3))
    counts = rng.poisson(np.exp(0.3 + X @ np.array([0.4, -0.2, 0.1])))
    with pm.Model(coords={"coef": ["x1", "x2", "x3"]}) as m:
        intercept = pm.Normal("intercept", 0, 2)
        beta = pm.Normal("beta", 0, 1, dims="coef")
        rate = pm.math.exp(intercept + pm.math.dot(X, beta))
        pm.Poisson("counts", rate, observed=counts)
    return m


def negbin():
    rng = np.random.default_rng(11)
    n = 150
    x = rng.uniform(-1, 1, size=n)
    mu = np.exp(1.0 + 0.8 * x)
    y = rng.negative_binomial(3.0, 3.0 / (3.0 + mu))
    with pm.Model() as m:
        a = pm.Normal("a", 0, 5)
        b = pm.Normal("b", 0, 2)
        alpha = pm.Gamma("alpha", 2.0, 0.5)
        pm.NegativeBinomial("y", mu=pm.math.exp(a + b * x), alpha=alpha, observed=y)
    return m


def data_coords():
    """pm.Data holding covariates and observations, coords and dims on
    every variable, a Deterministic, a StudentT likelihood."""
    rng = np.random.default_rng(5)
    n = 60
    x = np.linspace(-2, 2, n)
    y = 0.5 + 1.2 * x + rng.standard_t(5, size=n) * 0.4
    with pm.Model(coords={"obs": np.arange(n), "param": ["intercept", "slope"]}) as m:
        x_ = pm.Data("x", x, dims="obs")
        y_ = pm.Data("y_data", y, dims="obs")
        coef = pm.Normal("coef", 0, 5, dims="param")
        sigma = pm.HalfStudentT("sigma", nu=4, sigma=1)
        nu = pm.Gamma("nu", 2, 0.1)
        mu = pm.Deterministic("mu", coef[0] + coef[1] * x_, dims="obs")
        pm.StudentT("y", nu=nu, mu=mu, sigma=sigma, observed=y_, dims="obs")
    return m


def potential():
    """A soft sum-to-zero constraint and a bound written as potentials."""
    rng = np.random.default_rng(3)
    y = rng.normal(size=(5, 8)) + np.arange(5)[:, None] * 0.3
    with pm.Model(coords={"g": np.arange(5)}) as m:
        effect = pm.Normal("effect", 0, 1, dims="g")
        sigma = pm.LogNormal("sigma", 0, 1)
        pm.Potential("sum_to_zero", pm.logp(pm.Normal.dist(0, 0.001 * 5), effect.sum()))
        pm.Potential("not_too_wide", pt.switch(sigma > 5.0, -((sigma - 5.0) ** 2), 0.0))
        pm.Normal("y", effect[:, None], sigma, observed=y)
    return m


def mixture():
    """A two-component Normal mixture with ordered means."""
    rng = np.random.default_rng(9)
    y = np.concatenate([rng.normal(-2, 0.7, 60), rng.normal(1.5, 1.0, 90)])
    with pm.Model(coords={"component": ["low", "high"]}) as m:
        p = pm.Beta("p", 2, 2)
        w = pt.stack([p, 1 - p])
        mu = pm.Normal("mu", [-1.0, 1.0], 3, dims="component",
                       transform=pm.distributions.transforms.ordered)
        sigma = pm.HalfNormal("sigma", 2, dims="component")
        pm.NormalMixture("y", w=w, mu=mu, sigma=sigma, observed=y)
    return m


def misc_ops():
    """Ops beyond arithmetic: logsumexp, where, comparisons, clip, cumsum,
    stacking and transposes, Beta/Binomial/LogNormal/Laplace/Cauchy."""
    rng = np.random.default_rng(13)
    trials = np.array([10, 12, 8, 15, 9, 11])
    successes = np.array([3, 7, 2, 10, 4, 6])
    z = rng.normal(size=(4, 3))
    with pm.Model() as m:
        theta = pm.Beta("theta", 2, 3, shape=6)
        pm.Binomial("k", n=trials, p=theta, observed=successes)
        loc = pm.Laplace("loc", 0, 1)
        scale = pm.LogNormal("scale", 0, 0.5)
        c = pm.Cauchy("c", 0, 1)
        walk = pt.cumsum(pt.stack([loc, scale, c]))
        M = pt.as_tensor(z) @ pt.stack([loc, scale, walk[2]])
        pm.Potential("lse", pm.math.logsumexp(-0.5 * M**2) + pt.where(pt.ge(loc, 0), -loc, 0.25 * loc))
        pm.Potential("clip", -0.1 * pt.clip(c, -3, 3) ** 2)
        pm.Deterministic("walk_t", pt.stack([walk, walk]).T)
        pm.Normal("obs", pt.concatenate([walk, M]), 1.0, observed=rng.normal(size=7))
    return m


def special_ops():
    """The special functions and piecewise-constant ops: erfc, erfcx,
    digamma, logaddexp, trigonometric functions, PyMC's betaln and
    normal_lcdf, cumprod, and floor/ceil/round/trunc (gradient 0 through
    them, as PyTensor's)."""
    from pymc.distributions.dist_math import betaln, normal_lcdf

    with pm.Model() as m:
        a = pm.Normal("a", 0, 1, shape=3)
        b = pm.HalfNormal("b", 1, shape=3)
        pm.Potential("special", pt.sum(
            pt.erfc(a) + pt.erfcx(a) + pt.psi(b + 0.5) + pt.logaddexp(a, b) + pt.sin(a) * pt.cos(b)
            + pt.tan(0.3 * a) + betaln(b + 0.1, b + 1) + normal_lcdf(a, b, 0.3)
        ))
        pm.Potential("rounding", pt.sum(
            pt.cumprod(b) + pt.floor(a) * a + pt.round(a) + pt.ceil(b) + pt.trunc(a)
            + pt.round(a, mode="half_away_from_zero")
        ))
    return m


def gp_pois_regr():
    """A latent GP over eleven points, its exponentiated-quadratic covariance
    written out and factored with pt.linalg.cholesky, f = L f_tilde, and a
    Poisson likelihood on the log scale."""
    d = pdb_data("gp_pois_regr")
    x = np.asarray(d["x"], dtype=float)
    n = len(x)
    sq = (x[:, None] - x[None, :]) ** 2
    with pm.Model() as m:
        rho = pm.Gamma("rho", 25, 4)
        alpha = pm.HalfNormal("alpha", 2)
        f_tilde = pm.Normal("f_tilde", 0, 1, shape=n)
        cov = alpha**2 * pt.exp(-0.5 * sq / rho**2) + 1e-10 * np.eye(n)
        f = pm.Deterministic("f", pt.linalg.cholesky(cov) @ f_tilde)
        pm.Poisson("k", pt.exp(f), observed=np.asarray(d["k"]))
    return m


def linalg_ops():
    """Linear algebra as PyTensor writes it: Cholesky factors (lower and
    upper, Blockwise), triangular solves of vectors and matrices (a batch
    among them), diag and diagonal, tril, eye, batched matrix products."""
    rng = np.random.default_rng(17)
    with pm.Model() as m:
        a = pm.Normal("a", 0, 1, shape=(3, 3))
        s = pm.HalfNormal("s", 1, shape=3)
        S = pt.dot(a, a.T) + pt.diag(s) + 2 * pt.eye(3)
        L = pt.linalg.cholesky(S)
        U = pt.linalg.cholesky(S, lower=False)
        z = pm.Normal("z", 0, 1, shape=3)
        x = pt.linalg.solve_triangular(L, z, lower=True)
        y = pt.linalg.solve_triangular(U, pt.tril(a, -1) + pt.diag(z, 1)[:3, :3], lower=False)
        B = pm.Normal("B", 0, 1, shape=(2, 3, 3))
        C = B @ L
        D = pt.linalg.solve_triangular(pt.stack([L, L + pt.eye(3)]), B, lower=True)
        xs = pt.linalg.solve_triangular(L, B[:, :, 0], lower=True, b_ndim=1)
        pm.Potential("logdet", -pt.log(pt.diag(L)).sum() + pt.diagonal(U, 1).sum())
        pieces = [x, y.ravel(), C.ravel(), D.ravel(), xs.ravel(), pt.diagonal(B, axis1=1, axis2=2).ravel()]
        mu = pt.concatenate(pieces)
        pm.Normal("obs", mu, 2.0, observed=rng.normal(size=3 + 9 + 18 + 18 + 6 + 6))
    return m


def latent_gp():
    """A latent GP (pm.gp.Latent) with a Poisson likelihood, its covariance a
    sum and product of ExpQuad, Matern52, Periodic and Matern32."""
    rng = np.random.default_rng(19)
    X = np.linspace(0, 10, 12)[:, None]
    counts = rng.poisson(np.exp(np.sin(X[:, 0])))
    with pm.Model() as m:
        ls = pm.Gamma("ls", 4, 2)
        eta = pm.HalfNormal("eta", 1)
        cov = (eta**2 * pm.gp.cov.ExpQuad(1, ls)
               + 0.5 * pm.gp.cov.Matern52(1, ls) * pm.gp.cov.Periodic(1, period=3.0, ls=ls)
               + pm.gp.cov.Matern32(1, 1.0))
        gp = pm.gp.Latent(cov_func=cov)
        f = gp.prior("f", X=X)
        pm.Poisson("y", pt.exp(f), observed=counts)
    return m


def hsgp():
    """A Hilbert-space approximate GP (pm.gp.HSGP), non-centred, with an
    ExpQuad covariance (its spectral density takes a product over the
    input dimensions)."""
    rng = np.random.default_rng(23)
    X = np.linspace(0, 10, 40)[:, None]
    y = np.sin(X[:, 0]) + rng.normal(0, 0.3, 40)
    with pm.Model() as m:
        ls = pm.Gamma("ls", 4, 2)
        eta = pm.HalfNormal("eta", 1)
        gp = pm.gp.HSGP(m=[12], c=1.5, cov_func=eta**2 * pm.gp.cov.ExpQuad(1, ls))
        f = gp.prior("f", X=X)
        sigma = pm.HalfNormal("sigma", 1)
        pm.Normal("y", f, sigma, observed=y)
    return m


def prod_ops():
    """Products along axes and of everything, zeros in the data among them."""
    z = np.array([[1.0, 0.0, 2.0], [0.5, 1.5, 3.0]])
    with pm.Model() as m:
        a = pm.Normal("a", 0, 1, shape=(2, 3))
        b = pm.HalfNormal("b", 1, shape=3)
        pm.Potential("p", pt.prod(a * z, axis=1).sum() + pt.prod(b) + pt.prod(a, axis=0) @ b)
        pm.Normal("obs", pt.prod(pt.exp(a), axis=0), 1.0, observed=np.ones(3))
    return m


def subtensor_updates():
    """pt.set_subtensor and pt.inc_subtensor with slices, integers, integer
    arrays (repeated ones accumulate) and boolean masks, into free and
    constant arrays. (A set with repeated indices is left out: there the
    last write wins, and PyTensor's gradient counts every write, which is
    not the log-density's derivative; core/expr's finite-difference cases
    check exmc's.)"""
    with pm.Model() as m:
        a = pm.Normal("a", 0, 1, shape=(3, 4))
        b = pm.Normal("b", 0, 1, shape=4)
        c = pm.HalfNormal("c", 1)
        x = pt.set_subtensor(a[1:, ::2], b[:2] * 2)
        x = pt.inc_subtensor(x[0], b)
        x = pt.inc_subtensor(x[[0, 2, 0], [1, 3, 1]], c)
        x = pt.set_subtensor(x[np.array([2, 0]), 1:3], b[1:3])
        z = pt.set_subtensor(pt.zeros(5)[[4, 0]], b[:2])
        z = pt.inc_subtensor(z[np.array([True, False, True, False, False])], c)
        w = pt.set_subtensor(b[-1], c)
        pm.Normal("obs", pt.concatenate([x.ravel(), z, w]), 1.0, observed=np.linspace(-1, 1, 12 + 5 + 4))
    return m


def dense_linalg():
    """General solves (vector, matrix, batched; assume_a='gen' and 'pos'),
    inverses, determinants, slogdet, outer and Kronecker products."""
    rng = np.random.default_rng(29)
    with pm.Model() as m:
        a = pm.Normal("a", 0, 1, shape=(3, 3))
        v = pm.Normal("v", 0, 1, shape=3)
        s = pm.HalfNormal("s", 1, shape=2)
        A = a + 4 * pt.eye(3)
        S = pt.dot(a, a.T) + 3 * pt.eye(3)
        x = pt.linalg.solve(A, v)
        X = pt.linalg.solve(S, pt.outer(v, v) + pt.eye(3), assume_a="pos")
        Xb = pt.linalg.solve(pt.stack([A, S]), pt.stack([v, 2 * v]), b_ndim=1)
        Ai = pt.linalg.inv(A)
        K = pt.linalg.kron(pt.diag(s), a[:2, :2])
        sign, logdet = pt.linalg.slogdet(S)
        pm.Potential("dets", -0.5 * logdet + 0.1 * pt.linalg.det(A) + pt.log(pt.linalg.det(K + 3 * pt.eye(4))))
        mu = pt.concatenate([x, X.ravel(), Xb.ravel(), Ai.ravel(), pt.linalg.kron(v[None, :], s[None, :]).ravel()])
        pm.Normal("obs", mu, 1.0, observed=rng.normal(size=3 + 9 + 6 + 9 + 6))
    return m


BENCH_MODELS = {
    "simple": simple,
    "medium": medium,
    "stress": stress,
    "eight_schools": eight_schools,
    "funnel": funnel,
    "logistic": logistic,
    "sv": sv,
}

#: posterior name -> model
POSTERIORDB = {
    "eight_schools-eight_schools_noncentered": eight_schools_noncentered,
    "kidiq-kidscore_momiq": kidiq,
    "mesquite-logmesquite": mesquite,
    "arK-arK": ark,
    "earnings-logearn_interaction": earnings,
    "kilpisjarvi_mod-kilpisjarvi": kilpisjarvi,
    "sblri-blr": sblri,
}

OTHER_MODELS = {
    "radon": radon,
    "poisson_glm": poisson_glm,
    "negbin": negbin,
    "data_coords": data_coords,
    "potential": potential,
    "mixture": mixture,
    "misc_ops": misc_ops,
    "special_ops": special_ops,
    "linalg_ops": linalg_ops,
    "latent_gp": latent_gp,
    "hsgp": hsgp,
    "prod_ops": prod_ops,
    "subtensor_updates": subtensor_updates,
    "dense_linalg": dense_linalg,
}

#: every model the native backend translates
TRANSLATABLE = {
    **BENCH_MODELS,
    **{v.__name__: v for v in POSTERIORDB.values()},
    **OTHER_MODELS,
}


@pytest.mark.parametrize("name", sorted(TRANSLATABLE) + ["garch"])
def test_models_build(name):
    build = TRANSLATABLE.get(name, garch)
    m = build()
    assert m.free_RVs
