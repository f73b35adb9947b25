"""Every lesson script runs through `autograd-core example NAME --fast`, prints what it shows
and saves its pictures; the scripts ship in the package (autograd_core/app/examples/)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd_core.app.examples import LESSONS

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "autograd_core" / "app" / "examples"
EXAMPLES = sorted(p for p in FOLDER.glob("*.py") if not p.name.startswith("_"))
HAVE_MPL = importlib.util.find_spec("matplotlib") is not None
HAVE_SKLEARN = importlib.util.find_spec("sklearn") is not None

# The pictures each example must write (matplotlib ones; graph drawings are checked apart).
PICTURES = {
    "activations": ["activations.png", "activations_steps.png"],
    "digits": ["digits.png"] if HAVE_SKLEARN else [],
    "forward_backward": [],
    "initializers": ["init_histograms.png", "init_depth.png"],
    "softmax": ["softmax.png", "softmax_temperature.png"],
    "training_steps": ["training_steps.png"],
    "vanishing_gradients": ["vanishing_gradients.png", "gradient_clipping.png"],
}
GRAPHS = {"forward_backward": "forward_backward", "vanishing_gradients": "vanishing_heat"}


def test_every_lecture_example_is_present_and_listed():
    assert {p.stem for p in EXAMPLES} == set(PICTURES) == set(LESSONS)


def _example(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "autograd_core", "example", name, *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_fast_and_saves_its_pictures(script, tmp_path):
    r = _example(script.stem, "--fast", "--out", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert len(r.stdout.splitlines()) >= 3  # it prints what it shows
    if HAVE_MPL:
        for name in PICTURES[script.stem]:
            png = tmp_path / name
            assert png.exists(), f"{script.name} did not write {name}"
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if script.stem in GRAPHS:
        drawn = [tmp_path / (GRAPHS[script.stem] + s) for s in (".svg", ".dot")]
        assert any(p.exists() for p in drawn), r.stdout


def test_softmax_example_gradient_matches_p_minus_onehot(tmp_path):
    r = _example("softmax", "--fast", "--out", str(tmp_path), cwd=tmp_path)
    lines = {ln.split(":")[0].strip(): ln.split(":", 1)[1] for ln in r.stdout.splitlines()
             if ln.startswith(("d loss", "p - onehot"))}
    engine = lines["d loss / d scores (engine)"]
    formula = lines["p - onehot(dog) (by formula)"]
    assert engine.split() == formula.split()
