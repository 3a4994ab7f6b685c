"""Bad inputs raise ValueError naming the variable."""

import numpy as np
import pytest

import exmc


def test_nan_in_data_names_variable():
    with exmc.Model():
        with pytest.raises(ValueError, match=r"'x'.*NaN"):
            exmc.Data("x", np.array([1.0, np.nan]))


def test_nan_in_observed_names_variable():
    with exmc.Model() as m:
        mu = exmc.Normal("mu")
        with pytest.raises(ValueError, match=r"'y'.*NaN"):
            exmc.Normal("y", mu=mu, sigma=1, observed=[1.0, np.inf])
    # nothing half-registered
    assert list(m.named_vars) == ["mu"]


def test_nan_in_parameter_names_variable():
    with exmc.Model():
        with pytest.raises(ValueError, match=r"Normal 'x'.*'mu'"):
            exmc.Normal("x", mu=np.array([0.0, np.nan]))
        with pytest.raises(ValueError, match=r"Normal 'x2'.*not finite"):
            exmc.Normal("x2", mu=float("inf"))


def test_unknown_parameter():
    with exmc.Model():
        with pytest.raises(ValueError, match=r"Normal 'x': unknown parameter 'sd'"):
            exmc.Normal("x", mu=0, sd=1)
        with pytest.raises(ValueError, match=r"HalfCauchy 'h': unknown parameter 'sigma'"):
            exmc.HalfCauchy("h", sigma=1)


def test_missing_and_conflicting_parameters():
    with exmc.Model():
        with pytest.raises(ValueError, match=r"Gamma 'g': missing parameter"):
            exmc.Gamma("g", alpha=1)
        with pytest.raises(ValueError, match=r"Bernoulli 'b'.*exactly one"):
            exmc.Bernoulli("b", p=0.5, logit_p=0.0, observed=[1])
        with pytest.raises(ValueError, match=r"NegativeBinomial 'nb'.*exactly one"):
            exmc.NegativeBinomial("nb", mu=1, alpha=1, p=0.5, observed=[1])
        with pytest.raises(ValueError, match=r"Normal 'n'.*either 'tau' or 'sigma'"):
            exmc.Normal("n", sigma=1, tau=1)
        with pytest.raises(ValueError, match=r"'t'.*at most 3 positional"):
            exmc.StudentT("t", 1, 2, 3, 4)


def test_wrong_types():
    with exmc.Model():
        with pytest.raises(ValueError, match=r"Normal 'x'.*'mu'.*str"):
            exmc.Normal("x", mu="zero")
        with pytest.raises(ValueError, match=r"Normal 'x'.*'sigma'.*bool"):
            exmc.Normal("x", sigma=True)
        with pytest.raises(ValueError, match=r"Normal 'x'.*'mu'.*dtype"):
            exmc.Normal("x", mu=np.array(["a", "b"]))
        with pytest.raises(ValueError, match=r"Normal 'x'.*shape must be"):
            exmc.Normal("x", shape="3")
        with pytest.raises(ValueError, match=r"'d'.*numeric"):
            exmc.Data("d", np.array(["a"]))
        with pytest.raises(ValueError, match=r"'d'.*exmc expression"):
            exmc.Data("d", exmc.Normal("q"))
        with pytest.raises(ValueError, match="non-empty string"):
            exmc.Normal(3)
        with pytest.raises(ValueError, match=r"Normal 'x'.*noncentered must be None or a bool"):
            exmc.Normal("x", noncentered="no")
        with pytest.raises(ValueError, match=r"HalfNormal 'x'.*transform"):
            exmc.HalfNormal("x", transform="log")
        with pytest.raises(ValueError, match=r"'det'.*dict"):
            exmc.Deterministic("det", {"a": 1})


