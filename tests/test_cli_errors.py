"""Bad input through the command line: each case is one line on stderr, exit status 2, and nothing trained."""
import os, subprocess, sys

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
    "object labels": (lambda d: _write(d / "j.jsonl", "".join(f'{{"text": "doc {i}", "label": {{"name": "{"ab"[i % 2]}"}}}}\n'
                                                                for i in range(20))),
                      [], "column 'label' holds dict values in row(s) 1, 2, 3, 4, 5 and 15 more (e.g. {'name': 'a'}); "
                          "labels must be strings, numbers or booleans"),
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


GOOD_CSV = "text,label\n" + "".join(f"document number {i} about {'ab'[i % 2]},{'ab'[i % 2]}\n" for i in range(20))
VECTOR_CASES = {
    "no such vectors file": (None, "no such vectors file"),
    "empty vectors file": ("", "the vectors file is empty"),
    "line with a missing number": ("document 0.1 0.2 0.3\nabout 0.1 0.2\n", "line 2 ('about') has 2 numbers, but the first line has 3"),
    "line with a word for a number": ("document 0.1 0.2 0.3\nabout 0.1 0.2 x\n", "line 2 ('about'): 'x' is not a number"),
    "header with the wrong dimension": ("2 4\ndocument 0.1 0.2 0.3\nabout 0.1 0.2 0.3\n", "line 2 ('document') has 3 numbers, but the header says 4"),
    "vectors not UTF-8": (b"document 0.1 0.2\ncaf\xe9 0.3 0.4\n", "not valid utf-8"),
}


@pytest.mark.parametrize("case", list(VECTOR_CASES))
@pytest.mark.parametrize("command", ["report", "train"])
def test_bad_vectors_file(tmp_path, case, command):
    content, message = VECTOR_CASES[case]
    data = _write(tmp_path / "d.csv", GOOD_CSV)
    vectors = tmp_path / "v.txt" if content is None else _write(tmp_path / "v.txt", content)
    args = ["report", str(data)] if command == "report" else ["train", "--data", str(data)]
    res = subprocess.run(CLI + args + ["--profile", "smoke", "--vectors", str(vectors), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"lossplateau {command}: error: {vectors}"), res.stderr
    assert message in lines[0]
    assert not list((tmp_path / "out").rglob("history.json"))        # nothing was trained


def test_megabyte_document_is_read_with_a_warning_and_trained_on(tmp_path):
    "A 1.2 MB document (e.g. rows merged by a broken quote) is kept, named in a warning, and truncated by the encoder."
    import pandas as pd
    rows = [(f"document {i} is about {'abc'[i % 3]} things", "abc"[i % 3]) for i in range(60)]
    rows.insert(30, ("word " * 240_000, "a"))
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(tmp_path / "big.csv", index=False)
    kv = "".join(f"{w} " + " ".join(f"{(hash(w) >> k) % 97 / 97:.3f}" for k in range(8)) + "\n"
                 for w in ["document", "is", "about", "a", "b", "c", "things", "word"])
    _write(tmp_path / "v.txt", kv)
    res = subprocess.run(CLI + ["train", "--profile", "smoke", "--data", str(tmp_path / "big.csv"), "--epochs", "1",
                                "--vectors", str(tmp_path / "v.txt"), "--out", str(tmp_path / "runs")],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "1 document(s) in column 'text' are longer than 100,000 characters (row(s) 31; the longest 1," in res.stderr
    assert "val_loss" in res.stdout                                  # the epoch table was printed
    meta = __import__("json").loads(next((tmp_path / "runs").glob("question-*/history.json")).read_text())["meta"]
    assert "given" in meta["params"]["model"]["vectors"]               # the pretrained vectors were used...
    assert meta["embedding_coverage"]["words"] > 0                   # ...and cover words of the corpus


def test_second_build_into_the_same_folder_is_refused(tmp_path):
    from lossplateau.book import build_lock
    (tmp_path / "b").mkdir()
    with build_lock(tmp_path / "b"):
        res = subprocess.run(CLI + ["book", "--profile", "smoke", "--out", str(tmp_path / "b")], capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "another lossplateau build is writing there (pid" in res.stderr and res.stderr.count("\n") == 1
    assert not (tmp_path / "b" / "runs").exists()


def test_unreachable_scheduler_and_bad_workers_fail_in_one_line(tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]         # nothing listens there once closed
    res = subprocess.run(CLI + ["book", "--profile", "smoke", "--out", str(tmp_path / "b"), "--scheduler",
                                f"tcp://127.0.0.1:{port}"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr[-2000:]
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in res.stderr and "dask scheduler" in res.stderr
    res = subprocess.run(CLI + ["book", "--profile", "smoke", "--out", str(tmp_path / "c"), "--workers", "0"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "workers must be a whole number of at least 1" in res.stderr and res.stderr.count("\n") == 1
    assert not list(tmp_path.rglob("history.json"))                  # nothing was trained
