"""The application layer: the `autograd-core` command and the demo. The top of the stack.

It may use everything below it, `nn` and `optim` included; nothing in the library imports it.
cli.py is the command line (expression.py parses what `graph` draws), demo.py the `demo`
pipeline and demo_train.py the training behind `train` and the demo's second stage.
"""

from .cli import build_parser, main
from .expression import evaluate_expression

__all__ = ["main", "build_parser", "evaluate_expression"]
