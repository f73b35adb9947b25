"""micrograd's Neuron, Layer and MLP on `Value`, API-compatible with micrograd's `nn.py`.

Each neuron's weighted sum is one `Value.dot` node (not 2n chained + and * nodes), so the
demo trains fast and its graph stays drawable. Hidden layers use ReLU, the last is linear.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd_core import Value

from ._random import default_rng

__all__ = ["ScalarModule", "Neuron", "Layer", "MLP"]


class ScalarModule:
    """micrograd's Module: `parameters()` and `zero_grad()` for Value-based models."""

    def zero_grad(self) -> None:
        """Set every parameter's `.grad` to 0 (Values keep a float grad)."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """Every trainable Value."""
        return []

    def num_parameters(self) -> int:
        """The number of trainable Values."""
        return len(self.parameters())


class Neuron(ScalarModule):
    """relu(w . x + b) (or w . x + b with nonlin=False); w ~ U(-1, 1), b = 0 as micrograd."""

    def __init__(self, nin: int, nonlin: bool = True, rng: np.random.Generator | None = None,
                 label: str = "") -> None:
        r = default_rng(rng)
        pre = f"{label}." if label else ""
        self.w = [Value(float(r.uniform(-1.0, 1.0)), f"{pre}w{i}") for i in range(nin)]
        self.b = Value(0.0, f"{pre}b")
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Any]) -> Value:
        if len(x) != len(self.w):
            raise ValueError(f"Neuron: expected {len(self.w)} inputs, got {len(x)}")
        act = Value.dot(self.w, x, self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(ScalarModule):
    """`nout` neurons reading the same inputs; returns one Value when nout == 1 (micrograd)."""

    def __init__(self, nin: int, nout: int, label: str = "", **kwargs: Any) -> None:
        pre = f"{label}." if label else ""
        self.neurons = [Neuron(nin, label=f"{pre}n{i}", **kwargs) for i in range(nout)]

    def __call__(self, x: Sequence[Any]) -> Value | list[Value]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, in order."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(ScalarModule):
    """MLP(nin, [h1, h2, ..., nout]): ReLU hidden layers, a linear output layer."""

    def __init__(self, nin: int, nouts: Sequence[int],
                 rng: np.random.Generator | None = None) -> None:
        sz = [nin] + list(nouts)
        self.layers = [Layer(sz[i], sz[i + 1], label=f"L{i}", nonlin=i != len(nouts) - 1,
                             rng=rng) for i in range(len(nouts))]

    def __call__(self, x: Sequence[Any]) -> Value | list[Value]:
        out: Any = x
        for layer in self.layers:
            out = layer(out if isinstance(out, list) else [out])
        return out

    def parameters(self) -> list[Value]:
        """Every layer's parameters, in order."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
