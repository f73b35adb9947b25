"""autograd_core as users write it: nn.Linear, nn.functional.cross_entropy, optim.SGD."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import Tensor, nn, optim


def _linears(params: list[np.ndarray]) -> list[Any]:
    """nn.Linear layers loaded with the shared initial weights, whatever their layout."""
    layers = []
    for w, b in zip(params[::2], params[1::2]):
        layer = nn.Linear(w.shape[0], w.shape[1])
        # PyTorch stores weight as (out, in); accept either layout.
        wd = w.T if layer.weight.data.shape == w.T.shape else w
        layer.weight.data[...] = wd
        layer.bias.data[...] = b.reshape(layer.bias.data.shape)
        layers.append(layer)
    return layers


def _forward(layers: list[Any], x: Any) -> Any:
    """Linear-ReLU-...-Linear."""
    for layer in layers[:-1]:
        x = layer(x).relu()
    return layers[-1](x)


def _parameters(layers: list[Any]) -> list[Any]:
    """Every layer's parameters, in order."""
    return [p for layer in layers for p in layer.parameters()]


def w1(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float) -> Callable[[], float]:
    """784-256-256-10 MLP of nn.Linear, cross_entropy, optim.SGD."""
    layers = _linears(params)
    opt = optim.SGD(_parameters(layers), lr=lr)
    xt = Tensor(x)
    yt = Tensor(y)

    def step() -> float:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(_forward(layers, xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def w2(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], float]:
    """2-16-16-1 MLP of nn.Linear, hinge loss + L2 on every parameter, optim.SGD."""
    layers = _linears(params)
    ps = _parameters(layers)
    opt = optim.SGD(ps, lr=lr)
    xt = Tensor(x)
    yt = Tensor(y)

    def step() -> float:
        opt.zero_grad()
        s = _forward(layers, xt)
        reg = (ps[0] * ps[0]).sum()
        for p in ps[1:]:
            reg = reg + (p * p).sum()
        loss = (1.0 - yt * s).relu().mean() + alpha * reg
        loss.backward()
        opt.step()
        return loss.item()

    return step
