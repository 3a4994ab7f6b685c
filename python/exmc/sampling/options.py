"""The sampling options, made from the Go core's schema.

The schema (``exmc_options_schema`` in exmc.h, written to
``_lib/options.json`` when the package is built) lists every field of
``exmc_options``: its Python keyword, C name and type, default, range and
one line of documentation. From it come

* :class:`Options`, the values of one run as a frozen dataclass (one field
  per keyword, and the C library's own ``max_energy_error`` and
  ``first_chain``), with their C struct (:meth:`Options.to_c`);
* :class:`Signature`, the keywords a sampling entry point takes: the
  schema's, in its order, then the Python package's own (``progressbar``,
  ``strict``, ...), each declared once, as a :class:`Keyword`.
  :data:`SAMPLING` serves ``exmc.sample``, ``exmc.sample_stream``,
  ``exmc.dask.sample`` and the PyMC path, each adding its own keywords.

Python checks each value's type (a TypeError naming the keyword) and that
a choice is one of its names; ranges are the Go core's to check
(``exmc_options_check``: a ValueError naming the keyword, "target_accept
must be in (0, 1), got 1.5").
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .. import _ffi
from .._errors import check, error_out

#: where the build puts the schema (the Go core's exmc_options_schema)
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "_lib" / "options.json"

_SCHEMA_VERSION = 1

# the integers each C type holds: a value outside is refused before it
# reaches cffi, by the option's name
_C_INTEGERS = {
    "int64_t": (-(2**63), 2**63 - 1),
    "uint64_t": (0, 2**64 - 1),
    "int32_t": (-(2**31), 2**31 - 1),
}


@dataclass(frozen=True)
class Spec:
    """One option of the schema."""

    #: exmc.sample's keyword; None for an option of the C library only
    keyword: str | None
    #: the field of exmc_options, and its C type
    c: str
    c_type: str
    #: "int", "float", "bool", "seed", "choice" or "points"
    type: str
    #: the Python default, and the C one (exmc_options_default's)
    default: Any
    c_default: Any
    #: what None means, when the keyword takes None
    none: str | None
    #: a choice's names -> their C values, and what each means
    choices: dict[str, float]
    choice_docs: dict[str, str]
    #: the range of the C value, as the schema gives it (the Go core checks it)
    range: dict | None
    doc: str

    @property
    def name(self) -> str:
        """The keyword, or the C name of an option of the C library only."""
        return self.keyword or self.c


def _spec(row: dict) -> Spec:
    return Spec(
        keyword=row["python"],
        c=row["c"],
        c_type=row["c_type"],
        type=row["type"],
        default=row["python_default"],
        c_default=row["default"],
        none=row["none"],
        choices={c["name"]: c["value"] for c in row["choices"] or ()},
        choice_docs={c["name"]: c["doc"] for c in row["choices"] or ()},
        range=row["range"],
        doc=row["doc"],
    )


def _load_schema() -> tuple[Spec, ...]:
    try:
        doc = json.loads(SCHEMA_PATH.read_text())
    except FileNotFoundError:
        raise ImportError(
            f"exmc: the options' schema {SCHEMA_PATH} is missing: the package was not built "
            "(install it with pip, or run `make install`)"
        ) from None
    if doc.get("version") != _SCHEMA_VERSION:
        raise ImportError(
            f"exmc: {SCHEMA_PATH} has schema version {doc.get('version')}, this exmc reads {_SCHEMA_VERSION}"
        )
    return tuple(_spec(row) for row in doc["options"])


#: every option of exmc_options, in the order of its fields
SCHEMA: tuple[Spec, ...] = _load_schema()
#: the options Python users give, by keyword
KEYWORDS: dict[str, Spec] = {s.keyword: s for s in SCHEMA if s.keyword}
# the fields of Options: the keywords, and the C library's own scalar
# options under their C names (a pointer travels apart, see blocking.run_nuts)
_FIELDS: dict[str, Spec] = {s.name: s for s in SCHEMA if s.type != "points"}


# -- values ------------------------------------------------------------------------


def _type_error(spec: Spec, want: str, value: Any) -> TypeError:
    return TypeError(f"{spec.name} must be {want}, got {type(value).__name__} {value!r}")


def _c_integer(spec: Spec, value: Any) -> int:
    lo, hi = _C_INTEGERS[spec.c_type]
    if not lo <= value <= hi:
        raise ValueError(f"{spec.name} must fit in exmc_options.{spec.c} ({spec.c_type}), got {value}")
    return int(value)


def _seed(spec: Spec, value: Any) -> int:
    if value is None:
        return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])
    if isinstance(value, np.random.Generator):
        return int(value.integers(0, 2**63))
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _type_error(spec, "None, a numpy Generator or an integer", value)
    if not 0 <= value < 2**64:
        raise ValueError(f"{spec.name} must be in [0, 2**64), got {value}")
    return int(value)


_WANT = {"int": "an integer", "float": "a number", "bool": "a bool"}


def _checked_value(spec: Spec, value: Any) -> Any:
    """value, of the type spec asks for, in the form Options holds it; a
    TypeError (or, for a choice or a seed, a ValueError) naming the option
    otherwise. None stands for the default where the keyword takes it."""
    kind = spec.type
    if kind == "seed":
        return _seed(spec, value)
    if value is None:
        if spec.none is not None:
            return None
        if kind == "choice":
            return spec.default
        raise _type_error(spec, _WANT[kind], value)
    if kind == "int":
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise _type_error(spec, _WANT[kind], value)
        return _c_integer(spec, value)
    if kind == "float":
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise _type_error(spec, _WANT[kind], value)
        return float(value)
    if kind == "bool":
        if isinstance(value, (bool, np.bool_)) or (isinstance(value, numbers.Integral) and value in (0, 1)):
            return bool(value)
        raise _type_error(spec, _WANT[kind], value)
    if kind == "choice":
        if not isinstance(value, str):
            raise _type_error(spec, f"one of {', '.join(map(repr, spec.choices))}", value)
        if value not in spec.choices:
            raise ValueError(f"{spec.name} must be one of {', '.join(map(repr, spec.choices))}, got {value!r}")
        return value
    raise TypeError(f"{spec.name}: the schema's type {kind!r} is not one this exmc knows")


def _c_value(spec: Spec, value: Any) -> Any:
    """The value of the C field for a checked value."""
    if value is None:
        if spec.type == "seed":
            raise ValueError(f"{spec.name} is None: Options.checked draws the seed")
        return spec.c_default
    if spec.type == "choice":
        return spec.choices[value]
    if spec.type == "bool":
        return int(value)
    return value


class _OptionsMethods:
    """The methods of :class:`Options` (whose fields come from the schema)."""

    @classmethod
    def checked(cls, **values: Any) -> "Options":
        """Options from keywords as ``exmc.sample`` spells them (and the C
        library's own options by their C names): each value's type is
        checked here, its range by the Go core (``exmc_options_check``)."""
        unknown = sorted(set(values) - set(_FIELDS))
        if unknown:
            raise TypeError(f"unknown sampling options: {', '.join(unknown)}")
        fields = {}
        for name, spec in _FIELDS.items():
            value = values.get(name, spec.default)
            fields[name] = _checked_value(spec, value)
        options = cls(**fields)
        ffi, lib, _ = _ffi.load()
        err = error_out(ffi)
        check(lib.exmc_options_check(options.to_c(), err), err, ffi, lib, "sample")
        return options

    def replace(self, **changes: Any) -> "Options":
        return dataclasses.replace(self, **changes)

    @property
    def chain_numbers(self) -> range:
        """The numbers of the run's chains."""
        return range(self.first_chain, self.first_chain + self.chains)

    def to_c(self) -> Any:
        """A filled ``exmc_options*`` (cffi)."""
        ffi, lib, _ = _ffi.load()
        opts = ffi.new("exmc_options*")
        lib.exmc_options_default(opts)
        for name, spec in _FIELDS.items():
            setattr(opts, spec.c, _c_value(spec, getattr(self, name)))
        return opts


#: The values of one run: one field per option of the schema (the
#: keywords, ``random_seed`` holding the seed itself once checked, and the C
#: library's own ``max_energy_error`` and ``first_chain``). ``first_chain``
#: numbers the run's chains from there (exmc.h): a run of chain k alone
#: makes the draws of chain k of a run of them all.
Options = dataclasses.make_dataclass(
    "Options",
    [(name, Any, dataclasses.field(default=spec.default)) for name, spec in _FIELDS.items()],
    bases=(_OptionsMethods,),
    frozen=True,
    module=__name__,
)
Options.__doc__ = (
    "The values of one run, one field per option of the Go core's schema (exmc_options_schema):\n\n"
    + "\n".join(f"``{name}``\n    {spec.doc}" for name, spec in _FIELDS.items())
)


# -- signatures ----------------------------------------------------------------


@dataclass(frozen=True)
class Keyword:
    """A keyword of the Python package's own, beside the schema's."""

    name: str
    default: Any
    doc: str


#: the keywords every sampling entry point takes beside the schema's
SHARED = (
    Keyword("progressbar", True, "draw progress: True, False, or a mode, 'tqdm' or 'simple'"),
    Keyword("strict", False, "raise ChainError when a chain fails, instead of warning and leaving it out"),
)


@dataclass(frozen=True)
class Call:
    """The arguments of one call, bound to a :class:`Signature`."""

    signature: "Signature"
    #: the arguments the caller gave (the model included), by name
    given: dict
    #: keywords the signature does not know, when it takes them
    rest: dict

    def __getitem__(self, name: str) -> Any:
        """The argument, or its default."""
        if name in self.given:
            return self.given[name]
        return self.signature.defaults()[name]

    def options(self, **changes: Any) -> dict:
        """The schema's keywords this signature takes, with their values
        (changes applied), to pass to :meth:`Options.checked`."""
        values = {k: self[k] for k in self.signature.option_names}
        values.update(changes)
        return values

    def checked_options(self, **changes: Any) -> "Options":
        return Options.checked(**self.options(**changes))


class Signature:
    """The keywords of a sampling entry point: ``model``, the schema's
    options in its order, then Python's own keywords (keyword-only), and,
    with ``rest``, a ``**name`` for keywords passed on elsewhere."""

    def __init__(
        self,
        keywords: Iterable[Keyword] = (),
        *,
        replaces: Iterable[str] = (),
        defaults: Mapping[str, Any] | None = None,
        rest: str | None = None,
    ):
        self.keywords = tuple(keywords)
        self.replaces = frozenset(replaces)
        unknown = self.replaces - set(KEYWORDS)
        if unknown:
            raise ValueError(f"replaces names no option of the schema: {sorted(unknown)}")
        self.option_names = tuple(k for k in KEYWORDS if k not in self.replaces)
        names = [*self.option_names, *(k.name for k in self.keywords)]
        if len(set(names)) != len(names) or "model" in names:
            raise ValueError(f"a keyword is declared twice: {names}")
        self._defaults = {
            **{k: KEYWORDS[k].default for k in self.option_names},
            **{k.name: k.default for k in self.keywords},
        }
        self._own_defaults = dict(defaults or {})
        for name, value in self._own_defaults.items():
            if name not in self._defaults:
                raise ValueError(f"{name} is no keyword of this signature")
            self._defaults[name] = value
        self.rest = rest
        P = inspect.Parameter
        params = [P("model", P.POSITIONAL_OR_KEYWORD, default=None)]
        params += [P(k, P.POSITIONAL_OR_KEYWORD, default=self._defaults[k]) for k in self.option_names]
        params += [P(k.name, P.KEYWORD_ONLY, default=self._defaults[k.name]) for k in self.keywords]
        if rest is not None:
            params.append(P(rest, P.VAR_KEYWORD))
        #: the inspect.Signature, for help() and for binding
        self.signature = inspect.Signature(params)

    def extend(
        self,
        *keywords: Keyword,
        replaces: Iterable[str] = (),
        defaults: Mapping[str, Any] | None = None,
        rest: str | None = None,
    ) -> "Signature":
        """This signature with more keywords (``replaces`` names schema
        options they stand in for), other defaults, or a ``**rest``."""
        return Signature(
            (*self.keywords, *keywords),
            replaces=self.replaces | frozenset(replaces),
            defaults={**self._own_defaults, **(defaults or {})},
            rest=rest if rest is not None else self.rest,
        )

    def defaults(self) -> dict:
        return dict(self._defaults)

    def bind(self, function: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Call:
        """Bind a call's arguments (the model first) as Python would; a
        TypeError names the function and the keyword at fault."""
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{function}() {e}") from None
        given = dict(bound.arguments)
        rest = given.pop(self.rest, {}) if self.rest is not None else {}
        return Call(self, given, dict(rest))

    def document(self) -> str:
        """One line per keyword: its default and what it is, from the
        schema for its options."""
        lines = []
        for name in self.option_names:
            spec = KEYWORDS[name]
            doc = spec.doc
            if spec.choices:
                doc += ": " + ", ".join(f"{c!r} ({d})" for c, d in spec.choice_docs.items())
            if spec.none is not None:
                doc += f"; None: {spec.none}"
            lines.append(f"``{name}={self._defaults[name]!r}``\n    {doc}")
        for k in self.keywords:
            lines.append(f"``{k.name}={self._defaults[k.name]!r}``\n    {k.doc}")
        return "\n".join(lines)


def documented(function: Any, signature: Signature) -> Any:
    """Give ``function`` the signature (for help() and inspect) and append
    the keywords' documentation to its docstring."""
    function.__signature__ = signature.signature
    function.__doc__ = (function.__doc__ or "").rstrip() + "\n\n    Keywords:\n\n" + "\n".join(
        "    " + line for line in signature.document().splitlines()
    ) + "\n"
    return function


#: the schema's options and the shared keywords: what exmc.sample,
#: exmc.sample_stream, exmc.dask.sample and the PyMC path extend
SAMPLING = Signature(SHARED)


__all__ = [
    "Call", "Keyword", "KEYWORDS", "Options", "SAMPLING", "SCHEMA", "SHARED", "Signature", "Spec", "documented",
]
