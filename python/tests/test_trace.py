"""Result assembly into an ArviZ DataTree."""

import numpy as np
import pyarrow as pa
import pytest
import xarray as xr

import exmc
from exmc.trace import SAMPLE_STATS, arrow_to_numpy, to_datatree

CHAINS, DRAWS, TUNE = 4, 50, 20


def arrow_backed(shape, dtype=np.float64, seed=0):
    """A read-only numpy view on a buffer that Arrow owns, as the Go core's
    output arrives."""
    rng = np.random.default_rng(seed)
    arr = pa.array(rng.normal(size=int(np.prod(shape))).astype(dtype))
    view = arrow_to_numpy(arr, shape)
    assert not view.flags.writeable
    return view


def fake_stats(chains, draws):
    rng = np.random.default_rng(3)
    return {
        "lp": rng.normal(size=(chains, draws)),
        "acceptance_rate": rng.uniform(size=(chains, draws)),
        "step_size": np.full((chains, draws), 0.3),
        "step_size_nom": np.full((chains, draws), 0.3),
        "tree_depth": np.full((chains, draws), 3, dtype=np.int64),
        "n_steps": np.full((chains, draws), 7, dtype=np.int64),
        "diverging": np.zeros((chains, draws), dtype=bool),
        "energy": rng.normal(size=(chains, draws)),
        "energy_error": rng.normal(size=(chains, draws)),
        "max_energy_error": rng.normal(size=(chains, draws)),
        "reached_max_treedepth": np.zeros((chains, draws), dtype=bool),
    }


@pytest.fixture
def posterior():
    return {
        "mu": arrow_backed((CHAINS, DRAWS), seed=1),
        "tau": arrow_backed((CHAINS, DRAWS), seed=2),
        "theta": arrow_backed((CHAINS, DRAWS, 8), seed=3),
        "theta_mean": arrow_backed((CHAINS, DRAWS), seed=4),
    }


def test_groups_names_dims_coords(eight_schools, posterior, schools):
    y, sigma, names = schools
    loglik = {"y": arrow_backed((CHAINS, DRAWS, 8), seed=5)}
    dt = to_datatree(
        posterior,
        fake_stats(CHAINS, DRAWS),
        log_likelihood=loglik,
        model=eight_schools,
        sampling_time=1.5,
        tuning_steps=TUNE,
    )
    assert isinstance(dt, xr.DataTree)
    assert set(dt.children) == {"posterior", "sample_stats", "observed_data", "constant_data", "log_likelihood"}
    post = dt["posterior"]
    assert set(post.data_vars) == {"mu", "tau", "theta", "theta_mean"}
    assert post["theta"].dims == ("chain", "draw", "school")
    assert list(post["school"].values) == names
    assert list(post["chain"].values) == list(range(CHAINS))
    assert post.sizes["draw"] == DRAWS
    assert set(dt["sample_stats"].data_vars) == set(SAMPLE_STATS)
    assert dt["sample_stats"]["diverging"].dtype == bool
    assert dt["observed_data"]["y"].dims == ("school",)
    np.testing.assert_array_equal(dt["observed_data"]["y"].values, y)
    assert set(dt["constant_data"].data_vars) == {"sigma"}
    assert dt["constant_data"]["sigma"].dims == ("school",)
    assert dt["log_likelihood"]["y"].dims == ("chain", "draw", "school")
    for group in ("posterior", "sample_stats"):
        attrs = dt[group].attrs
        assert attrs["inference_library"] == "exmc"
        assert attrs["inference_library_version"] == exmc.__version__
        assert attrs["sampling_time"] == 1.5
        assert attrs["tuning_steps"] == TUNE
    assert dt["observed_data"].attrs["inference_library"] == "exmc"
    assert dt.attrs["inference_library"] == "exmc"


def test_posterior_is_not_copied(eight_schools, posterior):
    dt = to_datatree(posterior, fake_stats(CHAINS, DRAWS), model=eight_schools)
    for name, arr in posterior.items():
        assert np.shares_memory(dt["posterior"][name].values, arr), name
        assert np.shares_memory(dt.posterior[name].data, arr), name


def test_warmup_groups(eight_schools, posterior):
    warm = {k: arrow_backed((CHAINS, TUNE) + v.shape[2:], seed=9) for k, v in posterior.items()}
    dt = to_datatree(
        posterior,
        fake_stats(CHAINS, DRAWS),
        warmup_posterior=warm,
        warmup_sample_stats=fake_stats(CHAINS, TUNE),
        model=eight_schools,
    )
    assert {"warmup_posterior", "warmup_sample_stats"} <= set(dt.children)
    assert dt["warmup_posterior"].sizes["draw"] == TUNE
    assert dt["warmup_posterior"]["theta"].dims == ("chain", "draw", "school")
    assert np.shares_memory(dt["warmup_posterior"]["theta"].values, warm["theta"])
    assert dt["warmup_sample_stats"]["lp"].shape == (CHAINS, TUNE)


