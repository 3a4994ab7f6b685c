"""The stack of models entered with ``with``.

Kept apart from ``model.py`` so that ``expr.py`` can reach the current model
(to turn a large numpy constant into a data node) without an import cycle.
"""

from __future__ import annotations

import threading

_local = threading.local()


def _stack() -> list:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = []
        _local.stack = stack
    return stack


def push(model) -> None:
    _stack().append(model)


def pop(model) -> None:
    stack = _stack()
    if not stack or stack[-1] is not model:
        raise RuntimeError("exmc.Model contexts were exited out of order")
    stack.pop()


def current():
    """The innermost model of this thread, or None."""
    stack = _stack()
    return stack[-1] if stack else None
