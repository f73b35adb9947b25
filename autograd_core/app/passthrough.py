"""The subcommands that hand their arguments on to another program: `example` and `bench`.

`example NAME` runs one of the lesson scripts that ship in the package (app/examples/), so it
works from a plain install. `bench` runs the benchmark suite, which does not ship: it times
autograd_core against PyTorch, HIPS autograd, MyGrad and micrograd, peers a user of the library
never needs, so it lives in the source (a clone, or the sdist) next to the package, and this
command finds it there, in the current folder, or where `--source DIR` says.
"""

from __future__ import annotations

import difflib
import os
import runpy
import subprocess
import sys
from pathlib import Path

__all__ = ["cmd_example", "cmd_bench", "find_benchmarks"]

_EXAMPLE_USAGE = "usage: autograd-core example NAME [--out DIR] [--fast] [--help]"


def _one_line_error(prog: str, message: str) -> int:
    print(f"{prog}: error: {message} (see '{prog} --help')", file=sys.stderr)
    return 2


def cmd_example(argv: list[str]) -> int:
    """`autograd-core example NAME ...`: run the lesson script NAME with the remaining options."""
    from . import examples

    lessons = examples.LESSONS
    if not argv or argv[0] in ("-h", "--help", "--list"):
        print(f"{_EXAMPLE_USAGE}\n\nRun one of the lecture's lesson scripts: it prints what it "
              "shows and saves its pictures in DIR\n(default: example-output/NAME). "
              "'autograd-core example NAME --help' shows its options.\n\nlessons, in the "
              "lecture's order:")
        for name, what in lessons.items():
            print(f"  {name:<20} {what}")
        return 0
    name = argv[0]
    if name not in lessons:
        close = difflib.get_close_matches(name, lessons, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; choose from {', '.join(lessons)}"
        return _one_line_error("autograd-core example", f"no lesson {name!r}{hint}")
    saved = sys.argv
    sys.argv = [f"autograd-core example {name}", *argv[1:]]  # what the script's --help shows
    try:
        runpy.run_module(f"{examples.__name__}.{name}", run_name="__main__", alter_sys=False)
    finally:
        sys.argv = saved
    return 0


def find_benchmarks(source: str | None = None) -> Path | None:
    """The folder that holds benchmarks/run.py: `source`, the checkout around the package, or
    the current folder (an unpacked sdist or a clone, with the package installed apart)."""
    if source is not None:
        candidates = [Path(source)]
    else:
        candidates = [Path(__file__).resolve().parents[2], Path.cwd()]
    return next((c for c in candidates if (c / "benchmarks" / "run.py").is_file()), None)


_NO_SUITE = (
    "autograd-core bench: the benchmark suite is not part of the installed package. It times "
    "autograd_core against PyTorch, HIPS autograd, MyGrad and micrograd, which the library "
    "never needs, so it ships with the source: a clone of the repository, or the sdist "
    "(autograd_core-{version}.tar.gz, which pip can fetch with `pip download --no-deps "
    "--no-binary autograd-core autograd-core`). Run `autograd-core bench` inside that folder, "
    "or `autograd-core bench --source DIR`; `make bench` there also installs the peers into "
    "their own environment.")


def cmd_bench(argv: list[str]) -> int:
    """`autograd-core bench ...`: `python -m benchmarks.run ...` in the folder that has it."""
    from .. import __version__

    source = None
    if "--source" in argv:
        i = argv.index("--source")
        if i + 1 >= len(argv):
            return _one_line_error("autograd-core bench", "--source needs a folder")
        source, argv = argv[i + 1], argv[:i] + argv[i + 2:]
    root = find_benchmarks(source)
    if root is None:
        if source is not None:
            return _one_line_error("autograd-core bench",
                                   f"--source {source}: no benchmarks/run.py there")
        print(_NO_SUITE.format(version=__version__), file=sys.stderr)
        return 0 if any(a in ("-h", "--help") for a in argv) else 1
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    # Parse first with the suite's own parser (cheap: no workload runs), so --help names this
    # command and a bad argument is one line with status 2, like every other subcommand.
    probe = subprocess.run([sys.executable, "-c", "import sys; from benchmarks.run import "
                            "parse_args; parse_args(sys.argv[1:])", *argv],
                           env=env, capture_output=True, text=True)

    def fix(text: str) -> str:
        return (text.replace("python -m benchmarks.run", "autograd-core bench")
                .replace("-c: error", "autograd-core bench: error"))

    if probe.returncode == 2:
        lines = fix(probe.stderr).strip().splitlines() or ["autograd-core bench: error"]
        print(f"{lines[-1]} (see 'autograd-core bench --help')", file=sys.stderr)
        return 2
    if probe.returncode != 0 or any(a in ("-h", "--help") for a in argv):
        print(fix(probe.stdout), end="")
        print(fix(probe.stderr), end="", file=sys.stderr)
        return probe.returncode
    return subprocess.call([sys.executable, "-m", "benchmarks.run", *argv], env=env)