def test_dims_not_in_coords():
    with exmc.Model(coords={"a": [1, 2]}):
        with pytest.raises(ValueError, match=r"Normal 'x'.*dimension 'b' is not in the model's coords"):
            exmc.Normal("x", dims="b")
        with pytest.raises(ValueError, match=r"'d'.*dimension 'b'"):
            exmc.Data("d", np.zeros(2), dims="b")
        with pytest.raises(ValueError, match=r"'det'.*dimension 'zz'"):
            exmc.Deterministic("det", np.zeros(2), dims="zz")


def test_dims_shape_mismatch():
    with exmc.Model(coords={"a": [1, 2], "b": ["u", "v", "w"]}) as m:
        with pytest.raises(ValueError, match=r"Normal 'x'.*disagrees"):
            exmc.Normal("x", shape=(3,), dims="a")
        with pytest.raises(ValueError, match=r"Normal 'y'.*disagrees"):
            exmc.Normal("y", mu=0, sigma=1, observed=np.zeros(3), dims="a")
        with pytest.raises(ValueError, match=r"'d'.*does not match dims"):
            exmc.Data("d", np.zeros(3), dims="a")
        with pytest.raises(ValueError, match=r"'d2'.*1 names for a value of shape \(2, 3\)"):
            exmc.Data("d2", np.zeros((2, 3)), dims="a")
        x = exmc.Normal("ok", dims=("a", "b"))
        with pytest.raises(ValueError, match=r"'det'.*does not match dims"):
            exmc.Deterministic("det", x, dims=("b", "a"))
        with pytest.raises(ValueError, match="repeated"):
            exmc.Normal("r", dims=("a", "a"))
    assert m.free_var_names == ["ok"]


def test_parameter_shape_mismatch_names_variable():
    with exmc.Model():
        with pytest.raises(ValueError, match=r"Normal 'x'.*'mu' of shape \(3,\) does not broadcast.*\(4,\)"):
            exmc.Normal("x", mu=np.zeros(3), shape=4)
        with pytest.raises(ValueError, match=r"Normal 'y'.*'sigma'.*\(2,\)"):
            exmc.Normal("y", mu=0, sigma=np.ones(2), observed=np.zeros(5))
        with pytest.raises(ValueError, match=r"Normal 'z'.*do not broadcast"):
            exmc.Normal("z", mu=np.zeros(3), sigma=np.ones(2))
        with pytest.raises(ValueError, match=r"GaussianRandomWalk 'w'.*scalar"):
            exmc.GaussianRandomWalk("w", sigma=np.ones(3), shape=(3, 5))
        with pytest.raises(ValueError, match=r"GaussianRandomWalk 'w'.*needs shape"):
            exmc.GaussianRandomWalk("w")
        with pytest.raises(ValueError, match=r"GaussianRandomWalk 'w'.*steps=4"):
            exmc.GaussianRandomWalk("w", steps=4, shape=3)
        with pytest.raises(ValueError, match=r"Normal 'e'.*empty dimension"):
            exmc.Normal("e", shape=(0,))


# Values, relations between parameters and supports are checked once, by
# the Go core, when the model is compiled; the message names the node.
@pytest.mark.parametrize("build, match", [
    (lambda: exmc.Normal("x", sigma=-1), r'node "x": Normal: sigma must be positive'),
    (lambda: exmc.Bernoulli("b", p=1.5, observed=[0]), r'node "b": Bernoulli: p must be in \[0, 1\]'),
    (lambda: exmc.Uniform("u", lower=2, upper=1), r'node "u": Uniform: lower must be less than upper'),
    (lambda: exmc.Normal("t", tau=0.0), r'node "t": Normal: tau must be positive'),
    (lambda: exmc.Binomial("n", n=2.5, p=0.5, observed=[1]), r'node "n": Binomial: n must be a non-negative integer'),
    (lambda: exmc.Poisson("p", mu=1, observed=[0.5]), r'node "p": observed value 0.5 .* support of Poisson'),
    (lambda: exmc.Bernoulli("b", p=0.5, observed=[2]), r'node "b": observed value 2 .* Bernoulli \(x in \{0, 1\}\)'),
    (lambda: exmc.Binomial("n", n=3, p=0.5, observed=[4]), r'node "n": observed value 4 .* \(0, 1, ..., n\)'),
    (lambda: exmc.HalfNormal("h", observed=[-1.0]), r'node "h": observed value -1 .* HalfNormal \(x >= 0\)'),
    (lambda: exmc.Beta("be", 1, 1, observed=[1.0]), r'node "be": observed value 1 .* Beta \(0 < x < 1\)'),
])
def test_values_are_checked_when_compiled(build, match):
    with exmc.Model() as m:
        exmc.Normal("ok")
        build()
    with pytest.raises(ValueError, match=match):
        exmc.CompiledModel.from_model(m)


