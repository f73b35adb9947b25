"""The `autograd-core` command: demo, check, graph, train, compile, example and bench.

Every subcommand is a thin shell over library functions (`autograd_core.app.demo`, `nn`,
`optim`, `autograd_core.viz`), imported only when the subcommand runs, so `--help` is instant
and the engine never depends on `nn`. The expressions `graph` draws are parsed in expression.py;
`example` and `bench`, which hand their arguments to another program, are in passthrough.py.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import difflib
import io
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from .._alias import shadow_message
from .expression import _FUNCTIONS, evaluate_expression, parse_assignments

__all__ = ["main", "build_parser"]

# These hand their arguments on unparsed to their own programs.
_PASSTHROUGH = ("check", "example", "bench")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        """Print `prog: error: message` and exit with status 2, as argparse does."""
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if n <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {n}")
    return n


def _positive_float(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not (x > 0 and math.isfinite(x)):
        raise argparse.ArgumentTypeError(f"expected a positive finite number, got {text}")
    return x


def _hidden_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(s) for s in text.split(",") if s.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer widths like 16,16, got {text!r}") from None
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError(f"expected positive layer widths, got {text!r}")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `autograd-core` with all its subcommands."""
    from .demo_train import ACTIVATIONS, DATASETS, INITIALIZERS, OPTIMIZERS

    p = _Parser(prog="autograd-core",
                description="A readable autodiff engine: run the lecture demo, check gradients, "
                            "draw graphs, train small networks, run the lecture's lesson "
                            "scripts, run benchmarks.")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    d = sub.add_parser("demo", help="run the lecture demo and write its pictures and index page",
                       description="Backprop through micrograd's neuron, train an MLP on two "
                                   "moons, run the gradient checks, and write every picture "
                                   "with an index.html page.")
    d.add_argument("--out", default="demo-output", metavar="DIR",
                   help="folder for the pictures and index.html (default: demo-output)")
    d.add_argument("--fast", action="store_true",
                   help="fewer epochs and a smaller data set (for tests)")
    d.add_argument("--no-progress", action="store_true", help="no progress bars")
    d.add_argument("--stages", default="neuron,moons,checks", metavar="LIST",
                   help="comma-separated stages to run (default: neuron,moons,checks)")

    sub.add_parser("check", add_help=False, help="run the gradient checks over every op "
                                                 "(arguments go to autograd_core.checks)")

    g = sub.add_parser("graph", help="draw the graph of an expression or of a saved model",
                       description="Evaluate an arithmetic expression with Value (names given by "
                                   "--set), backpropagate, and draw the graph with data, "
                                   "gradients and backprop order. Or draw a model saved by "
                                   "'autograd-core train'. Only numbers, names, + - * / ** "
                                   f"and the functions {', '.join(sorted(_FUNCTIONS))} are "
                                   "allowed: the expression is parsed, never executed.")
    src = g.add_mutually_exclusive_group(required=True)
    src.add_argument("expression", nargs="?", help='e.g. "tanh(x1*w1 + x2*w2 + b)"')
    src.add_argument("--model", metavar="CHECKPOINT",
                     help="a checkpoint written by 'autograd-core train' (.npz)")
    g.add_argument("--set", action="append", default=[], metavar="NAME=NUMBER",
                   help="the value of a name in the expression (repeat for each name)")
    g.add_argument("--out", default="graph.svg", metavar="FILE",
                   help="output file; its suffix picks the format: .svg, .png, .pdf or .dot "
                        "(default: graph.svg)")
    g.add_argument("--no-order", action="store_true", help="do not number the backprop order")
    g.add_argument("--heat", action="store_true", help="color nodes by gradient magnitude")
    g.add_argument("--edge-labels", action="store_true",
                   help="write each edge's local derivative (chain rule factors)")
    g.add_argument("--frames", metavar="HTML",
                   help="also write the step-by-step backprop page to this .html file")

    t = sub.add_parser("train", help="train an MLP on a built-in data set",
                       description="Train a multilayer perceptron with minibatch gradient "
                                   "descent, print per-epoch metrics and save a checkpoint.")
    t.add_argument("--dataset", choices=DATASETS, default="moons",
                   help="built-in data set (default: moons; digits needs scikit-learn)")
    t.add_argument("--samples", type=_positive_int, default=1000,
                   help="number of samples for the generated data sets (default: 1000)")
    t.add_argument("--hidden", type=_hidden_sizes, default=(16, 16), metavar="W1,W2,...",
                   help="hidden layer widths (default: 16,16)")
    t.add_argument("--activation", choices=ACTIVATIONS, default="relu",
                   help="hidden activation (default: relu)")
    t.add_argument("--init", choices=INITIALIZERS, default=None,
                   help="weight initializer (default: he_normal for relu, leaky_relu, elu, gelu "
                        "and silu; glorot_uniform for the others)")
    t.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd",
                   help="optimizer (default: sgd with momentum 0.9)")
    t.add_argument("--lr", type=_positive_float, default=None,
                   help="learning rate (default: 0.1 for sgd, 0.01 for the adaptive ones)")
    t.add_argument("--batch-size", type=_positive_int, default=32,
                   help="minibatch size (default: 32)")
    t.add_argument("--epochs", type=_positive_int, default=20, help="epochs (default: 20)")
    t.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    t.add_argument("--checkpoint", default="model.npz", metavar="FILE",
                   help="where to save the trained model (default: model.npz)")
    t.add_argument("--no-progress", action="store_true", help="no progress bars")

    c = sub.add_parser("compile", help="show an MLP's training step as the numpy a compiled "
                                       "step replays (--show), or time it",
                       description="Record the training step of an MLP (forward, cross-entropy, "
                                   "backward, optimizer step) with autograd_core.compile and "
                                   "print the Python source of its replay (--show), or time "
                                   "eager against compiled steps.")
    c.add_argument("--show", action="store_true", help="print the replay's source")
    c.add_argument("--model", metavar="CHECKPOINT",
                   help="the MLP of a checkpoint written by 'autograd-core train' (its "
                        "architecture, weights, optimizer and batch size), instead of the "
                        "options below")
    c.add_argument("--inputs", type=_positive_int, default=2, help="input width (default: 2)")
    c.add_argument("--hidden", type=_hidden_sizes, default=(16,), metavar="W1,W2,...",
                   help="hidden layer widths (default: 16)")
    c.add_argument("--classes", type=_positive_int, default=2,
                   help="output classes (default: 2)")
    c.add_argument("--activation", choices=ACTIVATIONS, default="relu",
                   help="hidden activation (default: relu)")
    c.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd",
                   help="optimizer (default: sgd with momentum 0.9)")
    c.add_argument("--batch-size", type=_positive_int, default=32,
                   help="minibatch size (default: 32)")
    c.add_argument("--steps", type=_positive_int, default=200,
                   help="steps timed without --show (default: 200)")
    c.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")

    sub.add_parser("example", add_help=False,
                   help="run one of the lecture's lesson scripts ('autograd-core example' "
                        "lists them)")
    sub.add_parser("bench", add_help=False,
                   help="run the benchmark suite of the source tree (arguments go to "
                        "'python -m benchmarks.run'; see 'autograd-core bench --help')")
    return p


