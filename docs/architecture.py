"""Draw the package's layers from its real imports: docs/architecture.dot, and its picture
docs/images/architecture.svg.

    python docs/architecture.py

Every `import` in autograd_core/, nn/ and optim/ is parsed with `ast` (at module level and
inside functions: a lazy import is still a dependency) and mapped to the file it names. Each
file belongs to one layer of `LAYERS`; the picture has one box per layer, in rows by rank, and
an arrow wherever one layer imports another. The DOT text is written always; the SVG is drawn by
the library's own renderer (`autograd_core.viz.render_dot`), so without the `viz` extra or
Graphviz's `dot` program the committed SVG stays as it is.

tests/test_layering.py uses the same functions: it fails on an import that goes up or sideways
between layers, on any import circle between files, and when the committed .dot differs from
what this script writes now.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd_core", "nn", "optim")

#: The layers, bottom first: (name, rank, what it holds, the files it owns). A file belongs to
#: the first layer whose prefix matches its path. A layer may import layers of lower rank only;
#: layers of the same rank are independent of each other.
LAYERS: list[tuple[str, int, str, tuple[str, ...]]] = [
    ("engine", 0, "Node, Function, backward,\ngrad mode, version checks",
     ("autograd_core/engine/",)),
    ("functions", 1, "the differentiable primitives,\none file per family",
     ("autograd_core/functions/",)),
    ("tensor", 2, "Tensor, creation,\nmodule-level ops", ("autograd_core/tensor/",)),
    ("value", 2, "Value: micrograd's API,\nfloat primitives", ("autograd_core/value/",)),
    ("checking", 3, "gradcheck, Jacobians,\nthe op-case table", ("autograd_core/checking/",)),
    ("viz", 3, "DOT text, rendering,\nmodule clusters, animation", ("autograd_core/viz/",)),
    # Recording and replaying steps (issue 18): above the front-ends, below the package face.
    ("compile", 3, "record a step once,\nreplay it", ("autograd_core/compile/",)),
    ("autograd_core", 4, "the package face:\n__init__.py, testing.py, autograd.py",
     ("autograd_core/__init__.py", "autograd_core/testing.py", "autograd_core/autograd.py")),
    ("nn", 5, "modules, layers, losses,\ndata, fit, checkpoints", ("nn/",)),
    ("optim", 5, "optimizers,\nlr schedulers", ("optim/",)),
    # `from autograd_core import nn, optim` and the `torch` namespace: above nn and optim,
    # imported by nobody below (Python's import system loads them on request).
    ("aliases", 6, "autograd_core.nn, .optim,\n.torch: PyTorch's names",
     ("autograd_core/nn.py", "autograd_core/optim.py", "autograd_core/torch.py",
      "autograd_core/_alias.py")),
    ("app", 7, "the autograd-core command,\nthe demo",
     ("autograd_core/app/", "autograd_core/__main__.py")),
]
RANK = {name: rank for name, rank, _, _ in LAYERS}

#: Across layers a file imports the other layer's face (its __init__.py; the package face is
#: all of layer autograd_core), or one of these files that a layer lends the layers above.
LENT = {
    "autograd_core/engine/_safety.py": "the version clock that in-place ops bump",
    "autograd_core/engine/grad_mode.py": "the grad-mode switch that in-place ops read",
    "autograd_core/checking/checks.py": "the `check` table that the command runs",
    "autograd_core/tensor/ops.py": "numpy's module-level names, for that table",
    "autograd_core/engine/backprop.py": "the backward loop, whose frames and skeleton switch "
                                        "compile reads while it records",
    "autograd_core/_alias.py": "the shadowed-import report that the command prints",
}

#: Public modules besides a layer's __init__.py, imported by name as PyTorch's are
#: (torch.nn.functional, nn.init, nn.utils, optim.lr_scheduler; the alias modules).
PUBLIC_MODULES = {"nn/functional.py", "nn/init.py", "nn/utils.py", "optim/lr_scheduler.py",
                  "autograd_core/nn.py", "autograd_core/optim.py", "autograd_core/torch.py"}


def python_files(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the packages under `root`."""
    found: dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterable[tuple[int, str, str]]:
    """(line, name, fallback) for every import in `tree`, wherever it sits in the file.

    `from X import a` names the submodule X.a when there is one, else the module X (so
    `from autograd_core import Tensor` is an import of autograd_core/__init__.py);
    `import X.Y` names X.Y; `importlib.import_module("X")` counts like `import X`.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}", base
        elif isinstance(node, ast.Call) and _call_name(node) in ("import_module", "__import__"):
            name = _dynamic_name(node)
            yield node.lineno, name, name


def _constant(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _dynamic_name(call: ast.Call) -> str:
    """The module `import_module(name[, package])` names, or "<dynamic>" when it is computed
    (a relative name counts as computed unless its package is spelled out)."""
    name = _constant(call.args[0] if call.args else None)
    if name is None or not name.startswith("."):
        return "<dynamic>" if name is None else name
    package = _constant(call.args[1] if len(call.args) > 1 else next(
        (k.value for k in call.keywords if k.arg == "package"), None))
    if package is None or _call_name(call) != "import_module":
        return "<dynamic>"
    try:
        return importlib.util.resolve_name(name, package)
    except ImportError:  # more dots than the package has levels
        return "<dynamic>"


def _call_name(node: ast.Call) -> str | None:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def import_graph(root: Path = ROOT) -> dict[str, dict[str, int]]:
    """File -> {imported file -> line of the first such import}, paths relative to `root`.

    Only files of the packages count (numpy, the standard library... are not in the graph).
    An import the parser cannot follow (`import_module(name)` with a computed name) maps to
    "<dynamic>", which the layering test refuses.
    """
    files = python_files(root)
    rel = {m: p.relative_to(root).as_posix() for m, p in files.items()}
    graph: dict[str, dict[str, int]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: dict[str, int] = {}
        for line, name, fallback in _imports(tree, module, path.name == "__init__.py"):
            if name != fallback and fallback in files and _binds(files[fallback],
                                                                 name.rpartition(".")[2]):
                name = fallback  # the face's own name (checking's gradcheck function)
            target = "<dynamic>" if name == "<dynamic>" else rel.get(name, rel.get(fallback))
            if target is not None and target != rel[module]:
                edges.setdefault(target, line)
        graph[rel[module]] = edges
    return graph


def _binds(path: Path, name: str) -> bool:
    """True when the package file `path` (an __init__.py) binds `name` at its top level, so
    `from package import name` gets that object even where a submodule has the same name."""
    if path.name != "__init__.py":
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        # `from .gradcheck import gradcheck` binds another object under the submodule's
        # name; `from . import init` binds the submodule itself, which is no such case.
        if isinstance(node, ast.ImportFrom) and node.module and any(
                (a.asname or a.name) == name for a in node.names):
            return True
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            return True
    return False


def layer_of(path: str) -> str | None:
    """The layer a file (a path relative to the repository) belongs to, or None."""
    for name, _, _, prefixes in LAYERS:
        if any(path == p or (p.endswith("/") and path.startswith(p)) for p in prefixes):
            return name
    return None


def layering_problems(graph: dict[str, dict[str, int]]) -> list[str]:
    """Every import that goes up or sideways between layers, past a layer's face, or that
    cannot be followed."""
    problems = []
    for src, edges in sorted(graph.items()):
        a = layer_of(src)
        if a is None:
            problems.append(f"{src} belongs to no layer: add its folder to LAYERS in "
                            "docs/architecture.py")
            continue
        for dst, line in sorted(edges.items()):
            if dst == "<dynamic>":
                problems.append(f"{src}:{line} imports a module by a computed name, which "
                                "this check cannot follow; import it by name")
                continue
            b = layer_of(dst)
            if b is None or b == a:
                continue
            if RANK[b] < RANK[a]:
                if not (dst.endswith("__init__.py") or b == "autograd_core" or dst in LENT
                        or dst in PUBLIC_MODULES):
                    problems.append(f"{src}:{line} imports {dst}, a private file of layer {b}: "
                                    f"import it through {b}'s face (its __init__.py), or add "
                                    "the file to LENT in docs/architecture.py")
                continue
            how = "up to" if RANK[b] > RANK[a] else "sideways into"
            problems.append(f"{src}:{line} imports {dst}: layer {a} (rank {RANK[a]}) reaches "
                            f"{how} layer {b} (rank {RANK[b]})")
    return problems


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The import circles between files: each strongly connected group of two or more files
    (or a file importing itself), sorted. Iterative Tarjan, so no recursion limit applies."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph[node]:
                    groups.append(sorted(group))
    return sorted(groups)


def layer_edges(graph: dict[str, dict[str, int]]) -> set[tuple[str, str]]:
    """(importing layer, imported layer) pairs, for the picture."""
    pairs = set()
    for src, edges in graph.items():
        for dst in edges:
            a, b = layer_of(src), layer_of(dst)
            if a and b and a != b:
                pairs.add((a, b))
    return pairs


def _skips(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The pairs also reachable through another layer (drawn lighter: the picture's backbone
    is what remains, the transitive reduction)."""
    out = set()
    for a, b in pairs:
        seen, todo = set(), [m for x, m in pairs if x == a and m != b]
        while todo:
            m = todo.pop()
            if m == b:
                out.add((a, b))
                break
            if m not in seen:
                seen.add(m)
                todo.extend(n for x, n in pairs if x == m)
    return out