def test_discrete_must_be_observed():
    with exmc.Model():
        with pytest.raises(ValueError, match=r"Poisson 'k'.*observed"):
            exmc.Poisson("k", mu=3)


def test_duplicate_names():
    with exmc.Model():
        exmc.Normal("x")
        with pytest.raises(ValueError, match="'x' is already used"):
            exmc.HalfNormal("x")
        exmc.Data("y_observed", [1.0])
        with pytest.raises(ValueError, match="'y_observed'"):
            exmc.Normal("y", observed=[1.0])


def test_no_model_on_context():
    with pytest.raises(TypeError, match="no model"):
        exmc.Normal("x")


def test_refs_across_models_and_potentials():
    with exmc.Model():
        a = exmc.Normal("a")
    with exmc.Model():
        with pytest.raises(ValueError, match=r"'b'.*another model"):
            exmc.Normal("b", mu=a)
        pot = exmc.Potential("pot", exmc.Normal("c") * 2)
        with pytest.raises(ValueError, match=r"'d'.*potential"):
            exmc.Deterministic("d", pot + 1)


def test_bad_coords():
    with pytest.raises(ValueError, match="repeated labels"):
        exmc.Model(coords={"a": [1, 1]})
    with pytest.raises(ValueError, match="sequence of labels"):
        exmc.Model(coords={"a": "abc"})
    with pytest.raises(ValueError, match="mapping"):
        exmc.Model(coords=[("a", [1])])
    m = exmc.Model(coords={"a": [1, 2]})
    with pytest.raises(ValueError, match="already has other coords"):
        m.add_coord("a", [1, 2, 3])
    with pytest.raises(ValueError, match="must be None or a bool"):
        exmc.Model(noncentered="yes")


def test_transform_on_observed_is_rejected():
    with exmc.Model():
        with pytest.raises(ValueError, match=r"HalfNormal 'h'.*free variables only"):
            exmc.HalfNormal("h", observed=[1.0], transform=None)


def test_failed_node_leaves_no_data_behind():
    big = np.zeros(500)
    with exmc.Model() as m:
        with pytest.raises(ValueError, match=r"Normal 'x'"):
            exmc.Normal("x", mu=big, shape=3)
        with pytest.raises(ValueError, match=r"'d'"):
            exmc.Deterministic("d", big, dims="nope")
        x = exmc.Normal("ok", mu=big)
    assert m.data_names == ["_data0"]
    assert x.params["mu"].name == "_data0"


@pytest.mark.parametrize("point, error", [
    (None, TypeError),
    ("0.5", TypeError),
    ([None], TypeError),
    (np.array(["a"]), TypeError),
    (np.array([1 + 2j]), TypeError),
    ([0.0, 1.0], ValueError),
    (np.zeros((1, 1)), ValueError),
])
def test_compiled_model_points_are_checked(point, error):
    with exmc.Model() as m:
        exmc.Normal("x", mu=0, sigma=1)
    c = exmc.CompiledModel.from_model(m)
    for f in (c.logp, c.logp_grad, c.constrain):
        with pytest.raises(error, match="the point must"):
            f(point)
    assert c.logp([0.0]) == pytest.approx(-0.5 * np.log(2 * np.pi))
