"""The differentiable primitives: one small class per op, one file per family. Imports the
engine only.

`forward` computes on raw data (numpy arrays; the scalar front-end's subclasses in value/ work
on floats); `backward` is written in Node operations so that it can itself be recorded (higher
derivatives), and the hot ops also carry the same formula on raw arrays (`backward_raw`).
A primitive makes any constant it needs through the node it was given (`x._const(...)`), so
this package never imports a front-end.
"""

from .arithmetic import (
    Add,
    AddScalar,
    Div,
    DivScalar,
    Maximum,
    Minimum,
    Mul,
    MulScalar,
    Pow,
    PowScalar,
    RSubScalar,
    Sub,
    Where,
)
from .elementwise import (
    Abs,
    Cast,
    Clip,
    Cos,
    Exp,
    Floor,
    Log,
    Neg,
    Relu,
    Sigmoid,
    Sign,
    Sin,
    Sqrt,
    Step,
    Tanh,
)
from .fused import CrossEntropy, Linear
from .indexing import GetItem, IndexAdd
from .linalg import MatMul
from .reductions import LogSumExp, Max, Min, Prod, Sum
from .shape import BroadcastTo, Concatenate, Pad, Reshape, SumTo, Transpose, sum_to_array

__all__ = [
    "Add", "AddScalar", "Sub", "RSubScalar", "Mul", "MulScalar", "Div", "DivScalar",
    "Pow", "PowScalar",
    "Maximum", "Minimum", "Where",
    "Neg", "Exp", "Log", "Sqrt", "Abs", "Sin", "Cos", "Tanh", "Sigmoid", "Relu", "Step",
    "Clip", "Sign", "Floor", "Cast",
    "Sum", "Max", "Min", "Prod", "LogSumExp",
    "Reshape", "Transpose", "BroadcastTo", "SumTo", "Concatenate", "Pad", "sum_to_array",
    "GetItem", "IndexAdd", "MatMul", "Linear", "CrossEntropy",
]
