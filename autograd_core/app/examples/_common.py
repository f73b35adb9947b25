"""Shared plumbing for the examples: command-line options and saving figures."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def parse_args(description: str, default_out: str) -> argparse.Namespace:
    """The options every example takes: --out DIR and --fast (errors are one line)."""
    from ..cli import _Parser

    p = _Parser(description=description)
    p.add_argument("--out", default=default_out, help=f"folder for pictures (default: "
                                                      f"{default_out})")
    p.add_argument("--fast", action="store_true",
                   help="small data and few epochs: a quick run for tests")
    args = p.parse_args()
    try:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        p.error(f"--out {args.out}: cannot create the folder ({e.strerror or e})")
    return args


def pyplot() -> Any:
    """matplotlib.pyplot on the file-only Agg backend, or None (with a message) if missing."""
    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed: no pictures (pip install 'autograd-core[plot]')")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig: Any, out: str, name: str) -> Path:
    """Save `fig` as out/name at a readable resolution, close it and print the path."""
    path = Path(out) / name
    fig.savefig(path, dpi=110, bbox_inches="tight")
    fig.clf()
    import matplotlib.pyplot as plt

    plt.close(fig)
    print(f"saved {path}")
    return path


def draw(root: Any, out: str, name: str, **options: Any) -> Path | None:
    """Draw a graph with autograd_core.viz: an SVG when graphviz is installed, else a .dot file."""
    from ..demo import write_graph

    path = write_graph(root, Path(out) / name, "svg", **options)
    print(f"saved {path}")
    return path