def _version() -> str:
    from .. import __version__
    return __version__


# ---------------------------------------------------------------- subcommands

def _cmd_demo(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .demo import STAGES, run_demo

    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        parser.error(f"unknown stage {unknown[0]!r}; choose from {', '.join(STAGES)}")
    _writable_folder(parser, "--out", args.out, Path(args.out))
    results = run_demo(args.out, fast=args.fast, progress=not args.no_progress, stages=stages)
    return 1 if any(r.status == "failed" for r in results) else 0


def _cmd_check(argv: list[str]) -> int:
    try:
        from ..checking import checks
    except ImportError:
        print("autograd-core check: the gradient check suite (autograd_core.checking) is not "
              "available in this version", file=sys.stderr)
        return 1
    make_parser = getattr(checks, "_parser", None)
    if make_parser is not None:  # its argparse errors print the usage too: keep one line
        _one_line_parse("autograd-core check", lambda: make_parser().parse_args(argv))
    return int(checks.main(argv) or 0)


def _one_line_parse(prog: str, parse: Any) -> None:
    """Run another program's argument parsing; turn its usage-plus-error into one line."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            parse()
    except SystemExit as e:
        if e.code in (0, None):
            raise
        last = (err.getvalue().strip().splitlines() or [f"{prog}: error: bad arguments"])[-1]
        print(f"{last} (see '{prog} --help')", file=sys.stderr)
        raise SystemExit(2) from None


def _writable_folder(parser: argparse.ArgumentParser, option: str, value: str,
                     folder: Path) -> None:
    """Create `folder`, or fail with a one-line usage error naming the option and value."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        parser.error(f"{option} {value}: cannot create the folder {folder} ({e.strerror or e})")


def _cmd_graph(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    out = Path(args.out)
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in ("svg", "png", "pdf", "dot"):
        parser.error(f"--out {args.out}: the suffix must be .svg, .png, .pdf or .dot")
    if args.frames and args.model:
        parser.error("--frames works with expressions only (a model's graph is too big)")
    options: dict[str, Any] = {"order": not args.no_order, "heat": args.heat}
    _writable_folder(parser, "--out", args.out, out.parent)
    if args.frames:
        _writable_folder(parser, "--frames", args.frames, Path(args.frames).parent)
    if args.model:
        from .demo_train import model_graph_root
        if not Path(args.model).is_file():
            parser.error(f"--model {args.model}: no such file")
        try:
            root, model = model_graph_root(args.model)
        except (OSError, ValueError, KeyError, TypeError) as e:
            print(f"autograd-core graph: cannot load {args.model}: {e}", file=sys.stderr)
            return 1
        options["model"] = model
        options["heat"] = True
    else:
        try:
            names = parse_assignments(args.set)
            root = evaluate_expression(args.expression, names)
        except ValueError as e:
            parser.error(str(e))
        root.backward(retain_graph=True)  # the drawing walks the graph again
        options["edge_labels"] = args.edge_labels
        print(f"{args.expression} = {root.data:.6g}")
        used = {n.id for n in ast.walk(ast.parse(args.expression.strip(), mode="eval"))
                if isinstance(n, ast.Name)}
        unused = [name for name in names if name not in used]
        if unused:  # a typo in a name would otherwise draw a graph without the value
            parser.error(f"--set {unused[0]}=...: the expression does not use "
                         f"{unused[0]!r} (its names: {', '.join(sorted(used)) or 'none'})")
        for name, v in names.items():
            if name in used:
                print(f"  d/d{name} = {v.grad:.6g}")
    try:
        from .. import viz
        viz.to_dot  # noqa: B018 - fail here, with a clear message, if viz is not there yet
    except (ImportError, AttributeError):
        print("autograd-core graph: graph drawing (autograd_core.viz) is not available in this "
              "version", file=sys.stderr)
        return 1
    from .demo import write_graph
    written = write_graph(root, out.with_suffix(""), fmt, **options)
    print(f"wrote {written}")
    if args.frames:
        frames = Path(args.frames)
        viz.render_backprop_animation(root, str(frames))
        print(f"wrote {frames}")
    return 0


def _cmd_train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .demo_train import TrainConfig, train_command

    config = TrainConfig(dataset=args.dataset, samples=args.samples, hidden=args.hidden,
                         activation=args.activation, init=args.init, optimizer=args.optimizer,
                         lr=args.lr, batch_size=args.batch_size, epochs=args.epochs,
                         seed=args.seed)
    _writable_folder(parser, "--checkpoint", args.checkpoint, Path(args.checkpoint).parent)
    from .demo_train import load_data
    try:  # a data set that cannot be made from these arguments is a usage error
        load_data(config.dataset, config.samples, config.seed)
    except ValueError as e:
        parser.error(str(e))
    import numpy as np

    try:
        # A diverging run overflows inside numpy; the one-line error below says so, in words,
        # instead of numpy's warnings with the library's file names.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return train_command(config, args.checkpoint, progress=not args.no_progress)
    except (ImportError, FloatingPointError, MemoryError) as e:  # no traceback for these
        print(f"autograd-core train: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


def _cmd_compile(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .compile_cmd import compile_command, from_checkpoint

    if args.model:
        if not Path(args.model).is_file():
            parser.error(f"--model {args.model}: no such file")
        try:
            model = from_checkpoint(args.model)
        except (OSError, ValueError, KeyError, TypeError) as e:
            print(f"autograd-core compile: cannot load {args.model}: {e}", file=sys.stderr)
            return 1
    else:
        if args.classes < 2:
            parser.error("--classes must be at least 2 (the step uses cross-entropy)")
        model = dict(inputs=args.inputs, hidden=args.hidden, classes=args.classes,
                     activation=args.activation, optimizer=args.optimizer,
                     batch=args.batch_size)
    return compile_command(args.show, args.steps, args.seed, **model)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `autograd-core` with `argv` (default: the command line); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for name in ("nn", "optim"):  # a foreign `nn` would not break us, but would confuse you
        note = shadow_message(name)
        if note:
            print(f"autograd-core: warning: {note}", file=sys.stderr)
    if argv and argv[0] == "check":
        return _cmd_check(argv[1:])
    if argv and argv[0] in ("example", "bench"):
        from .passthrough import cmd_bench, cmd_example
        return (cmd_example if argv[0] == "example" else cmd_bench)(argv[1:])
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    sub = parser._subparsers._group_actions[0].choices[args.command]  # type: ignore[union-attr,index]
    if extra:  # said by the subcommand, whose --help lists what it takes
        options = [o for a in sub._actions for o in a.option_strings]
        close = difflib.get_close_matches(extra[0].split("=")[0], options, n=1)
        sub.error(f"unrecognized arguments: {' '.join(extra)}"
                  + (f"; did you mean {close[0]}?" if close else ""))
    commands = {"demo": _cmd_demo, "graph": _cmd_graph, "train": _cmd_train,
                "compile": _cmd_compile}
    return commands[args.command](args, sub)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
