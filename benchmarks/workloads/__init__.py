"""One module per library; each defines the workload functions it supports (w1 ... w5).

Workload functions build their model from the shared data in `benchmarks.common` and return
closures that the child process times, so every library is timed by the same loop:

- ``w1(x, y, params, lr)`` and ``w2(x, y, params, lr, alpha)`` return ``step() -> loss``;
- ``w3(x, y, init, alpha)`` returns ``step() -> loss`` (scalar engines);
- ``w4(n, x0)`` returns ``(forward() -> out, backward(out) -> d out / d x0[0])``;
- ``w5()`` returns ``{"fwd": (stmt, globals), "fwdbwd": (stmt, globals)}`` for timeit;
- ``w6(x, y, params, lr, momentum, batch, seed)`` returns ``epoch() -> mean loss``.
"""

from __future__ import annotations

# Library name -> module under benchmarks.workloads; the import happens only in the child.
LIBS: dict[str, str] = {
    "numpy": "lib_numpy",
    "autograd_core": "lib_ours",
    "autograd_core+nn": "lib_ours_nn",
    "autograd_core compiled": "lib_ours_compiled",
    "autograd_core+nn compiled": "lib_ours_nn_compiled",
    "torch": "lib_torch",
    "mygrad": "lib_mygrad",
    "hips-autograd": "lib_hips",
    "micrograd": "lib_micrograd",
}

# Which libraries run each workload; the first is the reference that ratios are taken against.
WORKLOAD_LIBS: dict[str, list[str]] = {
    "W1": ["numpy", "autograd_core", "autograd_core+nn", "autograd_core compiled",
           "autograd_core+nn compiled", "torch", "mygrad", "hips-autograd"],
    "W2": ["numpy", "autograd_core", "autograd_core+nn", "autograd_core compiled",
           "autograd_core+nn compiled", "torch", "mygrad", "hips-autograd"],
    "W3": ["micrograd", "autograd_core"],
    "W4": ["torch", "numpy", "autograd_core", "mygrad", "hips-autograd"],
    "W5": ["torch", "numpy", "autograd_core", "mygrad", "hips-autograd"],
    "W6": ["numpy", "autograd_core+nn", "autograd_core+nn compiled", "torch"],
}

WORKLOAD_TITLES: dict[str, str] = {
    "W1": "mlp-train-step: MLP 784-256-256-10, batch 128, float32, fwd+bwd+SGD",
    "W2": "mlp-small: MLP 2-16-16-1, 100 moons, float64, hinge+L2, fwd+bwd+SGD",
    "W3": "scalar-engine: micrograd demo MLP(2, [16, 16, 1]) on Values, 100 moons",
    "W4": "deep-chain: x = x * 1.0001 + 0.0, 100,000 times on 3 floats, then backward",
    "W5": "op-overhead: one add on 1-element tensors",
    "W6": "digits-epoch: MLP 64-64-10, 1437 digits-shaped rows, batch 32, float32, SGD "
          "momentum 0.9, one epoch",
}
