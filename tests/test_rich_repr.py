"""Jupyter pictures of training objects: History and GradientMonitor draw themselves as SVG."""

from __future__ import annotations

import math
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import optim
from nn._svgplot import Panel, _log_ticks, _ticks, charts_svg

SVG = "{http://www.w3.org/2000/svg}"


def _lines(svg: str) -> list[list[tuple[float, float]]]:
    root = ET.fromstring(svg)
    return [[tuple(map(float, pt.split(","))) for pt in el.get("points", "").split()]
            for el in root.iter(f"{SVG}polyline")]


def _texts(svg: str) -> list[str]:
    return [el.text or "" for el in ET.fromstring(svg).iter(f"{SVG}text")]


def _trained(epochs: int = 4) -> tuple[nn.History, nn.GradientMonitor]:
    x, y = nn.make_moons(64, seed=0)
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    mon = nn.GradientMonitor()
    history = nn.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.1),
                     nn.DataLoader(x, y, rng=0), epochs=epochs, val_loader=nn.DataLoader(x, y),
                     callbacks=[mon], progress=False)
    return history, mon


def test_history_draws_one_line_per_logged_series_in_a_panel_per_quantity():
    history, _ = _trained(epochs=5)
    svg = history._repr_svg_()
    assert svg is not None
    texts = _texts(svg)
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(texts)
    assert "lr" not in texts and "time" not in texts  # bookkeeping is not drawn
    lines = _lines(svg)
    assert len(lines) == 4 and all(len(line) == 5 for line in lines)
    # The loss line goes where the numbers go: a larger loss is higher up (a smaller y).
    loss_line = lines[0]
    order_values = np.argsort(history.loss)
    order_heights = np.argsort([-y for _, y in loss_line])
    assert list(order_values) == list(order_heights)
    xs = [x for x, _ in loss_line]
    assert xs == sorted(xs) and len(set(xs)) == 5  # one point per epoch, left to right


def test_history_without_epochs_has_no_picture_and_text_still_works():
    h = nn.History()
    assert h._repr_svg_() is None
    assert repr(h).startswith("History(0 epochs")


def test_a_nan_breaks_the_line_instead_of_drawing_garbage():
    svg = charts_svg([Panel("loss", {"loss": [1.0, 0.5, math.nan, 0.3, 0.2]})])
    lines = _lines(svg)
    assert [len(line) for line in lines] == [2, 2]
    svg = charts_svg([Panel("loss", {"loss": [math.nan, math.inf]})])
    assert "no finite values" in svg and not _lines(svg)


def test_gradient_monitor_draws_each_layer_on_a_log_scale_with_its_limits():
    history, mon = _trained(epochs=3)
    svg = mon._repr_svg_()
    assert svg is not None
    texts = _texts(svg)
    assert {"layer 0", "layer 2"} <= set(texts)
    assert len(_lines(svg)) == 2
    assert repr(mon) == "GradientMonitor(2 layers, 3 epochs, 0 vanishing/exploding events)"
    assert nn.GradientMonitor()._repr_svg_() is None
    # Vanishing gradients: the threshold line is drawn when the norms reach it.
    x, y = nn.make_moons(64, seed=0)
    layers: list[nn.Module] = []
    for i in range(6):
        lin = nn.Linear(2 if i == 0 else 16, 16)
        lin.weight.data[...] = 0.01
        layers += [lin, nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(16, 2))
    deep = nn.GradientMonitor()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nn.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.0),
               nn.DataLoader(x, y, rng=0), epochs=2, callbacks=[deep], progress=False)
    assert any(t.startswith("vanishing < 1e-06") for t in _texts(deep._repr_svg_()))


@given(st.floats(-1e6, 1e6), st.floats(1e-9, 1e6))
def test_ticks_are_round_numbers_inside_the_range(lo, span):
    hi = lo + span
    ticks = _ticks(lo, hi)
    assert 2 <= len(ticks) <= 11
    tol = 1e-9 * max(abs(lo), abs(hi), span)
    assert all(lo - tol <= t <= hi + tol for t in ticks)
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0])


@given(st.floats(-12, 6), st.floats(0.05, 12))
def test_log_ticks_are_inside_the_range_and_at_least_two(lo, span):
    hi = lo + span
    ticks = _log_ticks(lo, hi)
    assert len(ticks) >= 2
    assert all(lo - 1e-9 <= t <= hi + 1e-9 for t in ticks)


@pytest.mark.parametrize("n", [1, 2, 30])
def test_any_number_of_epochs_draws(n):
    svg = charts_svg([Panel("loss", {"loss": list(np.linspace(1, 0.1, n))})])
    root = ET.fromstring(svg)
    if n == 1:
        assert len(list(root.iter(f"{SVG}circle"))) == 1  # one epoch: a dot, not a line
    else:
        assert len(_lines(svg)[0]) == n
