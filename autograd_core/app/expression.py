"""The expressions `autograd-core graph` draws: parsed with `ast`, evaluated over `Value`s.

No code is executed: only numbers, the names given with `--set`, ``+ - * / **``, unary minus and
a few functions are accepted; anything else is a ValueError that names it.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

from ..value import Value

__all__ = ["evaluate_expression", "parse_assignments"]


# name -> (number of extra float arguments, how to apply it to a Value)
_FUNCTIONS: dict[str, tuple[int, Any]] = {
    "tanh": (0, lambda v: v.tanh()),
    "exp": (0, lambda v: v.exp()),
    "log": (0, lambda v: v.log()),
    "sqrt": (0, lambda v: v.sqrt()),
    "abs": (0, lambda v: v.abs()),
    "relu": (0, lambda v: v.relu()),
    "sigmoid": (0, lambda v: v.sigmoid()),
    "softplus": (0, lambda v: v.softplus()),
    "leaky_relu": (1, lambda v, slope=0.1: v.leaky_relu(slope)),
    "elu": (1, lambda v, alpha=1.0: v.elu(alpha)),
}
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_MAX_EXPRESSION = 2000


def evaluate_expression(text: str, names: dict[str, Any]) -> Any:
    """Evaluate an arithmetic expression over `Value`s without executing any code.

    The text is parsed with `ast` and only numbers, the given names, ``+ - * / **``, unary minus
    and the functions in `_FUNCTIONS` are accepted; anything else is a ValueError naming it.
    Each intermediate node is labelled with its source text so the drawing reads like the formula.
    """
    if len(text) > _MAX_EXPRESSION:
        raise ValueError(f"expression is {len(text)} characters long; the limit is "
                         f"{_MAX_EXPRESSION}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise ValueError(f"expression {text!r} is not valid: {e.msg}") from None
    except (RecursionError, MemoryError):
        raise ValueError("expression is too deeply nested") from None

    def label(node: ast.AST) -> str:
        seg = ast.get_source_segment(text.strip(), node) or ""
        return seg if len(seg) <= 24 else ""

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return Value(float(node.value), label=repr(node.value),  # type: ignore[arg-type]
                         requires_grad=False)
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise ValueError(f"name {node.id!r} has no value; give it with --set "
                                 f"{node.id}=NUMBER")
            return names[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            a, b = ev(node.left), ev(node.right)
            op = _BINOPS[type(node.op)]
            out = {"+": a.__add__, "-": a.__sub__, "*": a.__mul__, "/": a.__truediv__,
                   "**": a.__pow__}[op](b)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            a = ev(node.operand)
            out = -a if isinstance(node.op, ast.USub) else a
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            fname = node.func.id
            if fname not in _FUNCTIONS:
                raise ValueError(f"function {fname!r} is not allowed; use one of "
                                 f"{', '.join(sorted(_FUNCTIONS))}")
            extra, fn = _FUNCTIONS[fname]
            if node.keywords or not 1 <= len(node.args) <= 1 + extra:
                raise ValueError(f"{fname}() takes 1{f' to {1 + extra}' if extra else ''} "
                                 "positional argument(s)")
            consts = []
            for c in node.args[1:]:
                if not (isinstance(c, ast.Constant) and type(c.value) in (int, float)):
                    raise ValueError(f"{fname}(): the parameter after the input must be a "
                                     "number")
                consts.append(float(c.value))  # type: ignore[arg-type]
            out = fn(ev(node.args[0]), *consts)
        else:
            raise ValueError(f"{type(node).__name__} ({label(node) or '...'}) is not allowed "
                             "in an expression: only numbers, names, + - * / ** and "
                             f"{', '.join(sorted(_FUNCTIONS))}()")
        if isinstance(out, Value) and out.label == "" and out._fn is not None:
            out.label = label(node)
            if out.requires_grad:
                out.retain_grad()  # so the drawing and the printout show every gradient
        return out

    try:
        result = ev(tree.body)
    except RecursionError:
        raise ValueError("expression is too deeply nested") from None
    if not isinstance(result, Value) or not result.requires_grad:
        raise ValueError(f"expression {text!r} has no variable to differentiate")
    return result


def parse_assignments(items: Sequence[str]) -> dict[str, Any]:
    """`--set NAME=NUMBER` items as labelled leaf Values, by name."""
    names: dict[str, Any] = {}
    for item in items:
        name, sep, number = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ValueError(f"--set {item!r}: expected NAME=NUMBER, e.g. x1=2.0")
        if name in _FUNCTIONS:
            raise ValueError(f"--set {item!r}: {name!r} is a function name")
        try:
            names[name] = Value(float(number), label=name)
        except ValueError:
            raise ValueError(f"--set {item!r}: {number.strip()!r} is not a number") from None
    return names
