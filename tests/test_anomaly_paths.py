"""Anomaly mode points at the user's line wherever the user's code lives, even in a folder whose
name contains the library's (an unpacked sdist, a clone called autograd_core)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import numpy as np
from autograd_core import AnomalyError, Tensor, detect_anomaly

x = Tensor(np.array([-1.0, 4.0]), requires_grad=True)
try:
    with detect_anomaly():
        x.log()  # MARK-USER-LINE
except AnomalyError as e:
    print(e)
"""


def test_the_creation_line_is_found_in_a_folder_named_like_the_library(tmp_path):
    folder = tmp_path / "autograd_core-0.1.0" / "nn" / "optim"
    folder.mkdir(parents=True)
    script = folder / "user_script.py"
    script.write_text(SCRIPT)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "forward of Log produced NaN" in r.stdout
    assert f'File "{script}", line 8' in r.stdout and "MARK-USER-LINE" in r.stdout, r.stdout
