"""Model API -> exmc.model/v1 documents (docs/model-format.md)."""

import json

import numpy as np
import pytest

import exmc
from exmc.expr import CONST_INLINE_LIMIT

NODE_KEYS = {
    "data": {"name", "kind", "shape", "dtype", "values", "dims"},
    "free": {"name", "kind", "dist", "params", "shape", "dims", "transform", "noncentered"},
    "observed": {"name", "kind", "dist", "params", "observed", "shape", "dims"},
    "deterministic": {"name", "kind", "expr", "dims"},
    "potential": {"name", "kind", "expr"},
}
OPS = {
    "add", "sub", "mul", "div", "pow", "maximum", "minimum", "neg", "exp", "log", "log1p",
    "expm1", "sqrt", "square", "abs", "sigmoid", "softplus", "logit", "tanh", "erf", "matmul",
    "gather", "slice", "sum", "mean", "cumsum", "stack", "concatenate", "reshape", "transpose",
}
OP_ATTRS = {
    "gather": {"axis"}, "slice": {"axis", "start", "stop", "step"}, "sum": {"axis"},
    "mean": {"axis"}, "cumsum": {"axis"}, "stack": {"axis"}, "concatenate": {"axis"},
    "reshape": {"shape"}, "transpose": {"perm"},
}


def check_expr(e, names):
    """Structure of one expression of the format."""
    if isinstance(e, (int, float)) and not isinstance(e, bool):
        return
    assert isinstance(e, dict), e
    if "ref" in e:
        assert set(e) == {"ref"}
        assert e["ref"] in names, e
    elif "const" in e:
        assert set(e) <= {"const", "shape"}
        assert len(e["const"]) == int(np.prod(e.get("shape", [len(e["const"])])))
    else:
        assert e["op"] in OPS, e
        assert set(e) - {"op", "args"} <= OP_ATTRS.get(e["op"], set()), e
        for a in e["args"]:
            check_expr(a, names)


def check_document(doc):
    """What docs/model-format.md requires of a whole document."""
    assert doc["format"] == "exmc.model/v1"
    assert set(doc) <= {"format", "nodes", "coords", "noncentered"}
    seen = set()
    for node in doc["nodes"]:
        assert node["name"] not in seen, "names are unique"
        kind = node["kind"]
        assert set(node) <= NODE_KEYS[kind], node
        for e in node.get("params", {}).values():
            check_expr(e, seen)
        for key in ("observed", "expr"):
            if key in node:
                check_expr(node[key], seen)
        if "dims" in node:
            for d in node["dims"]:
                assert d in doc["coords"]
        if kind == "data" and "values" in node:
            assert len(node["values"]) == int(np.prod(node["shape"]))
        seen.add(node["name"])
    # the document is plain JSON
    json.loads(json.dumps(doc, allow_nan=False))


def nodes_by_name(doc):
    return {n["name"]: n for n in doc["nodes"]}


def test_eight_schools_document(eight_schools, schools):
    y, sigma, names = schools
    doc = eight_schools.to_dict()
    check_document(doc)
    assert doc["coords"] == {"school": names}
    assert "noncentered" not in doc  # left to the data
    n = nodes_by_name(doc)
    assert list(n) == ["sigma", "mu", "tau", "theta", "y_observed", "y", "theta_mean"]
    assert n["sigma"] == {"name": "sigma", "kind": "data", "shape": [8], "dims": ["school"],
                          "values": sigma.tolist()}
    assert n["mu"] == {"name": "mu", "kind": "free", "dist": "Normal", "params": {"mu": 0, "sigma": 5}}
    assert n["tau"] == {"name": "tau", "kind": "free", "dist": "HalfCauchy", "params": {"beta": 5}}
    assert n["theta"] == {
        "name": "theta", "kind": "free", "dist": "Normal", "shape": [8], "dims": ["school"],
        "params": {"mu": {"ref": "mu"}, "sigma": {"ref": "tau"}},
    }
    assert n["y_observed"]["values"] == y.tolist()
    assert n["y"] == {
        "name": "y", "kind": "observed", "dist": "Normal", "dims": ["school"],
        "params": {"mu": {"ref": "theta"}, "sigma": {"ref": "sigma"}},
        "observed": {"ref": "y_observed"},
    }
    assert n["theta_mean"] == {
        "name": "theta_mean", "kind": "deterministic",
        "expr": {"op": "mean", "args": [{"ref": "theta"}], "axis": None},
    }
    assert json.loads(eight_schools.to_json()) == doc


