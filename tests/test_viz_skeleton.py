"""Tensor graphs drawn after a plain backward(): the skeleton backward keeps, without arrays."""

from __future__ import annotations

import gc
import re
import tracemalloc

import numpy as np
import pytest
from dot_reading import fields, parse

import autograd_core as ag
from autograd_core import Tensor, engine


def mlp_loss(dead: bool = True) -> tuple[Tensor, object]:
    import nn

    rng = np.random.default_rng(0)
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    if dead:
        with ag.no_grad():
            model[0].bias.data[3] = -10.0
    x = Tensor(rng.normal(size=(8, 2)).astype(np.float32), name="x")
    y = Tensor(rng.normal(size=(8, 1)).astype(np.float32), name="y")
    with ag.trace_modules(model):
        loss = ((model(x) - y) ** 2).mean()
    loss.name = "loss"
    return loss, model


def records(dot: str) -> list[list[str]]:
    nodes, _ = parse(dot)
    # sorted by everything but the data line, which backward() may not have kept
    return sorted((fields(lab) for key, (lab, _) in nodes.items() if key.startswith("v")),
                  key=lambda f: (f[0], f[2:]))


def test_after_plain_backward_the_drawing_matches_the_one_with_retain_graph() -> None:
    kept, model_a = mlp_loss()
    kept.backward(retain_graph=True)
    freed, model_b = mlp_loss()
    freed.backward()
    a = records(ag.to_dot(kept, model=model_a, heat=True))
    b_dot = ag.to_dot(freed, model=model_b, heat=True)
    b = records(b_dot)
    assert "freed by backward (" not in b_dot  # no op is drawn as lost
    assert len(a) == len(b)
    for ra, rb in zip(a, b):
        # names, shapes, dtypes and gradient statistics agree; backward() keeps the numbers of
        # small results only, and says so for the others; an input tensor that no longer
        # exists (x here) has no data to show either
        if rb[1] in ("data freed by backward()", "data gone"):
            assert ra[1].startswith("min ") and ra[0] == rb[0] and ra[2:] == rb[2:]
        else:
            assert ra == rb
    assert sum(r[1] == "data freed by backward()" for r in b) >= 3
    assert any("dead units (1 of 4): 3" in f for r in b for f in r)
    assert b_dot.count("subgraph cluster_") == ag.to_dot(kept, model=model_a, heat=True).count(
        "subgraph cluster_")


def _steps(dot: str) -> list[str]:
    """The records' name/shape/dtype lines in the order of their step numbers."""
    nodes, _ = parse(dot)
    numbered = [fields(lab) for k, (lab, _) in nodes.items()
                if k.startswith("v") and fields(lab)[0].startswith("step ")]
    return [f[1] for f in sorted(numbered, key=lambda f: int(f[0].split()[1]))]


def _frame_texts(frames: list[str]) -> list[str]:
    return [re.search(r'label="(step \d+ of \d+: [^\\"]*|done[^\\"]*)', fr).group(1)
            for fr in frames]  # type: ignore[union-attr]


def test_after_plain_backward_the_steps_are_numbered_as_before() -> None:
    # order=True and the animation follow the engine's order; after backward() the skeleton
    # must give the same one, leaves included, or the two pictures would disagree.
    loss, model = mlp_loss()
    before = _steps(ag.to_dot(loss, model=model, order=True))
    frames_before = _frame_texts(ag.backprop_frames(loss, model=model))
    loss.backward()
    after = _steps(ag.to_dot(loss, model=model, order=True))
    assert len(before) >= 10 and after == before
    assert _frame_texts(ag.backprop_frames(loss, model=model)) == frames_before


def test_after_plain_backward_max_nodes_counts_every_node_not_drawn() -> None:
    loss, _ = mlp_loss()
    total = sum(1 for k in parse(ag.to_dot(loss, max_nodes=None))[0] if k.startswith("v"))
    before = ag.to_dot(loss, max_nodes=4)
    loss.backward()
    after = ag.to_dot(loss, max_nodes=4)
    box = re.compile(r"([\d,]+) more nodes not drawn")
    assert box.search(before).group(1) == box.search(after).group(1) == str(total - 4)  # type: ignore[union-attr]


def test_draw_graph_after_backward_the_learners_habit() -> None:
    loss, _ = mlp_loss()
    loss.backward()
    from autograd_core.viz import render as viz_render

    if viz_render.renderer() is None:
        pytest.skip("no renderer")
    svg = ag.draw_graph(loss, heat=True).pipe(format="svg").decode()
    assert "loss" in svg and "grad norm" in svg


def test_frames_after_backward_come_from_the_skeleton() -> None:
    loss, _ = mlp_loss()
    loss.backward()
    frames = ag.backprop_frames(loss)
    needs_grad = sum(1 for fr in [frames[-1]] for lab, _ in parse(fr)[0].values()
                     if "grad " in lab and "no grad" not in lab)
    assert len(frames) == needs_grad + 1  # one step per node with a gradient, then "done"
    assert "partial sums were not kept" in frames[0]
    assert "grad ?" in frames[0] and "grad ?" not in frames[-1]


