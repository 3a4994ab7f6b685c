"""Expression shapes: every op's shape rule agrees with numpy on the same
values, and mismatches raise ValueError."""

import numpy as np
import pytest
from scipy import special

import exmc
from exmc import math as pm
from exmc.expr import evaluate

rng = np.random.default_rng(1)


@pytest.fixture
def env():
    """A model with named inputs, and their values."""
    values = {
        "s": np.array(0.7),
        "v": rng.uniform(0.1, 0.9, size=4),
        "w": rng.uniform(0.1, 0.9, size=4),
        "M": rng.normal(size=(3, 4)),
        "N": rng.normal(size=(4, 2)),
        "T": rng.normal(size=(2, 3, 4)),
    }
    with exmc.Model() as m:
        nodes = {k: exmc.Normal(k, shape=v.shape) for k, v in values.items()}
    return m, nodes, values


CASES = [
    ("s + v", lambda n: n["s"] + n["v"]),
    ("M * v", lambda n: n["M"] * n["v"]),
    ("v - M", lambda n: n["v"] - n["M"]),
    ("M / 2", lambda n: n["M"] / 2),
    ("2 ** v", lambda n: 2 ** n["v"]),
    ("v ** 2", lambda n: n["v"] ** 2),
    ("-T", lambda n: -n["T"]),
    ("abs(M)", lambda n: abs(n["M"])),
    ("M @ v", lambda n: n["M"] @ n["v"]),
    ("v @ N", lambda n: n["v"] @ n["N"]),
    ("M @ N", lambda n: n["M"] @ n["N"]),
    ("v @ w", lambda n: n["v"] @ n["w"]),
    ("dot(s, v)", lambda n: pm.dot(n["s"], n["v"])),
    ("exp", lambda n: pm.exp(n["M"])),
    ("log", lambda n: pm.log(n["v"])),
    ("log1p", lambda n: pm.log1p(n["v"])),
    ("expm1", lambda n: pm.expm1(n["v"])),
    ("sqrt", lambda n: pm.sqrt(n["v"])),
    ("square", lambda n: pm.square(n["M"])),
    ("sigmoid", lambda n: pm.sigmoid(n["M"])),
    ("invlogit", lambda n: pm.invlogit(n["M"])),
    ("softplus", lambda n: pm.softplus(n["M"])),
    ("logit", lambda n: pm.logit(n["v"])),
    ("tanh", lambda n: pm.tanh(n["M"])),
    ("erf", lambda n: pm.erf(n["M"])),
    ("erfc", lambda n: pm.erfc(n["M"])),
    ("erfcx", lambda n: pm.erfcx(n["M"])),
    ("log_ndtr", lambda n: pm.log_ndtr(n["M"])),
    ("normal_lcdf", lambda n: pm.normal_lcdf(n["s"], n["v"], n["M"])),
    ("gammaln", lambda n: pm.gammaln(n["v"])),
    ("digamma", lambda n: pm.digamma(n["v"])),
    ("betaln", lambda n: pm.betaln(n["v"], n["w"])),
    ("logaddexp", lambda n: pm.logaddexp(n["M"], n["v"])),
    ("sin", lambda n: pm.sin(n["M"])),
    ("cos", lambda n: pm.cos(n["M"])),
    ("floor", lambda n: pm.floor(n["M"])),
    ("ceil", lambda n: pm.ceil(n["M"])),
    ("round", lambda n: pm.round(n["M"] * 3)),
    ("clip", lambda n: pm.clip(n["M"], -0.5, n["v"])),
    ("cumprod", lambda n: pm.cumprod(n["M"], axis=1)),
    ("cumprod method", lambda n: n["M"].cumprod()),
    ("maximum", lambda n: pm.maximum(n["M"], n["v"])),
    ("minimum", lambda n: pm.minimum(n["s"], n["T"])),
    ("sum all", lambda n: pm.sum(n["T"])),
    ("sum axis", lambda n: pm.sum(n["T"], axis=1)),
    ("sum axes", lambda n: n["T"].sum(axis=(0, 2))),
    ("mean neg axis", lambda n: pm.mean(n["T"], axis=-1)),
    ("prod", lambda n: pm.prod(n["T"], axis=(0, 2))),
    ("cumsum", lambda n: pm.cumsum(n["M"], axis=1)),
    ("cumsum flat", lambda n: pm.cumsum(n["M"])),
    ("stack", lambda n: pm.stack([n["v"], n["w"]], axis=1)),
    ("stack -1", lambda n: pm.stack([n["M"], n["M"]], axis=-1)),
    ("concatenate", lambda n: pm.concatenate([n["M"], n["M"][:1]], axis=0)),
    ("reshape", lambda n: pm.reshape(n["T"], (6, -1))),
    ("reshape method", lambda n: n["M"].reshape(4, 3)),
    ("transpose", lambda n: pm.transpose(n["T"])),
    ("transpose perm", lambda n: pm.transpose(n["T"], (1, 0, 2))),
    (".T", lambda n: n["M"].T),
    ("slice", lambda n: n["v"][1:3]),
    ("slice step", lambda n: n["v"][::-2]),
    ("slice 2d", lambda n: n["M"][:, 1:]),
    ("int index", lambda n: n["M"][1]),
    ("neg int index", lambda n: n["T"][:, -1]),
    ("ellipsis", lambda n: n["T"][..., 2]),
    ("newaxis", lambda n: n["v"][:, None]),
    ("gather", lambda n: n["v"][np.array([3, 0, 0])]),
    ("gather 2d index", lambda n: n["v"][np.array([[0, 1], [2, 3]])]),
    ("gather axis 1", lambda n: n["M"][:, np.array([1, 1, 2])]),
    ("gather negative", lambda n: n["v"][np.array([-1])]),
    ("mask", lambda n: n["v"][np.array([True, False, True, False])]),
    ("gather then index", lambda n: n["T"][np.array([1, 0]), 2]),
    ("math.gather", lambda n: pm.gather(n["M"], np.array([2, 0]), axis=0)),
    ("mixed", lambda n: pm.exp(n["s"] * (n["M"] @ n["v"]).sum()) - 1),
    ("set_subtensor", lambda n: pm.set_subtensor(n["M"], (slice(1, None), np.array([0, 2])), n["v"][:2])),
    ("inc_subtensor", lambda n: pm.inc_subtensor(n["v"], np.array([1, 3, 1]), n["s"])),
    ("solve", lambda n: pm.solve(n["M"][:, :3] + 3 * pm.eye(3), n["N"][:3])),
    ("inv", lambda n: pm.inv(n["T"][:, :, 1:] + 2 * pm.eye(3))),
    ("det", lambda n: pm.det(n["T"][:, :, :3])),
    ("logabsdet", lambda n: pm.logabsdet(n["M"][:, :3] + 3 * pm.eye(3))),
    ("outer", lambda n: pm.outer(n["v"], n["M"][0, :2])),
    ("kron", lambda n: pm.kron(n["M"], n["N"])),
    ("softmax", lambda n: pm.softmax(n["T"], axis=1)),
    ("log_softmax", lambda n: pm.log_softmax(n["M"], axis=None)),
    ("batch @ matrix", lambda n: n["T"] @ n["N"]),
    ("vector @ batch", lambda n: n["w"][:3] @ n["T"]),
    ("cholesky", lambda n: pm.cholesky(n["M"] @ n["M"].T + 4 * pm.eye(3))),
    ("solve_triangular", lambda n: pm.solve_triangular(n["M"][:, :3] + 3 * pm.eye(3), n["v"][:3], lower=True)),
    ("solve_triangular batch", lambda n: pm.solve_triangular(n["T"][:, :, :3] + 3 * pm.eye(3), n["M"][:, :2], trans=True)),
    ("diag", lambda n: pm.diag(n["v"], 1)),
    ("diag of matrix", lambda n: pm.diag(n["M"], -1)),
    ("diagonal", lambda n: pm.diagonal(n["T"], 1, axis1=2, axis2=1)),
    ("tril", lambda n: pm.tril(n["M"], -1)),
    ("triu", lambda n: pm.triu(n["T"])),
]


