"""Drawing functions for the array-shaped ops: reductions, shape ops, indexing, matmul."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import differences, indexing
from .program import Step, fixed, near_tie, promote, same

if TYPE_CHECKING:
    from .generate import Gen


def _axis_arg(g: Gen, ndim: int, tuples: bool) -> Any:
    """None, one axis (negative half the time) or a tuple of distinct axes.

    A 0-d tensor gets None only: numpy refuses axis=0 there (PyTorch accepts it)."""
    if ndim == 0 or g.rng.random() < 0.3:
        return None
    if tuples and ndim >= 2 and g.rng.random() < 0.4:
        k = int(g.rng.integers(1, ndim + 1))
        axes = g.rng.choice(ndim, size=k, replace=False)
        return tuple(int(a) - ndim if g.rng.random() < 0.3 else int(a) for a in axes)
    a = int(g.rng.integers(0, ndim))
    return a - ndim if g.rng.random() < 0.4 else a


def _dims(axis: Any, ndim: int) -> Any:
    """PyTorch's dim for numpy's axis (None: every axis)."""
    return tuple(range(ndim)) if axis is None else axis


# ================================================================ reductions

TORCH_REDUCE = {
    "sum": "torch.sum({x}, dim={d}, keepdim={k})",
    "mean": "torch.mean({x}, dim={d}, keepdim={k})",
    "max": "torch.amax({x}, dim={d}, keepdim={k})",
    "min": "torch.amin({x}, dim={d}, keepdim={k})",
    "logsumexp": "torch.logsumexp({x}, dim={d}, keepdim={k})",
    "var": "torch.var({x}, dim={d}, correction={ddof}, keepdim={k})",
    "std": "torch.std({x}, dim={d}, correction={ddof}, keepdim={k})",
}


def reduce(name: str) -> Any:
    """Draw reduction `name` with a random axis (None, int, tuple) and keepdims."""
    def draw(g: Gen) -> Step | None:
        x = g.pick()
        if x is None:
            return None
        m = g.meta(x)
        nd = len(m.shape)
        axis = _axis_arg(g, nd, tuples=name not in ("argmax", "argmin"))
        k = bool(g.rng.random() < 0.4)
        ddof = int(g.rng.integers(0, 2)) if name in ("var", "std") else 0
        # var/std: PyTorch's default correction is 1, so the draw always names it (both
        # spellings: numpy's ddof= and PyTorch's correction=).
        extra = "" if name not in ("var", "std") else \
            f", ddof={ddof}" if g.rng.random() < 0.5 else f", correction={ddof}"
        # max/min along axes are amax/amin (max(dim) is PyTorch's (values, indices) tuple,
        # drawn below); over everything both spellings give the Tensor.
        op = name
        if name in ("max", "min") and (axis is not None or g.rng.random() < 0.5):
            op = "a" + name
        # Keywords, the README's spelling; PyTorch's dim=/keepdim= now and then.
        owner = f"{x}.{op}(" if g.rng.random() < 0.5 else f"ag.{op}({x}, "
        if g.rng.random() < 0.3:
            ours = f"{owner}dim={axis!r}, keepdim={k}{extra})"
        else:
            ours = f"{owner}axis={axis!r}, keepdims={k}{extra})"
        if name in ("argmax", "argmin"):
            want = np.argmax(m.value, axis=axis, keepdims=k).shape if m.value.size else None
        else:
            want = np.sum(m.value, axis=axis, keepdims=k).shape
        if name == "prod":
            theirs = _torch_prod(x, axis, nd, k, want)
        elif name in ("argmax", "argmin"):
            if want is None:
                return None
            theirs = f"torch.{name}({x})" if axis is None else \
                f"torch.{name}({x}, dim={axis}, keepdim={k})"
            if axis is None:
                theirs += f".reshape({tuple(want)!r})"
        elif name in ("max", "min") and isinstance(axis, int) and g.rng.random() < 0.4:
            # PyTorch's max(dim): the values of the (values, indices) pair
            ours = f"{x}.{name}(dim={axis}, keepdim={k}).values"
            theirs = f"torch.{name}({x}, dim={axis}, keepdim={k}).values"
        else:
            theirs = TORCH_REDUCE[name].format(x=x, d=_dims(axis, nd), k=k, ddof=ddof)
        out = g.new_name()
        rule = fixed(np.int64) if name in ("argmax", "argmin") else same(x)
        if name == "std" and not differences.std_is_regular(m.value, axis, ddof):
            return None  # differences.UNDEFINED: the derivative of std at zero variance
        if name in ("max", "min", "argmax", "argmin") and near_tie(m.value, axis):
            return None  # a tie decided by rounding (generate.near)
        return Step(out, f"{out} = {ours}", f"{out} = {theirs}", (x,), rule,
                    frozenset({"jump"}) if name in ("argmax", "argmin") else frozenset())
    return draw


def _torch_prod(x: str, axis: Any, nd: int, keep: bool, want: tuple[int, ...]) -> str:
    """torch.prod takes one dim: a chain of them for a tuple, then numpy's result shape."""
    if axis is None:
        return f"torch.prod({x}).reshape({tuple(want)!r})"
    if isinstance(axis, int):
        return f"torch.prod({x}, dim={axis}, keepdim={keep})"
    text = x
    for a in sorted((a % nd for a in axis), reverse=True):
        text = f"{text}.prod(dim={a}, keepdim=True)"
    return f"{text}.reshape({tuple(want)!r})"


