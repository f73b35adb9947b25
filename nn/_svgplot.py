"""Small line charts as SVG text, for the notebook pictures of `History` and `GradientMonitor`.

Written here rather than with matplotlib so that a training history draws itself in a notebook
with nothing installed, in a few kilobytes of text (a notebook stored with its outputs stays
small), and the same picture on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["Panel", "charts_svg"]

# Colour-blind-safe and distinct on white (Okabe and Ito's palette, then two greys).
_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442",
            "#000000", "#777777", "#BBBBBB")
_W, _H = 330, 210                         # one panel
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 12, 24, 32
_CHAR = 6.2                               # mean width of an 11px sans-serif character


class Panel:
    """One chart: named series over epochs 1..n, a title, a linear or log y axis."""

    def __init__(self, title: str, series: Mapping[str, Sequence[float]], log: bool = False,
                 guides: Sequence[tuple[float, str]] = ()) -> None:
        self.title, self.series, self.log, self.guides = title, series, log, guides


def _ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """About `target` round numbers (1, 2 or 5 times a power of ten apart) covering [lo, hi]."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / target
    mag = 10.0 ** math.floor(math.log10(raw))
    steps = [m * mag for m in (0.5, 1, 2, 5, 10)]
    i = next(i for i, step in enumerate(steps) if step >= raw)
    while True:  # a coarse step can miss all but one round number: take the next finer one
        step = steps[i]
        first = math.ceil(lo / step - 1e-9)
        ticks = [k * step for k in range(first, int(math.floor(hi / step + 1e-9)) + 1)]
        if len(ticks) >= 2 or i == 0:
            return ticks
        i -= 1


def _log_ticks(lo: float, hi: float) -> list[float]:
    """log10 of round numbers in [10^lo, 10^hi]: powers of ten, or 1-2-5 steps within a decade."""
    decades = [float(k) for k in range(math.ceil(lo), math.floor(hi) + 1)]
    if len(decades) >= 2:
        return decades
    steps = [k + math.log10(m) for k in range(math.floor(lo), math.ceil(hi) + 1)
             for m in (1, 2, 5) if lo <= k + math.log10(m) <= hi]
    if len(steps) >= 2:
        return steps
    return [math.log10(t) for t in _ticks(10.0 ** lo, 10.0 ** hi, 4) if t > 0]


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    a = abs(v)
    return f"{v:.0e}".replace("e-0", "e-").replace("e+0", "e") if a >= 1e4 or a < 1e-3 \
        else f"{v:.4g}"


def _legend(names: list[str], x0: float, width: float, y0: float) -> tuple[list[str], float]:
    """Legend entries in rows across the top of a panel; returns the SVG and the next free y."""
    out, x, y = [], x0, y0
    for k, name in enumerate(names):
        w = 18 + len(name) * _CHAR + 12
        if x > x0 and x + w > x0 + width:
            x, y = x0, y + 14
        c = _COLOURS[k % len(_COLOURS)]
        out.append(f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 14:.1f}" y2="{y - 4:.1f}" '
                   f'stroke="{c}" stroke-width="2"/>'
                   f'<text x="{x + 18:.1f}" y="{y:.1f}">{escape(name)}</text>')
        x += w
    return out, y + 10


def _panel(p: Panel, ox: float) -> list[str]:
    names = list(p.series)
    n = max((len(v) for v in p.series.values()), default=0)
    out = [f'<text x="{ox + _W / 2:.1f}" y="15" text-anchor="middle" '
           f'font-weight="bold">{escape(p.title)}</text>']
    legend, top = _legend(names, ox + _LEFT, _W - _LEFT - _RIGHT, _TOP + 8)
    out += legend
    x0, x1, y0, y1 = ox + _LEFT, ox + _W - _RIGHT, top + 4, _H - _BOTTOM

    def ok(v: float) -> bool:
        return math.isfinite(v) and (v > 0 or not p.log)

    def f(v: float) -> float:
        return math.log10(v) if p.log else v

    vals = [f(v) for s in p.series.values() for v in s if ok(v)]
    if not vals:
        out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{(y0 + y1) / 2:.1f}" '
                   'text-anchor="middle" fill="#777">no finite values</text>')
        return out
    lo, hi = min(vals), max(vals)
    if hi - lo < 1e-12:
        lo, hi = lo - (abs(lo) * 0.1 or 1.0) / 2, hi + (abs(hi) * 0.1 or 1.0) / 2
    pad = (hi - lo) * 0.06
    lo, hi = lo - pad, hi + pad
    ticks = _log_ticks(lo, hi) if p.log else _ticks(lo, hi)

    def X(epoch: float) -> float:
        return x0 + (x1 - x0) * ((epoch - 1) / (n - 1) if n > 1 else 0.5)

    def Y(v: float) -> float:
        return y1 - (y1 - y0) * (v - lo) / (hi - lo)

    out.append(f'<rect x="{x0}" y="{y0:.1f}" width="{x1 - x0}" height="{y1 - y0:.1f}" '
               'fill="none" stroke="#999"/>')
    for t in ticks:
        label = _fmt(10.0 ** t if p.log else t)
        out.append(f'<line x1="{x0}" y1="{Y(t):.1f}" x2="{x1}" y2="{Y(t):.1f}" stroke="#eee"/>'
                   f'<text x="{x0 - 4}" y="{Y(t) + 4:.1f}" text-anchor="end">{label}</text>')
    for t in _ticks(1, max(n, 1), 6) if n > 1 else [1.0]:
        if t == int(t) and 1 <= t <= n:
            out.append(f'<text x="{X(t):.1f}" y="{y1 + 14}" text-anchor="middle">{int(t)}</text>')
    out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{y1 + 27}" text-anchor="middle" '
               'fill="#555">epoch</text>')
    for value, label in p.guides:
        if ok(value) and lo <= f(value) <= hi:
            y = Y(f(value))
            out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#D55E00" '
                       f'stroke-dasharray="4 3"/><text x="{x1 - 3}" y="{y - 3:.1f}" '
                       f'text-anchor="end" fill="#D55E00">{escape(label)}</text>')
    for k, name in enumerate(names):
        c = _COLOURS[k % len(_COLOURS)]
        runs: list[list[str]] = [[]]  # a NaN or Inf breaks the line
        for e, v in enumerate(p.series[name], start=1):
            if ok(v):
                runs[-1].append(f"{X(e):.1f},{Y(f(v)):.1f}")
            elif runs[-1]:
                runs.append([])
        for run in runs:
            if len(run) == 1:
                cx, cy = run[0].split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{c}"/>')
            elif run:
                out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{c}" '
                           'stroke-width="1.8"/>')
    return out


def charts_svg(panels: Sequence[Panel]) -> str:
    """The panels side by side as one standalone SVG document."""
    width = _W * len(panels)
    body: list[str] = []
    for i, p in enumerate(panels):
        body += _panel(p, i * _W)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{_H}" '
            f'viewBox="0 0 {width} {_H}" font-family="sans-serif" font-size="11" '
            f'fill="#222">\n<rect width="{width}" height="{_H}" fill="white"/>\n'
            + "\n".join(body) + "\n</svg>\n")
