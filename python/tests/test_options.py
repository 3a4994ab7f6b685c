"""The sampling options come from the Go core's schema: one signature for
every entry point, types checked in Python, ranges in Go, one failed-chain
policy."""

import inspect
import json
import warnings

import numpy as np
import pyarrow as pa
import pytest

import exmc
import exmc.dask
import exmc.pymc
from exmc import _ffi
from exmc.sampling import options as opts
from exmc.sampling.native import settle_failures


def library_schema():
    ffi, lib, _ = _ffi.load()
    out = ffi.new("const char**")
    err = ffi.new("char**")
    assert lib.exmc_options_schema(out, err) == 0
    return json.loads(ffi.string(out[0]).decode())


def test_the_packaged_schema_is_the_librarys():
    assert json.loads(opts.SCHEMA_PATH.read_text()) == library_schema()


def test_the_build_hook_writes_the_schema(tmp_path):
    import importlib.util
    from pathlib import Path

    hook = Path(__file__).resolve().parents[2] / "build" / "hatch_build.py"
    spec = importlib.util.spec_from_file_location("exmc_hatch_build_options", hook)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    written = mod.write_options(_ffi.library_path(), tmp_path)
    assert written == tmp_path / "options.json"
    assert json.loads(written.read_text()) == library_schema()


def test_every_field_of_the_c_options_is_in_the_schema():
    ffi, _, _ = _ffi.load()
    fields = [name for name, _ in ffi.typeof("exmc_options").fields if name != "size"]
    assert [s.c for s in opts.SCHEMA] == fields


def _parameters(function):
    return inspect.signature(function).parameters


ENTRY_POINTS = [exmc.sample, exmc.sample_stream, exmc.dask.sample, exmc.pymc.sample_pymc]


@pytest.mark.parametrize("function", ENTRY_POINTS, ids=lambda f: f.__module__ + "." + f.__name__)
def test_one_signature_serves_every_entry_point(function):
    """Each entry point takes the schema's keywords with the schema's
    defaults (the PyMC path spells init and random_seed PyMC's way), and
    the shared ones; its docstring lists them with the schema's docs."""
    params = _parameters(function)
    replaced = {"init", "random_seed"} if function is exmc.pymc.sample_pymc else set()
    for keyword, spec in opts.KEYWORDS.items():
        assert keyword in params, keyword
        if keyword not in replaced:
            assert params[keyword].default == spec.default, keyword
            assert spec.doc in function.__doc__
    for k in opts.SHARED:
        assert k.name in params
    assert list(params)[0] == "model"


def test_defaults_are_the_cores():
    """The Python defaults are the C library's exmc_options_default, through
    the schema: the options of a call with none given fill the C struct
    exactly as exmc_options_default does (but for the seed, drawn afresh)."""
    ffi, lib, _ = _ffi.load()
    want = ffi.new("exmc_options*")
    lib.exmc_options_default(want)
    got = exmc.sampling.Options.checked(random_seed=0).to_c()
    for name, _ in ffi.typeof("exmc_options").fields:
        assert getattr(got, name) == getattr(want, name), name
    assert opts.KEYWORDS["target_accept"].default == 0.8
    assert opts.KEYWORDS["init"].default == "jitter" and opts.KEYWORDS["init"].choices["jitter"] == 2.0


@pytest.fixture(scope="module")
def model():
    with exmc.Model() as m:
        exmc.Normal("x", 0, 1)
    return m


RANGES = [
    ("target_accept", 1.5, "target_accept must be in (0, 1), got 1.5"),
    ("target_accept", 0, "target_accept must be in (0, 1), got 0"),
    ("draws", 0, "draws must be at least 1, got 0"),
    ("tune", -1, "tune must be in [0, 1099511627776], got -1"),
    ("chains", 0, "chains must be at least 1, got 0"),
    ("cores", 5000, "cores must be in [0, 1024], got 5000"),
    ("max_treedepth", 31, "max_treedepth must be in [1, 30], got 31"),
    ("batch_size", 0, "batch_size must be at least 1, got 0"),
]


@pytest.mark.parametrize("keyword, value, message", RANGES, ids=[f"{k}={v}" for k, v, _ in RANGES])
def test_ranges_are_checked_in_go(model, keyword, value, message):
    """A value out of range is the Go core's to refuse: a ValueError naming
    the keyword, before anything is compiled or sampled, from every entry
    point."""
    for call in (lambda: exmc.sample(model, progressbar=False, **{keyword: value}),
                 lambda: exmc.sample_stream(model, **{keyword: value}),
                 lambda: exmc.sample(model, blocking=False, **{keyword: value})):
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")
                           .replace("[", r"\[").replace("]", r"\]")):
            call()