@pytest.mark.parametrize("label,build", CASES, ids=[c[0] for c in CASES])
def test_shape_matches_numpy(env, label, build):
    m, nodes, values = env
    with m:
        e = build(nodes)
    got = evaluate(e, values)
    expected = np.asarray(build({k: v for k, v in values.items()}) if label not in NUMPY_SPECIAL else NUMPY_SPECIAL[label](values))
    assert e.shape == got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _erf(x):
    import math

    return np.vectorize(math.erf)(x)


def _set(a, key, values):
    out = np.array(a)
    out[key] = values
    return out


def _inc(a, key, values):
    out = np.array(a)
    np.add.at(out, key, values)
    return out


# where exmc.math has no numpy function of the same name
NUMPY_SPECIAL = {
    "dot(s, v)": lambda v: v["s"] * v["v"],
    "exp": lambda v: np.exp(v["M"]),
    "log": lambda v: np.log(v["v"]),
    "log1p": lambda v: np.log1p(v["v"]),
    "expm1": lambda v: np.expm1(v["v"]),
    "sqrt": lambda v: np.sqrt(v["v"]),
    "square": lambda v: v["M"] ** 2,
    "sigmoid": lambda v: _sigmoid(v["M"]),
    "invlogit": lambda v: _sigmoid(v["M"]),
    "softplus": lambda v: np.log1p(np.exp(v["M"])),
    "logit": lambda v: np.log(v["v"] / (1 - v["v"])),
    "tanh": lambda v: np.tanh(v["M"]),
    "erf": lambda v: _erf(v["M"]),
    "erfc": lambda v: special.erfc(v["M"]),
    "erfcx": lambda v: special.erfcx(v["M"]),
    "log_ndtr": lambda v: special.log_ndtr(v["M"]),
    "normal_lcdf": lambda v: special.log_ndtr((v["M"] - v["s"]) / v["v"]),
    "gammaln": lambda v: special.gammaln(v["v"]),
    "digamma": lambda v: special.digamma(v["v"]),
    "betaln": lambda v: special.betaln(v["v"], v["w"]),
    "logaddexp": lambda v: np.logaddexp(v["M"], v["v"]),
    "sin": lambda v: np.sin(v["M"]),
    "cos": lambda v: np.cos(v["M"]),
    "floor": lambda v: np.floor(v["M"]),
    "ceil": lambda v: np.ceil(v["M"]),
    "round": lambda v: np.round(v["M"] * 3),
    "clip": lambda v: np.clip(v["M"], -0.5, v["v"]),
    "cumprod": lambda v: np.cumprod(v["M"], axis=1),
    "cumprod method": lambda v: np.cumprod(v["M"]),
    "maximum": lambda v: np.maximum(v["M"], v["v"]),
    "minimum": lambda v: np.minimum(v["s"], v["T"]),
    "sum all": lambda v: np.sum(v["T"]),
    "sum axis": lambda v: np.sum(v["T"], axis=1),
    "mean neg axis": lambda v: np.mean(v["T"], axis=-1),
    "prod": lambda v: np.prod(v["T"], axis=(0, 2)),
    "cumsum": lambda v: np.cumsum(v["M"], axis=1),
    "cumsum flat": lambda v: np.cumsum(v["M"]),
    "stack": lambda v: np.stack([v["v"], v["w"]], axis=1),
    "stack -1": lambda v: np.stack([v["M"], v["M"]], axis=-1),
    "concatenate": lambda v: np.concatenate([v["M"], v["M"][:1]], axis=0),
    "reshape": lambda v: np.reshape(v["T"], (6, -1)),
    "transpose": lambda v: np.transpose(v["T"]),
    "transpose perm": lambda v: np.transpose(v["T"], (1, 0, 2)),
    "math.gather": lambda v: np.take(v["M"], [2, 0], axis=0),
    "mixed": lambda v: np.exp(v["s"] * (v["M"] @ v["v"]).sum()) - 1,
    "set_subtensor": lambda v: _set(v["M"], (slice(1, None), np.array([0, 2])), v["v"][:2]),
    "inc_subtensor": lambda v: _inc(v["v"], np.array([1, 3, 1]), v["s"]),
    "solve": lambda v: np.linalg.solve(v["M"][:, :3] + 3 * np.eye(3), v["N"][:3]),
    "inv": lambda v: np.linalg.inv(v["T"][:, :, 1:] + 2 * np.eye(3)),
    "det": lambda v: np.linalg.det(v["T"][:, :, :3]),
    "logabsdet": lambda v: np.linalg.slogdet(v["M"][:, :3] + 3 * np.eye(3))[1],
    "outer": lambda v: np.outer(v["v"], v["M"][0, :2]),
    "kron": lambda v: np.kron(v["M"], v["N"]),
    "softmax": lambda v: np.exp(v["T"]) / np.exp(v["T"]).sum(axis=1, keepdims=True),
    "log_softmax": lambda v: v["M"] - np.log(np.exp(v["M"]).sum()),
    "cholesky": lambda v: np.linalg.cholesky(v["M"] @ v["M"].T + 4 * np.eye(3)),
    "solve_triangular": lambda v: np.linalg.solve(np.tril(v["M"][:, :3] + 3 * np.eye(3)), v["v"][:3]),
    "solve_triangular batch": lambda v: np.linalg.solve(
        np.swapaxes(np.triu(v["T"][:, :, :3] + 3 * np.eye(3)), -1, -2), v["M"][:, :2]),
    "diag": lambda v: np.diag(v["v"], 1),
    "diag of matrix": lambda v: np.diag(v["M"], -1),
    "diagonal": lambda v: np.diagonal(v["T"], 1, axis1=2, axis2=1),
    "tril": lambda v: np.tril(v["M"], -1),
    "triu": lambda v: np.triu(v["T"]),
}


