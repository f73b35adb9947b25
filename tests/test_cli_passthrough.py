"""`autograd-core example` (the lesson scripts in the package) and `bench` (the suite in the
source tree): what each needs, found or said in one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograd_core.app import passthrough
from autograd_core.app.cli import main
from autograd_core.app.examples import LESSONS

ROOT = Path(__file__).resolve().parent.parent


def test_example_without_a_name_lists_the_lessons_in_lecture_order(capsys):
    assert main(["example"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: autograd-core example NAME")
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert listed == list(LESSONS)
    assert main(["example", "--list"]) == 0


def test_an_unknown_lesson_is_one_line_with_the_closest_name(capsys):
    assert main(["example", "sofmax"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == ("autograd-core example: error: no lesson 'sofmax'; did you mean "
                    "'softmax'? (see 'autograd-core example --help')")


def test_a_lesson_takes_its_own_options_under_the_command_name(capsys):
    with pytest.raises(SystemExit) as e:
        main(["example", "softmax", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: autograd-core example softmax") and "--fast" in out
    with pytest.raises(SystemExit) as e:
        main(["example", "softmax", "--bogus"])
    assert e.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("autograd-core example softmax: error: unrecognized arguments")


def test_a_lesson_runs_in_process_and_writes_where_it_is_told(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert main(["example", "softmax", "--fast", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "softmax.png").is_file()
    assert "sum of probabilities" in capsys.readouterr().out


def test_the_benchmark_suite_is_found_in_the_checkout_the_cwd_or_source(tmp_path,
                                                                         monkeypatch):
    assert passthrough.find_benchmarks() == ROOT  # this checkout, around the package
    assert passthrough.find_benchmarks(str(tmp_path)) is None
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "run.py").write_text("")
    assert passthrough.find_benchmarks(str(tmp_path)) == tmp_path
    # An installed package has no checkout around it: the current folder is the next place.
    fake = tmp_path / "site-packages" / "autograd_core" / "app" / "passthrough.py"
    monkeypatch.setattr(passthrough, "__file__", str(fake))
    monkeypatch.chdir(tmp_path)
    assert passthrough.find_benchmarks() == tmp_path


def test_bench_without_the_suite_says_what_it_needs(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(passthrough, "find_benchmarks", lambda source=None: None)
    assert main(["bench", "--quick"]) == 1
    err = capsys.readouterr().err
    assert "not part of the installed package" in err and "--source DIR" in err
    assert "PyTorch" in err and "make bench" in err
    assert main(["bench", "--help"]) == 0  # asking is not a failure
    assert "not part of the installed package" in capsys.readouterr().err


def test_bench_source_is_checked_and_handed_to_the_suite(monkeypatch, capsys, tmp_path):
    assert main(["bench", "--source", str(tmp_path)]) == 2
    assert "no benchmarks/run.py there" in capsys.readouterr().err
    assert main(["bench", "--source"]) == 2
    calls = []
    monkeypatch.setattr(passthrough.subprocess, "call",
                        lambda cmd, env: calls.append((cmd, env)) or 0)
    assert main(["bench", "--source", str(ROOT), "--quick", "--only", "W5"]) == 0
    cmd, env = calls[0]
    assert cmd[1:] == ["-m", "benchmarks.run", "--quick", "--only", "W5"]
    assert env["PYTHONPATH"].split(":")[0] == str(ROOT)