# ================================================================ shape

def draw_reshape(g: Gen) -> Step | None:
    """reshape / view into a random shape of the same size (sometimes the same shape)."""
    x = g.pick()
    if x is None:
        return None
    shape = g.meta(x).shape
    size = int(np.prod(shape))
    new = _factor(g, size) if g.rng.random() < 0.85 else shape
    spec = list(new)
    if spec and size and g.rng.random() < 0.4:
        spec[int(g.rng.integers(0, len(spec)))] = -1
    spec_t = tuple(spec)
    r = g.rng.random()
    if r < 0.3:
        ours = f"{x}.reshape({spec_t!r})"
    elif r < 0.6 and spec:
        ours = f"{x}.reshape({', '.join(map(str, spec))})"
    elif r < 0.8:
        ours = f"ag.reshape({x}, {spec_t!r})"
    else:
        ours = f"{x}.view({spec_t!r})"
    out = g.new_name()
    return Step(out, f"{out} = {ours}", f"{out} = {x}.reshape({spec_t!r})", (x,), same(x))


def _factor(g: Gen, size: int) -> tuple[int, ...]:
    if size == 0:
        return tuple(int(s) for s in g.rng.permutation([0, int(g.rng.integers(1, 4))]))
    dims = []
    rest = size
    for p in (2, 3, 5, 7):
        while rest % p == 0:
            dims.append(p)
            rest //= p
    if rest > 1:
        dims.append(rest)
    g.rng.shuffle(dims)
    out: list[int] = []
    for d in dims:
        if out and g.rng.random() < 0.5:
            out[-1] *= d
        else:
            out.append(d)
    while len(out) < 3 and g.rng.random() < 0.3:
        out.insert(int(g.rng.integers(0, len(out) + 1)), 1)
    return tuple(out)