def test_options_check_through_the_c_abi():
    ffi, lib, _ = _ffi.load()
    o = ffi.new("exmc_options*")
    lib.exmc_options_default(o)
    assert lib.exmc_options_check(o, ffi.NULL) == lib.EXMC_OK
    o.target_accept = 1.0
    err = ffi.new("char**")
    assert lib.exmc_options_check(o, err) == lib.EXMC_ERR_INVALID
    assert "target_accept must be in (0, 1), got 1" in ffi.string(err[0]).decode()
    lib.exmc_free_error(err[0])
    lib.exmc_options_default(o)
    o.init_jitter = -1
    err = ffi.new("char**")
    assert lib.exmc_options_check(o, err) == lib.EXMC_ERR_INVALID
    assert "init (exmc_options.init_jitter) must be finite and at least 0" in ffi.string(err[0]).decode()
    lib.exmc_free_error(err[0])


TYPES = [
    ("draws", "100", "draws must be an integer, got str '100'"),
    ("chains", 2.5, "chains must be an integer"),
    ("target_accept", "high", "target_accept must be a number"),
    ("target_accept", True, "target_accept must be a number"),
    ("dense_mass", "yes", "dense_mass must be a bool"),
    ("metric", 1, "metric must be one of 'gradient', 'variance'"),
    ("random_seed", 1.5, "random_seed must be None, a numpy Generator or an integer"),
    ("draws", None, "draws must be an integer"),
]


@pytest.mark.parametrize("keyword, value, message", TYPES, ids=[f"{k}={v!r}" for k, v, _ in TYPES])
def test_types_are_checked_in_python(model, keyword, value, message):
    with pytest.raises(TypeError, match=message):
        exmc.sample(model, progressbar=False, **{keyword: value})


def test_values_python_checks():
    """A choice is one of its names and a seed fits in 64 bits (ValueError),
    an integer fits in its C type; None is a choice's default."""
    with pytest.raises(ValueError, match="schedule must be one of 'online', 'windowed', got 'stan'"):
        exmc.sampling.Options.checked(schedule="stan")
    with pytest.raises(ValueError, match=r"random_seed must be in \[0, 2\*\*64\), got -1"):
        exmc.sampling.Options.checked(random_seed=-1)
    with pytest.raises(ValueError, match=r"draws must fit in exmc_options.draws \(int64_t\)"):
        exmc.sampling.Options.checked(draws=2**63)
    o = exmc.sampling.Options.checked(metric=None, init=None, random_seed=np.random.default_rng(1), save_warmup=1)
    assert (o.metric, o.init, o.save_warmup) == ("gradient", "jitter", True)
    assert 0 <= o.random_seed < 2**63


def test_positional_options_bind_in_the_schemas_order(model):
    a = exmc.sample(model, 30, 20, 1, None, 3, progressbar=False)
    b = exmc.sample(model, draws=30, tune=20, chains=1, random_seed=3, progressbar=False)
    assert np.array_equal(a.posterior["x"].values, b.posterior["x"].values)
    with pytest.raises(TypeError, match="sample_stream\\(\\) got an unexpected keyword argument 'blocking'"):
        exmc.sample_stream(model, blocking=False)


# -- the failed-chain policy ------------------------------------------------------


def _table(chains):
    return pa.table({"chain": pa.array([c for c in chains for _ in range(3)], pa.int64()),
                     "x": pa.array(np.arange(3.0 * len(chains)))})


def test_failed_chains_are_dropped_with_a_warning():
    table = _table([4, 5, 6])
    with pytest.warns(RuntimeWarning, match="1 of 3 chains failed and are left out: chain 5: bad"):
        kept = settle_failures({5: "bad"}, range(4, 7), strict=False, table=table)
    assert kept.column("chain").to_pylist() == [4, 4, 4, 6, 6, 6]
    with pytest.warns(RuntimeWarning, match=r"1 of 3 chains failed \(their batches stop where they failed\)"):
        assert settle_failures({5: "bad"}, range(4, 7), strict=False) is None


def test_strict_or_every_chain_failed_raises():
    table = _table([0, 1])
    with pytest.raises(exmc.ChainError, match="1 of 2 chains failed: chain 1: bad") as err:
        settle_failures({1: "bad"}, range(2), strict=True, table=table)
    assert err.value.failed == {1: "bad"}
    with pytest.raises(exmc.ChainError, match="2 of 2 chains failed"):
        settle_failures({0: "a", 1: "b"}, range(2), strict=False, table=table)
    # every chain of a run numbered from 3 (a Dask task's)
    with pytest.raises(exmc.ChainError):
        settle_failures({3: "a"}, range(3, 4), strict=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert settle_failures({}, range(2), strict=True, table=table) is table
