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


def _svg_texts(svg: str) -> list[str]:
    """The words a reader sees in an SVG from `dot` (its <text> elements), in order; unlike the
    coordinates, these do not depend on the Graphviz version."""
    import html
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)]


def test_the_readme_pictures_exist_and_every_one_is_shown() -> None:
    images = README.parent / "docs" / "images"
    shown = set(re.findall(r"!\[[^\]]*\]\((docs/images/[^)]+)\)", README.read_text()))
    assert shown, "the README shows no pictures"
    assert all((README.parent / p).is_file() for p in shown), shown
    assert {f"docs/images/{p.name}" for p in images.iterdir()} == shown


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot; CI installs it")
def test_the_readme_pictures_are_the_ones_the_code_draws_today(tmp_path: Path) -> None:
    import importlib.util
    pytest.importorskip("graphviz")
    spec = importlib.util.spec_from_file_location(
        "make_images", README.parent / "docs" / "make_images.py")
    make_images = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(make_images)  # type: ignore[union-attr]
    for fresh in make_images.main(tmp_path):
        committed = README.parent / "docs" / "images" / Path(fresh).name
        assert _svg_texts(Path(fresh).read_text()) == _svg_texts(committed.read_text()), (
            f"{committed} is out of date: run python docs/make_images.py")
