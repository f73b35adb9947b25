"""The op table and `autograd-core check`: coverage of every public op, exit codes, reports."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Function, Tensor, Value
from autograd_core.checking import checks
from autograd_core.checking.checks import OpCase


def test_every_public_op_has_a_case_and_every_case_a_public_op() -> None:
    public = set(checks.public_op_names())
    covered = {c.op for c in checks.OPS}
    assert public - covered == set(), "public ops without a gradient-check case"
    assert covered - public == set(), "cases for names that are not public ops"
    # Spot checks that the introspection sees each kind of op.
    assert {"add", "matmul", "getitem", "T", "sum", "where", "Value.tanh", "Value.add"} <= public
    assert "argmax" not in public and "zeros" not in public


def test_case_names_are_unique_and_inputs_are_float64_leaves() -> None:
    names = [c.name for c in checks.OPS]
    assert len(names) == len(set(names))
    rng = np.random.default_rng(0)
    for c in checks.OPS:
        leaves = [x for x in c.make_inputs(rng) if isinstance(x, (Tensor, Value))]
        assert leaves, c.name
        for x in leaves:
            assert x.requires_grad and x.is_leaf, c.name
            if isinstance(x, Tensor):
                assert x.dtype == np.float64, c.name
        assert [np.shape(x.data) for x in leaves] == list(c.shapes), c.name


def test_the_sweep_covers_the_shapes_of_the_issue() -> None:
    shapes = {s for c in checks.cases_for("add") for s in [c.shapes]}
    assert {((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((1, 3), (2, 3)),
            ((2, 1, 4), (3, 1))} <= shapes
    variants = {c.variant for c in checks.cases_for("sum")}
    assert any("keepdims" in v for v in variants) and any("axis=(0, 1)" in v for v in variants)


def test_every_op_passes() -> None:
    results = checks.run_checks(verbose=False)
    failed = {r.op: r.failures[0] for r in results if not r.ok}
    assert failed == {}
    assert all(r.worst_rel_err < 1e-3 for r in results)


class _BrokenSquare(Function):
    def forward(ctx, a):
        return a * a

    def backward(ctx, g):
        return (g * ctx.inputs[0] * 3.0,)  # should be 2 x


def _broken_case() -> OpCase:
    return OpCase("broken_square", "(3,)", _BrokenSquare.apply,
                  lambda rng: (Tensor(rng.uniform(0.5, 1.5, 3), requires_grad=True),),
                  lambda a: a * a, ((3,),))


def test_main_exit_code_is_zero_on_success(capsys: pytest.CaptureFixture[str]) -> None:
    assert checks.main(["--op", "exp", "--op", "Value.tanh,sum"]) == 0
    out = capsys.readouterr().out
    lines = [ln for ln in out.splitlines() if ln.split()[:1] in (["exp"], ["sum"],
                                                                  ["Value.tanh"])]
    assert len(lines) == 3 and all(ln.endswith("PASS") for ln in lines)
    assert "all 3 ops PASS" in out


def test_main_exit_code_is_nonzero_when_an_op_is_broken(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(checks, "OPS", [*checks.cases_for("exp"), _broken_case()])
    assert checks.main([]) == 1
    out = capsys.readouterr().out
    row = next(ln for ln in out.splitlines() if ln.startswith("broken_square"))
    assert row.endswith("FAIL")
    assert float(row.split()[-2]) == pytest.approx(0.5, rel=1e-3)  # |3x - 2x| / |2x|
    assert "FAIL broken_square[(3,)]" in out and "analytical" in out and "numerical" in out
    assert "1 of 2 ops FAIL" in out


def test_fast_mode_also_fails_the_broken_op(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "OPS", [_broken_case()])
    assert checks.main(["--fast", "-q", "--first-order"]) == 1


def test_a_wrong_forward_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    case = _broken_case()
    wrong = OpCase("wrong_forward", "(3,)", lambda x: x * x, case.make_inputs,
                   lambda a: a * a + 1.0, ((3,),))
    monkeypatch.setattr(checks, "OPS", [wrong])
    (res,) = checks.run_checks(verbose=False)
    assert not res.ok and "forward output 0 differs from numpy" in res.failures[0][1]


def test_list_and_unknown_op(capsys: pytest.CaptureFixture[str]) -> None:
    assert checks.main(["--list"]) == 0
    listed = capsys.readouterr().out.split()
    assert set(listed) == {c.op for c in checks.OPS}
    assert checks.main(["--op", "no_such_op"]) == 2
    assert "no_such_op" in capsys.readouterr().err


def test_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        checks.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--op" in out and "--fast" in out and "autograd-core check" in out
