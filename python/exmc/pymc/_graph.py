"""Small helpers over PyTensor graphs: recognising ops, evaluating the parts
of a graph that depend on no random variable, and reading shapes."""

from __future__ import annotations

from typing import Any

import numpy as np


def op_name(op: Any) -> str:
    """The class name of an op, or of the scalar op of an Elemwise."""
    scalar = getattr(op, "scalar_op", None)
    if scalar is not None and type(op).__name__ == "Elemwise":
        return type(scalar).__name__
    return type(op).__name__


def describe_op(op: Any) -> str:
    """An op as a user sees it in ``pytensor.dprint``."""
    try:
        text = str(op)
    except Exception:  # noqa: BLE001  (an op's __str__ may fail on odd props)
        text = type(op).__name__
    name = type(op).__name__
    if type(op).__name__ == "Elemwise":
        name = f"Elemwise({type(op.scalar_op).__name__})"
    return text if text == name else f"{text} [{name}]"


def is_none_const(var: Any) -> bool:
    if var is None:
        return True
    from pytensor.graph.basic import Constant

    return isinstance(var, Constant) and var.data is None


def elemwise_input(var: Any, scalar_op: str):
    """The input of ``var`` when var is ``scalar_op(input)`` (an Elemwise with
    one input), else None."""
    node = getattr(var, "owner", None)
    if node is None or type(node.op).__name__ != "Elemwise" or len(node.inputs) != 1:
        return None
    if type(node.op.scalar_op).__name__ != scalar_op:
        return None
    return node.inputs[0]


def perform(node: Any, inputs: list) -> list:
    """Run one Apply node's Python implementation on numpy inputs."""
    storage = [[None] for _ in node.outputs]
    if type(node.op).__name__ == "Elemwise" and len(node.outputs) == 1:
        # the compiled op upcasts its inputs to the output type (1/int8(2) is
        # float32(0.5)); the Python implementation does not always
        out_dtype = np.dtype(node.outputs[0].dtype)
        if out_dtype.kind == "f":
            inputs = [
                np.asarray(v, dtype=out_dtype) if np.asarray(v).dtype.kind in "biu" else v for v in inputs
            ]
    node.op.perform(node, inputs, storage)
    out = []
    for var, (value,) in zip(node.outputs, storage):
        dtype = getattr(var, "dtype", None)
        if dtype is not None and isinstance(value, (np.ndarray, np.generic, int, float, bool)):
            value = np.asarray(value, dtype=dtype)
        out.append(value)
    return out
