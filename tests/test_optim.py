"""Optimizers: trajectories against the update equations written out independently in numpy
(and against torch.optim when torch is installed), on Tensor and on Value parameters."""

from __future__ import annotations

import math

import numpy as np
import pytest

import optim
from autograd_core import Tensor, Value

# ---------------------------------------------------------------- reference equations
# Each reference is the textbook/PyTorch-docs equation, written plainly (no in-place tricks),
# so that it shares no code with optim/.


def ref_sgd(theta, grad_fn, steps, lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
            nesterov=False):
    out, b = [], None
    for _ in range(steps):
        g = grad_fn(theta)
        g = g + weight_decay * theta
        if momentum:
            b = g if b is None else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        theta = theta - lr * g
        out.append(theta)
    return out


def ref_adam(theta, grad_fn, steps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
             amsgrad=False, decoupled=False):
    b1, b2 = betas
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    vmax = np.zeros_like(theta)
    out = []
    for t in range(1, steps + 1):
        g = grad_fn(theta)
        if decoupled:
            theta = theta - lr * weight_decay * theta
        else:
            g = g + weight_decay * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        mhat = m / (1 - b1 ** t)
        vv = np.maximum(vmax, v) if amsgrad else v
        vmax = vv
        vhat = vv / (1 - b2 ** t)
        theta = theta - lr * mhat / (np.sqrt(vhat) + eps)
        out.append(theta)
    return out


def ref_rmsprop(theta, grad_fn, steps, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0,
                momentum=0.0, centered=False):
    v = np.zeros_like(theta)
    gbar = np.zeros_like(theta)
    b = np.zeros_like(theta)
    out = []
    for _ in range(steps):
        g = grad_fn(theta)
        g = g + weight_decay * theta
        v = alpha * v + (1 - alpha) * g ** 2
        if centered:
            gbar = alpha * gbar + (1 - alpha) * g
            d = np.sqrt(v - gbar ** 2) + eps
        else:
            d = np.sqrt(v) + eps
        if momentum > 0:
            b = momentum * b + g / d
            theta = theta - lr * b
        else:
            theta = theta - lr * g / d
        out.append(theta)
    return out


def ref_adagrad(theta, grad_fn, steps, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                initial_accumulator_value=0.0, eps=1e-10):
    s = np.full_like(theta, initial_accumulator_value)
    out = []
    for t in range(1, steps + 1):
        g = grad_fn(theta)
        g = g + weight_decay * theta
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g ** 2
        theta = theta - clr * g / (np.sqrt(s) + eps)
        out.append(theta)
    return out


# The fixed problem: f(θ) = Σ (a⊙θ − c)⁴/4 + sin θ, whose gradient varies in scale and sign.
A = np.array([[1.5, -0.7, 0.3], [0.2, 2.0, -1.1]])
C = np.array([[0.5, 1.0, -0.4], [0.9, -0.3, 0.2]])
THETA0 = np.array([[0.3, -0.2, 0.8], [-1.0, 0.4, 0.05]])
STEPS = 25


def grad_f(theta):
    return A * (A * theta - C) ** 3 + np.cos(theta)


CASES = [
    (optim.SGD, ref_sgd, dict(lr=0.05)),
    (optim.SGD, ref_sgd, dict(lr=0.05, momentum=0.9)),
    (optim.SGD, ref_sgd, dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    (optim.SGD, ref_sgd, dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01)),
    (optim.Adam, ref_adam, dict(lr=0.05)),
    (optim.Adam, ref_adam, dict(lr=0.05, betas=(0.8, 0.95), weight_decay=0.1)),
    (optim.Adam, ref_adam, dict(lr=0.05, amsgrad=True)),
    (optim.Adam, ref_adam, dict(lr=0.05, betas=(0.3, 0.9))),  # lerp weight > 1/2
    (optim.AdamW, ref_adam, dict(lr=0.05, weight_decay=0.1)),
    (optim.AdamW, ref_adam, dict(lr=0.05, amsgrad=True)),
    (optim.RMSprop, ref_rmsprop, dict(lr=0.01)),
    (optim.RMSprop, ref_rmsprop, dict(lr=0.01, momentum=0.9, weight_decay=0.1)),
    (optim.RMSprop, ref_rmsprop, dict(lr=0.01, centered=True, alpha=0.9)),
    (optim.RMSprop, ref_rmsprop, dict(lr=0.01, centered=True, momentum=0.5)),
    (optim.Adagrad, ref_adagrad, dict(lr=0.1)),
    (optim.Adagrad, ref_adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.1,
                                      initial_accumulator_value=0.5)),
]

