"""The package as users get it: a wheel and an sdist built from this tree, checked from outside.

The slow checks build both with `python -m build` (an isolated build, as pip does it) and
install the wheel into a fresh virtual environment that has nothing but what the wheel
declares, then run the `autograd-core` command there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd_core", "nn", "optim")


def _git_files() -> list[str] | None:
    """Tracked files (None outside a git checkout, e.g. in an unpacked sdist)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    r = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    return r.stdout.split() if r.returncode == 0 else None


def test_no_tracked_file_is_ignored():
    if _git_files() is None:
        pytest.skip("not a git checkout")
    r = subprocess.run(["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
                       cwd=ROOT, capture_output=True, text=True, check=True)
    assert r.stdout == "", f".gitignore matches tracked files:\n{r.stdout}"


def test_license_file_and_spdx_metadata():
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^license = "MIT"$', text, re.M), "an SPDX string, not the table form"
    assert re.search(r'^license-files = \["LICENSE"\]$', text, re.M)
    # setuptools reads PEP 639's fields from 77 on; older ones reject them.
    assert re.search(r'"setuptools>=(7[7-9]|[89]\d)', text)
    assert "License ::" not in text  # PEP 639: the SPDX string replaces licence classifiers
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_is_marked_typed(package):
    assert (ROOT / package / "py.typed").is_file()


def test_importing_nn_does_not_import_scipy():
    pytest.importorskip("scipy")  # only meaningful where scipy is there to be imported
    code = ("import sys, nn; from nn import F; print('scipy' in sys.modules); "
            "F.gelu(nn.Linear(2, 2).weight); print('scipy.special' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       check=True)
    assert r.stdout.split() == ["False", "True"]  # imported by the first erf, not by nn


def _build(out: Path) -> None:
    """A wheel and an sdist built from this tree, in an isolated build environment."""
    r = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    complaints = [line for line in (r.stdout + r.stderr).splitlines()
                  if "SetuptoolsDeprecationWarning" in line
                  or ("license" in line.lower() and "warn" in line.lower())]
    assert not complaints, complaints  # e.g. the deprecated licence table


def _check_wheel(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    assert f"{info}/licenses/LICENSE" in names
    assert {f"{p}/py.typed" for p in PACKAGES} <= names
    meta = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert "License-Expression: MIT" in meta and "License-File: LICENSE" in meta
    assert "Classifier: Typing :: Typed" in meta
    modules = {str(p.relative_to(ROOT)) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules <= names, sorted(modules - names)


def _check_sdist(sdist: Path, tmp: Path) -> Path:
    with tarfile.open(sdist) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(tmp, filter="data")
        else:  # Python before 3.10.12 / 3.11.4; our own archive, just built
            tar.extractall(tmp)  # noqa: S202
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    tracked = _git_files()
    if tracked is not None:
        missing = {f for f in tracked if f not in members and f != ".gitignore"}
        assert not missing, f"tracked files missing from the sdist: {sorted(missing)}"
    assert {"tests/conftest.py", "LICENSE", "notebooks/execute.py"} <= members
    (src,) = [p for p in tmp.iterdir() if p.is_dir()]
    # The sdist's own tests, from the unpacked folder: all of them collect, and a quick few run.
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "--collect-only", "-rs", "tests"], cwd=src, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    counts = dict(re.findall(r"^(tests/\S+\.py): (\d+)$", r.stdout, re.M))
    # A file that skips as a whole (PyTorch's cross-checks, where torch is not installed) is
    # reported as skipped instead of collected: it was found and read all the same.
    skipped = set(re.findall(r"^SKIPPED \[\d+\] (tests/\S+\.py):\d+: could not import",
                             r.stdout, re.M))
    ours = {str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_*.py")}
    missing = ours - set(counts) - skipped
    assert not missing, f"not collected from the sdist: {sorted(missing)}"
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "tests/test_value.py", "tests/test_docstrings.py",
                        "tests/test_anomaly.py"], cwd=src,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:]
    return src


def _clean_env(wheel: Path, env: Path) -> Path:
    """A new virtual environment with the wheel installed and nothing else (numpy comes along)."""
    venv.create(env, with_pip=True)
    r = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        str(wheel)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    code = ("import importlib.metadata as m, pathlib, autograd_core, nn, optim; "
            "d = m.distribution('autograd-core'); "
            "print(d.metadata['License-Expression']); "
            "print(all((pathlib.Path(p.__file__).parent / 'py.typed').is_file() "
            "for p in (autograd_core, nn, optim))); "
            "print(any(str(f).endswith('licenses/LICENSE') for f in d.files))")
    r = subprocess.run([str(env / "bin" / "python"), "-c", code], capture_output=True,
                       text=True, timeout=120, cwd=env)  # not the checkout: import the wheel
    assert r.stdout.split() == ["MIT", "True", "True"], r.stderr
    return env


# Every subcommand, from a folder that is not the checkout, with nothing but the wheel installed.
SUBCOMMANDS = [
    ("--version",),
    ("demo", "--fast", "--no-progress", "--out", "demo"),
    ("check", "--fast", "--op", "tanh"),
    ("graph", "tanh(x*w + b)", "--set", "x=2", "--set", "w=-3", "--set", "b=6.88",
     "--out", "g.dot"),
    ("train", "--epochs", "2", "--samples", "200", "--no-progress", "--checkpoint", "m.npz"),
    ("graph", "--model", "m.npz", "--out", "m.dot"),
    ("example",),
    ("example", "softmax", "--fast", "--out", "lesson"),  # no matplotlib here: text only
    ("bench", "--help"),  # says where the suite is (the source), and exits 0
    ("bench", "--source", "{sdist}", "--quick", "--only", "W5", "--libs", "autograd_core",
     "--out", "bench-result"),  # the suite from the unpacked sdist, run by the installed command
]


def test_built_wheel_and_sdist_as_users_get_them(tmp_path):
    # One test, not several: each xdist worker would otherwise build and install its own copy.
    pytest.importorskip("build", reason="the dev extra has `build`")
    _build(tmp_path / "dist")
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    (sdist,) = (tmp_path / "dist").glob("*.tar.gz")
    _check_wheel(wheel)
    src = _check_sdist(sdist, (tmp_path / "sdist"))
    env = _clean_env(wheel, tmp_path / "venv")
    work = tmp_path / "work"
    work.mkdir()
    for args in SUBCOMMANDS:
        args = tuple(a.format(sdist=src) for a in args)
        r = subprocess.run([str(env / "bin" / "autograd-core"), *args], cwd=work,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, f"autograd-core {' '.join(args)}:\n{r.stdout[-2000:]}" \
                                  f"{r.stderr[-2000:]}"
        assert "Traceback" not in r.stderr, r.stderr
    assert (work / "m.dot").is_file() and (work / "bench-result.md").is_file()
    assert "sum of probabilities" in subprocess.run(
        [str(env / "bin" / "autograd-core"), "example", "softmax", "--fast", "--out", "x"],
        cwd=work, capture_output=True, text=True, timeout=120).stdout
