"""Drawings of the backward pass: DOT text, Graphviz rendering, module clusters, the animation.

Reads graphs through the engine only (it walks `Node`s and replays their `Function`s), so it
draws Value and Tensor graphs alike. The public functions live in drawing.py; graph.py walks a
graph and computes the gradients drawn, summary.py condenses arrays into what is shown,
labels.py, heat.py and dot.py write the DOT text, modules.py groups ops by `nn` module,
skeleton.py keeps what backward() frees, render.py turns DOT into SVG (with `dot` or
in-process), frames.py and animation.py make the step-by-step player (inline in Jupyter, or a
page). `render_dot` draws
any DOT text the same way (docs/architecture.py uses it for the README's layer picture).
"""

from .drawing import (
    BackpropAnimation,
    GraphvizNotFoundError,
    ModuleTrace,
    _format_for,  # not public: tests reach it as `autograd_core.viz._format_for`
    backprop_animation,
    backprop_frames,
    draw_graph,
    render_backprop_animation,
    render_dot,
    render_graph,
    renderer,
    to_dot,
    trace_modules,
)
from .render import have_wasm  # not public: the demo asks whether it can draw without dot

__all__ = [
    "to_dot",
    "draw_graph",
    "render_graph",
    "backprop_frames",
    "backprop_animation",
    "render_backprop_animation",
    "BackpropAnimation",
    "trace_modules",
    "ModuleTrace",
    "GraphvizNotFoundError",
    "renderer",
]