IDS = [f"{o.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for o, _, kw in CASES]


def _reference(ref, opt_cls, kw):
    kw = dict(kw)
    if opt_cls is optim.AdamW:
        kw.setdefault("weight_decay", 1e-2)  # AdamW's own default
        kw["decoupled"] = True
    return ref(THETA0.copy(), grad_f, STEPS, **kw)


@pytest.mark.parametrize("opt_cls,ref,kw", CASES, ids=IDS)
def test_tensor_trajectory_matches_equations(opt_cls, ref, kw):
    p = Tensor(THETA0.copy(), requires_grad=True)
    opt = opt_cls([p], **kw)
    expected = _reference(ref, opt_cls, kw)
    for step in range(STEPS):
        p.grad = Tensor(grad_f(p.data))
        opt.step()
        np.testing.assert_allclose(p.data, expected[step], rtol=1e-11, atol=1e-13,
                                   err_msg=f"step {step + 1}")


@pytest.mark.parametrize("opt_cls,ref,kw", CASES, ids=IDS)
def test_value_trajectory_matches_equations(opt_cls, ref, kw):
    ps = [Value(float(x)) for x in THETA0.ravel()]
    opt = opt_cls(ps, **kw)
    expected = _reference(ref, opt_cls, kw)
    for step in range(STEPS):
        theta = np.array([p.data for p in ps]).reshape(THETA0.shape)
        for p, g in zip(ps, grad_f(theta).ravel()):
            p.grad = float(g)
        opt.step()
        got = np.array([p.data for p in ps]).reshape(THETA0.shape)
        assert all(type(p.data) is float for p in ps)
        np.testing.assert_allclose(got, expected[step], rtol=1e-11, atol=1e-13,
                                   err_msg=f"step {step + 1}")


@pytest.mark.parametrize("opt_cls,ref,kw", CASES, ids=IDS)
def test_against_torch(opt_cls, ref, kw):
    torch = pytest.importorskip("torch")
    tp = torch.tensor(THETA0.copy(), dtype=torch.float64, requires_grad=True)
    topt = getattr(torch.optim, opt_cls.__name__)([tp], **kw)
    p = Tensor(THETA0.copy(), requires_grad=True)
    opt = opt_cls([p], **kw)
    for _ in range(STEPS):
        g = grad_f(p.data)
        p.grad = Tensor(g)
        tp.grad = torch.tensor(grad_f(tp.detach().numpy()))
        opt.step()
        topt.step()
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_end_to_end_with_backward():
    """The gradient from the engine drives the same trajectory as the formula's gradient."""
    a, c = Tensor(A), Tensor(C)
    p = Tensor(THETA0.copy(), requires_grad=True)
    opt = optim.Adam([p], lr=0.05)
    expected = ref_adam(THETA0.copy(), grad_f, STEPS, lr=0.05)
    for step in range(STEPS):
        opt.zero_grad()
        loss = ((a * p - c) ** 4 / 4).sum() + p.sin().sum()
        loss.backward()
        opt.step()
        np.testing.assert_allclose(p.data, expected[step], rtol=1e-10, atol=1e-12)


def test_update_is_in_place_and_keeps_dtype():
    p = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    arr, version = p.data, p._version
    opt = optim.Adam([p], lr=0.1)
    p.grad = Tensor(np.full((2, 3), 0.5, dtype=np.float32))
    opt.step()
    assert p.data is arr and p.dtype == np.float32
    assert p._version == version + 1
    assert opt.state[p]["exp_avg"].dtype == np.float32
    np.testing.assert_allclose(p.data, 1 - 0.1, rtol=1e-6)  # Adam's first step is ±lr


def test_step_after_forward_then_backward_on_old_graph_is_an_error():
    """Backward through a graph recorded before the step would use stale weights."""
    p = Tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    y = (p * p).sum()
    p.grad = Tensor([1.0, 1.0])
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_params_without_grad_are_skipped():
    p = Tensor([1.0, 2.0], requires_grad=True)
    q = Tensor([3.0], requires_grad=True)
    opt = optim.SGD([p, q], lr=0.1, momentum=0.9)
    p.grad = Tensor([1.0, -1.0])
    opt.step()
    np.testing.assert_allclose(p.data, [0.9, 2.1])
    np.testing.assert_allclose(q.data, [3.0])
    assert q not in opt.state


def test_zero_grad():
    p = Tensor([1.0, 2.0], requires_grad=True)
    v = Value(1.0)
    opt = optim.SGD([p, v], lr=0.1)
    p.grad, v.grad = Tensor([1.0, 1.0]), 3.0
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.data, [0.0, 0.0])
    assert v.grad == 0.0
    opt.zero_grad()
    assert p.grad is None and v.grad == 0.0


