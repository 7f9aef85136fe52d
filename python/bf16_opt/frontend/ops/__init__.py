"""The aten-op registry: one small entry per aten overload.

An entry is a function ``fn(b, *args, **kwargs)`` registered with
:func:`register` for one or more ``torch.ops.aten`` overloads. ``b`` is the
:class:`~bf16_opt.frontend.ir.Builder` of the step being emitted; FX nodes
among the arguments arrive as :class:`~bf16_opt.frontend.ir.Value`\\ s, other
arguments (ints, floats, lists, dtypes) unchanged. The entry returns a Value
or a tuple of Values (one per op result). Entries that mutate an argument
(``copy_``, ``native_batch_norm``'s running statistics) return
``Mutation``\\ s, which the emitter applies to its environment.

Anything an entry cannot lower raises :class:`Unsupported` with a message
naming the op and the reason; the emitter turns it into the public
``frontend.UnsupportedError`` with the user's source line.
"""

REGISTRY = {}


class Unsupported(Exception):
    """An op or an argument value the emitter cannot lower."""


class Mutation:
    """Returned by an entry: argument `index` of the op now holds `value`."""

    def __init__(self, index, value):
        self.index = index
        self.value = value


class WithMutations:
    """Returned by an entry that has results and also mutates arguments."""

    def __init__(self, results, mutations):
        self.results = results
        self.mutations = mutations


def register(*targets):
    def wrap(fn):
        for t in targets:
            REGISTRY[t] = fn
        return fn
    return wrap


def lookup(target):
    _load()
    return REGISTRY.get(target)


def supported_ops():
    """Sorted names of every registered aten overload."""
    _load()
    return sorted({str(t) for t in REGISTRY})


_loaded = False


def _load():
    global _loaded
    if _loaded:
        return
    _loaded = True
    from . import creation, elementwise, linalg, nn, reduce, views  # noqa: F401
