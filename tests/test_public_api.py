"""`import autograd_core as ag` gives the names it gave before the package was split into layers.

The spec is the list of public names `dir(ag)` showed on the flat layout (recorded when the
layout changed, issue 19), so a rename or a lost re-export fails here by name. Module
attributes are listed apart: the layer subpackages are new, and the flat files that `dir(ag)`
used to show as attributes (`ag.ops`, `ag.tensor_hooks`...) were private and have moved into
them; `RETIRED` says where, so the list cannot silently grow back.
"""

from __future__ import annotations

import json
import subprocess
import sys

import autograd_core as ag

# Every public non-module name of `dir(autograd_core)` on the flat layout.
PUBLIC_NAMES = {
    "AnomalyError", "Function", "GradcheckError", "GradcheckResult", "GradcheckWarning",
    "GraphvizNotFoundError", "ModuleTrace", "Node", "Tensor", "Value", "abs",
    "analytical_jacobian", "arange", "argmax", "argmin", "backprop_frames", "backward",
    "broadcast_to", "check_gradients", "clip", "concatenate", "cos", "detect_anomaly",
    "draw_graph", "enable_grad", "exp", "expand_dims", "eye", "flatten", "floor", "full",
    "full_like", "get_default_dtype", "grad", "gradcheck", "gradgradcheck",
    "is_anomaly_enabled", "is_grad_enabled", "linspace", "log", "log_softmax", "logsumexp",
    "matmul", "max", "maximum", "mean", "min", "minimum", "no_grad", "numerical_jacobian",
    "ones", "ones_like", "pad", "prod", "rand", "randn", "relu", "render_backprop_animation",
    "render_graph", "reshape", "set_default_dtype", "set_grad_enabled", "sigmoid", "sign",
    "sin", "softmax", "split", "sqrt", "squeeze", "stack", "std", "sum", "swapaxes", "tanh",
    "tensor", "to_dot", "trace_modules", "transpose", "unsqueeze", "var", "where", "zeros",
    "zeros_like",
    # added later, each with the issue that added it
    "renderer", "set_num_threads", "get_num_threads",  # issue 15: drawing without dot; BLAS threads
    "keep_skeleton",  # issue 15: the drawing skeleton off for a loop that never draws (fit)
    "backprop_animation", "BackpropAnimation",  # issue 16: the animation inline in Jupyter
    "compile", "CompileError", "ConcretizationError",  # issue 18: compiled steps
    # issue 14: PyTorch's everyday surface (creation, random streams, devices and dtypes, and
    # the functions PyTorch names differently from numpy)
    "Generator", "all", "allclose", "amax", "amin", "any", "as_tensor", "bool_", "cat",
    "chunk", "device", "empty", "empty_like", "float16", "float32", "float64", "from_numpy",
    "initial_seed", "int16", "int32", "int64", "int8", "log10", "manual_seed", "mm",
    "multinomial", "numpy_rng", "permute", "rand_like", "randint", "randn_like", "randperm",
    "seed", "uint8",
}

# Subpackages reachable as attributes after `import autograd_core` (the layers it imports;
# `ag.tensor` stays the creation function, as on the flat layout, not the subpackage).
MODULES = {"engine", "functions", "value", "checking", "viz"}

# Flat modules that were attributes of the package, and where their code lives now.
RETIRED = {
    "creation": "tensor/creation.py",
    "ops": "tensor/ops.py",
    "tensor_hooks": "tensor/engine_hooks.py",
    "tensor_inplace": "tensor/inplace.py",
    "functions_array": "functions/ (reductions, shape, indexing, linalg, fused)",
    "grad_mode": "engine/grad_mode.py",
    "value_functions": "value/primitives.py",
    "viz_dot": "viz/dot.py and viz/labels.py",
    "viz_graph": "viz/graph.py",
    "viz_modules": "viz/modules.py",
}


def _fresh_dir() -> tuple[set[str], set[str]]:
    """(public names, module attributes) of `import autograd_core` in a fresh interpreter:
    in this process other tests may have imported more submodules (`autograd_core.app`)."""
    code = ("import json, types, autograd_core as ag\n"
            "pub = [n for n in dir(ag) if n[0] != '_']\n"
            "mod = [n for n in pub if isinstance(getattr(ag, n), types.ModuleType)]\n"
            "print(json.dumps([[n for n in pub if n not in mod], mod]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    names, modules = json.loads(out)
    return set(names), set(modules)


def test_every_public_name_is_still_there() -> None:
    names, _ = _fresh_dir()
    assert sorted(PUBLIC_NAMES - names) == [], "public names lost"
    assert sorted(names - PUBLIC_NAMES) == [], "new public names: add them to the spec"


def test_module_attributes_are_the_layers() -> None:
    _, modules = _fresh_dir()
    assert modules == MODULES
    assert not modules & set(RETIRED)
    assert callable(ag.tensor)  # the creation function, not the subpackage


def test_each_name_is_the_object_its_layer_exports() -> None:
    import importlib

    for layer in ("engine", "checking", "tensor", "value", "viz"):
        face = importlib.import_module(f"autograd_core.{layer}")
        for name in face.__all__:
            assert name in PUBLIC_NAMES, f"{layer}.{name} is exported but not in the spec"
            assert getattr(ag, name) is getattr(face, name), f"ag.{name} is not {layer}.{name}"
