"""The README's Python examples run as written, each on its own, and print what they say.

Each ```python block runs in a fresh namespace (a reader may copy any one of them), and every
`print(...)  # -> text` line must print exactly `text`.
"""

from __future__ import annotations

import re
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


def _expected_prints(code: str) -> list[str]:
    """What the block says its prints show: the text after `# -> ` on each print line."""
    return [line.split("# -> ", 1)[1].strip() for line in code.splitlines()
            if "print(" in line and "# -> " in line]


@pytest.mark.parametrize("i", range(len(_blocks())), ids=lambda i: f"block{i}")
def test_each_python_example_runs_alone_and_prints_what_it_says(
        i: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code = _blocks()[i]
    if re.search(r"render_graph|draw_graph|render_backprop_animation", code):
        from autograd_core.viz.render import renderer

        if renderer() is None:
            pytest.skip("draws a picture: needs `dot` or the in-process renderer (viz extra)")
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    try:
        exec(compile(code, f"README.md python block {i}", "exec"), {"__name__": "__readme__"})
    except Exception as e:  # pragma: no cover - the message is the point
        pytest.fail(f"README python block {i} failed alone: {type(e).__name__}: {e}\n{code}")
    printed = [ln.strip() for ln in capsys.readouterr().out.splitlines()]
    expected = _expected_prints(code)
    assert printed == expected, f"README python block {i} prints {printed}, says {expected}"


def test_every_print_in_the_readme_says_what_it_prints() -> None:
    for i, code in enumerate(_blocks()):
        for line in code.splitlines():
            if line.lstrip().startswith("print("):
                assert "# -> " in line, f"block {i}: {line.strip()!r} has no '# -> ' comment"


def test_the_taste_prints_micrograds_numbers() -> None:
    code = _blocks()[0]
    namespace: dict[str, object] = {}
    exec(code.replace("print(", "(lambda *a: None)("), namespace)
    o, x1, w1 = namespace["o"], namespace["x1"], namespace["w1"]
    assert round(o.data, 4) == 0.7071  # type: ignore[attr-defined]
    assert round(x1.grad, 4) == -1.5 and round(w1.grad, 4) == 1.0  # type: ignore[attr-defined]


def _svg_texts(svg: str) -> list[str]:
    """The words a reader sees in an SVG (its <text> elements), in order; unlike the
    coordinates, these depend neither on the Graphviz version nor on which renderer drew."""
    import html
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)]


def test_the_readme_pictures_exist_and_every_one_is_shown() -> None:
    images = README.parent / "docs" / "images"
    shown = set(re.findall(r"!\[[^\]]*\]\((docs/images/[^)]+)\)", README.read_text()))
    assert shown, "the README shows no pictures"
    assert all((README.parent / p).is_file() for p in shown), shown
    assert {f"docs/images/{p.name}" for p in images.iterdir()} == shown


def test_the_readme_pictures_are_the_ones_the_code_draws_today(tmp_path: Path) -> None:
    import importlib.util

    from autograd_core.viz.render import renderer

    if renderer() is None:
        pytest.skip("needs `dot` or the in-process renderer (the viz extra)")
    spec = importlib.util.spec_from_file_location(
        "make_images", README.parent / "docs" / "make_images.py")
    make_images = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(make_images)  # type: ignore[union-attr]
    for fresh in make_images.main(tmp_path):
        committed = README.parent / "docs" / "images" / Path(fresh).name
        assert _svg_texts(Path(fresh).read_text()) == _svg_texts(committed.read_text()), (
            f"{committed} is out of date: run python docs/make_images.py")