def test_the_skeleton_holds_no_arrays() -> None:
    from autograd_core.viz.skeleton import skeleton_of

    loss, _ = mlp_loss()
    loss.backward()
    skel = skeleton_of(loss)
    assert skel is not None and len(skel.nodes) > 5
    seen, stack = set(), [skel]
    while stack:  # everything reachable from the skeleton, weak references not followed
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (type, type(gc))):
            continue
        seen.add(id(obj))
        assert not isinstance(obj, np.ndarray), "the skeleton holds an array"
        assert not isinstance(obj, Tensor), "the skeleton holds a tensor"
        stack.extend(gc.get_referents(obj))


def test_the_skeleton_keeps_the_ops_nearest_the_output_only() -> None:
    from autograd_core.viz.skeleton import Skeleton

    engine.set_skeleton_maker(Skeleton, 10)
    try:
        _chain_of_50()
    finally:
        engine.set_skeleton_maker(Skeleton)


def _chain_of_50() -> None:
    x = Tensor(np.ones(3), requires_grad=True, name="x")
    h = x
    for _ in range(50):
        h = h * 1.01
    s = h.sum()
    s.backward()
    nodes, _ = parse(ag.to_dot(s))
    assert sum(1 for k in nodes if k.startswith("v")) == 10  # the outputs of the last 10 ops
    assert "not kept by backward()" in ag.to_dot(s)


def _train(model: object, opt: object, x: Tensor, y: Tensor, steps: int) -> Tensor:
    import nn

    loss = None
    for _ in range(steps):
        opt.zero_grad()  # type: ignore[attr-defined]
        loss = nn.functional.mse_loss(model(x), y)  # type: ignore[operator]
        loss.backward()
        opt.step()  # type: ignore[attr-defined]
    assert loss is not None
    return loss


def test_memory_stays_flat_over_1000_steps_with_a_drawable_loss() -> None:
    import nn
    import optim

    rng = np.random.default_rng(3)
    model = nn.Sequential(nn.Linear(4, 32, rng=rng), nn.ReLU(), nn.Linear(32, 1, rng=rng))
    opt = optim.SGD(model.parameters(), lr=0.01)
    xd = rng.standard_normal((64, 4))
    x, y = Tensor(xd), Tensor(np.cos(xd.sum(1, keepdims=True)))
    _train(model, opt, x, y, 20)
    gc.collect()
    tracemalloc.start()
    try:
        _train(model, opt, x, y, 200)
        mid = tracemalloc.get_traced_memory()[0]
        last = _train(model, opt, x, y, 800)
        end = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert end - mid < 64 * 1024, f"memory grew by {end - mid} bytes over 800 steps"
    assert "grad norm" in ag.to_dot(last)  # and the last loss can still be drawn


def test_a_held_output_keeps_only_a_small_skeleton() -> None:
    x = Tensor(np.ones((256, 256)), requires_grad=True)  # 512 KiB per array
    held: list[Tensor] = []

    def step() -> None:
        h = x
        for _ in range(20):
            h = (h * 1.01).tanh()
        loss = h.sum()
        loss.backward()
        held.append(loss)

    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for _ in range(5):
            step()
        grown = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    # five graphs of 40 ops, 20 MiB of arrays each, are held through their outputs: what is
    # left is x.grad (512 KiB) and five skeletons of a few KiB
    assert grown < 512 * 1024 + 5 * 64 * 1024, grown
    assert "tanh" in ag.to_dot(held[0]).lower()


def test_keep_skeleton_false_keeps_none_and_restores_the_setting() -> None:
    from autograd_core.viz.skeleton import skeleton_of

    loss, _ = mlp_loss()
    with ag.keep_skeleton(False):
        loss.backward()
        with ag.keep_skeleton(True):  # nests: on again inside, off again after
            inner, _ = mlp_loss()
            inner.backward()
    after, _ = mlp_loss()
    after.backward()
    assert skeleton_of(loss) is None
    assert skeleton_of(inner) is not None and skeleton_of(after) is not None
    # drawn without a skeleton, the freed graph says so instead of failing
    assert "loss" in ag.to_dot(loss)


def test_fit_keeps_no_skeleton_while_it_trains_and_restores_it() -> None:
    from autograd_core import nn, optim

    seen: list[object] = []

    class Watch(nn.Callback):
        def on_after_backward(self, state: object) -> None:
            seen.append(engine.backprop._skeleton[0])

    nn.manual_seed(0)
    x, y = nn.make_moons(64, noise=0.1, seed=0)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2))
    nn.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.1),
           nn.DataLoader(x, y, batch_size=32), epochs=1, progress=False, callbacks=[Watch()])
    assert seen and all(s is None for s in seen)
    assert engine.backprop._skeleton[0] is not None  # back on after fit