def test_model_accessors(eight_schools, schools):
    m = eight_schools
    y, sigma, names = schools
    assert m.free_var_names == ["mu", "tau", "theta"]
    assert m.observed_var_names == ["y"]
    assert m.deterministic_names == ["theta_mean"]
    assert m.data_names == ["sigma", "y_observed"]
    assert list(m.named_vars) == ["sigma", "mu", "tau", "theta", "y_observed", "y", "theta_mean"]
    assert m.coords == {"school": tuple(names)}
    assert m.dim_lengths == {"school": 8}
    assert m.named_vars_to_dims["theta"] == ("school",)
    assert "mu" not in m.named_vars_to_dims
    assert m["theta"].shape == (8,)
    assert "tau" in m and "nope" not in m
    np.testing.assert_array_equal(m.observed_data()["y"], y)
    assert set(m.constant_data()) == {"sigma"}


def test_observed_data_node_given_explicitly(schools):
    y, sigma, names = schools
    with exmc.Model(coords={"school": names}) as m:
        y_obs = exmc.Data("y_obs", y, dims="school")
        mu = exmc.Normal("mu", 0, 5)
        exmc.Normal("y", mu=mu, sigma=sigma, observed=y_obs, dims="school")
    n = nodes_by_name(m.to_dict())
    assert n["y"]["observed"] == {"ref": "y_obs"}
    assert "y_observed" not in n
    # sigma: 8 values, inline constant
    assert n["y"]["params"]["sigma"] == {"const": sigma.tolist(), "shape": [8]}
    np.testing.assert_array_equal(m.observed_data()["y"], y)
    assert set(m.constant_data()) == {"y_obs"}


def test_regression_with_dot():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=100)
    with exmc.Model(coords={"obs": range(100), "coef": ["a", "b", "c"]}) as m:
        Xd = exmc.Data("X", X, dims=("obs", "coef"))
        beta = exmc.Normal("beta", 0, 1, dims="coef")
        alpha = exmc.Normal("alpha", 0, 10)
        sigma = exmc.HalfNormal("sigma", 1)
        mu = alpha + exmc.math.dot(Xd, beta)
        assert mu.shape == (100,)
        exmc.Normal("y", mu=mu, sigma=sigma, observed=y, dims="obs")
    doc = m.to_dict()
    check_document(doc)
    n = nodes_by_name(doc)
    assert n["X"]["shape"] == [100, 3]
    assert n["y"]["params"]["mu"] == {
        "op": "add",
        "args": [{"ref": "alpha"}, {"op": "matmul", "args": [{"ref": "X"}, {"ref": "beta"}]}],
    }
    assert doc["coords"]["obs"] == list(range(100))
    # the @ operator builds the same op
    with m:
        assert (Xd @ beta).to_json() == {"op": "matmul", "args": [{"ref": "X"}, {"ref": "beta"}]}


def test_hierarchical_with_index_gather():
    groups = np.array([0, 1, 1, 2, 0, 2, 2, 1, 0, 0])
    y = np.linspace(-1, 1, 10)
    with exmc.Model(coords={"group": ["a", "b", "c"]}) as m:
        g = exmc.Data("g", groups)
        assert g.dtype == "int64"
        mu = exmc.Normal("mu", 0, 1)
        sd = exmc.HalfNormal("sd", 1)
        a = exmc.Normal("a", mu, sd, dims="group")
        exmc.Normal("y", mu=a[g], sigma=1.0, observed=y)
        exmc.Deterministic("a_first", a[0])
        exmc.Deterministic("a_np", a[np.array([2, 2])])
    doc = m.to_dict()
    check_document(doc)
    n = nodes_by_name(doc)
    assert n["g"]["dtype"] == "int64"
    assert n["g"]["values"] == groups.tolist()
    assert all(isinstance(v, int) for v in n["g"]["values"])
    assert n["y"]["params"]["mu"] == {"op": "gather", "args": [{"ref": "a"}, {"ref": "g"}], "axis": 0}
    assert m["a_first"].shape == ()
    first = n["a_first"]["expr"]
    assert first["op"] == "reshape" and first["shape"] == []
    assert first["args"][0] == {"op": "slice", "args": [{"ref": "a"}], "axis": 0, "start": 0, "stop": 1, "step": None}
    # a numpy index array becomes an int64 data node
    idx = n["a_np"]["expr"]["args"][1]["ref"]
    assert n[idx]["dtype"] == "int64" and n[idx]["values"] == [2, 2]
    assert idx not in m.constant_data()