def draw_transpose(g: Gen) -> Step | None:
    """transpose with a permutation, no arguments (reverse), .T, permute, swapaxes."""
    x = g.pick()
    if x is None:
        return None
    nd = len(g.meta(x).shape)
    perm = tuple(int(p) for p in g.rng.permutation(nd))
    rev = tuple(range(nd))[::-1]
    out = g.new_name()
    r = g.rng.random()
    if r < 0.2:
        return Step(out, f"{out} = {x}.T", f"{out} = {x}.permute({rev!r})", (x,), same(x))
    if r < 0.35:
        return Step(out, f"{out} = {x}.transpose()", f"{out} = {x}.permute({rev!r})", (x,),
                    same(x))
    if r < 0.55 and nd:
        a1, a2 = (int(a) for a in g.rng.integers(-nd, nd, size=2))
        spelling = f"{x}.swapaxes({a1}, {a2})" if g.rng.random() < 0.5 \
            else f"ag.swapaxes({x}, {a1}, {a2})"
        return Step(out, f"{out} = {spelling}", f"{out} = torch.swapaxes({x}, {a1}, {a2})",
                    (x,), same(x))
    neg = tuple(p - nd if g.rng.random() < 0.3 else p for p in perm)
    spelling = f"{x}.transpose({neg!r})" if g.rng.random() < 0.5 else \
        f"{x}.permute({', '.join(map(str, neg))})" if nd else f"{x}.transpose(())"
    return Step(out, f"{out} = {spelling}", f"{out} = {x}.permute({perm!r})", (x,), same(x))


def draw_flatten(g: Gen) -> Step | None:
    """flatten from a start axis (negative allowed)."""
    x = g.pick()
    if x is None:
        return None
    nd = len(g.meta(x).shape)
    out = g.new_name()
    if nd == 0 or g.rng.random() < 0.3:
        return Step(out, f"{out} = {x}.flatten()", f"{out} = torch.flatten({x})", (x,), same(x))
    s = int(g.rng.integers(-nd, nd))
    spelling = f"{x}.flatten({s})" if g.rng.random() < 0.5 else f"ag.flatten({x}, {s})"
    return Step(out, f"{out} = {spelling}", f"{out} = torch.flatten({x}, {s})", (x,), same(x))


def draw_squeeze(g: Gen) -> Step | None:
    """squeeze all size-1 axes, or given ones (only size-1 axes: numpy refuses others)."""
    x = g.pick()
    if x is None:
        return None
    shape = g.meta(x).shape
    ones = [i for i, s in enumerate(shape) if s == 1]
    out = g.new_name()
    if not ones or g.rng.random() < 0.3:
        return Step(out, f"{out} = {x}.squeeze()", f"{out} = torch.squeeze({x})", (x,),
                    same(x))
    k = int(g.rng.integers(1, len(ones) + 1))
    axes = tuple(int(a) - len(shape) if g.rng.random() < 0.3 else int(a)
                 for a in g.rng.choice(ones, size=k, replace=False))
    arg: Any = axes[0] if k == 1 and g.rng.random() < 0.5 else axes
    return Step(out, f"{out} = ag.squeeze({x}, {arg!r})", f"{out} = torch.squeeze({x}, {arg!r})",
                (x,), same(x))


def draw_unsqueeze(g: Gen) -> Step | None:
    """unsqueeze / expand_dims at any position (negative allowed)."""
    x = g.pick()
    if x is None:
        return None
    nd = len(g.meta(x).shape)
    a = int(g.rng.integers(-nd - 1, nd + 1))
    spelling = str(g.rng.choice([f"{x}.unsqueeze({a})", f"{x}.expand_dims({a})",
                                 f"ag.expand_dims({x}, {a})"]))
    out = g.new_name()
    return Step(out, f"{out} = {spelling}", f"{out} = torch.unsqueeze({x}, {a})", (x,), same(x))


def draw_broadcast_to(g: Gen) -> Step | None:
    """broadcast_to a larger shape (new leading axes, size-1 axes stretched), or the same."""
    x = g.pick()
    if x is None:
        return None
    shape = g.meta(x).shape
    lead = tuple(int(s) for s in g.rng.integers(1, 4, size=int(g.rng.integers(0, 2))))
    body = tuple(int(g.rng.integers(1, 4)) if s == 1 and g.rng.random() < 0.6 else s
                 for s in shape)
    target = lead + body
    spelling = f"{x}.broadcast_to({target!r})" if g.rng.random() < 0.5 \
        else f"ag.broadcast_to({x}, {target!r})"
    out = g.new_name()
    return Step(out, f"{out} = {spelling}", f"{out} = torch.broadcast_to({x}, {target!r})",
                (x,), same(x))


