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
        layer = nn.Linear(w.shape[0], w.shape[1], dtype=w.dtype)
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


def w1_step(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float
            ) -> Callable[[], Any]:
    """784-256-256-10 MLP of nn.Linear, cross_entropy, optim.SGD; returns the loss Tensor."""
    layers = _linears(params)
    opt = optim.SGD(_parameters(layers), lr=lr)
    xt = Tensor(x)
    yt = Tensor(y)

    def step() -> Any:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(_forward(layers, xt), yt)
        loss.backward()
        opt.step()
        return loss

    return step


def w1(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float) -> Callable[[], float]:
    """W1's step, returning the loss as a float."""
    step = w1_step(x, y, params, lr)
    return lambda: step().item()


def w2_step(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], Any]:
    """2-16-16-1 MLP of nn.Linear, hinge loss + L2 on every parameter, optim.SGD."""
    layers = _linears(params)
    ps = _parameters(layers)
    opt = optim.SGD(ps, lr=lr)
    xt = Tensor(x)
    yt = Tensor(y)

    def step() -> Any:
        opt.zero_grad()
        s = _forward(layers, xt)
        reg = (ps[0] * ps[0]).sum()
        for p in ps[1:]:
            reg = reg + (p * p).sum()
        loss = (1.0 - yt * s).relu().mean() + alpha * reg
        loss.backward()
        opt.step()
        return loss

    return step


def w2(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], float]:
    """W2's step, returning the loss as a float."""
    step = w2_step(x, y, params, lr, alpha)
    return lambda: step().item()


def _digits_model(params: list[np.ndarray]) -> Any:
    """Sequential(Linear, ReLU, Linear) loaded with the shared weights."""
    first, second = _linears(params)
    return nn.Sequential(first, nn.ReLU(), second)


def w6_setup(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float,
             momentum: float, batch: int, seed: int) -> tuple[Any, Any, Any]:
    """(model, optimizer, loader) for the digits epoch."""
    model = _digits_model(params)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loader = nn.DataLoader(x, y, batch_size=batch, shuffle=True, rng=np.random.default_rng(seed))
    return model, opt, loader


def w6(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, momentum: float,
       batch: int, seed: int) -> Callable[[], float]:
    """One epoch of nn.fit on the digits MLP (SGD with momentum); returns its mean loss."""
    model, opt, loader = w6_setup(x, y, params, lr, momentum, batch, seed)

    def epoch() -> float:
        hist = nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=1, metrics=(),
                      progress=False)
        return hist["loss"][-1]

    return epoch
