"""PyTorch (CPU build), written the way its users write it: nn.Sequential, F, optim.SGD."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def _mlp(params: list[np.ndarray]) -> nn.Sequential:
    """Linear-ReLU-...-Linear loaded with the shared (in, out) weights."""
    mods: list[nn.Module] = []
    pairs = list(zip(params[::2], params[1::2]))
    for i, (w, b) in enumerate(pairs):
        lin = nn.Linear(w.shape[0], w.shape[1], dtype=torch.from_numpy(w).dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w.T.copy()))
            lin.bias.copy_(torch.from_numpy(b))
        mods.append(lin)
        if i < len(pairs) - 1:
            mods.append(nn.ReLU())
    return nn.Sequential(*mods)


def w1(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float) -> Callable[[], float]:
    """784-256-256-10 MLP, F.cross_entropy, optim.SGD."""
    model = _mlp(params)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(y)

    def step() -> float:
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def w2(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], float]:
    """2-16-16-1 MLP in float64, hinge loss + L2 on every parameter, optim.SGD."""
    model = _mlp(params)
    ps = list(model.parameters())
    opt = torch.optim.SGD(ps, lr=lr)
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(y)

    def step() -> float:
        opt.zero_grad(set_to_none=True)
        s = model(xt)
        reg = (ps[0] * ps[0]).sum()
        for p in ps[1:]:
            reg = reg + (p * p).sum()
        loss = (1.0 - yt * s).relu().mean() + alpha * reg
        loss.backward()
        opt.step()
        return loss.item()

    return step


def w4(n: int, x0: np.ndarray) -> tuple[Callable[[], Any], Callable[[Any], float]]:
    """The chain on a float32 leaf; backward from its sum."""
    leaf = torch.tensor(x0, requires_grad=True)

    def forward() -> Any:
        x = leaf
        for _ in range(n):
            x = x * 1.0001 + 0.0
        return x.sum()

    def backward(out: Any) -> float:
        out.backward()
        return float(leaf.grad[0])

    return forward, backward


def w5() -> dict[str, tuple[str, dict[str, Any]]]:
    """One add of two 1-element leaves; backward() works on any 1-element output in torch."""
    a = torch.ones(1, requires_grad=True)
    b = torch.ones(1, requires_grad=True)
    return {
        "fwd": ("a + b", {"a": a, "b": b}),
        "fwdbwd": ("(a + b).backward()", {"a": a, "b": b}),
    }


def w6(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, momentum: float,
       batch: int, seed: int) -> Callable[[], float]:
    """One epoch of the digits MLP: the same shuffles and batches, optim.SGD with momentum."""
    model = _mlp(params)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    rng = np.random.default_rng(seed)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    n = x.shape[0]

    def epoch() -> float:
        order = torch.from_numpy(rng.permutation(n))
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = xt[idx], yt[idx]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        return total / n

    return epoch
