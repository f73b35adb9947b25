"""Shared by the compile tests: twin runs of the digits model, and state comparison."""

from __future__ import annotations

import numpy as np

import nn
from autograd_core.compile import compile as ag_compile
from benchmarks import common
from benchmarks.workloads import lib_ours_nn


def digits(opt_factory, seed=0):
    x, y, params = common.w6_data(seed)
    model = lib_ours_nn._digits_model(params)
    opt = opt_factory(model.parameters())
    loader = nn.DataLoader(x, y, batch_size=32, shuffle=True, rng=np.random.default_rng(seed))
    return model, opt, loader


def train_steps(model, opt, loader, compiled, epochs):
    def train_step(xb, yb):
        loss = nn.functional.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    step = ag_compile(train_step) if compiled else train_step
    losses = [step(xb, yb).item() for _ in range(epochs) for xb, yb in loader]
    return losses, step


def assert_same_state(m1, o1, m2, o2):
    for a, b in zip(m1.parameters(), m2.parameters()):
        assert np.array_equal(a.data, b.data)
        assert (a.grad is None) == (b.grad is None)
        if a.grad is not None:
            assert np.array_equal(a.grad.data, b.grad.data)
    s1, s2 = o1.state_dict(), o2.state_dict()
    assert s1["param_groups"] == s2["param_groups"]
    assert s1["state"].keys() == s2["state"].keys()
    for k in s1["state"]:
        for name, v in s1["state"][k].items():
            assert np.array_equal(v, s2["state"][k][name]), (k, name)
