"""Execute the lecture notebooks from a fresh kernel and store their outputs: `make notebooks`.

    python notebooks/execute.py [NOTEBOOK.ipynb ...]   (default: every notebook here)

Each notebook runs top to bottom in a new kernel of the Python that runs this script, with
this folder as its working directory, and is written back with its outputs (no timing
metadata, so a re-run changes only what the notebook shows). Needs the `notebooks` extra.
tests/test_notebooks.py uses `execute` to run every notebook from scratch.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def notebooks() -> list[Path]:
    """The lecture's notebooks, in lecture order (their names start with the number)."""
    return sorted(HERE.glob("[0-9][0-9]_*.ipynb"))


def execute(path: Path, timeout: int = 600) -> Any:
    """The notebook at `path`, outputs cleared, run top to bottom; raises on a failing cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def main(argv: list[str]) -> int:
    """Execute the named notebooks (default: all) in place."""
    import nbformat

    paths = [Path(a).resolve() for a in argv] or notebooks()
    for path in paths:
        t0 = time.perf_counter()
        nbformat.write(execute(path), path)
        print(f"{path.name}: {time.perf_counter() - t0:.1f} s, "
              f"{path.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
