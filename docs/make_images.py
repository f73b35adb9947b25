"""Draw the README pictures: micrograd's neuron with its gradients, and a small MLP with module
clusters and gradient heat (one ReLU unit killed on purpose, so the dead-unit flag shows).

    python docs/make_images.py [--out docs/images] [--png]

Needs the `viz` extra (Graphviz's `dot` program when installed, else the in-process renderer).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd_core as ag  # noqa: E402
from autograd_core import Tensor, Value  # noqa: E402


def neuron() -> Value:
    """o = tanh(x1*w1 + x2*w2 + b), micrograd's README example (the demo's), after backward()."""
    from autograd_core.app.demo import build_neuron

    o, _ = build_neuron()
    o.backward()  # drawing after backward is the usual habit, and works
    return o


def mlp() -> tuple[Tensor, object]:
    """The README's 2-4-1 MLP: hidden unit 3 is dead (bias -10), drawn after a plain backward()."""
    from autograd_core import nn

    nn.manual_seed(0)  # the same picture on every run
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    with ag.no_grad():
        model[0].bias.data[3] = -10.0  # no input reaches it: its ReLU passes no gradient
    x = Tensor(np.random.default_rng(0).normal(size=(8, 2)).astype(np.float32), name="x")
    with ag.trace_modules(model):
        loss = (model(x) ** 2).mean()
    loss.backward()  # frees the arrays: the drawing uses the skeleton backward kept
    _ALIVE[:] = [x]  # as in the README, where x is still a variable when the picture is drawn
    return loss, model


_ALIVE: list[Tensor] = []


def main(out: str | Path = "docs/images", png: bool = False) -> list[Path]:
    """Write neuron.svg and mlp_heat.svg (and PNG copies with `png`) under `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    o = neuron()
    loss, model = mlp()
    jobs = [("neuron", o, dict(edge_labels=True, order=True)),
            ("mlp_heat", loss, dict(model=model, heat=True))]
    written = []
    for name, root, opts in jobs:
        for fmt in ("svg", "png") if png else ("svg",):
            written.append(ag.render_graph(root, out / f"{name}.{fmt}", **opts))
    return written


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "images"))
    ap.add_argument("--png", action="store_true", help="also write PNG copies")
    args = ap.parse_args()
    for p in main(args.out, args.png):
        print(p)