def test_numpy_ufuncs_on_expressions(env):
    m, n, values = env
    with m:
        e = np.exp(n["v"]) + np.sqrt(n["w"]) * np.ones(4)
    assert e.shape == (4,)
    np.testing.assert_allclose(evaluate(e, values), np.exp(values["v"]) + np.sqrt(values["w"]))
    with m:
        assert np.sum(n["M"]).shape == ()


def test_expressions_have_no_numeric_value(env):
    _, n, _ = env
    with pytest.raises(TypeError, match="symbolic"):
        np.asarray(n["v"], dtype=float)


def test_len_and_iteration(env):
    _, n, _ = env
    assert len(n["M"]) == 3
    rows = list(n["M"])
    assert len(rows) == 3 and rows[0].shape == (4,)
    with pytest.raises(TypeError):
        len(n["s"])


@pytest.mark.parametrize(
    "build,match",
    [
        (lambda n: n["M"] + n["N"], "do not broadcast"),
        (lambda n: n["M"] @ n["M"], "inner dimensions"),
        (lambda n: n["T"] @ n["w"][:3], "inner dimensions"),
        (lambda n: n["T"] @ n["T"], "inner dimensions"),
        (lambda n: n["T"] @ pm.reshape(pm.concatenate([n["T"], n["T"][:1]]), (3, 4, 3)), "batch axes"),
        (lambda n: n["s"] @ n["v"], "scalar"),
        (lambda n: pm.cholesky(n["M"]), "square"),
        (lambda n: pm.solve_triangular(n["M"], n["v"]), "square"),
        (lambda n: pm.solve_triangular(n["M"][:, :3], n["v"]), "does not fit"),
        (lambda n: pm.solve_triangular(n["M"][:, :3], n["N"]), "do not align"),
        (lambda n: pm.diag(n["T"]), "vector or a matrix"),
        (lambda n: pm.diagonal(n["v"]), "rank 2"),
        (lambda n: pm.tril(n["v"]), "matrix"),
        (lambda n: pm.set_subtensor(n["M"], (0, slice(None)), n["v"][:3]), "do not fit"),
        (lambda n: pm.stack([n["v"], n["M"]]), "equal shapes"),
        (lambda n: pm.concatenate([n["M"], n["N"]], axis=0), "do not fit"),
        (lambda n: pm.concatenate([n["s"], n["s"]]), "scalar"),
        (lambda n: pm.reshape(n["M"], (5, 2)), "cannot reshape"),
        (lambda n: pm.transpose(n["M"], (0, 0)), "permutation"),
        (lambda n: pm.sum(n["M"], axis=2), "out of range"),
        (lambda n: pm.cumsum(n["s"]), "scalar"),
        (lambda n: n["v"][7], "out of range"),
        (lambda n: n["v"][np.array([4])], "out of range"),
        (lambda n: n["v"][1, 2], "too many indices"),
        (lambda n: n["v"][np.array([True, False])], "mask"),
    ],
)
def test_shape_errors(env, build, match):
    m, n, _ = env
    with m, pytest.raises(ValueError, match=match):
        build(n)


