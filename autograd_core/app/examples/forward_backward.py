"""The forward pass, the backward pass and the chain rule on a tiny graph, drawn.

L = (a*b + c) * f. The forward pass computes every node from its inputs; the backward pass
starts from dL/dL = 1 and walks the graph in reverse, multiplying each node's gradient by the
local derivative of the op that used it (the chain rule): dL/da = dL/dd * dd/de * de/da.

Run:  autograd-core example forward_backward --out example-output
      (or: python -m autograd_core.app.examples.forward_backward --out example-output)
"""

from __future__ import annotations

from autograd_core import Value

from ._common import draw, parse_args

H = 1e-6  # step for the finite-difference check


def build(a_: float = 2.0, b_: float = -3.0, c_: float = 10.0, f_: float = -2.0) -> tuple:
    """The lecture's tiny expression with every node labelled."""
    a, b, c, f = Value(a_, "a"), Value(b_, "b"), Value(c_, "c"), Value(f_, "f")
    e = a * b
    e.label = "e = a*b"
    d = e + c
    d.label = "d = e + c"
    L = d * f
    L.label = "L = d*f"
    for v in (e, d, L):
        v.retain_grad()  # keep the intermediate gradients to print and draw them
    return L, dict(a=a, b=b, c=c, f=f, e=e, d=d, L=L)


def main() -> None:
    """Run forward, backward, check with the chain rule and finite differences, draw."""
    args = parse_args(__doc__.splitlines()[0], "example-output/forward_backward")
    L, n = build()
    print("forward pass (inputs to output):")
    for k in ("a", "b", "c", "f", "e", "d", "L"):
        print(f"  {n[k].label:<10} = {n[k].data:g}")

    L.backward(retain_graph=True)  # keep the graph: the drawing below walks it again
    print("backward pass (output to inputs), gradients dL/dnode:")
    for k in ("L", "d", "f", "e", "c", "a", "b"):
        print(f"  dL/d{k} = {n[k].grad:g}")

    a, b, c, f, d = (n[k].data for k in "abcfd")
    print("the chain rule by hand:")
    print(f"  dL/dd = f = {f:g};  dL/df = d = {d:g}")
    print(f"  dL/de = dL/dd * dd/de = {f:g} * 1 = {f:g};  dL/dc = {f:g} * 1 = {f:g}")
    print(f"  dL/da = dL/de * de/da = {f:g} * b = {f * b:g};  "
          f"dL/db = dL/de * a = {f * a:g}")

    print("finite differences (L(x + h) - L(x - h)) / 2h, h = 1e-6:")
    base = dict(a_=a, b_=b, c_=c, f_=f)
    for k in "abcf":
        up, down = dict(base), dict(base)
        up[k + "_"] += H
        down[k + "_"] -= H
        numeric = (build(**up)[0].data - build(**down)[0].data) / (2 * H)
        print(f"  dL/d{k}: backward {n[k].grad:+.6f}, numeric {numeric:+.6f}")

    draw(L, args.out, "forward_backward", order=True, edge_labels=True)
    try:
        from autograd_core.viz import GraphvizNotFoundError, render_backprop_animation
    except ImportError:
        return
    page = f"{args.out}/forward_backward_steps.html"
    try:
        render_backprop_animation(L, page)
    except GraphvizNotFoundError as e:  # no way to draw SVG here: say why, keep going
        print(f"skipped {page}: {e}")
        return
    print(f"saved {page} (step through the backward pass in a browser)")


if __name__ == "__main__":
    main()
