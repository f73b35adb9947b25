"""One import path that cannot be shadowed: `from autograd_core import nn, optim` gives the same
module objects as `import nn` / `import optim`, and the library's own even when another `nn`
comes first on the path; the `torch` namespace for ported programs."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

import autograd_core as ag

ROOT = Path(__file__).resolve().parent.parent


def test_autograd_core_nn_and_optim_are_the_top_level_packages() -> None:
    import nn as top_nn
    import optim as top_optim
    from autograd_core import nn, optim

    assert nn is top_nn and optim is top_optim
    import autograd_core.nn.functional as F
    import autograd_core.optim.lr_scheduler as sched

    assert F is top_nn.functional and sched is top_optim.lr_scheduler
    assert nn.Linear is top_nn.layers.Linear  # one class, so isinstance checks agree


def test_every_file_of_nn_and_optim_is_one_module_under_both_names() -> None:
    import importlib

    from autograd_core import nn, optim  # noqa: F401 - registers the aliases

    for pkg in ("nn", "optim"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            # A module nn imports lazily too (first through the alias, then by its own name).
            via_alias = importlib.import_module(f"autograd_core.{name}")
            assert via_alias is importlib.import_module(name), name
            assert sys.modules[f"autograd_core.{name}"] is sys.modules[name], name
            assert via_alias.__spec__.name == name  # reload() and pickling see the real name


def test_a_lazily_imported_submodule_reached_first_through_the_alias() -> None:
    lazy = [p.stem for p in (ROOT / "nn").glob("_*.py") if p.stem not in ("__init__",)]
    code = ("import sys\nfrom autograd_core import nn\n"
            f"names = [n for n in {lazy!r} if 'nn.' + n not in sys.modules]\n"
            "import importlib\n"
            "for n in names:\n"
            "    a = importlib.import_module('autograd_core.nn.' + n)\n"
            "    assert a is importlib.import_module('nn.' + n), n\n"
            "print('checked', len(names))\n")
    r = _run(code, ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("checked")


def _run(code: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get(
        "PYTHONPATH", "")]), PYTHONWARNINGS="always")
    cmd = [sys.executable, *args] if args else [sys.executable, "-c", code]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def shadowing_dir(tmp_path: Path) -> Path:
    # A learner's own nn.py and optim.py next to their script: `import nn` finds them first.
    (tmp_path / "nn.py").write_text("print('THE LEARNER NN RAN')\nX = 1\n")
    (tmp_path / "optim.py").write_text("Y = 2\n")
    return tmp_path


def test_a_shadowing_nn_does_not_shadow_autograd_core_nn(shadowing_dir: Path) -> None:
    code = ("import sys; sys.path.insert(0, '.')\n"
            "from autograd_core import nn, optim\n"
            "print(nn.__name__, nn.Linear(2, 3).weight.shape, optim.SGD.__name__)\n"
            "import nn as mine, optim as my_optim\n"
            "print('learner', mine.X, my_optim.Y)\n")
    r = _run(code, shadowing_dir)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "autograd_core.nn (3, 2) SGD" in lines
    assert lines.index("THE LEARNER NN RAN") > lines.index("autograd_core.nn (3, 2) SGD")
    assert "learner 1 2" in lines
    assert f"`import nn` finds {shadowing_dir / 'nn.py'}" in r.stderr
    assert "from autograd_core import nn" in r.stderr


def test_the_command_says_so_with_the_path(shadowing_dir: Path) -> None:
    r = _run("", shadowing_dir, "-m", "autograd_core", "--help")
    assert r.returncode == 0, r.stderr
    assert "autograd-core: warning: `import nn` finds" in r.stderr
    assert str(shadowing_dir / "nn.py") in r.stderr
    clean = _run("", ROOT, "-m", "autograd_core", "--help")
    assert "warning" not in clean.stderr


def test_a_package_without_the_libraries_mark_is_refused() -> None:
    from autograd_core import _alias

    impostor = types.ModuleType("nn")
    impostor.__file__ = "/somewhere/site-packages/nn/__init__.py"
    with pytest.raises(ImportError, match="not autograd_core's.*reinstall"):
        _alias.register("autograd_core.some_alias", impostor)


def test_the_torch_namespace() -> None:
    from autograd_core import nn, optim
    from autograd_core import torch as T

    assert T.nn is nn and T.optim is optim and T.autograd.Function is ag.Function
    assert T.autograd.grad is ag.grad and T.autograd.gradcheck is ag.gradcheck
    assert T.float == ag.float32 and T.double == ag.float64 and T.long == ag.int64
    assert T.int == ag.int32 and T.bool == ag.bool_ and T.half == ag.float16
    assert T.tensor is ag.tensor and T.manual_seed is ag.manual_seed
    assert T.is_tensor(T.zeros(2)) and not T.is_tensor([1]) and T.numel(T.zeros(2, 3)) == 6
    assert not {"float", "int", "bool"} & set(T.__all__)  # a star import keeps the builtins
    namespace: dict[str, object] = {}
    exec("from autograd_core.torch import *", namespace)
    assert "float" not in namespace and "Tensor" in namespace
    with pytest.raises(AttributeError):
        T.einsum  # noqa: B018 - a name this library does not have is not some other function
