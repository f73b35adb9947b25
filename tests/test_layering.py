"""The package is built in layers (README, "Architecture"): an import never goes up or sideways
between layers, no files import each other in a circle, and the layer picture is current.

The imports are read with `ast` by docs/architecture.py (module level and inside functions:
a lazy import is a dependency all the same), the same code that draws the picture.
"""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("architecture", ROOT / "docs" / "architecture.py")
assert _spec is not None and _spec.loader is not None
arch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(arch)

GRAPH = arch.import_graph(ROOT)


def test_the_parser_sees_the_packages() -> None:
    # A guard against a walk that silently finds nothing (a moved folder, a changed root).
    assert "autograd_core/engine/node.py" in GRAPH
    assert "autograd_core/engine/backprop.py" in GRAPH["autograd_core/engine/node.py"]
    assert "autograd_core/__init__.py" in GRAPH["nn/module.py"]
    assert len(GRAPH) > 60


def test_no_import_goes_up_or_sideways() -> None:
    problems = arch.layering_problems(GRAPH)
    assert not problems, "\n".join(problems)


def test_no_import_circle_between_files() -> None:
    cycles = arch.import_cycles(GRAPH)
    assert not cycles, "files that import each other: " + "; ".join(" <-> ".join(c)
                                                                      for c in cycles)


def test_the_engine_imports_nothing_else_of_the_package() -> None:
    for src, edges in GRAPH.items():
        if arch.layer_of(src) == "engine":
            assert {arch.layer_of(d) for d in edges} <= {"engine"}, src


def test_nn_and_optim_use_only_public_faces() -> None:
    faces = {"autograd_core/__init__.py", "autograd_core/functions/__init__.py"}
    for src, edges in GRAPH.items():
        if arch.layer_of(src) in ("nn", "optim"):
            private = {d for d in edges if d.startswith("autograd_core/") and d not in faces}
            assert not private, f"{src} imports {sorted(private)}"


def test_the_committed_picture_is_what_the_script_draws_now() -> None:
    committed = (ROOT / "docs" / "architecture.dot").read_text(encoding="utf-8")
    assert committed == arch.to_dot(GRAPH), (
        "docs/architecture.dot is stale: run `python docs/architecture.py` and commit the .dot "
        "(and docs/images/architecture.svg, where Graphviz is installed)")


# ---------------------------------------------------------------- the check itself can fail

def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    for pkg in ("autograd_core", "nn", "optim"):
        (tmp_path / pkg).mkdir(exist_ok=True)
        (tmp_path / pkg / "__init__.py").touch()
    return tmp_path


CLEAN = {
    "autograd_core/engine/__init__.py": "from .node import Node\n",
    "autograd_core/engine/node.py": "import numpy as np\n",
    "autograd_core/tensor/__init__.py": "from .tensor import Tensor\n",
    "autograd_core/tensor/tensor.py": "from ..engine import Node\n",
}


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    graph = arch.import_graph(_tree(tmp_path, CLEAN))
    assert arch.layering_problems(graph) == []
    assert arch.import_cycles(graph) == []
    assert graph["autograd_core/tensor/tensor.py"] == {"autograd_core/engine/__init__.py": 1}


def test_a_planted_upward_import_is_named_even_inside_a_function(tmp_path: Path) -> None:
    files = dict(CLEAN)
    files["autograd_core/engine/node.py"] = """
        def make():
            from ..tensor.tensor import Tensor  # lazy, and still an upward import
            return Tensor
        """
    problems = arch.layering_problems(arch.import_graph(_tree(tmp_path, files)))
    assert problems == ["autograd_core/engine/node.py:3 imports autograd_core/tensor/tensor.py: "
                        "layer engine (rank 0) reaches up to layer tensor (rank 2)"]


def test_a_planted_sideways_import_and_a_stray_file_are_named(tmp_path: Path) -> None:
    files = dict(CLEAN)
    files["autograd_core/value/__init__.py"] = "from autograd_core.tensor import Tensor\n"
    files["autograd_core/stray.py"] = "\n"
    problems = arch.layering_problems(arch.import_graph(_tree(tmp_path, files)))
    assert any(p.startswith("autograd_core/value/__init__.py:1 imports "
                            "autograd_core/tensor/__init__.py") and "sideways" in p
               for p in problems), problems
    assert any(p.startswith("autograd_core/stray.py belongs to no layer") for p in problems)


def test_a_planted_circle_is_named_with_its_files(tmp_path: Path) -> None:
    files = dict(CLEAN)
    files["autograd_core/tensor/a.py"] = "from . import b\n"
    files["autograd_core/tensor/b.py"] = """
        def late():
            from .c import x  # a lazy import closes the circle all the same
        """
    files["autograd_core/tensor/c.py"] = "from .a import y\n"
    cycles = arch.import_cycles(arch.import_graph(_tree(tmp_path, files)))
    assert cycles == [["autograd_core/tensor/a.py", "autograd_core/tensor/b.py",
                       "autograd_core/tensor/c.py"]]


@pytest.mark.parametrize("call", ["importlib.import_module(name)",
                                  "importlib.import_module('autograd_core.tensor.tensor')"])
def test_dynamic_imports_are_followed_or_refused(tmp_path: Path, call: str) -> None:
    files = dict(CLEAN)
    files["autograd_core/engine/node.py"] = f"import importlib\nname = 'x'\nmod = {call}\n"
    problems = arch.layering_problems(arch.import_graph(_tree(tmp_path, files)))
    assert len(problems) == 1
    assert ("computed name" in problems[0]) == ("(name)" in call)
    assert problems[0].startswith("autograd_core/engine/node.py:3 ")
