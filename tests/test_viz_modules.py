"""Module clusters in the drawings: trace_modules, collapse, and real nn modules."""

from __future__ import annotations

import numpy as np
import pytest
from dot_reading import label_of, parse

import autograd_core as ag
from autograd_core import Tensor


class _Tiny:
    """A stand-in for nn.Module with the hooks and traversal the drawing uses."""

    def __init__(self, name: str, params: dict[str, Tensor], fn, children=()) -> None:
        self.name, self._parameters, self.fn = name, params, fn
        self._children = list(children)
        self.hooks: list = []

    def named_modules(self):
        out, stack = [], [("", self)]
        while stack:
            path, m = stack.pop()
            out.append((path, m))
            stack += [((f"{path}.{k}" if path else str(k)), c)
                      for k, c in reversed(list(enumerate(m._children)))]
        return out

    def register_forward_hook(self, hook):
        self.hooks.append(hook)
        hooks = self.hooks

        class Handle:
            def remove(self) -> None:
                hooks.remove(hook)

        return Handle()

    def __call__(self, x):
        out = self.fn(self, x)
        for h in list(self.hooks):
            h(self, (x,), out)
        return out


def _tiny_mlp():
    rng = np.random.default_rng(1)
    lin1 = _Tiny("lin", {"weight": Tensor(rng.normal(size=(2, 3)), requires_grad=True)},
                 lambda m, x: x @ m._parameters["weight"])
    lin1.in_features, lin1.out_features = 2, 3
    act = _Tiny("act", {}, lambda m, x: x.relu())
    lin2 = _Tiny("lin", {"weight": Tensor(rng.normal(size=(3, 1)), requires_grad=True)},
                 lambda m, x: x @ m._parameters["weight"])
    lin2.in_features, lin2.out_features = 3, 1
    model = _Tiny("mlp", {}, lambda m, x: m._children[2](m._children[1](m._children[0](x))),
                  [lin1, act, lin2])
    return model, Tensor(rng.normal(size=(4, 2)), name="x")


def _clusters(dot: str) -> dict[str, str]:
    """cluster title -> the statements directly or indirectly inside it."""
    out, stack = {}, []
    for line in dot.splitlines():
        s = line.strip()
        if s.startswith("subgraph cluster_"):
            stack.append([None, []])
        elif s == "}" and stack:
            title, body = stack.pop()
            out[title] = "\n".join(body)
            if stack:
                stack[-1][1] += body
        elif stack:
            if stack[-1][0] is None and s.startswith("label="):
                stack[-1][0] = label_of(s)
            else:
                stack[-1][1].append(s)
    return out


def test_trace_modules_clusters_each_modules_ops() -> None:
    model, x = _tiny_mlp()
    with ag.trace_modules(model) as trace:
        loss = (model(x) ** 2).mean()
    assert all(not m.hooks for _, m in model.named_modules())  # hooks removed on exit
    for given_model in (model, trace):
        dot = ag.to_dot(loss, model=given_model)
        cl = _clusters(dot)
        assert set(cl) >= {"_Tiny", "0: _Tiny(2->3)", "1: _Tiny", "2: _Tiny(3->1)"}
        assert cl["0: _Tiny(2->3)"].count('label="MatMul"') == 1
        assert 'label="Relu"' in cl["1: _Tiny"]
        assert "0.weight" in cl["0: _Tiny(2->3)"]  # parameters named by their path
        outside = dot.split("subgraph")[0]
        assert 'label="Mean' in outside or 'label="Sum' in outside  # the loss is no module's


def test_collapse_draws_each_module_as_one_box() -> None:
    model, x = _tiny_mlp()
    with ag.trace_modules(model):
        loss = (model(x) ** 2).mean()
    nodes, edges = parse(ag.to_dot(loss, model=model, collapse=True))
    boxes = {k: lab for k, (lab, _) in nodes.items() if k.startswith("m")}
    assert len(boxes) == 3 and not any('MatMul' in lab for lab, _ in nodes.values())
    titles = sorted(lab.split("\\n")[0] for lab in boxes.values())
    assert titles == ["_Tiny", "_Tiny(2->3)", "_Tiny(3->1)"]
    order = {b: [e[1] for e in edges if e[0] == b] for b in boxes}
    assert sum(len(v) for v in order.values()) == 3  # box -> box -> box -> loss op
    with pytest.raises(ValueError, match="collapse=True"):
        ag.to_dot(loss, collapse=True)


def test_real_nn_modules_clusters() -> None:
    nn = pytest.importorskip("nn")
    if not hasattr(nn, "Sequential") or not hasattr(nn, "Linear"):
        pytest.skip("nn.Sequential / nn.Linear not available yet")
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = Tensor(np.ones((2, 3), dtype=np.float32))
    with ag.trace_modules(model):
        loss = model(x).sum()
    cl = _clusters(ag.to_dot(loss, model=model))
    assert "0: Linear(3->4)" in cl and "2: Linear(4->1)" in cl and "1: ReLU" in cl
    untraced = _clusters(ag.to_dot(model(x).sum(), model=nn.Sequential(nn.Linear(3, 4))))
    assert "Sequential" not in untraced or "0: Linear(3->4)" not in untraced  # other params


def test_a_collapsed_relu_box_keeps_its_dead_unit_flag() -> None:
    # One box per module hides the ReLU's output node: the box itself must carry the flag
    # (text and dashed border), else the legend would explain a mark no box shows.
    nn = pytest.importorskip("nn")
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    with ag.no_grad():
        model[0].bias.data[3] = -10.0  # unit 3 never fires
    x = Tensor(np.random.default_rng(0).normal(size=(8, 2)).astype(np.float32))
    with ag.trace_modules(model):
        loss = (model(x) ** 2).mean()
    for k in range(2):  # before backward, then from the skeleton after a plain backward()
        if k:
            loss.backward()
        dot = ag.to_dot(loss, model=model, collapse=True, heat=True)
        nodes, _ = parse(dot)
        flagged = [k for k, (lab, attrs) in nodes.items()
                   if k.startswith("m") and "dead units (1 of 4): 3" in lab]
        assert len(flagged) == 1 and "dashed" in nodes[flagged[0]][1]
        assert "ReLU" in nodes[flagged[0]][0] and "legend_dead" in dot
