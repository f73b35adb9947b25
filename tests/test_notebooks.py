"""The lecture notebooks: stored with their outputs, small, and re-executed from scratch here.

A code cell tagged "picture" promises a picture: its outputs must hold image/svg+xml or
image/png, both as stored (so the notebook renders on a code-hosting site) and after running it
again in a fresh kernel (so a broken cell, or a picture that silently turned into text, fails).
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("[0-9][0-9]_*.ipynb"))
PICTURES = {"image/svg+xml", "image/png"}
WIDGET = "application/vnd.jupyter.widget-view+json"
MAX_KB, MAX_TOTAL_KB = 250, 1000  # stored with outputs, but no huge embedded images


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _promises_picture(cell: dict[str, Any]) -> bool:
    return "picture" in cell.get("metadata", {}).get("tags", [])


def _mimes(cell: dict[str, Any]) -> set[str]:
    return {m for out in cell.get("outputs", []) for m in out.get("data", {})}


def _source(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def test_seven_notebooks_in_lecture_order():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07"]
    for path in NOTEBOOKS:
        nb = _load(path)
        first, last = nb["cells"][0], nb["cells"][-1]
        assert first["cell_type"] == "markdown" and _source(first).startswith("# "), path.name
        assert last["cell_type"] == "markdown" and "Try this" in _source(last), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_with_outputs_and_pictures_and_no_errors(path):
    nb = _load(path)
    cells = _code_cells(nb)
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1)), \
        "stored notebooks are executed top to bottom in one run (make notebooks)"
    promised = [c for c in cells if _promises_picture(c)]
    assert promised, f"{path.name} promises no picture"
    for cell in promised:
        assert _mimes(cell) & PICTURES, f"{path.name}: no picture stored for\n{_source(cell)}"
    for cell in cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: a stored error in\n{_source(cell)}"
            text = "".join(out.get("text", ""))
            # A machine's own paths (a warning's file name, a temporary folder) do not belong
            # in a stored notebook.
            assert not re.search(r"(/home/|/tmp/|/work/|site-packages|Warning:)", text), text


def test_fit_promises_its_progress_widget_somewhere():
    tagged = [c for p in NOTEBOOKS for c in _code_cells(_load(p))
              if "progress-widget" in c.get("metadata", {}).get("tags", [])]
    assert tagged and all("nn.fit(" in _source(c) for c in tagged)
    assert all(WIDGET in _mimes(c) for c in tagged)  # as stored, too


def test_stored_notebooks_are_small():
    sizes = {p.name: p.stat().st_size / 1024 for p in NOTEBOOKS}
    assert all(kb < MAX_KB for kb in sizes.values()), sizes
    assert sum(sizes.values()) < MAX_TOTAL_KB, sizes


def _runner() -> Any:
    spec = importlib.util.spec_from_file_location("notebook_runner", FOLDER / "execute.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _can_draw_graphs() -> bool:
    """Whether this machine can render a graph to SVG (Graphviz's dot, or an in-process one)."""
    import autograd_core as ag

    try:
        ag.draw_graph(ag.Value(1.0) * 2.0).pipe(format="svg")
    except Exception:  # no renderer of any kind: the notebooks that draw graphs cannot run
        return False
    return True


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_executes_from_scratch_with_its_pictures(path, monkeypatch, tmp_path):
    for module in ("nbclient", "nbformat", "ipykernel", "matplotlib"):
        pytest.importorskip(module, reason="the notebooks extra runs the notebooks")
    if "draw_graph" in path.read_text(encoding="utf-8") and not _can_draw_graphs():
        pytest.skip("no graph renderer on this machine (install the viz extra, or Graphviz)")
    if "load_digits" in path.read_text(encoding="utf-8"):
        pytest.importorskip("sklearn", reason="the digits come with scikit-learn")
    # Only this Python's own kernel: a kernelspec in the user's folders must not take over.
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    nb = _runner().execute(path)  # raises CellExecutionError, naming the cell, on a failure
    for cell in nb.cells:
        if cell.cell_type == "code" and _promises_picture(cell):
            assert _mimes(cell) & PICTURES, f"{path.name}: no picture from\n{cell.source}"
        if "progress-widget" in cell.get("metadata", {}).get("tags", []) and \
                importlib.util.find_spec("ipywidgets") is not None:
            # fit's bar is tqdm.auto's widget in a kernel, not text printed to stderr
            assert WIDGET in _mimes(cell), f"{path.name}: no progress widget from\n{cell.source}"
            assert not [o for o in cell.outputs if o.get("name") == "stderr"], cell.outputs
