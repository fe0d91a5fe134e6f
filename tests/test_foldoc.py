"""The packaged FOLDOC corpus: what users get from `load_foldoc`, and that it rebuilds byte for byte from Debian."""
import os, shutil, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGED = ROOT / "lossplateau" / "corpora" / "foldoc.jsonl.gz"
DEB = "dict-foldoc=20230119-1"


def test_summary_command_offline():
    "The README's promise: 48 classes, about 7,700 documents, ~40x imbalance, without network."
    code = ("from lossplateau.data import load_foldoc; c = load_foldoc(); s = c.summary(); "
            "print(s.to_string()); print('N', len(s), len(c), s['count'].iloc[0] / s['count'].iloc[-1])")
    env = dict(os.environ, no_proxy="*", http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, cwd="/")
    assert out.returncode == 0, out.stderr
    _, n_classes, n_docs, ratio = out.stdout.strip().splitlines()[-1].split()
    assert int(n_classes) == 48
    assert 7000 <= int(n_docs) <= 8500
    assert 30 <= float(ratio) <= 50
    assert "language" in out.stdout and "networking" in out.stdout


def test_rebuild_is_byte_identical(tmp_path):
    "Rebuilding from Debian's package reproduces the shipped data file exactly."
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        pytest.skip("needs Debian's apt-get and dpkg-deb to fetch dict-foldoc")
    got = subprocess.run(["apt-get", "download", DEB], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    if got.returncode != 0:
        pytest.skip(f"apt-get download {DEB} failed (no package lists or network?): {got.stderr.strip()[-300:]}")
    deb = next(tmp_path.glob("dict-foldoc_*_all.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path / "x")], check=True)
    from lossplateau.foldoc import build_foldoc
    dictd = tmp_path / "x" / "usr" / "share" / "dictd"
    n = build_foldoc(dictd / "foldoc.index", dictd / "foldoc.dict.dz", tmp_path / "foldoc.jsonl.gz")
    assert n > 8000
    assert (tmp_path / "foldoc.jsonl.gz").read_bytes() == PACKAGED.read_bytes()