def to_dot(graph: dict[str, dict[str, int]]) -> str:
    """The layers as DOT text: a box per layer present, rows by rank, arrows for imports."""
    present = {layer_of(p) for p in graph} - {None}
    lines = ["digraph layers {",
             '  graph [rankdir=TB, ranksep=0.45, nodesep=0.35, fontname="Helvetica", '
             'label="autograd_core: each layer imports only layers below it. Arrows: real '
             'imports (grey: also reached through another layer)", labelloc=t, fontsize=13];',
             '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", '
             'color="#3b6fb6", fontname="Helvetica", fontsize=11];',
             '  edge [color="#7f8c9a", arrowsize=0.7];']
    for rank in sorted({r for n, r, _, _ in LAYERS if n in present}):
        names = [n for n, r, _, _ in LAYERS if r == rank and n in present]
        cells = " ".join(f'"{n}";' for n in names)
        lines.append(f"  {{ rank=same; {cells} }}")
    for name, _, what, _ in LAYERS:
        if name in present:
            label = f"{name}\\n" + what.replace("\n", "\\n")
            fill = ', fillcolor="#fdf2d0", color="#b7950b"' if name in ("nn", "optim") else ""
            lines.append(f'  "{name}" [label="{label}"{fill}];')
    pairs = layer_edges(graph)
    skips = _skips(pairs)
    for a, b in sorted(pairs):
        style = ' [color="#c9d1d9", penwidth=0.8]' if (a, b) in skips else ' [penwidth=1.4]'
        lines.append(f'  "{a}" -> "{b}"{style};')
    lines.append("}")
    return "\n".join(lines) + "\n"


DOT_FILE = ROOT / "docs" / "architecture.dot"
SVG_FILE = ROOT / "docs" / "images" / "architecture.svg"


def main(dot_path: Path = DOT_FILE, svg_path: Path = SVG_FILE) -> list[Path]:
    """Write the DOT text, and the SVG when the renderer can run."""
    text = to_dot(import_graph())
    dot_path.write_text(text, encoding="utf-8")
    written = [dot_path]
    sys.path.insert(0, str(ROOT))
    from autograd_core.viz import GraphvizNotFoundError, render_dot

    try:
        written.append(render_dot(text, svg_path))
    except GraphvizNotFoundError as e:
        print(f"not redrawn, the committed SVG stays: {e}", file=sys.stderr)
    return written


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    for p in main():
        print(p)