def draw_join(g: Gen) -> Step | None:
    """concatenate along an existing axis, or stack along a new one, of 1-3 tensors."""
    x = g.pick(lambda m: len(m.shape) > 0)
    if x is None:
        return None
    shape = g.meta(x).shape
    nd = len(shape)
    out = g.new_name()
    n_more = int(g.rng.integers(0, 3))
    if g.rng.random() < 0.5:
        a = int(g.rng.integers(-nd, nd))
        parts = [x]
        for _ in range(n_more):
            s = list(shape)
            s[a] = int(g.rng.integers(0, 4))
            parts.append(x if g.rng.random() < 0.3 else g.operand(tuple(s)))
        lst = "[" + ", ".join(parts) + "]"
        return Step(out, f"{out} = ag.concatenate({lst}, axis={a})",
                    f"{out} = torch.cat({lst}, dim={a})", tuple(parts), promote(*parts))
    a = int(g.rng.integers(-nd - 1, nd + 1))
    parts = [x] + [x if g.rng.random() < 0.3 else g.operand(shape) for _ in range(n_more)]
    lst = "[" + ", ".join(parts) + "]"
    return Step(out, f"{out} = ag.stack({lst}, axis={a})", f"{out} = torch.stack({lst}, dim={a})",
                tuple(parts), promote(*parts))


