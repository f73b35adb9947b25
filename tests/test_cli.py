"""The `autograd-core` command: help, one-line errors with status 2, the safe expression
evaluator, delegation of `check` and `bench`, `graph` and `train`."""

from __future__ import annotations

import ast
import math
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_core.app import passthrough
from autograd_core.app.cli import evaluate_expression, main
from autograd_core.value import Value

ROOT = Path(__file__).resolve().parent.parent


def _viz_ready() -> bool:
    from autograd_core import viz
    return hasattr(viz, "to_dot")


def _nn_ready() -> bool:
    import nn
    return all(hasattr(nn, a) for a in ("fit", "DataLoader", "make_moons", "save", "load"))


needs_viz = pytest.mark.skipif(not _viz_ready(), reason="autograd_core.viz not in this checkout")
needs_nn = pytest.mark.skipif(not _nn_ready(), reason="nn.fit/DataLoader/datasets not here yet")


# ---------------------------------------------------------------- help and errors

@pytest.mark.parametrize("argv", [["--help"], ["demo", "--help"], ["graph", "--help"],
                                  ["train", "--help"], ["compile", "--help"]])
def test_help_exits_0_and_describes_the_command(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: autograd-core")
    if argv[0] == "train":
        for opt in ("--activation", "--init", "--optimizer", "--batch-size", "--epochs", "--lr"):
            assert opt in out
    if argv == ["--help"]:
        for sub in ("demo", "check", "graph", "train", "compile", "example", "bench"):
            assert sub in out


@pytest.mark.parametrize("argv", [
    [],
    ["frobnicate"],
    ["train", "--epochs", "0"],
    ["train", "--epochs", "ten"],
    ["train", "--batch-size", "-3"],
    ["train", "--activation", "swishy"],
    ["train", "--lr", "-0.1"],
    ["train", "--hidden", "16,x"],
    ["demo", "--stages", "neuron,bogus"],
    ["graph", "x +", "--set", "x=1"],
    ["graph", "x*y", "--set", "x=1"],
    ["graph", "x", "--set", "x=abc"],
    ["graph", "x", "--set", "x"],
    ["graph", "x", "--set", "x=1", "--out", "g.txt"],
    ["graph"],
    ["compile", "--classes", "1"],
    ["compile", "--hidden", "0"],
    ["compile", "--optimizer", "lbfgs"],
])
def test_bad_arguments_give_one_line_error_and_status_2(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "error:" in err
    assert len(err.splitlines()) == 1, err


def test_module_entry_point_runs_as_python_dash_m():
    r = subprocess.run([sys.executable, "-m", "autograd_core", "--help"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    assert "autograd-core" in r.stdout and "train" in r.stdout


# ---------------------------------------------------------------- passthrough commands

def test_check_hands_its_arguments_to_checks_main(monkeypatch):
    seen = []
    fake = types.ModuleType("autograd_core.checking.checks")
    fake.main = lambda argv: seen.append(argv) or 3  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "autograd_core.checking.checks", fake)
    monkeypatch.setattr(sys.modules["autograd_core.checking"], "checks", fake, raising=False)
    assert main(["check", "--ops", "tanh", "-v"]) == 3
    assert seen == [["--ops", "tanh", "-v"]]


def test_bench_runs_the_benchmark_module_with_the_arguments(monkeypatch):
    calls = []
    monkeypatch.setattr(passthrough.subprocess, "call",
                        lambda cmd, env: calls.append((cmd, env)) or 0)
    assert main(["bench", "--quick", "--only", "W1"]) == 0
    cmd, env = calls[0]
    assert cmd[1:] == ["-m", "benchmarks.run", "--quick", "--only", "W1"]
    assert str(ROOT) in env["PYTHONPATH"].split(":")


# ---------------------------------------------------------------- the expression evaluator

def _neuron_names() -> dict[str, Value]:
    vals = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    return {k: Value(v, label=k) for k, v in vals.items()}


def test_expression_evaluates_micrograd_neuron_and_its_gradients():
    names = _neuron_names()
    o = evaluate_expression("tanh(x1*w1 + x2*w2 + b)", names)
    o.backward()
    n = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432
    t = math.tanh(n)
    assert o.data == pytest.approx(t)
    dn = 1 - t * t  # chain rule by hand
    assert names["x1"].grad == pytest.approx(dn * -3.0)
    assert names["w1"].grad == pytest.approx(dn * 2.0)
    assert names["x2"].grad == pytest.approx(dn * 1.0)
    assert names["w2"].grad == pytest.approx(0.0)
    assert names["b"].grad == pytest.approx(dn)
    # intermediate nodes are labelled with their source text and keep their gradients
    inner = next(iter(o._prev))
    assert inner.label == "x1*w1 + x2*w2 + b"
    assert inner.grad == pytest.approx(dn)


@pytest.mark.parametrize("text", [
    "__import__('os').system('echo hi')", "open('x')", "x.real", "x[0]", "[x]", "lambda: x",
    "x if x else x", "x < 1", "x // 2", "x % 2", "x @ x", "f'{x}'", "'a'", "True", "tanh(x, y=1)",
    "(lambda: 1)()", "tanh", "x; x", "import os", "leaky_relu(x, x)", "exp(x, 1)",
])
def test_expression_refuses_anything_but_arithmetic(text):
    with pytest.raises(ValueError):
        evaluate_expression(text, {"x": Value(1.0, "x"), "y": Value(2.0, "y")})


def test_expression_length_and_depth_are_limited():
    with pytest.raises(ValueError, match="limit"):
        evaluate_expression("x+" * 1500 + "x", {"x": Value(1.0)})
    with pytest.raises(ValueError, match="nested"):
        evaluate_expression("(" * 900 + "x" + ")" * 900, {"x": Value(1.0)})


_leaf = st.sampled_from(["a", "b", "c"]) | st.integers(1, 5).map(str)


def _combine(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"tanh({c})"),
        children.map(lambda c: f"-{c}"),
    )


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@given(st.recursive(_leaf, _combine, max_leaves=8),
       st.tuples(*[st.floats(-2, 2, allow_nan=False)] * 3))
def test_random_expressions_match_python_and_finite_differences(text, abc):
    env = dict(zip("abc", abc))
    py = eval(text, {"tanh": math.tanh}, dict(env))  # the test's own strings: a reference
    names = {k: Value(v, label=k) for k, v in env.items()}
    if not {n.id for n in ast.walk(ast.parse(text, mode="eval")) if isinstance(n, ast.Name)} - {
            "tanh"}:
        with pytest.raises(ValueError, match="no variable"):
            evaluate_expression(text, names)
        return
    root = evaluate_expression(text, names)
    assert root.data == pytest.approx(py, rel=1e-12, abs=1e-12)
    if root._fn is None:
        return
    root.backward()
    h = 1e-6
    for k in "abc":
        hi = eval(text, {"tanh": math.tanh}, {**env, k: env[k] + h})
        lo = eval(text, {"tanh": math.tanh}, {**env, k: env[k] - h})
        assert names[k].grad == pytest.approx((hi - lo) / (2 * h), rel=1e-5, abs=1e-6)


# ---------------------------------------------------------------- graph and train

@needs_viz
def test_graph_command_writes_dot_with_the_neuron_numbers(tmp_path, capsys):
    out = tmp_path / "neuron.dot"
    argv = ["graph", "tanh(x1*w1 + x2*w2 + b)", "--out", str(out)]
    for k, v in (("x1", 2), ("x2", 0), ("w1", -3), ("w2", 1), ("b", 6.8813735870195432)):
        argv += ["--set", f"{k}={v}"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "= 0.707107" in printed and "d/dx1 = -1.5" in printed
    dot = out.read_text()
    assert dot.lstrip().startswith("digraph")
    assert "0.7071" in dot and "-1.5" in dot


@needs_nn
@needs_viz
def test_train_prints_metrics_saves_checkpoint_and_graph_draws_it(tmp_path, capsys):
    ckpt = tmp_path / "m.npz"
    rc = main(["train", "--epochs", "2", "--samples", "200", "--hidden", "8",
               "--optimizer", "adam", "--checkpoint", str(ckpt), "--no-progress"])
    assert rc == 0
    out = capsys.readouterr().out
    lines = [ln.split() for ln in out.splitlines()]
    epochs = [ln for ln in lines if len(ln) == 5 and ln[0] in ("1", "2")]
    assert [e[0] for e in epochs] == ["1", "2"]
    assert all(0.0 <= float(e[2]) <= 1.0 for e in epochs)  # accuracy is a fraction
    assert ckpt.exists()
    dot = tmp_path / "m.dot"
    assert main(["graph", "--model", str(ckpt), "--out", str(dot)]) == 0
    assert "cluster" in dot.read_text()


def test_graph_model_refuses_a_file_that_is_not_a_train_checkpoint(tmp_path, capsys):
    bogus = tmp_path / "x.npz"
    bogus.write_bytes(b"not a checkpoint")
    assert main(["graph", "--model", str(bogus), "--out", str(tmp_path / "g.dot")]) == 1
    assert "cannot load" in capsys.readouterr().err
    import numpy as np
    plain = tmp_path / "plain.npz"
    np.savez(plain, w=np.zeros(3))
    assert main(["graph", "--model", str(plain), "--out", str(tmp_path / "g.dot")]) == 1
    assert "no 'config' entry" in capsys.readouterr().err


# ---------------------------------------------------------------- more bad arguments

@pytest.mark.parametrize("argv", [
    ["check", "--bogus"], ["check", "--op"], ["bench", "--bogus"], ["bench", "--rounds", "x"],
    ["train", "--lr", "inf"], ["train", "--samples", "1"],
    ["graph", "--model", "no-such-checkpoint.npz"],
])
def test_passthrough_and_data_errors_are_one_line_with_status_2(argv, capsys, tmp_path,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as e:
        code = main(argv)
        raise SystemExit(code)  # bench answers with a return value, the others by exiting
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "error:" in err and len(err.splitlines()) == 1, err
    assert "python -m" not in err  # the command the user typed, not the module behind it


def test_output_paths_that_cannot_be_created_are_usage_errors(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for argv in (["demo", "--out", str(blocker / "out")],
                 ["graph", "x", "--set", "x=1", "--out", str(blocker / "g.dot")],
                 ["graph", "x", "--set", "x=1", "--out", str(tmp_path / "g.dot"),
                  "--frames", str(blocker / "f.html")],
                 ["train", "--checkpoint", str(blocker / "m.npz")]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "cannot create the folder" in err, err


def test_bench_help_names_the_command(capsys):
    assert main(["bench", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: autograd-core bench") and "benchmarks.run" not in out


def test_train_help_states_the_default_initializer_the_code_uses(capsys):
    from autograd_core.app.demo_train import TrainConfig
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "the layer's own" not in out  # the command always picks one (resolved_init)
    for act in ("relu", "tanh"):
        assert TrainConfig(activation=act).resolved_init() in out


def test_a_diverging_run_ends_with_one_line_not_a_traceback(tmp_path, capsys):
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        rc = main(["train", "--lr", "1e30", "--epochs", "1", "--samples", "64",
                   "--no-progress", "--checkpoint", str(tmp_path / "m.npz")])
    assert rc == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("autograd-core train:") and "loss became" in err[0]
    # numpy's overflow warnings name the library's files; the one line says it in words.
    assert not [w for w in seen if issubclass(w.category, RuntimeWarning)]
    assert not (tmp_path / "m.npz").exists()


def test_a_diverging_run_prints_only_its_one_line_from_the_shell(tmp_path):
    r = subprocess.run([sys.executable, "-m", "autograd_core", "train", "--lr", "1e6",
                        "--epochs", "2", "--samples", "200", "--no-progress", "--checkpoint",
                        str(tmp_path / "m.npz")], cwd=tmp_path, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "RuntimeWarning" not in r.stderr, r.stderr


def test_an_unknown_option_is_reported_by_its_subcommand_with_a_suggestion(capsys):
    with pytest.raises(SystemExit) as e:
        main(["train", "--activaton", "relu"])
    assert e.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == ("autograd-core train: error: unrecognized arguments: --activaton relu; "
                    "did you mean --activation? (see 'autograd-core train --help')")


def test_a_set_name_the_expression_does_not_use_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["graph", "x*w", "--set", "x=1", "--set", "w=2", "--set", "z=3",
              "--out", str(tmp_path / "g.dot")])
    assert e.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "--set z=...: the expression does not use 'z' (its names: w, x)" in line
    assert not (tmp_path / "g.dot").exists()


# ---------------------------------------------------------------- compile

@needs_nn
def test_compile_show_prints_the_replay_of_the_mlps_step(capsys):
    assert main(["compile", "--show", "--hidden", "8", "--batch-size", "4"]) == 0
    out = capsys.readouterr().out
    compile(out, "<shown>", "exec")  # the printout is the Python program itself
    for text in ("def train_step(x, y):", "h1 = x @ W1.T", "# backward of Linear (model.0)",
                 "dW1 = dh1.T @ x", "# SGD update of W1", "def _state_as_recorded():"):
        assert text in out, text


@needs_nn
def test_compile_times_eager_and_compiled_steps_on_twin_models(capsys):
    assert main(["compile", "--steps", "3", "--optimizer", "adam"]) == 0
    out = capsys.readouterr().out
    assert "us/step" in out and "the same, bit for bit" in out


@needs_nn
def test_compile_shows_the_step_of_a_trained_checkpoint(tmp_path, capsys):
    ckpt = str(tmp_path / "m.npz")
    assert main(["train", "--epochs", "1", "--hidden", "8", "--optimizer", "adam",
                 "--no-progress", "--checkpoint", ckpt]) == 0
    capsys.readouterr()
    assert main(["compile", "--show", "--model", ckpt]) == 0
    out = capsys.readouterr().out
    assert "# Adam update of W1" in out and "h1 = x @ W1.T" in out
    with pytest.raises(SystemExit) as e:
        main(["compile", "--model", str(tmp_path / "none.npz")])
    assert e.value.code == 2