def test_potential_and_deterministic():
    with exmc.Model() as m:
        mu = exmc.Normal("mu", mu=0, sigma=5)
        x = exmc.Normal("x", shape=(2, 3))
        exmc.Potential("pen", -0.5 * mu**2)
        exmc.Potential("pen_arr", -abs(x))
        d = exmc.Deterministic("rowsum", x.sum(axis=1))
        exmc.Deterministic("ex", exmc.math.exp(mu) / (1 + exmc.math.exp(mu)))
    doc = m.to_dict()
    check_document(doc)
    n = nodes_by_name(doc)
    assert n["pen"] == {
        "name": "pen", "kind": "potential",
        "expr": {"op": "mul", "args": [-0.5, {"op": "pow", "args": [{"ref": "mu"}, 2]}]},
    }
    assert n["pen_arr"]["expr"] == {"op": "neg", "args": [{"op": "abs", "args": [{"ref": "x"}]}]}
    assert d.shape == (2,)
    assert n["rowsum"]["expr"] == {"op": "sum", "args": [{"ref": "x"}], "axis": 1}
    assert m.potential_names == ["pen", "pen_arr"]
    assert m.deterministic_names == ["rowsum", "ex"]


def test_coords_and_dims():
    with exmc.Model(coords={"year": [2001, 2002, 2003], "region": ("n", "s")}) as m:
        m.add_coord("extra", np.array([1.5, 2.5]))
        x = exmc.Normal("x", dims=("region", "year"))
        assert x.shape == (2, 3)
        exmc.Deterministic("xt", x.T, dims=("year", "region"))
        exmc.Normal("z", shape=(2,), dims="extra")
    doc = m.to_dict()
    assert doc["coords"] == {"year": [2001, 2002, 2003], "region": ["n", "s"], "extra": [1.5, 2.5]}
    n = nodes_by_name(doc)
    assert n["x"]["shape"] == [2, 3] and n["x"]["dims"] == ["region", "year"]
    assert n["xt"]["dims"] == ["year", "region"]
    assert n["xt"]["expr"]["perm"] == [1, 0]
    assert m.named_vars_to_dims == {"x": ("region", "year"), "xt": ("year", "region"), "z": ("extra",)}


def test_noncentered_and_transform_flags():
    with exmc.Model(noncentered=False) as m:
        a = exmc.HalfNormal("a", 1, transform=None)
        exmc.HalfNormal("b", 1, default_transform=None)
        exmc.HalfNormal("c", 1, transform="auto")
        exmc.Normal("d", 0, a, noncentered=False)
        exmc.Normal("e", 0, a, noncentered=True)
        exmc.Normal("f", 0, a)
    doc = m.to_dict()
    assert doc["noncentered"] is False
    n = nodes_by_name(doc)
    assert n["a"]["transform"] == "none"
    assert n["b"]["transform"] == "none"
    assert "transform" not in n["c"]
    assert n["d"]["noncentered"] is False
    assert n["e"]["noncentered"] is True
    assert "noncentered" not in n["f"]


