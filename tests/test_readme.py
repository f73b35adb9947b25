"""The README's Python examples run as written (in order, sharing one namespace)."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks() -> list[str]:
    # Blocks inside list items are indented; dedent them like the reader does.
    return [textwrap.dedent(b) for b in
            re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)]


def test_the_readme_has_python_examples() -> None:
    assert len(_blocks()) >= 6


def test_every_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace: dict[str, object] = {}
    for i, code in enumerate(_blocks()):
        if "render_graph" in code and shutil.which("dot") is None:
            continue  # needs Graphviz's `dot`; CI installs it
        try:
            exec(compile(code, f"README.md python block {i}", "exec"), namespace)
        except Exception as e:  # pragma: no cover - the message is the point
            pytest.fail(f"README python block {i} failed: {type(e).__name__}: {e}\n{code}")


def test_the_taste_prints_micrograds_numbers() -> None:
    code = _blocks()[0]
    namespace: dict[str, object] = {}
    exec(code.replace("print(", "(lambda *a: None)("), namespace)
    o, x1, w1 = namespace["o"], namespace["x1"], namespace["w1"]
    assert round(o.data, 4) == 0.7071  # type: ignore[attr-defined]
    assert round(x1.grad, 4) == -1.5 and round(w1.grad, 4) == 1.0  # type: ignore[attr-defined]