def test_closure_returns_loss():
    p = Tensor([2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 4.0
    np.testing.assert_allclose(p.data, [2.0 - 0.25 * 4.0])


def test_param_groups_use_their_own_hyperparameters():
    p, q = Tensor([1.0], requires_grad=True), Tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.5}], lr=0.1, momentum=0.0)
    assert opt.param_groups[1]["momentum"] == 0.0 and opt.param_groups[0]["lr"] == 0.1
    p.grad, q.grad = Tensor([1.0]), Tensor([1.0])
    opt.step()
    np.testing.assert_allclose([p.data[0], q.data[0]], [0.9, 0.5])
    r = Tensor([0.0], requires_grad=True)
    opt.add_param_group({"params": r, "lr": 1.0})
    assert opt.param_groups[2]["params"] == [r]
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [p]})


@pytest.mark.parametrize("make,msg", [
    (lambda p: optim.SGD(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "Nesterov momentum requires"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
    (lambda p: optim.Adam(p, eps=-1e-8), "Invalid epsilon value"),
    (lambda p: optim.AdamW(p, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: optim.RMSprop(p, alpha=-0.1), "Invalid alpha value: -0.1"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
    (lambda p: optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1),
     "Invalid initial_accumulator_value value: -1"),
    (lambda p: optim.RMSprop(p, momentum=-1), "Invalid momentum value: -1"),
    (lambda p: optim.RMSprop(p, eps=-1), "Invalid epsilon value: -1"),
    # A NaN rate would turn every parameter into NaN at the first step: refused up front.
    (lambda p: optim.SGD(p, lr=float("nan")), "Invalid learning rate: nan"),
    (lambda p: optim.Adam(p, lr=float("nan")), "Invalid learning rate: nan"),
    (lambda p: optim.RMSprop(p, lr=float("nan")), "Invalid learning rate: nan"),
    (lambda p: optim.Adagrad(p, lr=float("nan")), "Invalid learning rate: nan"),
])
def test_validation_messages(make, msg):
    with pytest.raises(ValueError, match=msg):
        make([Tensor([1.0], requires_grad=True)])


def test_bad_parameters_are_rejected():
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(Tensor([1.0], requires_grad=True), lr=0.1)
    with pytest.raises(TypeError, match="must be Tensors or Values"):
        optim.SGD([np.ones(3)], lr=0.1)
    leaf = Tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([leaf * 2], lr=0.1)


@pytest.mark.parametrize("opt_cls,ref,kw", CASES[1:16:3], ids=IDS[1:16:3])
def test_state_dict_round_trip_resumes_the_trajectory(opt_cls, ref, kw):
    p = Tensor(THETA0.copy(), requires_grad=True)
    opt = opt_cls([p], **kw)
    for _ in range(5):
        p.grad = Tensor(grad_f(p.data))
        opt.step()
    sd = opt.state_dict()
    snapshot = {k: (v.copy() if isinstance(v, np.ndarray) else v)
                for k, v in sd["state"][0].items()}
    assert sd["param_groups"][0]["params"] == [0]

    q = Tensor(p.data.copy(), requires_grad=True)
    opt2 = opt_cls([q], lr=123.0)  # hyperparameters come back from the state dict
    opt2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == kw["lr"]
    for _ in range(5):
        p.grad = Tensor(grad_f(p.data))
        q.grad = Tensor(grad_f(q.data))
        opt.step()
        opt2.step()
    np.testing.assert_array_equal(p.data, q.data)
    for k, v in snapshot.items():  # the state dict is a snapshot, not a live view
        np.testing.assert_array_equal(sd["state"][0][k], v)


def test_load_state_dict_checks_before_changing_anything():
    p = Tensor([1.0, 2.0], requires_grad=True)
    opt = optim.Adam([p], lr=0.1)
    p.grad = Tensor([1.0, 1.0])
    opt.step()
    sd = opt.state_dict()
    other = optim.Adam([Tensor([1.0], requires_grad=True),
                        Tensor([1.0], requires_grad=True)], lr=0.5)
    with pytest.raises(ValueError, match="doesn't match the size"):
        other.load_state_dict(sd)
    small = optim.Adam([Tensor([1.0, 2.0, 3.0], requires_grad=True)], lr=0.5)
    with pytest.raises(ValueError, match="shape"):
        small.load_state_dict(sd)
    assert small.param_groups[0]["lr"] == 0.5 and not small.state


def test_value_model_trains():
    """A micrograd-style neuron fits y = 2x - 1 with Adam on Value parameters."""
    w, b = Value(0.0), Value(0.0)
    opt = optim.Adam([w, b], lr=0.1)
    xs = [-1.0, 0.0, 0.5, 1.0, 2.0]
    for _ in range(300):
        opt.zero_grad()
        loss = Value.sum([(w * x + b - (2 * x - 1)) ** 2 for x in xs])
        loss.backward()
        opt.step()
    assert math.isclose(w.data, 2.0, abs_tol=1e-2) and math.isclose(b.data, -1.0, abs_tol=1e-2)


# PyTorch's defaults, as issue 6 lists them (torch.optim's signatures; SGD's lr is 1e-3 since
# PyTorch 2.2). Written out here, not read from our code, so a changed default fails.
PYTORCH_DEFAULTS = {
    optim.SGD: dict(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False),
    optim.Adam: dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False),
    optim.AdamW: dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False),
    optim.RMSprop: dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                        centered=False),
    optim.Adagrad: dict(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                        eps=1e-10),
}