def test_every_distribution():
    counts = np.array([0, 3, 1, 2])
    with exmc.Model() as m:
        exmc.Normal("normal", mu=1, sigma=2)
        exmc.Normal("normal_tau", tau=4.0)
        exmc.HalfNormal("halfnormal", sigma=2)
        exmc.Exponential("exponential", lam=2)
        exmc.Exponential("exponential_scale", scale=4.0)
        exmc.Gamma("gamma", alpha=2, beta=1)
        exmc.InverseGamma("invgamma", alpha=3, beta=2)
        exmc.Beta("beta", alpha=2, beta=2)
        exmc.Uniform("uniform", lower=-1, upper=3)
        exmc.StudentT("studentt", nu=3, mu=0, sigma=1)
        exmc.HalfStudentT("halfstudentt", nu=3, sigma=1)
        exmc.Cauchy("cauchy", alpha=0, beta=1)
        exmc.HalfCauchy("halfcauchy", beta=1)
        exmc.LogNormal("lognormal", mu=0, sigma=1)
        exmc.Laplace("laplace", mu=0, b=1)
        exmc.Flat("flat")
        exmc.HalfFlat("halfflat")
        exmc.GaussianRandomWalk("grw", mu=0, sigma=1, init_mu=0, init_sigma=10, shape=5)
        exmc.GaussianRandomWalk("grw_steps", sigma=0.5, steps=9,
                                init_dist=exmc.Normal.dist(mu=1, sigma=2))
        exmc.Bernoulli("bern", p=0.3, observed=[0, 1, 1])
        exmc.Bernoulli("bern_logit", logit_p=0.1, observed=np.array([True, False]))
        exmc.Binomial("binom", n=5, p=0.5, observed=counts)
        exmc.Binomial("binom_logit", n=5, logit_p=0.0, observed=counts)
        exmc.Poisson("poisson", mu=2, observed=counts)
        exmc.NegativeBinomial("nb", mu=2, alpha=1, observed=counts)
        exmc.NegativeBinomial("nb_np", n=3, p=0.4, observed=counts)
        exmc.NormalMixture("mix", w=[0.3, 0.7], mu=[-1.0, 2.0], sigma=[1.0, 0.5], shape=3)
    doc = m.to_dict()
    check_document(doc)
    n = nodes_by_name(doc)
    # PyMC's other spellings travel as written; the Go core takes sigma =
    # tau^-0.5 and lam = 1/scale (its catalogue's aliases)
    assert n["normal_tau"]["params"] == {"tau": 4.0}
    assert n["exponential_scale"]["params"] == {"scale": 4.0}
    assert n["grw"]["shape"] == [5]
    assert n["grw_steps"]["shape"] == [10]
    assert n["grw_steps"]["params"] == {"sigma": 0.5, "init_mu": 1, "init_sigma": 2}
    assert n["flat"]["params"] == {}
    assert n["bern"]["kind"] == "observed"
    assert n["bern_observed"]["dtype"] == "int64"
    assert n["bern_logit_observed"]["values"] == [1, 0]
    assert n["nb_np"]["params"] == {"p": 0.4, "n": 3}
    # every row of the catalogue is built and compiled by test_catalogue.py;
    # this test covers the JSON form of the spellings above
    assert {d["dist"] for d in doc["nodes"] if "dist" in d} <= set(exmc.DISTRIBUTIONS)


def test_positional_parameters_follow_pymc_order():
    with exmc.Model() as m:
        exmc.StudentT("t", 4, 1, 2)
        exmc.Gamma("g", 2, 3)
    n = nodes_by_name(m.to_dict())
    assert n["t"]["params"] == {"nu": 4, "mu": 1, "sigma": 2}
    assert n["g"]["params"] == {"alpha": 2, "beta": 3}


def test_shape_inferred_from_parameters():
    with exmc.Model() as m:
        b = exmc.Normal("b", mu=np.zeros(3), sigma=1)
        c = exmc.Normal("c", mu=b, sigma=np.ones((2, 1)))
    assert b.shape == (3,)
    assert c.shape == (2, 3)
    n = nodes_by_name(m.to_dict())
    assert n["c"]["shape"] == [2, 3]


def test_large_arrays_become_data_nodes():
    big = np.arange(CONST_INLINE_LIMIT + 1, dtype=float)
    small = np.arange(3.0)
    with exmc.Model() as m:
        x = exmc.Normal("x")
        e1 = x * big
        e2 = small + x
        exmc.Deterministic("d1", e1)
        exmc.Deterministic("d2", e2)
        exmc.Deterministic("d3", big * x)  # numpy on the left: __array_ufunc__
    n = nodes_by_name(m.to_dict())
    assert n["d1"]["expr"]["args"][1] == {"ref": "_data0"}
    assert n["_data0"]["values"] == big.tolist()
    assert n["d2"]["expr"]["args"][0] == {"const": [0.0, 1.0, 2.0], "shape": [3]}
    assert n["d3"]["expr"] == {"op": "mul", "args": [{"ref": "_data1"}, {"ref": "x"}]}
    assert m.constant_data() == {}
    assert set(m.data_arrays()) == {"_data0", "_data1"}


def test_inline_and_separate_data_round_trip(eight_schools):
    m = eight_schools
    inline = json.loads(m.to_json(inline_data=True))
    separate = json.loads(m.to_json(inline_data=False))
    arrays = m.data_arrays()
    assert set(arrays) == {n["name"] for n in separate["nodes"] if n["kind"] == "data"}
    for node in separate["nodes"]:
        if node["kind"] == "data":
            assert "values" not in node
            arr = arrays[node["name"]]
            assert arr.flags.c_contiguous and not arr.flags.writeable
            assert arr.dtype in (np.float64, np.int64)
            assert list(arr.shape) == node["shape"]
            node["values"] = arr.ravel().tolist()
    assert separate == inline