def test_out_of_range_int_index_is_also_an_index_error(env):
    m, n, _ = env
    with m, pytest.raises(IndexError):
        n["v"][10]


def test_error_names_the_operands(env):
    m, n, _ = env
    with m, pytest.raises(ValueError, match=r"add\(M, N\)"):
        n["M"] + n["N"]


def test_index_must_be_integer(env):
    m, n, _ = env
    with m:
        f = exmc.Data("f", np.array([0.0, 1.0]))
        with pytest.raises(TypeError, match="integer"):
            n["v"][f]
        with pytest.raises(TypeError, match="only one integer-array"):
            n["M"][np.array([0]), np.array([1])]


def test_data_index_out_of_range_names_the_index(env):
    m, n, _ = env
    with m:
        idx = exmc.Data("idx", np.array([0, 5]))
        with pytest.raises(ValueError, match="'idx'"):
            n["v"][idx]


def test_int_data_stays_int_through_reshape_and_slice(env):
    m, n, values = env
    with m:
        idx = exmc.Data("idx2", np.array([[0, 1], [3, 2]]))
        e = n["v"][idx[1]]
        assert e.shape == (2,)
        np.testing.assert_allclose(evaluate(e, values), values["v"][[3, 2]])


def test_operators_reject_unknown_types(env):
    _, n, _ = env
    with pytest.raises(TypeError):
        n["v"] + "a"
    with pytest.raises(TypeError):
        n["v"] * {"a": 1}