@pytest.mark.parametrize("opt_cls", list(PYTORCH_DEFAULTS), ids=lambda c: c.__name__)
def test_defaults_are_pytorchs(opt_cls):
    group = opt_cls([Tensor([1.0], requires_grad=True)]).param_groups[0]
    assert {k: group[k] for k in PYTORCH_DEFAULTS[opt_cls]} == PYTORCH_DEFAULTS[opt_cls]


def test_a_gradient_of_the_wrong_shape_is_a_clear_error() -> None:
    import nn
    import optim
    from autograd_core import Tensor

    p = nn.Parameter(np.ones(3))
    with pytest.raises(ValueError, match=r"shape \(4,\).*shape \(3,\)"):
        p.grad = Tensor(np.ones(4))  # refused at once, as PyTorch does
    p._grad = Tensor(np.ones(4))  # past the check: the optimizer still says what is wrong
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(4,\)"):
        optim.SGD([p], lr=0.1).step()


def test_adam_betas_of_the_wrong_type_name_the_argument() -> None:
    import nn
    import optim

    p = nn.Parameter(np.ones(2))
    with pytest.raises(TypeError, match="beta"):
        optim.Adam([p], betas=("a", 0.9))
    with pytest.raises(TypeError, match="betas"):
        optim.Adam([p], betas=0.9)
