"""The package is built in layers (README, "Architecture"): an import never goes up or sideways
between layers, no files import each other in a circle, and the layer picture is current.

The imports are read with `ast` by docs/architecture.py (module level and inside functions:
a lazy import is a dependency all the same), the same code that draws the picture.
"""

from __future__ import annotations

import importlib.util
import textwrap
import xml.etree.ElementTree as ET
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


def _svg_contents(svg: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    """({box: its lines of text}, {"a->b": the arrow's colour}) of a Graphviz SVG."""
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.fromstring(svg)
    boxes, arrows = {}, {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        title = g.findtext("s:title", namespaces=ns)
        if g.get("class") == "node" and title:
            boxes[title] = [t.text or "" for t in g.findall("s:text", ns)]
        elif g.get("class") == "edge" and title:
            path = g.find("s:path", ns)
            arrows[title] = path.get("stroke", "") if path is not None else ""
    return boxes, arrows


def test_the_committed_svg_draws_the_current_layers_and_imports() -> None:
    # Checked without Graphviz: the README's picture shows each layer with its text and each
    # import between layers in its colour, as the script would draw them now.
    svg = (ROOT / "docs" / "images" / "architecture.svg").read_text(encoding="utf-8")
    boxes, arrows = _svg_contents(svg)
    present = {arch.layer_of(p) for p in GRAPH} - {None}
    assert boxes == {name: [name, *what.split("\n")] for name, _, what, _ in arch.LAYERS
                     if name in present}, "redraw: python docs/architecture.py"
    pairs = arch.layer_edges(GRAPH)
    skips = arch._skips(pairs)
    assert arrows == {f"{a}->{b}": "#c9d1d9" if (a, b) in skips else "#7f8c9a"
                      for a, b in pairs}, "redraw: python docs/architecture.py"


def test_the_svg_check_sees_a_stale_picture() -> None:
    svg = (ROOT / "docs" / "images" / "architecture.svg").read_text(encoding="utf-8")
    boxes, arrows = _svg_contents(svg)
    assert "engine" in boxes and "functions->engine" in arrows
    stale = svg.replace("<title>functions&#45;&gt;engine</title>", "<title>x</title>")
    assert "functions->engine" not in _svg_contents(stale)[1]


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


def test_a_planted_two_file_circle_is_named(tmp_path: Path) -> None:
    # the four circles were all pairs (engine.py <-> _safety.py, ...)
    files = dict(CLEAN)
    files["autograd_core/engine/a.py"] = "from .b import x\n"
    files["autograd_core/engine/b.py"] = "def f():\n    from . import a\n"
    cycles = arch.import_cycles(arch.import_graph(_tree(tmp_path, files)))
    assert cycles == [["autograd_core/engine/a.py", "autograd_core/engine/b.py"]]


@pytest.mark.parametrize("call", ["importlib.import_module(name)",
                                  "importlib.import_module('autograd_core.tensor.tensor')"])
def test_dynamic_imports_are_followed_or_refused(tmp_path: Path, call: str) -> None:
    files = dict(CLEAN)
    files["autograd_core/engine/node.py"] = f"import importlib\nname = 'x'\nmod = {call}\n"
    problems = arch.layering_problems(arch.import_graph(_tree(tmp_path, files)))
    assert len(problems) == 1
    assert ("computed name" in problems[0]) == ("(name)" in call)
    assert problems[0].startswith("autograd_core/engine/node.py:3 ")


def test_a_relative_name_given_to_import_module_is_resolved(tmp_path: Path) -> None:
    files = dict(CLEAN)
    files["autograd_core/engine/node.py"] = (
        "import importlib\n"
        "a = importlib.import_module('.tensor.tensor', 'autograd_core')\n"
        "b = importlib.import_module('..tensor', package='autograd_core.engine')\n"
        "c = importlib.import_module('.tensor', __package__)\n")
    problems = {p.split(" ")[0]: p for p in
                arch.layering_problems(arch.import_graph(_tree(tmp_path, files)))}
    where = "autograd_core/engine/node.py:"
    assert sorted(problems) == [where + "2", where + "3", where + "4"], problems
    assert "imports autograd_core/tensor/tensor.py" in problems[where + "2"]
    assert "imports autograd_core/tensor/__init__.py" in problems[where + "3"]
    assert "computed name" in problems[where + "4"]


def test_an_import_past_a_layers_face_is_named_unless_the_file_is_lent(tmp_path: Path) -> None:
    files = dict(CLEAN)
    files["autograd_core/tensor/tensor.py"] = "from ..engine.node import Node\n"
    files["autograd_core/engine/_safety.py"] = "\n"
    files["autograd_core/tensor/inplace.py"] = "from ..engine import _safety\n"
    problems = arch.layering_problems(arch.import_graph(_tree(tmp_path, files)))
    assert problems == ["autograd_core/tensor/tensor.py:1 imports autograd_core/engine/node.py, "
                        "a private file of layer engine: import it through engine's face (its "
                        "__init__.py), or add the file to LENT in docs/architecture.py"]


def test_every_python_file_reads_in_one_sitting() -> None:
    # The brief: files of about 400 lines. 450 is the hard line; the list names each offender.
    folders = ("autograd_core", "nn", "optim", "tests", "benchmarks", "docs", "notebooks")
    long = sorted(f"{p.relative_to(ROOT)}: {n} lines" for folder in folders
                  for p in (ROOT / folder).rglob("*.py")
                  if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450)
    assert not long, "split these files (about 400 lines each): " + "; ".join(long)