def test_without_model_and_default_dims():
    post = {"x": np.zeros((2, 5, 3)), "s": np.zeros((2, 5))}
    dt = to_datatree(post, coords={"k": ["a", "b", "c"]}, dims={"x": "k"})
    assert set(dt.children) == {"posterior"}
    assert dt["posterior"]["x"].dims == ("chain", "draw", "k")
    dt2 = to_datatree({"x": np.zeros((2, 5, 3))})
    assert dt2["posterior"]["x"].dims == ("chain", "draw", "x_dim_0")


def test_arviz_functions_accept_the_tree(eight_schools, posterior):
    import arviz_stats as azs

    dt = to_datatree(posterior, fake_stats(CHAINS, DRAWS), model=eight_schools)
    summary = azs.summary(dt, var_names=["mu", "tau"])
    assert len(summary) == 2


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"posterior": {"x": np.zeros(5)}}, "shape"),
        ({"posterior": {"x": np.zeros((2, 5)), "y": np.zeros((3, 5))}}, "chains"),
        ({"posterior": {"x": np.zeros((2, 5))}, "sample_stats": {"lp": np.zeros((2, 4))}}, "draws"),
        ({"posterior": {}}, "no variables"),
        ({"posterior": [1, 2]}, "mapping"),
        ({"posterior": {"x": np.zeros((2, 5))}, "warmup_posterior": {"x": np.zeros((3, 5))}}, "chains"),
    ],
)
def test_bad_shapes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        to_datatree(**kwargs)


def test_arrow_to_numpy_is_zero_copy():
    flat = pa.array(np.arange(12, dtype=np.float64))
    view = arrow_to_numpy(flat, (3, 4))
    assert view.shape == (3, 4)
    assert np.shares_memory(view, np.frombuffer(flat.buffers()[1], dtype=np.float64))
    nested = pa.FixedSizeListArray.from_arrays(flat, 4)
    view2 = arrow_to_numpy(nested)
    assert np.shares_memory(view2, view)
    chunked = pa.chunked_array([flat])
    assert np.shares_memory(arrow_to_numpy(chunked), view)
    sliced = flat.slice(4, 4)
    np.testing.assert_array_equal(arrow_to_numpy(sliced), [4, 5, 6, 7])
    with pytest.raises(ValueError, match="single chunk"):
        arrow_to_numpy(pa.chunked_array([flat, flat]))
    with pytest.raises(ValueError, match="nulls"):
        arrow_to_numpy(pa.array([1.0, None]))
    bools = arrow_to_numpy(pa.array([True, False]))
    assert bools.dtype == bool


def go_layout_batch(chains=3, tune=4, draws=5, lengths=None, names=None):
    """Draws in the layout exmc_sample documents in include/exmc.h: the
    index columns, then the struct columns sample_stats, posterior and
    log_likelihood. ``names`` renames the variables mu, theta and m."""
    names = names or {}
    lengths = lengths or [tune + draws] * chains
    rows = sum(lengths)
    chain = np.concatenate([np.full(n, c) for c, n in enumerate(lengths)]).astype(np.int64)
    draw = np.concatenate([np.arange(n) for n in lengths]).astype(np.int64)
    warmup = np.concatenate([np.arange(n) < tune for n in lengths])
    theta = np.arange(rows * 8, dtype=np.float64)
    matrix = np.arange(rows * 6, dtype=np.float64)

    def struct(cols, shapes):
        fields = [
            pa.field(name, arr.type, nullable=False, metadata={"exmc:shape": shapes.get(name, "[]")})
            for name, arr in cols.items()
        ]
        return pa.StructArray.from_arrays(list(cols.values()), fields=fields)

    stats = struct({
        "lp": pa.array(-np.arange(rows, dtype=np.float64)),
        "tree_depth": pa.array(np.full(rows, 3, dtype=np.int64)),
        "diverging": pa.array(np.zeros(rows, dtype=bool)),
    }, {})
    mu, th, m = names.get("mu", "mu"), names.get("theta", "theta"), names.get("m", "m")
    posterior = struct({
        mu: pa.array(np.arange(rows, dtype=np.float64)),
        th: pa.FixedSizeListArray.from_arrays(pa.array(theta), 8),
        m: pa.FixedSizeListArray.from_arrays(pa.array(matrix), 6),
    }, {th: "[8]", m: "[2, 3]"})
    loglik = struct({"y": pa.FixedSizeListArray.from_arrays(pa.array(theta * 0.5), 8)}, {"y": "[8]"})
    return pa.RecordBatch.from_arrays(
        [pa.array(chain), pa.array(draw), pa.array(warmup), stats, posterior, loglik],
        names=["chain", "draw", "warmup", "sample_stats", "posterior", "log_likelihood"],
    )


