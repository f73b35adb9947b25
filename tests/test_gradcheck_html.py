"""gradcheck's report in Jupyter: the same findings as the text, the tables as HTML tables."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


class _Cells(HTMLParser):
    """The rows of every table, as lists of cell texts, and the paragraphs' text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.paragraphs: list[str] = []
        self._where: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.tables[-1][-1].append("")
            self._where = "cell"
        elif tag == "p":
            self.paragraphs.append("")
            self._where = "p"

    def handle_endtag(self, tag):
        if tag in ("td", "th", "p"):
            self._where = None

    def handle_data(self, data):
        if self._where == "cell":
            self.tables[-1][-1][-1] += data
        elif self._where == "p":
            self.paragraphs[-1] += data


def _parse(html: str) -> _Cells:
    p = _Cells()
    p.feed(html)
    return p


class _WrongCube(ag.Function):
    @staticmethod
    def forward(ctx, x):
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * 3 * x  # should be 3 x^2


@pytest.mark.parametrize("shape", [(2, 3), (30,)])
def test_html_table_holds_the_same_rows_as_the_text_report(shape):
    x = Tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True,
               name="<x & y>")
    result = ag.check_gradients(_WrongCube.apply, (x,))
    assert not result.ok
    html = result._repr_html_()
    parsed = _parse(html)
    (table,) = parsed.tables
    text = result.message.splitlines()
    start = next(i for i, line in enumerate(text) if line.endswith("worst first:"))
    text_rows = [re.split(r"\s{2,}", line.strip()) for line in text[start + 1:]
                 if line.startswith("    ") and not line.strip().startswith("...")]
    assert table == text_rows  # header and every row, cell by cell
    assert len(table) - 1 == min(int(result.mismatches[0].bad.sum()), 10)
    # Every sentence of the text is there too, and names are escaped, never markup.
    assert "'<x & y>'" in " ".join(parsed.paragraphs) and "<x & y>" not in html
    assert text[0] in parsed.paragraphs[0]
    if shape == (30,):
        assert any(p.startswith("... and 20 more failing elements") for p in parsed.paragraphs)


def test_the_error_shows_its_report_and_a_pass_is_one_line():
    x = Tensor(np.random.default_rng(1).standard_normal((2, 2)), requires_grad=True)
    with pytest.raises(ag.GradcheckError) as info:
        ag.gradcheck(_WrongCube.apply, (x,))
    assert info.value._repr_html_() == info.value.result._repr_html_()
    assert "<table" in info.value._repr_html_()
    passed = ag.check_gradients(lambda t: t.tanh(), (x,))
    (line,) = _parse(passed._repr_html_()).paragraphs
    assert line.startswith("gradcheck passed: largest abs err")
    assert ag.GradcheckError("no result")._repr_html_() is None


def test_a_missing_gradient_is_said_in_words_without_a_table():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    result = ag.check_gradients(lambda t: Tensor(t.data * 2.0, requires_grad=True), (x,))
    parsed = _parse(result._repr_html_())
    assert not parsed.tables and any("missing gradient" in p for p in parsed.paragraphs)


def test_ipython_text_view_is_the_report_not_the_dataclass():
    x = Tensor(np.random.default_rng(2).standard_normal(3), requires_grad=True)

    class Printer:
        def __init__(self):
            self.out = ""

        def text(self, t):
            self.out += t

    failed, passed = Printer(), Printer()
    result = ag.check_gradients(_WrongCube.apply, (x,))
    result._repr_pretty_(failed, False)
    assert failed.out == result.message and "Mismatch(" not in failed.out
    ag.check_gradients(lambda t: t.exp(), (x,))._repr_pretty_(passed, False)
    assert passed.out.startswith("passed: largest abs err")
