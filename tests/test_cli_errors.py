"""Bad input through the command line: each case is one line on stderr, exit status 2, and nothing trained."""
import os, subprocess, sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-c", "import sys; from lossplateau.cli import main; sys.exit(main())"]


def _report(tmp_path, data, *extra):
    out = tmp_path / "out"
    res = subprocess.run(CLI + ["report", str(data), "--out", str(out), "--profile", "smoke", *extra],
                         capture_output=True, text=True, timeout=300)
    return res, out


def _write(path, content):
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


CASES = {
    "missing file": (lambda d: d / "nope.csv", [], "no such file or folder"),
    "empty file": (lambda d: _write(d / "e.csv", ""), [], "the file is empty"),
    "unknown format": (lambda d: _write(d / "d.docx", "x"), [], "unknown format '.docx'"),
    "binary garbage": (lambda d: _write(d / "g.parquet", os.urandom(512)), [], "cannot be read as PARQUET"),
    "missing column": (lambda d: _write(d / "c.csv", "body,topic\na,x\nb,y\n"), ["--text", "text"], "no text column 'text'"),
    "empty texts": (lambda d: _write(d / "n.csv", "text,label\nok,a\n,b\nfine,b\nalso,a\n"), [], "empty or missing text in row(s) 2"),
    "one class": (lambda d: _write(d / "o.csv", "text,label\na,x\nb,x\nc,x\n"), [], "has 1 class ('x')"),
    "class with one document": (lambda d: _write(d / "s.csv", "text,label\na,x\nb,x\nc,x\nd,lonely\n"), [], "'lonely' (1)"),
    "not UTF-8": (lambda d: _write(d / "u.csv", b"text,label\ncaf\xe9 au lait,a\nb,b\n"), [], "not valid utf-8"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_report_input(tmp_path, case):
    make, extra, message = CASES[case]
    res, out = _report(tmp_path, make(tmp_path), *extra)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lossplateau report: error:"), res.stderr
    assert message in lines[0]
    assert "Traceback" not in res.stderr
    assert not (out / "runs").exists()          # nothing was trained


def test_unwritable_output_folder(tmp_path):
    data = _write(tmp_path / "d.csv", "text,label\n" + "".join(f"doc {i},{'ab'[i % 2]}\n" for i in range(20)))
    blocker = _write(tmp_path / "file", "not a folder")
    res = subprocess.run(CLI + ["report", str(data), "--out", str(blocker / "sub")], capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "cannot write the output there" in res.stderr and res.stderr.count("\n") == 1


def test_debug_shows_the_traceback(tmp_path):
    res = subprocess.run(CLI + ["report", str(tmp_path / "nope.csv"), "--debug"], capture_output=True, text=True, timeout=300)
    assert res.returncode != 0 and "Traceback" in res.stderr


def test_unknown_profile_before_anything(tmp_path):
    res = subprocess.run(CLI + ["book", "--profile", "enormous", "--out", str(tmp_path / "b")], capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "unknown profile 'enormous'; choose one of: smoke, quick, full" in res.stderr
    assert not (tmp_path / "b" / "runs").exists()