def theta_buffer(batch, name="theta"):
    """The Arrow buffer holding a variable's values."""
    return np.frombuffer(batch.column("posterior").field(name).values.buffers()[1], dtype=np.float64)


def test_split_draws_from_the_go_layout():
    from exmc.trace import split_draws

    batch = go_layout_batch()
    groups = split_draws(batch)
    assert set(groups) == {"posterior", "sample_stats", "log_likelihood", "warmup_posterior", "warmup_sample_stats"}
    post = groups["posterior"]
    assert post["mu"].shape == (3, 5)
    assert post["theta"].shape == (3, 5, 8)
    assert post["m"].shape == (3, 5, 2, 3)
    assert groups["warmup_posterior"]["theta"].shape == (3, 4, 8)
    # chain 1's first posterior draw is row 1 * 9 + 4 = 13
    assert post["mu"][1, 0] == 13
    np.testing.assert_array_equal(post["theta"][1, 0], np.arange(13 * 8, 14 * 8))
    assert groups["sample_stats"]["tree_depth"].dtype == np.int64
    assert groups["sample_stats"]["diverging"].dtype == bool
    assert groups["log_likelihood"]["y"].shape == (3, 5, 8)
    theta_buf = theta_buffer(batch)
    assert np.shares_memory(post["theta"], theta_buf)
    assert np.shares_memory(groups["warmup_posterior"]["theta"], theta_buf)
    assert not post["theta"].flags.writeable


def test_from_arrow_builds_the_tree_without_copies(eight_schools):
    from exmc.trace import from_arrow

    batch = go_layout_batch(chains=2, tune=3, draws=6)
    dt = from_arrow(pa.Table.from_batches([batch]), model=eight_schools, tuning_steps=3, sampling_time=0.1)
    assert dt["posterior"]["theta"].dims == ("chain", "draw", "school")
    assert dt["log_likelihood"]["y"].dims == ("chain", "draw", "school")
    assert dt["warmup_posterior"].sizes["draw"] == 3
    assert np.shares_memory(dt["posterior"]["theta"].values, theta_buffer(batch))


def test_split_draws_with_unequal_chains_cuts_to_shortest():
    from exmc.trace import split_draws

    with pytest.warns(RuntimeWarning, match="unequal"):
        groups = split_draws(go_layout_batch(chains=2, tune=4, draws=5, lengths=[9, 7]))
    assert groups["posterior"]["theta"].shape == (2, 3, 8)
    assert groups["warmup_posterior"]["mu"].shape == (2, 4)
    assert groups["posterior"]["mu"][1, 0] == 9 + 4


@pytest.mark.parametrize("names", [
    {"mu": "lp", "theta": "diverging", "m": "tree_depth"},
    {"mu": "step_size", "theta": "energy", "m": "acceptance_rate"},
    {"mu": "a b.c[1]", "theta": "\u03b8 (school)", "m": "log_likelihood::y"},
])
def test_split_draws_keeps_groups_apart_whatever_the_names(names):
    """Variables named like statistics stay in the posterior, and the
    statistics stay the sampler's."""
    from exmc.trace import split_draws

    batch = go_layout_batch(names=names)
    groups = split_draws(batch)
    post, stats = groups["posterior"], groups["sample_stats"]
    assert list(post) == [names["mu"], names["theta"], names["m"]]
    assert list(stats) == ["lp", "tree_depth", "diverging"]
    assert post[names["mu"]][1, 0] == 13 and stats["lp"][1, 0] == -13
    assert post[names["theta"]].shape == (3, 5, 8) and post[names["m"]].shape == (3, 5, 2, 3)
    assert stats["diverging"].dtype == bool and stats["tree_depth"].dtype == np.int64
    assert np.shares_memory(post[names["theta"]], theta_buffer(batch, names["theta"]))
    assert list(groups["log_likelihood"]) == ["y"]


def test_split_draws_refuses_the_old_layout():
    from exmc.trace import split_draws

    old = pa.RecordBatch.from_arrays(
        [pa.array([0, 0]), pa.array([0, 1]), pa.array([False, False]), pa.array([1.0, 2.0]), pa.array([0.0, 1.0])],
        names=["chain", "draw", "warmup", "lp", "mu"],
    )
    with pytest.raises(ValueError, match="no 'posterior' struct column"):
        split_draws(old)