def draw_split(g: Gen) -> Step | None:
    """split, keeping one piece: PyTorch's meaning on Tensors (pieces of a size, or of listed
    sizes; chunk), numpy's through np.split (equal sections or split points)."""
    x = g.pick(lambda m: len(m.shape) > 0)
    if x is None:
        return None
    shape = g.meta(x).shape
    nd = len(shape)
    a = int(g.rng.integers(-nd, nd))
    n = shape[a]
    out = g.new_name()
    r = g.rng.random()
    if r < 0.25:  # a piece size
        size = int(g.rng.integers(1, n + 2))
        k = int(g.rng.integers(0, max(1, -(-n // size))))
        spelling = f"ag.split({x}, {size}, {a})[{k}]" if g.rng.random() < 0.5 \
            else f"{x}.split({size}, dim={a})[{k}]"
        return Step(out, f"{out} = {spelling}", f"{out} = torch.split({x}, {size}, dim={a})[{k}]",
                    (x,), same(x))
    if r < 0.4:  # listed sizes
        cut = sorted(int(i) for i in g.rng.integers(0, n + 1, size=2))
        sizes = [cut[0], cut[1] - cut[0], n - cut[1]]
        k = int(g.rng.integers(0, 3))
        return Step(out, f"{out} = {x}.split({sizes!r}, {a})[{k}]",
                    f"{out} = torch.split({x}, {sizes!r}, dim={a})[{k}]", (x,), same(x))
    if r < 0.5 and n:  # chunk
        c = int(g.rng.integers(1, n + 1))
        k = int(g.rng.integers(0, len(range(0, n, -(-n // c)))))
        return Step(out, f"{out} = {x}.chunk({c}, {a})[{k}]",
                    f"{out} = torch.chunk({x}, {c}, dim={a})[{k}]", (x,), same(x))
    divisors = [d for d in range(1, 5) if n and n % d == 0]
    if divisors and g.rng.random() < 0.5:
        arg: Any = int(g.rng.choice(divisors))
        pieces = arg
    else:
        arg = sorted(int(i) for i in g.rng.integers(0, n + 1, size=int(g.rng.integers(1, 3))))
        pieces = len(arg) + 1
    k = int(g.rng.integers(0, pieces))
    spelling = f"np.split({x}, {arg!r}, axis={a})[{k}]"
    return Step(out, f"{out} = {spelling}",
                f"{out} = torch.tensor_split({x}, {arg!r}, dim={a})[{k}]", (x,), same(x))


def draw_pad(g: Gen) -> Step | None:
    """Constant padding in numpy's pad_width forms: int, (before, after), one pair per axis."""
    x = g.pick(lambda m: len(m.shape) > 0)
    if x is None:
        return None
    nd = len(g.meta(x).shape)
    r = g.rng.random()
    if r < 0.3:
        p = int(g.rng.integers(0, 3))
        pw: Any = p
        pairs = [(p, p)] * nd
    elif r < 0.5:
        pw = (int(g.rng.integers(0, 3)), int(g.rng.integers(0, 3)))
        pairs = [pw] * nd
    else:
        pairs = [(int(g.rng.integers(0, 3)), int(g.rng.integers(0, 3))) for _ in range(nd)]
        pw = pairs
    flat = [v for pair in reversed(pairs) for v in pair]
    c = float(g.rng.choice([0.0, 1.5, -2.0]))
    out = g.new_name()
    return Step(out, f"{out} = ag.pad({x}, {pw!r}, constant_values={c!r})",
                f"{out} = torch.nn.functional.pad({x}, {flat!r}, value={c!r})", (x,), same(x))


# ================================================================ indexing and matmul

def draw_index(g: Gen) -> Step | None:
    """x[index] with a random index expression, or with a boolean node as the mask."""
    x = g.pick()
    if x is None:
        return None
    m = g.meta(x)
    out = g.new_name()
    mask = g.pick(lambda b: 0 < len(b.shape) <= len(m.shape) and
                  b.shape == m.shape[:len(b.shape)], kind="b")
    if mask is not None and g.rng.random() < 0.3:
        return Step(out, f"{out} = {x}[{mask}]", f"{out} = {x}[{mask}]", (x, mask), same(x),
                    frozenset({"jump"}))
    index = indexing.draw(g.rng, m.shape)
    if not indexing.torch_agrees(m.shape, index):
        return None  # differences.INDEXING
    return Step(out, f"{out} = {x}[{indexing.render(index, 'ours')}]",
                f"{out} = {x}[{indexing.render(index, 'torch')}]", (x,), same(x))


def draw_matmul(g: Gen) -> Step | None:
    """a @ b with numpy's rules: 1-D, 2-D, batched with broadcast batch axes."""
    a = g.pick(lambda m: len(m.shape) >= 1)
    if a is None:
        return None
    sa = g.meta(a).shape
    m_ = int(g.rng.integers(1, 4))
    left = g.rng.random() < 0.7
    if left:
        k = sa[-1]
        r = g.rng.random()
        sb = (k,) if r < 0.25 else (k, m_) if r < 0.7 else (int(g.rng.integers(1, 3)), k, m_)
        if len(sa) > 2 and len(sb) == 3 and g.rng.random() < 0.5:
            sb = (sa[-3], k, m_)
        b = g.operand(sb)
        lhs, rhs = a, b
    else:
        k = sa[0] if len(sa) == 1 else sa[-2]
        b = g.operand((m_, k) if g.rng.random() < 0.7 else (k,))
        lhs, rhs = b, a
    try:
        np.matmul(g.meta(lhs).value, g.meta(rhs).value)
    except ValueError:
        return None
    spelling = str(g.rng.choice([f"{lhs} @ {rhs}", f"ag.matmul({lhs}, {rhs})",
                                 f"{lhs}.matmul({rhs})"]))
    out = g.new_name()
    return Step(out, f"{out} = {spelling}", f"{out} = {lhs} @ {rhs}", (lhs, rhs),
                promote(lhs, rhs))


CATALOGUE: dict[str, tuple[Any, float]] = {
    **{f"reduce_{n}": (reduce(n), 0.8) for n in
       ("sum", "mean", "max", "min", "var", "std", "logsumexp", "prod", "argmax", "argmin")},
    "reshape": (draw_reshape, 1.2), "transpose": (draw_transpose, 1.2),
    "flatten": (draw_flatten, 0.6), "squeeze": (draw_squeeze, 0.6),
    "unsqueeze": (draw_unsqueeze, 0.6), "broadcast_to": (draw_broadcast_to, 0.8),
    "join": (draw_join, 1.0), "split": (draw_split, 0.8), "pad": (draw_pad, 0.6),
    "index": (draw_index, 3.0), "matmul": (draw_matmul, 1.5),
}
