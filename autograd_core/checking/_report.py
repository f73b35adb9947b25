"""The text of a gradcheck failure: what differs, where, by how much, worst first.

Kept apart from `gradcheck.py` so the checking logic reads in one sitting. The report is plain
text that reads the same in a terminal and in a pytest failure; `format_report_html` gives the
same report with its tables as HTML tables, for Jupyter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

import numpy as np

MAX_ROWS = 10


@dataclass
class Mismatch:
    """One problem found for one (output, input) pair.

    `kind` is one of "values" (Jacobian elements differ), "projection" (fast mode's v^T J u
    differs), "missing" (backward gave None where the numerical gradient is not zero), "shape"
    (backward gave a gradient of the wrong shape), "linear" (backward is not linear in the
    output gradient) or "reentrant" (two identical backward runs differ).
    """

    kind: str
    output: str
    input: str
    out_shape: tuple[int, ...]
    in_shape: tuple[int, ...]
    analytical: Any = None
    numerical: Any = None
    bad: Any = None
    text: str = ""
    tol: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def _idx(flat: int, shape: tuple[int, ...]) -> str:
    return str(tuple(int(i) for i in np.unravel_index(flat, shape)))


def _pair(m: Mismatch) -> str:
    return f"{m.output} (shape {m.out_shape}) w.r.t. {m.input} (shape {m.in_shape})"


def _rows(m: Mismatch, atol: float, rtol: float) -> tuple[list[str], list[list[str]], int]:
    """The failing elements worst first: column names, at most MAX_ROWS rows, how many more."""
    a, n, bad = m.analytical, m.numerical, m.bad
    err = np.abs(a - n)
    score = err / (atol + rtol * np.abs(n))
    rows_bad = np.argwhere(bad)
    order = rows_bad[np.argsort(-score[bad], kind="stable")]
    head = []
    if m.out_shape != ():
        head.append("output index")
    if m.in_shape != ():
        head.append("input index")
    head += ["analytical", "numerical", "abs err", "rel err"]
    body = []
    for r, c in order[:MAX_ROWS]:
        cells = []
        if m.out_shape != ():
            cells.append(_idx(r, m.out_shape))
        if m.in_shape != ():
            cells.append(_idx(c, m.in_shape))
        e = err[r, c]
        cells += [f"{a[r, c]:.7g}", f"{n[r, c]:.7g}", f"{e:.2e}",
                  f"{e / max(abs(n[r, c]), atol):.2e}"]
        body.append(cells)
    return head, body, max(0, len(order) - MAX_ROWS)


def _table(m: Mismatch, atol: float, rtol: float) -> list[str]:
    head, body, more = _rows(m, atol, rtol)
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["    " + "  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip()]
    lines += ["    " + "  ".join(c.ljust(w) for c, w in zip(b, widths)).rstrip() for b in body]
    if more:
        lines.append(f"    ... and {more} more failing elements")
    return lines


def _section(m: Mismatch, atol: float, rtol: float) -> list[str]:
    if m.kind == "values":
        nbad, total = int(m.bad.sum()), m.bad.size
        return [f"{_pair(m)}: {nbad} of {total} Jacobian element{'s' if total != 1 else ''} "
                "fail, worst first:", *_table(m, atol, rtol)]
    if m.kind == "projection":
        a, n = float(m.analytical[0]), float(m.numerical[0])
        e = abs(a - n)
        return [f"{_pair(m)}: the random projection v^T J u differs:",
                f"    analytical {a:.7g}, numerical {n:.7g}, abs err {e:.2e}, "
                f"rel err {e / max(abs(n), atol):.2e}",
                "    (fast=True compares one projection; run with fast=False to see which "
                "elements differ)"]
    if m.kind == "missing":
        n = m.numerical
        j = int(np.argmax(np.abs(n)))
        where = "" if n.ndim < 2 else \
            f" at output index {_idx(j // n.shape[1], m.out_shape)}, input index " \
            f"{_idx(j % n.shape[1], m.in_shape)}"
        return [f"{_pair(m)}: missing gradient: the analytical gradient is None (backward "
                "returned None for this input, or the output does not reach it through the "
                "graph: was .data, .detach() or a Python float used on the way?), but the "
                f"numerical gradient is not zero: it reaches {n.flat[j]:.7g}{where}."]
    if m.kind == "shape":
        who = f" for {m.input}" if m.input else ""
        return [f"wrong gradient shape{who}: {m.text} (numbered among that op's forward "
                "arguments). The analytical gradient could not be "
                "compared with the numerical one; make backward return one gradient per "
                "forward argument, each of that argument's shape (or one that broadcasts "
                "to it)."]
    if m.kind == "reentrant":
        return [f"{_pair(m)}: backward is not reentrant: two runs with the same output "
                f"gradient gave analytical gradients that differ by up to {m.text} "
                f"(nondet_tol={m.tol:g}). Does backward keep state between calls? The "
                "numerical gradient was not needed for this check."]
    # "linear"
    d = float(np.abs(m.analytical - m.numerical).max())
    return [f"{_pair(m)}: backward is not linear in the output gradient: "
            f"backward(v1 + v2) differs from backward(v1) + backward(v2) by up to {d:.3e}. "
            "The analytical gradient must be a product with the incoming gradient (no "
            "constant terms, no squaring); the numerical Jacobian itself matched."]


def _head(who: str, mism: list[Mismatch], eps: float, atol: float, rtol: float,
          fast: bool) -> tuple[str, str]:
    if who == "gradgradcheck":
        head = (f"{who} failed: the analytical second derivative (backward of the backward "
                "pass, create_graph=True) does not match the numerical derivative of the "
                f"first derivative (central differences, eps={eps:g}).")
    else:
        head = (f"{who} failed: the analytical gradient (from backward) does not match the "
                f"numerical gradient (central differences, eps={eps:g}).")
    crit = (f"An element fails when |analytical - numerical| > atol + rtol * |numerical|, "
            f"with atol={atol:g}, rtol={rtol:g}{' (fast mode)' if fast else ''}; "
            "rel err = |analytical - numerical| / max(|numerical|, atol).")
    if all(m.kind in ("linear", "reentrant") for m in mism):
        head = (f"{who} failed: the analytical and numerical Jacobians agree, but backward "
                "misbehaves in another way:")
    return head, crit


def format_report(who: str, mism: list[Mismatch], *, eps: float, atol: float, rtol: float,
                  fast: bool) -> str:
    """The whole failure message: a header with the tolerances, then one section per problem."""
    lines = list(_head(who, mism, eps, atol, rtol, fast))
    for m in mism:
        lines.append("")
        lines += _section(m, atol, rtol)
    return "\n".join(lines)


_TD = 'style="padding:1px 8px;text-align:right;font-family:monospace"'
_TH = 'style="padding:1px 8px;text-align:right;border-bottom:1px solid #999"'


def format_report_html(who: str, mism: list[Mismatch], *, eps: float, atol: float, rtol: float,
                       fast: bool) -> str:
    """The failure report as HTML: the same words, each table of elements an HTML table."""
    head, crit = _head(who, mism, eps, atol, rtol, fast)
    parts = [f'<div class="gradcheck-report"><p style="color:#b00020"><b>{escape(head)}</b></p>',
             f"<p>{escape(crit)}</p>"]
    for m in mism:
        text = _section(m, atol, rtol)
        parts.append(f"<p>{escape(text[0])}</p>")
        if m.kind != "values":
            parts += [f"<p>{escape(line.strip())}</p>" for line in text[1:]]
            continue
        names, body, more = _rows(m, atol, rtol)
        rows = ["<tr>" + "".join(f"<th {_TH}>{escape(h)}</th>" for h in names) + "</tr>"]
        rows += ["<tr>" + "".join(f"<td {_TD}>{escape(c)}</td>" for c in cells) + "</tr>"
                 for cells in body]
        parts.append('<table style="border-collapse:collapse">' + "".join(rows) + "</table>")
        if more:
            parts.append(f"<p>... and {more} more failing elements</p>")
    return "\n".join(parts) + "</div>"


def format_pass_html(who: str, max_abs_err: float, max_rel_err: float) -> str:
    """One line for a check that passed."""
    return (f'<p><span style="color:#1b7f3b"><b>{escape(who)} passed</b></span>: largest abs '
            f"err {max_abs_err:.2e}, largest rel err {max_rel_err:.2e}</p>")