def test_data_arrays_are_zero_copy_into_arrow(eight_schools):
    import pyarrow as pa

    for arr in eight_schools.data_arrays().values():
        col = pa.array(arr.reshape(-1))
        view = col.to_numpy(zero_copy_only=True)
        assert np.shares_memory(view, arr)


def test_data_is_copied_and_frozen():
    x = np.array([1.0, 2.0])
    with exmc.Model() as m:
        d = exmc.Data("x", x)
    x[0] = 99.0
    assert m.data_arrays()["x"][0] == 1.0
    with pytest.raises(ValueError):
        d.value[0] = 5.0


def test_float_formatting_round_trips():
    vals = np.array([0.1, 1 / 3, 1e-300, 2.5e300, -0.0])
    with exmc.Model() as m:
        exmc.Data("v", vals)
    back = np.array(json.loads(m.to_json())["nodes"][0]["values"])
    assert np.array_equal(back.view(np.int64), vals.view(np.int64))


def test_model_argument_instead_of_context():
    m = exmc.Model()
    x = exmc.Normal("x", model=m)
    exmc.Deterministic("y", 2 * x, model=m)
    assert m.free_var_names == ["x"] and m.deterministic_names == ["y"]


def test_nested_with_uses_innermost():
    with exmc.Model() as outer:
        with exmc.Model() as inner:
            exmc.Normal("a")
        exmc.Normal("b")
    assert inner.free_var_names == ["a"]
    assert outer.free_var_names == ["b"]
    assert exmc.Model.get_context(error_if_none=False) is None


def test_observed_expression_of_data():
    y = np.array([1.0, 2.0, 4.0])
    with exmc.Model() as m:
        yd = exmc.Data("yd", y)
        mu = exmc.Normal("mu")
        exmc.Normal("logy", mu=mu, sigma=1, observed=exmc.math.log(yd))
    n = nodes_by_name(m.to_dict())
    assert n["logy"]["observed"] == {"op": "log", "args": [{"ref": "yd"}]}
    np.testing.assert_allclose(m.observed_data()["logy"], np.log(y))


def test_data_dtypes():
    with exmc.Model() as m:
        a = exmc.Data("a", [1, 2])
        b = exmc.Data("b", np.array([True, False]))
        c = exmc.Data("c", np.array([1, 2], dtype=np.uint8))
        d = exmc.Data("d", [1.5, 2.0])
        e = exmc.Data("e", np.float32(3.0))
    assert [v.dtype for v in (a, b, c, d, e)] == ["int64", "int64", "int64", "float64", "float64"]
    arrays = m.data_arrays()
    assert arrays["a"].dtype == np.int64 and arrays["d"].dtype == np.float64
    assert arrays["e"].shape == ()
    n = nodes_by_name(m.to_dict())
    assert n["e"] == {"name": "e", "kind": "data", "shape": [], "values": [3.0]}


def test_aliases_equal_their_parameters():
    def logp(build):
        with exmc.Model() as m:
            build()
        c = exmc.CompiledModel.from_model(m)
        return c.logp(np.full(c.dim, 0.3))
    assert logp(lambda: exmc.Normal("a", tau=4.0, shape=2)) == pytest.approx(logp(lambda: exmc.Normal("a", sigma=0.5, shape=2)), rel=1e-14)
    assert logp(lambda: exmc.Exponential("e", scale=4.0)) == pytest.approx(logp(lambda: exmc.Exponential("e", lam=0.25)), rel=1e-14)
    assert logp(lambda: exmc.StudentT("t", nu=3, lam=9.0)) == pytest.approx(logp(lambda: exmc.StudentT("t", nu=3, sigma=1 / 3)), rel=1e-14)


def test_normal_mixture_samples():
    rng = np.random.default_rng(3)
    y = np.concatenate([rng.normal(-2, 0.5, 60), rng.normal(2, 0.5, 40)])
    with exmc.Model() as m:
        mu = exmc.Normal("mu", mu=[-1.0, 1.0], sigma=3, transform="ordered")
        exmc.NormalMixture("y", w=[0.6, 0.4], mu=mu, sigma=[0.5, 0.5], observed=y)
    idata = exmc.sample(m, draws=300, tune=300, chains=2, random_seed=1, progressbar=False)
    post = idata.posterior["mu"].mean(("chain", "draw")).values
    # the component means are known to about 0.5/sqrt(40) = 0.08; 0.3 is
    # nearly four standard errors plus Monte Carlo error
    np.testing.assert_allclose(post, [-2, 2], atol=0.3)
